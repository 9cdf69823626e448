//! Golden matching cases: real advisories with tricky ranges (taken from the shared OSV exports)
//! and small hand-written records for what the real data lacks (`limit`, withdrawn, GIT-only
//! ranges, release-suffixed ecosystems, clusters of several records, severities).

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::sync::OnceLock;

use proven_model::{
    Component, Ecosystem, Finding, FindingKind, Inventory, Location, SeverityLevel,
};
use proven_vulndb::{
    update, Database, FeedSource, MatchReport, NoReporter, Source, UpdateOptions, VulnEvidence,
};
use support::testdata;

/// Real records used by the cases, by export.
const REAL: &[(&str, &[&str])] = &[
    (
        "crates.io",
        &[
            "RUSTSEC-2018-0003",
            "RUSTSEC-2020-0069",
            "RUSTSEC-2020-0048",
            "RUSTSEC-2021-0145",
            "RUSTSEC-2023-0060",
            "RUSTSEC-2023-0061",
            "RUSTSEC-2019-0036",
            "RUSTSEC-2020-0036",
        ],
    ),
    ("Go", &["GO-2021-0072", "GO-2021-0076", "GO-2020-0004"]),
    (
        "PyPI",
        &[
            "PYSEC-2022-42969",
            "PYSEC-2012-1",
            "PYSEC-2020-108",
            "PYSEC-2021-837",
            "PYSEC-2014-19",
            "PYSEC-2024-1",
        ],
    ),
];

/// Hand-written records, by ecosystem folder.
const HAND: &[(&str, &str)] = &[
    (
        "npm",
        r#"{"id":"HAND-LIMIT-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"limited"},
        "ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"limit":"2.0.0"}]}]}]}"#,
    ),
    (
        "npm",
        r#"{"id":"HAND-LIMIT-2","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"unlimited"},
        "ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"limit":"*"}]}]}]}"#,
    ),
    (
        "npm",
        r#"{"id":"HAND-LIMIT-3","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"two-limits"},
        "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"2.5.0"},{"limit":"1.0.0"},{"limit":"3.0.0"}]}]}]}"#,
    ),
    (
        "npm",
        r#"{"id":"HAND-WITHDRAWN-1","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-02-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"gone"},
        "ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}"#,
    ),
    (
        "npm",
        r#"{"id":"HAND-GIT-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"gitonly"},
        "ranges":[{"type":"GIT","repo":"https://example.org/r.git","events":[{"introduced":"0"},{"fixed":"0123456789abcdef0123456789abcdef01234567"}]}]}]}"#,
    ),
    (
        "npm",
        r#"{"id":"HAND-GIT-2","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"gitfirst"},
        "ranges":[{"type":"GIT","repo":"https://example.org/r.git","events":[{"introduced":"0"},{"fixed":"0123456789abcdef0123456789abcdef01234567"}]},
                  {"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"2.0.0"}]}]}]}"#,
    ),
    (
        "npm",
        r#"{"id":"HAND-A-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2099-0002"],
        "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected":[{"package":{"ecosystem":"npm","name":"@scope/twice"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]}]}"#,
    ),
    (
        "npm",
        r#"{"id":"HAND-B-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2099-0002"],"database_specific":{"severity":"LOW"},
        "affected":[{"package":{"ecosystem":"npm","name":"@scope/twice"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.3.0"}]}]}]}"#,
    ),
    (
        "npm",
        r#"{"id":"HAND-MIX-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2099-0003"],"summary":"mixed writes out of bounds",
        "affected":[{"package":{"ecosystem":"npm","name":"mixed"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"2.0.0"}]}]}]}"#,
    ),
    (
        "npm",
        r#"{"id":"HAND-MIX-2","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2099-0003"],"summary":"mixed is unsound",
        "affected":[{"package":{"ecosystem":"npm","name":"mixed"},"database_specific":{"informational":"unsound"},
        "ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}"#,
    ),
    (
        "npm",
        r#"{"id":"GHSA-hand-rate-0001","modified":"2024-01-01T00:00:00Z","database_specific":{"severity":"HIGH","cwe_ids":["CWE-79"]},
        "affected":[{"package":{"ecosystem":"npm","name":"rated"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}"#,
    ),
    (
        "npm",
        r#"{"id":"HAND-V4-1","modified":"2024-01-01T00:00:00Z",
        "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
                    {"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"}],
        "affected":[{"package":{"ecosystem":"npm","name":"both-vectors"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}"#,
    ),
    (
        "npm",
        r#"{"id":"HAND-BAD-EVENT-1","modified":"2024-01-01T00:00:00Z",
        "affected":[{"package":{"ecosystem":"npm","name":"odd-bounds"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.x"}]}]}]}"#,
    ),
    (
        "Debian",
        r#"{"id":"HAND-DEB-12","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},
        "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.11-1~deb12u1"}]}]}]}"#,
    ),
    (
        "Debian",
        r#"{"id":"HAND-DEB-11","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Debian:11","name":"openssl"},
        "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.1.1w-0+deb11u1"}]}]}]}"#,
    ),
    (
        "Debian",
        r#"{"id":"HAND-DEB-ANY","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Debian","name":"zlib"},
        "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:1.2.13.dfsg-2"}]}]}]}"#,
    ),
    (
        "ConanCenter",
        r#"{"id":"HAND-CONAN-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"ConanCenter","name":"zlib"},
        "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.3"}]}]}]}"#,
    ),
];

fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, bytes) in entries {
        w.start_file(name.as_str(), options).expect("entry");
        w.write_all(bytes).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

/// Builds the golden OSV folder and imports it once for every test of this file.
fn golden() -> Option<&'static (tempfile::TempDir, Database)> {
    static DB: OnceLock<Option<(tempfile::TempDir, Database)>> = OnceLock::new();
    DB.get_or_init(|| {
        let data = testdata()?;
        let src = tempfile::tempdir().expect("tmp");
        let mut folders: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
        for (eco, ids) in REAL {
            let file =
                fs::File::open(data.join("data/osv").join(eco).join("all.zip")).expect("zip");
            let mut zip = zip::ZipArchive::new(file).expect("zip");
            for id in *ids {
                let mut bytes = Vec::new();
                zip.by_name(&format!("{id}.json"))
                    .expect("record in the export")
                    .read_to_end(&mut bytes)
                    .expect("read");
                folders
                    .entry(eco.to_string())
                    .or_default()
                    .push((format!("{id}.json"), bytes));
            }
        }
        for (eco, json) in HAND {
            let v: serde_json::Value = serde_json::from_str(json).expect("hand-written json");
            let id = v["id"].as_str().expect("id").to_string();
            folders
                .entry(eco.to_string())
                .or_default()
                .push((format!("{id}.json"), json.as_bytes().to_vec()));
        }
        for (eco, entries) in &folders {
            fs::create_dir_all(src.path().join(eco)).expect("mkdir");
            fs::write(src.path().join(eco).join("all.zip"), zip_of(entries)).expect("write");
        }
        let dir = tempfile::tempdir().expect("tmp");
        let opts = UpdateOptions {
            kev: Some(FeedSource::File(
                data.join("data/kev/known_exploited_vulnerabilities.json"),
            )),
            ..UpdateOptions::default()
        };
        let ecosystems = [
            Ecosystem::Cargo,
            Ecosystem::Go,
            Ecosystem::PyPI,
            Ecosystem::Npm,
            Ecosystem::Debian,
            Ecosystem::Conan,
        ];
        update(
            dir.path(),
            &Source::Dir(src.path().to_path_buf()),
            &ecosystems,
            &opts,
            &NoReporter,
        )
        .expect("golden import");
        let db = Database::open(dir.path()).expect("opens");
        Some((dir, db))
    })
    .as_ref()
}

