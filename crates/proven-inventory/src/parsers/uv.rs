//! `uv.lock`, version 1 (every revision so far).
//!
//! Counted as one component per `[[package]]` entry, the project itself and the other workspace
//! members included (they are in the file, with `source = { editable | virtual = ... }`). The
//! project (`editable`/`virtual` at `.`) is the root. Scopes follow the edges, extras included:
//! what the members' `dependencies` reach is required, what only their
//! `optional-dependencies` reach is optional, what only their `dev-dependencies` groups reach is
//! dev. An extra of a dependency (`{ name = "requests", extra = ["socks"] }`) leads into that
//! package's `optional-dependencies` of that extra only.

use std::collections::{HashMap, VecDeque};

use proven_model::{ComponentKind, Diagnostic, Ecosystem, Hash, Scope};
use serde::Deserialize;

use super::python::{self, at, normalize};
use super::{Input, ParseFailure, Parsed, ParserDef};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "uv-lock",
    ecosystem: Ecosystem::PyPI,
    matches: |name| name == "uv.lock",
    parse,
    at_path: None,
    binary: false,
};

#[derive(Deserialize)]
struct Lock {
    version: Option<i64>,
    #[serde(default)]
    package: Vec<toml::Table>,
    #[serde(default)]
    manifest: toml::Table,
}

/// One dependency entry resolved to the package index it names, with the extras it asks for.
struct Dep {
    to: usize,
    extras: Vec<String>,
}

/// A readable package with its resolved dependencies.
struct Node {
    deps: Vec<Dep>,
    optional: HashMap<String, Vec<Dep>>,
    dev: Vec<Dep>,
}

