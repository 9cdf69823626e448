//! Java archives: `*.jar`, `*.war`, `*.ear`, and the archives nested one level inside them
//! (`BOOT-INF/lib/`, `WEB-INF/lib/`, `lib/`).
//!
//! Every `META-INF/maven/<groupId>/<artifactId>/pom.properties` is one component (a shaded jar
//! carries several). An archive with none is named from `META-INF/MANIFEST.MF`
//! (`Implementation-Title`/`-Version`, else `Bundle-SymbolicName`/`Bundle-Version`), marked
//! `proven:confidence=low` since a manifest title is not a Maven coordinate. An archive with
//! neither gets a note. When an archive holds exactly one component its SHA-256 is the
//! component's hash.

use std::io::{Cursor, Read};

use proven_model::{Component, Diagnostic, Ecosystem, Hash, HashAlg, Location};
use sha2::{Digest, Sha256};

use super::{Input, ParseFailure, Parsed, ParserDef};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "jar",
    ecosystem: Ecosystem::Maven,
    matches: |_| false,
    parse,
    at_path: Some(is_archive),
    binary: true,
};

fn is_archive(path: &str) -> bool {
    [".jar", ".war", ".ear"].iter().any(|e| path.ends_with(e))
}

/// Text entries larger than this (`pom.properties`, `MANIFEST.MF`) are not read.
const MAX_TEXT: u64 = 1 << 20;
/// Nested archives larger than this are not opened.
const MAX_NESTED: u64 = 256 << 20;

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let mut parsed = Parsed {
        format: "Java archive".into(),
        ..Parsed::default()
    };
    let nested = archive(input.path, None, input.bytes, &mut parsed).map_err(|e| ParseFailure {
        line: None,
        message: format!("{e}; expected a zip archive"),
    })?;
    for (entry, bytes) in nested {
        if let Err(e) = archive(input.path, Some(&entry), &bytes, &mut parsed) {
            parsed.diagnostics.push(Diagnostic::warning(
                Location::file(input.path),
                format!("nested archive {entry}: {e}; expected a zip archive"),
            ));
        }
    }
    Ok(parsed)
}

/// Reads one archive's components into `parsed`; returns the nested archives to read (only for
/// the outer one).
fn archive(
    path: &str,
    inner: Option<&str>,
    bytes: &[u8],
    parsed: &mut Parsed,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut poms = Vec::new();
    let mut manifest = None;
    let mut nested = Vec::new();
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else {
            continue;
        };
        let name = entry.name().to_string();
        let is_pom = name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties");
        let is_manifest = name == "META-INF/MANIFEST.MF";
        let is_nested = inner.is_none() && is_archive(&name) && entry.size() <= MAX_NESTED;
        if !(is_pom || is_manifest || is_nested) {
            continue;
        }
        let limit = if is_nested { MAX_NESTED } else { MAX_TEXT };
        let mut data = Vec::new();
        if (&mut entry).take(limit).read_to_end(&mut data).is_err() {
            parsed.diagnostics.push(Diagnostic::warning(
                Location::file(path),
                format!("entry {name} could not be read; expected a readable zip entry"),
            ));
            continue;
        }
        if is_pom {
            poms.push((name, String::from_utf8_lossy(&data).into_owned()));
        } else if is_manifest {
            manifest = Some(String::from_utf8_lossy(&data).into_owned());
        } else {
            nested.push((name, data));
        }
    }
    let first = parsed.components.len();
    for (entry, text) in &poms {
        let props = properties(text);
        let get = |k: &str| props.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
        match (get("groupId"), get("artifactId"), get("version")) {
            (Some(g), Some(a), Some(v)) => {
                let mut c = maven(path, inner, Some(g), a, v);
                c.properties
                    .insert("proven:identified-by".into(), entry.clone());
                parsed.components.push(c);
            }
            _ => parsed.diagnostics.push(Diagnostic::warning(
                Location::file(path),
                format!("{entry} lacks groupId, artifactId or version; expected all three"),
            )),
        }
    }
    if poms.is_empty() {
        let fields = manifest.as_deref().map(manifest_fields).unwrap_or_default();
        let get = |k: &str| {
            fields
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        let named = get("Implementation-Title")
            .zip(get("Implementation-Version"))
            .or_else(|| {
                get("Bundle-SymbolicName")
                    .map(|n| n.split(';').next().unwrap_or(n).trim())
                    .zip(get("Bundle-Version"))
            });
        match named {
            Some((title, version)) => {
                let group = get("Implementation-Vendor-Id");
                let mut c = maven(path, inner, group, title, version);
                c.properties
                    .insert("proven:identified-by".into(), "META-INF/MANIFEST.MF".into());
                c.properties
                    .insert("proven:confidence".into(), "low".into());
                parsed.components.push(c);
            }
            None => parsed.diagnostics.push(Diagnostic::note(
                Location::file(path),
                format!(
                    "{}: no pom.properties and no name and version in MANIFEST.MF; the archive is not identified",
                    inner.unwrap_or("the archive")
                ),
            )),
        }
    }
    if parsed.components.len() == first + 1 {
        if let (Some(c), Some(h)) = (
            parsed.components.last_mut(),
            Hash::from_bytes(HashAlg::Sha256, &Sha256::digest(bytes)),
        ) {
            c.add_hash(h);
        }
    }
    Ok(nested)
}

fn maven(
    path: &str,
    inner: Option<&str>,
    group: Option<&str>,
    artifact: &str,
    version: &str,
) -> Component {
    let mut c = Component::new(
        Ecosystem::Maven,
        group,
        artifact,
        Some(version),
        Location::file(path),
    );
    c.id = format!("{}:{artifact}:{version}", group.unwrap_or(""));
    c.properties
        .insert("proven:origin".into(), "registry".into());
    if let Some(inner) = inner {
        c.properties
            .insert("proven:archive-path".into(), inner.to_string());
    }
    c
}

/// Java `.properties` lines: `key=value` or `key: value`, `#`/`!` comments.
fn properties(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(['#', '!']))
        .filter_map(|l| {
            let at = l.find(['=', ':'])?;
            Some((l[..at].trim(), l[at + 1..].trim()))
        })
        .collect()
}

/// `MANIFEST.MF` main section: `Name: value`, continuation lines start with one space.
fn manifest_fields(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        if let Some(more) = line.strip_prefix(' ') {
            if let Some((_, v)) = out.last_mut() {
                v.push_str(more);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_and_manifests() {
        let p =
            properties("#Generated\ngroupId=org.slf4j\nartifactId : slf4j-api\nversion=2.0.9\n");
        assert_eq!(
            p,
            [
                ("groupId", "org.slf4j"),
                ("artifactId", "slf4j-api"),
                ("version", "2.0.9")
            ]
        );
        let m = manifest_fields(
            "Manifest-Version: 1.0\r\nImplementation-Title: very-long-na\r\n me\r\n\r\nName: x\r\n",
        );
        assert_eq!(
            m[1],
            (
                "Implementation-Title".to_string(),
                "very-long-name".to_string()
            )
        );
        assert_eq!(m.len(), 2, "stops at the main section's end");
    }
}
