//! Executables that record what they were built from: Go binaries (the `.go.buildinfo` section)
//! and Rust binaries built with cargo-auditable (the `.dep-v0` section). ELF only.
//!
//! Which files are looked at: the walk decides from the path alone, so only files whose name has
//! no `.` and that sit in a folder named `bin`, `sbin`, `libexec`, `app`, `opt` or `ko-app`, or
//! directly in the scan root (a scratch image's `/server`), are read; a file that is not ELF, or an
//! ELF without either section, lists nothing and gets no manifest entry. A source tree's scan thus
//! reads at most its few extension-less files at the top and in `bin/` folders.
//!
//! Go (`runtime/debug.BuildInfo`, written by the linker): a 32-byte header (`\xff Go buildinf:`,
//! pointer size, flags); Go 1.18 and later store the Go version and the module information inline
//! as varint-length strings after it, older linkers store two pointers to Go string headers
//! elsewhere in the data. The module information lists `path` (main package), `mod` (main
//! module), `dep` (module, version, `h1:` sum) and `=>` (replacement of the preceding `dep`).
//! Components: the main module (an application), every dependency (replacements applied: a
//! module replaced by a local folder is a `path` component), and `stdlib` at the Go version, as
//! OSV's Go database names the standard library.
//!
//! Rust (cargo-auditable): the section is zlib-compressed JSON
//! `{"packages":[{"name","version","source","kind","dependencies":[index…],"root"}]}`; `kind:
//! "build"` packages ran at build time only and are dev-scoped.

use std::io::Read;

use proven_model::{Component, ComponentKind, Diagnostic, Ecosystem, Hash, Location, Scope};
use serde::Deserialize;

use super::go_mod::split_path;
use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::elf::{read_uint, Elf};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "binary",
    ecosystem: Ecosystem::Generic,
    matches: |_| false,
    parse,
    at_path: Some(may_be_executable),
    binary: true,
};

const BIN_DIRS: &[&str] = &["bin", "sbin", "libexec", "app", "opt", "ko-app"];

fn may_be_executable(path: &str) -> bool {
    let (dir, name) = match path.rsplit_once('/') {
        Some(split) => split,
        None => return !path.contains('.') && !path.is_empty(),
    };
    !name.is_empty() && !name.contains('.') && dir.split('/').any(|d| BIN_DIRS.contains(&d))
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let mut parsed = Parsed {
        not_a_manifest: true,
        ..Parsed::default()
    };
    if !Elf::is_elf(input.bytes) {
        return Ok(parsed);
    }
    let elf = match Elf::parse(input.bytes) {
        Ok(elf) => elf,
        Err(e) => {
            parsed.diagnostics.push(Diagnostic::warning(
                Location::file(input.path),
                format!("{e}; expected an ELF executable"),
            ));
            return Ok(parsed);
        }
    };
    if let Some(section) = elf.section(".go.buildinfo") {
        parsed.format = "Go build info".into();
        match go_build_info(&elf, section) {
            Ok((go, modinfo)) => go_components(input.path, &go, &modinfo, &mut parsed),
            Err(e) => {
                parsed.diagnostics.push(Diagnostic::error(
                    Location::file(input.path),
                    format!("{e}; expected Go build information"),
                ));
                parsed.incomplete = Some("the Go build information could not be read".into());
            }
        }
    }
    if let Some(section) = elf.section(".dep-v0") {
        parsed.format = "cargo-auditable".into();
        if let Err(e) = rust_components(input.path, section, &mut parsed) {
            parsed.diagnostics.push(Diagnostic::error(
                Location::file(input.path),
                format!("{e}; expected cargo-auditable's compressed dependency list"),
            ));
            parsed.incomplete = Some("the cargo-auditable data could not be read".into());
        }
    }
    Ok(parsed)
}

const GO_MAGIC: &[u8] = b"\xff Go buildinf:";

