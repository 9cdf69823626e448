//! `Cargo.lock`, versions 1 to 4.
//!
//! Counted as one component per `[[package]]` entry. Workspace members (no `source`) are
//! first-party; the package named in a sibling `Cargo.toml` is the root.

use std::collections::{HashMap, HashSet};

use proven_model::{Component, ComponentKind, Diagnostic, Ecosystem, Hash, HashAlg, Location};
use serde::Deserialize;

use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::text::LineIndex;

pub(super) static PARSER: ParserDef = ParserDef {
    name: "cargo-lock",
    ecosystem: Ecosystem::Cargo,
    matches: |name| name == "Cargo.lock",
    parse,
    at_path: None,
    binary: false,
};

const CRATES_IO: &[&str] = &[
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
];

#[derive(Deserialize)]
struct Lock {
    version: Option<u32>,
    #[serde(default)]
    package: Vec<Package>,
    #[serde(default)]
    metadata: HashMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    source: Option<String>,
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

#[derive(Deserialize)]
struct Manifest {
    package: Option<ManifestPackage>,
    #[serde(default)]
    dependencies: toml::Table,
    #[serde(default, rename = "build-dependencies")]
    build_dependencies: toml::Table,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: toml::Table,
}

#[derive(Deserialize)]
struct ManifestPackage {
    name: String,
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let lock: Lock = toml::from_str(input.text)
        .map_err(|e| ParseFailure::toml(input.text, &e, "a Cargo.lock with [[package]] tables"))?;
    let lines = LineIndex::new(input.text);
    let header_lines: Vec<u32> = input
        .text
        .match_indices("[[package]]")
        .filter(|(off, _)| *off == 0 || input.text.as_bytes()[off - 1] == b'\n')
        .map(|(off, _)| lines.line(off))
        .collect();
    let format_version = lock
        .version
        .unwrap_or(if lock.metadata.is_empty() { 2 } else { 1 });
    let mut parsed = Parsed {
        format: format!("Cargo.lock v{format_version}"),
        ..Parsed::default()
    };

    let key = |p: &Package| {
        format!(
            "{} {} {}",
            p.name,
            p.version,
            p.source.as_deref().unwrap_or("")
        )
    };
    let keys: Vec<String> = lock.package.iter().map(key).collect();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in lock.package.iter().enumerate() {
        by_name.entry(p.name.as_str()).or_default().push(i);
    }

    for (i, p) in lock.package.iter().enumerate() {
        let line = header_lines.get(i).copied();
        let location = Location {
            path: input.path.to_string(),
            line,
            column: None,
        };
        let mut c = Component::new(Ecosystem::Cargo, None, &p.name, Some(&p.version), location);
        c.id = keys[i].clone();
        let origin = match p.source.as_deref() {
            None => "path",
            Some(s) if s.starts_with("git+") => "git",
            Some(_) => "registry",
        };
        c.properties.insert("proven:origin".into(), origin.into());
        match p.source.as_deref() {
            None => c.kind = ComponentKind::Application,
            Some(s) if CRATES_IO.contains(&s) => {
                c.source = Some("https://crates.io".into());
            }
            Some(s) if s.starts_with("git+") => {
                // `git+URL?branch=x#rev`: the purl names the commit, the way it was fetched.
                let (url, rev) = s.split_once('#').unwrap_or((s, ""));
                let base = url.split('?').next().unwrap_or(url);
                let vcs = if rev.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}@{rev}")
                };
                c.purl = c
                    .purl
                    .take()
                    .map(|purl| purl.with_qualifier("vcs_url", &vcs));
                c.source = Some(s.to_string());
            }
            Some(s) => {
                let url = s.split_once('+').map_or(s, |(_, u)| u);
                c.purl = c
                    .purl
                    .take()
                    .map(|purl| purl.with_qualifier("repository_url", url));
                c.source = Some(s.to_string());
            }
        }
        let checksum = p.checksum.clone().or_else(|| {
            let k = format!(
                "checksum {} {} ({})",
                p.name,
                p.version,
                p.source.as_deref()?
            );
            lock.metadata.get(&k)?.as_str().map(str::to_string)
        });
        if let Some(sum) = checksum {
            match Hash::from_hex(HashAlg::Sha256, &sum) {
                Some(h) => c.add_hash(h),
                None => parsed.diagnostics.push(Diagnostic::warning(
                    Location {
                        path: input.path.to_string(),
                        line,
                        column: None,
                    },
                    format!(
                        "checksum of {} {} is not a SHA-256 hex digest",
                        p.name, p.version
                    ),
                )),
            }
        }
        parsed.components.push(c);
    }

    for (i, p) in lock.package.iter().enumerate() {
        for dep in &p.dependencies {
            match resolve(dep, &lock.package, &by_name) {
                Some(j) => parsed.edges.push((keys[i].clone(), keys[j].clone())),
                None => {
                    let line = header_lines.get(i).copied();
                    parsed.diagnostics.push(Diagnostic::error(
                        Location {
                            path: input.path.to_string(),
                            line,
                            column: None,
                        },
                        format!(
                            "dependency `{dep}` of {} {} names no package in the lockfile",
                            p.name, p.version
                        ),
                    ));
                    parsed.incomplete = Some("a dependency edge names no package".into());
                }
            }
        }
    }

    let manifest = (input.sibling)("Cargo.toml").and_then(|t| toml::from_str::<Manifest>(&t).ok());
    let members: Vec<usize> = (0..lock.package.len())
        .filter(|&i| lock.package[i].source.is_none())
        .collect();
    let root = manifest
        .as_ref()
        .and_then(|m| m.package.as_ref())
        .and_then(|p| members.iter().find(|&&i| lock.package[i].name == p.name));
    parsed.root = root.map(|&i| keys[i].clone());
    // The project's direct dependencies are those of its workspace members.
    let member_keys: Vec<String> = members.iter().map(|&i| keys[i].clone()).collect();
    let is_member: HashSet<&str> = member_keys.iter().map(String::as_str).collect();
    parsed.direct = parsed
        .edges
        .iter()
        .filter(|(from, to)| is_member.contains(from.as_str()) && !is_member.contains(to.as_str()))
        .map(|(_, to)| to.clone())
        .collect();
    parsed.direct.sort();
    parsed.direct.dedup();
    if let (Some(&root), Some(manifest)) = (root, &manifest) {
        assign_scopes(&mut parsed, &keys[root], &member_keys, manifest);
    }
    Ok(parsed)
}

