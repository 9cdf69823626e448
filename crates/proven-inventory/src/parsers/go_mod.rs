//! `go.mod`, with hashes from the `go.sum` beside it.
//!
//! One component per `require`d module plus the main module itself (the root). A `replace` swaps in
//! what actually ships: another module at a version, or a local directory (origin `path`, no
//! version). `go.sum` lines `<module> <version> h1:<base64>` give the SHA-256 dirhash of the module
//! zip; its `/go.mod h1:` lines hash only the module's go.mod file and are left out. go.mod records
//! no test-only requirements, so every module is required; edges go from the root to the modules it
//! requires directly (no `// indirect`), the only edges the file records.

use std::collections::HashMap;

use proven_model::{Component, ComponentKind, Diagnostic, Ecosystem, Hash, Location};

use super::{Input, ParseFailure, Parsed, ParserDef};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "go-mod",
    ecosystem: Ecosystem::Go,
    matches: |name| name == "go.mod",
    parse,
    at_path: None,
    binary: false,
};

/// One `require` entry.
struct Require {
    path: String,
    version: String,
    indirect: bool,
    line: u32,
}

/// The right side of a `replace`.
enum Target {
    Module(String, String),
    Dir(String),
}

struct Replace {
    version: Option<String>,
    target: Target,
}

/// Splits a go.mod line into tokens and its trailing `//` comment. Tokens are bare words or
/// "interpreted" / `raw` strings.
fn tokenize(line: &str) -> (Vec<String>, Option<&str>) {
    let mut tokens = Vec::new();
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        if let Some(comment) = rest.strip_prefix("//") {
            return (tokens, Some(comment.trim()));
        }
        let (token, after) = if let Some(body) = rest.strip_prefix('"') {
            quoted(body)
        } else if let Some(body) = rest.strip_prefix('`') {
            match body.split_once('`') {
                Some((t, after)) => (t.to_string(), after),
                None => (body.to_string(), ""),
            }
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '"' || c == '`')
                .unwrap_or(rest.len());
            // `a//b` ends the word at the comment; the word is never empty here.
            let end = rest[..end].find("//").filter(|&i| i > 0).unwrap_or(end);
            (rest[..end].to_string(), &rest[end..])
        };
        tokens.push(token);
        rest = after.trim_start();
    }
    (tokens, None)
}

/// A Go interpreted string body up to its closing quote, with simple escapes undone.
fn quoted(body: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &body[i + 1..]),
            '\\' => {
                if let Some((_, e)) = chars.next() {
                    out.push(e);
                }
            }
            _ => out.push(c),
        }
    }
    (out, "")
}

