//! From checked records to index parts: keys, pre-compiled ranges, alias clusters, feeds.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::feeds::{EpssTable, KevCatalog};
use crate::index::{
    ClusterEntry, CompiledRange, EcosystemMeta, EpssMark, FeedMeta, IndexEvent, IndexParts,
    KevMark, Meta, PackageEntry, VulnEntry,
};
use crate::names::{canonical_name, key, split_ecosystem};
use crate::order::Order;
use std::borrow::Cow;

use crate::osv::{Affected, EventKind, Range, RangeKind, Record};

/// Counts per loaded ecosystem, gathered while reading its sources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EcosystemCounts {
    pub records: u32,
    pub withdrawn: u32,
    pub skipped: u32,
}

/// Builds the index parts. `records` holds one record per id; only `affected[]` entries of the
/// loaded ecosystems are indexed, withdrawn records are left out.
pub fn build(
    records: &BTreeMap<String, Record>,
    ecosystems: &BTreeMap<String, EcosystemCounts>,
    kev: Option<&KevCatalog>,
    epss: Option<&EpssTable>,
) -> IndexParts {
    let live: Vec<&Record> = records.values().filter(|r| !r.withdrawn).collect();
    let (cluster_of, clusters) = clusters(&live, kev, epss);

    let mut packages: BTreeMap<Vec<u8>, Vec<PackageEntry<'static>>> = BTreeMap::new();
    let mut vulns = Vec::with_capacity(live.len());
    for (i, r) in live.iter().enumerate() {
        let vuln = u32::try_from(i).expect("fewer than 2^32 records");
        for a in &r.affected {
            let (base, release) = split_ecosystem(&a.ecosystem);
            if !ecosystems.contains_key(base) {
                continue;
            }
            let k = key(base, release, &canonical_name(base, &a.name));
            packages
                .entry(k)
                .or_default()
                .push(compile_affected(vuln, base, a));
        }
        let owned = |v: &[String]| v.iter().cloned().map(Cow::Owned).collect();
        vulns.push(VulnEntry {
            id: Cow::Owned(r.id.clone()),
            modified: Cow::Owned(r.modified.to_string()),
            published: r.published.clone().map(Cow::Owned),
            title: Cow::Owned(r.title.clone()),
            aliases: owned(&r.aliases),
            severity: r.severity.clone(),
            rating: r.rating.clone().map(Cow::Owned),
            cwe: owned(&r.cwe),
            references: owned(&r.references),
            cluster: cluster_of[i],
        });
    }

    let meta = Meta {
        ecosystems: ecosystems
            .iter()
            .map(|(name, c)| EcosystemMeta {
                name: name.clone(),
                records: c.records,
                withdrawn: c.withdrawn,
                skipped: c.skipped,
            })
            .collect(),
        kev: kev.map(|k| FeedMeta {
            version: k.version.clone(),
            date: k.released.clone(),
            entries: u32::try_from(k.entries.len()).unwrap_or(u32::MAX),
        }),
        epss: epss.map(|e| FeedMeta {
            version: e.model.clone(),
            date: e.score_date.clone(),
            entries: u32::try_from(e.scores.len()).unwrap_or(u32::MAX),
        }),
    };
    IndexParts {
        meta,
        packages: packages.into_iter().collect(),
        vulns,
        clusters,
    }
}

fn compile_affected(vuln: u32, base: &str, a: &Affected) -> PackageEntry<'static> {
    let order = Order::for_ecosystem(base);
    let mut parsed = Vec::new();
    let mut raw_versions = Vec::new();
    // A line break cannot be part of a version any component has; such an entry never matches.
    for v in a.versions.iter().filter(|v| !v.contains('\n')) {
        match order.map(|o| o.parse(v)) {
            Some(Ok(p)) => parsed.push((p, v.clone())),
            _ => raw_versions.push(v.clone()),
        }
    }
    sort_total(&mut parsed, |a, b| {
        a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1))
    });
    raw_versions.sort();
    raw_versions.dedup();
    PackageEntry {
        vuln,
        affected: u32::try_from(a.index).unwrap_or(u32::MAX),
        versions: Cow::Owned(
            parsed
                .into_iter()
                .map(|(_, s)| s)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        raw_versions: Cow::Owned(raw_versions.join("\n")),
        ranges: a.ranges.iter().map(|r| compile_range(base, r)).collect(),
        severity: a.severity.clone(),
        rating: a.rating.clone(),
        informational: a.informational.clone(),
    }
}

/// Sorts the events by the ordering, once, so matching is a single pass.
fn compile_range(base: &str, r: &Range) -> CompiledRange<'static> {
    if r.kind == RangeKind::Git {
        return CompiledRange::Git {
            repo: Cow::Owned(r.repo.clone().unwrap_or_default()),
        };
    }
    let Some(order) = Order::for_range(base, r.kind) else {
        return CompiledRange::Unevaluable {
            kind: r.kind,
            reason: Cow::Owned(format!("no version ordering for ecosystem {base}")),
        };
    };
    let mut events = Vec::with_capacity(r.events.len());
    let mut limits = Vec::new();
    let mut unlimited = true;
    let mut infinite_limit = false;
    for e in &r.events {
        if e.kind == EventKind::Limit {
            if e.version.contains('*') {
                infinite_limit = true;
                continue;
            }
            unlimited = false;
        }
        let parsed = if e.kind == EventKind::Introduced && e.version == "0" {
            None
        } else {
            match order.parse(&e.version) {
                Ok(v) => Some(v),
                Err(err) => {
                    return CompiledRange::Unevaluable {
                        kind: r.kind,
                        reason: Cow::Owned(format!("{} {:?}: {err}", e.kind.as_str(), e.version)),
                    };
                }
            }
        };
        if e.kind == EventKind::Limit {
            limits.push(Cow::Owned(e.version.clone()));
        } else {
            events.push((parsed, e));
        }
    }
    if infinite_limit {
        unlimited = true;
        limits.clear();
    }
    // Stable: events of equal versions keep the record's order. `None` ("0") sorts first.
    sort_total(&mut events, |a, b| match (&a.0, &b.0) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(y),
    });
    CompiledRange::Ordered {
        kind: r.kind,
        events: events
            .into_iter()
            .map(|(_, e)| IndexEvent {
                kind: e.kind,
                version: Cow::Owned(e.version.clone()),
            })
            .collect(),
        limits,
        unlimited,
    }
}

