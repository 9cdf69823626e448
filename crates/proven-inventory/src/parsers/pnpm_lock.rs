//! `pnpm-lock.yaml`, lockfile versions 5.x (`/name/1.2.3` keys), 6.x (`/name@1.2.3`) and 9.x
//! (`packages` for what a package is, `snapshots` for its dependencies once peers are chosen).
//!
//! One component per package key (5, 6) or snapshot key (9): the same package resolved with
//! different peers (`react-dom@18.2.0(react@18.2.0)`) keeps its own edges, and the merge folds the
//! copies into one name@version. The workspace projects (`importers`) are not components: the file
//! names them only by folder. Their dependencies are the direct ones; in version 9, where packages
//! carry no `dev` flag, scopes follow from them by reachability.

use std::collections::{HashMap, HashSet};

use proven_model::{Diagnostic, Ecosystem, Location, Scope};

use super::npm_common::{self as npm, Origin};
use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::yaml::{self, Node};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "pnpm-lock",
    ecosystem: Ecosystem::Npm,
    matches: |name| name == "pnpm-lock.yaml",
    parse,
    at_path: None,
    binary: false,
};

/// The key layouts of the lockfile generations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// 5.x: `/name/1.2.3_peer@1`.
    Slash,
    /// 6.x: `/name@1.2.3(peer@1)`.
    At,
    /// 9.x: `name@1.2.3(peer@1)`, dependencies under `snapshots`.
    Snapshots,
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let docs = yaml::parse(input.text).map_err(|e| {
        ParseFailure::at(
            e.line,
            format!("{}; expected a pnpm lockfile (YAML)", e.message),
        )
    })?;
    // pnpm 10 may put its own tooling in a first document; the project's lockfile is the last one.
    let Some(doc) = docs
        .iter()
        .rev()
        .find(|d| d.get("importers").is_some() || d.get("packages").is_some())
        .or_else(|| {
            docs.iter()
                .rev()
                .find(|d| d.get("lockfileVersion").is_some())
        })
    else {
        return Err(ParseFailure::at(
            1,
            "no `lockfileVersion`, `importers` or `packages`; expected a pnpm lockfile",
        ));
    };
    let version = doc
        .get("lockfileVersion")
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_string();
    let major: u32 = version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    let layout = match major {
        0..=5 if doc.get("snapshots").is_none() => Layout::Slash,
        6 if doc.get("snapshots").is_none() => Layout::At,
        _ => Layout::Snapshots,
    };
    let mut parsed = Parsed {
        format: format!("pnpm-lock.yaml v{version}"),
        ..Parsed::default()
    };
    if major == 0 || major > 9 {
        parsed.diagnostics.push(Diagnostic::warning(
            Location::line(input.path, 1),
            format!("lockfileVersion `{version}` is not one of 5.x, 6.x or 9.x; read by the layout of its keys"),
        ));
    }

    let packages = doc.get("packages").map(Node::entries).unwrap_or_default();
    let snapshots = doc.get("snapshots").map(Node::entries).unwrap_or_default();
    let package_by_key: HashMap<&str, &yaml::Entry> =
        packages.iter().map(|e| (e.key.as_str(), e)).collect();

    // (id, the entry holding the dependencies, the entry holding the metadata)
    let mut nodes: Vec<(&str, &yaml::Entry, &yaml::Entry)> = Vec::new();
    if layout == Layout::Snapshots {
        let mut seen_base: HashSet<&str> = HashSet::new();
        for s in snapshots {
            let base = strip_peers(&s.key);
            seen_base.insert(base);
            nodes.push((&s.key, s, package_by_key.get(base).copied().unwrap_or(s)));
        }
        for p in packages
            .iter()
            .filter(|p| !seen_base.contains(p.key.as_str()))
        {
            nodes.push((&p.key, p, p));
        }
    } else {
        nodes.extend(packages.iter().map(|p| (p.key.as_str(), p, p)));
    }

    let ids: HashSet<&str> = nodes.iter().map(|(id, _, _)| *id).collect();
    for (id, _, meta) in &nodes {
        match component(input.path, layout, id, meta) {
            Some((c, bad)) => {
                if !bad.is_empty() {
                    parsed.diagnostics.push(npm::bad_integrity(
                        input.path,
                        Some(meta.line),
                        id,
                        &bad,
                    ));
                }
                parsed.components.push(c);
            }
            None => {
                parsed.diagnostics.push(Diagnostic::warning(
                    Location::line(input.path, meta.line),
                    format!("package key `{id}` names no package; expected `name@version` or `name:`/`version:` fields"),
                ));
                parsed.incomplete = Some("a package entry could not be read".into());
            }
        }
    }

    let resolve = |name: &str, reference: &str| -> Option<String> {
        let candidates = match layout {
            Layout::Slash => vec![
                format!("/{name}/{reference}"),
                reference.to_string(),
                format!("/{reference}"),
            ],
            Layout::At => vec![
                format!("/{name}@{reference}"),
                reference.to_string(),
                format!("/{reference}"),
            ],
            Layout::Snapshots => vec![format!("{name}@{reference}"), reference.to_string()],
        };
        candidates.into_iter().find(|c| ids.contains(c.as_str()))
    };

    for (id, deps_entry, _) in &nodes {
        for (field, optional) in [("dependencies", false), ("optionalDependencies", true)] {
            for dep in deps_entry
                .value
                .get(field)
                .map(Node::entries)
                .unwrap_or_default()
            {
                let reference = dep.value.as_str().unwrap_or("");
                if reference.starts_with("link:") {
                    continue;
                }
                match resolve(&dep.key, reference) {
                    Some(to) => parsed.edges.push((id.to_string(), to)),
                    None if optional => {}
                    None => {
                        parsed.diagnostics.push(Diagnostic::warning(
                            Location::line(input.path, dep.line),
                            format!("dependency `{}: {reference}` of `{id}` is not in the lockfile; expected a package entry for it", dep.key),
                        ));
                        parsed.incomplete =
                            Some("a dependency is missing from the lockfile".into());
                    }
                }
            }
        }
    }

    // The projects: `importers`, or the top level of a single-project 5.x file.
    let mut roots: [Vec<String>; 3] = Default::default();
    let single = [doc];
    let importers: Vec<&Node> = match doc.get("importers") {
        Some(i) => i.entries().iter().map(|e| &e.value).collect(),
        None => single.to_vec(),
    };
    for importer in importers {
        for (slot, field) in ["dependencies", "optionalDependencies", "devDependencies"]
            .iter()
            .enumerate()
        {
            for dep in importer.get(field).map(Node::entries).unwrap_or_default() {
                // 5.x: `name: ref`; 6.x and 9.x: `name: { specifier, version }`.
                let reference = dep
                    .value
                    .as_str()
                    .or_else(|| dep.value.get("version").and_then(Node::as_str))
                    .unwrap_or("");
                if reference.starts_with("link:") {
                    continue;
                }
                match resolve(&dep.key, reference) {
                    Some(to) => {
                        if let Some(r) = roots.get_mut(slot) {
                            r.push(to);
                        }
                    }
                    None if *field == "optionalDependencies" => {}
                    None => {
                        parsed.diagnostics.push(Diagnostic::warning(
                            Location::line(input.path, dep.line),
                            format!("project dependency `{}: {reference}` is not in the lockfile; expected a package entry for it", dep.key),
                        ));
                        parsed.incomplete =
                            Some("a dependency is missing from the lockfile".into());
                    }
                }
            }
        }
    }
    let [required, optional, dev] = roots;
    let mut direct: Vec<String> = required
        .iter()
        .chain(&optional)
        .chain(&dev)
        .cloned()
        .collect();
    direct.sort();
    direct.dedup();
    parsed.direct = direct;
    if layout == Layout::Snapshots {
        crate::graph::scopes_from_roots(&mut parsed, &required, &optional, &dev);
        // A snapshot marked optional is reached only through optional dependencies.
        let optional_only: HashSet<&str> = nodes
            .iter()
            .filter(|(_, s, _)| s.value.get("optional").is_some_and(Node::is_true))
            .map(|(id, _, _)| *id)
            .collect();
        for c in &mut parsed.components {
            if c.scope == Scope::Required && optional_only.contains(c.id.as_str()) {
                c.scope = Scope::Optional;
            }
        }
    }
    Ok(parsed)
}