/// The Go version and module information strings of a `.go.buildinfo` section.
fn go_build_info(elf: &Elf<'_>, data: &[u8]) -> Result<(String, String), String> {
    if data.get(..14) != Some(GO_MAGIC) {
        return Err("no `\\xff Go buildinf:` header".into());
    }
    let ptr_size = usize::from(*data.get(14).ok_or("truncated header")?);
    let flags = *data.get(15).ok_or("truncated header")?;
    let big_endian = flags & 1 != 0;
    let (version, modinfo) = if flags & 2 != 0 {
        // Go 1.18+: two varint-length-prefixed strings after the 32-byte header.
        let (version, at) = varint_string(data, 32).ok_or("truncated Go version")?;
        let (modinfo, _) = varint_string(data, at).ok_or("truncated module information")?;
        (version.to_vec(), modinfo.to_vec())
    } else {
        if ptr_size != 4 && ptr_size != 8 {
            return Err(format!("pointer size {ptr_size}"));
        }
        let word = |b: &[u8], at: usize| -> Option<u64> {
            Some(read_uint(b.get(at..at.checked_add(ptr_size)?)?, big_endian))
        };
        // Each pointer leads to a Go string header: data pointer, then length.
        let string_at = |ptr: u64| -> Option<Vec<u8>> {
            let header = elf.at_address(ptr, 2 * ptr_size as u64)?;
            let (data_ptr, len) = (word(header, 0)?, word(header, ptr_size)?);
            if len == 0 {
                return Some(Vec::new());
            }
            Some(elf.at_address(data_ptr, len)?.to_vec())
        };
        let version = word(data, 16)
            .and_then(string_at)
            .ok_or("the Go version pointer leads nowhere")?;
        let modinfo = word(data, 16 + ptr_size)
            .and_then(string_at)
            .ok_or("the module information pointer leads nowhere")?;
        (version, modinfo)
    };
    let mut modinfo: &[u8] = &modinfo;
    // The linker wraps the module information in 16-byte sentinels.
    if modinfo.len() >= 33 && modinfo.get(modinfo.len() - 17) == Some(&b'\n') {
        modinfo = &modinfo[16..modinfo.len() - 16];
    }
    Ok((
        String::from_utf8_lossy(&version).into_owned(),
        String::from_utf8_lossy(modinfo).into_owned(),
    ))
}

/// A string prefixed by its length as an unsigned LEB128 varint; returns it and the offset after.
fn varint_string(data: &[u8], mut at: usize) -> Option<(&[u8], usize)> {
    let mut len: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *data.get(at)?;
        at += 1;
        len |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            let end = at.checked_add(usize::try_from(len).ok()?)?;
            return Some((data.get(at..end)?, end));
        }
    }
    None
}

/// `go1.21.3` → `v1.21.3`, `go1.22` → `v1.22.0`, `go1.21rc2` → `v1.21.0-rc.2`; `None` for what
/// is not a release (`devel +abc`).
fn go_release(v: &str) -> Option<String> {
    let v = v.strip_prefix("go")?.split([' ', '-', '+']).next()?;
    let (numbers, pre) = match v.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => (&v[..at], Some(&v[at..])),
        None => (v, None),
    };
    let mut parts: Vec<&str> = numbers.split('.').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        || parts.len() > 3
    {
        return None;
    }
    while parts.len() < 3 {
        parts.push("0");
    }
    let pre = match pre {
        Some(p) => {
            let at = p.find(|c: char| c.is_ascii_digit()).unwrap_or(p.len());
            format!("-{}.{}", &p[..at], &p[at..])
        }
        None => String::new(),
    };
    Some(format!("v{}{pre}", parts.join(".")))
}

fn go_components(path: &str, go: &str, modinfo: &str, parsed: &mut Parsed) {
    let location = || Location::file(path);
    let mut root_id = None;
    for line in modinfo.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["mod", module, version, rest @ ..] => {
                let version = Some(*version).filter(|v| !v.is_empty() && *v != "(devel)");
                let (ns, name) = split_path(module);
                let mut c = Component::new(Ecosystem::Go, ns, name, version, location());
                c.kind = ComponentKind::Application;
                c.id = format!("mod {module}");
                let origin = if version.is_some() {
                    "registry"
                } else {
                    "path"
                };
                c.properties.insert("proven:origin".into(), origin.into());
                add_sum(&mut c, rest.first());
                root_id = Some(c.id.clone());
                parsed.components.push(c);
            }
            ["dep", module, version, rest @ ..] => {
                let (ns, name) = split_path(module);
                let mut c = Component::new(
                    Ecosystem::Go,
                    ns,
                    name,
                    Some(*version).filter(|v| !v.is_empty()),
                    location(),
                );
                c.id = format!("dep {module}");
                c.properties
                    .insert("proven:origin".into(), "registry".into());
                add_sum(&mut c, rest.first());
                parsed.components.push(c);
            }
            ["=>", module, version, rest @ ..] => {
                let Some(c) = parsed
                    .components
                    .last_mut()
                    .filter(|c| c.id.starts_with("dep "))
                else {
                    continue;
                };
                if module.starts_with('.') || module.starts_with('/') {
                    c.properties.insert("proven:origin".into(), "path".into());
                    c.properties
                        .insert("proven:replaced-by".into(), (*module).to_string());
                    c.source = Some((*module).to_string());
                } else {
                    let replaced = c.full_name();
                    let (ns, name) = split_path(module);
                    let mut r = Component::new(
                        Ecosystem::Go,
                        ns,
                        name,
                        Some(*version).filter(|v| !v.is_empty()),
                        location(),
                    );
                    r.id = c.id.clone();
                    r.properties = std::mem::take(&mut c.properties);
                    r.properties.insert("proven:replaces".into(), replaced);
                    add_sum(&mut r, rest.first());
                    *c = r;
                }
            }
            _ => {}
        }
    }
    match go_release(go) {
        Some(v) => {
            let mut std = Component::new(Ecosystem::Go, None, "stdlib", Some(&v), location());
            std.id = "stdlib".into();
            std.properties.insert("proven:origin".into(), "registry".into());
            parsed.components.push(std);
        }
        None => parsed.diagnostics.push(Diagnostic::warning(
            location(),
            format!("Go version `{go}` is not a release; expected `go1.N[.M]`, the standard library is not listed"),
        )),
    }
    if let Some(root) = root_id {
        parsed.edges.extend(
            parsed
                .components
                .iter()
                .filter(|c| c.id != root)
                .map(|c| (root.clone(), c.id.clone())),
        );
        parsed.root = Some(root);
    }
}

