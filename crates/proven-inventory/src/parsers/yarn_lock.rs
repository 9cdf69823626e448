//! `yarn.lock`: classic (yarn 1, its own indented format) and berry (yarn 2+, YAML with
//! `__metadata`), told apart by content.
//!
//! Each entry lists the descriptors (`name@range`) it satisfies; a dependency `name: range` is an
//! edge to the entry holding that descriptor. One component per entry (the merge folds an alias
//! and the package it names). Neither flavour marks development dependencies, so scopes come from
//! the sibling `package.json` by reachability.

use std::collections::{HashMap, HashSet};

use proven_model::{ComponentKind, Diagnostic, Ecosystem, Location};

use super::npm_common::{self as npm, Origin, PackageJson};
use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::yaml::{self, Node};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "yarn-lock",
    ecosystem: Ecosystem::Npm,
    matches: |name| name == "yarn.lock",
    parse,
    at_path: None,
    binary: false,
};

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let berry = input.text.starts_with("__metadata:") || input.text.contains("\n__metadata:");
    if berry {
        parse_berry(input)
    } else {
        parse_classic(input)
    }
}

/// Edges from the project, by the `package.json` section they come from.
#[derive(Default)]
struct Roots {
    required: Vec<String>,
    optional: Vec<String>,
    dev: Vec<String>,
}

// ----- classic -----

/// One entry of a classic lockfile.
#[derive(Default)]
struct ClassicEntry {
    descriptors: Vec<String>,
    line: u32,
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    /// `(name, range, optional)`.
    deps: Vec<(String, String, bool)>,
}

/// Reads one token: a JSON-quoted string or a bare word ending at whitespace. Returns the token,
/// whether it was quoted, and the rest of the line.
fn token(s: &str) -> Result<(String, bool, &str), String> {
    if let Some(body) = s.strip_prefix('"') {
        let bytes = body.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\\' => i += 2,
                b'"' => {
                    let quoted = &s[..i + 2];
                    let text: String = serde_json::from_str(quoted)
                        .map_err(|e| format!("bad string {quoted}: {e}"))?;
                    return Ok((text, true, &s[i + 2..]));
                }
                _ => i += 1,
            }
        }
        Err("a string with no closing quote".into())
    } else {
        let end = s.find(char::is_whitespace).unwrap_or(s.len());
        Ok((s[..end].to_string(), false, &s[end..]))
    }
}

/// Splits an entry header (`"a@^1", a@^2:`, colon already removed) into descriptors.
fn header_descriptors(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let (text, quoted, after) = if rest.starts_with('"') {
            token(rest)?
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            (rest[..end].trim().to_string(), false, &rest[end..])
        };
        if text.is_empty() && !quoted {
            return Err("an empty descriptor".into());
        }
        out.push(text);
        rest = after.trim_start();
        rest = match rest.strip_prefix(',') {
            Some(r) => r.trim_start(),
            None if rest.is_empty() => rest,
            None => return Err(format!("`{rest}` after a descriptor")),
        };
    }
    Ok(out)
}

