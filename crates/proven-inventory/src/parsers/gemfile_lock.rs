//! Bundler's `Gemfile.lock`.
//!
//! One component per spec (`    name (version[-platform])`) of the GEM, GIT and PATH sections: a
//! platform build of a gem is its own artefact with its own checksum, so it is its own component,
//! with the platform as the purl `platform` qualifier. Six-space lines under a spec are its
//! dependency edges (to every spec of that name); DEPENDENCIES lists the direct ones; CHECKSUMS
//! (bundler 2.5+) gives SHA-256 digests. The lockfile records no groups: gems the sibling
//! `Gemfile` puts only in `development` or `test` groups (the ones a production install leaves
//! out with `BUNDLE_WITHOUT=development:test`), and what only they reach, are dev; every other
//! group ships.

use std::collections::{HashMap, HashSet};

use proven_model::{Component, Diagnostic, Ecosystem, Hash, Location};

use super::{Input, ParseFailure, Parsed, ParserDef};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "gemfile-lock",
    ecosystem: Ecosystem::RubyGems,
    matches: |name| name == "Gemfile.lock" || name == "gems.locked",
    parse,
    at_path: None,
    binary: false,
};

const RUBYGEMS: &[&str] = &["https://rubygems.org/", "https://rubygems.org"];

/// Which top-level section a line is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Source(SourceKind),
    Dependencies,
    Checksums,
    BundledWith,
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SourceKind {
    Gem,
    Git,
    Path,
}

/// A source section's `key: value` lines.
#[derive(Default, Clone)]
struct SourceInfo {
    remote: Option<String>,
    revision: Option<String>,
}

struct Spec {
    index: usize,
    deps: Vec<(String, u32)>,
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let loc = |line: u32| Location {
        path: input.path.to_string(),
        line: Some(line),
        column: None,
    };
    let mut parsed = Parsed::default();
    let mut section = Section::Other;
    let mut info = SourceInfo::default();
    // Components of the current source section, finished when the section ends.
    let mut pending: Vec<usize> = Vec::new();
    let mut specs: Vec<Spec> = Vec::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut direct_names: Vec<(String, u32)> = Vec::new();
    let mut bundler_version: Option<String> = None;
    let mut saw_section = false;

    let finish =
        |parsed: &mut Parsed, pending: &mut Vec<usize>, section: Section, info: &SourceInfo| {
            if let Section::Source(kind) = section {
                for i in pending.drain(..) {
                    if let Some(c) = parsed.components.get_mut(i) {
                        apply_source(c, kind, info);
                    }
                }
            }
            pending.clear();
        };

