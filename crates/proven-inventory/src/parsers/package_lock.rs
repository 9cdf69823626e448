//! `package-lock.json` and `npm-shrinkwrap.json`, lockfile versions 1 to 3.
//!
//! Versions 2 and 3 list every installed folder in `packages`, keyed by its path
//! (`node_modules/a/node_modules/b`; `""` is the project, other paths are workspaces). Version 1
//! nests the same tree under `dependencies`; it is turned into those paths here. A dependency
//! resolves the way Node resolves it: from the package's folder up through each ancestor's
//! `node_modules`. One component per folder (the merge folds one name@version found at several
//! paths); a `link` entry is not a component but points at the folder that is.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use proven_model::{ComponentKind, Diagnostic, Ecosystem, Location, Scope};

use super::npm_common::{self as npm, Origin, PackageJson};
use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::json::Json;
use crate::text::JsonKeyLines;

pub(super) static PARSER: ParserDef = ParserDef {
    name: "package-lock",
    ecosystem: Ecosystem::Npm,
    matches: |name| name == "package-lock.json" || name == "npm-shrinkwrap.json",
    parse,
    at_path: None,
    binary: false,
};

/// Why a package depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DepKind {
    Normal,
    Optional,
    Peer { optional: bool },
    Dev,
}

/// One folder of the installed tree, from either layout.
#[derive(Debug, Default)]
struct Folder {
    /// Path from the project root: `""`, `node_modules/a`, `packages/x`.
    key: String,
    line: Option<u32>,
    /// The package name when it differs from the folder name (aliases) or the folder is not
    /// under `node_modules`.
    name: Option<String>,
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    license: Option<String>,
    link: bool,
    dev: bool,
    optional: bool,
    in_bundle: bool,
    /// Version 1 `file:` dependencies: local folders installed under `node_modules`.
    local: bool,
    deps: Vec<(String, DepKind)>,
}

impl Folder {
    /// The name the folder is installed under (`node_modules/@s/x` → `@s/x`).
    fn install_name(&self) -> Option<&str> {
        self.key.rsplit_once("node_modules/").map(|(_, n)| n)
    }

    fn in_node_modules(&self) -> bool {
        self.key.starts_with("node_modules/") || self.key.contains("/node_modules/")
    }
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let doc = Json::parse(input.text)
        .map_err(|e| ParseFailure::json(&e, "a package-lock.json object"))?;
    if doc.members().is_none() {
        return Err(ParseFailure::at(
            1,
            "the lockfile is not a JSON object; expected a package-lock.json object",
        ));
    }
    let file_name = input.path.rsplit('/').next().unwrap_or(input.path);
    let packages = doc.get("packages").and_then(Json::members);
    let legacy = doc.get("dependencies").and_then(Json::members);
    let version =
        doc.get("lockfileVersion")
            .and_then(Json::as_u64)
            .unwrap_or(match (packages, legacy) {
                (Some(_), Some(_)) => 2,
                (Some(_), None) => 3,
                _ => 1,
            });
    let mut parsed = Parsed {
        format: format!("{file_name} v{version}"),
        ..Parsed::default()
    };
    if version > 3 {
        parsed.diagnostics.push(Diagnostic::warning(
            Location::line(input.path, 1),
            format!("lockfileVersion {version} is newer than the versions known (1 to 3); read as version 3"),
        ));
    }
    let mut lines = JsonKeyLines::new(input.text);
    let manifest = PackageJson::sibling(input);
    let mut folders = Vec::new();
    match packages {
        Some(packages) if version >= 2 || legacy.is_none() => {
            lines.next("packages", b'{');
            for (key, value) in packages {
                let line = lines.next(key, b'{');
                match value {
                    Json::Object(_) => folders.push(folder_from_entry(key, value, line)),
                    _ => {
                        parsed.diagnostics.push(Diagnostic::warning(
                            Location {
                                path: input.path.to_string(),
                                line,
                                column: None,
                            },
                            format!("package entry `{key}` is not an object; expected an object with `version`"),
                        ));
                        parsed.incomplete = Some("a package entry could not be read".into());
                    }
                }
            }
        }
        _ => {
            let mut root = Folder {
                name: doc.get("name").and_then(Json::as_str).map(str::to_string),
                version: doc
                    .get("version")
                    .and_then(Json::as_str)
                    .map(str::to_string),
                line: Some(1),
                ..Folder::default()
            };
            // Version 1 does not record the project's own dependencies: package.json does.
            if let Some(m) = &manifest {
                for (deps, kind) in [
                    (&m.dependencies, DepKind::Normal),
                    (&m.optional_dependencies, DepKind::Optional),
                    (&m.peer_dependencies, DepKind::Peer { optional: true }),
                    (&m.dev_dependencies, DepKind::Dev),
                ] {
                    root.deps
                        .extend(deps.iter().map(|(n, _)| (n.clone(), kind)));
                }
            }
            folders.push(root);
            if let Some(deps) = legacy {
                lines.next("dependencies", b'{');
                flatten_v1(input.path, deps, "", &mut lines, &mut folders, &mut parsed);
            }
        }
    }
    build(input, &mut parsed, folders, &doc, manifest.as_ref());
    Ok(parsed)
}

