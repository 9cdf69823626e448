//! rpm databases: the rpmdb.sqlite rpm itself writes (cached by scripts/make-rootfs-fixtures.sh),
//! compared with `rpm -qa`; damaged files; the formats that are not read.

use std::path::Path;
use std::process::Command;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, DiagnosticLevel, Ecosystem};

#[test]
fn rpmdb_sqlite_written_by_rpm() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.cache/rootfs/rpm");
    if !root.join(".done").exists() {
        eprintln!(
            "skipped: {} is not built; run scripts/make-rootfs-fixtures.sh",
            root.display()
        );
        return;
    }
    let inv = inventory_tree(&root, &WalkOptions::default());
    let rpms: Vec<_> = inv
        .components
        .iter()
        .filter(|c| c.ecosystem == Ecosystem::RockyLinux)
        .collect();
    // What rpm itself says is installed, as name epoch:version-release arch.
    if let Ok(out) = Command::new("rpm")
        .args([
            "--root",
            &root.to_string_lossy(),
            "--dbpath",
            "/var/lib/rpm",
            "-qa",
            "--qf",
        ])
        .arg("%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH}\n")
        .output()
    {
        let mut want: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        want.sort();
        let mut got: Vec<String> = rpms
            .iter()
            .map(|c| {
                let v = c.version.as_deref().unwrap_or("");
                let v = if v.contains(':') {
                    v.to_string()
                } else {
                    format!("0:{v}")
                };
                format!(
                    "{} {v} {}",
                    c.name,
                    c.purl
                        .as_ref()
                        .map_or("", |p| p.qualifiers()["arch"].as_str())
                )
            })
            .collect();
        got.sort();
        assert_eq!(got, want);
    } else {
        eprintln!(
            "rpm is not installed: the list is checked against the fixture's known content only"
        );
    }
    assert_eq!(
        rpms.len(),
        13,
        "the fixture package and twelve fillers of 300 files each"
    );
    let fixture = rpms
        .iter()
        .find(|c| c.name == "proven-fixture")
        .expect("fixture package");
    assert_eq!(
        fixture.id,
        "pkg:rpm/rocky/proven-fixture@1.2.3-4.el9?arch=noarch&distro=rocky-9.4&epoch=1"
    );
    assert_eq!(fixture.version.as_deref(), Some("1:1.2.3-4.el9"));
    assert_eq!(fixture.properties["proven:release"], "9");
    assert_eq!(
        fixture.properties["proven:source-package"],
        "proven-fixture"
    );
    assert_eq!(fixture.properties["proven:source-version"], "1.2.3-4.el9");
    assert_eq!(
        fixture.licenses.declared.as_deref(),
        Some("MIT AND Apache-2.0")
    );
    assert_eq!(fixture.author.as_deref(), Some("Proven fixtures"));
    // Its dist-info, found by BASENAMES/DIRNAMES, is its own.
    let demo = inv
        .components
        .iter()
        .find(|c| c.name == "demo")
        .expect("dist-info");
    assert_eq!(demo.properties["proven:owned-by"], fixture.id);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
}

#[test]
fn older_databases_are_reported_not_read() {
    for (path, what) in [
        ("var/lib/rpm/Packages", "Berkeley DB"),
        ("usr/lib/sysimage/rpm/Packages.db", "ndb"),
    ] {
        let inv = parse_bytes("rpmdb", path, b"\0\0\0\0anything").expect("parser");
        assert!(inv.components.is_empty());
        assert!(
            matches!(&inv.manifests[0].completeness, Completeness::Incomplete(r) if r.contains(what))
        );
        assert!(inv
            .diagnostics
            .iter()
            .any(|d| d.level == DiagnosticLevel::Error && d.message.contains("not read")));
    }
}

#[test]
fn damaged_databases_fail_with_a_reason() {
    let inv = parse_bytes("rpmdb", "var/lib/rpm/rpmdb.sqlite", b"not a database").expect("parser");
    assert!(inv.components.is_empty());
    assert!(
        inv.diagnostics[0]
            .message
            .contains("not an SQLite database"),
        "{:?}",
        inv.diagnostics
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../.cache/rootfs/rpm/var/lib/rpm/rpmdb.sqlite");
    let Ok(bytes) = std::fs::read(&root) else {
        eprintln!("skipped the truncation cases: the cached rpm database is not built");
        return;
    };
    // Cut anywhere: a clear error or fewer packages, never a panic.
    for cut in [100, 4096, 4200, 9000, bytes.len() / 2, bytes.len() - 1] {
        let inv = parse_bytes("rpmdb", "var/lib/rpm/rpmdb.sqlite", &bytes[..cut]).expect("parser");
        assert!(
            matches!(inv.manifests[0].completeness, Completeness::Incomplete(_))
                || inv.components.len() == 13,
            "cut at {cut}"
        );
    }
}