/// Connected components over `id` + `aliases` (never `related`: a related record is another bug).
/// Returns each record's cluster and the clusters, in the order of their first record.
fn clusters(
    records: &[&Record],
    kev: Option<&KevCatalog>,
    epss: Option<&EpssTable>,
) -> (Vec<u32>, Vec<ClusterEntry>) {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    for r in records {
        for s in std::iter::once(r.id.as_str()).chain(r.aliases.iter().map(String::as_str)) {
            if !ids.contains_key(s) {
                ids.insert(s, parent.len());
                parent.push(parent.len());
            }
        }
    }
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for r in records {
        let a = ids[r.id.as_str()];
        for alias in &r.aliases {
            let b = ids[alias.as_str()];
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    let mut members: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
    for (&s, &i) in &ids {
        let root = find(&mut parent, i);
        members.entry(root).or_default().insert(s);
    }
    let mut cluster_of = Vec::with_capacity(records.len());
    let mut number: HashMap<usize, u32> = HashMap::new();
    let mut out = Vec::new();
    for r in records {
        let root = find(&mut parent, ids[r.id.as_str()]);
        let n = *number.entry(root).or_insert_with(|| {
            let set = &members[&root];
            out.push(cluster_entry(set, kev, epss));
            u32::try_from(out.len() - 1).expect("fewer than 2^32 clusters")
        });
        cluster_of.push(n);
    }
    (cluster_of, out)
}

fn cluster_entry(
    ids: &BTreeSet<&str>,
    kev: Option<&KevCatalog>,
    epss: Option<&EpssTable>,
) -> ClusterEntry {
    let primary = ids
        .iter()
        .copied()
        .min_by(|a, b| id_preference(a).cmp(&id_preference(b)))
        .unwrap_or_default()
        .to_string();
    let cves: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|s| s.starts_with("CVE-"))
        .collect();
    let kev = kev.and_then(|k| {
        cves.iter()
            .filter_map(|c| k.entries.get(*c).map(|e| (*c, e)))
            .min_by(|a, b| a.1.date_added.cmp(&b.1.date_added).then(a.0.cmp(b.0)))
            .map(|(cve, e)| KevMark {
                cve: cve.to_string(),
                date_added: e.date_added.clone(),
                due_date: e.due_date.clone(),
                ransomware: e.ransomware.clone(),
            })
    });
    let epss = epss.and_then(|t| {
        cves.iter()
            .filter_map(|c| t.scores.get(*c).map(|s| (*c, s)))
            .max_by(|a, b| {
                let score = |s: &str| s.parse::<f64>().unwrap_or(0.0);
                score(&a.1 .0).total_cmp(&score(&b.1 .0)).then(b.0.cmp(a.0))
            })
            .map(|(cve, (score, percentile))| EpssMark {
                cve: cve.to_string(),
                score: score.clone(),
                percentile: percentile.clone(),
            })
    });
    ClusterEntry {
        primary,
        ids: ids.iter().map(|s| s.to_string()).collect(),
        kev,
        epss,
    }
}

/// Which id names a cluster: the earliest CVE, else a GHSA, else the smallest id.
fn id_preference(id: &str) -> (u8, u64, u64, &str) {
    if let Some(rest) = id.strip_prefix("CVE-") {
        if let Some((year, num)) = rest.split_once('-') {
            if let (Ok(y), Ok(n)) = (year.parse(), num.parse()) {
                return (0, y, n, id);
            }
        }
        return (1, 0, 0, id);
    }
    if id.starts_with("GHSA-") {
        return (2, 0, 0, id);
    }
    (3, 0, 0, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_numbers_compare_as_numbers() {
        let mut ids = ["CVE-2021-12345", "GHSA-x", "CVE-2021-9999", "PYSEC-1"];
        ids.sort_by_key(|s| id_preference(s));
        assert_eq!(
            ids,
            ["CVE-2021-9999", "CVE-2021-12345", "GHSA-x", "PYSEC-1"]
        );
    }
}

/// A stable insertion sort that never panics. Some orderings are not total for odd spellings
/// (Maven's own `ComparableVersion` is not transitive for a few), and the standard sorts may panic
/// on such a comparator; this one only yields some order.
fn sort_total<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && cmp(&v[j - 1], &v[j]) == Ordering::Greater {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod sort_tests {
    use super::*;

    #[test]
    fn sorts_and_survives_an_inconsistent_order() {
        let mut v = vec![5, 3, 9, 1, 3];
        sort_total(&mut v, |a, b| a.cmp(b));
        assert_eq!(v, [1, 3, 3, 5, 9]);
        // Rock-paper-scissors: no total order exists; the sort must still end without a panic.
        let mut rps = vec![0u8, 1, 2, 0, 1, 2, 2, 1, 0];
        sort_total(&mut rps, |a, b| match (a, b) {
            _ if a == b => Ordering::Equal,
            (0, 1) | (1, 2) | (2, 0) => Ordering::Less,
            _ => Ordering::Greater,
        });
        assert_eq!(rps.len(), 9);
    }
}