fn component(eco: Ecosystem, name: &str, version: &str) -> Component {
    let (group, name) = match eco {
        Ecosystem::Go | Ecosystem::Npm => match name.rsplit_once('/') {
            Some((g, n)) => (Some(g), n),
            None => (None, name),
        },
        _ => (None, name),
    };
    let mut c = Component::new(eco, group, name, Some(version), Location::file("golden"));
    c.id = format!("{eco}:{}@{version}", c.full_name());
    c
}

fn run(components: Vec<Component>) -> Option<MatchReport> {
    let (_, db) = golden()?;
    let mut inv = Inventory {
        components,
        ..Inventory::default()
    };
    inv.components.sort_by(|a, b| a.id.cmp(&b.id));
    Some(db.match_inventory(&inv))
}

fn findings_of<'a>(r: &'a MatchReport, c: &Component) -> Vec<&'a Finding> {
    r.findings
        .iter()
        .filter(|f| f.component.as_deref() == Some(c.id.as_str()))
        .collect()
}

/// What a component at a version should get.
enum Want {
    /// A finding with this code, `matched` evidence containing `why`, and this fix version.
    Hit(&'static str, &'static str, Option<&'static str>),
    Clean,
}

fn check(eco: Ecosystem, name: &str, cases: &[(&str, Want)]) {
    let comps: Vec<Component> = cases.iter().map(|(v, _)| component(eco, name, v)).collect();
    let Some(report) = run(comps.clone()) else {
        return;
    };
    for (c, (version, want)) in comps.iter().zip(cases) {
        let found = findings_of(&report, c);
        assert!(
            !report.unmatched.iter().any(|u| u.component == c.id),
            "{name} {version}: unmatched {:?}",
            report.unmatched
        );
        match want {
            Want::Clean => assert!(
                found.is_empty(),
                "{name} {version} should be clean: {found:#?}"
            ),
            Want::Hit(code, why, fix) => {
                assert_eq!(found.len(), 1, "{name} {version}: {found:#?}");
                let f = found[0];
                assert_eq!(f.code, *code, "{name} {version}");
                let matched = &f.evidence["matched"];
                assert!(
                    matched.contains(why),
                    "{name} {version}: {matched:?} lacks {why:?}"
                );
                let expected = fix.map(|v| format!("upgrade to {v} (or later)"));
                assert_eq!(f.fix, expected, "{name} {version}");
                assert_eq!(f.snapshot_id(), Some(report.snapshot.id.as_str()));
            }
        }
    }
}

#[test]
fn last_affected_is_inclusive() {
    use Want::*;
    check(
        Ecosystem::PyPI,
        "py",
        &[
            (
                "1.11.0",
                Hit("CVE-2022-42969", "versions[] lists 1.11.0", None),
            ),
            (
                "1.11.0rc1",
                Hit("CVE-2022-42969", "introduced 0, last_affected 1.11.0", None),
            ),
            ("1.11.0.post1", Clean),
            ("1.11.1", Clean),
        ],
    );
    // PEP 503: `Py` is `py`.
    check(
        Ecosystem::PyPI,
        "Py",
        &[("1.4.0", Hit("CVE-2022-42969", "last_affected 1.11.0", None))],
    );
}

#[test]
fn several_introduced_fixed_pairs() {
    use Want::*;
    check(
        Ecosystem::Cargo,
        "smallvec",
        &[
            ("0.3.1", Clean),
            (
                "0.3.3",
                Hit(
                    "CVE-2018-20991",
                    "introduced 0.3.2, fixed 0.3.4",
                    Some("0.3.4"),
                ),
            ),
            ("0.3.4", Clean),
            (
                "0.4.4",
                Hit(
                    "CVE-2018-20991",
                    "introduced 0.4.0-0, fixed 0.4.5",
                    Some("0.4.5"),
                ),
            ),
            (
                "0.5.0",
                Hit(
                    "CVE-2018-20991",
                    "introduced 0.5.0-0, fixed 0.5.1",
                    Some("0.5.1"),
                ),
            ),
            ("0.5.1", Clean),
            (
                "0.6.2",
                Hit(
                    "CVE-2018-20991",
                    "introduced 0.6.0-0, fixed 0.6.3",
                    Some("0.6.3"),
                ),
            ),
            ("0.6.3", Clean),
            ("1.13.2", Clean),
        ],
    );
    check(
        Ecosystem::PyPI,
        "invenio-app-rdm",
        &[
            (
                "6.0.4",
                Hit("CVE-2021-43781", "versions[] lists 6.0.4", Some("6.0.5")),
            ),
            ("6.0.5", Clean),
            (
                "7.0.0.dev3",
                Hit(
                    "CVE-2021-43781",
                    "introduced 7.0.0.dev0, fixed 7.0.0.dev5",
                    Some("7.0.0.dev5"),
                ),
            ),
            ("7.0.0.dev5", Clean),
            ("7.0.0", Clean),
        ],
    );
}

#[test]
fn prerelease_boundaries() {
    use Want::*;
    check(
        Ecosystem::Cargo,
        "lettre",
        &[
            (
                "0.9.4",
                Hit(
                    "CVE-2020-28247",
                    "introduced 0.9.0, fixed 0.9.5",
                    Some("0.9.5"),
                ),
            ),
            ("0.10.0-alpha.0", Clean),
            (
                "0.10.0-alpha.3",
                Hit(
                    "CVE-2020-28247",
                    "introduced 0.10.0-alpha.1, fixed 0.10.0-alpha.4",
                    Some("0.10.0-alpha.4"),
                ),
            ),
            ("0.10.0-alpha.4", Clean),
            ("0.10.0", Clean),
        ],
    );
    check(
        Ecosystem::Cargo,
        "actix-http",
        &[
            (
                "1.0.1",
                Hit(
                    "CVE-2020-35901",
                    "fixed 2.0.0-alpha.1",
                    Some("2.0.0-alpha.1"),
                ),
            ),
            (
                "2.0.0-alpha.0",
                Hit(
                    "CVE-2020-35901",
                    "fixed 2.0.0-alpha.1",
                    Some("2.0.0-alpha.1"),
                ),
            ),
            ("2.0.0-alpha.1", Clean),
            ("2.0.0", Clean),
        ],
    );
    check(
        Ecosystem::PyPI,
        "django",
        &[
            (
                "1.6.4",
                Hit(
                    "CVE-2014-1418",
                    "introduced 1.6, fixed 1.6.5",
                    Some("1.6.5"),
                ),
            ),
            (
                "1.7b3",
                Hit(
                    "CVE-2014-1418",
                    "introduced 1.7a0, fixed 1.7b4",
                    Some("1.7b4"),
                ),
            ),
            ("1.7b4", Clean),
            ("1.7rc1", Clean),
            ("1.7", Clean),
        ],
    );
}

#[test]
fn pep440_post_dev_and_local_versions() {
    use Want::*;
    check(
        Ecosystem::PyPI,
        "beaker",
        &[
            (
                "1.6.5",
                Hit(
                    "CVE-2012-3458",
                    "versions[] lists 1.6.5",
                    Some("1.6.5.post1"),
                ),
            ),
            (
                "1.6.5.post0",
                Hit(
                    "CVE-2012-3458",
                    "introduced 0, fixed 1.6.5.post1",
                    Some("1.6.5.post1"),
                ),
            ),
            (
                "1.6.5.post1.dev0",
                Hit("CVE-2012-3458", "fixed 1.6.5.post1", Some("1.6.5.post1")),
            ),
            ("1.6.5.post1", Clean),
            ("1.6.5.post2", Clean),
        ],
    );
    check(
        Ecosystem::PyPI,
        "scikit-learn",
        &[
            (
                "0.23.2",
                Hit(
                    "CVE-2020-28975",
                    "versions[] lists 0.23.2",
                    Some("0.24.dev0"),
                ),
            ),
            (
                "0.23.2+cpu",
                Hit(
                    "CVE-2020-28975",
                    "introduced 0, fixed 0.24.dev0",
                    Some("0.24.dev0"),
                ),
            ),
            ("0.24.dev0", Clean),
            ("0.24.0rc1", Clean),
            ("0.24.0", Clean),
        ],
    );
}

#[test]
fn versions_only_records() {
    use Want::*;
    check(
        Ecosystem::PyPI,
        "gratient",
        &[
            ("0.5", Hit("PYSEC-2024-1", "versions[] lists 0.5", None)),
            // Equal under PEP 440, listed as `0.5`.
            ("0.5.0", Hit("PYSEC-2024-1", "versions[] lists 0.5", None)),
            ("0.6", Clean),
        ],
    );
}

#[test]
fn go_incompatible_and_pseudo_versions() {
    use Want::*;
    check(
        Ecosystem::Go,
        "github.com/docker/distribution",
        &[
            (
                "v2.6.2+incompatible",
                Hit(
                    "CVE-2017-11468",
                    "fixed 2.7.0-rc.0+incompatible",
                    Some("2.7.0-rc.0+incompatible"),
                ),
            ),
            ("v2.7.0-rc.0+incompatible", Clean),
            ("v2.7.1+incompatible", Clean),
        ],
    );
    check(
        Ecosystem::Go,
        "github.com/evanphx/json-patch",
        &[
            (
                "v0.5.1",
                Hit("CVE-2018-14632", "introduced 0, fixed 0.5.2", Some("0.5.2")),
            ),
            ("v0.5.2", Clean),
            (
                "v3.0.0+incompatible",
                Hit(
                    "CVE-2018-14632",
                    "introduced 3.0.0+incompatible",
                    Some("3.0.1-0.20180525145409-4c9aadca8f89+incompatible"),
                ),
            ),
            ("v4.11.0+incompatible", Clean),
        ],
    );
    check(
        Ecosystem::Go,
        "github.com/nanobox-io/golang-nanoauth",
        &[
            ("v0.0.0-20160101000000-aaaaaaaaaaaa", Clean),
            (
                "v0.0.0-20180101000000-aaaaaaaaaaaa",
                Hit(
                    "CVE-2020-36569",
                    "introduced 0.0.0-20160722212129-ac0cc4484ad4",
                    Some("0.0.0-20200131131040-063a3fb69896"),
                ),
            ),
            ("v0.0.0-20200131131040-063a3fb69896", Clean),
        ],
    );
}

#[test]
fn limits_withdrawn_and_git_ranges() {
    use Want::*;
    check(
        Ecosystem::Npm,
        "limited",
        &[
            ("0.9.0", Clean),
            (
                "1.5.0",
                Hit(
                    "HAND-LIMIT-1",
                    "introduced 1.0.0, no fix, limit 2.0.0",
                    None,
                ),
            ),
            ("2.0.0", Clean),
        ],
    );
    check(
        Ecosystem::Npm,
        "unlimited",
        &[(
            "9.0.0",
            Hit("HAND-LIMIT-2", "introduced 1.0.0, no fix", None),
        )],
    );
    check(
        Ecosystem::Npm,
        "two-limits",
        &[
            (
                "2.0.0",
                Hit(
                    "HAND-LIMIT-3",
                    "fixed 2.5.0, limit 1.0.0 | 3.0.0",
                    Some("2.5.0"),
                ),
            ),
            ("2.5.0", Clean),
            ("3.0.0", Clean),
        ],
    );
    check(Ecosystem::Npm, "gone", &[("1.0.0", Clean)]);
    // A GIT range alone cannot match a version string, and does not stop the other ranges.
    check(Ecosystem::Npm, "gitonly", &[("1.0.0", Clean)]);
    check(
        Ecosystem::Npm,
        "gitfirst",
        &[
            (
                "1.0.0",
                Hit(
                    "HAND-GIT-2",
                    "ranges[1] SEMVER: introduced 0, fixed 2.0.0",
                    Some("2.0.0"),
                ),
            ),
            ("2.0.0", Clean),
        ],
    );
}

#[test]
fn release_suffixed_ecosystems_match_their_release_only() {
    let Some(_) = golden() else { return };
    let deb = |name: &str, version: &str, release: Option<&str>| {
        let mut c = component(Ecosystem::Debian, name, version);
        if let Some(r) = release {
            c.properties.insert("proven:release".into(), r.into());
            c.id.push_str(&format!(" debian-{r}"));
        }
        c
    };
    let on12 = deb("openssl", "3.0.9-1", Some("12"));
    let on11 = deb("openssl", "1.1.1n-0+deb11u5", Some("11"));
    let on13 = deb("openssl", "3.0.9-1", Some("13"));
    let zlib = deb("zlib", "1:1.2.13.dfsg-1", Some("12"));
    let fixed12 = deb("openssl", "3.0.11-1~deb12u2", Some("12"));
    let report = run(vec![
        on12.clone(),
        on11.clone(),
        on13.clone(),
        zlib.clone(),
        fixed12.clone(),
    ])
    .expect("ran");
    let codes = |c: &Component| {
        findings_of(&report, c)
            .iter()
            .map(|f| f.code.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&on12), ["HAND-DEB-12"]);
    assert_eq!(codes(&on11), ["HAND-DEB-11"]);
    assert!(codes(&on13).is_empty());
    assert_eq!(
        codes(&zlib),
        ["HAND-DEB-ANY"],
        "a record without a release applies to every release"
    );
    assert!(
        codes(&fixed12).is_empty(),
        "dpkg: ~deb12u2 sorts after ~deb12u1"
    );
    assert!(report.unmatched.is_empty(), "{:?}", report.unmatched);
}

#[test]
fn aliases_cluster_into_one_finding_with_the_cve_first() {
    let Some(_) = golden() else { return };
    let twice = component(Ecosystem::Npm, "@scope/twice", "1.1.0");
    let webp = component(Ecosystem::Cargo, "libwebp-sys", "0.9.2");
    let webp2 = component(Ecosystem::Cargo, "libwebp-sys2", "0.1.7");
    let report = run(vec![twice.clone(), webp.clone(), webp2.clone()]).expect("ran");

    let f = findings_of(&report, &twice);
    assert_eq!(f.len(), 1, "{f:#?}");
    let f = f[0];
    assert_eq!(f.code, "CVE-2099-0002");
    assert_eq!(f.aliases, ["HAND-A-1", "HAND-B-1"]);
    assert_eq!(f.evidence["records"], "HAND-A-1, HAND-B-1");
    // One upgrade clears both records.
    assert_eq!(f.fix.as_deref(), Some("upgrade to 1.3.0 (or later)"));
    // The highest severity of the cluster: HAND-A-1's CVSS v3 vector, over HAND-B-1's LOW.
    assert_eq!(f.severity.level, SeverityLevel::Critical);
    assert_eq!(f.severity.score, Some(9.8));
    assert_eq!(f.evidence["severity_from"], "CVSS_V3 of HAND-A-1");
    assert_eq!(f.fingerprint.len(), 32);
    assert_eq!(f.kind, FindingKind::Vulnerability);

    // Two RustSec records of different crates share CVE-2023-4863, which is in KEV.
    for c in [&webp, &webp2] {
        let f = findings_of(&report, c);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].code, "CVE-2023-4863");
        assert!(f[0].aliases.contains(&"RUSTSEC-2023-0060".to_string()));
        assert!(f[0].aliases.contains(&"RUSTSEC-2023-0061".to_string()));
        assert!(f[0].aliases.contains(&"CVE-2023-5129".to_string()));
        assert_eq!(f[0].kev_date_added(), Some("2023-09-13"));
        assert_eq!(f[0].evidence["kev_cve"], "CVE-2023-4863");
    }
    // Same cluster, different components: different fingerprints.
    assert_ne!(
        findings_of(&report, &webp)[0].fingerprint,
        findings_of(&report, &webp2)[0].fingerprint
    );
}