const VERBS: &[&str] = &[
    "module",
    "go",
    "toolchain",
    "godebug",
    "require",
    "exclude",
    "replace",
    "retract",
    "tool",
    "ignore",
];

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let loc = |line: u32| Location {
        path: input.path.to_string(),
        line: Some(line),
        column: None,
    };
    let mut parsed = Parsed {
        format: "go.mod".into(),
        ..Parsed::default()
    };
    let mut module: Option<(String, u32)> = None;
    let mut go_version: Option<String> = None;
    let mut requires: Vec<Require> = Vec::new();
    let mut replaces: HashMap<String, Vec<Replace>> = HashMap::new();
    // The verb of the open `( … )` block and the line it opened on.
    let mut block: Option<(String, u32)> = None;

    for (i, raw) in input.text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let (mut tokens, comment) = tokenize(raw);
        if tokens.is_empty() {
            continue;
        }
        let verb = match &block {
            Some((verb, _)) => {
                if tokens.len() == 1 && tokens[0] == ")" {
                    block = None;
                    continue;
                }
                verb.clone()
            }
            None => {
                let verb = tokens.remove(0);
                if !VERBS.contains(&verb.as_str()) {
                    parsed.diagnostics.push(Diagnostic::warning(
                        loc(line),
                        format!("unknown go.mod directive `{verb}`; expected one of {VERBS:?}"),
                    ));
                    continue;
                }
                if tokens.first().map(String::as_str) == Some("(") {
                    // `require ( )` on one line is an empty block.
                    if tokens.get(1).map(String::as_str) != Some(")") {
                        block = Some((verb, line));
                    }
                    continue;
                }
                verb
            }
        };
        let bad = |parsed: &mut Parsed, what: &str| {
            parsed.diagnostics.push(Diagnostic::error(
                loc(line),
                format!("malformed `{verb}` line; expected {what}"),
            ));
            parsed.incomplete = Some(format!("a `{verb}` line could not be read"));
        };
        match verb.as_str() {
            "module" => match tokens.first() {
                Some(path) if tokens.len() == 1 => module = Some((path.clone(), line)),
                _ => bad(&mut parsed, "`module <path>`"),
            },
            "go" => go_version = tokens.first().cloned(),
            "require" => match tokens.as_slice() {
                [path, version] => requires.push(Require {
                    path: path.clone(),
                    version: version.clone(),
                    indirect: comment.is_some_and(|c| {
                        c == "indirect" || c.starts_with("indirect;") || c.starts_with("indirect ")
                    }),
                    line,
                }),
                _ => bad(&mut parsed, "`<module path> <version>`"),
            },
            "replace" => {
                let arrow = tokens.iter().position(|t| t == "=>");
                let (left, right) = match arrow {
                    Some(a) => (&tokens[..a], &tokens[a + 1..]),
                    None => (&tokens[..], &tokens[..0]),
                };
                let target = match right {
                    [dir] => Some(Target::Dir(dir.clone())),
                    [path, version] => Some(Target::Module(path.clone(), version.clone())),
                    _ => None,
                };
                match (left, target) {
                    ([path], Some(target)) | ([path, _], Some(target)) => {
                        replaces.entry(path.clone()).or_default().push(Replace {
                            version: left.get(1).cloned(),
                            target,
                        });
                    }
                    _ => bad(
                        &mut parsed,
                        "`<module> [version] => <module> <version>` or `=> <directory>`",
                    ),
                }
            }
            // Exclusions and retractions only steer version selection; the chosen versions are
            // already in `require`. The other directives name no module.
            _ => {}
        }
    }
    if let Some((verb, line)) = block {
        parsed.diagnostics.push(Diagnostic::error(
            loc(line),
            format!("`{verb} (` block is never closed; expected a `)` line"),
        ));
        parsed.incomplete = Some("the file ends inside a block".into());
    }

    let go_sum = (input.sibling)("go.sum");
    let sums = go_sum.as_deref().map(read_go_sum);
    let sum_of = |path: &str, version: &str| -> Option<Hash> {
        let b64 = sums.as_ref()?.get(&(path, version))?;
        Hash::from_sri(&format!("sha256-{b64}"))
    };

    if let Some((path, line)) = &module {
        let (ns, name) = split_path(path);
        let mut root = Component::new(Ecosystem::Go, ns, name, None, loc(*line));
        root.id = path.clone();
        root.kind = ComponentKind::Application;
        root.properties
            .insert("proven:origin".into(), "path".into());
        parsed.root = Some(root.id.clone());
        parsed.components.push(root);
    }

    for r in &requires {
        let id = format!("{} {}", r.path, r.version);
        let rule = replaces.get(&r.path).and_then(|rules| {
            rules
                .iter()
                .find(|x| x.version.as_deref() == Some(r.version.as_str()))
                .or_else(|| rules.iter().find(|x| x.version.is_none()))
        });
        let mut c = match rule.map(|x| &x.target) {
            None => {
                let (ns, name) = split_path(&r.path);
                let mut c = Component::new(Ecosystem::Go, ns, name, Some(&r.version), loc(r.line));
                c.properties
                    .insert("proven:origin".into(), "registry".into());
                c.hashes.extend(sum_of(&r.path, &r.version));
                c
            }
            Some(Target::Module(path, version)) => {
                let (ns, name) = split_path(path);
                let mut c = Component::new(Ecosystem::Go, ns, name, Some(version), loc(r.line));
                c.properties
                    .insert("proven:origin".into(), "registry".into());
                c.properties.insert(
                    "proven:replaces".into(),
                    format!("{}@{}", r.path, r.version),
                );
                c.hashes.extend(sum_of(path, version));
                c
            }
            Some(Target::Dir(dir)) => {
                let (ns, name) = split_path(&r.path);
                let mut c = Component::new(Ecosystem::Go, ns, name, None, loc(r.line));
                c.properties.insert("proven:origin".into(), "path".into());
                c.properties.insert(
                    "proven:replaces".into(),
                    format!("{}@{}", r.path, r.version),
                );
                c.source = Some(dir.clone());
                c
            }
        };
        c.id = id;
        if !r.indirect {
            parsed.direct.push(c.id.clone());
            if let Some(root) = &parsed.root {
                parsed.edges.push((root.clone(), c.id.clone()));
            }
        }
        parsed.components.push(c);
    }

    if let Some(v) = go_version {
        // Before Go 1.17 a go.mod lists only the modules the main module needs directly, plus a
        // few indirect ones; the rest of the build list comes from dependencies' go.mod files.
        if older_than_1_17(&v) {
            parsed.incomplete = parsed.incomplete.or(Some(format!(
                "go {v} predates Go 1.17: go.mod does not list every indirect dependency"
            )));
        }
        parsed.format = format!("go.mod (go {v})");
    }
    Ok(parsed)
}

/// `(namespace, name)`: everything before the last `/`, and the last element.
pub(super) fn split_path(path: &str) -> (Option<&str>, &str) {
    match path.rsplit_once('/') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, path),
    }
}

fn older_than_1_17(v: &str) -> bool {
    let mut parts = v.split('.');
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().ok()
    });
    matches!((major, minor), (Some(1), Some(m)) if m < 17)
}

/// `(module, version) → base64 h1 digest` of module zips; `/go.mod` lines are skipped.
fn read_go_sum(text: &str) -> HashMap<(&str, &str), &str> {
    let mut out = HashMap::new();
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(path), Some(version), Some(hash)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if version.ends_with("/go.mod") {
            continue;
        }
        if let Some(b64) = hash.strip_prefix("h1:") {
            out.insert((path, version), b64);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_comments() {
        let (t, c) = tokenize("\tgithub.com/a/b v1.0.0 // indirect");
        assert_eq!(t, ["github.com/a/b", "v1.0.0"]);
        assert_eq!(c, Some("indirect"));
        let (t, _) = tokenize(r#"module "example.com/q\"x""#);
        assert_eq!(t, ["module", "example.com/q\"x"]);
        let (t, _) = tokenize("replace a => ../b");
        assert_eq!(t, ["replace", "a", "=>", "../b"]);
        assert!(older_than_1_17("1.16"));
        assert!(!older_than_1_17("1.22.5"));
    }
}
