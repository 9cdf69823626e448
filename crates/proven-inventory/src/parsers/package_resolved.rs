//! SwiftPM's `Package.resolved`, versions 1 (`object.pins`, with `package` and `repositoryURL`),
//! 2 and 3 (`pins` with `identity`, `kind` and `location`; 3 adds `originHash`).
//!
//! One component per pin. The purl follows the purl spec's `swift` type: the namespace is the host
//! and owner path of the repository URL, the name its last segment (`.git`, scheme and credentials
//! dropped). A pin at a version is a release tag of that repository, which is how SwiftPM
//! publishes packages and how OSV's SwiftURL ecosystem names them, so it has origin `registry`. A
//! pin at a branch or a bare revision has no version: the requirement is `branch@revision` (or the
//! revision), origin `git`, with a note. `registry` pins (`scope.name` identities from a package
//! registry) have the scope as namespace; `localSourceControl` pins are folders (origin `path`).
//!
//! The file records neither edges nor why a package is there (test-only dependencies are pinned
//! like the rest), so every pin is required and there is no root.

use proven_model::{Component, Diagnostic, Ecosystem, Location};
use serde_json::Value;

use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::text::LineIndex;

pub(super) static PARSER: ParserDef = ParserDef {
    name: "package-resolved",
    ecosystem: Ecosystem::Swift,
    matches: |name| name == "Package.resolved",
    parse,
    at_path: None,
    binary: false,
};

const EXPECTED: &str = "a Package.resolved object with `pins` (v2, v3) or `object.pins` (v1)";

/// A non-empty string value.
fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let doc: Value =
        serde_json::from_str(input.text).map_err(|e| ParseFailure::json(&e, EXPECTED))?;
    let pins = doc
        .get("pins")
        .or_else(|| doc.get("object").and_then(|o| o.get("pins")))
        .and_then(Value::as_array)
        .ok_or_else(|| ParseFailure::at(1, format!("no list of pins; expected {EXPECTED}")))?;
    let lines = LineIndex::new(input.text);
    let loc = |line: Option<u32>| Location {
        path: input.path.to_string(),
        line,
        column: None,
    };
    let mut parsed = Parsed {
        format: match doc.get("version").and_then(Value::as_u64) {
            Some(v) => format!("Package.resolved v{v}"),
            None => "Package.resolved".into(),
        },
        ..Parsed::default()
    };
    let offsets = pin_offsets(input.text);
    for (i, pin) in pins.iter().enumerate() {
        let line = offsets.get(i).map(|&off| lines.line(off));
        let Some(obj) = pin.as_object() else {
            parsed.diagnostics.push(Diagnostic::error(
                loc(line),
                format!("pin {} is not an object", i + 1),
            ));
            parsed.incomplete = Some("a pin could not be read".into());
            continue;
        };
        let identity = text(obj.get("identity")).or(text(obj.get("package")));
        let location = text(obj.get("location")).or(text(obj.get("repositoryURL")));
        let kind = text(obj.get("kind")).unwrap_or("remoteSourceControl");
        if identity.is_none() && location.is_none() {
            parsed.diagnostics.push(Diagnostic::error(
                loc(line),
                format!("pin {} has neither identity nor location", i + 1),
            ));
            parsed.incomplete = Some("a pin could not be read".into());
            continue;
        }
        let state = obj.get("state");
        let version = text(state.and_then(|s| s.get("version")));
        let revision = text(state.and_then(|s| s.get("revision")));
        let branch = text(state.and_then(|s| s.get("branch")));

        let (group, name, origin) = match kind {
            "registry" => {
                let id = identity.unwrap_or("");
                let (scope, name) = id.split_once('.').map_or((None, id), |(s, n)| (Some(s), n));
                (scope.map(str::to_string), name.to_string(), "registry")
            }
            "localSourceControl" => {
                let name = location
                    .and_then(|l| l.trim_end_matches(['/', '\\']).rsplit(['/', '\\']).next())
                    .filter(|n| !n.is_empty())
                    .or(identity)
                    .unwrap_or("");
                (None, name.to_string(), "path")
            }
            _ => {
                let origin = if version.is_some() { "registry" } else { "git" };
                match location.and_then(repository) {
                    Some((ns, name)) => (Some(ns), name, origin),
                    None => {
                        parsed.diagnostics.push(Diagnostic::warning(
                            loc(line),
                            format!(
                                "pin {}: location {} is not a repository URL; expected `https://host/owner/name.git` or `git@host:owner/name.git`",
                                i + 1,
                                location.map_or("(none)".to_string(), |l| format!("`{l}`"))
                            ),
                        ));
                        (None, identity.unwrap_or("").to_string(), origin)
                    }
                }
            }
        };
        if name.is_empty() {
            parsed.diagnostics.push(Diagnostic::error(
                loc(line),
                format!("pin {} names no package", i + 1),
            ));
            parsed.incomplete = Some("a pin could not be read".into());
            continue;
        }
        let mut c = Component::new(
            Ecosystem::Swift,
            group.as_deref(),
            &name,
            version,
            loc(line),
        );
        c.id = format!("{} #{i}", identity.unwrap_or(&name));
        c.properties.insert("proven:origin".into(), origin.into());
        if kind != "localSourceControl" {
            c.source = location.map(str::to_string);
        }
        if let Some(rev) = revision {
            c.properties
                .insert("proven:vcs-reference".into(), rev.to_string());
        }
        if version.is_none() {
            let requirement = match (branch, revision) {
                (Some(b), Some(r)) => Some(format!("{b}@{r}")),
                (Some(b), None) => Some(b.to_string()),
                (None, Some(r)) => Some(r.to_string()),
                (None, None) => None,
            };
            parsed.diagnostics.push(Diagnostic::note(
                loc(line),
                match &requirement {
                    Some(req) => format!("{name} is pinned to {req}, not a version"),
                    None => format!("{name} is pinned to no version, branch or revision"),
                },
            ));
            if let (Some(url), Some(rev), "remoteSourceControl") = (location, revision, kind) {
                c.purl = c
                    .purl
                    .take()
                    .map(|p| p.with_qualifier("vcs_url", &format!("git+{url}@{rev}")));
            }
            c.requirement = requirement;
        }
        parsed.components.push(c);
    }
    Ok(parsed)
}