#[test]
fn severity_sources() {
    let Some(_) = golden() else { return };
    let rated = component(Ecosystem::Npm, "rated", "0.9.0");
    let both = component(Ecosystem::Npm, "both-vectors", "0.9.0");
    let none = component(Ecosystem::Npm, "gitfirst", "1.0.0");
    let report = run(vec![rated.clone(), both.clone(), none.clone()]).expect("ran");
    let f = findings_of(&report, &rated)[0];
    assert_eq!(f.severity.level, SeverityLevel::High);
    assert_eq!(
        f.severity.source.as_deref(),
        Some("database_specific.severity")
    );
    assert_eq!(f.cwe, ["CWE-79"]);
    let f = findings_of(&report, &both)[0];
    assert_eq!(
        f.severity.source.as_deref(),
        Some("CVSS_V4"),
        "v4 wins over v3"
    );
    assert_eq!(f.severity.level, SeverityLevel::Medium);
    let f = findings_of(&report, &none)[0];
    assert_eq!(f.severity.level, SeverityLevel::Unknown);
    assert_eq!(
        f.evidence["severity_from"],
        "no CVSS vector and no rating published"
    );
}

#[test]
fn informational_advisories_are_their_own_kind() {
    let Some(_) = golden() else { return };
    let atty = component(Ecosystem::Cargo, "atty", "0.2.14");
    let report = run(vec![atty.clone()]).expect("ran");
    let f = findings_of(&report, &atty);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, FindingKind::Advisory);
    assert_eq!(f[0].evidence["informational"], "unsound");
    assert_eq!(
        f[0].evidence["informational_records"],
        "RUSTSEC-2021-0145 unsound"
    );
    assert!(f[0].title.starts_with("unsound: "), "{}", f[0].title);
    assert_eq!(f[0].severity.level, SeverityLevel::Info);
    assert!(
        f[0].aliases.contains(&"RUSTSEC-2021-0145".to_string()) || f[0].code == "RUSTSEC-2021-0145"
    );
    assert!(f[0].cra_clause.is_none());
}

