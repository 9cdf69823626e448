//! Differential test against cargo-audit, RustSec's own scanner: the same lockfiles, the same
//! RustSec snapshot, offline, and the same answers.
//!
//! How the two databases correspond. RustSec keeps each advisory as Markdown with TOML front
//! matter (`crates/<crate>/RUSTSEC-YYYY-NNNN.md`); cargo-audit reads them from a git checkout
//! (`--db`). RustSec also publishes every one of them as an OSV record on its `osv` branch, which
//! osv.dev serves as `crates.io/all.zip`: the file `proven db update` imports. The OSV id is the
//! RUSTSEC id; `versions.patched`/`unaffected` become SEMVER ranges (`introduced: 0.0.0-0`,
//! `fixed`); `informational = "unmaintained" | "unsound" | "notice"` becomes
//! `affected[].database_specific.informational`; `withdrawn` and aliases carry over. The `rust/`
//! folder (toolchain advisories, under CVE ids) has no crates.io record, and cargo-audit does not
//! match it against a lockfile either.
//!
//! The snapshots. `data/rustsec/advisory-db` is RustSec's `main` at bf5c0d2 (2026-08-21) and
//! `data/osv/crates.io` its `osv` branch at 7fa931c, generated from it. Neither carries git
//! history or modification times, so the test checks the sameness on content: both hold the same
//! advisory ids with the same dates, crates, aliases, categories and withdrawn marks, but for one
//! record. The export still holds RUSTSEC-2025-0000, published under a placeholder id and
//! renumbered RUSTSEC-2025-0065 in the Markdown tree (same crate, aliases and ranges); the export
//! kept the old file. In our database the two cluster through their shared CVE, so it never adds
//! a finding, but per record it adds hits cargo-audit cannot have. The comparison allows exactly
//! that and nothing else: a RUSTSEC-2025-0000 hit only where RUSTSEC-2025-0065 hits the same
//! crate version for cargo-audit.
//!
//! What is compared, per lockfile: vulnerabilities as (advisory id, crate, version) and
//! informational advisories as (category, advisory id, crate, version), cargo-audit's
//! `vulnerabilities` and `warnings` against every record behind our findings (evidence `records`,
//! with `informational_records` naming the informational ones and their category; those are
//! findings of kind `advisory` unless their cluster also holds a vulnerability). Yanked crates are
//! left out (`--no-yanked`): that comes from the crates.io index, not from either database.
//! Lockfiles: every Cargo.lock of the corpus and of the fixtures; one generated from the export
//! with every crate an advisory names, at and around each range boundary (pre-releases and build
//! metadata included); one with a path and a git package named like vulnerable crates. With
//! cargo-audit 0.22.2 there is no discrepancy beyond the record above: both skip path and git
//! packages and agree on every boundary, pre-releases included.
//!
//! Skipped, saying why, without PROVEN_TESTDATA, git, or cargo-audit (`PROVEN_CARGO_AUDIT`, else
//! `cargo-audit` on PATH; `scripts/test.sh` sets the variable to the one
//! `scripts/install-test-tools.sh` finds or installs).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::{corpus_cargo_locks, import_crates_io, scan, testdata};

const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";

/// Records of the OSV export that the Markdown tree lacks, each with the record replacing it.
const EXPORT_ONLY: &[(&str, &str)] = &[("RUSTSEC-2025-0000", "RUSTSEC-2025-0065")];

/// A path and a git package named like vulnerable crates, and the registry release of one.
const SOURCES_LOCK: &str = r#"version = 3

[[package]]
name = "openssl"
version = "0.8.0"

[[package]]
name = "smallvec"
version = "0.6.9"
source = "git+https://github.com/servo/rust-smallvec?rev=0123456#0123456789abcdef0123456789abcdef01234567"

[[package]]
name = "time"
version = "0.1.40"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "failure"
version = "0.1.5"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

/// (advisory id, crate, version)
type Vuln = (String, String, String);
/// (category, advisory id, crate, version)
type Warning = (String, String, String, String);

#[derive(Debug, Default)]
struct Results {
    vulns: BTreeSet<Vuln>,
    warnings: BTreeSet<Warning>,
}

/// What both snapshots say about one advisory.
#[derive(Debug, PartialEq)]
struct Advisory {
    date: String,
    package: String,
    aliases: BTreeSet<String>,
    informational: Option<String>,
    withdrawn: bool,
}