    for (i, raw) in input.text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let body = &raw[indent..];
        if indent == 0 {
            finish(&mut parsed, &mut pending, section, &info);
            info = SourceInfo::default();
            saw_section = true;
            section = match body {
                "GEM" => Section::Source(SourceKind::Gem),
                "GIT" => Section::Source(SourceKind::Git),
                "PATH" => Section::Source(SourceKind::Path),
                "DEPENDENCIES" => Section::Dependencies,
                "CHECKSUMS" => Section::Checksums,
                "BUNDLED WITH" => Section::BundledWith,
                // PLATFORMS, RUBY VERSION and sections of plugins name no gem.
                _ => Section::Other,
            };
            continue;
        }
        match (section, indent) {
            (Section::Source(_), 2) => {
                if let Some((key, value)) = body.split_once(": ") {
                    match key {
                        "remote" => info.remote = Some(value.to_string()),
                        "revision" => info.revision = Some(value.to_string()),
                        _ => {}
                    }
                }
            }
            (Section::Source(_), 4) => {
                let Some((name, full)) = name_and_paren(body) else {
                    bad_line(&mut parsed, loc(line), "`    name (version)`");
                    continue;
                };
                let Some(full) = full else {
                    bad_line(&mut parsed, loc(line), "`    name (version)`");
                    continue;
                };
                let (version, platform) = match full.split_once('-') {
                    Some((v, p)) => (v, Some(p)),
                    None => (full, None),
                };
                let mut c =
                    Component::new(Ecosystem::RubyGems, None, name, Some(version), loc(line));
                if let Some(p) = platform {
                    c.purl = c.purl.take().map(|purl| purl.with_qualifier("platform", p));
                    c.properties.insert("proven:platform".into(), p.into());
                }
                let key = format!("{name} ({full})");
                c.id = format!("{key} #{}", specs.len());
                let index = parsed.components.len();
                by_key.entry(key).or_insert(index);
                by_name.entry(name.to_string()).or_default().push(index);
                specs.push(Spec {
                    index,
                    deps: Vec::new(),
                });
                pending.push(index);
                parsed.components.push(c);
            }
            (Section::Source(_), 6) => match (name_and_paren(body), specs.last_mut()) {
                (Some((dep, _)), Some(spec)) => spec.deps.push((dep.to_string(), line)),
                _ => bad_line(&mut parsed, loc(line), "a dependency under a spec"),
            },
            (Section::Dependencies, 2) => match name_and_paren(body) {
                Some((name, _)) => {
                    direct_names.push((name.trim_end_matches('!').to_string(), line));
                }
                None => bad_line(&mut parsed, loc(line), "`  name (requirement)`"),
            },
            (Section::Checksums, 2) => {
                let Some((key, sums)) = body.rsplit_once(") ") else {
                    // A gem with no checksum (a path or git gem) is listed bare.
                    continue;
                };
                let key = format!("{key})");
                let Some(&index) = by_key.get(&key) else {
                    continue;
                };
                for sum in sums.split(',') {
                    match Hash::from_prefixed_hex(sum.trim()) {
                        Some(h) => {
                            if let Some(c) = parsed.components.get_mut(index) {
                                c.add_hash(h);
                            }
                        }
                        None => parsed.diagnostics.push(Diagnostic::warning(
                            loc(line),
                            format!("checksum `{sum}` of {key} is not `sha256=<hex>`"),
                        )),
                    }
                }
            }
            (Section::BundledWith, _) => bundler_version = Some(body.trim().to_string()),
            (Section::Other, _) => {}
            _ => bad_line(
                &mut parsed,
                loc(line),
                "two, four or six spaces of indentation",
            ),
        }
    }
    finish(&mut parsed, &mut pending, section, &info);
    if !saw_section {
        return Err(ParseFailure::at(
            1,
            "no GEM, GIT, PATH or DEPENDENCIES section; expected a Gemfile.lock",
        ));
    }

    for spec in &specs {
        let Some(from) = parsed.components.get(spec.index).map(|c| c.id.clone()) else {
            continue;
        };
        for (dep, _) in &spec.deps {
            // `bundler` itself is never locked as a spec; a gem only needed on platforms the
            // lockfile does not cover is not locked either.
            for &j in by_name.get(dep).into_iter().flatten() {
                if let Some(to) = parsed.components.get(j) {
                    parsed.edges.push((from.clone(), to.id.clone()));
                }
            }
        }
    }
    for (name, _) in &direct_names {
        for &j in by_name.get(name).into_iter().flatten() {
            if let Some(c) = parsed.components.get(j) {
                parsed.direct.push(c.id.clone());
            }
        }
    }

    if let Some(gemfile) = (input.sibling)("Gemfile") {
        let dev_only = dev_only_gems(&gemfile);
        let mut required = Vec::new();
        let mut dev = Vec::new();
        for (name, _) in &direct_names {
            let ids = by_name
                .get(name)
                .into_iter()
                .flatten()
                .filter_map(|&j| parsed.components.get(j))
                .map(|c| c.id.clone());
            if dev_only.contains(name.as_str()) {
                dev.extend(ids);
            } else {
                required.extend(ids);
            }
        }
        // Gems no direct gem reaches keep the required scope: the lockfile holds them for a
        // reason we cannot see.
        crate::graph::scopes_from_roots(&mut parsed, &required, &[], &dev);
    }

    parsed.format = match bundler_version {
        Some(v) => format!("Gemfile.lock (bundler {v})"),
        None => "Gemfile.lock".into(),
    };
    Ok(parsed)
}

fn bad_line(parsed: &mut Parsed, location: Location, expected: &str) {
    parsed.diagnostics.push(Diagnostic::error(
        location,
        format!("unreadable line; expected {expected}"),
    ));
    parsed.incomplete = Some("a line of the lockfile could not be read".into());
}

/// `name` or `name (inside)`, as bundler writes specs and requirements.
fn name_and_paren(body: &str) -> Option<(&str, Option<&str>)> {
    let body = body.trim_end();
    match body.split_once(" (") {
        Some((name, rest)) => {
            let inside = rest.strip_suffix(')')?;
            (!name.is_empty() && !name.contains(' ')).then_some((name, Some(inside)))
        }
        None => (!body.is_empty() && !body.contains(' ')).then_some((body, None)),
    }
}