#[test]
fn each_record_of_a_cluster_keeps_its_informational_category() {
    let Some(_) = golden() else { return };
    // RUSTSEC-2019-0036 (unsound) and RUSTSEC-2020-0036 (unmaintained) list the same aliases.
    let failure = component(Ecosystem::Cargo, "failure", "0.1.5");
    // HAND-MIX-1 is a vulnerability, HAND-MIX-2 an unsound advisory, both CVE-2099-0003.
    let mixed = component(Ecosystem::Npm, "mixed", "1.0.0");
    let report = run(vec![failure.clone(), mixed.clone()]).expect("ran");

    let f = findings_of(&report, &failure);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].kind, FindingKind::Advisory);
    assert_eq!(f[0].evidence["informational"], "unmaintained, unsound");
    assert_eq!(
        f[0].evidence["informational_records"],
        "RUSTSEC-2019-0036 unsound, RUSTSEC-2020-0036 unmaintained"
    );
    // The title is RUSTSEC-2019-0036's, so its category heads it.
    assert!(
        f[0].title.starts_with("unsound: Type confusion"),
        "{}",
        f[0].title
    );

    let f = findings_of(&report, &mixed);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].kind, FindingKind::Vulnerability);
    assert_eq!(f[0].code, "CVE-2099-0003");
    assert_eq!(f[0].evidence["records"], "HAND-MIX-1, HAND-MIX-2");
    assert_eq!(f[0].evidence["informational_records"], "HAND-MIX-2 unsound");
    assert!(!f[0].title.starts_with("unsound"), "{}", f[0].title);
}

