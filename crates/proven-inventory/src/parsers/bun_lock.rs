//! `bun.lock`, the text lockfile of Bun 1.2 and later (JSON with trailing commas), and the binary
//! `bun.lockb` of older Bun, which is claimed only to say how to get a readable one.
//!
//! `packages` is keyed by install path (`debug`, `debug/ms` for an `ms` nested under `debug`);
//! each value is an array whose first element is `name@resolution`. A dependency resolves from the
//! package's key upward, the way `node_modules` folders nest. `workspaces` lists the project and
//! its workspace packages with their dependencies, from which scopes follow by reachability.

use std::collections::{HashMap, HashSet};

use proven_model::{ComponentKind, Diagnostic, Ecosystem, Location};
use serde_json::{Map, Value};

use super::npm_common::{self as npm, Origin, PackageJson};
use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::text::JsonKeyLines;

pub(super) static PARSER: ParserDef = ParserDef {
    name: "bun-lock",
    ecosystem: Ecosystem::Npm,
    matches: |name| name == "bun.lock" || name == "bun.lockb",
    parse,
    at_path: None,
    binary: false,
};

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    if input.path.ends_with(".lockb") {
        return Err(ParseFailure {
            line: None,
            message: "bun.lockb is Bun's binary lockfile, which cannot be read; run `bun install --save-text-lockfile` to write bun.lock beside it".into(),
        });
    }
    let json = strip_jsonc(input.text);
    let doc: Value =
        serde_json::from_str(&json).map_err(|e| ParseFailure::json(&e, "a bun.lock object"))?;
    let Some(doc) = doc.as_object() else {
        return Err(ParseFailure::at(
            1,
            "the lockfile is not a JSON object; expected a bun.lock object",
        ));
    };
    let version = doc
        .get("lockfileVersion")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let mut parsed = Parsed {
        format: format!("bun.lock v{version}"),
        ..Parsed::default()
    };
    let empty = Map::new();
    let workspaces = doc
        .get("workspaces")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let packages = doc
        .get("packages")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut lines = JsonKeyLines::new(input.text);

    // Workspace folder → line.
    let mut workspace_lines: HashMap<&str, Option<u32>> = HashMap::new();
    if lines.next("workspaces", b'{').is_some() {
        for key in workspaces.keys() {
            workspace_lines.insert(key, lines.next(key, b'{'));
        }
    }
    let mut first_party: HashSet<String> = HashSet::new();
    // The project itself.
    let root = workspaces.get("").and_then(Value::as_object);
    let manifest = PackageJson::sibling(input);
    if let Some(name) = root
        .and_then(|r| r.get("name"))
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
    {
        let version = root
            .and_then(|r| r.get("version"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| {
                manifest
                    .as_ref()
                    .filter(|m| m.name.as_deref() == Some(name))
                    .and_then(|m| m.version.clone())
            });
        let line = workspace_lines.get("").copied().flatten();
        let mut c = npm::component(name, version.as_deref(), input.path, line);
        c.id = String::new();
        c.kind = ComponentKind::Application;
        npm::set_origin(&mut c, Origin::Path);
        parsed.root = Some(String::new());
        parsed.components.push(c);
    }
    first_party.insert(String::new());

    lines.next("packages", b'{');
    let mut index: Nested<'_> = HashMap::with_capacity(packages.len());
    let mut package_lines: HashMap<&str, Option<u32>> = HashMap::with_capacity(packages.len());
    // Workspace folder → the key its package has in `packages`.
    let mut workspace_keys: HashMap<String, &str> = HashMap::new();
    for (key, value) in packages {
        let line = lines.next(key, b'[');
        index.insert(nested_at(key), key);
        package_lines.insert(key, line);
        let ident = value.get(0).and_then(Value::as_str);
        let Some((name, resolution)) = ident.and_then(npm::split_at_name) else {
            parsed.diagnostics.push(Diagnostic::warning(
                Location {
                    path: input.path.to_string(),
                    line,
                    column: None,
                },
                format!("package `{key}` does not start with `name@resolution`; expected `[\"name@1.2.3\", …]`"),
            ));
            parsed.incomplete = Some("a package entry could not be read".into());
            continue;
        };
        let info = value.get(1).and_then(Value::as_object);
        let (version, origin) = if let Some(folder) = resolution.strip_prefix("workspace:") {
            workspace_keys.insert(folder.to_string(), key);
            let version = workspaces
                .get(folder)
                .and_then(|w| w.get("version"))
                .and_then(Value::as_str)
                .map(str::to_string);
            (version, Origin::Path)
        } else if resolution.starts_with("root:") {
            continue;
        } else if npm::is_local(resolution) {
            let version = info
                .and_then(|i| i.get("version"))
                .and_then(Value::as_str)
                .map(str::to_string);
            (version, Origin::Path)
        } else if npm::is_git(resolution) {
            let commit = resolution
                .rsplit_once('#')
                .map(|(_, c)| c)
                .filter(|c| c.len() >= 7 && c.bytes().all(|b| b.is_ascii_hexdigit()));
            (commit.map(str::to_string), Origin::Git)
        } else if resolution.starts_with("http://") || resolution.starts_with("https://") {
            (None, Origin::Url)
        } else {
            (Some(resolution.to_string()), Origin::Registry)
        };
        let mut c = npm::component(name, version.as_deref(), input.path, line);
        c.id = key.clone();
        match origin {
            Origin::Registry => {
                npm::set_origin(&mut c, Origin::Registry);
                // The registry, when not the default one (an empty string).
                if let Some(registry) = value.get(1).and_then(Value::as_str) {
                    if !registry.is_empty() {
                        npm::qualify(&mut c, "repository_url", registry.trim_end_matches('/'));
                        c.source = Some(registry.to_string());
                    }
                }
                if let Some(integrity) = value.get(3).and_then(Value::as_str) {
                    let bad = npm::add_integrity(&mut c, integrity);
                    if !bad.is_empty() {
                        parsed
                            .diagnostics
                            .push(npm::bad_integrity(input.path, line, key, &bad));
                    }
                }
            }
            Origin::Path => {
                npm::set_origin(&mut c, Origin::Path);
                first_party.insert(key.clone());
            }
            _ => {
                npm::apply_resolved(&mut c, resolution, name);
            }
        }
        parsed.components.push(c);
    }

    // Dependencies of packages, then of workspaces.
    let mut roots: [Vec<String>; 3] = Default::default();
    for (key, value) in packages {
        let Some(info) = value
            .as_array()
            .and_then(|a| a.iter().find_map(Value::as_object))
        else {
            continue;
        };
        let line = package_lines.get(key.as_str()).copied().flatten();
        add_edges(input.path, line, &mut parsed, &index, key, info, None);
    }
    for (folder, ws) in workspaces {
        let Some(ws) = ws.as_object() else { continue };
        // Edges from a workspace start at its package key; the project's at "".
        let from = if folder.is_empty() {
            ""
        } else {
            match workspace_keys.get(folder) {
                Some(k) => *k,
                None => continue,
            }
        };
        let line = workspace_lines.get(folder.as_str()).copied().flatten();
        add_edges(
            input.path,
            line,
            &mut parsed,
            &index,
            from,
            ws,
            Some(&mut roots),
        );
    }
    for k in workspace_keys.values() {
        parsed.edges.push((String::new(), k.to_string()));
    }
    parsed.direct = npm::direct_from_first_party(&parsed.edges, &first_party);
    let [required, optional, dev] = roots;
    crate::graph::scopes_from_roots(&mut parsed, &required, &optional, &dev);
    Ok(parsed)
}

