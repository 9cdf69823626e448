//! `pdm.lock`, lock versions 4.x (pdm 2).
//!
//! Counted as one component per distinct name and version: pdm writes a package asked for with
//! extras as a second `[[package]]` entry (`extras = ["socks"]`) of the same version, which adds
//! edges but no component. The project itself is not in the file. Scopes come from each entry's
//! `groups`: `default` ships, a group the sibling `pyproject.toml` declares as a development group
//! (`[dependency-groups]`, `[tool.pdm.dev-dependencies]`) is dev, any other group (an extra of
//! `[project.optional-dependencies]`) optional. Files locked without `groups` (older pdm, or
//! without the `inherit_metadata` strategy) get scopes from the edges and the pyproject.

use std::collections::HashMap;

use proven_model::{Diagnostic, Ecosystem, Hash, Scope};
use serde::Deserialize;

use super::python::{self, at, normalize, parse_requirement, ProjectDeps};
use super::{Input, ParseFailure, Parsed, ParserDef};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "pdm-lock",
    ecosystem: Ecosystem::PyPI,
    matches: |name| name == "pdm.lock",
    parse,
    at_path: None,
    binary: false,
};

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<toml::Table>,
    #[serde(default)]
    metadata: toml::Table,
}

fn str_of<'a>(t: &'a toml::Table, key: &str) -> Option<&'a str> {
    t.get(key).and_then(toml::Value::as_str)
}

fn strings<'a>(t: &'a toml::Table, key: &str) -> Vec<&'a str> {
    t.get(key)
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .collect()
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let lock: Lock = toml::from_str(input.text)
        .map_err(|e| ParseFailure::toml(input.text, &e, "a pdm.lock with [[package]] tables"))?;
    let header_lines = python::header_lines(input.text, "[[package]]");
    let mut parsed = Parsed {
        format: match str_of(&lock.metadata, "lock_version") {
            Some(v) => format!("pdm.lock v{v}"),
            None => "pdm.lock".into(),
        },
        ..Parsed::default()
    };
    let project = (input.sibling)("pyproject.toml").and_then(|t| ProjectDeps::read(&t));
    let groups_scope = |g: &str| match &project {
        Some(p) => p.group_scope(g),
        None => ProjectDeps::default().group_scope(g),
    };

    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    // For each readable entry: its component and its dependency strings.
    let mut entries: Vec<(usize, Vec<&str>, Option<u32>)> = Vec::new();
    let mut says_scope = false;
    for (i, p) in lock.package.iter().enumerate() {
        let line = header_lines.get(i).copied();
        let (Some(name), Some(version)) = (str_of(p, "name"), str_of(p, "version")) else {
            parsed.diagnostics.push(Diagnostic::error(
                at(input.path, line),
                "package entry without a `name` and `version` string; expected both",
            ));
            parsed.incomplete = Some("a package entry could not be read".into());
            continue;
        };
        let norm = normalize(name);
        let id = format!("{norm}@{version}");
        let groups = strings(p, "groups");
        says_scope |= !groups.is_empty();
        let scope = groups
            .iter()
            .map(|g| groups_scope(g))
            .reduce(Scope::strongest)
            .unwrap_or(Scope::Required);
        let idx = match by_id.get(&id) {
            Some(&idx) => {
                let c = &mut parsed.components[idx];
                c.scope = c.scope.strongest(scope);
                idx
            }
            None => {
                let mut c = python::component(input.path, name, Some(version), line);
                c.id = id.clone();
                c.scope = scope;
                if !groups.is_empty() {
                    c.properties
                        .insert("proven:groups".into(), groups.join(","));
                }
                if let Some(m) = str_of(p, "marker") {
                    c.properties.insert("proven:marker".into(), m.to_string());
                }
                if let Some(git) = str_of(p, "git") {
                    let rev = str_of(p, "revision").or_else(|| str_of(p, "ref"));
                    python::set_git(&mut c, git, rev);
                } else if let Some(path) = str_of(p, "path") {
                    python::set_path(&mut c, path);
                } else if let Some(url) = str_of(p, "url") {
                    python::set_url(&mut c, url);
                } else {
                    python::set_registry(&mut c, None);
                }
                if p.get("editable").and_then(toml::Value::as_bool) == Some(true) {
                    c.properties.insert("proven:editable".into(), "true".into());
                }
                let idx = parsed.components.len();
                by_id.insert(id, idx);
                by_name.entry(norm).or_default().push(idx);
                parsed.components.push(c);
                idx
            }
        };
        let files = p.get("files").and_then(toml::Value::as_array);
        let mut found = Vec::new();
        for hash in files
            .into_iter()
            .flatten()
            .filter_map(|f| f.get("hash").and_then(toml::Value::as_str))
        {
            match Hash::from_prefixed_hex(hash) {
                Some(h) => found.push(h),
                None => parsed.diagnostics.push(Diagnostic::warning(
                    at(input.path, line),
                    format!("hash `{hash}` of {name} {version} is not an algorithm:hex digest"),
                )),
            }
        }
        python::add_hashes(&mut parsed.components[idx], found);
        entries.push((idx, strings(p, "dependencies"), line));
    }

    let mut dangling = 0;
    let mut edges = Vec::new();
    for (from, deps, line) in &entries {
        for dep in deps {
            let Some(r) = parse_requirement(dep) else {
                continue;
            };
            let norm = normalize(r.name);
            let targets = by_name.get(&norm).map(Vec::as_slice).unwrap_or(&[]);
            let pin = python::pinned(r.specifier);
            let chosen: Vec<usize> = targets
                .iter()
                .copied()
                .filter(|&t| {
                    targets.len() == 1
                        || pin.is_none_or(|v| parsed.components[t].version.as_deref() == Some(v))
                })
                .collect();
            if chosen.is_empty() {
                // pdm leaves out what no locked environment or group needs.
                if r.marker.is_none() {
                    parsed.diagnostics.push(Diagnostic::warning(
                        at(input.path, *line),
                        format!(
                            "dependency `{dep}` of {} names no package in the lockfile",
                            parsed.components[*from].id
                        ),
                    ));
                    dangling += 1;
                }
                continue;
            }
            for t in chosen {
                if t != *from {
                    edges.push((
                        parsed.components[*from].id.clone(),
                        parsed.components[t].id.clone(),
                    ));
                }
            }
        }
    }
    edges.sort();
    edges.dedup();
    parsed.edges = edges;
    if dangling > 0 {
        parsed.incomplete = Some(format!(
            "{dangling} dependencies name no package in the lockfile"
        ));
    }

    if let Some(project) = &project {
        project.apply(&mut parsed, &by_name, !says_scope);
    }
    Ok(parsed)
}