fn cargo_audit() -> Option<PathBuf> {
    let found = std::env::var_os("PROVEN_CARGO_AUDIT")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|d| d.join("cargo-audit"))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        eprintln!("skipped: cargo-audit not found (set PROVEN_CARGO_AUDIT or put it on PATH; scripts/install-test-tools.sh installs it)");
    }
    found
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=snapshot",
            "-c",
            "user.email=snapshot@localhost",
        ])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Every Cargo.lock under a `fixtures` folder of the workspace's crates.
fn fixture_locks(dir: &Path, in_fixtures: bool, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = e.path();
        let inside = in_fixtures || e.file_name() == "fixtures";
        if e.file_type().expect("file type").is_dir() {
            fixture_locks(&path, inside, out);
        } else if in_fixtures && e.file_name() == "Cargo.lock" {
            out.push(path);
        }
    }
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// The OSV export's advisories, and per crate the versions at and around every range event and
/// every listed version.
fn export(
    data: &Path,
) -> (
    BTreeMap<String, Advisory>,
    BTreeMap<String, BTreeSet<String>>,
) {
    let file = std::fs::File::open(data.join("data/osv/crates.io/all.zip")).expect("export");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut advisories = BTreeMap::new();
    let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for i in 0..zip.len() {
        let mut text = String::new();
        zip.by_index(i)
            .expect("entry")
            .read_to_string(&mut text)
            .expect("read");
        let r: Value = serde_json::from_str(&text).expect("json");
        let affected = &r["affected"][0];
        let id = r["id"].as_str().expect("id").to_string();
        advisories.insert(
            id,
            Advisory {
                date: r["published"]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(10)
                    .collect(),
                package: affected["package"]["name"].as_str().unwrap_or("").into(),
                aliases: strings(&r["aliases"]),
                informational: affected["database_specific"]["informational"]
                    .as_str()
                    .map(str::to_string),
                withdrawn: r.get("withdrawn").is_some(),
            },
        );
        if r.get("withdrawn").is_some() {
            continue;
        }
        for a in r["affected"].as_array().into_iter().flatten() {
            let name = a["package"]["name"].as_str().expect("name").to_string();
            let events = a["ranges"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|r| r["events"].as_array().into_iter().flatten())
                .flat_map(|e| e.as_object().into_iter().flatten().map(|(_, v)| v));
            let listed = a["versions"].as_array().into_iter().flatten();
            let set = versions.entry(name).or_default();
            for v in events.chain(listed).filter_map(Value::as_str) {
                if v != "0" && v != "0.0.0-0" {
                    set.extend(around(v));
                }
            }
        }
    }
    (advisories, versions)
}

/// A version and its neighbours: next and previous patch and minor, pre-releases of it and of
/// the next minor, and the same version with build metadata.
fn around(v: &str) -> Vec<String> {
    let core = v.split(['-', '+']).next().unwrap_or(v);
    let nums: Option<Vec<u64>> = core.split('.').map(|n| n.parse().ok()).collect();
    let Some(&[major, minor, patch]) = nums.as_deref() else {
        return vec![v.to_string()];
    };
    let mut out = vec![
        v.to_string(),
        format!("{major}.{minor}.{}", patch + 1),
        format!("{major}.{}.0", minor + 1),
        format!("{major}.{}.0-rc.1", minor + 1),
    ];
    if patch > 0 {
        out.push(format!("{major}.{minor}.{}", patch - 1));
    }
    if minor > 0 {
        out.push(format!("{major}.{}.99", minor - 1));
    }
    if core == v {
        out.extend([
            format!("{v}-0"),
            format!("{v}-alpha.1"),
            format!("{v}+build.7"),
        ]);
    }
    out
}

/// The advisories of the Markdown tree, from their TOML front matter.
fn markdown(data: &Path) -> BTreeMap<String, Advisory> {
    let crates = data.join("data/rustsec/advisory-db/crates");
    let mut out = BTreeMap::new();
    for dir in std::fs::read_dir(&crates)
        .expect("advisory-db/crates")
        .flatten()
    {
        for file in std::fs::read_dir(dir.path())
            .expect("crate folder")
            .flatten()
        {
            let path = file.path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read");
            let front = text
                .split_once("```toml\n")
                .and_then(|(_, rest)| rest.split_once("\n```"))
                .map(|(toml, _)| toml)
                .unwrap_or_else(|| panic!("{}: no TOML front matter", path.display()));
            let t: toml::Value =
                toml::from_str(front).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let a = &t["advisory"];
            let text_of = |v: Option<&toml::Value>| {
                v.map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            };
            out.insert(
                text_of(a.get("id")).expect("id"),
                Advisory {
                    date: text_of(a.get("date")).unwrap_or_default(),
                    package: text_of(a.get("package")).unwrap_or_default(),
                    aliases: a
                        .get("aliases")
                        .and_then(|v| v.clone().try_into().ok())
                        .unwrap_or_default(),
                    informational: text_of(a.get("informational")),
                    withdrawn: a.get("withdrawn").is_some(),
                },
            );
        }
    }
    out
}

