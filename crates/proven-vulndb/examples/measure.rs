//! Measurements behind the numbers in `crates/README.md`. Run in release mode, under
//! `/usr/bin/time -v` for peak memory:
//!
//! ```text
//! cargo run --release -p proven-vulndb --example measure -- import $PROVEN_TESTDATA /tmp/db
//! cargo run --release -p proven-vulndb --example measure -- match  $PROVEN_TESTDATA /tmp/db
//! ```
//!
//! `match` builds a 5,000-component inventory: every package of the corpus lockfiles (Cargo.lock,
//! go.sum, poetry.lock, uv.lock), topped up with packages named by the OSV records themselves, one
//! version each, taken from a range event, so that the run has real hits. With `STRESS=1` the top-up
//! takes every event version of every record instead: many versions of the packages with the most
//! advisories, about ten findings per component.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use proven_model::{Component, Ecosystem, Inventory, Location};
use proven_vulndb::{update, Database, NoReporter, Source, UpdateOptions};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(cmd), Some(data), Some(db)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: measure import|match <testdata> <db dir>");
        std::process::exit(2);
    };
    let (data, db) = (Path::new(data), Path::new(db));
    match cmd.as_str() {
        "import" => import(data, db),
        "match" => matching(data, db),
        _ => {
            eprintln!("unknown command {cmd}");
            std::process::exit(2);
        }
    }
}

