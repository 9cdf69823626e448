//! `update` end to end: the real OSV exports through a loopback HTTP server and by folder import,
//! interrupted downloads, damaged archives, invalid records, incremental updates, feeds.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use proven_model::Ecosystem;
use proven_vulndb::{
    status, update, Database, FeedSource, NoReporter, Source, UpdateError, UpdateMode,
    UpdateOptions,
};
use sha2::{Digest, Sha256};
use support::{testdata, Behaviour, Server};

const ALL: [Ecosystem; 3] = [Ecosystem::Cargo, Ecosystem::Go, Ecosystem::PyPI];

fn index_bytes(dir: &Path) -> Vec<u8> {
    let db = Database::open(dir).expect("opens");
    fs::read(db.folder().join("index.bin")).expect("index")
}

fn sha256(path: &Path) -> String {
    let bytes = fs::read(path).expect("read");
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A zip of `(name, bytes)` entries.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, options).expect("entry");
        w.write_all(bytes).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

fn write_osv_folder(root: &Path, ecosystem: &str, zip: &[u8]) {
    fs::create_dir_all(root.join(ecosystem)).expect("mkdir");
    fs::write(root.join(ecosystem).join("all.zip"), zip).expect("write");
}

#[test]
fn http_download_and_folder_import_give_identical_databases() {
    let Some(data) = testdata() else { return };
    let osv = data.join("data/osv");
    let server = Server::start(Behaviour {
        root: Some(osv.clone()),
        ..Behaviour::default()
    });
    let over_http = tempfile::tempdir().expect("tmp");
    let by_folder = tempfile::tempdir().expect("tmp");
    let opts = UpdateOptions::default();

    let a = update(
        over_http.path(),
        &Source::parse(&server.url()),
        &ALL,
        &opts,
        &NoReporter,
    )
    .expect("http import");
    // A folder names its ecosystems itself: none given means every `<Ecosystem>/all.zip` in it.
    let b = update(
        by_folder.path(),
        &Source::Dir(osv.clone()),
        &[],
        &opts,
        &NoReporter,
    )
    .expect("folder import");
    let empty = tempfile::tempdir().expect("tmp");
    assert!(matches!(
        update(
            empty.path(),
            &Source::parse(&server.url()),
            &[],
            &opts,
            &NoReporter
        ),
        Err(UpdateError::NoEcosystems)
    ));

    assert!(a.changed && b.changed);
    assert_eq!(a.snapshot.id, b.snapshot.id, "same content hash");
    assert_eq!(index_bytes(over_http.path()), index_bytes(by_folder.path()));
    assert!(server
        .requests()
        .iter()
        .any(|r| r.path == "/crates.io/all.zip" && r.status == 200));

    // Counts and source hashes are recorded per ecosystem.
    let s = &a.snapshot;
    assert_eq!(
        s.ecosystems["crates.io"].records + s.ecosystems["crates.io"].withdrawn,
        1206
    );
    assert_eq!(s.ecosystems["crates.io"].withdrawn, 13);
    assert_eq!(
        s.ecosystems["Go"].records + s.ecosystems["Go"].withdrawn,
        4291
    );
    assert_eq!(
        s.ecosystems["PyPI"].records + s.ecosystems["PyPI"].withdrawn,
        2661
    );
    for name in ["crates.io", "Go", "PyPI"] {
        let f = &s.ecosystems[name].files[0];
        assert_eq!(f.path, format!("{name}/all.zip"));
        assert_eq!(f.sha256, sha256(&osv.join(name).join("all.zip")), "{name}");
        assert!(
            s.ecosystems[name].skipped.is_empty(),
            "{:?}",
            s.ecosystems[name].skipped
        );
    }
    assert_eq!(s.source, server.url());

    let st = status(over_http.path()).expect("status");
    assert!(st.intact, "{st:?}");
    assert_eq!(
        st.snapshot.as_ref().map(|s| s.id.as_str()),
        Some(a.snapshot.id.as_str())
    );
    assert!(st.partial_downloads.is_empty());
}