/// Adds the edges of one package (or workspace) at `key`; with `roots`, also collects the
/// targets as roots by section (dependencies, optional, dev).
fn add_edges(
    path: &str,
    line: Option<u32>,
    parsed: &mut Parsed,
    index: &Nested<'_>,
    key: &str,
    info: &Map<String, Value>,
    mut roots: Option<&mut [Vec<String>; 3]>,
) {
    let optional_peers: HashSet<&str> = info
        .get("optionalPeers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (field, slot, required) in [
        ("dependencies", 0, true),
        ("optionalDependencies", 1, false),
        ("peerDependencies", 0, false),
        ("devDependencies", 2, true),
    ] {
        // Development dependencies of published packages are never installed.
        if field == "devDependencies" && roots.is_none() {
            continue;
        }
        let Some(deps) = info.get(field).and_then(Value::as_object) else {
            continue;
        };
        for dep in deps.keys() {
            match resolve(index, key, dep) {
                Some(to) => {
                    parsed.edges.push((key.to_string(), to.clone()));
                    if let Some(r) = roots.as_deref_mut().and_then(|r| r.get_mut(slot)) {
                        r.push(to);
                    }
                }
                None if !required || optional_peers.contains(dep.as_str()) => {}
                None => {
                    let who = if key.is_empty() { "the project" } else { key };
                    parsed.diagnostics.push(Diagnostic::warning(
                        Location {
                            path: path.to_string(),
                            line,
                            column: None,
                        },
                        format!("dependency `{dep}` of {who} is not in the lockfile; expected a `packages` entry it can reach"),
                    ));
                    parsed.incomplete = Some("a dependency is missing from the lockfile".into());
                }
            }
        }
    }
}