fn str_of<'a>(t: &'a toml::Table, key: &str) -> Option<&'a str> {
    t.get(key).and_then(toml::Value::as_str)
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let lock: Lock = toml::from_str(input.text)
        .map_err(|e| ParseFailure::toml(input.text, &e, "a uv.lock with [[package]] tables"))?;
    let header_lines = python::header_lines(input.text, "[[package]]");
    let mut parsed = Parsed {
        format: format!("uv.lock v{}", lock.version.unwrap_or(1)),
        ..Parsed::default()
    };

    // Local ids: `name@version`, with the source when two entries share both.
    let mut key_count: HashMap<(String, Option<&str>), usize> = HashMap::new();
    for p in &lock.package {
        if let Some(name) = str_of(p, "name") {
            *key_count
                .entry((normalize(name), str_of(p, "version")))
                .or_default() += 1;
        }
    }
    // Index in `lock.package` → index in `parsed.components`.
    let mut comp_of: Vec<Option<usize>> = vec![None; lock.package.len()];
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut members: Vec<usize> = Vec::new();
    let manifest_members: Vec<String> = lock
        .manifest
        .get("members")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .map(normalize)
        .collect();
    for (i, p) in lock.package.iter().enumerate() {
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
        let version = str_of(p, "version");
        let source = p.get("source").and_then(toml::Value::as_table);
        let mut c = python::component(input.path, name, version, line);
        let mut id = match version {
            Some(v) => format!("{norm}@{v}"),
            None => norm.clone(),
        };
        if key_count
            .get(&(norm.clone(), version))
            .copied()
            .unwrap_or(0)
            > 1
        {
            id = format!(
                "{id} {}",
                source
                    .map(toml::Table::to_string)
                    .unwrap_or_default()
                    .trim()
            );
        }
        c.id = id;
        let member = set_source(&mut c, source);
        let is_member = if manifest_members.is_empty() {
            member == Some(".")
        } else {
            member.is_some() && manifest_members.contains(&norm)
        };
        if is_member {
            members.push(i);
            if member == Some(".") {
                c.kind = ComponentKind::Application;
                parsed.root = Some(c.id.clone());
            }
        }
        let mut found = Vec::new();
        for h in hashes(p) {
            match Hash::from_prefixed_hex(h) {
                Some(h) => found.push(h),
                None => parsed.diagnostics.push(Diagnostic::warning(
                    at(input.path, line),
                    format!("hash `{h}` of {name} is not an algorithm:hex digest"),
                )),
            }
        }
        python::add_hashes(&mut c, found);
        comp_of[i] = Some(parsed.components.len());
        by_name.entry(norm).or_default().push(i);
        parsed.components.push(c);
    }

    let mut unresolved = 0;
    let mut resolve_list = |from: usize, list: Option<&toml::Value>, parsed: &mut Parsed| {
        let mut out = Vec::new();
        for dep in list.and_then(toml::Value::as_array).into_iter().flatten() {
            let Some(dep) = dep.as_table() else { continue };
            match resolve(dep, &lock.package, &by_name) {
                Some(to) => out.push(Dep {
                    to,
                    extras: dep
                        .get("extra")
                        .and_then(toml::Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(toml::Value::as_str)
                        .map(str::to_string)
                        .collect(),
                }),
                None => {
                    let name = str_of(dep, "name").unwrap_or("?");
                    let owner = str_of(&lock.package[from], "name").unwrap_or("?");
                    parsed.diagnostics.push(Diagnostic::error(
                        at(input.path, header_lines.get(from).copied()),
                        format!(
                            "dependency `{name}` of {owner} names no single package in the lockfile"
                        ),
                    ));
                    unresolved += 1;
                }
            }
        }
        out
    };
    let mut nodes: Vec<Node> = Vec::with_capacity(lock.package.len());
    for (i, p) in lock.package.iter().enumerate() {
        let deps = resolve_list(i, p.get("dependencies"), &mut parsed);
        let mut optional = HashMap::new();
        for (extra, list) in p
            .get("optional-dependencies")
            .and_then(toml::Value::as_table)
            .into_iter()
            .flatten()
        {
            optional.insert(extra.clone(), resolve_list(i, Some(list), &mut parsed));
        }
        let mut dev = Vec::new();
        for (_, list) in p
            .get("dev-dependencies")
            .and_then(toml::Value::as_table)
            .into_iter()
            .flatten()
        {
            dev.extend(resolve_list(i, Some(list), &mut parsed));
        }
        nodes.push(Node {
            deps,
            optional,
            dev,
        });
    }
    if unresolved > 0 {
        parsed.incomplete = Some(format!(
            "{unresolved} dependencies name no single package in the lockfile"
        ));
    }

    let id_of = |i: usize| comp_of[i].map(|c| parsed.components[c].id.clone());
    let mut edges = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        let all = n
            .deps
            .iter()
            .chain(n.optional.values().flatten())
            .chain(&n.dev);
        for d in all {
            if let (Some(from), Some(to)) = (id_of(i), id_of(d.to)) {
                edges.push((from, to));
            }
        }
    }
    edges.sort();
    edges.dedup();
    let mut direct: Vec<String> = members
        .iter()
        .flat_map(|&m| {
            let n = &nodes[m];
            n.deps
                .iter()
                .chain(n.optional.values().flatten())
                .chain(&n.dev)
        })
        .filter(|d| !members.contains(&d.to))
        .filter_map(|d| id_of(d.to))
        .collect();
    direct.sort();
    direct.dedup();

    let scopes = scopes(&nodes, &members, &lock.manifest, &lock.package, &by_name);
    for (i, s) in scopes.iter().enumerate() {
        if let (Some(s), Some(c)) = (s, comp_of[i]) {
            parsed.components[c].scope = *s;
        }
    }
    parsed.edges = edges;
    parsed.direct = direct;
    Ok(parsed)
}

/// Source, origin and purl qualifiers from `source = { ... }`; returns the member path when the
/// package is the project's own code (`editable` or `virtual`).
fn set_source<'a>(
    c: &mut proven_model::Component,
    source: Option<&'a toml::Table>,
) -> Option<&'a str> {
    let Some(s) = source else {
        python::set_registry(c, None);
        return None;
    };
    if let Some(url) = str_of(s, "registry") {
        python::set_registry(c, Some(url));
    } else if let Some(git) = str_of(s, "git") {
        // `https://host/repo?rev=v1#<commit>`: the fragment is the locked commit.
        let (url, commit) = git.split_once('#').unwrap_or((git, ""));
        let base = url.split('?').next().unwrap_or(url);
        python::set_git(c, base, Some(commit));
    } else if let Some(url) = str_of(s, "url") {
        python::set_url(c, url);
    } else if let Some(p) = str_of(s, "editable") {
        python::set_path(c, p);
        c.properties.insert("proven:editable".into(), "true".into());
        return Some(p);
    } else if let Some(p) = str_of(s, "virtual") {
        python::set_path(c, p);
        return Some(p);
    } else if let Some(p) = str_of(s, "path").or_else(|| str_of(s, "directory")) {
        python::set_path(c, p);
    }
    None
}