fn apply_source(c: &mut Component, kind: SourceKind, info: &SourceInfo) {
    let remote = info.remote.as_deref().unwrap_or("");
    match kind {
        SourceKind::Gem => {
            c.properties
                .insert("proven:origin".into(), "registry".into());
            c.source = Some(remote.to_string()).filter(|r| !r.is_empty());
            if !remote.is_empty() && !RUBYGEMS.contains(&remote) {
                c.purl = c
                    .purl
                    .take()
                    .map(|p| p.with_qualifier("repository_url", remote));
            }
        }
        SourceKind::Git => {
            c.properties.insert("proven:origin".into(), "git".into());
            let vcs = match &info.revision {
                Some(rev) => format!("git+{remote}@{rev}"),
                None => format!("git+{remote}"),
            };
            c.purl = c.purl.take().map(|p| p.with_qualifier("vcs_url", &vcs));
            c.source = Some(vcs);
        }
        SourceKind::Path => {
            c.properties.insert("proven:origin".into(), "path".into());
            c.source = Some(remote.to_string()).filter(|r| !r.is_empty());
        }
    }
}

/// Gems the Gemfile declares only inside `development`/`test` groups (block or `group:` option).
fn dev_only_gems(gemfile: &str) -> HashSet<String> {
    let is_dev_group = |g: &str| matches!(g, "development" | "test");
    let mut stack: Vec<Option<Vec<String>>> = Vec::new();
    let mut dev: HashSet<String> = HashSet::new();
    let mut shipped: HashSet<String> = HashSet::new();
    for raw in gemfile.lines() {
        let line = raw.split(" #").next().unwrap_or(raw).trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let first = line.split_whitespace().next().unwrap_or("");
        if first == "end" {
            stack.pop();
            continue;
        }
        let opens_block = line.ends_with(" do") || line.contains(" do |");
        if first == "group" && opens_block {
            stack.push(Some(symbols(line)));
            continue;
        }
        if opens_block
            || matches!(
                first,
                "if" | "unless" | "case" | "begin" | "while" | "until"
            )
        {
            stack.push(None);
            continue;
        }
        if first != "gem" {
            continue;
        }
        let Some(name) = first_string(line) else {
            continue;
        };
        let mut groups: Vec<String> = stack.iter().flatten().flatten().cloned().collect();
        if let Some(opt) = line
            .split_once("group:")
            .or_else(|| line.split_once("groups:"))
            .or_else(|| line.split_once(":group =>"))
            .or_else(|| line.split_once(":groups =>"))
        {
            groups.extend(symbols(opt.1));
        }
        if !groups.is_empty() && groups.iter().all(|g| is_dev_group(g)) {
            dev.insert(name);
        } else {
            shipped.insert(name);
        }
    }
    dev.retain(|n| !shipped.contains(n));
    dev
}

/// The `:symbol` names in a line, up to a `do`.
fn symbols(line: &str) -> Vec<String> {
    let line = line.split(" do").next().unwrap_or(line);
    line.split(|c: char| c == ',' || c.is_whitespace() || c == '[' || c == ']')
        .filter_map(|t| t.strip_prefix(':'))
        .filter(|t| !t.is_empty())
        .map(|t| t.trim_matches(|c| c == '"' || c == '\'').to_string())
        .collect()
}

/// The first quoted string of a line.
fn first_string(line: &str) -> Option<String> {
    let start = line.find(['"', '\''])?;
    let quote = line[start..].chars().next()?;
    let rest = &line[start + 1..];
    let end = rest.find(quote)?;
    Some(rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemfile_groups() {
        let g = "source 'https://rubygems.org'\ngem 'rails'\ngroup :development, :test do\n  gem \"rspec\"\n  platforms :mri do\n    gem 'byebug'\n  end\n  gem 'rails'\nend\ngroup :tools do\n  gem 'rubocop'\nend\ngem 'pry', group: :development\ngem 'x', groups: [:test, :ci]\n";
        let dev = dev_only_gems(g);
        let mut dev: Vec<&str> = dev.iter().map(String::as_str).collect();
        dev.sort_unstable();
        assert_eq!(dev, ["byebug", "pry", "rspec"]);
        assert_eq!(
            name_and_paren("nokogiri (1.16.0-x86_64-linux)"),
            Some(("nokogiri", Some("1.16.0-x86_64-linux")))
        );
        assert_eq!(name_and_paren("rails!"), Some(("rails!", None)));
    }
}