/// A `packages` entry of lockfile versions 2 and 3.
fn folder_from_entry(key: &str, entry: &Json<'_>, line: Option<u32>) -> Folder {
    let string = |k: &str| entry.get(k).and_then(Json::as_str).map(str::to_string);
    let flag = |k: &str| entry.get(k).is_some_and(Json::is_true);
    let mut folder = Folder {
        key: key.to_string(),
        line,
        name: string("name"),
        version: string("version"),
        resolved: string("resolved"),
        integrity: string("integrity"),
        license: entry.get("license").and_then(license),
        link: flag("link"),
        dev: flag("dev"),
        optional: flag("optional") || flag("devOptional"),
        in_bundle: flag("inBundle"),
        ..Folder::default()
    };
    let peer_optional = |name: &str| {
        entry
            .get("peerDependenciesMeta")
            .and_then(|m| m.get(name))
            .and_then(|m| m.get("optional"))
            .is_some_and(Json::is_true)
    };
    for (field, kind) in [
        ("dependencies", DepKind::Normal),
        ("optionalDependencies", DepKind::Optional),
        ("peerDependencies", DepKind::Peer { optional: false }),
        ("devDependencies", DepKind::Dev),
    ] {
        if let Some(deps) = entry.get(field).and_then(Json::members) {
            for (name, _) in deps {
                let kind = match kind {
                    DepKind::Peer { .. } => DepKind::Peer {
                        optional: peer_optional(name),
                    },
                    k => k,
                };
                folder.deps.push((name.to_string(), kind));
            }
        }
    }
    folder
}

/// A declared licence: an SPDX string, or the old `{ "type": … }` object or list of them.
fn license(v: &Json<'_>) -> Option<String> {
    match v {
        Json::Str(s) if !s.is_empty() => Some(s.to_string()),
        Json::Object(_) => v.get("type").and_then(Json::as_str).map(str::to_string),
        Json::Array(a) => {
            let all: Vec<String> = a.iter().filter_map(license).collect();
            (!all.is_empty()).then(|| all.join(" OR "))
        }
        _ => None,
    }
}

/// Turns the nested `dependencies` of version 1 into folders keyed by path, in document order.
/// serde_json limits nesting, which bounds the recursion.
fn flatten_v1(
    path: &str,
    deps: &[(Cow<'_, str>, Json<'_>)],
    parent: &str,
    lines: &mut JsonKeyLines<'_>,
    folders: &mut Vec<Folder>,
    parsed: &mut Parsed,
) {
    for (name, value) in deps {
        let line = lines.next(name, b'{');
        let key = if parent.is_empty() {
            format!("node_modules/{name}")
        } else {
            format!("{parent}/node_modules/{name}")
        };
        let entry = value;
        if entry.members().is_none() {
            parsed.diagnostics.push(Diagnostic::warning(
                Location {
                    path: path.to_string(),
                    line,
                    column: None,
                },
                format!("dependency `{name}` is not an object; expected an object with `version`"),
            ));
            parsed.incomplete = Some("a dependency entry could not be read".into());
            continue;
        }
        let string = |k: &str| entry.get(k).and_then(Json::as_str).map(str::to_string);
        let flag = |k: &str| entry.get(k).is_some_and(Json::is_true);
        let mut folder = Folder {
            key: key.clone(),
            line,
            version: string("version"),
            resolved: string("resolved"),
            integrity: string("integrity"),
            dev: flag("dev"),
            optional: flag("optional"),
            in_bundle: flag("bundled"),
            ..Folder::default()
        };
        // `version` holds the spec for aliases, local folders and git.
        if let Some(v) = folder.version.take() {
            if let Some(real) = v.strip_prefix("npm:") {
                if let Some((n, ver)) = npm::split_at_name(real) {
                    folder.name = Some(n.to_string());
                    folder.version = Some(ver.to_string());
                }
            } else if npm::is_local(&v) {
                folder.local = true;
                folder.resolved.get_or_insert(v);
            } else if npm::is_git(&v) {
                folder.version = git_commit(&v).map(str::to_string);
                folder.resolved.get_or_insert(v);
            } else {
                folder.version = Some(v);
            }
        }
        if let Some(requires) = entry.get("requires").and_then(Json::members) {
            folder.deps.extend(
                requires
                    .iter()
                    .map(|(n, _)| (n.to_string(), DepKind::Normal)),
            );
        }
        folders.push(folder);
        if let Some(nested) = entry.get("dependencies").and_then(Json::members) {
            flatten_v1(path, nested, &key, lines, folders, parsed);
        }
    }
}

