//! The storage alternatives compared in `crates/README.md`, measured on the shared OSV exports:
//! `PROVEN_TESTDATA=… cargo test --release -p proven-vulndb --lib alternatives -- --ignored --nocapture`

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::archive;
use crate::build::{build, EcosystemCounts};
use crate::index::{encode, Index, PackageEntry};
use crate::osv::Record;

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

fn read_all(osv: &Path) -> (BTreeMap<String, Record>, BTreeMap<String, EcosystemCounts>) {
    let mut records = BTreeMap::new();
    let mut counts = BTreeMap::new();
    for eco in ["crates.io", "Go", "PyPI"] {
        let c = archive::read(&osv.join(eco).join("all.zip"), eco, false, &mut |_, _| {})
            .expect("export reads");
        counts.insert(eco.to_string(), EcosystemCounts::default());
        for (_, r) in c.records {
            records.insert(r.id.clone(), r);
        }
    }
    (records, counts)
}

#[test]
#[ignore = "measurement; run in release mode with --nocapture"]
fn alternatives() {
    let Some(data) = std::env::var_os("PROVEN_TESTDATA") else {
        eprintln!("skipped: PROVEN_TESTDATA is not set");
        return;
    };
    let osv = Path::new(&data).join("data/osv");
    const RUNS: usize = 11;

    // Baseline without an index: read and parse every record (serde_json) on every run.
    let mut parse = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let (records, _) = read_all(&osv);
        parse.push(t.elapsed());
        assert!(records.len() > 8000);
    }

    let (records, counts) = read_all(&osv);
    let t = Instant::now();
    let parts = build(&records, &counts, None, None);
    let bytes = encode(&parts).expect("encodes");
    let build_time = t.elapsed();
    let keys: Vec<Vec<u8>> = parts.packages.iter().map(|(k, _)| k.clone()).collect();
    // 5,000 lookups spread over every key.
    let probe: Vec<&Vec<u8>> = (0..5000).map(|i| &keys[i * keys.len() / 5000]).collect();

    // Ours: read whole, look up in place, decode one package's entries per lookup.
    let mut open = Vec::new();
    let mut look = Vec::new();
    for _ in 0..RUNS {
        let copy = bytes.clone();
        let t = Instant::now();
        let index = Index::from_bytes(copy).expect("opens");
        open.push(t.elapsed());
        let t = Instant::now();
        let mut n = 0;
        for k in &probe {
            n += index.lookup(k).expect("reads").expect("found").len();
        }
        look.push(t.elapsed());
        assert!(n >= 5000);
    }

    // Eager: one postcard blob of every entry, decoded whole into a hash map at open.
    let eager_bytes =
        postcard::to_allocvec(&(&parts.packages, &parts.vulns, &parts.clusters)).expect("encodes");
    type Eager<'a> = (
        Vec<(Vec<u8>, Vec<PackageEntry<'a>>)>,
        Vec<crate::index::VulnEntry<'a>>,
        Vec<crate::index::ClusterEntry>,
    );
    let mut eager_open = Vec::new();
    let mut eager_look = Vec::new();
    for _ in 0..RUNS {
        let copy = eager_bytes.clone();
        let t = Instant::now();
        let (packages, vulns, clusters): Eager<'_> = postcard::from_bytes(&copy).expect("decodes");
        let map: HashMap<Vec<u8>, Vec<PackageEntry<'_>>> = packages.into_iter().collect();
        eager_open.push(t.elapsed());
        let t = Instant::now();
        let n: usize = probe.iter().map(|k| map[*k].len()).sum();
        eager_look.push(t.elapsed());
        assert!(n >= 5000 && !vulns.is_empty() && !clusters.is_empty());
    }

    // The same without borrowing: every string owned, as a plain serde model would decode it.
    let mut owned_open = Vec::new();
    for _ in 0..RUNS {
        let copy = eager_bytes.clone();
        let t = Instant::now();
        let (packages, vulns, clusters): Eager<'_> = postcard::from_bytes(&copy).expect("decodes");
        let owned: HashMap<Vec<u8>, Vec<PackageEntry<'static>>> = packages
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(owned_entry).collect()))
            .collect();
        owned_open.push(t.elapsed());
        assert!(!owned.is_empty() && !vulns.is_empty() && !clusters.is_empty());
    }

    let index = Index::from_bytes(bytes.clone()).expect("opens");
    let all: usize = index.packages().map(|p| p.expect("reads").1.len()).sum();
    println!(
        "records {} keys {} entries {all}",
        records.len(),
        keys.len()
    );
    println!("build + encode: {:.0} ms", build_time.as_secs_f64() * 1e3);
    println!(
        "no index (serde_json, every record, every run): {:.0} ms",
        median(parse)
    );
    println!(
        "ours: {} bytes, open {:.2} ms, 5,000 lookups {:.2} ms",
        bytes.len(),
        median(open),
        median(look)
    );
    println!(
        "eager postcard (borrowed strings): {} bytes, open {:.2} ms, 5,000 lookups {:.2} ms",
        eager_bytes.len(),
        median(eager_open),
        median(eager_look)
    );
    println!(
        "eager postcard (owned strings): open {:.2} ms",
        median(owned_open)
    );
}

fn owned_entry(e: PackageEntry<'_>) -> PackageEntry<'static> {
    use crate::index::{CompiledRange, IndexEvent};
    use std::borrow::Cow;
    let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
    PackageEntry {
        vuln: e.vuln,
        affected: e.affected,
        versions: own(e.versions),
        raw_versions: own(e.raw_versions),
        ranges: e
            .ranges
            .into_iter()
            .map(|r| match r {
                CompiledRange::Ordered {
                    kind,
                    events,
                    limits,
                    unlimited,
                } => CompiledRange::Ordered {
                    kind,
                    events: events
                        .into_iter()
                        .map(|ev| IndexEvent {
                            kind: ev.kind,
                            version: own(ev.version),
                        })
                        .collect(),
                    limits: limits.into_iter().map(own).collect(),
                    unlimited,
                },
                CompiledRange::Git { repo } => CompiledRange::Git { repo: own(repo) },
                CompiledRange::Unevaluable { kind, reason } => CompiledRange::Unevaluable {
                    kind,
                    reason: own(reason),
                },
            })
            .collect(),
        severity: e.severity,
        rating: e.rating,
        informational: e.informational,
    }
}
