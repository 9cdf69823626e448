//! Composer's `composer.lock`.
//!
//! One component per entry of `packages` (required) and `packages-dev` (dev). `require` gives the
//! edges, to the package of that name or to the packages that `provide` or `replace` it; platform
//! requirements (`php`, `ext-*`, `lib-*`, `composer-*-api`) are not packages. The lockfile does not
//! name the project; the direct dependencies come from the sibling `composer.json`.

use std::collections::HashMap;

use proven_model::{Component, Diagnostic, Ecosystem, Hash, HashAlg, Location, Scope};
use serde::Deserialize;
use serde_json::Value;

use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::text::LineIndex;

pub(super) static PARSER: ParserDef = ParserDef {
    name: "composer-lock",
    ecosystem: Ecosystem::Packagist,
    matches: |name| name == "composer.lock",
    parse,
    at_path: None,
    binary: false,
};

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    packages: Vec<Package>,
    #[serde(default, rename = "packages-dev")]
    packages_dev: Vec<Package>,
    #[serde(rename = "plugin-api-version")]
    plugin_api_version: Option<String>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    source: Option<Source>,
    dist: Option<Source>,
    #[serde(default)]
    require: HashMap<String, Value>,
    #[serde(default)]
    provide: HashMap<String, Value>,
    #[serde(default)]
    replace: HashMap<String, Value>,
    #[serde(default)]
    license: Vec<String>,
    #[serde(default)]
    authors: Vec<Author>,
}

#[derive(Deserialize)]
struct Source {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
    reference: Option<String>,
    shasum: Option<String>,
}

#[derive(Deserialize)]
struct Author {
    name: Option<String>,
}

#[derive(Deserialize, Default)]
struct Manifest {
    #[serde(default)]
    require: HashMap<String, Value>,
    #[serde(default, rename = "require-dev")]
    require_dev: HashMap<String, Value>,
    #[serde(default)]
    provide: HashMap<String, Value>,
    #[serde(default)]
    replace: HashMap<String, Value>,
}

