//! Installed Python distributions: `<name>-<version>.dist-info/METADATA` (wheels, pip),
//! `<name>.egg-info/PKG-INFO` and single-file `<name>.egg-info` (setuptools, distutils).
//!
//! One component per metadata file, from its email-style header (the core metadata
//! specification): `Name`, `Version`, `License-Expression` or else a one-line `License`,
//! `Author` (or `Author-email`). The header ends at the first blank line; the description that
//! follows is not read.

use proven_model::{Diagnostic, Ecosystem, Location};

use super::python::{component, normalize};
use super::{Input, ParseFailure, Parsed, ParserDef};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "python-installed",
    ecosystem: Ecosystem::PyPI,
    matches: |_| false,
    parse,
    at_path: Some(is_metadata),
    binary: false,
};

fn is_metadata(path: &str) -> bool {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    match name {
        "METADATA" => dir.ends_with(".dist-info"),
        "PKG-INFO" => dir.ends_with(".egg-info"),
        n => n.ends_with(".egg-info"),
    }
}

/// A licence field longer than this is the licence's text, not its name.
const MAX_LICENSE: usize = 100;

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let mut parsed = Parsed {
        format: if input.path.ends_with("METADATA") {
            "dist-info METADATA"
        } else {
            "egg-info PKG-INFO"
        }
        .into(),
        ..Parsed::default()
    };
    // (field, value, line), continuation lines folded into the value.
    let mut fields: Vec<(&str, String, u32)> = Vec::new();
    for (n, line) in input.text.lines().enumerate() {
        let n = u32::try_from(n + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v, _)) = fields.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
            continue;
        }
        match line.split_once(':') {
            Some((k, v)) if !k.contains(' ') => fields.push((k, v.trim().to_string(), n)),
            _ => parsed.diagnostics.push(Diagnostic::warning(
                Location::line(input.path, n),
                format!(
                    "`{}` is not a metadata field; expected `Name: value`",
                    super::dpkg::truncate(line)
                ),
            )),
        }
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(f, v, _)| f.eq_ignore_ascii_case(k) && !v.is_empty())
            .map(|(_, v, line)| (v.as_str(), *line))
    };
    let (Some((name, line)), Some((version, _))) = (get("Name"), get("Version")) else {
        if fields.is_empty() {
            return Err(ParseFailure::at(
                1,
                "no metadata header; expected `Metadata-Version`, `Name` and `Version` fields",
            ));
        }
        parsed.diagnostics.push(Diagnostic::error(
            Location::line(input.path, 1),
            "metadata without `Name` and `Version`; expected both",
        ));
        parsed.incomplete = Some("the distribution is not named".into());
        return Ok(parsed);
    };
    let mut c = component(input.path, name, Some(version), Some(line));
    c.id = format!("{}@{version}", normalize(name));
    c.licenses.declared = get("License-Expression")
        .or_else(|| get("License").filter(|(l, _)| l.len() <= MAX_LICENSE && !l.contains('\n')))
        .map(|(l, _)| l.to_string())
        .filter(|l| !l.eq_ignore_ascii_case("UNKNOWN"));
    c.author = get("Author")
        .or_else(|| get("Author-email"))
        .map(|(a, _)| a.to_string())
        .filter(|a| !a.eq_ignore_ascii_case("UNKNOWN"));
    c.properties
        .insert("proven:origin".into(), "registry".into());
    parsed.components.push(c);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_paths() {
        assert!(is_metadata(
            "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA"
        ));
        assert!(is_metadata("site-packages/foo.egg-info/PKG-INFO"));
        assert!(is_metadata("site-packages/foo-1.0.egg-info"));
        assert!(!is_metadata("src/METADATA"));
        assert!(!is_metadata("PKG-INFO"));
    }
}