/// Package keys by (the key of the package they are nested under, `""` at the top; their name).
type Nested<'a> = HashMap<(&'a str, &'a str), &'a str>;

fn nested_at(key: &str) -> (&str, &str) {
    let names = split_key(key);
    match names.last() {
        Some(last) => {
            let parent = key.len().saturating_sub(last.len() + 1);
            (key.get(..parent).unwrap_or(""), last)
        }
        None => ("", key),
    }
}

/// Enclosing packages searched before going straight to the top level.
const MAX_LEVELS: usize = 64;

/// The package key a dependency `name` of the package at `from` resolves to: `from/name`, then
/// the same from each enclosing package, then the top level.
fn resolve(index: &Nested<'_>, from: &str, name: &str) -> Option<String> {
    let mut base = from;
    for _ in 0..MAX_LEVELS {
        if let Some(k) = index.get(&(base, name)) {
            return Some(k.to_string());
        }
        if base.is_empty() {
            return None;
        }
        base = nested_at(base).0;
    }
    index.get(&("", name)).map(|k| k.to_string())
}

/// `a/@s/b/c` → `["a", "@s/b", "c"]`.
fn split_key(key: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = key;
    while !rest.is_empty() {
        let end = if rest.starts_with('@') {
            rest.match_indices('/')
                .nth(1)
                .map_or(rest.len(), |(i, _)| i)
        } else {
            rest.find('/').unwrap_or(rest.len())
        };
        out.push(&rest[..end]);
        rest = rest.get(end + 1..).unwrap_or("");
    }
    out
}

/// JSON with comments and trailing commas → JSON. Strings are copied untouched; each comment is
/// replaced by spaces (newlines kept) so serde_json's line numbers still match the file.
fn strip_jsonc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                out.push(b);
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    out.push(c);
                    i += 1;
                    match c {
                        b'\\' => {
                            if let Some(&e) = bytes.get(i) {
                                out.push(e);
                                i += 1;
                            }
                        }
                        b'"' => break,
                        _ => {}
                    }
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while let Some(&c) = bytes.get(i) {
                    if c == b'\n' {
                        break;
                    }
                    out.push(b' ');
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                out.extend_from_slice(b"  ");
                i += 2;
                while let Some(&c) = bytes.get(i) {
                    if c == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        out.extend_from_slice(b"  ");
                        i += 2;
                        break;
                    }
                    out.push(if c == b'\n' { b'\n' } else { b' ' });
                    i += 1;
                }
            }
            b',' => {
                // A comma followed (after blanks and comments) by `}` or `]` is a trailing one.
                let mut j = i + 1;
                while let Some(&c) = bytes.get(j) {
                    if c.is_ascii_whitespace() {
                        j += 1;
                    } else if c == b'/' && bytes.get(j + 1) == Some(&b'/') {
                        while bytes.get(j).is_some_and(|&c| c != b'\n') {
                            j += 1;
                        }
                    } else if c == b'/' && bytes.get(j + 1) == Some(&b'*') {
                        j += 2;
                        while bytes.get(j).is_some()
                            && !(bytes.get(j) == Some(&b'*') && bytes.get(j + 1) == Some(&b'/'))
                        {
                            j += 1;
                        }
                        j += 2;
                    } else {
                        break;
                    }
                }
                out.push(if matches!(bytes.get(j), Some(b'}' | b']')) {
                    b' '
                } else {
                    b','
                });
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    // Only ASCII bytes were replaced, by ASCII bytes, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc() {
        let t = "{\n  // note\n  \"a\": [1, 2,], /* x\n */ \"b\": \"//,]\",\n}";
        let j = strip_jsonc(t);
        assert_eq!(j.lines().count(), t.lines().count());
        let v: Value = serde_json::from_str(&j).expect("valid JSON");
        assert_eq!(v["b"], "//,]");
        assert_eq!(v["a"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn keys_nest() {
        assert_eq!(split_key("a/@s/b/c"), ["a", "@s/b", "c"]);
        assert_eq!(split_key("@s/b"), ["@s/b"]);
        assert!(split_key("").is_empty());
        assert_eq!(nested_at("a/@s/b"), ("a", "@s/b"));
        assert_eq!(nested_at("@s/b"), ("", "@s/b"));
        let index: Nested<'_> = ["a", "a/b", "c"].map(|k| (nested_at(k), k)).into();
        assert_eq!(resolve(&index, "a/b", "c").as_deref(), Some("c"));
        assert_eq!(resolve(&index, "a", "b").as_deref(), Some("a/b"));
        assert_eq!(resolve(&index, "c", "b"), None);
    }
}