fn parse_classic(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let mut parsed = Parsed {
        format: "yarn.lock v1 (classic)".into(),
        ..Parsed::default()
    };
    let mut entries: Vec<ClassicEntry> = Vec::new();
    // The block (`dependencies:` / `optionalDependencies:`) the indented lines belong to.
    let mut block: Option<bool> = None;
    let mut in_entry = false;
    let mut skipping = false;
    let mut first_error: Option<(u32, String)> = None;
    let mut error = |parsed: &mut Parsed, line: u32, msg: String| {
        first_error.get_or_insert((line, msg.clone()));
        parsed
            .diagnostics
            .push(Diagnostic::error(Location::line(input.path, line), msg));
        parsed.incomplete = Some("some lines of the lockfile could not be read".into());
    };
    for (n, raw) in input.text.lines().enumerate() {
        let line = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let content = raw.trim_start_matches(' ');
        let indent = raw.len() - content.len();
        let content = content.trim_end();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        match indent {
            0 => {
                block = None;
                in_entry = false;
                skipping = true;
                let Some(header) = content.strip_suffix(':') else {
                    error(
                        &mut parsed,
                        line,
                        format!("`{content}` is not an entry header; expected `name@range[, name@range]:`"),
                    );
                    continue;
                };
                match header_descriptors(header) {
                    Ok(descriptors) if !descriptors.is_empty() => {
                        in_entry = true;
                        skipping = false;
                        entries.push(ClassicEntry {
                            descriptors,
                            line,
                            ..ClassicEntry::default()
                        });
                    }
                    Ok(_) => error(
                        &mut parsed,
                        line,
                        "an entry header with no descriptor".into(),
                    ),
                    Err(e) => error(
                        &mut parsed,
                        line,
                        format!("{e}; expected `name@range[, name@range]:`"),
                    ),
                }
            }
            // The fields of a header already reported as unreadable.
            2 | 4 if !in_entry && skipping => {}
            2 | 4 if !in_entry => {
                skipping = true;
                error(
                    &mut parsed,
                    line,
                    format!("`{content}` is indented but belongs to no entry; expected an entry header first"),
                );
            }
            2 => {
                block = None;
                let Some(entry) = entries.last_mut() else {
                    continue;
                };
                let (key, quoted, rest) = match token(content) {
                    Ok(t) => t,
                    Err(e) => {
                        error(&mut parsed, line, format!("{e}; expected `key value`"));
                        continue;
                    }
                };
                let (key, rest) = match key.strip_suffix(':') {
                    Some(k) if !quoted => (k.to_string(), rest),
                    _ => (key, rest.trim_start().strip_prefix(':').unwrap_or(rest)),
                };
                let rest = rest.trim();
                if rest.is_empty() {
                    block = match key.as_str() {
                        "dependencies" => Some(false),
                        "optionalDependencies" => Some(true),
                        _ => None,
                    };
                    continue;
                }
                let value = match token(rest) {
                    Ok((v, _, _)) => v,
                    Err(e) => {
                        error(
                            &mut parsed,
                            line,
                            format!("{e}; expected `{key} \"value\"`"),
                        );
                        continue;
                    }
                };
                match key.as_str() {
                    "version" => entry.version = Some(value),
                    "resolved" => entry.resolved = Some(value),
                    "integrity" => entry.integrity = Some(value),
                    _ => {}
                }
            }
            4 => {
                let (Some(optional), Some(entry)) = (block, entries.last_mut()) else {
                    continue;
                };
                let parsed_dep = token(content).and_then(|(name, _, rest)| {
                    let rest = rest.trim_start();
                    let rest = rest.strip_prefix(':').map_or(rest, str::trim_start);
                    let (range, _, _) = token(rest)?;
                    Ok((name, range))
                });
                match parsed_dep {
                    Ok((name, range)) => entry.deps.push((name, range, optional)),
                    Err(e) => error(&mut parsed, line, format!("{e}; expected `name \"range\"`")),
                }
            }
            // Deeper lines belong to fields this reader does not use.
            _ => {}
        }
    }
    if entries.is_empty() {
        if let Some((line, msg)) = first_error {
            return Err(ParseFailure::at(line, msg));
        }
    }

    let mut by_descriptor: HashMap<&str, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        for d in &e.descriptors {
            by_descriptor.entry(d.as_str()).or_insert(i);
        }
    }
    let id = |i: usize| entries.get(i).and_then(|e| e.descriptors.first()).cloned();
    for e in &entries {
        let Some(first) = e.descriptors.first() else {
            continue;
        };
        let (name, range) = npm::split_at_name(first).unwrap_or((first.as_str(), ""));
        // An alias (`ms-old@npm:ms@2.0.0`) is the package it names.
        let (name, range) = match range.strip_prefix("npm:").and_then(npm::split_at_name) {
            Some((real, r)) => (real, r),
            None => (name, range),
        };
        if e.version.is_none() {
            parsed.diagnostics.push(Diagnostic::warning(
                Location::line(input.path, e.line),
                format!("entry `{first}` has no version; expected `version \"x.y.z\"`"),
            ));
        }
        let mut c = npm::component(name, e.version.as_deref(), input.path, Some(e.line));
        c.id = first.clone();
        let origin = match &e.resolved {
            Some(r) => npm::apply_resolved(&mut c, r, name),
            None => {
                let origin = if npm::is_local(range) {
                    Origin::Path
                } else if npm::is_git(range) {
                    Origin::Git
                } else {
                    Origin::Registry
                };
                npm::set_origin(&mut c, origin);
                origin
            }
        };
        if matches!(origin, Origin::Registry | Origin::Url) {
            if let Some(h) = e.resolved.as_deref().and_then(npm::url_sha1) {
                c.add_hash(h);
            }
        }
        if let Some(integrity) = &e.integrity {
            let bad = npm::add_integrity(&mut c, integrity);
            if !bad.is_empty() {
                parsed
                    .diagnostics
                    .push(npm::bad_integrity(input.path, Some(e.line), first, &bad));
            }
        }
        parsed.components.push(c);
        for (dep, range, optional) in &e.deps {
            let key = format!("{dep}@{range}");
            match by_descriptor.get(key.as_str()).and_then(|&j| id(j)) {
                Some(to) => parsed.edges.push((first.clone(), to)),
                None if *optional => {}
                None => {
                    parsed.diagnostics.push(Diagnostic::warning(
                        Location::line(input.path, e.line),
                        format!("dependency `{key}` of `{first}` has no entry; expected an entry for `{key}`"),
                    ));
                    parsed.incomplete = Some("a dependency has no entry".into());
                }
            }
        }
    }

    if let Some(manifest) = PackageJson::sibling(input) {
        let find = |deps: &[(String, String)]| -> Vec<String> {
            deps.iter()
                .filter_map(|(n, r)| by_descriptor.get(format!("{n}@{r}").as_str()))
                .filter_map(|&j| id(j))
                .collect()
        };
        let roots = Roots {
            required: find(&manifest.dependencies),
            optional: find(&manifest.optional_dependencies),
            dev: find(&manifest.dev_dependencies),
        };
        apply_roots(&mut parsed, roots);
    }
    Ok(parsed)
}

