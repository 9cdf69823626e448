//! dpkg databases and release files: the hand-written Ubuntu and distroless roots, malformed
//! input, and the Debian bookworm root debootstrap builds (cached by
//! scripts/make-rootfs-fixtures.sh), counted against dpkg-query itself.

use std::path::{Path, PathBuf};
use std::process::Command;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, Component, DiagnosticLevel, Ecosystem, Inventory};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rootfs")
        .join(name)
}

fn scan(dir: &Path) -> Inventory {
    inventory_tree(dir, &WalkOptions::default())
}

fn by_name<'a>(inv: &'a Inventory, name: &str) -> &'a Component {
    inv.components
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{name} in {:?}", ids(inv)))
}

fn ids(inv: &Inventory) -> Vec<&str> {
    inv.components.iter().map(|c| c.id.as_str()).collect()
}

#[test]
fn ubuntu_status_file() {
    let inv = scan(&fixture("ubuntu"));
    let debs: Vec<&Component> = inv
        .components
        .iter()
        .filter(|c| c.ecosystem == Ecosystem::Ubuntu)
        .collect();
    assert_eq!(
        debs.len(),
        5,
        "vim-tiny is config-files only: {:?}",
        ids(&inv)
    );
    assert!(inv.components.iter().all(|c| c.name != "vim-tiny"));

    let ssl = by_name(&inv, "libssl3");
    assert_eq!(
        ssl.id,
        "pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.15?arch=amd64&distro=ubuntu-22.04"
    );
    assert_eq!(ssl.properties["proven:release"], "22.04:LTS");
    assert_eq!(ssl.properties["proven:source-package"], "openssl");
    assert_eq!(ssl.properties["proven:source-version"], "3.0.2-0ubuntu1.15");
    assert_eq!(ssl.properties["proven:multi-arch"], "same");
    assert_eq!(
        ssl.author.as_deref(),
        Some("Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>")
    );
    assert_eq!(ssl.locations[0].path, "var/lib/dpkg/status");
    assert_eq!(ssl.locations[0].line, Some(35));

    let bsd = by_name(&inv, "bsdutils");
    assert_eq!(bsd.version.as_deref(), Some("1:2.37.2-4ubuntu3.4"));
    assert_eq!(bsd.properties["proven:source-package"], "util-linux");
    assert_eq!(
        bsd.properties["proven:source-version"], "2.37.2-4ubuntu3.4",
        "the source's own version, without the binary's epoch"
    );
    let gcc = by_name(&inv, "libgcc-s1");
    assert_eq!(gcc.properties["proven:source-package"], "gcc-12");

    // Depends and Pre-Depends resolve to installed packages (and to what they provide).
    let deps = |c: &Component| inv.dependencies.get(&c.id).cloned().unwrap_or_default();
    let libc = by_name(&inv, "libc6");
    assert!(deps(bsd).contains(&libc.id));
    assert!(deps(libc).contains(&gcc.id));
    assert!(deps(gcc).contains(&libc.id));

    // The deb's dist-info is marked as its own; pip's under /usr/local is not.
    let yaml_deb = by_name(&inv, "python3-yaml");
    let pyyaml = by_name(&inv, "PyYAML");
    assert_eq!(pyyaml.properties["proven:owned-by"], yaml_deb.id);
    assert!(deps(yaml_deb).contains(&pyyaml.id));
    let requests = by_name(&inv, "requests");
    assert!(!requests.properties.contains_key("proven:owned-by"));

    // Release files and file lists list nothing of their own.
    let formats: Vec<&str> = inv.manifests.iter().map(|m| m.format.as_str()).collect();
    assert_eq!(
        formats,
        ["dist-info METADATA", "dist-info METADATA", "dpkg status"]
    );
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
}

#[test]
fn distroless_status_d() {
    let inv = scan(&fixture("distroless"));
    assert_eq!(
        ids(&inv),
        [
            "pkg:deb/debian/base-files@12.4%2Bdeb12u7?arch=amd64&distro=debian-12",
            "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12",
        ]
    );
    assert_eq!(
        inv.manifests.len(),
        2,
        "one per status.d file, md5sums skipped"
    );
    assert!(inv.manifests.iter().all(|m| m.format == "dpkg status.d"));
    assert_eq!(by_name(&inv, "libssl3").properties["proven:release"], "12");
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
}

#[test]
fn without_a_release_file_packages_have_no_release() {
    let inv = parse_bytes(
        "dpkg-status",
        "var/lib/dpkg/status",
        b"Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n",
    )
    .expect("parser");
    let c = &inv.components[0];
    assert_eq!(c.ecosystem, Ecosystem::Debian);
    assert_eq!(
        c.id, "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64",
        "no distro qualifier"
    );
    assert!(!c.properties.contains_key("proven:release"));
}

