//! The opened database: matching an inventory and turning hits into findings.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::time::Duration;

use foldhash::HashMap;
use proven_model::{
    Component, Ecosystem, Finding, FindingKind, Inventory, Location, Severity, SeverityLevel,
    Status,
};
use sha2::{Digest, Sha256};

use crate::eval::{evaluate, Hit, Outcome, VersionCache};
use crate::index::{ClusterEntry, Index, IndexBytes, IndexError, PackageEntry, VulnEntry};
use crate::names::{canonical_name, component_name, component_release, component_version, key};
use crate::order::Order;
use crate::severity::{self, Rated};
use crate::store::{io_err, read_snapshot, Layout, Snapshot, StoreError};

/// Why the database cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}; run `proven db update` to rebuild it")]
    Index {
        path: PathBuf,
        #[source]
        source: IndexError,
    },
}

/// A component that could not be evaluated: it is neither clean nor affected.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Unmatched {
    /// The component's inventory id.
    pub component: String,
    pub reason: String,
}

/// The result of matching an inventory.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MatchReport {
    /// One finding per (alias cluster, component), sorted by component then code.
    pub findings: Vec<Finding>,
    /// Components that could not be evaluated (unknown ordering, unparseable or missing version,
    /// ecosystem not in the database), with the reason. Never to be read as clean.
    pub unmatched: Vec<Unmatched>,
    /// Components not matched by design: from git, a path or a URL rather than a registry, or
    /// with no package ecosystem.
    pub skipped: Vec<Unmatched>,
    pub snapshot: Snapshot,
}

impl MatchReport {
    /// True when every component could be evaluated.
    pub fn is_complete(&self) -> bool {
        self.unmatched.is_empty()
    }
}

/// An opened vulnerability database. Opening reads the index file and no record.
#[derive(Debug)]
pub struct Database {
    folder: PathBuf,
    snapshot: Snapshot,
    index: Index,
}

/// One thread's matching state: its results, and the clusters and index entries it has
/// decoded so far.
#[derive(Default)]
struct Worker<'a> {
    out: Matched,
    clusters: HashMap<u32, ClusterEntry>,
    decoded: Decoded<'a>,
}

/// What one thread's share of the components gave.
#[derive(Default)]
struct Matched {
    findings: Vec<Finding>,
    unmatched: Vec<Unmatched>,
    skipped: Vec<Unmatched>,
}

/// One record that hit one component.
struct RecordHit<'a> {
    vuln: Rc<VulnEntry<'a>>,
    entry: Rc<Vec<PackageEntry<'a>>>,
    /// Position of the entry that hit in `entry`.
    at: usize,
    hits: Vec<Hit>,
}

impl<'a> RecordHit<'a> {
    fn entry(&self) -> &PackageEntry<'a> {
        &self.entry[self.at]
    }
}

/// What one matching run has decoded already: entries by key, records by position.
#[derive(Default)]
struct Decoded<'a> {
    entries: HashMap<Vec<u8>, Rc<Vec<PackageEntry<'a>>>>,
    vulns: HashMap<u32, Rc<VulnEntry<'a>>>,
}

/// Below this many components per thread, starting one costs more than it saves: a thread is
/// also a fresh allocator heap whose first pages the kernel must fault in and zero.
const MIN_PER_THREAD: usize = 1000;

impl Database {
    /// Opens the live snapshot of a database directory.
    pub fn open(dir: &Path) -> Result<Database, DbError> {
        let layout = Layout::new(dir);
        let folder = layout
            .live()?
            .ok_or_else(|| StoreError::Empty(dir.to_path_buf()))?;
        let snapshot = read_snapshot(&folder)?;
        let path = folder.join("index.bin");
        let file = fs::File::open(&path).map_err(io_err(&path))?;
        // A file system that cannot map files (some network and FUSE mounts) gets the file read.
        let bytes: IndexBytes = match crate::mapped::map(&file) {
            Ok(mapped) => mapped.into(),
            Err(_) => fs::read(&path).map_err(io_err(&path))?.into(),
        };
        let index = Index::from_bytes(bytes).map_err(|source| DbError::Index {
            path: path.clone(),
            source,
        })?;
        Ok(Database {
            folder,
            snapshot,
            index,
        })
    }