/// Both snapshots hold the same advisories but for `EXPORT_ONLY`.
fn check_same_snapshot(export: &BTreeMap<String, Advisory>, md: &BTreeMap<String, Advisory>) {
    let only_export: Vec<&String> = export.keys().filter(|k| !md.contains_key(*k)).collect();
    let only_md: Vec<&String> = md.keys().filter(|k| !export.contains_key(*k)).collect();
    let expected: Vec<&str> = EXPORT_ONLY.iter().map(|(stale, _)| *stale).collect();
    assert_eq!(only_export, expected, "advisories only in the OSV export");
    assert!(
        only_md.is_empty(),
        "advisories only in advisory-db: {only_md:?}"
    );
    for (id, a) in md {
        assert_eq!(&export[id], a, "{id} differs between the snapshots");
    }
    for (stale, replacement) in EXPORT_ONLY {
        let (s, r) = (&export[*stale], &md[*replacement]);
        assert_eq!(
            (&s.package, &s.aliases),
            (&r.package, &r.aliases),
            "{stale} is {replacement} under its placeholder id"
        );
    }
    eprintln!(
        "{} advisories agree in both snapshots (newest published {}); export-only: {expected:?}",
        md.len(),
        md.values().map(|a| a.date.as_str()).max().unwrap_or("")
    );
}