/// `(host/owner, name)` of a repository URL: `https://user@host/owner/name.git`,
/// `ssh://git@host/owner/name`, or scp-like `git@host:owner/name.git`.
fn repository(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let (authority, path) = match url.split_once("://") {
        Some((_, rest)) => rest.split_once('/').unwrap_or((rest, "")),
        None => {
            let (authority, path) = url.split_once(':')?;
            if authority.contains('/') {
                return None;
            }
            (authority, path)
        }
    };
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .to_ascii_lowercase();
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_matches('/');
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    let (owner, name) = match path.rsplit_once('/') {
        Some((o, n)) => (o, n),
        None => ("", path),
    };
    if host.is_empty() || name.is_empty() {
        return None;
    }
    let namespace = if owner.is_empty() {
        host
    } else {
        format!("{host}/{owner}")
    };
    Some((namespace, name.to_string()))
}

/// Offsets of the elements of the `pins` array, in order: one pass over the text that skips
/// strings and counts brackets.
fn pin_offsets(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    let start = loop {
        let Some(at) = text.get(from..).and_then(|t| t.find("\"pins\"")) else {
            return Vec::new();
        };
        from = at + from + "\"pins\"".len();
        let rest = text.get(from..).unwrap_or("").trim_start();
        if let Some(value) = rest.strip_prefix(':') {
            let value = value.trim_start();
            if value.starts_with('[') {
                break text.len() - value.len();
            }
        }
    };
    let mut offsets = Vec::new();
    let mut depth = 0usize;
    let mut expecting = true;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                if depth == 1 && expecting {
                    offsets.push(i);
                    expecting = false;
                }
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    i += 1;
                    match c {
                        b'\\' => i += 1,
                        b'"' => break,
                        _ => {}
                    }
                }
                continue;
            }
            b'[' | b'{' => {
                if depth == 1 && expecting {
                    offsets.push(i);
                    expecting = false;
                }
                depth += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            b',' if depth == 1 => expecting = true,
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => {
                if depth == 1 && expecting {
                    offsets.push(i);
                    expecting = false;
                }
            }
        }
        i += 1;
    }
    offsets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_offsets_skip_strings_and_nesting() {
        let text =
            r#"{"x": "\"pins\"", "pins" : [ {"a": "]}"}, "s", 7 , [1, [2]], {"b": {"c": [3]}} ]}"#;
        let found: Vec<&str> = pin_offsets(text)
            .iter()
            .map(|&o| text.get(o..o + 3).unwrap_or(""))
            .collect();
        assert_eq!(found, ["{\"a", "\"s\"", "7 ,", "[1,", "{\"b"]);
        assert!(pin_offsets(r#"{"pins": "#).is_empty());
    }

    #[test]
    fn repository_urls() {
        let ok = |u: &str| repository(u).expect(u);
        assert_eq!(
            ok("https://github.com/apple/swift-nio.git"),
            ("github.com/apple".into(), "swift-nio".into())
        );
        assert_eq!(
            ok("git@GitHub.com:Alamofire/Alamofire.git"),
            ("github.com/Alamofire".into(), "Alamofire".into())
        );
        assert_eq!(
            ok("ssh://git@gitlab.example.com:2222/group/sub/pkg/"),
            ("gitlab.example.com:2222/group/sub".into(), "pkg".into())
        );
        assert_eq!(
            ok("https://user:token@host.example/owner/repo"),
            ("host.example/owner".into(), "repo".into())
        );
        assert!(repository("/Users/me/src/lib").is_none());
        assert!(repository("file:///Users/me/src/lib").is_none());
        assert!(repository("https://github.com/").is_none());
    }
}