    /// What the live snapshot holds and where it came from.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The snapshot's folder.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// True when the data was last confirmed current longer ago than `max_age`.
    pub fn is_stale(&self, max_age: Duration) -> bool {
        self.snapshot.is_stale(max_age)
    }

    /// Size of the index file in bytes.
    pub fn index_len(&self) -> u64 {
        self.index.bytes().len() as u64
    }

    /// Re-hashes the index and compares it with the snapshot id.
    pub fn verify(&self) -> bool {
        hex(&Sha256::digest(self.index.bytes())) == self.snapshot.id
    }

    /// The OSV ecosystem names loaded.
    pub fn ecosystems(&self) -> impl Iterator<Item = &str> {
        self.index.meta().ecosystems.iter().map(|e| e.name.as_str())
    }

    /// Matches every component of an inventory.
    pub fn match_inventory(&self, inventory: &Inventory) -> MatchReport {
        self.match_components(&inventory.components)
    }

    /// Matches a list of components, large lists on every core.
    pub fn match_components(&self, components: &[Component]) -> MatchReport {
        let threads = if components.len() < 2 * MIN_PER_THREAD {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        };
        self.match_components_with(components, threads)
    }

    /// Matches a list of components on at most `threads` threads; the report is the same
    /// whatever their number.
    pub fn match_components_with(&self, components: &[Component], threads: usize) -> MatchReport {
        // Threads take components in batches of this many, so that a run of costly components
        // (one ecosystem's, since components come sorted by purl) does not land on one thread.
        const BATCH: usize = 64;
        let threads = threads
            .max(1)
            .min(components.len().div_ceil(MIN_PER_THREAD).max(1));
        let mut parts = if threads == 1 {
            let mut worker = Worker::default();
            self.match_chunk(components, &mut worker);
            vec![worker.out]
        } else {
            let next = AtomicUsize::new(0);
            let batches: Vec<&[Component]> = components.chunks(BATCH).collect();
            std::thread::scope(|scope| {
                let running: Vec<_> = (0..threads)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut worker = Worker::default();
                            while let Some(batch) =
                                batches.get(next.fetch_add(1, AtomicOrdering::Relaxed))
                            {
                                self.match_chunk(batch, &mut worker);
                            }
                            worker.out
                        })
                    })
                    .collect();
                running
                    .into_iter()
                    .map(|t| {
                        t.join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    })
                    .collect::<Vec<_>>()
            })
        }
        .into_iter();
        let mut report = parts.next().unwrap_or_default();
        for part in parts {
            report.findings.extend(part.findings);
            report.unmatched.extend(part.unmatched);
            report.skipped.extend(part.skipped);
        }
        // Unstable: component ids are unique in an inventory and a component gets one finding
        // per cluster, so no two findings compare equal; and it needs no scratch copy.
        report.findings.sort_unstable_by(|a, b| {
            (a.component.as_deref(), a.code.as_str(), a.kind).cmp(&(
                b.component.as_deref(),
                b.code.as_str(),
                b.kind,
            ))
        });
        report.unmatched.sort();
        report.skipped.sort();
        MatchReport {
            findings: report.findings,
            unmatched: report.unmatched,
            skipped: report.skipped,
            snapshot: self.snapshot.clone(),
        }
    }

    /// Matches a run of components into the worker's results, in component order, reusing the
    /// entries and clusters it has decoded so far.
    fn match_chunk<'a>(&'a self, components: &[Component], worker: &mut Worker<'a>) {
        let Worker {
            out,
            clusters,
            decoded,
        } = worker;
        for c in components {
            let unmatched = |reason: String| Unmatched {
                component: c.id.clone(),
                reason,
            };
            match self.match_component(c, decoded) {
                Verdict::Skipped(reason) => out.skipped.push(unmatched(reason)),
                Verdict::Unmatched(reason) => out.unmatched.push(unmatched(reason)),
                Verdict::Evaluated { hits, unknown } => {
                    for reason in unknown {
                        out.unmatched.push(unmatched(reason));
                    }
                    if let Err(e) = self.findings(c, hits, clusters, &mut out.findings) {
                        out.unmatched.push(unmatched(format!(
                            "index entry does not decode ({e}); run `proven db update --full`"
                        )));
                    }
                }
            }
        }
    }

    fn match_component<'a>(&'a self, c: &Component, decoded: &mut Decoded<'a>) -> Verdict<'a> {
        if let Some(owner) = c.properties.get("proven:owned-by") {
            return Verdict::Skipped(format!(
                "its files belong to the OS package {owner}, whose distribution advisories cover it"
            ));
        }
        if let Some(origin) = c.properties.get("proven:origin") {
            if origin != "registry" {
                return Verdict::Skipped(format!(
                    "{origin} source: OSV ranges describe registry releases"
                ));
            }
        }
        if c.ecosystem == Ecosystem::Generic {
            return Verdict::Skipped("no package ecosystem".into());
        }
        let base = c.ecosystem.osv_name();
        if !self.ecosystems().any(|e| e == base) {
            let loaded: Vec<&str> = self.ecosystems().collect();
            return Verdict::Unmatched(format!(
                "the database holds no {base} data (it has: {}); run `proven db update --ecosystem {base}`",
                loaded.join(", ")
            ));
        }
        let name = canonical_name(base, &component_name(c));
        let release = component_release(c);
        // A distribution's records are per release: without one, matching the release-less
        // records alone would pass the package as clean on evidence that never applied to it.
        if c.ecosystem.is_distro() && release.is_empty() {
            return Verdict::Unmatched(format!(
                "{base} package with no known distribution release (no os-release beside its \
                 package database, no `distro` qualifier); {base} advisories are per release"
            ));
        }
        // A release-scoped component also gets the records that name no release.
        let mut keys = vec![key(base, &release, &name)];
        if !release.is_empty() {
            keys.push(key(base, "", &name));
        }
        let mut entries: Vec<Rc<Vec<PackageEntry<'a>>>> = Vec::new();
        for k in keys {
            if let Some(found) = decoded.entries.get(&k) {
                entries.push(found.clone());
                continue;
            }
            match self.index.lookup(&k) {
                Ok(Some(e)) => {
                    let e = Rc::new(e);
                    decoded.entries.insert(k, e.clone());
                    entries.push(e);
                }
                Ok(None) => {}
                Err(e) => {
                    return Verdict::Unmatched(format!(
                        "index entry does not decode ({e}); run `proven db update --full`"
                    ));
                }
            }
        }
        let count: usize = entries.iter().map(|e| e.len()).sum();
        if count == 0 {
            return Verdict::Evaluated {
                hits: Vec::new(),
                unknown: Vec::new(),
            };
        }
        let package = format!("{base}/{name}");
        let Some(version) = component_version(c).filter(|v| !v.is_empty()) else {
            let why = c
                .requirement
                .as_deref()
                .map(|r| format!(" (requirement {r})"))
                .unwrap_or_default();
            return Verdict::Unmatched(format!(
                "no exact version{why}, and {count} advisories name {package}"
            ));
        };
        let mut cache = VersionCache::new(version);
        let mut hits = Vec::new();
        let mut unknown = Vec::new();
        let mut version_error: Option<String> = None;
        let mut unchecked: BTreeSet<String> = BTreeSet::new();
        let all = entries
            .iter()
            .flat_map(|list| (0..list.len()).map(move |at| (list, at)));
        for (list, at) in all {
            let entry = &list[at];
            let outcome = evaluate(base, entry, &mut cache);
            if outcome == Outcome::NotAffected {
                continue;
            }
            let vuln = match decoded.vulns.get(&entry.vuln) {
                Some(v) => v.clone(),
                None => match self.index.vuln(entry.vuln) {
                    Ok(v) => {
                        let v = Rc::new(v);
                        decoded.vulns.insert(entry.vuln, v.clone());
                        v
                    }
                    Err(e) => {
                        unknown.push(format!("index entry does not decode ({e})"));
                        continue;
                    }
                },
            };
            match outcome {
                Outcome::Affected(h) => hits.push(RecordHit {
                    vuln,
                    entry: list.clone(),
                    at,
                    hits: h,
                }),
                Outcome::NotAffected => {}
                Outcome::Unknown {
                    version: v,
                    entry: problems,
                } => {
                    if let Some(v) = v {
                        version_error.get_or_insert(v);
                        unchecked.insert(vuln.id.to_string());
                    }
                    if !problems.is_empty() {
                        unknown.push(format!(
                            "{} affected[{}] cannot be evaluated: {}",
                            vuln.id,
                            entry.affected,
                            problems.join("; ")
                        ));
                    }
                }
            }
        }
        if let Some(err) = version_error {
            let ids: Vec<&str> = unchecked.iter().map(String::as_str).collect();
            unknown.push(format!(
                "{err}; so {} of the advisories naming {package} could not be checked: {}",
                ids.len(),
                ids.join(", ")
            ));
        }
        Verdict::Evaluated { hits, unknown }
    }

    fn findings(
        &self,
        c: &Component,
        hits: Vec<RecordHit<'_>>,
        clusters: &mut HashMap<u32, ClusterEntry>,
        out: &mut Vec<Finding>,
    ) -> Result<(), IndexError> {
        if hits.is_empty() {
            return Ok(());
        }
        let mut by_cluster: BTreeMap<u32, Vec<RecordHit<'_>>> = BTreeMap::new();
        for h in hits {
            by_cluster.entry(h.vuln.cluster).or_default().push(h);
        }
        let purl = c.purl.as_ref().map(ToString::to_string).unwrap_or_else(|| {
            format!(
                "{}/{}@{}",
                c.ecosystem.osv_name(),
                component_name(c),
                c.version.as_deref().unwrap_or("")
            )
        });
        let first = out.len();
        for (cluster_id, mut group) in by_cluster {
            if let Entry::Vacant(slot) = clusters.entry(cluster_id) {
                slot.insert(self.index.cluster(cluster_id)?);
            }
            let cluster = &clusters[&cluster_id];
            group.sort_by(|a, b| {
                (a.vuln.id.as_ref(), a.entry().affected)
                    .cmp(&(b.vuln.id.as_ref(), b.entry().affected))
            });
            out.push(self.finding(c, &purl, cluster, &group));
        }
        // In report order already, so that sorting the whole report finds sorted runs.
        out[first..]
            .sort_unstable_by(|a, b| (a.code.as_str(), a.kind).cmp(&(b.code.as_str(), b.kind)));
        Ok(())
    }

    fn finding(
        &self,
        c: &Component,
        purl: &str,
        cluster: &ClusterEntry,
        group: &[RecordHit<'_>],
    ) -> Finding {
        // Each informational record keeps its own category: a cluster may join an `unsound` and
        // an `unmaintained` record, or an informational record and a vulnerability.
        let informational: BTreeMap<&str, &str> = group
            .iter()
            .filter_map(|h| Some((h.vuln.id.as_ref(), h.entry().informational.as_deref()?)))
            .collect();
        let categories: BTreeSet<&str> = informational.values().copied().collect();
        let advisory = group.iter().all(|h| h.entry().informational.is_some());
        let records: BTreeSet<&str> = group.iter().map(|h| h.vuln.id.as_ref()).collect();

        let mut evidence = BTreeMap::new();
        let mut matched = String::new();
        for h in group {
            for x in &h.hits {
                if !matched.is_empty() {
                    matched.push_str("; ");
                }
                let _ = write!(
                    matched,
                    "{} affected[{}] {}",
                    h.vuln.id,
                    h.entry().affected,
                    x.why
                );
            }
        }
        evidence.insert("matched".to_string(), matched);
        evidence.insert("records".to_string(), join(records.iter().copied(), ", "));
        if let Some(v) = component_version(c) {
            evidence.insert("version".to_string(), v.to_string());
        }
        evidence.insert(
            "package".to_string(),
            format!("{}/{}", c.ecosystem.osv_name(), component_name(c)),
        );
        evidence.insert("snapshot".to_string(), self.snapshot.id.clone());
        evidence.insert("snapshot_time".to_string(), self.snapshot.created.clone());
        let fixed: BTreeSet<&str> = group
            .iter()
            .flat_map(|h| {
                h.hits
                    .iter()
                    .flat_map(|x| x.fixed.iter().map(String::as_str))
            })
            .collect();
        if !fixed.is_empty() {
            evidence.insert("fixed".to_string(), join(fixed.iter().copied(), ", "));
        }
        if let Some(k) = &cluster.kev {
            evidence.insert(KEV.to_string(), k.date_added.clone());
            evidence.insert("kev_cve".to_string(), k.cve.clone());
            if let Some(d) = &k.due_date {
                evidence.insert("kev_due".to_string(), d.clone());
            }
            if let Some(r) = &k.ransomware {
                evidence.insert("kev_ransomware".to_string(), r.clone());
            }
        }
        if let Some(e) = &cluster.epss {
            evidence.insert(EPSS.to_string(), e.score.clone());
            evidence.insert(EPSS_PERCENTILE.to_string(), e.percentile.clone());
            evidence.insert("epss_cve".to_string(), e.cve.clone());
        }
        if !informational.is_empty() {
            evidence.insert(
                "informational".to_string(),
                join(categories.iter().copied(), ", "),
            );
            let mut by_record = String::new();
            for (id, category) in &informational {
                if !by_record.is_empty() {
                    by_record.push_str(", ");
                }
                let _ = write!(by_record, "{id} {category}");
            }
            evidence.insert("informational_records".to_string(), by_record);
        }

        let severity = self.severity(group, advisory);
        if let Some(src) = &severity.1 {
            evidence.insert("severity_from".to_string(), src.clone());
        }

        let title_record = group
            .iter()
            .find(|h| h.vuln.id == cluster.primary)
            .unwrap_or(&group[0]);
        let title = match (advisory, &title_record.entry().informational) {
            (true, Some(category)) => format!("{category}: {}", title_record.vuln.title),
            _ => title_record.vuln.title.to_string(),
        };

        let digest = Sha256::new()
            .chain_update(cluster.primary.as_bytes())
            .chain_update(b"\n")
            .chain_update(purl.as_bytes())
            .finalize();
        let fingerprint = hex(&digest[..16]);

        let references: BTreeSet<&str> = group
            .iter()
            .flat_map(|h| h.vuln.references.iter().map(AsRef::as_ref))
            .collect();
        let cwe: BTreeSet<&str> = group
            .iter()
            .flat_map(|h| h.vuln.cwe.iter().map(AsRef::as_ref))
            .collect();

        Finding {
            kind: if advisory {
                FindingKind::Advisory
            } else {
                FindingKind::Vulnerability
            },
            code: cluster.primary.clone(),
            aliases: cluster
                .ids
                .iter()
                .filter(|id| **id != cluster.primary)
                .cloned()
                .collect(),
            severity: severity.0,
            title,
            location: c
                .locations
                .first()
                .cloned()
                .unwrap_or_else(|| Location::file(purl)),
            component: Some(c.id.clone()),
            fingerprint,
            fix: fix_text(c, group),
            evidence,
            status: Status::Open,
            references: references.into_iter().map(str::to_string).collect(),
            cwe: cwe.into_iter().map(str::to_string).collect(),
            cra_clause: (!advisory).then(|| "I.2(a)".to_string()),
        }
    }

    /// CVSS (v4 else v3) of the hitting entries or records, the highest across the cluster; then
    /// the databases' ratings; else unknown (informational advisories: info).
    fn severity(&self, group: &[RecordHit<'_>], advisory: bool) -> (Severity, Option<String>) {
        let scored = group
            .iter()
            .filter_map(|h| {
                let scores = if h.entry().severity.is_empty() {
                    &h.vuln.severity
                } else {
                    &h.entry().severity
                };
                severity::from_cvss(scores, &h.vuln.id)
            })
            .reduce(Rated::max);
        let rated = scored.or_else(|| {
            group
                .iter()
                .filter_map(|h| {
                    let (rating, source): (&str, _) = match (&h.entry().rating, &h.vuln.rating) {
                        (Some(r), _) => (r, "ecosystem_specific.severity"),
                        (None, Some(r)) => (r.as_ref(), "database_specific.severity"),
                        (None, None) => return None,
                    };
                    severity::from_rating(rating, source, &h.vuln.id)
                })
                .reduce(Rated::max)
        });
        match rated {
            Some(r) => {
                let from = format!(
                    "{} of {}",
                    r.severity.source.as_deref().unwrap_or("rating"),
                    r.record
                );
                (r.severity, Some(from))
            }
            None if advisory => (
                Severity {
                    level: SeverityLevel::Info,
                    score: None,
                    vector: None,
                    source: Some("informational advisory".into()),
                },
                None,
            ),
            None => (
                Severity {
                    level: SeverityLevel::Unknown,
                    score: None,
                    vector: None,
                    source: None,
                },
                Some("no CVSS vector and no rating published".into()),
            ),
        }
    }
}

enum Verdict<'a> {
    Skipped(String),
    Unmatched(String),
    Evaluated {
        hits: Vec<RecordHit<'a>>,
        unknown: Vec<String>,
    },
}

