//! `Cargo.lock`, versions 1 to 4.
//!
//! Counted as one component per `[[package]]` entry. Workspace members (no `source`) are
//! first-party; the package named in a sibling `Cargo.toml` is the root.

use std::borrow::Cow;
use std::collections::HashMap;

use proven_model::{Component, ComponentKind, Diagnostic, Ecosystem, Hash, HashAlg, Location};
use serde::Deserialize;

use super::cargo_manifest::{self, Manifest};
use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::text::LineIndex;
use crate::walk::Detail;

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

/// Strings borrow from the file where the line reader reads it; the TOML parser's are owned.
#[derive(Debug, Default, PartialEq, Deserialize)]
struct Lock<'a> {
    version: Option<u32>,
    #[serde(default, borrow)]
    package: Vec<Package<'a>>,
    #[serde(default)]
    metadata: HashMap<String, toml::Value>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Package<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    version: Cow<'a, str>,
    #[serde(borrow)]
    source: Option<Cow<'a, str>>,
    #[serde(borrow)]
    checksum: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    dependencies: Vec<Cow<'a, str>>,
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let (lock, header_lines) = read_lock(input.text)
        .map_err(|e| ParseFailure::toml(input.text, &e, "a Cargo.lock with [[package]] tables"))?;
    let format_version = lock
        .version
        .unwrap_or(if lock.metadata.is_empty() { 2 } else { 1 });
    let mut parsed = Parsed {
        format: format!("Cargo.lock v{format_version}"),
        ..Parsed::default()
    };
    let packages = &lock.package;
    let location = |i: usize| Location {
        path: input.path.to_string(),
        line: header_lines.get(i).copied(),
        column: None,
    };

    // Local ids are package positions: short to hash and copy, and unique in the file.
    let ids: Vec<String> = (0..packages.len()).map(|i| i.to_string()).collect();
    let by_name = ByName::new(packages);

    parsed.components.reserve_exact(packages.len());
    for (i, p) in packages.iter().enumerate() {
        let mut c = Component::new(
            Ecosystem::Cargo,
            None,
            &p.name,
            Some(&p.version),
            location(i),
        );
        c.id = ids[i].clone();
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
        let checksum = p.checksum.as_deref().or_else(|| {
            let k = format!(
                "checksum {} {} ({})",
                p.name,
                p.version,
                p.source.as_deref()?
            );
            lock.metadata.get(&k)?.as_str()
        });
        if let Some(sum) = checksum {
            match Hash::from_hex(HashAlg::Sha256, sum) {
                Some(h) => c.add_hash(h),
                None => parsed.diagnostics.push(Diagnostic::warning(
                    location(i),
                    format!(
                        "checksum of {} {} is not a SHA-256 hex digest",
                        p.name, p.version
                    ),
                )),
            }
        }
        parsed.components.push(c);
    }

    let mut edges: Vec<(usize, usize)> =
        Vec::with_capacity(packages.iter().map(|p| p.dependencies.len()).sum());
    for (i, p) in packages.iter().enumerate() {
        for dep in &p.dependencies {
            match resolve(dep, packages, &by_name) {
                Some(j) => edges.push((i, j)),
                None => {
                    parsed.diagnostics.push(Diagnostic::error(
                        location(i),
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
    if input.detail == Detail::Full {
        parsed.edges = edges
            .iter()
            .map(|&(from, to)| (ids[from].clone(), ids[to].clone()))
            .collect();
    }

    let manifest = (input.sibling)("Cargo.toml").and_then(|t| cargo_manifest::read(&t));
    let is_member: Vec<bool> = packages.iter().map(|p| p.source.is_none()).collect();
    let root = manifest
        .as_ref()
        .and_then(|m| m.name.as_deref())
        .and_then(|name| (0..packages.len()).find(|&i| is_member[i] && packages[i].name == name));
    parsed.root = root.map(|i| ids[i].clone());
    // The project's direct dependencies are those of its workspace members.
    let mut direct: Vec<usize> = edges
        .iter()
        .filter(|&&(from, to)| is_member[from] && !is_member[to])
        .map(|&(_, to)| to)
        .collect();
    direct.sort_unstable();
    direct.dedup();
    parsed.direct = direct.into_iter().map(|i| ids[i].clone()).collect();
    if let (Some(root), Some(manifest)) = (root, &manifest) {
        let [required, dev] = scope_roots(packages, &edges, &is_member, root, manifest);
        let reached = crate::graph::reach(packages.len(), &edges, [&required, &[], &dev]);
        for (c, scope) in parsed.components.iter_mut().zip(reached) {
            if let Some(s) = scope {
                c.scope = s;
            }
        }
    }
    Ok(parsed)
}

/// Reads the lockfile: line by line when it has the shape cargo writes, else with the TOML parser
/// (which also gives the error, with its line, for a broken file).
/// Gives the lines of the `[[package]]` headers too, in package order.
fn read_lock(text: &str) -> Result<(Lock<'_>, Vec<u32>), toml::de::Error> {
    let Some((lock, headers)) = as_written_by_cargo(text) else {
        return Ok((toml::from_str(text)?, package_header_lines(text)));
    };
    debug_assert!(
        toml::from_str::<Lock>(text).is_ok_and(|parsed| parsed == lock)
            && headers == package_header_lines(text),
        "the line reader and the TOML parser disagree on {text:?}"
    );
    Ok((lock, headers))
}

fn package_header_lines(text: &str) -> Vec<u32> {
    let lines = LineIndex::new(text);
    text.match_indices("[[package]]")
        .filter(|(off, _)| *off == 0 || text.as_bytes()[off - 1] == b'\n')
        .map(|(off, _)| lines.line(off))
        .collect()
}

/// Cargo writes one shape: `version = N`, then `[[package]]` tables of `key = "value"` lines and
/// a `dependencies = [` array with one string per line, then (v1) a `[metadata]` table of quoted
/// keys. This reads exactly that shape and gives `None` at the first line that departs from it
/// (a comment after a value, an escape, an unknown key, a duplicate): the TOML parser then reads
/// the file, so the result never depends on which reader ran.
fn as_written_by_cargo(text: &str) -> Option<(Lock<'_>, Vec<u32>)> {
    #[derive(Default)]
    struct Fields<'a> {
        name: Option<Cow<'a, str>>,
        version: Option<Cow<'a, str>>,
        source: Option<Cow<'a, str>>,
        checksum: Option<Cow<'a, str>>,
        dependencies: Option<Vec<Cow<'a, str>>>,
    }
    fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
        slot.is_none().then(|| *slot = Some(value))
    }
    fn finish(fields: Fields<'_>) -> Option<Package<'_>> {
        Some(Package {
            name: fields.name?,
            version: fields.version?,
            source: fields.source,
            checksum: fields.checksum,
            dependencies: fields.dependencies.unwrap_or_default(),
        })
    }
    enum Table<'a> {
        Top,
        Package(Fields<'a>),
        Metadata,
    }

    if !clean(text) {
        return None;
    }
    // Sized up front: growing these copies them, and leaves their old blocks behind.
    let tables = memchr::memmem::find_iter(text.as_bytes(), b"[[package]]").count();
    let mut lock = Lock {
        package: Vec::with_capacity(tables),
        ..Lock::default()
    };
    let mut headers = Vec::with_capacity(tables);
    let mut table = Table::Top;
    let mut seen_metadata = false;
    let mut lines = numbered_lines(text);
    while let Some((line, number)) = lines.next() {
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            plain(comment)?;
            continue;
        }
        let header = match line {
            "[[package]]" => {
                headers.push(number);
                Some(Table::Package(Fields::default()))
            }
            "[metadata]" if !seen_metadata => {
                seen_metadata = true;
                Some(Table::Metadata)
            }
            _ => None,
        };
        if let Some(next) = header {
            if let Table::Package(fields) = std::mem::replace(&mut table, next) {
                lock.package.push(finish(fields)?);
            }
            continue;
        }
        match &mut table {
            Table::Top => {
                let digits = line.strip_prefix("version = ")?;
                let canonical = digits == "0" || !digits.starts_with('0');
                let number = digits.bytes().all(|b| b.is_ascii_digit()) && canonical;
                set(&mut lock.version, number.then(|| digits.parse().ok())??)?;
            }
            Table::Package(fields) => {
                let (key, value) = key_value(line, b' ')?;
                let slot = match key {
                    "name" => &mut fields.name,
                    "version" => &mut fields.version,
                    "source" => &mut fields.source,
                    "checksum" => &mut fields.checksum,
                    "dependencies" if value == "[" => {
                        set(&mut fields.dependencies, dependency_lines(&mut lines)?)?;
                        continue;
                    }
                    _ => return None,
                };
                set(slot, Cow::Borrowed(quoted(value)?))?;
            }
            Table::Metadata => {
                let rest = line.strip_prefix('"')?;
                let (key, value) = key_value(rest, b'"')?;
                let key = plain(key)?.to_string();
                let value = toml::Value::String(quoted(value)?.to_string());
                if lock.metadata.insert(key, value).is_some() {
                    return None;
                }
            }
        }
    }
    if let Table::Package(fields) = table {
        lock.package.push(finish(fields)?);
    }
    Some((lock, headers))
}

/// The lines of `text` without their `\n` or `\r\n`, numbered from 1. A CR only ends a line
/// before an LF: a bare one stays in its line, and is not TOML.
fn numbered_lines(text: &str) -> impl Iterator<Item = (&str, u32)> {
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    let mut start = 0;
    let mut number = 0u32;
    std::iter::from_fn(move || {
        let line = match ends.next() {
            Some(end) => {
                let line = &text[start..end];
                start = end + 1;
                line.strip_suffix('\r').unwrap_or(line)
            }
            None if start < text.len() => {
                let line = &text[start..];
                start = text.len();
                line
            }
            None => return None,
        };
        number = number.saturating_add(1);
        Some((line, number))
    })
}

/// `key = value`, the key ending at its first `end` (a space for a bare key, the closing quote of a
/// quoted one, which [`plain`] then checks holds no other).
fn key_value(line: &str, end: u8) -> Option<(&str, &str)> {
    // Keys are a few bytes long: a plain loop beats setting up a vector search.
    let at = line.bytes().position(|b| b == end)?;
    Some((
        &line[..at],
        line[at + 1..].strip_prefix(if end == b' ' { "= " } else { " = " })?,
    ))
}

/// The items of a multi-line string array, up to its `]` line; the last item's comma is optional.
fn dependency_lines<'a>(
    lines: &mut impl Iterator<Item = (&'a str, u32)>,
) -> Option<Vec<Cow<'a, str>>> {
    let mut items = Vec::new();
    let mut closed = false;
    for (line, _) in lines {
        let item = line.trim_start_matches(' ');
        if item == "]" {
            return Some(items);
        }
        if closed {
            return None;
        }
        let item = match item.strip_suffix(',') {
            Some(item) => item,
            None => {
                closed = true;
                item
            }
        };
        items.push(Cow::Borrowed(quoted(item)?));
    }
    None
}

/// The content of a `"..."` basic string that needs no unescaping.
fn quoted(value: &str) -> Option<&str> {
    plain(value.strip_prefix('"')?.strip_suffix('"')?)
}

/// Whether the whole file holds no backslash, DEL or control character other than a tab and the
/// line ends (a CR only before an LF): cargo writes no escapes, so then every string and comment
/// means itself once [`plain`] finds no quote in it. One pass the compiler vectorises.
fn clean(text: &str) -> bool {
    let bytes = text.as_bytes();
    let clean = bytes.iter().fold(true, |ok, &b| {
        ok & (b != b'\\') & (b != 0x7f) & ((b >= 0x20) | (b == b'\t') | (b == b'\n') | (b == b'\r'))
    });
    clean && memchr::memchr_iter(b'\r', bytes).all(|at| bytes.get(at + 1) == Some(&b'\n'))
}

/// Text of a [`clean`] file that means itself inside a basic string or comment: no quote.
fn plain(text: &str) -> Option<&str> {
    (!text.as_bytes().contains(&b'"')).then_some(text)
}

/// Finds the package a dependency string names: `name`, `name version` or `name version (source)`.
fn resolve<'a>(dep: &'a str, packages: &[Package<'_>], by_name: &ByName<'_>) -> Option<usize> {
    // Split at spaces byte by byte: these strings are short, and a char searcher costs more.
    let split = |s: &'a str| match s.bytes().position(|b| b == b' ') {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    let (name, rest) = split(dep);
    let (version, source) = match rest.map(split) {
        Some((version, source)) => (Some(version), source),
        None => (None, None),
    };
    let source = source.map(|s| s.trim_start_matches('(').trim_end_matches(')'));
    let mut hits = by_name.get(name).filter(|&i| {
        let p = &packages[i];
        version.is_none_or(|v| p.version == v)
            && source.is_none_or(|s| p.source.as_deref() == Some(s))
    });
    let first = hits.next()?;
    // An abbreviated reference must be unambiguous; v1 lockfiles always spell out the source.
    hits.next().is_none().then_some(first)
}

/// The positions of the packages of each name, without a list per name: the first position of
/// a name, and from each position the next one with its name.
struct ByName<'a> {
    first: foldhash::HashMap<&'a str, usize>,
    next: Vec<Option<usize>>,
}

impl<'a> ByName<'a> {
    fn new(packages: &'a [Package<'a>]) -> Self {
        let mut first = foldhash::HashMap::default();
        first.reserve(packages.len());
        let mut next = vec![None; packages.len()];
        // Backwards, so that each chain runs in file order.
        for (i, p) in packages.iter().enumerate().rev() {
            next[i] = first.insert(&*p.name, i);
        }
        ByName { first, next }
    }

    fn get(&self, name: &str) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.first.get(name).copied(), |&i| self.next[i])
    }
}

