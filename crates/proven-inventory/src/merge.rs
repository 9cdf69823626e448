//! Folding per-file parse results into one inventory with global ids.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;

use proven_model::{Completeness, Component, Diagnostic, Hash, Inventory, Location, Manifest};

use crate::graph::Successors;
use crate::parsers::{ParseFailure, Parsed, ParserDef};
use crate::rootfs::{self, Installed};
use crate::walk::Detail;

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
        (Some(p), Some(_)) => p.canonical(),
        (Some(p), None) => format!("{p}#{path}"),
        (None, _) => format!(
            "{}@{}#{path}",
            c.full_name(),
            c.version.as_deref().unwrap_or("")
        ),
    }
}

/// Merges file results (in any order) into one inventory, with as much as `detail` asks for. The
/// output is sorted and deterministic.
pub fn merge(mut files: Vec<FileResult>, detail: Detail) -> Inventory {
    let graph = detail == Detail::Full;
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
                // Local id → position in `components`, for the graph and the manifest's root and
                // direct dependencies.
                let mut ids: HashMap<String, usize> = HashMap::with_capacity_and_hasher(
                    if graph { parsed.components.len() } else { 0 },
                    Default::default(),
                );
                let mut listed =
                    Vec::with_capacity(if graph { parsed.components.len() } else { 0 });
                // In place: the components new to the inventory move to the front, in order, and
                // each repeat is absorbed into the one it repeats. The first file's list then
                // becomes the inventory's without a copy (824 components are 360 KB).
                let mut incoming = parsed.components;
                let base = components.len();
                let mut kept = 0;
                for i in 0..incoming.len() {
                    let (new, rest) = incoming.split_at_mut(i);
                    let c = &mut rest[0];
                    let id = global_id(c, &file.path);
                    if facts.as_ref().is_some_and(|f| f.packages.is_some()) {
                        package_ids.push((c.name.clone(), arch_of(c), id.clone()));
                    }
                    if graph {
                        listed.push(id.clone());
                    }
                    match position.get(&id) {
                        Some(&at) => {
                            if graph {
                                ids.insert(std::mem::take(&mut c.id), at);
                            }
                            let existing = match at.checked_sub(base) {
                                Some(here) => &mut new[here],
                                None => &mut components[at],
                            };
                            absorb(existing, c);
                        }
                        None => {
                            let at = base + kept;
                            position.insert(id.clone(), at);
                            let local = std::mem::replace(&mut c.id, id);
                            if graph {
                                ids.insert(local, at);
                            }
                            c.locations.sort();
                            c.locations.dedup();
                            incoming.swap(kept, i);
                            kept += 1;
                        }
                    }
                }
                incoming.truncate(kept);
                if components.is_empty() {
                    components = incoming;
                } else {
                    components.append(&mut incoming);
                }
                if graph {
                    edges.reserve(parsed.edges.len());
                    edges.extend(parsed.edges.iter().filter_map(|(from, to)| {
                        let (&f, &t) = (ids.get(from)?, ids.get(to)?);
                        (f != t).then_some((f, t))
                    }));
                }
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
    let owned = installed.mark_owned(&mut components);
    if graph {
        for (owner, owned) in owned {
            if let Some(&from) = position.get(&owner) {
                edges.push((from, owned));
            }
        }
    }
    // Positions sorted by id, then the components put in that order.
    let mut rank = vec![0; components.len()];
    for (r, at) in sorted_by_id(&components).into_iter().enumerate() {
        rank[at] = r;
    }
    // Targets by source rank, each id cloned once per edge.
    let mut targets = Successors::new(
        components.len(),
        edges.iter().map(|&(from, to)| (rank[from], rank[to])),
    );
    // In place: each swap puts one component at its rank.
    for at in 0..components.len() {
        while rank[at] != at {
            let to = rank[at];
            components.swap(at, to);
            rank.swap(at, to);
        }
    }
    let id = |r: usize| components[r].id.clone();
    let dependencies: BTreeMap<String, BTreeSet<String>> = (0..components.len())
        .filter_map(|r| {
            let to = targets.of_mut(r);
            to.sort_unstable();
            (!to.is_empty()).then(|| (id(r), to.iter().map(|&t| id(t)).collect()))
        })
        .collect();
    diagnostics.sort();
    diagnostics.dedup();
    Inventory {
        components,
        dependencies,
        manifests,
        diagnostics,
    }
}

/// The positions of components in the byte order of their ids. Ids mostly share a long prefix
/// (`pkg:cargo/`): each is compared first by the eight bytes after the prefix all share, as one
/// integer, and in full only when those are equal.
fn sorted_by_id(components: &[Component]) -> Vec<usize> {
    let shared = components.first().map_or(0, |first| {
        let first = first.id.as_bytes();
        components.iter().fold(first.len(), |len, c| {
            let id = c.id.as_bytes();
            (0..len.min(id.len()))
                .find(|&i| first[i] != id[i])
                .unwrap_or(len.min(id.len()))
        })
    });
    let key = |id: &str| {
        let mut word = [0u8; 8];
        let rest = &id.as_bytes()[shared..];
        let n = rest.len().min(8);
        word[..n].copy_from_slice(&rest[..n]);
        u64::from_be_bytes(word)
    };
    let mut by_id: Vec<(u64, &str, usize)> = components
        .iter()
        .enumerate()
        .map(|(at, c)| (key(&c.id), c.id.as_str(), at))
        .collect();
    by_id.sort_unstable();
    by_id.into_iter().map(|(_, _, at)| at).collect()
}