/// Scopes by reachability from the project's dependencies, which are its direct ones.
fn apply_roots(parsed: &mut Parsed, roots: Roots) {
    let mut direct: Vec<String> = roots
        .required
        .iter()
        .chain(&roots.optional)
        .chain(&roots.dev)
        .cloned()
        .collect();
    direct.sort();
    direct.dedup();
    if parsed.direct.is_empty() {
        parsed.direct = direct;
    }
    crate::graph::scopes_from_roots(parsed, &roots.required, &roots.optional, &roots.dev);
}

// ----- berry -----

/// Whether a range names its protocol (`npm:^1`, `workspace:*`, `https://…`) rather than being a
/// bare semver range, which berry files from yarn 2 and 3 write without `npm:`.
fn has_protocol(range: &str) -> bool {
    range
        .split_once(':')
        .is_some_and(|(p, _)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

/// What a berry `resolution` says about a package.
struct Resolved {
    name: String,
    origin: Origin,
    /// For registry packages, the version in the locator.
    version: Option<String>,
    vcs: Option<String>,
    url: Option<String>,
    patch: Option<String>,
    workspace_root: bool,
}

fn classify_locator(locator: &str) -> Option<Resolved> {
    let (name, reference) = npm::split_at_name(locator)?;
    let mut r = Resolved {
        name: name.to_string(),
        origin: Origin::Url,
        version: None,
        vcs: None,
        url: None,
        patch: None,
        workspace_root: false,
    };
    if let Some(v) = reference.strip_prefix("npm:") {
        r.origin = Origin::Registry;
        r.version = Some(v.to_string());
    } else if let Some(path) = reference.strip_prefix("workspace:") {
        r.origin = Origin::Path;
        r.workspace_root = path == ".";
    } else if let Some(inner) = reference.strip_prefix("patch:") {
        // `patch:<encoded locator>#<patch file>::version=…&hash=…`
        let (source, rest) = inner.split_once('#').unwrap_or((inner, ""));
        let patch = rest.split("::").next().unwrap_or(rest);
        let mut base = classify_locator(&npm::percent_decode(source))?;
        base.patch = Some(npm::percent_decode(patch));
        base.workspace_root = false;
        return Some(base);
    } else if ["link:", "portal:", "file:", "exec:"]
        .iter()
        .any(|p| reference.starts_with(p))
    {
        r.origin = Origin::Path;
    } else if npm::is_git(reference)
        || reference.contains(".git#")
        || reference.contains("#commit=")
    {
        r.origin = Origin::Git;
        let (url, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let commit = fragment
            .split('&')
            .find_map(|kv| kv.strip_prefix("commit="))
            .unwrap_or(fragment);
        r.vcs = Some(if commit.is_empty() {
            url.to_string()
        } else {
            format!("{url}@{commit}")
        });
    } else if reference.starts_with("https://") || reference.starts_with("http://") {
        r.url = Some(reference.to_string());
    }
    Some(r)
}

fn parse_berry(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let docs = yaml::parse(input.text).map_err(|e| {
        ParseFailure::at(
            e.line,
            format!("{}; expected a yarn berry lockfile (YAML)", e.message),
        )
    })?;
    let Some(doc) = docs
        .into_iter()
        .next()
        .filter(|d| matches!(d, Node::Map(_)))
    else {
        return Err(ParseFailure::at(
            1,
            "the lockfile is not a YAML mapping; expected `__metadata:` and package entries",
        ));
    };
    let meta_version = doc
        .get("__metadata")
        .and_then(|m| m.get("version"))
        .and_then(Node::as_str)
        .unwrap_or("?");
    let mut parsed = Parsed {
        format: format!("yarn.lock v{meta_version} (berry)"),
        ..Parsed::default()
    };
    let entries: Vec<&yaml::Entry> = doc
        .entries()
        .iter()
        .filter(|e| e.key != "__metadata")
        .collect();

    let manifest = PackageJson::sibling(input);
    let mut lookup = Lookup {
        by_descriptor: HashMap::new(),
        bound: HashMap::new(),
        by_name: HashMap::new(),
        rules: HashMap::new(),
        catalogs: (input.sibling)(".yarnrc.yml")
            .map(|t| read_catalogs(&t))
            .unwrap_or_default(),
    };
    for rule in manifest
        .iter()
        .flat_map(|m| &m.resolutions)
        .filter_map(|(p, to)| Rule::parse(p, to))
    {
        lookup
            .rules
            .entry(rule.name.clone())
            .or_default()
            .push(rule);
    }
    for (i, e) in entries.iter().enumerate() {
        for d in e.key.split(", ").map(str::trim) {
            lookup.by_descriptor.entry(d).or_insert(i);
            if let Some((plain, params)) = d.split_once("::") {
                let locator = params
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("locator="))
                    .map(npm::percent_decode)
                    .unwrap_or_default();
                lookup.bound.entry(plain).or_default().push((i, locator));
            }
        }
    }

    let mut first_party: HashSet<String> = HashSet::new();
    let mut resolutions: Vec<Option<String>> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let value = &e.value;
        let resolution = value.get("resolution").and_then(Node::as_str);
        resolutions.push(resolution.map(str::to_string));
        let Some(resolved) = resolution.and_then(classify_locator) else {
            parsed.diagnostics.push(Diagnostic::warning(
                Location::line(input.path, e.line),
                format!("entry `{}` has no readable `resolution`; expected `resolution: \"name@npm:x.y.z\"`", e.key),
            ));
            parsed.incomplete = Some("an entry could not be read".into());
            continue;
        };
        let version = value
            .get("version")
            .and_then(Node::as_str)
            .map(str::to_string)
            .or(resolved.version.clone());
        let mut c = npm::component(&resolved.name, version.as_deref(), input.path, Some(e.line));
        c.id = e.key.clone();
        npm::set_origin(&mut c, resolved.origin);
        if let Some(vcs) = &resolved.vcs {
            npm::qualify(&mut c, "vcs_url", vcs);
            c.source = Some(vcs.clone());
        }
        if let Some(url) = &resolved.url {
            npm::qualify(&mut c, "download_url", url);
            c.source = Some(url.clone());
        }
        if let Some(patch) = &resolved.patch {
            c.properties.insert("proven:patch".into(), patch.clone());
        }
        if let Some(sum) = value.get("checksum").and_then(Node::as_str) {
            // Yarn's checksum of its cache archive, not of the registry tarball: kept, not a hash.
            c.properties
                .insert("proven:yarn-checksum".into(), sum.to_string());
        }
        if resolved.origin == Origin::Path {
            first_party.insert(e.key.clone());
        }
        if resolved.workspace_root {
            c.kind = ComponentKind::Application;
            parsed.root = Some(e.key.clone());
        }
        if !resolved.workspace_root && resolved.patch.is_none() {
            lookup
                .by_name
                .entry(resolved.name.clone())
                .or_default()
                .push(i);
        }
        parsed.components.push(c);
    }

    let mut root_deps: Vec<(String, String)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(parent) = resolutions.get(i).and_then(Option::as_deref) else {
            continue;
        };
        let optional = |name: &str| {
            e.value
                .get("dependenciesMeta")
                .and_then(|m| m.get(name))
                .and_then(|m| m.get("optional"))
                .is_some_and(Node::is_true)
        };
        for dep in e
            .value
            .get("dependencies")
            .map(Node::entries)
            .unwrap_or_default()
        {
            let range = dep.value.as_str().unwrap_or("");
            let targets = lookup.find(&dep.key, range, parent);
            for to in targets.iter().filter_map(|&j| entries.get(j)) {
                if parsed.root.as_deref() == Some(e.key.as_str()) {
                    root_deps.push((dep.key.clone(), to.key.clone()));
                }
                parsed.edges.push((e.key.clone(), to.key.clone()));
            }
            match targets.first() {
                Some(_) => {}
                None if optional(&dep.key) => {}
                None => {
                    parsed.diagnostics.push(Diagnostic::warning(
                        Location::line(input.path, dep.line),
                        format!(
                            "dependency `{}@{range}` of `{parent}` has no entry; expected an entry for that descriptor",
                            dep.key
                        ),
                    ));
                    parsed.incomplete = Some("a dependency has no entry".into());
                }
            }
        }
    }
    parsed.direct = npm::direct_from_first_party(&parsed.edges, &first_party);

    // The root workspace's entry lists its development dependencies too; package.json says which.
    if let (Some(_), Some(manifest)) = (&parsed.root, &manifest) {
        let has = |deps: &[(String, String)], name: &str| deps.iter().any(|(d, _)| d == name);
        let mut roots = Roots::default();
        for (name, to) in root_deps {
            if has(&manifest.dependencies, &name) || has(&manifest.peer_dependencies, &name) {
                roots.required.push(to);
            } else if has(&manifest.optional_dependencies, &name) {
                roots.optional.push(to);
            } else if has(&manifest.dev_dependencies, &name) {
                roots.dev.push(to);
            } else {
                roots.required.push(to);
            }
        }
        crate::graph::scopes_from_roots(&mut parsed, &roots.required, &roots.optional, &roots.dev);
    }
    Ok(parsed)
}