/// Finds the package a dependency string names: `name`, `name version` or `name version (source)`.
fn resolve(dep: &str, packages: &[Package], by_name: &HashMap<&str, Vec<usize>>) -> Option<usize> {
    let mut parts = dep.splitn(3, ' ');
    let name = parts.next()?;
    let version = parts.next();
    let source = parts
        .next()
        .map(|s| s.trim_start_matches('(').trim_end_matches(')'));
    let candidates = by_name.get(name)?;
    let mut hits = candidates.iter().copied().filter(|&i| {
        let p = &packages[i];
        version.is_none_or(|v| p.version == v)
            && source.is_none_or(|s| p.source.as_deref() == Some(s))
    });
    let first = hits.next()?;
    // An abbreviated reference must be unambiguous; v1 lockfiles always spell out the source.
    hits.next().is_none().then_some(first)
}

/// Cargo.lock does not say why a crate is there. The root's `[dev-dependencies]` (from Cargo.toml)
/// and what only they reach are dev; everything reached from other members or other dependencies
/// ships. Dev-dependencies of registry crates are never in a lockfile, so this is exact for a
/// single-package project.
fn assign_scopes(parsed: &mut Parsed, root: &str, members: &[String], manifest: &Manifest) {
    let edge_to = |name: &str| -> Option<String> {
        parsed
            .edges
            .iter()
            .find(|(from, to)| from == root && to.split(' ').next() == Some(name))
            .map(|(_, to)| to.clone())
    };
    let renamed = |(key, spec): (&String, &toml::Value)| -> String {
        spec.get("package")
            .and_then(toml::Value::as_str)
            .unwrap_or(key)
            .to_string()
    };
    let dev_names: Vec<String> = manifest.dev_dependencies.iter().map(renamed).collect();
    let mut required: Vec<String> = members.iter().filter(|m| *m != root).cloned().collect();
    for name in manifest
        .dependencies
        .iter()
        .chain(&manifest.build_dependencies)
        .map(renamed)
    {
        required.extend(edge_to(&name));
    }
    let dev: Vec<String> = dev_names.iter().filter_map(|n| edge_to(n)).collect();
    // Anything the root reaches that is not a dev-dependency ships.
    required.extend(
        parsed
            .edges
            .iter()
            .filter(|(from, to)| from == root && !dev.contains(to))
            .map(|(_, to)| to.clone()),
    );
    crate::graph::scopes_from_roots(parsed, &required, &[], &dev);
}