#[test]
fn release_files_in_order_of_trust() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    let write = |p: &str, text: &str| {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "var/lib/dpkg/status",
        "Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n",
    );
    // Debian testing: os-release has no VERSION_ID, debian_version a codename.
    write("etc/debian_version", "trixie/sid\n");
    write("usr/lib/os-release", "ID=debian\nVERSION_CODENAME=trixie\n");
    let inv = scan(root);
    let c = &inv.components[0];
    assert_eq!(
        c.id, "pkg:deb/debian/a@1?arch=all",
        "no version, no distro qualifier"
    );
    assert!(!c.properties.contains_key("proven:release"));

    write("etc/debian_version", "12.7\n");
    let inv = scan(root);
    assert_eq!(
        inv.components[0].id, "pkg:deb/debian/a@1?arch=all&distro=debian-12.7",
        "debian_version fills in what os-release left out"
    );
    assert_eq!(inv.components[0].properties["proven:release"], "12");

    // A derivative keeps the ecosystem of its base but not a release.
    write(
        "etc/os-release",
        "ID=kali\nID_LIKE=debian\nVERSION_ID=\"2024.2\"\n",
    );
    let inv = scan(root);
    assert_eq!(inv.components[0].ecosystem, Ecosystem::Debian);
    assert_eq!(
        inv.components[0].id,
        "pkg:deb/kali/a@1?arch=all&distro=kali-2024.2"
    );
    assert!(!inv.components[0].properties.contains_key("proven:release"));
}

#[test]
fn malformed_status_names_the_line() {
    let text = "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\nPackage: b\nStatus: install ok installed\nno colon here\n continuation\n\nStatus: install ok installed\nVersion: 2\n";
    let inv = parse_bytes("dpkg-status", "var/lib/dpkg/status", text.as_bytes()).expect("parser");
    assert_eq!(ids(&inv), ["pkg:deb/debian/a@1?arch=all"]);
    let errors: Vec<(Option<u32>, &str)> = inv
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .map(|d| (d.location.line, d.message.as_str()))
        .collect();
    assert!(
        errors
            .iter()
            .any(|(l, m)| *l == Some(6) && m.contains("`b` has no `Version:`")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(l, m)| *l == Some(8) && m.contains("not a field")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(l, m)| *l == Some(11) && m.contains("without `Package:`")),
        "{errors:?}"
    );
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
}

#[test]
fn debootstrap_rootfs_matches_dpkg_query() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.cache/rootfs/debian-bookworm");
    if !root.join(".done").exists() {
        eprintln!(
            "skipped: {} is not built; run scripts/make-rootfs-fixtures.sh",
            root.display()
        );
        return;
    }
    let admindir = root.join("var/lib/dpkg");
    let query = |format: &str| -> Option<Vec<String>> {
        let out = Command::new("dpkg-query")
            .arg("-W")
            .arg(format!("--admindir={}", admindir.display()))
            .arg("-f")
            .arg(format)
            .output()
            .ok()?;
        Some(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_string)
                .collect(),
        )
    };
    let Some(abbrev) = query("${db:Status-Abbrev}\n") else {
        eprintln!("skipped: dpkg-query is not installed");
        return;
    };
    let ii = abbrev.iter().filter(|l| l.starts_with("ii")).count();
    let installed = query("${db:Status-Status}\n")
        .expect("dpkg-query")
        .iter()
        .filter(|s| {
            matches!(
                s.as_str(),
                "installed" | "triggers-pending" | "triggers-awaited"
            )
        })
        .count();
    let inv = scan(&root);
    let debs: Vec<&Component> = inv
        .components
        .iter()
        .filter(|c| c.ecosystem == Ecosystem::Debian)
        .collect();
    assert!(
        ii > 50,
        "a minbase system has dozens of packages, dpkg-query says {ii}"
    );
    assert_eq!(debs.len(), ii, "as many packages as dpkg-query lists `ii`");
    assert_eq!(debs.len(), installed);
    // Name, version and source of each, as dpkg-query prints them.
    let mut want =
        query("${Package} ${Version} ${source:Package} ${source:Version}\n").expect("dpkg-query");
    want.sort();
    let mut got: Vec<String> = debs
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}",
                c.name,
                c.version.as_deref().unwrap_or(""),
                c.properties["proven:source-package"],
                c.properties["proven:source-version"]
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, want);
    assert!(debs.iter().all(|c| c.properties["proven:release"] == "12"
        && c.purl
            .as_ref()
            .is_some_and(|p| p.qualifiers()["distro"] == "debian-12")));
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
}