/// The key without its peer suffix: `a@1.0.0(b@2.0.0)` → `a@1.0.0`.
fn strip_peers(key: &str) -> &str {
    let after_name = npm::split_at_name(key).map_or(0, |(n, _)| n.len() + 1);
    match key.get(after_name..).and_then(|rest| rest.find('(')) {
        Some(i) => &key[..after_name + i],
        None => key,
    }
}

/// Name and version from a package key, for registry packages.
fn name_version(layout: Layout, key: &str) -> Option<(String, String)> {
    match layout {
        Layout::Slash => {
            let k = key.strip_prefix('/')?;
            let mut parts = k.splitn(3, '/');
            let first = parts.next()?;
            let (name, rest) = if first.starts_with('@') {
                let second = parts.next()?;
                (format!("{first}/{second}"), parts.next()?)
            } else {
                let rest = k.get(first.len() + 1..)?;
                (first.to_string(), rest)
            };
            // 5.x appends peers after `_`, which semver versions never contain.
            let version = rest.split('_').next().unwrap_or(rest);
            Some((name, version.to_string()))
        }
        Layout::At | Layout::Snapshots => {
            let k = if layout == Layout::At {
                key.strip_prefix('/')?
            } else {
                key
            };
            let (name, rest) = npm::split_at_name(strip_peers(k))?;
            Some((name.to_string(), rest.to_string()))
        }
    }
}