fn import(data: &Path, db: &Path) {
    let _ = std::fs::remove_dir_all(db);
    let t = Instant::now();
    let s = update(
        db,
        &Source::Dir(data.join("data/osv")),
        &[Ecosystem::Cargo, Ecosystem::Go, Ecosystem::PyPI],
        &UpdateOptions::default(),
        &NoReporter,
    )
    .expect("import");
    let took = t.elapsed();
    let st = proven_vulndb::status(db).expect("status");
    println!("import: {:.2} s", took.as_secs_f64());
    for (name, e) in &s.snapshot.ecosystems {
        println!(
            "  {name}: {} records, {} withdrawn, {} skipped",
            e.records,
            e.withdrawn,
            e.skipped.len()
        );
    }
    println!(
        "index: {} bytes; directory: {} bytes",
        st.index_size, st.disk_size
    );
    println!("snapshot: {}", s.snapshot.id);
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn matching(data: &Path, db: &Path) {
    let want = std::env::var("COMPONENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5000);
    let inventory = inventory(data, want);
    let mut opens = Vec::new();
    let mut matches = Vec::new();
    let mut last = None;
    for _ in 0..21 {
        let t = Instant::now();
        let database = Database::open(db).expect("open");
        opens.push(t.elapsed());
        let t = Instant::now();
        let report = database.match_inventory(&inventory);
        matches.push(t.elapsed());
        last = Some(report);
    }
    let report = last.expect("ran");
    let vulns = report
        .findings
        .iter()
        .filter(|f| f.kind == proven_model::FindingKind::Vulnerability)
        .count();
    println!(
        "components: {}; findings: {} ({} vulnerabilities, {} advisories); unmatched: {}; skipped: {}",
        inventory.components.len(),
        report.findings.len(),
        vulns,
        report.findings.len() - vulns,
        report.unmatched.len(),
        report.skipped.len()
    );
    println!(
        "open: median {:.2} ms; match: median {:.2} ms (21 runs)",
        median(opens).as_secs_f64() * 1e3,
        median(matches).as_secs_f64() * 1e3
    );
    if std::env::var_os("SHOW").is_some() {
        for u in report.unmatched.iter().take(20) {
            println!("unmatched {}: {}", u.component, u.reason);
        }
        for f in report.findings.iter().take(5) {
            println!("{}", serde_json::to_string_pretty(f).expect("json"));
        }
    }
}

/// Components of the corpus lockfiles, then packages named by OSV records.
fn inventory(data: &Path, want: usize) -> Inventory {
    let mut seen = BTreeSet::new();
    let mut out: Vec<Component> = Vec::new();
    let mut add = |eco: Ecosystem,
                   group: Option<&str>,
                   name: &str,
                   version: &str,
                   out: &mut Vec<Component>| {
        if seen.insert((
            eco,
            group.map(str::to_string),
            name.to_string(),
            version.to_string(),
        )) {
            let mut c = Component::new(eco, group, name, Some(version), Location::file("corpus"));
            c.id = format!(
                "{eco}/{}{name}@{version}",
                group.map(|g| format!("{g}/")).unwrap_or_default()
            );
            c.properties
                .insert("proven:origin".into(), "registry".into());
            out.push(c);
        }
    };
    let corpus = data.join("corpus/lockfiles");
    for (folder, file, eco) in [
        ("cargo", "Cargo.lock", Ecosystem::Cargo),
        ("poetry", "poetry.lock", Ecosystem::PyPI),
        ("uv", "uv.lock", Ecosystem::PyPI),
    ] {
        for project in std::fs::read_dir(corpus.join(folder))
            .expect("corpus")
            .flatten()
        {
            let Ok(text) = std::fs::read_to_string(project.path().join(file)) else {
                continue;
            };
            let lock: toml::Value = toml::from_str(&text).expect("toml");
            for p in lock
                .get("package")
                .and_then(|p| p.as_array())
                .into_iter()
                .flatten()
            {
                let (Some(n), Some(v)) = (
                    p.get("name").and_then(|n| n.as_str()),
                    p.get("version").and_then(|v| v.as_str()),
                ) else {
                    continue;
                };
                // Only registry packages: path and git packages are not matched.
                if eco == Ecosystem::Cargo && p.get("source").is_none() {
                    continue;
                }
                add(eco, None, n, v, &mut out);
            }
        }
    }
    for project in std::fs::read_dir(corpus.join("go"))
        .expect("corpus")
        .flatten()
    {
        let Ok(text) = std::fs::read_to_string(project.path().join("go.sum")) else {
            continue;
        };
        for line in text.lines() {
            let mut f = line.split_whitespace();
            let (Some(module), Some(version)) = (f.next(), f.next()) else {
                continue;
            };
            if version.ends_with("/go.mod") {
                continue;
            }
            let (ns, name) = module
                .rsplit_once('/')
                .map_or((None, module), |(a, b)| (Some(a), b));
            add(Ecosystem::Go, ns, name, version, &mut out);
        }
    }
    let real = out.len();
    let stress = std::env::var_os("STRESS").is_some();
    let mut named = BTreeSet::new();
    'top: for (folder, eco) in [
        ("PyPI", Ecosystem::PyPI),
        ("Go", Ecosystem::Go),
        ("crates.io", Ecosystem::Cargo),
    ] {
        let file =
            std::fs::File::open(data.join("data/osv").join(folder).join("all.zip")).expect("zip");
        let mut zip = zip::ZipArchive::new(file).expect("zip");
        for i in 0..zip.len() {
            if out.len() >= want {
                break 'top;
            }
            let mut text = String::new();
            zip.by_index(i)
                .expect("entry")
                .read_to_string(&mut text)
                .expect("read");
            let v: serde_json::Value = serde_json::from_str(&text).expect("json");
            for a in v["affected"].as_array().into_iter().flatten() {
                let name = a["package"]["name"].as_str().unwrap_or_default();
                if !stress && !named.insert((eco, name.to_string())) {
                    continue;
                }
                let ordered = a["ranges"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|r| r["type"] != "GIT");
                let events = ordered
                    .and_then(|r| r["events"].as_array())
                    .cloned()
                    .unwrap_or_default();
                for e in events {
                    let version = e
                        .get("introduced")
                        .or_else(|| e.get("fixed"))
                        .and_then(|x| x.as_str())
                        .filter(|x| *x != "0");
                    if let Some(version) = version {
                        let version = if eco == Ecosystem::Go {
                            format!("v{version}")
                        } else {
                            version.to_string()
                        };
                        let (ns, n) = match eco {
                            Ecosystem::Go => name
                                .rsplit_once('/')
                                .map_or((None, name), |(a, b)| (Some(a), b)),
                            _ => (None, name),
                        };
                        add(eco, ns, n, &version, &mut out);
                        if !stress {
                            break;
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "inventory: {real} components from the corpus lockfiles, {} from OSV records",
        out.len() - real
    );
    out.truncate(want);
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Inventory {
        components: out,
        ..Inventory::default()
    }
}
