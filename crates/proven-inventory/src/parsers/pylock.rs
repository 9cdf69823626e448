//! `pylock.toml` and `pylock.<name>.toml`, the standard Python lockfile (PEP 751, lock-version 1.0).
//!
//! Counted as one component per distinct name and version (or, for a package without a version,
//! per name and source) over `[[packages]]`; a package with `directory.path = "."` is the project
//! itself, the root. Scopes come from each package's `marker`: a package needed only for
//! `'<group>' in dependency_groups` is dev unless the group is one of `default-groups`, one needed
//! only for `'<extra>' in extras` is optional, anything else ships. Edges come from the packages'
//! `dependencies` tables, or from `[packages.tool.pdm] dependencies` when pdm wrote the file.

use std::collections::HashMap;

use proven_model::{Component, ComponentKind, Diagnostic, Ecosystem, Hash, HashAlg, Scope};
use serde::Deserialize;

use super::python::{self, at, normalize, parse_requirement};
use super::{Input, ParseFailure, Parsed, ParserDef};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "pylock",
    ecosystem: Ecosystem::PyPI,
    matches: is_pylock,
    parse,
    at_path: None,
    binary: false,
};

/// `pylock.toml`, or `pylock.<name>.toml` where the name has no dot (PEP 751).
fn is_pylock(name: &str) -> bool {
    name == "pylock.toml"
        || name
            .strip_prefix("pylock.")
            .and_then(|r| r.strip_suffix(".toml"))
            .is_some_and(|n| !n.is_empty() && !n.contains('.'))
}

#[derive(Deserialize)]
struct Lock {
    #[serde(rename = "lock-version")]
    lock_version: Option<String>,
    #[serde(default, rename = "default-groups")]
    default_groups: Vec<String>,
    #[serde(default)]
    packages: Vec<toml::Table>,
}

fn str_of<'a>(t: &'a toml::Table, key: &str) -> Option<&'a str> {
    t.get(key).and_then(toml::Value::as_str)
}

fn table_of<'a>(t: &'a toml::Table, key: &str) -> Option<&'a toml::Table> {
    t.get(key).and_then(toml::Value::as_table)
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let lock: Lock = toml::from_str(input.text).map_err(|e| {
        ParseFailure::toml(
            input.text,
            &e,
            "a pylock.toml with lock-version and [[packages]]",
        )
    })?;
    let header_lines = python::header_lines(input.text, "[[packages]]");
    let mut parsed = Parsed {
        format: match &lock.lock_version {
            Some(v) => format!("pylock.toml v{v}"),
            None => "pylock.toml".into(),
        },
        ..Parsed::default()
    };
    if lock.lock_version.is_none() {
        parsed.diagnostics.push(Diagnostic::warning(
            at(input.path, Some(1)),
            "no `lock-version`; expected lock-version = \"1.0\"",
        ));
    }

    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    // Component index of each entry of `lock.packages`.
    let mut comp_of: Vec<Option<usize>> = vec![None; lock.packages.len()];
    let mut unversioned = 0;
    for (i, p) in lock.packages.iter().enumerate() {
        let line = header_lines.get(i).copied();
        let Some(name) = str_of(p, "name") else {
            parsed.diagnostics.push(Diagnostic::error(
                at(input.path, line),
                "package entry without a `name` string; expected one",
            ));
            parsed.incomplete = Some("a package entry could not be read".into());
            continue;
        };
        let norm = normalize(name);
        // A local folder without a version in the lock: its own pyproject.toml may say.
        let local_version = match (str_of(p, "version"), table_of(p, "directory")) {
            (None, Some(dir)) => str_of(dir, "path")
                .and_then(|d| python::local_project(input.sibling, d))
                .filter(|(n, _)| normalize(n) == norm)
                .and_then(|(_, v)| v),
            _ => None,
        };
        let version = str_of(p, "version").or(local_version.as_deref());
        let mut c = python::component(input.path, name, version, line);
        let reference = set_source(&mut c, p);
        if version.is_none()
            && c.properties.get("proven:origin").map(String::as_str) == Some("registry")
        {
            parsed.diagnostics.push(Diagnostic::warning(
                at(input.path, line),
                format!("package `{name}` comes from an index but has no `version`"),
            ));
            unversioned += 1;
        }
        let id = match (version, &reference) {
            (Some(v), _) => format!("{norm}@{v}"),
            (None, Some(r)) => format!("{norm} @ {r}"),
            (None, None) => norm.clone(),
        };
        let is_root = table_of(p, "directory").and_then(|d| str_of(d, "path")) == Some(".");
        let scope = marker_scope(str_of(p, "marker"), &lock.default_groups);
        python::add_hashes(&mut c, hashes(p));
        if let Some(m) = str_of(p, "marker") {
            c.properties.insert("proven:marker".into(), m.to_string());
        }
        match by_id.get(&id) {
            Some(&idx) => {
                let existing = &mut parsed.components[idx];
                existing.scope = existing.scope.strongest(scope);
                python::add_hashes(existing, c.hashes);
                comp_of[i] = Some(idx);
            }
            None => {
                c.id = id.clone();
                c.scope = scope;
                if is_root {
                    c.kind = ComponentKind::Application;
                    parsed.root = Some(id.clone());
                }
                let idx = parsed.components.len();
                by_id.insert(id, idx);
                by_name.entry(norm).or_default().push(idx);
                parsed.components.push(c);
                comp_of[i] = Some(idx);
            }
        }
    }
    if unversioned > 0 {
        parsed.incomplete = Some(format!("{unversioned} index packages have no version"));
    }

    let mut edges = Vec::new();
    for (i, p) in lock.packages.iter().enumerate() {
        let Some(from) = comp_of[i] else { continue };
        let standard = p.get("dependencies").and_then(toml::Value::as_array);
        let pdm = table_of(p, "tool")
            .and_then(|t| table_of(t, "pdm"))
            .and_then(|t| t.get("dependencies"))
            .and_then(toml::Value::as_array);
        let mut targets: Vec<usize> = Vec::new();
        for dep in standard
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_table)
        {
            let Some(name) = str_of(dep, "name") else {
                continue;
            };
            let version = str_of(dep, "version");
            targets.extend(
                by_name
                    .get(&normalize(name))
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&t| {
                        version.is_none_or(|v| parsed.components[t].version.as_deref() == Some(v))
                    }),
            );
        }
        for dep in pdm.into_iter().flatten().filter_map(toml::Value::as_str) {
            let Some(r) = parse_requirement(dep) else {
                continue;
            };
            let found = by_name
                .get(&normalize(r.name))
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let pin = python::pinned(r.specifier);
            targets.extend(found.iter().copied().filter(|&t| {
                found.len() == 1
                    || pin.is_none_or(|v| parsed.components[t].version.as_deref() == Some(v))
            }));
        }
        for t in targets {
            if t != from {
                edges.push((
                    parsed.components[from].id.clone(),
                    parsed.components[t].id.clone(),
                ));
            }
        }
    }
    edges.sort();
    edges.dedup();
    if let Some(root) = &parsed.root {
        parsed.direct = edges
            .iter()
            .filter(|(from, _)| from == root)
            .map(|(_, to)| to.clone())
            .collect();
    }
    parsed.edges = edges;
    Ok(parsed)
}

