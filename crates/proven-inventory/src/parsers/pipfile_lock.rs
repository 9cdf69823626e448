//! `Pipfile.lock` (pipenv), pipfile-spec 6.
//!
//! Counted as one component per distinct name and version over `default` (required) and
//! `develop` (dev); a package in both is required. The file records no edges; the direct
//! dependencies are the names of the sibling `Pipfile`'s `[packages]` and `[dev-packages]`.

use std::collections::HashMap;

use proven_model::{Component, Diagnostic, Ecosystem, Hash, Scope};

use super::python::{self, at, normalize};
use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::text::JsonKeyLines;

pub(super) static PARSER: ParserDef = ParserDef {
    name: "pipfile-lock",
    ecosystem: Ecosystem::PyPI,
    matches: |name| name == "Pipfile.lock",
    parse,
    at_path: None,
    binary: false,
};

type Object = serde_json::Map<String, serde_json::Value>;

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let doc: serde_json::Value = serde_json::from_str(input.text)
        .map_err(|e| ParseFailure::json(&e, "a Pipfile.lock JSON object"))?;
    let Some(doc) = doc.as_object() else {
        return Err(ParseFailure::at(
            1,
            "expected a JSON object with `_meta`, `default` and `develop`",
        ));
    };
    let meta = doc.get("_meta").and_then(serde_json::Value::as_object);
    let spec = meta
        .and_then(|m| m.get("pipfile-spec"))
        .and_then(serde_json::Value::as_u64);
    let mut parsed = Parsed {
        format: match spec {
            Some(v) => format!("Pipfile.lock v{v}"),
            None => "Pipfile.lock".into(),
        },
        ..Parsed::default()
    };
    let sources: HashMap<&str, &str> = meta
        .and_then(|m| m.get("sources"))
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| Some((s.get("name")?.as_str()?, s.get("url")?.as_str()?)))
        .collect();
    let mut keys = JsonKeyLines::new(input.text);
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut unpinned = 0;
    for (section, scope) in [("default", Scope::Required), ("develop", Scope::Dev)] {
        let Some(entries) = doc.get(section).and_then(serde_json::Value::as_object) else {
            continue;
        };
        keys.next(section, b'{');
        for (name, entry) in entries {
            let line = keys.next(name, b'{');
            let Some(entry) = entry.as_object() else {
                parsed.diagnostics.push(Diagnostic::error(
                    at(input.path, line),
                    format!(
                        "entry `{name}` is not an object; expected {{\"version\": \"==...\", ...}}"
                    ),
                ));
                parsed.incomplete = Some("an entry could not be read".into());
                continue;
            };
            let (mut c, id) = component(
                input,
                name,
                entry,
                line,
                &sources,
                &mut parsed,
                &mut unpinned,
            );
            c.scope = scope;
            if let Some(&i) = by_id.get(&id) {
                let existing = &mut parsed.components[i];
                existing.scope = existing.scope.strongest(scope);
                python::add_hashes(existing, c.hashes);
                existing.locations.extend(c.locations);
                continue;
            }
            c.id = id.clone();
            by_id.insert(id, parsed.components.len());
            by_name
                .entry(normalize(name))
                .or_default()
                .push(parsed.components.len());
            parsed.components.push(c);
        }
    }
    if unpinned > 0 {
        parsed.incomplete = Some(if unpinned == 1 {
            "1 requirement is a range, not a pin".into()
        } else {
            format!("{unpinned} requirements are ranges, not pins")
        });
    }

    if let Some(pipfile) =
        (input.sibling)("Pipfile").and_then(|t| toml::from_str::<toml::Table>(&t).ok())
    {
        let mut direct: Vec<String> = ["packages", "dev-packages"]
            .iter()
            .filter_map(|s| pipfile.get(*s).and_then(toml::Value::as_table))
            .flat_map(|t| t.keys())
            .filter_map(|k| by_name.get(&normalize(k)))
            .flatten()
            .map(|&i| parsed.components[i].id.clone())
            .collect();
        direct.sort();
        direct.dedup();
        parsed.direct = direct;
    }
    Ok(parsed)
}

/// Builds one entry's component and local id.
fn component(
    input: &Input<'_>,
    name: &str,
    entry: &Object,
    line: Option<u32>,
    sources: &HashMap<&str, &str>,
    parsed: &mut Parsed,
    unpinned: &mut usize,
) -> (Component, String) {
    let path = input.path;
    let get = |k: &str| entry.get(k).and_then(serde_json::Value::as_str);
    let norm = normalize(name);
    let written = get("version");
    // A local folder's version is in its own pyproject.toml, not in the lock.
    let local_version = match get("path") {
        Some(dir) if written.is_none() => python::local_project(input.sibling, dir)
            .filter(|(n, _)| normalize(n) == norm)
            .and_then(|(_, v)| v),
        _ => None,
    };
    let version = written
        .and_then(python::pinned)
        .or(local_version.as_deref());
    let mut c = python::component(path, name, version, line);
    if let Some(hashes) = entry.get("hashes").and_then(serde_json::Value::as_array) {
        let mut found = Vec::with_capacity(hashes.len());
        for h in hashes.iter().filter_map(serde_json::Value::as_str) {
            match Hash::from_prefixed_hex(h) {
                Some(h) => found.push(h),
                None => parsed.diagnostics.push(Diagnostic::warning(
                    at(path, line),
                    format!("hash `{h}` of {name} is not an algorithm:hex digest"),
                )),
            }
        }
        python::add_hashes(&mut c, found);
    }
    if let Some(m) = get("markers") {
        c.properties.insert("proven:marker".into(), m.to_string());
    }
    if let Some(extras) = entry.get("extras").and_then(serde_json::Value::as_array) {
        let extras: Vec<&str> = extras
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect();
        c.properties
            .insert("proven:extras".into(), extras.join(","));
    }
    if entry.get("editable").and_then(serde_json::Value::as_bool) == Some(true) {
        c.properties.insert("proven:editable".into(), "true".into());
    }
    let reference = if let Some(git) = get("git") {
        let rev = get("ref");
        python::set_git(&mut c, git, rev);
        if version.is_none() && !rev.is_some_and(python::is_commit) {
            note_unpinned(parsed, path, line, name, git);
            *unpinned += 1;
        }
        Some(git)
    } else if let Some(p) = get("path") {
        python::set_path(&mut c, p);
        Some(p)
    } else if let Some(f) = get("file") {
        match python::classify_url(f).0 {
            "path" => python::set_path(&mut c, f),
            _ => python::set_url(&mut c, f),
        }
        Some(f)
    } else {
        python::set_registry(&mut c, get("index").and_then(|i| sources.get(i).copied()));
        if version.is_none() {
            let req = written.unwrap_or("*");
            c.requirement = Some(req.to_string());
            note_unpinned(parsed, path, line, name, req);
            *unpinned += 1;
        }
        None
    };
    let id = match (version, reference) {
        (Some(v), _) => format!("{norm}@{v}"),
        (None, Some(r)) => format!("{norm} @ {r}"),
        (None, None) => format!("{norm} {}", written.unwrap_or("*")),
    };
    (c, id)
}

fn note_unpinned(parsed: &mut Parsed, path: &str, line: Option<u32>, name: &str, req: &str) {
    parsed.diagnostics.push(Diagnostic::note(
        at(path, line),
        format!("`{name}` is not pinned (`{req}`); its version is not known"),
    ));
}