#[test]
fn an_interrupted_download_leaves_the_previous_database_and_resumes() {
    let Some(data) = testdata() else { return };
    let osv = data.join("data/osv");
    let dir = tempfile::tempdir().expect("tmp");
    let opts = UpdateOptions::default();
    let first = update(
        dir.path(),
        &Source::Dir(osv.clone()),
        &[Ecosystem::Cargo],
        &opts,
        &NoReporter,
    )
    .expect("first import");

    let cut_after = 300_000;
    let server = Server::start(Behaviour {
        root: Some(osv.clone()),
        cut: Some(("/PyPI/all.zip".into(), cut_after, 1)),
        ..Behaviour::default()
    });
    let source = Source::parse(&server.url());
    let both = [Ecosystem::Cargo, Ecosystem::PyPI];
    let err = update(dir.path(), &source, &both, &opts, &NoReporter).expect_err("dropped mid-body");
    let text = err.to_string();
    assert!(matches!(err, UpdateError::Fetch(_)), "{text}");
    assert!(text.contains("interrupted after 300000 bytes"), "{text}");
    assert!(text.contains("PyPI/all.zip"), "{text}");

    // The previous database is untouched and still opens.
    let db = Database::open(dir.path()).expect("previous still opens");
    assert_eq!(db.snapshot().id, first.snapshot.id);
    assert!(db.verify());
    let st = status(dir.path()).expect("status");
    assert_eq!(st.partial_downloads, ["PyPI/all.zip (300000 bytes)"]);

    // The next run continues where the last one stopped.
    let done = update(dir.path(), &source, &both, &opts, &NoReporter).expect("resumed");
    let pypi = done
        .ecosystems
        .iter()
        .find(|e| e.name == "PyPI")
        .expect("PyPI");
    assert!(
        matches!(
            pypi.mode,
            UpdateMode::Full {
                resumed_from: 300_000,
                ..
            }
        ),
        "{:?}",
        pypi.mode
    );
    let ranged: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/PyPI/all.zip")
        .collect();
    assert_eq!(ranged.len(), 2, "{ranged:?}");
    assert_eq!(ranged[1].range.as_deref(), Some("bytes=300000-"));
    assert!(ranged[1].if_range.is_some());
    assert_eq!(ranged[1].status, 206);

    let fresh = tempfile::tempdir().expect("tmp");
    let reference =
        update(fresh.path(), &Source::Dir(osv), &both, &opts, &NoReporter).expect("import");
    assert_eq!(done.snapshot.id, reference.snapshot.id);
    assert!(status(dir.path())
        .expect("status")
        .partial_downloads
        .is_empty());
}

#[test]
fn a_damaged_zip_fails_the_update_and_keeps_the_previous_database() {
    let Some(data) = testdata() else { return };
    let osv = data.join("data/osv");
    let dir = tempfile::tempdir().expect("tmp");
    let opts = UpdateOptions::default();
    let first = update(
        dir.path(),
        &Source::Dir(osv.clone()),
        &[Ecosystem::Cargo],
        &opts,
        &NoReporter,
    )
    .expect("first import");

    // Flip bytes in the middle of the compressed data: the CRC (or inflate) must catch it.
    let mut bytes = fs::read(osv.join("crates.io/all.zip")).expect("zip");
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 64] {
        *b ^= 0x5a;
    }
    let bad = tempfile::tempdir().expect("tmp");
    write_osv_folder(bad.path(), "crates.io", &bytes);
    let err = update(
        dir.path(),
        &Source::Dir(bad.path().to_path_buf()),
        &[Ecosystem::Cargo],
        &opts,
        &NoReporter,
    )
    .expect_err("damaged");
    let text = err.to_string();
    assert!(matches!(err, UpdateError::Archive(_)), "{text}");
    assert!(text.contains("all.zip"), "{text}");
    assert!(text.contains("damaged"), "{text}");

    // Not a zip at all.
    write_osv_folder(bad.path(), "crates.io", b"<html>rate limited</html>");
    let err = update(
        dir.path(),
        &Source::Dir(bad.path().to_path_buf()),
        &[Ecosystem::Cargo],
        &opts,
        &NoReporter,
    )
    .expect_err("not a zip");
    assert!(
        err.to_string().contains("not a readable zip archive"),
        "{err}"
    );

    let db = Database::open(dir.path()).expect("previous still opens");
    assert_eq!(db.snapshot().id, first.snapshot.id);
    // A damaged complete download is not kept for resuming.
    assert!(status(dir.path())
        .expect("status")
        .partial_downloads
        .is_empty());
    // No build folder is left behind.
    let leftovers: Vec<PathBuf> = fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("tmp-"))
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

