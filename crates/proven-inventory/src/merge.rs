//! Folding per-file parse results into one inventory with global ids.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;

use proven_model::{Completeness, Component, Diagnostic, Hash, Inventory, Location, Manifest};

use crate::parsers::{ParseFailure, Parsed, ParserDef};
use crate::rootfs::{self, Installed};

/// The outcome of reading one file.
#[derive(Debug)]
pub struct FileResult {
    /// Path relative to the scan root.
    pub path: String,
    pub parser: &'static ParserDef,
    pub size: u64,
    /// SHA-256 and SHA-512 of the bytes.
    pub hashes: Vec<Hash>,
    /// Problems met before parsing (encoding, size).
    pub diagnostics: Vec<Diagnostic>,
    /// Set when the bytes were not all usable (not UTF-8, too large).
    pub incomplete: Option<String>,
    pub outcome: Result<Parsed, ParseFailure>,
}

/// The inventory id of a component: its purl when it names a version, else something unique to
/// the file that declared it.
fn global_id(c: &Component, path: &str) -> String {
    match (&c.purl, &c.version) {
        (Some(p), Some(_)) => p.to_string(),
        (Some(p), None) => format!("{p}#{path}"),
        (None, _) => format!(
            "{}@{}#{path}",
            c.full_name(),
            c.version.as_deref().unwrap_or("")
        ),
    }
}

/// Merges file results (in any order) into one inventory. The output is sorted and
/// deterministic.
pub fn merge(mut files: Vec<FileResult>) -> Inventory {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    rootfs::resolve_distros(&mut files);
    let mut installed = Installed::default();
    let mut components: BTreeMap<String, Component> = BTreeMap::new();
    let mut dependencies: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut manifests = Vec::with_capacity(files.len());
    let mut diagnostics = Vec::new();

    for file in files {
        diagnostics.extend(file.diagnostics);
        let mut manifest = Manifest {
            path: file.path.clone(),
            format: file.parser.name.to_string(),
            ecosystem: file.parser.ecosystem,
            completeness: Completeness::Complete,
            hashes: file.hashes,
            size: file.size,
            root: None,
            direct: BTreeSet::new(),
            components: BTreeSet::new(),
        };
        let mut incomplete = file.incomplete;
        match file.outcome {
            Err(failure) => {
                let location = Location {
                    path: file.path.clone(),
                    line: failure.line,
                    column: None,
                };
                diagnostics.push(Diagnostic::error(location, failure.message.clone()));
                incomplete = Some(format!("could not be parsed: {}", failure.message));
            }
            Ok(parsed) => {
                let quiet = parsed.not_a_manifest
                    && parsed.components.is_empty()
                    && parsed.diagnostics.is_empty()
                    && parsed.incomplete.is_none()
                    && incomplete.is_none();
                let mut package_ids = Vec::new();
                let facts = parsed.installed;
                manifest.format = parsed.format;
                diagnostics.extend(parsed.diagnostics);
                incomplete = incomplete.or(parsed.incomplete);
                let mut ids: HashMap<String, String> =
                    HashMap::with_capacity_and_hasher(parsed.components.len(), Default::default());
                for mut c in parsed.components {
                    let id = global_id(&c, &file.path);
                    ids.insert(std::mem::take(&mut c.id), id.clone());
                    if facts.as_ref().is_some_and(|f| f.packages.is_some()) {
                        package_ids.push((c.name.clone(), arch_of(&c), id.clone()));
                    }
                    manifest.components.insert(id.clone());
                    match components.get_mut(&id) {
                        Some(existing) => absorb(existing, c),
                        None => {
                            c.id = id.clone();
                            c.locations.sort();
                            c.locations.dedup();
                            components.insert(id, c);
                        }
                    }
                }
                // Grouped by hash, not sorted: sorting thousands of purl pairs compared them
                // byte by byte, a sixth of a large Cargo.lock's scan.
                let mut targets: HashMap<&String, Vec<&String>> = HashMap::default();
                for (from, to) in &parsed.edges {
                    if let (Some(f), Some(t)) = (ids.get(from), ids.get(to)) {
                        if f != t {
                            targets.entry(f).or_default().push(t);
                        }
                    }
                }
                for (from, to) in targets {
                    let to = to.into_iter().cloned();
                    match dependencies.get_mut(from) {
                        Some(known) => known.extend(to),
                        None => {
                            dependencies.insert(from.clone(), to.collect());
                        }
                    }
                }
                manifest.root = parsed.root.and_then(|r| ids.get(&r).cloned());
                manifest.direct = parsed
                    .direct
                    .iter()
                    .filter_map(|d| ids.get(d).cloned())
                    .collect();
                if let Some(facts) = facts {
                    installed.add(facts, package_ids);
                }
                if quiet {
                    continue;
                }
            }
        }
        if let Some(reason) = incomplete {
            manifest.completeness = Completeness::Incomplete(reason);
        }
        manifests.push(manifest);
    }
    installed.mark_owned(&mut components, &mut dependencies);
    diagnostics.sort();
    diagnostics.dedup();
    Inventory {
        components: components.into_values().collect(),
        dependencies,
        manifests,
        diagnostics,
    }
}

/// The `arch` qualifier of a component's purl.
fn arch_of(c: &Component) -> Option<String> {
    c.purl
        .as_ref()
        .and_then(|p| p.qualifiers().get("arch").cloned())
}

/// Folds a second sighting of the same component into the first.
fn absorb(existing: &mut Component, other: Component) {
    existing.scope = existing.scope.strongest(other.scope);
    for h in other.hashes {
        existing.add_hash(h);
    }
    existing.locations.extend(other.locations);
    existing.locations.sort();
    existing.locations.dedup();
    for (k, v) in other.properties {
        existing.properties.entry(k).or_insert(v);
    }
    if existing.licenses.is_empty() {
        existing.licenses = other.licenses;
    }
    if existing.author.is_none() {
        existing.author = other.author;
    }
    if existing.source.is_none() {
        existing.source = other.source;
    }
}