/// A `resolutions` rule of package.json: `[from/]name[@range]` → replacement range.
#[derive(Debug, PartialEq, Eq)]
struct Rule {
    /// The package whose dependency is replaced, when the rule names one.
    from: Option<String>,
    name: String,
    range: Option<String>,
    to: String,
}

impl Rule {
    fn parse(pattern: &str, to: &str) -> Option<Rule> {
        let p = pattern.strip_prefix("**/").unwrap_or(pattern);
        let segments: Vec<&str> = p.split('/').collect();
        let take = match segments.as_slice() {
            [.., scope, _] if scope.starts_with('@') => 2,
            _ => 1,
        };
        let split = segments.len().checked_sub(take)?;
        let target = segments.get(split..)?.join("/");
        let from = segments.get(..split)?.join("/");
        let from = from.strip_prefix("**/").unwrap_or(&from);
        let (name, range) = match npm::split_at_name(&target) {
            Some((n, r)) => (n.to_string(), Some(r.to_string())),
            None => (target.clone(), None),
        };
        let from = (!from.is_empty()).then(|| {
            npm::split_at_name(from)
                .map_or(from, |(n, _)| n)
                .to_string()
        });
        Some(Rule {
            from,
            name,
            range,
            to: to.to_string(),
        })
    }

    fn applies(&self, name: &str, range: &str, parent_name: &str) -> bool {
        self.name == name
            && self.from.as_deref().is_none_or(|f| f == parent_name)
            && self.range.as_deref().is_none_or(|r| {
                r == range
                    || range.strip_prefix("npm:") == Some(r)
                    || r.strip_prefix("npm:") == Some(range)
            })
    }
}

