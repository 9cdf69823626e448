//! NuGet's `packages.lock.json` (versions 1 and 2).
//!
//! The file lists, per target framework (and per runtime, `net8.0/linux-x64`), every package with
//! its `type`: `Direct`, `Transitive`, `CentralTransitive` (pinned by central package management)
//! or `Project` (another project of the solution, first-party, with no version of its own). A
//! package locked under several frameworks is one component. The lockfile does not say which
//! packages are development-only (analyzers with `PrivateAssets`), so all are required.

use std::collections::{HashMap, HashSet};

use proven_model::{Component, Diagnostic, Ecosystem, Hash, Location};
use serde_json::{Map, Value};

use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::text::LineIndex;

pub(super) static PARSER: ParserDef = ParserDef {
    name: "nuget-lock",
    ecosystem: Ecosystem::NuGet,
    matches: |name| name == "packages.lock.json",
    parse,
    at_path: None,
    binary: false,
};

/// An entry whose dependencies are resolved after every framework is read: framework, local id,
/// the entry, its line.
type Pending<'a> = (&'a str, String, &'a Map<String, Value>, Option<u32>);

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let doc: Value = serde_json::from_str(input.text)
        .map_err(|e| ParseFailure::json(&e, "a packages.lock.json object"))?;
    let expected = "an object with `version` and `dependencies` per target framework";
    let Some(obj) = doc.as_object() else {
        return Err(ParseFailure::at(
            1,
            format!("not an object; expected {expected}"),
        ));
    };
    let Some(frameworks) = obj.get("dependencies").and_then(Value::as_object) else {
        return Err(ParseFailure::at(
            1,
            format!("no `dependencies`; expected {expected}"),
        ));
    };
    let version = obj.get("version").and_then(Value::as_u64).unwrap_or(1);
    let lines = LineIndex::new(input.text);
    let loc = |line: Option<u32>| Location {
        path: input.path.to_string(),
        line,
        column: None,
    };
    let mut parsed = Parsed {
        format: format!("packages.lock.json v{version}"),
        ..Parsed::default()
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut cursor = 0;
    // framework → (name in lower case → local id); edges are resolved once all are read.
    let mut locked: HashMap<&str, HashMap<String, String>> = HashMap::new();
    let mut pending: Vec<Pending<'_>> = Vec::new();

    for (framework, packages) in frameworks {
        let Some(packages) = packages.as_object() else {
            continue;
        };
        cursor = find_key(input.text, framework, cursor).unwrap_or(cursor);
        let here = locked.entry(framework.as_str()).or_default();
        for (name, entry) in packages {
            let found = find_key(input.text, name, cursor);
            if let Some(off) = found {
                cursor = off;
            }
            let line = found.map(|off| lines.line(off));
            let Some(entry) = entry.as_object() else {
                parsed.diagnostics.push(Diagnostic::error(
                    loc(line),
                    format!(
                        "`{name}` under {framework} is not an object; expected a package entry"
                    ),
                ));
                parsed.incomplete = Some("a package entry could not be read".into());
                continue;
            };
            let kind = entry.get("type").and_then(Value::as_str).unwrap_or("");
            let resolved = entry.get("resolved").and_then(Value::as_str);
            let id = match resolved {
                Some(v) => format!("{}@{v}", name.to_ascii_lowercase()),
                None => format!("{} (project)", name.to_ascii_lowercase()),
            };
            if resolved.is_none() && kind != "Project" {
                parsed.diagnostics.push(Diagnostic::error(
                    loc(line),
                    format!("`{name}` under {framework} has no `resolved` version"),
                ));
                parsed.incomplete = Some("a package has no resolved version".into());
            }
            here.insert(name.to_ascii_lowercase(), id.clone());
            pending.push((framework.as_str(), id.clone(), entry, line));
            if kind == "Direct" && !parsed.direct.contains(&id) {
                parsed.direct.push(id.clone());
            }
            if !seen.insert(id.clone()) {
                continue;
            }
            let mut c = Component::new(Ecosystem::NuGet, None, name, resolved, loc(line));
            c.id = id;
            let origin = if kind == "Project" {
                "path"
            } else {
                "registry"
            };
            c.properties.insert("proven:origin".into(), origin.into());
            if let Some(h) = entry.get("contentHash").and_then(Value::as_str) {
                match Hash::from_sri(&format!("sha512-{h}")) {
                    Some(h) => c.add_hash(h),
                    None => parsed.diagnostics.push(Diagnostic::warning(
                        loc(line),
                        format!("contentHash of {name} is not a base64 SHA-512 digest"),
                    )),
                }
            }
            parsed.components.push(c);
        }
    }
    for (framework, from, entry, line) in pending {
        let Some(deps) = entry.get("dependencies").and_then(Value::as_object) else {
            continue;
        };
        // A runtime section (`net8.0/linux-x64`) holds only the runtime-specific packages; the
        // rest are under its framework.
        let base = framework.split('/').next().unwrap_or(framework);
        for dep in deps.keys() {
            let lower = dep.to_ascii_lowercase();
            let to = [framework, base]
                .iter()
                .find_map(|f| locked.get(f).and_then(|m| m.get(&lower)));
            match to {
                Some(to) => parsed.edges.push((from.clone(), to.clone())),
                None => {
                    parsed.diagnostics.push(Diagnostic::error(
                        loc(line),
                        format!("dependency `{dep}` is not locked under {framework}"),
                    ));
                    parsed.incomplete = Some("a dependency is not in the lockfile".into());
                }
            }
        }
    }
    parsed.edges.sort();
    parsed.edges.dedup();
    Ok(parsed)
}

/// Offset of `"key"` followed by `:` at or after `from`.
fn find_key(text: &str, key: &str, from: usize) -> Option<usize> {
    let needle = format!("\"{key}\"");
    let mut at = from;
    loop {
        let rel = text.get(at..)?.find(&needle)?;
        let start = at + rel;
        let after = text.get(start + needle.len()..)?.trim_start();
        if after.starts_with(':') {
            return Some(start);
        }
        at = start + needle.len();
    }
}
