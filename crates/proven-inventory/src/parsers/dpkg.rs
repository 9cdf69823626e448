//! The dpkg database: `var/lib/dpkg/status`, distroless `var/lib/dpkg/status.d/<package>` files,
//! and the `var/lib/dpkg/info/<package>.list` file lists.
//!
//! Counted as one component per installed package: a status paragraph whose `Status` ends in
//! `installed` (or `triggers-pending`/`triggers-awaited`, whose files are all in place);
//! `config-files`, `half-installed` and `unpacked` packages are left out. Distroless `status.d`
//! files carry the package's control paragraph, often without `Status`: they are installed.
//! `Source: name (version)` gives `proven:source-package` and `proven:source-version` (Debian's
//! advisories name source packages at source versions). `Depends`/`Pre-Depends` give edges to the
//! installed packages (or those that `Provides` a virtual name). The distribution (ecosystem,
//! purl namespace, `distro` qualifier, release) is set by the merge from the root's os-release.
//! A `.list` file names no component: it tells which of its package's files another parser reads
//! (a Python dist-info, a JAR, a binary), so that those are marked as the package's.

use std::collections::HashMap;

use proven_model::{Component, Diagnostic, Ecosystem, Location, Purl};

use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::rootfs::{root_of, worth_owning, Facts, OwnedFile, PackageManager};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "dpkg-status",
    ecosystem: Ecosystem::Debian,
    matches: |_| false,
    parse,
    at_path: Some(|path| status_root(path).is_some()),
    binary: false,
};

pub(super) static LIST_PARSER: ParserDef = ParserDef {
    name: "dpkg-list",
    ecosystem: Ecosystem::Debian,
    matches: |_| false,
    parse: parse_list,
    at_path: Some(|path| list_of(path).is_some()),
    binary: false,
};

const STATUS: &str = "var/lib/dpkg/status";
const STATUS_D: &str = "var/lib/dpkg/status.d/";
const INFO: &str = "var/lib/dpkg/info/";

/// The root of a status file, and whether it is a distroless `status.d` one.
fn status_root(path: &str) -> Option<(String, bool)> {
    if let Some(root) = root_of(path, STATUS) {
        return Some((root, false));
    }
    let (dir, name) = path.rsplit_once('/')?;
    if name.is_empty() || name.starts_with('.') || name.ends_with(".md5sums") {
        return None;
    }
    let root = root_of(&format!("{dir}/"), STATUS_D)?;
    Some((root, true))
}

/// The root and package (`libc6:amd64`) of an `info/<package>.list` file.
fn list_of(path: &str) -> Option<(String, &str)> {
    let (dir, name) = path.rsplit_once('/')?;
    let package = name.strip_suffix(".list")?;
    let root = root_of(&format!("{dir}/"), INFO)?;
    (!package.is_empty()).then_some((root, package))
}

/// One `Field: value` of a paragraph, continuation lines joined with `\n`.
struct Field<'a> {
    name: &'a str,
    value: String,
    line: u32,
}

/// A paragraph of a deb822 file: its fields and first line.
pub(super) struct Paragraph<'a> {
    fields: Vec<Field<'a>>,
    pub(super) line: u32,
}

impl Paragraph<'_> {
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value.as_str())
    }

    fn line_of(&self, name: &str) -> u32 {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .map_or(self.line, |f| f.line)
    }
}