/// Where berry dependencies are looked up.
struct Lookup<'a> {
    by_descriptor: HashMap<&'a str, usize>,
    /// Descriptors of relative links are bound to the workspace that wrote them:
    /// `x@link:./x::locator=app%40workspace%3A.` — keyed here by `x@link:./x`.
    bound: HashMap<&'a str, Vec<(usize, String)>>,
    /// Entries by package name, for `catalog:` ranges when the catalog is not at hand.
    by_name: HashMap<String, Vec<usize>>,
    /// `resolutions` rules by the package name they replace.
    rules: HashMap<String, Vec<Rule>>,
    /// Catalogs from .yarnrc.yml: (catalog name, `""` for the default one, package) → range.
    catalogs: HashMap<(String, String), String>,
}

impl Lookup<'_> {
    /// The entries a dependency `name: range` of the package `parent` (locator) points at.
    fn find(&self, name: &str, range: &str, parent: &str) -> Vec<usize> {
        let parent_name = npm::split_at_name(parent).map_or(parent, |(n, _)| n);
        let mut ranges: Vec<String> = Vec::with_capacity(3);
        let rules = self
            .rules
            .get(name)
            .into_iter()
            .flatten()
            .filter(|r| r.applies(name, range, parent_name));
        // The most specific rule wins: one naming its parent, then one naming a range.
        if let Some(rule) = rules.max_by_key(|r| (r.from.is_some(), r.range.is_some())) {
            ranges.push(rule.to.clone());
        }
        let catalog = range.strip_prefix("catalog:");
        if let Some(c) = catalog {
            if let Some(r) = self.catalogs.get(&(c.to_string(), name.to_string())) {
                ranges.push(r.clone());
            }
        }
        ranges.push(range.to_string());
        for r in &ranges {
            if let Some(i) = self.exact(name, r, parent) {
                return vec![i];
            }
        }
        if catalog.is_some() {
            // Without the catalog (in .yarnrc.yml) the range is unknown: every entry of that
            // package may be the one, so all are kept as dependencies.
            return self.by_name.get(name).cloned().unwrap_or_default();
        }
        Vec::new()
    }

    fn exact(&self, name: &str, range: &str, parent: &str) -> Option<usize> {
        let mut candidates = vec![format!("{name}@{range}")];
        if !has_protocol(range) {
            candidates.push(format!("{name}@npm:{range}"));
        }
        if let Some(i) = candidates
            .iter()
            .find_map(|d| self.by_descriptor.get(d.as_str()))
        {
            return Some(*i);
        }
        for d in &candidates {
            if let Some(list) = self.bound.get(d.as_str()) {
                if let Some((i, _)) = list.iter().find(|(_, l)| l == parent) {
                    return Some(*i);
                }
                if let [(i, _)] = list.as_slice() {
                    return Some(*i);
                }
            }
        }
        None
    }
}

