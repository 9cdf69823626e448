//! `poetry.lock`, lock versions 1.x (poetry 1.0–1.4), 2.0 (poetry 1.5–1.8) and 2.1 (poetry 2).
//!
//! Counted as one component per `[[package]]` entry; the project itself is not in the file and is
//! not listed. Scope comes from the file where it says: `category = "main" | "dev"` (1.x) or
//! `groups` (2.1, `main` ships, any other group is dev); `optional = true` is an extra. Lock 2.0
//! says neither, so scopes follow the edges from the direct dependencies that the sibling
//! `pyproject.toml` declares (`[tool.poetry.dependencies]`, `[tool.poetry.group.*]`,
//! `[project]`). Hashes come from the per-package `files` (1.2+) or `[metadata.files]` (older).

use std::collections::HashMap;

use proven_model::{Diagnostic, Ecosystem, Hash, Scope};
use serde::Deserialize;

use super::python::{self, at, normalize, ProjectDeps};
use super::{Input, ParseFailure, Parsed, ParserDef};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "poetry-lock",
    ecosystem: Ecosystem::PyPI,
    matches: |name| name == "poetry.lock",
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

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let lock: Lock = toml::from_str(input.text)
        .map_err(|e| ParseFailure::toml(input.text, &e, "a poetry.lock with [[package]] tables"))?;
    let header_lines = python::header_lines(input.text, "[[package]]");
    let lock_version = str_of(&lock.metadata, "lock-version").unwrap_or("1.0");
    let mut parsed = Parsed {
        format: format!("poetry.lock v{lock_version}"),
        ..Parsed::default()
    };
    let old_files = lock.metadata.get("files").and_then(toml::Value::as_table);
    let project = (input.sibling)("pyproject.toml").and_then(|t| ProjectDeps::read(&t));

    // Index of each readable package in `lock.package`, with its local id.
    let mut ids: Vec<Option<String>> = Vec::with_capacity(lock.package.len());
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut says_scope = false;
    let mut name_count: HashMap<&str, usize> = HashMap::new();
    for p in &lock.package {
        if let Some(name) = str_of(p, "name") {
            *name_count.entry(name).or_default() += 1;
        }
    }
    for (i, p) in lock.package.iter().enumerate() {
        let line = header_lines.get(i).copied();
        let (Some(name), Some(version)) = (str_of(p, "name"), str_of(p, "version")) else {
            parsed.diagnostics.push(Diagnostic::error(
                at(input.path, line),
                "package entry without a `name` and `version` string; expected both",
            ));
            parsed.incomplete = Some("a package entry could not be read".into());
            ids.push(None);
            continue;
        };
        let norm = normalize(name);
        let id = format!("{norm}@{version}");
        let mut c = python::component(input.path, name, Some(version), line);
        c.id = id.clone();
        let optional = p
            .get("optional")
            .and_then(toml::Value::as_bool)
            .unwrap_or(false);
        let groups: Option<Vec<&str>> = p
            .get("groups")
            .and_then(toml::Value::as_array)
            .map(|a| a.iter().filter_map(toml::Value::as_str).collect());
        c.scope = match (&groups, str_of(p, "category")) {
            (Some(groups), _) if !groups.contains(&"main") => Scope::Dev,
            (None, Some("dev")) => Scope::Dev,
            _ if optional => Scope::Optional,
            _ => Scope::Required,
        };
        says_scope |= groups.is_some() || p.contains_key("category");
        if let Some(groups) = &groups {
            c.properties
                .insert("proven:groups".into(), groups.join(","));
        }
        if let Some(m) = str_of(p, "markers") {
            c.properties.insert("proven:marker".into(), m.to_string());
        }
        set_source(&mut c, p.get("source").and_then(toml::Value::as_table));
        if p.get("develop").and_then(toml::Value::as_bool) == Some(true) {
            c.properties.insert("proven:editable".into(), "true".into());
        }
        let files = p.get("files").and_then(toml::Value::as_array).or_else(|| {
            old_files
                .and_then(|f| f.get(name))
                .and_then(toml::Value::as_array)
        });
        let same_name = name_count.get(name).copied().unwrap_or(0);
        let mut found = Vec::new();
        for file in files.into_iter().flatten() {
            let file_name = file.get("file").and_then(toml::Value::as_str).unwrap_or("");
            // `[metadata.files]` lists the files of every locked version of a name together.
            if same_name > 1 && !p.contains_key("files") && !file_of_version(file_name, version) {
                continue;
            }
            let Some(hash) = file.get("hash").and_then(toml::Value::as_str) else {
                continue;
            };
            match Hash::from_prefixed_hex(hash) {
                Some(h) => found.push(h),
                None => parsed.diagnostics.push(Diagnostic::warning(
                    at(input.path, line),
                    format!("hash `{hash}` of {name} {version} is not an algorithm:hex digest"),
                )),
            }
        }
        python::add_hashes(&mut c, found);
        by_name
            .entry(norm)
            .or_default()
            .push(parsed.components.len());
        parsed.components.push(c);
        ids.push(Some(id));
    }

    let own_name = project.as_ref().and_then(|p| p.name.clone());
    let mut dangling = 0;
    for (i, p) in lock.package.iter().enumerate() {
        let Some(from) = &ids[i] else { continue };
        let deps = p.get("dependencies").and_then(toml::Value::as_table);
        for (dep, spec) in deps.into_iter().flatten() {
            let norm = normalize(dep);
            let targets = by_name.get(&norm).map(Vec::as_slice).unwrap_or(&[]);
            if targets.is_empty() {
                // Optional, marker-limited and project-self dependencies are left out by poetry.
                let conditional = spec_is_conditional(spec);
                if !conditional && own_name.as_deref() != Some(norm.as_str()) {
                    parsed.diagnostics.push(Diagnostic::warning(
                        at(input.path, header_lines.get(i).copied()),
                        format!("dependency `{dep}` of {from} names no package in the lockfile"),
                    ));
                    dangling += 1;
                }
                continue;
            }
            let exact = exact_version(spec);
            let chosen: Vec<usize> = match exact {
                Some(v) if targets.len() > 1 => targets
                    .iter()
                    .copied()
                    .filter(|&t| parsed.components[t].version.as_deref() == Some(v))
                    .collect(),
                _ => targets.to_vec(),
            };
            let chosen = if chosen.is_empty() {
                targets.to_vec()
            } else {
                chosen
            };
            for t in chosen {
                parsed
                    .edges
                    .push((from.clone(), parsed.components[t].id.clone()));
            }
        }
    }
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