/// The commit of a git spec (`…#<hex>`), when the fragment is one.
fn git_commit(spec: &str) -> Option<&str> {
    let (_, rev) = spec.rsplit_once('#')?;
    (rev.len() >= 7 && rev.bytes().all(|b| b.is_ascii_hexdigit())).then_some(rev)
}

/// Folders by where they are installed: (the folder whose `node_modules` holds them, the name they
/// are installed under). `node_modules/a/node_modules/@s/b` → (`node_modules/a`, `@s/b`).
type Installed<'a> = HashMap<(&'a str, &'a str), usize>;

fn installed_at(key: &str) -> Option<(&str, &str)> {
    match key.rsplit_once("/node_modules/") {
        Some((dir, name)) => Some((dir, name)),
        None => key.strip_prefix("node_modules/").map(|name| ("", name)),
    }
}

/// Ancestors searched before going straight to the top level; real trees are far shallower.
const MAX_LEVELS: usize = 64;

/// Finds the folder a package at `from` gets for `name`, the way Node's `require` searches: the
/// `node_modules` of its own folder, then of each ancestor.
fn resolve(index: &Installed<'_>, from: &str, name: &str) -> Option<usize> {
    let mut base = from;
    for _ in 0..MAX_LEVELS {
        if let Some(&i) = index.get(&(base, name)) {
            return Some(i);
        }
        if base.is_empty() {
            return None;
        }
        base = base.rsplit_once('/').map_or("", |(parent, _)| parent);
        // A folder named node_modules is never searched for a node_modules of its own.
        if base == "node_modules" || base.ends_with("/node_modules") {
            base = base.rsplit_once('/').map_or("", |(parent, _)| parent);
        }
    }
    index.get(&("", name)).copied()
}

