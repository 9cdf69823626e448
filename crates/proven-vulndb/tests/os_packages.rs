//! Distribution packages through the real import path: hand-written OSV records in the form the
//! Debian and Alpine exports use (those exports are not reachable from here), imported from a
//! folder, matched against components shaped the way the inventory reads dpkg and apk databases.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;

use proven_model::{Component, Ecosystem, Inventory, Location, Purl};
use proven_vulndb::{update, Database, MatchReport, NoReporter, Source, UpdateOptions};

const RECORDS: &[(&str, &str)] = &[
    (
        "Debian",
        r#"{"id":"DEBIAN-CVE-2024-5535","modified":"2024-10-01T00:00:00Z","published":"2024-06-27T11:15:24Z",
        "aliases":["CVE-2024-5535"],"summary":"SSL_select_next_proto buffer overread",
        "affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},
          "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.15-1~deb12u1"}]}]}]}"#,
    ),
    (
        "Debian",
        r#"{"id":"DEBIAN-CVE-2024-28085","modified":"2024-10-01T00:00:00Z","aliases":["CVE-2024-28085"],
        "affected":[{"package":{"ecosystem":"Debian:12","name":"util-linux"},
          "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.38.1-5+deb12u1"}]}]}]}"#,
    ),
    (
        "Debian",
        r#"{"id":"DEBIAN-CVE-2022-37434","modified":"2024-10-01T00:00:00Z","aliases":["CVE-2022-37434"],
        "affected":[{"package":{"ecosystem":"Debian","name":"zlib"},
          "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:1.2.13.dfsg-2"}]}]}]}"#,
    ),
    (
        "Alpine",
        r#"{"id":"ALPINE-CVE-2024-9143","modified":"2024-10-20T00:00:00Z","aliases":["CVE-2024-9143"],
        "affected":[{"package":{"ecosystem":"Alpine:v3.20","name":"openssl"},
          "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.3.2-r1"}]}]}]}"#,
    ),
];

fn database() -> (tempfile::TempDir, Database) {
    let src = tempfile::tempdir().expect("tmp");
    let mut folders: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (eco, json) in RECORDS {
        folders.entry(eco).or_default().push(json);
    }
    for (eco, records) in folders {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for json in records {
            let v: serde_json::Value = serde_json::from_str(json).expect("record");
            let id = v["id"].as_str().expect("id");
            w.start_file(
                format!("{id}.json"),
                zip::write::SimpleFileOptions::default(),
            )
            .expect("entry");
            w.write_all(json.as_bytes()).expect("write");
        }
        fs::create_dir_all(src.path().join(eco)).expect("mkdir");
        fs::write(
            src.path().join(eco).join("all.zip"),
            w.finish().expect("zip").into_inner(),
        )
        .expect("write");
    }
    let dir = tempfile::tempdir().expect("tmp");
    update(
        dir.path(),
        &Source::Dir(src.path().to_path_buf()),
        &[Ecosystem::Debian, Ecosystem::Alpine],
        &UpdateOptions::default(),
        &NoReporter,
    )
    .expect("import");
    let db = Database::open(dir.path()).expect("open");
    (dir, db)
}

/// A package as the inventory reads it from a dpkg or apk database, with the merge's distro.
fn os_package(
    eco: Ecosystem,
    name: &str,
    version: &str,
    source: (&str, &str),
    distro: Option<(&str, &str)>,
) -> Component {
    let ty = eco.purl_type();
    let ns = if eco == Ecosystem::Alpine {
        "alpine"
    } else {
        "debian"
    };
    let mut c = Component::new(eco, None, name, Some(version), Location::file("status"));
    let mut purl = Purl::new(ty, Some(ns), name, Some(version)).with_qualifier("arch", "amd64");
    if let Some((qualifier, release)) = distro {
        purl = purl.with_qualifier("distro", qualifier);
        c.properties.insert("proven:release".into(), release.into());
    }
    c.id = purl.to_string();
    c.purl = Some(purl);
    c.properties
        .insert("proven:source-package".into(), source.0.into());
    c.properties
        .insert("proven:source-version".into(), source.1.into());
    c
}

fn run(db: &Database, components: &[Component]) -> MatchReport {
    let mut inv = Inventory {
        components: components.to_vec(),
        ..Inventory::default()
    };
    inv.components.sort_by(|a, b| a.id.cmp(&b.id));
    db.match_inventory(&inv)
}

fn codes(r: &MatchReport, c: &Component) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.component.as_deref() == Some(c.id.as_str()))
        .map(|f| f.code.clone())
        .collect()
}