/// `[package.source]`: PyPI when absent; `legacy` is another index; `git`, `url`, `directory`
/// and `file` are what they say.
fn set_source(c: &mut proven_model::Component, source: Option<&toml::Table>) {
    let Some(s) = source else {
        python::set_registry(c, None);
        return;
    };
    let url = str_of(s, "url").unwrap_or("");
    match str_of(s, "type").unwrap_or("") {
        "git" => {
            let rev = str_of(s, "resolved_reference").or_else(|| str_of(s, "reference"));
            python::set_git(c, url, rev);
        }
        "url" => python::set_url(c, url),
        "directory" | "file" => python::set_path(c, url),
        _ => python::set_registry(c, Some(url)),
    }
}

/// Whether poetry may have left a dependency out of the lock: an optional one, or one limited by
/// markers or Python versions, or several constraints each with its own condition.
fn spec_is_conditional(spec: &toml::Value) -> bool {
    match spec {
        toml::Value::Table(t) => {
            t.get("optional").and_then(toml::Value::as_bool) == Some(true)
                || t.contains_key("markers")
                || t.contains_key("python")
                || t.contains_key("platform")
        }
        toml::Value::Array(_) => true,
        _ => false,
    }
}

/// The version a dependency constraint names exactly (`1.2.3`, `==1.2.3`, `{version = "1.2.3"}`).
fn exact_version(spec: &toml::Value) -> Option<&str> {
    let s = match spec {
        toml::Value::String(s) => s.as_str(),
        toml::Value::Table(t) => t.get("version")?.as_str()?,
        _ => return None,
    };
    let s = s.trim();
    let v = s.strip_prefix("==").unwrap_or(s).trim();
    v.starts_with(|c: char| c.is_ascii_digit())
        .then_some(v)
        .filter(|v| !v.contains([',', '*', ' ', '<', '>']))
}

/// Whether a distribution file name is of `version` (`pkg-1.0.tar.gz`, `pkg-1.0-py3-none-any.whl`).
fn file_of_version(file: &str, version: &str) -> bool {
    let needle = format!("-{version}");
    file.match_indices(&needle).any(|(i, _)| {
        let rest = &file[i + needle.len()..];
        rest.starts_with('-') || rest.starts_with(".tar") || rest.starts_with(".zip")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_files() {
        assert!(file_of_version("requests-2.25.1.tar.gz", "2.25.1"));
        assert!(file_of_version(
            "requests-2.25.1-py2.py3-none-any.whl",
            "2.25.1"
        ));
        assert!(!file_of_version("requests-2.25.10.tar.gz", "2.25.1"));
    }

    #[test]
    fn exact_constraints() {
        assert_eq!(exact_version(&toml::Value::from("1.2.3")), Some("1.2.3"));
        assert_eq!(exact_version(&toml::Value::from("==1.2.3")), Some("1.2.3"));
        assert_eq!(exact_version(&toml::Value::from(">=1.2")), None);
        assert_eq!(exact_version(&toml::Value::from("^1.2")), None);
    }
}