/// Whether the version part of a key is a version rather than a location (`file:`, a URL).
fn is_version(v: &str) -> bool {
    v.starts_with(|c: char| c.is_ascii_digit()) && !v.contains(':') && !v.contains('/')
}

fn component(
    path: &str,
    layout: Layout,
    id: &str,
    meta: &yaml::Entry,
) -> Option<(proven_model::Component, Vec<String>)> {
    let value = &meta.value;
    let field = |k: &str| value.get(k).and_then(Node::as_str);
    let from_key = name_version(layout, &meta.key);
    let name = field("name")
        .map(str::to_string)
        .or_else(|| from_key.as_ref().map(|(n, _)| n.clone()))?;
    let version = field("version").map(str::to_string).or_else(|| {
        from_key
            .as_ref()
            .map(|(_, v)| v.clone())
            .filter(|v| is_version(v))
    });
    let mut c = npm::component(&name, version.as_deref(), path, Some(meta.line));
    c.id = id.to_string();
    let resolution = value.get("resolution");
    let res = |k: &str| resolution.and_then(|r| r.get(k)).and_then(Node::as_str);
    let mut bad = Vec::new();
    if let Some(integrity) = res("integrity") {
        bad = npm::add_integrity(&mut c, integrity)
            .into_iter()
            .map(str::to_string)
            .collect();
    }
    match (res("type"), res("tarball"), res("directory")) {
        (Some("git"), _, _) => {
            let repo = res("repo").unwrap_or("");
            let vcs = match res("commit") {
                Some(commit) => format!("{repo}@{commit}"),
                None => repo.to_string(),
            };
            npm::qualify(&mut c, "vcs_url", &vcs);
            c.source = Some(vcs);
            npm::set_origin(&mut c, Origin::Git);
        }
        (_, _, Some(dir)) => {
            c.source = Some(dir.to_string());
            npm::set_origin(&mut c, Origin::Path);
        }
        (_, Some(tarball), _) => {
            npm::apply_resolved(&mut c, tarball, &name);
        }
        _ if meta.key.contains("file:") || meta.key.contains("link:") => {
            npm::set_origin(&mut c, Origin::Path);
        }
        _ => npm::set_origin(&mut c, Origin::Registry),
    }
    if value.get("patched").is_some_and(Node::is_true) || id.contains("(patch_hash=") {
        c.properties.insert("proven:patched".into(), "true".into());
    }
    if layout != Layout::Snapshots {
        let flag = |k: &str| value.get(k).is_some_and(Node::is_true);
        c.scope = if flag("dev") {
            Scope::Dev
        } else if flag("optional") {
            Scope::Optional
        } else {
            Scope::Required
        };
    }
    Some((c, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let nv = |l, k| name_version(l, k);
        assert_eq!(
            nv(Layout::Slash, "/@babel/core/7.0.0_react@18.2.0"),
            Some(("@babel/core".into(), "7.0.0".into()))
        );
        assert_eq!(
            nv(Layout::Slash, "/ms/2.1.2"),
            Some(("ms".into(), "2.1.2".into()))
        );
        assert_eq!(
            nv(Layout::At, "/@a/b@1.0.0(react@18.2.0)(x@1)"),
            Some(("@a/b".into(), "1.0.0".into()))
        );
        assert_eq!(
            nv(Layout::Snapshots, "ms@2.1.3"),
            Some(("ms".into(), "2.1.3".into()))
        );
        assert_eq!(nv(Layout::At, "github.com/a/b/abc"), None);
        assert_eq!(strip_peers("a@1.0.0(b@2.0.0)"), "a@1.0.0");
        assert_eq!(strip_peers("@s/a@1.0.0"), "@s/a@1.0.0");
        assert!(is_version("1.0.0-rc.1") && !is_version("file:x") && !is_version("https://x"));
    }
}