/// The `catalog:` and `catalogs:` of a .yarnrc.yml.
fn read_catalogs(text: &str) -> HashMap<(String, String), String> {
    let mut out = HashMap::new();
    let Some(doc) = yaml::parse(text).ok().and_then(|d| d.into_iter().next()) else {
        return out;
    };
    let mut add = |catalog: &str, node: &Node| {
        for e in node.entries() {
            if let Some(r) = e.value.as_str() {
                out.insert((catalog.to_string(), e.key.clone()), r.to_string());
            }
        }
    };
    if let Some(c) = doc.get("catalog") {
        add("", c);
    }
    for named in doc.get("catalogs").map(Node::entries).unwrap_or_default() {
        add(&named.key, &named.value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_tokens() {
        assert_eq!(
            header_descriptors(r#""@a/b@^1", c@2, "d@npm:e@^3""#).expect("valid"),
            ["@a/b@^1", "c@2", "d@npm:e@^3"]
        );
        assert!(header_descriptors(r#""unterminated"#).is_err());
        assert_eq!(
            token(r#""a \"b\"" rest"#).expect("valid"),
            ("a \"b\"".to_string(), true, " rest")
        );
    }

    #[test]
    fn berry_locators() {
        let r = classify_locator("resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=9bd1a5")
            .expect("patch");
        assert_eq!(r.origin, Origin::Registry);
        assert_eq!(r.version.as_deref(), Some("1.22.8"));
        assert_eq!(r.patch.as_deref(), Some("optional!builtin<compat/resolve>"));
        let r = classify_locator("x@https://github.com/a/x.git#commit=abc").expect("git");
        assert_eq!(r.origin, Origin::Git);
        assert_eq!(r.vcs.as_deref(), Some("https://github.com/a/x.git@abc"));
        assert!(
            classify_locator("app@workspace:.")
                .expect("ws")
                .workspace_root
        );
        assert!(has_protocol("npm:^1") && !has_protocol("^1.0.0") && !has_protocol("1 || 2"));
    }

    #[test]
    fn resolution_rules() {
        let r = Rule::parse("ansi-escapes/type-fest", "^2.0.0").expect("rule");
        assert_eq!(r.from.as_deref(), Some("ansi-escapes"));
        assert!(r.applies("type-fest", "npm:^0.21.3", "ansi-escapes"));
        assert!(!r.applies("type-fest", "npm:^0.21.3", "other"));
        let r = Rule::parse("**/@types/node", "18.x").expect("rule");
        assert_eq!(
            (r.from, r.name.as_str(), r.range),
            (None, "@types/node", None)
        );
        let r = Rule::parse("@a/b@1.0.0/@c/d@^2", "3").expect("rule");
        assert_eq!(r.from.as_deref(), Some("@a/b"));
        assert!(r.applies("@c/d", "npm:^2", "@a/b"));
        assert!(!r.applies("@c/d", "npm:^3", "@a/b"));
    }
}