/// Every `hash` of the sdist and the wheels.
fn hashes(p: &toml::Table) -> impl Iterator<Item = &str> {
    let sdist = p
        .get("sdist")
        .and_then(|s| s.get("hash"))
        .and_then(toml::Value::as_str);
    let wheels = p
        .get("wheels")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|w| w.get("hash").and_then(toml::Value::as_str));
    sdist.into_iter().chain(wheels)
}

/// The one package a dependency entry names: by name, then `version` and `source` when given.
fn resolve(
    dep: &toml::Table,
    packages: &[toml::Table],
    by_name: &HashMap<String, Vec<usize>>,
) -> Option<usize> {
    let name = normalize(str_of(dep, "name")?);
    let version = str_of(dep, "version");
    let source = dep.get("source");
    let mut hits = by_name.get(&name)?.iter().copied().filter(|&i| {
        let p = &packages[i];
        version.is_none_or(|v| str_of(p, "version") == Some(v))
            && source.is_none_or(|s| p.get("source") == Some(s))
    });
    let first = hits.next()?;
    hits.next().is_none().then_some(first)
}

/// Scope of each package (by index in the lock), from reachability with extras: required from
/// the members and the manifest's requirements, then optional from the members' extras, then dev
/// from their groups. `None` for what nothing reaches.
fn scopes(
    nodes: &[Node],
    members: &[usize],
    manifest: &toml::Table,
    packages: &[toml::Table],
    by_name: &HashMap<String, Vec<usize>>,
) -> Vec<Option<Scope>> {
    let mut scope: Vec<Option<Scope>> = vec![None; nodes.len()];
    // `requirements = [...]` or `dependency-groups = { group = [...] }` of a virtual workspace.
    let manifest_roots = |key: &str| -> Vec<Dep> {
        let lists: Vec<&toml::Value> = match manifest.get(key) {
            Some(toml::Value::Table(t)) => t.values().collect(),
            other => other.into_iter().collect(),
        };
        lists
            .into_iter()
            .filter_map(toml::Value::as_array)
            .flatten()
            .filter_map(toml::Value::as_table)
            .filter_map(|d| {
                Some(Dep {
                    to: resolve(d, packages, by_name)?,
                    extras: Vec::new(),
                })
            })
            .collect()
    };
    let mut required: Vec<(usize, Option<String>)> = members.iter().map(|&m| (m, None)).collect();
    required.extend(
        manifest_roots("requirements")
            .into_iter()
            .map(|d| (d.to, None)),
    );
    let optional: Vec<(usize, Option<String>)> = members
        .iter()
        .flat_map(|&m| nodes[m].optional.keys().map(move |e| (m, Some(e.clone()))))
        .collect();
    let mut dev: Vec<(usize, Option<String>)> = members
        .iter()
        .flat_map(|&m| nodes[m].dev.iter())
        .flat_map(expand)
        .collect();
    dev.extend(manifest_roots("dependency-groups").iter().flat_map(expand));
    for (roots, s) in [
        (required, Scope::Required),
        (optional, Scope::Optional),
        (dev, Scope::Dev),
    ] {
        let mut queue: VecDeque<(usize, Option<String>)> = roots.into();
        let mut seen_base = vec![false; nodes.len()];
        let mut seen_extra: Vec<Vec<String>> = vec![Vec::new(); nodes.len()];
        while let Some((i, extra)) = queue.pop_front() {
            let Some(node) = nodes.get(i) else { continue };
            let next: &[Dep] = match &extra {
                None => {
                    if std::mem::replace(&mut seen_base[i], true) {
                        continue;
                    }
                    scope[i].get_or_insert(s);
                    &node.deps
                }
                Some(e) => {
                    if seen_extra[i].contains(e) {
                        continue;
                    }
                    seen_extra[i].push(e.clone());
                    queue.push_back((i, None));
                    node.optional.get(e).map(Vec::as_slice).unwrap_or(&[])
                }
            };
            queue.extend(next.iter().flat_map(expand));
        }
    }
    scope
}

/// The nodes a dependency entry leads to: the package, and each extra it asks for.
fn expand(d: &Dep) -> impl Iterator<Item = (usize, Option<String>)> + '_ {
    std::iter::once((d.to, None)).chain(d.extras.iter().map(move |e| (d.to, Some(e.clone()))))
}
