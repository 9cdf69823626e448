//! apk-tools' installed database, `lib/apk/db/installed` (Alpine, and distributions built on apk).
//!
//! One component per package stanza (stanzas are separated by blank lines; each line is
//! `X:value`): `P` name, `V` version, `A` architecture, `o` origin (the source package Alpine's
//! advisories name), `L` licence, `m` maintainer, `c` the aports commit it was built from, `U`
//! the project's URL; `D` dependencies resolve against `P` names and `p` provides (`so:`, `cmd:`)
//! into edges. `F` folders with their `R` files tell which files the package owns; those another
//! parser reads (a Python dist-info, a JAR, a binary) are kept so the merge can mark them. The
//! distribution (purl `distro` qualifier, `proven:release` such as `v3.20`) comes from the root's
//! os-release at merge time.

use std::collections::HashMap;

use proven_model::{Component, Diagnostic, Ecosystem, Location, Purl};

use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::rootfs::{root_of, worth_owning, Facts, OwnedFile, PackageManager};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "apk-installed",
    ecosystem: Ecosystem::Alpine,
    matches: |_| false,
    parse,
    at_path: Some(|path| root_of(path, INSTALLED).is_some()),
    binary: false,
};

const INSTALLED: &str = "lib/apk/db/installed";

/// One stanza being read.
#[derive(Default)]
struct Stanza<'a> {
    line: u32,
    fields: Vec<(u8, &'a str)>,
    files: Vec<String>,
}

impl<'a> Stanza<'a> {
    fn get(&self, key: u8) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .filter(|v| !v.is_empty())
    }
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let root = root_of(input.path, INSTALLED)
        .ok_or_else(|| ParseFailure::at(1, "expected lib/apk/db/installed"))?;
    let mut parsed = Parsed {
        format: "apk installed database".into(),
        ..Parsed::default()
    };
    let mut stanzas: Vec<Stanza<'_>> = Vec::new();
    let mut current: Option<Stanza<'_>> = None;
    let mut folder = String::new();
    for (n, line) in input.text.lines().enumerate() {
        let n = u32::try_from(n + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            stanzas.extend(current.take());
            folder.clear();
            continue;
        }
        let (key, value) = match line.as_bytes() {
            [k, b':', ..] if k.is_ascii_alphabetic() => (*k, &line[2..]),
            _ => {
                parsed.diagnostics.push(Diagnostic::error(
                    Location::line(input.path, n),
                    format!(
                        "`{}` is not an apk database line; expected `X:value`",
                        super::dpkg::truncate(line)
                    ),
                ));
                parsed.incomplete = Some("some lines could not be read".into());
                continue;
            }
        };
        let stanza = current.get_or_insert_with(|| Stanza {
            line: n,
            ..Stanza::default()
        });
        match key {
            b'F' => value.clone_into(&mut folder),
            b'R' => {
                let path = if folder.is_empty() {
                    format!("/{value}")
                } else {
                    format!("/{folder}/{value}")
                };
                if worth_owning(&path) {
                    stanza.files.push(path);
                }
            }
            // File and folder attributes and checksums: not needed for the inventory.
            b'a' | b'M' | b'Z' => {}
            _ => stanza.fields.push((key, value)),
        }
    }
    stanzas.extend(current);
    if stanzas.is_empty() && !input.text.trim().is_empty() {
        return Err(ParseFailure::at(
            1,
            "no package stanza; expected `P:name` lines",
        ));
    }

    let mut provides: HashMap<&str, String> = HashMap::new();
    let mut owned = Vec::new();
    let mut depends: Vec<(String, &str)> = Vec::new();
    for s in &stanzas {
        let (Some(name), Some(version)) = (s.get(b'P'), s.get(b'V')) else {
            parsed.diagnostics.push(Diagnostic::error(
                Location::line(input.path, s.line),
                "package stanza without `P:` name or `V:` version; expected both",
            ));
            parsed.incomplete = Some("a package stanza has no name or version".into());
            continue;
        };
        let arch = s.get(b'A').unwrap_or("");
        let mut c = Component::new(
            Ecosystem::Alpine,
            None,
            name,
            Some(version),
            Location::line(input.path, s.line),
        );
        c.purl = Some(
            Purl::new("apk", Some("alpine"), name, Some(version)).with_qualifier("arch", arch),
        );
        c.id = name.to_string();
        c.licenses.declared = s.get(b'L').map(str::to_string);
        c.author = s.get(b'm').map(str::to_string);
        c.source = s.get(b'U').map(str::to_string);
        c.properties.insert(
            "proven:source-package".into(),
            s.get(b'o').unwrap_or(name).to_string(),
        );
        c.properties
            .insert("proven:source-version".into(), version.to_string());
        if let Some(commit) = s.get(b'c') {
            c.properties
                .insert("proven:apk-commit".into(), commit.to_string());
        }
        provides.insert(name, c.id.clone());
        for p in s.get(b'p').into_iter().flat_map(str::split_whitespace) {
            provides.insert(dependency_name(p), c.id.clone());
        }
        if let Some(d) = s.get(b'D') {
            depends.push((c.id.clone(), d));
        }
        owned.extend(s.files.iter().map(|path| OwnedFile {
            package: name.to_string(),
            arch: Some(arch.to_string()).filter(|a| !a.is_empty()),
            path: path.clone(),
        }));
        parsed.components.push(c);
    }
    for (from, deps) in depends {
        for d in deps.split_whitespace().filter(|d| !d.starts_with('!')) {
            if let Some(to) = provides.get(dependency_name(d)) {
                if *to != from {
                    parsed.edges.push((from.clone(), to.clone()));
                }
            }
        }
    }
    parsed.installed = Some(Facts {
        root,
        packages: Some(PackageManager::Apk),
        owned,
        ..Facts::default()
    });
    Ok(parsed)
}

/// The name of a dependency or provide: `so:libc.musl-x86_64.so.1=1` → `so:libc.musl-x86_64.so.1`,
/// `busybox>=1.36` → `busybox`.
fn dependency_name(d: &str) -> &str {
    let end = d.find(['=', '<', '>', '~']).unwrap_or(d.len());
    &d[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_names() {
        assert_eq!(
            dependency_name("so:libc.musl-x86_64.so.1=1"),
            "so:libc.musl-x86_64.so.1"
        );
        assert_eq!(dependency_name("busybox>=1.36"), "busybox");
        assert_eq!(dependency_name("musl"), "musl");
    }
}
