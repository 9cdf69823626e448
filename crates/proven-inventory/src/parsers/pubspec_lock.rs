//! Dart's `pubspec.lock`, written by `dart pub get` and `flutter pub get`.
//!
//! One component per entry of `packages`. `dependency` says why a package is there: `direct main`,
//! `direct dev`, `direct overridden` (a `dependency_overrides` entry) or `transitive`; only `direct
//! dev` is dev. The file records no edges, so a transitive package reached only from dev
//! dependencies stays required: telling it apart needs every package's own pubspec, which pub reads
//! while resolving but does not keep in the lockfile.
//!
//! `source` says where a package comes from: `hosted` (a pub server; `description.sha256` is the
//! SHA-256 of the archive), `git` (`resolved-ref` is the commit), `path` (a folder on disk) or `sdk`
//! (`flutter`, `flutter_test`, ...: packages that ship inside the Flutter or Dart SDK and are never
//! downloaded). SDK packages are kept, with origin `sdk`, so the SBOM shows what the app takes from
//! the SDK while the vulnerability matcher, which only matches registry packages, leaves them alone.
//! The lockfile does not name the project itself (its `pubspec.yaml` does), so there is no root.

use proven_model::{Component, Diagnostic, Ecosystem, Hash, HashAlg, Location, Scope};

use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::yaml::{self, Node};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "pubspec-lock",
    ecosystem: Ecosystem::Pub,
    matches: |name| name == "pubspec.lock",
    parse,
    at_path: None,
    binary: false,
};

/// The public pub server, under its current and its former name; other servers go in the purl.
const PUB_DEV: &[&str] = &[
    "https://pub.dev",
    "https://pub.dartlang.org",
    "https://pub.dev/",
    "https://pub.dartlang.org/",
];

const EXPECTED: &str = "a pubspec.lock YAML mapping with `packages`";

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let docs = yaml::parse(input.text)
        .map_err(|e| ParseFailure::at(e.line, format!("{}; expected {EXPECTED}", e.message)))?;
    let root = docs
        .first()
        .filter(|d| matches!(d, Node::Map(_)))
        .ok_or_else(|| ParseFailure::at(1, format!("expected {EXPECTED}")))?;
    let packages = root
        .entries()
        .iter()
        .find(|e| e.key == "packages")
        .ok_or_else(|| ParseFailure::at(1, format!("no `packages` key; expected {EXPECTED}")))?;
    let loc = |line: u32| Location {
        path: input.path.to_string(),
        line: Some(line),
        column: None,
    };
    let mut parsed = Parsed {
        format: "pubspec.lock".into(),
        ..Parsed::default()
    };
    match &packages.value {
        Node::Map(_) => {}
        // `packages:` with nothing after it: no dependencies (pub itself writes `packages: {}`).
        scalar @ Node::Scalar { .. } if scalar.as_str().is_none() => return Ok(parsed),
        _ => {
            return Err(ParseFailure::at(
                packages.line,
                format!("`packages` is not a mapping; expected {EXPECTED}"),
            ))
        }
    }

    for (i, entry) in packages.value.entries().iter().enumerate() {
        let name = entry.key.as_str();
        let pkg = &entry.value;
        if !matches!(pkg, Node::Map(_)) || name.is_empty() {
            parsed.diagnostics.push(Diagnostic::error(
                loc(entry.line),
                format!("package `{name}` is not a mapping; expected `dependency`, `description`, `source` and `version`"),
            ));
            parsed.incomplete = Some("a package entry could not be read".into());
            continue;
        }
        let text = |key: &str| pkg.get(key).and_then(Node::as_str);
        let version = text("version");
        if version.is_none() {
            parsed.diagnostics.push(Diagnostic::warning(
                loc(entry.line),
                format!("package `{name}` has no `version`"),
            ));
        }
        let mut c = Component::new(Ecosystem::Pub, None, name, version, loc(entry.line));
        c.id = format!("{name}@{} #{i}", version.unwrap_or(""));
        match text("dependency") {
            Some("direct dev") => c.scope = Scope::Dev,
            Some("direct main" | "direct overridden" | "transitive") => {}
            other => parsed.diagnostics.push(Diagnostic::warning(
                loc(entry.line),
                format!(
                    "package `{name}` has dependency {}; expected `direct main`, `direct dev`, `direct overridden` or `transitive`",
                    other.map_or("(none)".to_string(), |o| format!("`{o}`"))
                ),
            )),
        }
        if text("dependency").is_some_and(|d| d.starts_with("direct ")) {
            parsed.direct.push(c.id.clone());
        }
        let description = pkg.get("description");
        let desc = |key: &str| description.and_then(|d| d.get(key)).and_then(Node::as_str);
        match text("source") {
            Some("hosted") => {
                c.properties
                    .insert("proven:origin".into(), "registry".into());
                let url = desc("url").unwrap_or("https://pub.dev");
                if !PUB_DEV.contains(&url) {
                    c.purl = c
                        .purl
                        .take()
                        .map(|p| p.with_qualifier("repository_url", url));
                }
                c.source = Some(url.to_string());
                if let Some(sum) = desc("sha256") {
                    match Hash::from_hex(HashAlg::Sha256, sum) {
                        Some(h) => c.add_hash(h),
                        None => parsed.diagnostics.push(Diagnostic::warning(
                            loc(entry.line),
                            format!("sha256 of `{name}` is not a SHA-256 hex digest"),
                        )),
                    }
                }
            }
            Some("git") => {
                c.properties.insert("proven:origin".into(), "git".into());
                let url = desc("url").unwrap_or("");
                if let Some(commit) = desc("resolved-ref") {
                    c.properties
                        .insert("proven:vcs-reference".into(), commit.to_string());
                    c.purl = c
                        .purl
                        .take()
                        .map(|p| p.with_qualifier("vcs_url", &format!("git+{url}@{commit}")));
                }
                if let Some(sub) = desc("path").filter(|p| *p != ".") {
                    c.properties
                        .insert("proven:vcs-path".into(), sub.to_string());
                }
                c.source = (!url.is_empty()).then(|| url.to_string());
            }
            Some("path") => {
                c.properties.insert("proven:origin".into(), "path".into());
            }
            Some("sdk") => {
                c.properties.insert("proven:origin".into(), "sdk".into());
                if let Some(sdk) = description.and_then(Node::as_str) {
                    c.properties.insert("proven:sdk".into(), sdk.to_string());
                }
            }
            other => parsed.diagnostics.push(Diagnostic::warning(
                loc(entry.line),
                format!(
                    "package `{name}` has source {}; expected `hosted`, `git`, `path` or `sdk`",
                    other.map_or("(none)".to_string(), |o| format!("`{o}`"))
                ),
            )),
        }
        parsed.components.push(c);
    }
    Ok(parsed)
}