#[test]
fn what_cannot_be_evaluated_is_unmatched_never_clean() {
    let Some(_) = golden() else { return };
    let bad_version = component(Ecosystem::PyPI, "py", "not a version");
    let mut no_version = component(Ecosystem::Cargo, "smallvec", "1.0.0");
    no_version.version = None;
    no_version.requirement = Some(">=0.3".into());
    no_version.id = "no-version smallvec".into();
    let conan = component(Ecosystem::Conan, "zlib", "1.2.11");
    let not_loaded = component(Ecosystem::RubyGems, "rails", "7.0.0");
    let odd = component(Ecosystem::Npm, "odd-bounds", "0.5.0");
    let unknown_pkg = component(Ecosystem::PyPI, "no-such-package", "whatever");
    let mut from_git = component(Ecosystem::Cargo, "smallvec", "0.3.3");
    from_git
        .properties
        .insert("proven:origin".into(), "git".into());
    from_git.id = "git smallvec".into();
    let report = run(vec![
        bad_version.clone(),
        no_version.clone(),
        conan.clone(),
        not_loaded.clone(),
        odd.clone(),
        unknown_pkg.clone(),
        from_git.clone(),
    ])
    .expect("ran");
    let reason = |c: &Component| {
        report
            .unmatched
            .iter()
            .filter(|u| u.component == c.id)
            .map(|u| u.reason.clone())
            .collect::<Vec<_>>()
            .join(" / ")
    };
    assert!(
        reason(&bad_version).contains("invalid pep440 version \"not a version\""),
        "{}",
        reason(&bad_version)
    );
    assert!(
        reason(&bad_version).contains("PYSEC-2022-42969"),
        "{}",
        reason(&bad_version)
    );
    assert!(
        reason(&no_version).contains("no exact version (requirement >=0.3)"),
        "{}",
        reason(&no_version)
    );
    assert!(
        reason(&conan).contains("no version ordering for ecosystem ConanCenter"),
        "{}",
        reason(&conan)
    );
    assert!(
        reason(&not_loaded).contains("holds no RubyGems data"),
        "{}",
        reason(&not_loaded)
    );
    assert!(
        reason(&odd).contains("HAND-BAD-EVENT-1"),
        "{}",
        reason(&odd)
    );
    assert!(reason(&odd).contains("\"1.x\""), "{}", reason(&odd));
    // A package no record names is clean whatever its version string.
    assert!(reason(&unknown_pkg).is_empty());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    // Not from a registry: skipped, not unmatched.
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].component, from_git.id);
    assert!(reason(&from_git).is_empty());
    assert!(!report.is_complete());
}