/// Cargo.lock does not say why a crate is there. The root's `[dev-dependencies]` (from Cargo.toml)
/// and what only they reach are dev; everything reached from other members or other dependencies
/// ships. Dev-dependencies of registry crates are never in a lockfile, so this is exact for a
/// single-package project.
///
/// Gives the positions of the packages from which everything reached ships, and of the root's
/// dev-dependencies; `edges` are `(from, to)` package positions.
fn scope_roots(
    packages: &[Package<'_>],
    edges: &[(usize, usize)],
    is_member: &[bool],
    root: usize,
    manifest: &Manifest,
) -> [Vec<usize>; 2] {
    let root_deps: Vec<usize> = edges
        .iter()
        .filter(|&&(from, _)| from == root)
        .map(|&(_, to)| to)
        .collect();
    let edge_to = |name: &str| {
        root_deps
            .iter()
            .copied()
            .find(|&to| packages[to].name == name)
    };
    let mut required: Vec<usize> = (0..packages.len())
        .filter(|&i| is_member[i] && i != root)
        .collect();
    required.extend(manifest.required.iter().filter_map(|n| edge_to(n)));
    let dev: Vec<usize> = manifest.dev.iter().filter_map(|n| edge_to(n)).collect();
    // Anything the root reaches that is not a dev-dependency ships.
    required.extend(root_deps.iter().filter(|to| !dev.contains(to)));
    [required, dev]
}

/// The file named `name` of each project in the shared corpus's Cargo folder (path, text), or
/// `None` when `PROVEN_TESTDATA` is not set. For this parser's tests and the manifest reader's.
#[cfg(test)]
pub(super) fn corpus_files(name: &str) -> Option<Vec<(std::path::PathBuf, String)>> {
    let Some(data) = std::env::var_os("PROVEN_TESTDATA") else {
        eprintln!("skipped: PROVEN_TESTDATA is not set (the shared lockfile corpus)");
        return None;
    };
    let dir = std::path::Path::new(&data).join("corpus/lockfiles/cargo");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .map(|project| project.expect("entry").path().join(name))
        .filter_map(|path| Some((path.clone(), std::fs::read_to_string(&path).ok()?)))
        .collect();
    assert!(!files.is_empty(), "no {name} under {}", dir.display());
    Some(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"itoa 1.0.11 (registry+https://github.com/rust-lang/crates.io-index)\",\n]\n\n[[package]]\nname = \"itoa\"\nversion = \"1.0.11\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[metadata]\n\"checksum itoa 1.0.11 (registry+https://github.com/rust-lang/crates.io-index)\" = \"49f1f14873335454500d59611f1cf4a4b0f786f9ac11f4312a78e4cf2566695b\"\n";

    /// A lockfile and the lines of its `[[package]]` headers.
    type Read<'a> = (Lock<'a>, Vec<u32>);

    /// What the line reader reads, and what the TOML parser does (with the header lines).
    fn both(text: &str) -> (Option<Read<'_>>, Read<'_>) {
        let parsed = toml::from_str::<Lock>(text).expect("valid TOML");
        (
            as_written_by_cargo(text),
            (parsed, package_header_lines(text)),
        )
    }

    #[test]
    fn cargo_written_files_are_read_line_by_line() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cargo-lock");
        let mut texts: Vec<String> = ["v3", "v4"]
            .iter()
            .map(|v| std::fs::read_to_string(dir.join(v).join("Cargo.lock")).expect("fixture"))
            .collect();
        texts.push(V1.to_string());
        texts.push(V1.replace('\n', "\r\n"));
        for text in &texts {
            let (lines, parsed) = both(text);
            assert_eq!(lines.as_ref(), Some(&parsed), "{text}");
            assert!(!parsed.0.package.is_empty());
        }
        let (v1, _) = both(V1);
        let (v1, headers) = v1.expect("v1 read");
        assert_eq!(headers, [1, 8]);
        assert_eq!(v1.package[0].dependencies.len(), 1);
        assert_eq!(v1.metadata.len(), 1);
    }

    #[test]
    fn every_corpus_cargo_lock_takes_the_line_reader() {
        for (path, text) in corpus_files("Cargo.lock").unwrap_or_default() {
            let (lines, parsed) = both(&text);
            assert_eq!(lines.as_ref(), Some(&parsed), "{}", path.display());
        }
    }

    #[test]
    fn a_clean_file_and_no_quote_make_a_plain_string() {
        // What a basic string or comment may hold unescaped: no quote, backslash, DEL or
        // control character but a tab. (A line never holds its LF.)
        let fine = |b: u8| !matches!(b, b'"' | b'\\' | 0x7f) && (b >= 0x20 || b == b'\t');
        for len in [1, 7, 8, 9, 16, 17, 40] {
            for at in 0..len {
                for b in (0..=0x7fu8).filter(|&b| b != b'\n') {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let text = String::from_utf8(bytes).expect("ASCII");
                    let plain_here = clean(&text) && plain(&text).is_some();
                    assert_eq!(plain_here, fine(b), "{b:#x} at {at} of {len}");
                }
            }
        }
        assert!(clean("a\r\nb\n") && !clean("a\rb\n") && !clean("a\r"));
        assert_eq!(plain("crates.io-index é\tä"), Some("crates.io-index é\tä"));
    }

    #[test]
    fn other_shapes_go_to_the_toml_parser() {
        let item = "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n";
        for (text, why) in [
            (
                format!("{item}source = \"x\" # c\n"),
                "comment after a value",
            ),
            (
                "[[package]]\nname = \"a\\u0041\"\nversion = \"1\"\n".into(),
                "escape",
            ),
            (format!("{item}name = \"b\"\n"), "duplicate key"),
            (
                format!("{item}replace = \"b\"\n"),
                "key cargo no longer writes",
            ),
            (
                format!("{item}dependencies = [\n \"b\"\n \"c\",\n]\n"),
                "missing comma",
            ),
            (format!("{item}dependencies = [\"b\"]\n"), "one-line array"),
            ("version = 04\n".into(), "not a TOML integer"),
            ("version = 3\nversion = 4\n".into(), "version twice"),
            ("version = 4\r".into(), "bare carriage return"),
            ("[metadata]\n[metadata]\n".into(), "table twice"),
            ("[[package]]\nversion = \"1.0.0\"\n".into(), "no name"),
            (format!("{item}[patch.unused]\n"), "unknown table"),
            (
                format!("{item}source = \"a\tb\x01\"\n"),
                "control character",
            ),
        ] {
            assert_eq!(as_written_by_cargo(&text), None, "{why}");
        }
        // The TOML parser still gives the verdict: the one-line array is fine, the duplicate not.
        let one_line = format!("{item}dependencies = [\"b\"]\n");
        assert_eq!(
            read_lock(&one_line).expect("valid").0.package[0].dependencies,
            ["b"]
        );
        assert!(read_lock(&format!("{item}name = \"b\"\n")).is_err());
    }
}
