//! Release files of an installed file system: `/etc/os-release`, `/usr/lib/os-release`, then
//! `/etc/alpine-release`, `/etc/debian_version`, `/etc/redhat-release`, `/etc/lsb-release`.
//!
//! They list no components; each says which distribution its root is (ranked in that order), and
//! the merge applies the best one to the OS packages found under the same root
//! ([`crate::rootfs`]).

use proven_model::{Diagnostic, Ecosystem, Location};

use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::rootfs::{root_of, Distro, Facts};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "os-release",
    ecosystem: Ecosystem::Generic,
    matches: |_| false,
    parse,
    at_path: Some(|path| source_of(path).is_some()),
    binary: false,
};

/// The kinds of release file, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    OsRelease,
    UsrLibOsRelease,
    Alpine,
    Debian,
    RedHat,
    Lsb,
}

const SOURCES: &[(&str, Source)] = &[
    ("etc/os-release", Source::OsRelease),
    ("usr/lib/os-release", Source::UsrLibOsRelease),
    ("etc/alpine-release", Source::Alpine),
    ("etc/debian_version", Source::Debian),
    ("etc/redhat-release", Source::RedHat),
    ("etc/lsb-release", Source::Lsb),
];

fn source_of(path: &str) -> Option<(String, Source)> {
    SOURCES
        .iter()
        .find_map(|(suffix, s)| Some((root_of(path, suffix)?, *s)))
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let (root, source) = source_of(input.path)
        .ok_or_else(|| ParseFailure::at(1, "expected a release file at its place under etc/"))?;
    let mut parsed = Parsed {
        format: SOURCES
            .iter()
            .find(|(_, s)| *s == source)
            .map_or("os-release", |(p, _)| p.rsplit('/').next().unwrap_or(p))
            .to_string(),
        not_a_manifest: true,
        ..Parsed::default()
    };
    let first = input
        .text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let distro = match source {
        Source::OsRelease | Source::UsrLibOsRelease | Source::Lsb => {
            let lsb = source == Source::Lsb;
            let (id, like, version, codename) = if lsb {
                ("DISTRIB_ID", "", "DISTRIB_RELEASE", "DISTRIB_CODENAME")
            } else {
                ("ID", "ID_LIKE", "VERSION_ID", "VERSION_CODENAME")
            };
            let vars = key_values(input, &mut parsed.diagnostics);
            let get = |k: &str| {
                vars.iter()
                    .rev()
                    .find(|(key, _)| *key == k && !k.is_empty())
                    .map(|(_, v)| v.clone())
                    .filter(|v| !v.is_empty())
            };
            Distro {
                // os-release(5): ID defaults to `linux`.
                id: get(id)
                    .unwrap_or_else(|| "linux".into())
                    .to_ascii_lowercase(),
                id_like: get(like)
                    .map(|l| l.split_whitespace().map(str::to_ascii_lowercase).collect())
                    .unwrap_or_default(),
                version: get(version),
                codename: get(codename),
                rank: 0,
            }
        }
        Source::Alpine => Distro {
            id: "alpine".into(),
            version: Some(first.to_string()).filter(|v| starts_with_digit(v)),
            ..Distro::default()
        },
        // `12.7`, or a codename (`trixie/sid`) on testing and unstable.
        Source::Debian if starts_with_digit(first) => Distro {
            id: "debian".into(),
            version: Some(first.to_string()),
            ..Distro::default()
        },
        Source::Debian => Distro {
            id: "debian".into(),
            codename: first.split('/').next().map(str::to_string),
            ..Distro::default()
        },
        Source::RedHat => red_hat(first),
    };
    let bad_version = distro
        .version
        .as_deref()
        .is_some_and(|v| v.chars().any(char::is_whitespace));
    if first.is_empty() || bad_version {
        parsed.diagnostics.push(Diagnostic::warning(
            Location::line(input.path, 1),
            "no distribution version could be read; expected a release file as the distribution writes it",
        ));
    }
    let rank = SOURCES
        .iter()
        .rev()
        .position(|(_, s)| *s == source)
        .map_or(0, |p| u8::try_from(p + 1).unwrap_or(u8::MAX));
    parsed.installed = Some(Facts {
        root,
        distro: Some(Distro { rank, ..distro }),
        ..Facts::default()
    });
    Ok(parsed)
}

fn starts_with_digit(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

/// `KEY=value` lines (os-release(5): shell-style quoting, `#` comments).
fn key_values<'a>(input: &Input<'a>, diagnostics: &mut Vec<Diagnostic>) -> Vec<(&'a str, String)> {
    let mut out = Vec::new();
    for (n, line) in input.text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            let n = u32::try_from(n + 1).unwrap_or(u32::MAX);
            diagnostics.push(Diagnostic::warning(
                Location::line(input.path, n),
                format!("`{line}` is not a KEY=value line; expected os-release(5) syntax"),
            ));
            continue;
        };
        out.push((key.trim(), unquote(value.trim())));
    }
    out
}

/// Removes one level of shell quoting: `"a \"b\""` → `a "b"`, `'x'` → `x`.
fn unquote(v: &str) -> String {
    if let Some(inner) = v
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .filter(|_| v.len() >= 2)
    {
        return inner.to_string();
    }
    let Some(inner) = v
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .filter(|_| v.len() >= 2)
    else {
        return v.to_string();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `Rocky Linux release 9.4 (Blue Onyx)`: the os-release ID of the name, the version after
/// `release`.
fn red_hat(line: &str) -> Distro {
    let (name, rest) = line.split_once(" release ").unwrap_or((line, ""));
    let id = match name.trim() {
        n if n.starts_with("Red Hat Enterprise Linux") => "rhel".to_string(),
        n if n.starts_with("Rocky Linux") => "rocky".to_string(),
        n if n.starts_with("AlmaLinux") => "almalinux".to_string(),
        n if n.starts_with("CentOS") => "centos".to_string(),
        n if n.starts_with("Fedora") => "fedora".to_string(),
        n if n.starts_with("Oracle Linux") => "ol".to_string(),
        n => n
            .split_whitespace()
            .next()
            .unwrap_or("linux")
            .to_ascii_lowercase(),
    };
    Distro {
        id,
        version: rest
            .split_whitespace()
            .next()
            .filter(|v| starts_with_digit(v))
            .map(str::to_string),
        ..Distro::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(
            unquote(r#""Debian GNU/Linux 12 (bookworm)""#),
            "Debian GNU/Linux 12 (bookworm)"
        );
        assert_eq!(unquote(r#""a \"b\"""#), "a \"b\"");
        assert_eq!(unquote("'x y'"), "x y");
        assert_eq!(unquote("bare"), "bare");
        assert_eq!(unquote("\""), "\"");
    }

    #[test]
    fn red_hat_release_lines() {
        let d = red_hat("Red Hat Enterprise Linux release 9.4 (Plow)");
        assert_eq!((d.id.as_str(), d.version.as_deref()), ("rhel", Some("9.4")));
        let d = red_hat("Rocky Linux release 9.4 (Blue Onyx)");
        assert_eq!(
            (d.id.as_str(), d.version.as_deref()),
            ("rocky", Some("9.4"))
        );
        let d = red_hat("garbage");
        assert_eq!((d.id.as_str(), d.version.as_deref()), ("garbage", None));
    }
}