#[test]
fn same_input_same_report() {
    let Some(_) = golden() else { return };
    let comps = || {
        vec![
            component(Ecosystem::Cargo, "smallvec", "0.6.2"),
            component(Ecosystem::PyPI, "django", "1.6.4"),
            component(Ecosystem::Npm, "@scope/twice", "1.1.0"),
        ]
    };
    let a = serde_json::to_string(&run(comps()).expect("ran")).expect("json");
    let b = serde_json::to_string(&run(comps()).expect("ran")).expect("json");
    assert_eq!(a, b);
}

#[test]
fn the_report_is_the_same_on_any_number_of_threads() {
    let Some((_, db)) = golden() else { return };
    // Enough components for several threads: versions around the golden cases, hits and misses,
    // some not evaluable, some skipped.
    let mut components = Vec::new();
    for i in 0..400 {
        let version = format!("0.{}.{i}", i % 12);
        components.push(component(Ecosystem::Cargo, "smallvec", &version));
        components.push(component(
            Ecosystem::PyPI,
            "django",
            &format!("1.{}.{i}", i % 11),
        ));
        components.push(component(
            Ecosystem::Npm,
            "@scope/twice",
            &format!("1.{i}.0"),
        ));
        components.push(component(
            Ecosystem::PyPI,
            "py",
            &format!("not a version {i}"),
        ));
    }
    let mut from_git = component(Ecosystem::Cargo, "smallvec", "0.3.3");
    from_git
        .properties
        .insert("proven:origin".into(), "git".into());
    components.push(from_git);
    components.sort_by(|a, b| a.id.cmp(&b.id));

    let one = db.match_components_with(&components, 1);
    assert!(!one.findings.is_empty() && !one.unmatched.is_empty() && !one.skipped.is_empty());
    for threads in [2, 3, 8] {
        let many = db.match_components_with(&components, threads);
        assert_eq!(
            serde_json::to_string(&many).expect("json"),
            serde_json::to_string(&one).expect("json"),
            "{threads} threads"
        );
    }
}