/// Splits deb822 text (dpkg status, control files) into paragraphs. Lines that are neither a
/// field nor a continuation give a diagnostic and are skipped.
pub(super) fn paragraphs<'a>(
    input: &Input<'a>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Paragraph<'a>> {
    let mut out: Vec<Paragraph<'a>> = Vec::new();
    let mut current: Option<Paragraph<'a>> = None;
    for (n, line) in input.text.lines().enumerate() {
        let n = u32::try_from(n + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match current.as_mut().and_then(|p| p.fields.last_mut()) {
                Some(f) => {
                    f.value.push('\n');
                    f.value.push_str(line.trim());
                }
                None => diagnostics.push(Diagnostic::error(
                    Location::line(input.path, n),
                    "continuation line with no field before it; expected `Field: value`",
                )),
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let Some((name, value)) = line
            .split_once(':')
            .filter(|(k, _)| !k.is_empty() && !k.contains(' '))
        else {
            diagnostics.push(Diagnostic::error(
                Location::line(input.path, n),
                format!(
                    "`{}` is not a field; expected `Field: value`",
                    truncate(line)
                ),
            ));
            continue;
        };
        let p = current.get_or_insert_with(|| Paragraph {
            fields: Vec::new(),
            line: n,
        });
        p.fields.push(Field {
            name,
            value: value.trim().to_string(),
            line: n,
        });
    }
    out.extend(current);
    out
}

/// At most 60 characters of a line, for messages.
pub(super) fn truncate(s: &str) -> &str {
    match s.char_indices().nth(60) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// `glibc (2.36-9+deb12u7)` → (`glibc`, `Some("2.36-9+deb12u7")`).
fn source_field(s: &str) -> (&str, Option<&str>) {
    match s.split_once('(') {
        Some((name, rest)) => (
            name.trim(),
            rest.split(')')
                .next()
                .map(str::trim)
                .filter(|v| !v.is_empty()),
        ),
        None => (s.trim(), None),
    }
}

/// Whether a `Status` value is a package whose files are all in place.
fn is_installed(status: &str) -> bool {
    matches!(
        status.split_whitespace().nth(2),
        Some("installed" | "triggers-pending" | "triggers-awaited")
    )
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let (root, distroless) = status_root(input.path)
        .ok_or_else(|| ParseFailure::at(1, "expected a dpkg status file under var/lib/dpkg"))?;
    let mut parsed = Parsed {
        format: if distroless {
            "dpkg status.d"
        } else {
            "dpkg status"
        }
        .into(),
        ..Parsed::default()
    };
    let paragraphs = paragraphs(input, &mut parsed.diagnostics);
    if paragraphs.is_empty() && !input.text.trim().is_empty() {
        return Err(ParseFailure::at(
            1,
            "no `Package:` paragraph; expected a dpkg status file",
        ));
    }
    // name → local ids (several architectures of one package), and virtual names → providers.
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    let mut depends: Vec<(String, String, u32)> = Vec::new();
    for p in &paragraphs {
        let Some(name) = p.get("Package").filter(|n| !n.is_empty()) else {
            parsed.diagnostics.push(Diagnostic::error(
                Location::line(input.path, p.line),
                "paragraph without `Package:`; expected one per package",
            ));
            parsed.incomplete = Some("a paragraph names no package".into());
            continue;
        };
        match p.get("Status") {
            Some(s) if !is_installed(s) => continue,
            None if !distroless => {
                parsed.diagnostics.push(Diagnostic::warning(
                    Location::line(input.path, p.line),
                    format!("package `{name}` has no `Status:`; expected `Status: install ok installed`, taken as installed"),
                ));
            }
            _ => {}
        }
        let Some(version) = p.get("Version").filter(|v| !v.is_empty()) else {
            parsed.diagnostics.push(Diagnostic::error(
                Location::line(input.path, p.line),
                format!("installed package `{name}` has no `Version:`; expected one"),
            ));
            parsed.incomplete = Some(format!("package `{name}` has no version"));
            continue;
        };
        let arch = p.get("Architecture").unwrap_or("");
        let location = Location::line(input.path, p.line);
        let mut c = Component::new(Ecosystem::Debian, None, name, Some(version), location);
        c.purl = Some(
            Purl::new("deb", Some("debian"), name, Some(version)).with_qualifier("arch", arch),
        );
        c.id = format!("{name}:{arch}");
        let (source, source_version) = p.get("Source").map_or((name, None), source_field);
        c.properties
            .insert("proven:source-package".into(), source.to_string());
        c.properties.insert(
            "proven:source-version".into(),
            source_version.unwrap_or(version).to_string(),
        );
        if let Some(m) = p.get("Multi-Arch") {
            c.properties
                .insert("proven:multi-arch".into(), m.to_string());
        }
        c.author = p.get("Maintainer").map(str::to_string);
        by_name
            .entry(name.to_string())
            .or_default()
            .push(c.id.clone());
        for provided in p.get("Provides").into_iter().flat_map(relation_names) {
            by_name
                .entry(provided.to_string())
                .or_default()
                .push(c.id.clone());
        }
        for field in ["Pre-Depends", "Depends"] {
            if let Some(v) = p.get(field) {
                depends.push((c.id.clone(), v.to_string(), p.line_of(field)));
            }
        }
        parsed.components.push(c);
    }
    for (from, relations, _) in &depends {
        for alternatives in relations.split(',') {
            let target = alternatives
                .split('|')
                .filter_map(|alt| relation_names(alt).next())
                .find_map(|n| by_name.get(n).and_then(|ids| ids.first()));
            if let Some(to) = target {
                parsed.edges.push((from.clone(), to.clone()));
            }
        }
    }
    parsed.installed = Some(Facts {
        root,
        packages: Some(PackageManager::Dpkg),
        ..Facts::default()
    });
    Ok(parsed)
}

/// The package names of a relation list: `libc6 (>= 2.34), perl:any | foo` → `libc6`, `perl`,
/// `foo`.
fn relation_names(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', '|']).filter_map(|rel| {
        let name = rel.trim().split([' ', '(', '[', '<']).next()?;
        let name = name.split(':').next()?;
        (!name.is_empty()).then_some(name)
    })
}

fn parse_list(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let (root, key) = list_of(input.path)
        .ok_or_else(|| ParseFailure::at(1, "expected a dpkg file list under var/lib/dpkg/info"))?;
    let (package, arch) = match key.split_once(':') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (key, None),
    };
    let owned = input
        .text
        .lines()
        .filter(|l| worth_owning(l))
        .map(|l| OwnedFile {
            package: package.to_string(),
            arch: arch.clone(),
            path: l.to_string(),
        })
        .collect();
    Ok(Parsed {
        format: "dpkg file list".into(),
        not_a_manifest: true,
        installed: Some(Facts {
            root,
            owned,
            ..Facts::default()
        }),
        ..Parsed::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            status_root("var/lib/dpkg/status"),
            Some((String::new(), false))
        );
        assert_eq!(
            status_root("r/var/lib/dpkg/status.d/base-files"),
            Some(("r/".into(), true))
        );
        assert_eq!(
            status_root("var/lib/dpkg/status.d/base-files.md5sums"),
            None
        );
        assert_eq!(status_root("var/lib/dpkg/status-old"), None);
        assert_eq!(
            list_of("var/lib/dpkg/info/libc6:amd64.list"),
            Some((String::new(), "libc6:amd64"))
        );
        assert_eq!(list_of("var/lib/dpkg/info/libc6.md5sums"), None);
    }

    #[test]
    fn relations() {
        let names: Vec<&str> =
            relation_names("libc6 (>= 2.34), perl:any | foo [amd64], bar <!nocheck>").collect();
        assert_eq!(names, ["libc6", "perl", "foo", "bar"]);
        assert_eq!(source_field("glibc (2.36-9)"), ("glibc", Some("2.36-9")));
        assert_eq!(source_field("openssl"), ("openssl", None));
    }
}
