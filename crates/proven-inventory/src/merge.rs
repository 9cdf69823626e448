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
    // Components in the order first seen, found by id; sorted at the end. (A map of ids to
    // components moved each component, some 400 bytes, as its nodes filled and split.)
    let mut components: Vec<Component> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::default();
    // Edges between positions in `components`, gathered unsorted and turned into sorted sets of
    // ids once at the end (inserting purls into sorted sets compared them over and over).
    let mut edges: Vec<(usize, usize)> = Vec::new();
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
                // Local id → position in `components`.
                let mut ids: HashMap<String, usize> =
                    HashMap::with_capacity_and_hasher(parsed.components.len(), Default::default());
                components.reserve(parsed.components.len());
                let mut listed = Vec::with_capacity(parsed.components.len());
                for mut c in parsed.components {
                    let id = global_id(&c, &file.path);
                    if facts.as_ref().is_some_and(|f| f.packages.is_some()) {
                        package_ids.push((c.name.clone(), arch_of(&c), id.clone()));
                    }
                    listed.push(id.clone());
                    match position.get(&id) {
                        Some(&at) => {
                            ids.insert(std::mem::take(&mut c.id), at);
                            absorb(&mut components[at], c);
                        }
                        None => {
                            let at = components.len();
                            position.insert(id.clone(), at);
                            ids.insert(std::mem::replace(&mut c.id, id), at);
                            c.locations.sort();
                            c.locations.dedup();
                            components.push(c);
                        }
                    }
                }
                edges.extend(parsed.edges.iter().filter_map(|(from, to)| {
                    let (&f, &t) = (ids.get(from)?, ids.get(to)?);
                    (f != t).then_some((f, t))
                }));
                let id_of = |local: &String| ids.get(local).map(|&at| components[at].id.clone());
                manifest.components = listed.into_iter().collect();
                manifest.root = parsed.root.as_ref().and_then(id_of);
                manifest.direct = parsed.direct.iter().filter_map(id_of).collect();
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
    for (owner, owned) in installed.mark_owned(&mut components) {
        if let Some(&from) = position.get(&owner) {
            edges.push((from, owned));
        }
    }
    // Positions sorted by id, then each component moved once.
    let mut order: Vec<usize> = (0..components.len()).collect();
    order.sort_unstable_by(|&a, &b| components[a].id.cmp(&components[b].id));
    let mut rank = vec![0; order.len()];
    for (r, &at) in order.iter().enumerate() {
        rank[at] = r;
    }
    // Edges in id order, each id cloned once per edge.
    let mut ranked: Vec<(usize, usize)> = edges
        .into_iter()
        .map(|(from, to)| (rank[from], rank[to]))
        .collect();
    ranked.sort_unstable();
    ranked.dedup();
    let id = |r: usize| components[order[r]].id.clone();
    let dependencies: BTreeMap<String, BTreeSet<String>> = ranked
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| (id(run[0].0), run.iter().map(|&(_, to)| id(to)).collect()))
        .collect();
    let mut slots: Vec<Option<Component>> = components.into_iter().map(Some).collect();
    let components: Vec<Component> = order.iter().filter_map(|&i| slots[i].take()).collect();
    diagnostics.sort();
    diagnostics.dedup();
    Inventory {
        components,
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