/// Requirements that name the PHP platform, not a package.
fn is_platform(name: &str) -> bool {
    matches!(
        name,
        "php" | "php-64bit" | "php-ipv6" | "php-zts" | "php-debug" | "hhvm" | "composer"
    ) || name.starts_with("ext-")
        || name.starts_with("lib-")
        || name.starts_with("composer-")
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let lock: Lock = serde_json::from_str(input.text).map_err(|e| {
        ParseFailure::json(
            &e,
            "a composer.lock object with `packages` and `packages-dev`",
        )
    })?;
    let lines = LineIndex::new(input.text);
    let loc = |line: Option<u32>| Location {
        path: input.path.to_string(),
        line,
        column: None,
    };
    let mut parsed = Parsed {
        format: match &lock.plugin_api_version {
            Some(v) => format!("composer.lock (plugin API {v})"),
            None => "composer.lock".into(),
        },
        ..Parsed::default()
    };
    let manifest: Option<Manifest> =
        (input.sibling)("composer.json").and_then(|t| serde_json::from_str(&t).ok());

    // Who answers to a requirement name: the package itself, or those providing/replacing it.
    let all: Vec<(&Package, Scope)> = lock
        .packages
        .iter()
        .map(|p| (p, Scope::Required))
        .chain(lock.packages_dev.iter().map(|p| (p, Scope::Dev)))
        .collect();
    let mut answers: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (p, _)) in all.iter().enumerate() {
        answers
            .entry(p.name.to_ascii_lowercase())
            .or_default()
            .push(i);
    }
    for (i, (p, _)) in all.iter().enumerate() {
        for virt in p.provide.keys().chain(p.replace.keys()) {
            let list = answers.entry(virt.to_ascii_lowercase()).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    let root_answers = |name: &str| {
        manifest.as_ref().is_some_and(|m| {
            m.provide
                .keys()
                .chain(m.replace.keys())
                .any(|k| k.eq_ignore_ascii_case(name))
        })
    };

    let mut cursor = 0;
    for (i, (p, scope)) in all.iter().enumerate() {
        let line = find_entry(input.text, &p.name, &mut cursor).map(|off| lines.line(off));
        let (group, name) = match p.name.split_once('/') {
            Some((g, n)) => (Some(g), n),
            None => (None, p.name.as_str()),
        };
        let mut c = Component::new(
            Ecosystem::Packagist,
            group,
            name,
            Some(&p.version),
            loc(line),
        );
        c.id = format!("{}@{} #{i}", p.name, p.version);
        c.scope = *scope;
        let dist_kind = p.dist.as_ref().and_then(|d| d.kind.as_deref());
        let origin = match (dist_kind, p.source.as_ref().and_then(|s| s.kind.as_deref())) {
            (Some("path"), _) => "path",
            (Some(_), _) => "registry",
            (None, Some("git" | "hg" | "svn")) => "git",
            (None, _) => "url",
        };
        c.properties.insert("proven:origin".into(), origin.into());
        c.source = p
            .dist
            .as_ref()
            .and_then(|d| d.url.clone())
            .or_else(|| p.source.as_ref().and_then(|s| s.url.clone()));
        if let Some(reference) = p
            .source
            .as_ref()
            .and_then(|s| s.reference.as_deref())
            .or_else(|| p.dist.as_ref().and_then(|d| d.reference.as_deref()))
            .filter(|r| !r.is_empty())
        {
            c.properties
                .insert("proven:vcs-reference".into(), reference.to_string());
        }
        if origin == "git" {
            if let Some(s) = &p.source {
                let url = s.url.as_deref().unwrap_or("");
                let vcs = match s.reference.as_deref().filter(|r| !r.is_empty()) {
                    Some(r) => format!("git+{url}@{r}"),
                    None => format!("git+{url}"),
                };
                c.purl = c
                    .purl
                    .take()
                    .map(|purl| purl.with_qualifier("vcs_url", &vcs));
            }
        }
        if let Some(sum) = p
            .dist
            .as_ref()
            .and_then(|d| d.shasum.as_deref())
            .filter(|s| !s.is_empty())
        {
            match Hash::from_hex(HashAlg::Sha1, sum) {
                Some(h) => c.add_hash(h),
                None => parsed.diagnostics.push(Diagnostic::warning(
                    loc(line),
                    format!("dist.shasum of {} is not a SHA-1 hex digest", p.name),
                )),
            }
        }
        c.licenses.declared = spdx_or(&p.license);
        let authors: Vec<&str> = p.authors.iter().filter_map(|a| a.name.as_deref()).collect();
        if !authors.is_empty() {
            c.author = Some(authors.join(", "));
        }
        parsed.components.push(c);

        let mut reqs: Vec<&String> = p.require.keys().collect();
        reqs.sort();
        for req in reqs {
            let lower = req.to_ascii_lowercase();
            if is_platform(&lower) {
                continue;
            }
            match answers.get(&lower) {
                Some(targets) => {
                    for &t in targets {
                        parsed.edges.push((id_of(&all, i), id_of(&all, t)));
                    }
                }
                None if root_answers(&lower) => {}
                None => parsed.diagnostics.push(Diagnostic::note(
                    loc(line),
                    format!(
                        "{} requires {req}, which no locked package provides",
                        p.name
                    ),
                )),
            }
        }
    }

    if let Some(m) = &manifest {
        let mut names: Vec<&String> = m.require.keys().chain(m.require_dev.keys()).collect();
        names.sort();
        for req in names {
            for &t in answers.get(&req.to_ascii_lowercase()).into_iter().flatten() {
                parsed.direct.push(id_of(&all, t));
            }
        }
        parsed.direct.sort();
        parsed.direct.dedup();
    }
    Ok(parsed)
}

fn id_of(all: &[(&Package, Scope)], i: usize) -> String {
    all.get(i)
        .map(|(p, _)| format!("{}@{} #{i}", p.name, p.version))
        .unwrap_or_default()
}

/// Composer's license array means any of them (disjunctive).
fn spdx_or(licenses: &[String]) -> Option<String> {
    let parts: Vec<String> = licenses
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            if l.contains(' ') {
                format!("({l})")
            } else {
                l.clone()
            }
        })
        .collect();
    match parts.len() {
        0 => None,
        1 => Some(licenses.iter().find(|l| !l.trim().is_empty())?.clone()),
        _ => Some(parts.join(" OR ")),
    }
}

/// Offset of the `{` opening the package entry named `name`, searching on from `cursor`.
fn find_entry(text: &str, name: &str, cursor: &mut usize) -> Option<usize> {
    let escaped = name.replace('/', "\\/");
    for needle in [
        format!("\"name\": \"{name}\""),
        format!("\"name\":\"{name}\""),
        format!("\"name\": \"{escaped}\""),
    ] {
        if let Some(rel) = text.get(*cursor..).and_then(|t| t.find(&needle)) {
            let at = *cursor + rel;
            *cursor = at + needle.len();
            return Some(text[..at].rfind('{').unwrap_or(at));
        }
    }
    None
}