fn audit(bin: &Path, advisory_db: &Path, home: &Path, lock: &Path) -> Results {
    let out = Command::new(bin)
        .args(["audit", "--db"])
        .arg(advisory_db)
        .args(["--no-fetch", "--no-yanked", "--json", "-f"])
        .arg(lock)
        .env("CARGO_HOME", home)
        .output()
        .expect("cargo-audit runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "cargo-audit on {}: {}",
        lock.display(),
        support::printed(&out)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("cargo-audit JSON");
    let triple = |x: &Value| -> Vuln {
        let s = |v: &Value| v.as_str().expect("string").to_string();
        (
            s(&x["advisory"]["id"]),
            s(&x["package"]["name"]),
            s(&x["package"]["version"]),
        )
    };
    let mut r = Results::default();
    for x in v["vulnerabilities"]["list"].as_array().expect("list") {
        r.vulns.insert(triple(x));
    }
    for (category, list) in v["warnings"].as_object().expect("warnings") {
        for x in list.as_array().expect("list") {
            let (id, name, version) = triple(x);
            r.warnings.insert((category.clone(), id, name, version));
        }
    }
    r
}

/// Every record behind our findings, split by whether it is informational.
fn ours(report: &Value) -> Results {
    let mut r = Results::default();
    for f in report["findings"].as_array().expect("findings") {
        let ev = &f["evidence"];
        let text = |k: &str| ev[k].as_str().unwrap_or("").to_string();
        let name = text("package")
            .strip_prefix("crates.io/")
            .expect("a crates.io package")
            .to_string();
        let version = text("version");
        let informational: BTreeMap<String, String> = text("informational_records")
            .split(", ")
            .filter_map(|pair| pair.split_once(' '))
            .map(|(id, category)| (id.to_string(), category.to_string()))
            .collect();
        let records = text("records");
        let records: Vec<&str> = records.split(", ").collect();
        assert_eq!(
            f["kind"] == "advisory",
            records.iter().all(|id| informational.contains_key(*id)),
            "an advisory finding holds informational records only: {f:#}"
        );
        for id in records {
            match informational.get(id) {
                Some(category) => r.warnings.insert((
                    category.clone(),
                    id.to_string(),
                    name.clone(),
                    version.clone(),
                )),
                None => r
                    .vulns
                    .insert((id.to_string(), name.clone(), version.clone())),
            };
        }
    }
    r
}

fn differ<T: Ord + std::fmt::Debug>(what: &str, ours: &BTreeSet<T>, theirs: &BTreeSet<T>) {
    let only_ours: Vec<&T> = ours.difference(theirs).collect();
    let only_theirs: Vec<&T> = theirs.difference(ours).collect();
    assert!(
        only_ours.is_empty() && only_theirs.is_empty(),
        "{what}: only proven {only_ours:#?}\nonly cargo-audit {only_theirs:#?}"
    );
}

#[test]
fn same_findings_as_cargo_audit_on_the_same_snapshot() {
    let Some(data) = testdata("cargo_audit") else {
        return;
    };
    let Some(bin) = cargo_audit() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    if !git(tmp.path(), &["--version"]) {
        eprintln!("skipped: the git CLI is needed to make cargo-audit's advisory-db checkout");
        return;
    }
    match Command::new(&bin).arg("--version").output() {
        Ok(v) if v.status.success() => eprintln!("{}", String::from_utf8_lossy(&v.stdout).trim()),
        _ => {
            eprintln!("skipped: {} does not run", bin.display());
            return;
        }
    }

    let (advisories, versions) = export(&data);
    check_same_snapshot(&advisories, &markdown(&data));

    // cargo-audit reads a git checkout: commit the read-only snapshot into a repository of our
    // own (the snapshot is its work tree), then clone that.
    let snapshot = data.join("data/rustsec/advisory-db");
    let repo = tmp.path().join("snapshot.git").display().to_string();
    let advisory_db = tmp.path().join("advisory-db");
    let checkout = advisory_db.display().to_string();
    let git_dir = format!("--git-dir={repo}");
    let work_tree = format!("--work-tree={}", snapshot.display());
    for args in [
        vec!["init", "-q", "--bare", &repo],
        vec![&git_dir, &work_tree, "add", "-A"],
        vec![&git_dir, &work_tree, "commit", "-qm", "RustSec snapshot"],
        vec!["clone", "-q", &repo, &checkout],
    ] {
        assert!(git(tmp.path(), &args), "git {args:?}");
    }
    let db = tmp.path().join("db");
    import_crates_io(&data.join("data/osv"), &db);

    let mut locks = corpus_cargo_locks(&data);
    let crates = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crates folder");
    fixture_locks(crates, false, &mut locks);
    let boundaries = tmp.path().join("boundaries/Cargo.lock");
    let mut text = String::from("version = 3\n");
    for (name, vs) in &versions {
        for v in vs {
            text.push_str(&format!(
                "\n[[package]]\nname = \"{name}\"\nversion = \"{v}\"\nsource = \"{CRATES_IO}\"\n"
            ));
        }
    }
    let sources = tmp.path().join("sources/Cargo.lock");
    for (path, text) in [(&boundaries, text.as_str()), (&sources, SOURCES_LOCK)] {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    locks.extend([boundaries, sources]);

    let home = tmp.path().join("cargo-home");
    let (mut vulns, mut warnings, mut renumbered) = (0, BTreeSet::new(), 0);
    for lock in &locks {
        let theirs = audit(&bin, &advisory_db, &home, lock);
        let mut ours = ours(&scan(&db, lock, "json"));
        for (stale, replacement) in EXPORT_ONLY {
            let hits: Vec<Vuln> = ours
                .vulns
                .iter()
                .filter(|v| v.0 == *stale)
                .cloned()
                .collect();
            for (id, name, version) in hits {
                let twin = (replacement.to_string(), name.clone(), version.clone());
                assert!(
                    theirs.vulns.contains(&twin),
                    "{id} hits {name} {version} where {replacement} does not"
                );
                ours.vulns.remove(&(id, name, version));
                renumbered += 1;
            }
        }
        eprintln!(
            "{}: {} vulnerabilities, {} informational",
            lock.display(),
            theirs.vulns.len(),
            theirs.warnings.len()
        );
        differ(
            &format!("{}: vulnerabilities", lock.display()),
            &ours.vulns,
            &theirs.vulns,
        );
        differ(
            &format!("{}: informational advisories", lock.display()),
            &ours.warnings,
            &theirs.warnings,
        );
        vulns += theirs.vulns.len();
        warnings.extend(theirs.warnings.iter().map(|w| w.0.clone()));
    }
    // The comparison saw real answers of every kind, and the one snapshot difference.
    assert!(vulns > 1000, "{vulns} vulnerabilities in all");
    for category in ["unmaintained", "unsound", "notice"] {
        assert!(warnings.contains(category), "no {category} advisory seen");
    }
    assert!(
        renumbered > 0,
        "the RUSTSEC-2025-0000 allowance was never exercised"
    );
}