/// Where the package comes from; returns what identifies a package without a version.
fn set_source(c: &mut Component, p: &toml::Table) -> Option<String> {
    if let Some(vcs) = table_of(p, "vcs") {
        let url = str_of(vcs, "url")
            .or_else(|| str_of(vcs, "path"))
            .unwrap_or("");
        let commit = str_of(vcs, "commit-id").or_else(|| str_of(vcs, "requested-revision"));
        python::set_git(c, url, commit);
        return Some(format!("{url}@{}", commit.unwrap_or("")));
    }
    if let Some(dir) = table_of(p, "directory") {
        let path = str_of(dir, "path").unwrap_or("");
        python::set_path(c, path);
        if dir.get("editable").and_then(toml::Value::as_bool) == Some(true) {
            c.properties.insert("proven:editable".into(), "true".into());
        }
        return Some(path.to_string());
    }
    if let Some(archive) = table_of(p, "archive") {
        if let Some(url) = str_of(archive, "url") {
            python::set_url(c, url);
            return Some(url.to_string());
        }
        let path = str_of(archive, "path").unwrap_or("");
        python::set_path(c, path);
        return Some(path.to_string());
    }
    python::set_registry(c, str_of(p, "index"));
    None
}

/// Every digest of the archive, the sdist and the wheels (`hashes = { sha256 = "..." }`).
fn hashes(p: &toml::Table) -> Vec<Hash> {
    let mut tables: Vec<&toml::Table> = Vec::new();
    for key in ["archive", "sdist"] {
        tables.extend(table_of(p, key).and_then(|t| table_of(t, "hashes")));
    }
    for wheel in p
        .get("wheels")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_table)
    {
        tables.extend(table_of(wheel, "hashes"));
    }
    tables
        .into_iter()
        .flatten()
        .filter_map(|(alg, hex)| Hash::from_hex(HashAlg::parse(alg)?, hex.as_str()?))
        .collect()
}

/// The scope a PEP 751 marker implies: the strongest over the groups and extras it names
/// positively (`'dev' in dependency_groups`), required when it names none.
fn marker_scope(marker: Option<&str>, default_groups: &[String]) -> Scope {
    let Some(marker) = marker else {
        return Scope::Required;
    };
    let mut scope: Option<Scope> = None;
    for (needle, is_group) in [("in dependency_groups", true), ("in extras", false)] {
        for (off, _) in marker.match_indices(needle) {
            let before = marker[..off].trim_end();
            if before.ends_with(" not") {
                continue;
            }
            let Some(value) = quoted_before(before) else {
                continue;
            };
            let s = if !is_group {
                Scope::Optional
            } else if default_groups.iter().any(|g| g == value) {
                Scope::Required
            } else {
                Scope::Dev
            };
            scope = Some(scope.map_or(s, |old| old.strongest(s)));
        }
    }
    scope.unwrap_or(Scope::Required)
}

/// The string literal that `text` ends with (`... 'dev'` → `dev`).
fn quoted_before(text: &str) -> Option<&str> {
    let quote = text
        .chars()
        .next_back()
        .filter(|c| *c == '\'' || *c == '"')?;
    let inner = &text[..text.len() - 1];
    let start = inner.rfind(quote)?;
    Some(&inner[start + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_pylock("pylock.toml"));
        assert!(is_pylock("pylock.dev.toml"));
        assert!(!is_pylock("pylock.a.b.toml"));
        assert!(!is_pylock("pylock..toml"));
    }

    #[test]
    fn scopes_from_markers() {
        let defaults = vec!["default".to_string()];
        assert_eq!(marker_scope(None, &defaults), Scope::Required);
        assert_eq!(
            marker_scope(
                Some("python_version < \"3.11\" and \"dev\" in dependency_groups"),
                &defaults
            ),
            Scope::Dev
        );
        assert_eq!(
            marker_scope(
                Some("'cli' in extras or 'dev' in dependency_groups"),
                &defaults
            ),
            Scope::Optional
        );
        assert_eq!(
            marker_scope(Some("\"default\" in dependency_groups"), &defaults),
            Scope::Required
        );
        assert_eq!(
            marker_scope(Some("'dev' not in dependency_groups"), &defaults),
            Scope::Required
        );
    }
}