#[test]
fn debian_packages_match_by_source_package_and_release() {
    let (_dir, db) = database();
    let deb12 = Some(("debian-12", "12"));
    let deb = |name, version, source| os_package(Ecosystem::Debian, name, version, source, deb12);
    let older = deb(
        "libssl3",
        "3.0.14-1~deb12u2",
        ("openssl", "3.0.14-1~deb12u2"),
    );
    let fixed = deb(
        "libssl3",
        "3.0.15-1~deb12u1",
        ("openssl", "3.0.15-1~deb12u1"),
    );
    let newer = deb("libssl3", "3.0.15-1", ("openssl", "3.0.15-1"));
    let on11 = os_package(
        Ecosystem::Debian,
        "libssl1.1",
        "1.1.1n-0+deb11u5",
        ("openssl", "1.1.1n-0+deb11u5"),
        Some(("debian-11", "11")),
    );
    // The binary's epoch is its own: the source version is what the advisory compares.
    let bsdutils = deb("bsdutils", "1:2.38.1-5", ("util-linux", "2.38.1-5"));
    let r = run(
        &db,
        &[
            older.clone(),
            fixed.clone(),
            newer.clone(),
            on11.clone(),
            bsdutils.clone(),
        ],
    );
    assert_eq!(
        codes(&r, &older),
        ["CVE-2024-5535"],
        "a binary package matched through its source package"
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.component.as_deref() == Some(older.id.as_str()))
        .expect("finding");
    assert_eq!(
        f.evidence.get("package").map(String::as_str),
        Some("Debian/openssl")
    );
    assert!(
        codes(&r, &fixed).is_empty(),
        "`fixed` is exclusive: 3.0.15-1~deb12u1 is the fix"
    );
    assert!(
        codes(&r, &newer).is_empty(),
        "3.0.15-1 sorts after 3.0.15-1~deb12u1"
    );
    assert!(
        codes(&r, &on11).is_empty(),
        "a Debian:12 record does not apply to Debian 11"
    );
    assert_eq!(codes(&r, &bsdutils), ["CVE-2024-28085"]);
    assert!(r.unmatched.is_empty(), "{:?}", r.unmatched);
}

#[test]
fn alpine_packages_match_by_origin() {
    let (_dir, db) = database();
    let v320 = Some(("alpine-3.20.3", "v3.20"));
    let affected = os_package(
        Ecosystem::Alpine,
        "libcrypto3",
        "3.3.2-r0",
        ("openssl", "3.3.2-r0"),
        v320,
    );
    let fixed = os_package(
        Ecosystem::Alpine,
        "libssl3",
        "3.3.2-r1",
        ("openssl", "3.3.2-r1"),
        v320,
    );
    let other = os_package(
        Ecosystem::Alpine,
        "libcrypto3",
        "3.1.7-r0",
        ("openssl", "3.1.7-r0"),
        Some(("alpine-3.18.9", "v3.18")),
    );
    let r = run(&db, &[affected.clone(), fixed.clone(), other.clone()]);
    assert_eq!(codes(&r, &affected), ["CVE-2024-9143"]);
    assert!(codes(&r, &fixed).is_empty());
    assert!(
        codes(&r, &other).is_empty(),
        "an Alpine:v3.20 record does not apply to v3.18"
    );
    assert!(r.unmatched.is_empty(), "{:?}", r.unmatched);
}

#[test]
fn packages_without_a_release_are_unmatched_never_checked_against_release_less_records() {
    let (_dir, db) = database();
    // The DEBIAN-CVE-2022-37434 record names no release and affects zlib below 1:1.2.13.dfsg-2;
    // with a release the package gets it, without one it must not be passed or matched.
    let with = os_package(
        Ecosystem::Debian,
        "zlib1g",
        "1:1.2.13.dfsg-1",
        ("zlib", "1:1.2.13.dfsg-1"),
        Some(("debian-12", "12")),
    );
    let mut without = os_package(
        Ecosystem::Debian,
        "zlib1g",
        "1:1.2.13.dfsg-1",
        ("zlib", "1:1.2.13.dfsg-1"),
        None,
    );
    without.id.push_str("#no-release");
    let apk = os_package(
        Ecosystem::Alpine,
        "libcrypto3",
        "3.3.2-r0",
        ("openssl", "3.3.2-r0"),
        None,
    );
    let r = run(&db, &[with.clone(), without.clone(), apk.clone()]);
    assert_eq!(codes(&r, &with), ["CVE-2022-37434"]);
    assert!(codes(&r, &without).is_empty());
    assert!(codes(&r, &apk).is_empty());
    let unmatched: Vec<(&str, &str)> = r
        .unmatched
        .iter()
        .map(|u| (u.component.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(unmatched.len(), 2, "{unmatched:?}");
    for (id, reason) in &unmatched {
        assert!([without.id.as_str(), apk.id.as_str()].contains(id));
        assert!(reason.contains("no known distribution release"), "{reason}");
    }
}

#[test]
fn language_packages_owned_by_an_os_package_are_skipped() {
    let (_dir, db) = database();
    let mut c = Component::new(
        Ecosystem::PyPI,
        None,
        "PyYAML",
        Some("5.4.1"),
        Location::file("x"),
    );
    c.id = "pkg:pypi/pyyaml@5.4.1".into();
    c.properties.insert(
        "proven:owned-by".into(),
        "pkg:deb/ubuntu/python3-yaml@5.4.1-1ubuntu1?arch=amd64".into(),
    );
    let r = run(&db, &[c]);
    assert!(r.unmatched.is_empty());
    assert_eq!(r.skipped.len(), 1);
    assert!(
        r.skipped[0].reason.contains("python3-yaml"),
        "{:?}",
        r.skipped
    );
}