fn build(
    input: &Input<'_>,
    parsed: &mut Parsed,
    mut folders: Vec<Folder>,
    doc: &Json<'_>,
    manifest: Option<&PackageJson>,
) {
    // A link to a folder the lockfile does not list still names a first-party package.
    let mut known: HashSet<&str> = folders.iter().map(|f| f.key.as_str()).collect();
    let mut extra = Vec::new();
    for f in folders.iter().filter(|f| f.link) {
        if let Some(target) = f.resolved.as_deref().map(link_target) {
            if known.insert(target) {
                extra.push(Folder {
                    key: target.to_string(),
                    line: f.line,
                    name: f.install_name().map(str::to_string),
                    ..Folder::default()
                });
            }
        }
    }
    drop(known);
    folders.extend(extra);

    let index: HashMap<&str, usize> = folders
        .iter()
        .enumerate()
        .map(|(i, f)| (f.key.as_str(), i))
        .collect();
    let installed: Installed<'_> = folders
        .iter()
        .enumerate()
        .filter_map(|(i, f)| installed_at(&f.key).map(|at| (at, i)))
        .collect();
    // Workspaces are named by the links that point at them when their entry has no name.
    let mut link_names: HashMap<&str, &str> = HashMap::new();
    for f in folders.iter().filter(|f| f.link) {
        if let (Some(target), Some(name)) = (f.resolved.as_deref(), f.install_name()) {
            link_names.entry(link_target(target)).or_insert(name);
        }
    }
    let root_name = folders
        .iter()
        .find(|f| f.key.is_empty())
        .and_then(|f| f.name.clone())
        .or_else(|| doc.get("name").and_then(Json::as_str).map(str::to_string))
        .or_else(|| manifest.and_then(|m| m.name.clone()));

    let mut first_party: HashSet<String> = HashSet::new();
    for f in folders.iter().filter(|f| !f.link) {
        let name = if f.key.is_empty() {
            root_name.clone()
        } else if f.in_node_modules() {
            f.name
                .clone()
                .or_else(|| f.install_name().map(str::to_string))
        } else {
            f.name.clone().or_else(|| {
                link_names
                    .get(f.key.as_str())
                    .map(|n| n.to_string())
                    .or_else(|| f.key.rsplit('/').next().map(str::to_string))
            })
        };
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            if f.key.is_empty() {
                first_party.insert(String::new());
            }
            continue;
        };
        if f.version.is_none()
            && f.in_node_modules()
            && !f.local
            && !npm::is_git(f.resolved.as_deref().unwrap_or(""))
        {
            parsed.diagnostics.push(Diagnostic::warning(
                Location {
                    path: input.path.to_string(),
                    line: f.line,
                    column: None,
                },
                format!(
                    "`{}` has no version; expected `\"version\": \"x.y.z\"`",
                    f.key
                ),
            ));
        }
        let mut c = npm::component(&name, f.version.as_deref(), input.path, f.line);
        c.id = f.key.clone();
        c.licenses.declared = f.license.clone();
        let origin = if f.key.is_empty() {
            c.kind = ComponentKind::Application;
            npm::set_origin(&mut c, Origin::Path);
            Origin::Path
        } else if !f.in_node_modules() || f.local {
            npm::set_origin(&mut c, Origin::Path);
            if let Some(r) = &f.resolved {
                c.source = Some(r.clone());
            }
            Origin::Path
        } else if let Some(r) = &f.resolved {
            npm::apply_resolved(&mut c, r, &name)
        } else {
            // npm leaves out `resolved` for bundled packages and with omit-lockfile-registry-resolved.
            npm::set_origin(&mut c, Origin::Registry);
            Origin::Registry
        };
        if origin == Origin::Path {
            first_party.insert(f.key.clone());
        }
        if f.in_bundle {
            c.properties.insert("proven:bundled".into(), "true".into());
        }
        c.scope = if f.dev {
            Scope::Dev
        } else if f.optional {
            Scope::Optional
        } else {
            Scope::Required
        };
        if let Some(integrity) = &f.integrity {
            let bad = npm::add_integrity(&mut c, integrity);
            if !bad.is_empty() {
                let who = format!("{name} at {}", f.key);
                parsed
                    .diagnostics
                    .push(npm::bad_integrity(input.path, f.line, &who, &bad));
            }
        }
        if f.key.is_empty() {
            parsed.root = Some(String::new());
        }
        parsed.components.push(c);
    }

    let target_of = |i: usize| -> Option<&str> {
        let f = folders.get(i)?;
        if f.link {
            let t = link_target(f.resolved.as_deref()?);
            index.get(t).map(|_| t)
        } else {
            Some(f.key.as_str())
        }
    };
    for f in folders.iter().filter(|f| !f.link) {
        let mut seen: HashSet<&str> = HashSet::new();
        for (dep, kind) in &f.deps {
            // Only the project and its workspaces have development dependencies installed.
            if *kind == DepKind::Dev && f.in_node_modules() {
                continue;
            }
            match resolve(&installed, &f.key, dep).and_then(target_of) {
                Some(to) => {
                    if seen.insert(to) {
                        parsed.edges.push((f.key.clone(), to.to_string()));
                    }
                }
                None if matches!(kind, DepKind::Optional | DepKind::Peer { .. }) => {}
                None => {
                    let who = if f.key.is_empty() {
                        "the project".to_string()
                    } else {
                        format!("`{}`", f.key)
                    };
                    parsed.diagnostics.push(Diagnostic::warning(
                        Location {
                            path: input.path.to_string(),
                            line: f.line,
                            column: None,
                        },
                        format!("dependency `{dep}` of {who} is not in the lockfile; expected a `node_modules/{dep}` entry it can reach"),
                    ));
                    parsed.incomplete = Some("a dependency is missing from the lockfile".into());
                }
            }
        }
    }
    // The project contains its workspaces.
    for f in folders
        .iter()
        .filter(|f| !f.link && !f.key.is_empty() && !f.in_node_modules())
    {
        parsed.edges.push((String::new(), f.key.clone()));
    }
    parsed.direct = npm::direct_from_first_party(&parsed.edges, &first_party);
}

/// The folder a link's `resolved` names (`file:../x` and `../x` alike).
fn link_target(resolved: &str) -> &str {
    let t = resolved.strip_prefix("file:").unwrap_or(resolved);
    t.strip_prefix("./").unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_resolution_walks_up() {
        let keys = [
            "node_modules/a",
            "node_modules/a/node_modules/b",
            "node_modules/c",
            "packages/x/node_modules/c",
            "node_modules/@s/d",
        ];
        let index: Installed<'_> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| installed_at(k).map(|at| (at, i)))
            .collect();
        let r = |from: &str, name: &str| resolve(&index, from, name).map(|i| keys[i]);
        assert_eq!(
            r("node_modules/a/node_modules/b", "c"),
            Some("node_modules/c")
        );
        assert_eq!(
            r("node_modules/a", "b"),
            Some("node_modules/a/node_modules/b")
        );
        assert_eq!(r("node_modules/c", "b"), None);
        assert_eq!(r("packages/x", "c"), Some("packages/x/node_modules/c"));
        assert_eq!(r("", "@s/d"), Some("node_modules/@s/d"));
        assert_eq!(r("node_modules/@s/d", "a"), Some("node_modules/a"));
    }
}