const GOOD: &str = r#"{"id":"PYSEC-0000-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2099-0001"],
 "affected":[{"package":{"ecosystem":"PyPI","name":"demo"},
   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2"}]}]}]}"#;
const NO_MODIFIED: &str = r#"{"id":"PYSEC-0000-2",
 "affected":[{"package":{"ecosystem":"PyPI","name":"demo"},
   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}"#;
const BAD_RANGE: &str = r#"{"id":"PYSEC-0000-3","modified":"2024-01-01T00:00:00Z",
 "affected":[{"package":{"ecosystem":"PyPI","name":"demo"},
   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1.0"}]}]}]}"#;

/// Validates documents against the official OSV schema with the Python `jsonschema` package
/// (an independent validator); `None` when it is not installed.
fn schema_valid(data: &Path, docs: &[&str]) -> Option<Vec<bool>> {
    let script = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.validators.validator_for(schema)(schema)
for doc in json.load(sys.stdin):
    print("valid" if v.is_valid(doc) else "invalid")
"#;
    let docs: Vec<serde_json::Value> = docs
        .iter()
        .map(|d| serde_json::from_str(d).expect("test json"))
        .collect();
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(data.join("schemas/osv/osv-schema.json"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(serde_json::to_string(&docs).expect("json").as_bytes())
        .ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        eprintln!(
            "schema check skipped: python3 with jsonschema is not available ({})",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l == "valid")
            .collect(),
    )
}

#[test]
fn invalid_records_are_left_out_and_named() {
    let Some(data) = testdata() else { return };
    if let Some(valid) = schema_valid(&data, &[GOOD, NO_MODIFIED, BAD_RANGE]) {
        assert_eq!(valid, [true, false, false], "the official schema agrees");
    }
    let src = tempfile::tempdir().expect("tmp");
    write_osv_folder(
        src.path(),
        "PyPI",
        &zip_of(&[
            ("PYSEC-0000-1.json", GOOD.as_bytes()),
            ("PYSEC-0000-2.json", NO_MODIFIED.as_bytes()),
            ("PYSEC-0000-3.json", BAD_RANGE.as_bytes()),
            ("PYSEC-0000-4.json", b"{not json"),
        ]),
    );
    let dir = tempfile::tempdir().expect("tmp");
    let s = update(
        dir.path(),
        &Source::Dir(src.path().to_path_buf()),
        &[Ecosystem::PyPI],
        &UpdateOptions::default(),
        &NoReporter,
    )
    .expect("the valid records are imported");
    let eco = &s.snapshot.ecosystems["PyPI"];
    assert_eq!(eco.records, 1);
    let skipped: BTreeMap<&str, &str> = eco
        .skipped
        .iter()
        .map(|s| (s.file.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert_eq!(
        skipped["PyPI/all.zip:PYSEC-0000-2.json"],
        "missing `modified`"
    );
    assert!(skipped["PyPI/all.zip:PYSEC-0000-3.json"].contains("more than one kind"));
    assert!(skipped["PyPI/all.zip:PYSEC-0000-4.json"].starts_with("not an OSV record"));
    // The skipped records are kept in the snapshot for `status` to show.
    let st = status(dir.path()).expect("status");
    assert_eq!(
        st.snapshot.expect("snapshot").ecosystems["PyPI"]
            .skipped
            .len(),
        3
    );
}

fn changed_record(osv: &Path) -> (String, Vec<u8>, String) {
    // A real PyPI record, re-published with a later `modified` and one more fixed version.
    let zip = fs::File::open(osv.join("PyPI/all.zip")).expect("zip");
    let mut archive = zip::ZipArchive::new(zip).expect("archive");
    let mut entry = archive.by_name("PYSEC-2021-19.json").expect("record");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut entry, &mut text).expect("read");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v["modified"] = serde_json::json!("2030-01-01T00:00:00Z");
    v["summary"] = serde_json::json!("changed upstream");
    let id = v["id"].as_str().expect("id").to_string();
    (
        id,
        serde_json::to_vec(&v).expect("json"),
        "2030-01-01T00:00:00Z".into(),
    )
}

#[test]
fn incremental_update_fetches_only_what_modified_id_csv_lists() {
    let Some(data) = testdata() else { return };
    let osv = data.join("data/osv");
    let server = Server::start(Behaviour {
        root: Some(osv.clone()),
        ..Behaviour::default()
    });
    let source = Source::parse(&server.url());
    let dir = tempfile::tempdir().expect("tmp");
    let opts = UpdateOptions::default();
    let first = update(dir.path(), &source, &[Ecosystem::PyPI], &opts, &NoReporter).expect("full");
    let cursor = first.snapshot.ecosystems["PyPI"]
        .cursor
        .clone()
        .expect("cursor");

    let (id, body, when) = changed_record(&osv);
    {
        let mut b = server.behaviour.lock().expect("behaviour");
        b.files.insert(
            "/PyPI/modified_id.csv".into(),
            format!("{when},{id}\n{cursor},PYSEC-2005-1\n2001-01-01T00:00:00Z,PYSEC-2006-1\n")
                .into_bytes(),
        );
        b.files.insert(format!("/PyPI/{id}.json"), body.clone());
    }
    let before = server.requests().len();
    let second = update(dir.path(), &source, &[], &opts, &NoReporter).expect("incremental");
    assert!(second.changed);
    assert_eq!(
        second.ecosystems[0].mode,
        UpdateMode::Incremental { fetched: 1 }
    );
    let paths: Vec<String> = server.requests()[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(
        paths,
        [
            "/PyPI/modified_id.csv".to_string(),
            format!("/PyPI/{id}.json")
        ]
    );
    assert_ne!(second.snapshot.id, first.snapshot.id);
    let eco = &second.snapshot.ecosystems["PyPI"];
    assert_eq!(eco.cursor.as_deref(), Some("2030-01-01T00:00:00Z"));
    assert_eq!(
        eco.files[0], first.snapshot.ecosystems["PyPI"].files[0],
        "all.zip kept"
    );
    let fetched = eco
        .files
        .iter()
        .find(|f| f.path == format!("PyPI/{id}.json"))
        .expect("recorded");
    assert_eq!(
        fetched.sha256,
        Sha256::digest(&body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    assert!(eco.files.iter().any(|f| f.path == "PyPI/modified_id.csv"));
    assert_eq!(eco.records, first.snapshot.ecosystems["PyPI"].records);

    // Nothing newer: the snapshot stays, only `checked` moves.
    let third = update(dir.path(), &source, &[], &opts, &NoReporter).expect("no change");
    assert!(!third.changed);
    assert_eq!(third.ecosystems[0].mode, UpdateMode::Unchanged);
    assert_eq!(third.snapshot.id, second.snapshot.id);

    // A full resync goes back to all.zip, and equals a fresh import of it.
    let full = UpdateOptions {
        full: true,
        ..UpdateOptions::default()
    };
    let fourth = update(dir.path(), &source, &[], &full, &NoReporter).expect("full resync");
    assert!(matches!(fourth.ecosystems[0].mode, UpdateMode::Full { .. }));
    assert_eq!(fourth.snapshot.id, first.snapshot.id);
}

#[test]
fn kev_and_epss_ride_along() {
    let Some(data) = testdata() else { return };
    let osv = data.join("data/osv");
    let epss = tempfile::NamedTempFile::new().expect("tmp");
    fs::write(
        epss.path(),
        "#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000\ncve,epss,percentile\nCVE-2023-4863,0.93,0.998\n",
    )
    .expect("write");
    let dir = tempfile::tempdir().expect("tmp");
    let opts = UpdateOptions {
        kev: Some(FeedSource::File(
            data.join("data/kev/known_exploited_vulnerabilities.json"),
        )),
        epss: Some(FeedSource::File(epss.path().to_path_buf())),
        ..UpdateOptions::default()
    };
    let s = update(
        dir.path(),
        &Source::Dir(osv.clone()),
        &[Ecosystem::Cargo],
        &opts,
        &NoReporter,
    )
    .expect("import");
    let kev = s.snapshot.kev.as_ref().expect("kev");
    assert_eq!(kev.version, "2025.08.25");
    assert_eq!(kev.entries, 1404);
    assert_eq!(s.snapshot.epss.as_ref().expect("epss").entries, 1);

    // The feeds are kept: a later update without them still joins them.
    let again = update(
        dir.path(),
        &Source::Dir(osv),
        &[],
        &UpdateOptions::default(),
        &NoReporter,
    )
    .expect("again");
    assert_eq!(again.snapshot.kev, s.snapshot.kev);
    assert_eq!(again.snapshot.id, s.snapshot.id);
}