fn add_sum(c: &mut Component, sum: Option<&&str>) {
    if let Some(h) = sum
        .and_then(|s| s.strip_prefix("h1:"))
        .and_then(|b64| Hash::from_sri(&format!("sha256-{b64}")))
    {
        c.add_hash(h);
    }
}

#[derive(Deserialize)]
struct Audit {
    packages: Vec<AuditPackage>,
}

#[derive(Deserialize)]
struct AuditPackage {
    name: String,
    version: String,
    source: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    dependencies: Vec<usize>,
    #[serde(default)]
    root: bool,
}

/// The decompressed JSON is at most this large (the real lists are a few kilobytes).
const MAX_AUDIT_JSON: u64 = 16 << 20;

fn rust_components(path: &str, section: &[u8], parsed: &mut Parsed) -> Result<(), String> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(section)
        .take(MAX_AUDIT_JSON)
        .read_to_end(&mut json)
        .map_err(|e| format!("zlib: {e}"))?;
    let audit: Audit = serde_json::from_slice(&json).map_err(|e| format!("JSON: {e}"))?;
    for (i, p) in audit.packages.iter().enumerate() {
        let mut c = Component::new(
            Ecosystem::Cargo,
            None,
            &p.name,
            Some(&p.version),
            Location::file(path),
        );
        c.id = i.to_string();
        let origin = match p.source.as_str() {
            "crates.io" => {
                c.source = Some("https://crates.io".into());
                "registry"
            }
            "git" => "git",
            "local" => "path",
            _ => "registry",
        };
        c.properties.insert("proven:origin".into(), origin.into());
        if p.root {
            c.kind = ComponentKind::Application;
            parsed.root = Some(c.id.clone());
        }
        if p.kind.as_deref() == Some("build") {
            c.scope = Scope::Dev;
        }
        for &d in &p.dependencies {
            if d < audit.packages.len() && d != i {
                parsed.edges.push((c.id.clone(), d.to_string()));
            }
        }
        parsed.components.push(c);
    }
    if let Some(root) = &parsed.root {
        parsed.direct = parsed
            .edges
            .iter()
            .filter(|(from, _)| from == root)
            .map(|(_, to)| to.clone())
            .collect();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates() {
        assert!(may_be_executable("usr/local/bin/hello"));
        assert!(may_be_executable("server"));
        assert!(may_be_executable("ko-app/hello"));
        assert!(!may_be_executable("usr/bin/script.sh"));
        assert!(!may_be_executable("src/main"));
        assert!(!may_be_executable("README.md"));
    }

    #[test]
    fn go_versions() {
        assert_eq!(go_release("go1.21.3").as_deref(), Some("v1.21.3"));
        assert_eq!(go_release("go1.22").as_deref(), Some("v1.22.0"));
        assert_eq!(go_release("go1.21rc2").as_deref(), Some("v1.21.0-rc.2"));
        assert_eq!(go_release("go1.22.1 X:loopvar").as_deref(), Some("v1.22.1"));
        assert_eq!(go_release("devel +abc"), None);
        assert_eq!(go_release("go1..2"), None);
    }

    #[test]
    fn varint_strings() {
        assert_eq!(
            varint_string(&[3, b'a', b'b', b'c', 9], 0),
            Some((&b"abc"[..], 4))
        );
        assert_eq!(varint_string(&[5, b'a'], 0), None);
        assert_eq!(varint_string(&[0x80; 12], 0), None);
    }
}