/// The `arch` qualifier of a component's purl.
fn arch_of(c: &Component) -> Option<String> {
    c.purl
        .as_ref()
        .and_then(|p| p.qualifiers().get("arch").cloned())
}

/// Folds a second sighting of the same component into the first, moving what it adds out of
/// `other` (which is dropped next).
fn absorb(existing: &mut Component, other: &mut Component) {
    existing.scope = existing.scope.strongest(other.scope);
    for h in std::mem::take(&mut other.hashes) {
        existing.add_hash(h);
    }
    existing.locations.append(&mut other.locations);
    existing.locations.sort();
    existing.locations.dedup();
    for (k, v) in std::mem::take(&mut other.properties) {
        existing.properties.entry(k).or_insert(v);
    }
    if existing.licenses.is_empty() {
        existing.licenses = std::mem::take(&mut other.licenses);
    }
    if existing.author.is_none() {
        existing.author = other.author.take();
    }
    if existing.source.is_none() {
        existing.source = other.source.take();
    }
}

#[cfg(test)]
mod tests {
    use proven_model::{Ecosystem, Scope};

    use super::*;

    /// A file result listing `(name, line, scope)` crates, each with the local id `name@line`.
    fn file(path: &str, crates: &[(&str, u32, Scope)]) -> FileResult {
        let components = crates
            .iter()
            .map(|&(name, line, scope)| {
                let location = Location::line(path, line);
                let mut c = Component::new(Ecosystem::Cargo, None, name, Some("1.0.0"), location);
                c.id = format!("{name}@{line}");
                c.scope = scope;
                c
            })
            .collect();
        FileResult {
            path: path.to_string(),
            parser: crate::PARSERS[0],
            size: 0,
            hashes: Vec::new(),
            diagnostics: Vec::new(),
            incomplete: None,
            outcome: Ok(Parsed {
                components,
                edges: vec![("b@2".into(), "a@3".into()), ("c@4".into(), "a@1".into())],
                ..Parsed::default()
            }),
        }
    }

    #[test]
    fn repeats_within_and_across_files_are_absorbed_into_the_first() {
        use Scope::{Dev, Required};
        // In x, a is listed twice (as a dev-dependency, then as one that ships); y lists it again.
        let files = || {
            vec![
                file("y/Cargo.lock", &[("a", 7, Dev), ("d", 8, Dev)]),
                file(
                    "x/Cargo.lock",
                    &[
                        ("a", 1, Dev),
                        ("b", 2, Dev),
                        ("a", 3, Required),
                        ("c", 4, Dev),
                    ],
                ),
            ]
        };
        for detail in [Detail::Full, Detail::Components] {
            let inv = merge(files(), detail);
            let got: Vec<(&str, Scope, Vec<String>)> = inv
                .components
                .iter()
                .map(|c| {
                    let at = c
                        .locations
                        .iter()
                        .map(|l| format!("{}:{}", l.path, l.line.unwrap_or(0)));
                    (c.name.as_str(), c.scope, at.collect())
                })
                .collect();
            let at = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            assert_eq!(
                got,
                [
                    (
                        "a",
                        Required,
                        at(&["x/Cargo.lock:1", "x/Cargo.lock:3", "y/Cargo.lock:7"])
                    ),
                    ("b", Dev, at(&["x/Cargo.lock:2"])),
                    ("c", Dev, at(&["x/Cargo.lock:4"])),
                    ("d", Dev, at(&["y/Cargo.lock:8"])),
                ],
                "{detail:?}"
            );
            let edges: Vec<(&str, usize)> = inv
                .dependencies
                .iter()
                .map(|(from, to)| (from.as_str(), to.len()))
                .collect();
            match detail {
                Detail::Full => assert_eq!(
                    edges,
                    [("pkg:cargo/b@1.0.0", 1), ("pkg:cargo/c@1.0.0", 1)],
                    "both local ids of a lead to it"
                ),
                Detail::Components => assert!(edges.is_empty()),
            }
        }
    }

    #[test]
    fn ids_sort_in_byte_order_whatever_their_shared_prefix() {
        let sets: [&[&str]; 4] = [
            &[
                "pkg:cargo/foo@1.0.0",
                "pkg:cargo/foo-bar@1.0.0",
                "pkg:cargo/foo@0.9.0",
                "pkg:cargo/fo@1",
                "pkg:cargo/foobarbazqux@2",
                "pkg:cargo/foobarbazquux@2",
                "pkg:cargo/foobarbazqux@1",
                "pkg:cargo/f",
            ],
            &["pkg:npm/a@1", "pkg:cargo/a@1", "pkg:golang/x@v1", "a@1#x"],
            &["same", "same-but-longer", "sam"],
            &["x"],
        ];
        for ids in sets {
            let components: Vec<Component> = ids
                .iter()
                .map(|id| {
                    let mut c = Component::new(
                        proven_model::Ecosystem::Generic,
                        None,
                        "n",
                        None,
                        Location::file("f"),
                    );
                    c.id = id.to_string();
                    c
                })
                .collect();
            let sorted: Vec<&str> = sorted_by_id(&components)
                .into_iter()
                .map(|at| ids[at])
                .collect();
            let mut expected = ids.to_vec();
            expected.sort_unstable();
            assert_eq!(sorted, expected);
        }
        assert!(sorted_by_id(&[]).is_empty());
    }
}