/// "upgrade to X (or later)" from the `fixed` events closing the intervals that hit; the highest
/// when several records hit, so that one upgrade clears them all.
fn fix_text(c: &Component, group: &[RecordHit<'_>]) -> Option<String> {
    let base = c.ecosystem.osv_name();
    let order = Order::for_ecosystem(base);
    let mut best: Option<&str> = None;
    let mut unfixed = BTreeSet::new();
    for h in group {
        let fixes: Vec<&str> = h.hits.iter().filter_map(|x| x.fix.as_deref()).collect();
        if fixes.is_empty() {
            unfixed.insert(h.vuln.id.as_ref());
        }
        for f in fixes {
            best = Some(match (best, order) {
                (None, _) => f,
                (Some(b), Some(o)) => match (o.parse(b), o.parse(f)) {
                    (Ok(pb), Ok(pf)) if pf > pb => f,
                    _ => b,
                },
                (Some(b), None) => b,
            });
        }
    }
    let best = best?;
    let mut text = format!("upgrade to {best} (or later)");
    if !unfixed.is_empty() {
        text.push_str(&format!(
            "; {} names no fixed version",
            unfixed.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    Some(text)
}

/// Evidence key of the KEV `dateAdded`.
pub const KEV: &str = "kev";
/// Evidence key of the EPSS score.
pub const EPSS: &str = "epss";
/// Evidence key of the EPSS percentile.
pub const EPSS_PERCENTILE: &str = "epss_percentile";

/// Typed access to what the matcher puts in a finding's evidence.
pub trait VulnEvidence {
    /// The date the CVE was added to the CISA KEV catalog, when it is listed.
    fn kev_date_added(&self) -> Option<&str>;
    /// The EPSS probability (0..1), when scored.
    fn epss(&self) -> Option<f64>;
    /// The EPSS percentile (0..1), when scored.
    fn epss_percentile(&self) -> Option<f64>;
    /// The database snapshot the finding was matched against.
    fn snapshot_id(&self) -> Option<&str>;
}

impl VulnEvidence for Finding {
    fn kev_date_added(&self) -> Option<&str> {
        self.evidence.get(KEV).map(String::as_str)
    }
    fn epss(&self) -> Option<f64> {
        self.evidence.get(EPSS)?.parse().ok()
    }
    fn epss_percentile(&self) -> Option<f64> {
        self.evidence.get(EPSS_PERCENTILE)?.parse().ok()
    }
    fn snapshot_id(&self) -> Option<&str> {
        self.evidence.get("snapshot").map(String::as_str)
    }
}

/// The items with `sep` between them, without collecting them first.
fn join<'s>(items: impl Iterator<Item = &'s str>, sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item);
    }
    out
}

pub(crate) use proven_model::encoding::hex;
