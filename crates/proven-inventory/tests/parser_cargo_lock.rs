//! Cargo.lock fixtures written by the real cargo (fixtures/cargo-lock/generate.sh).

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, DiagnosticLevel, HashAlg, Scope};

fn fixture(v: &str) -> proven_model::Inventory {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cargo-lock")
        .join(v);
    inventory_tree(&dir, &WalkOptions::default())
}

#[test]
fn v3_and_v4_read_the_same() {
    for v in ["v3", "v4"] {
        let inv = fixture(v);
        assert!(inv.is_complete(), "{v}: {:?}", inv.diagnostics);
        assert_eq!(inv.manifests.len(), 1);
        let m = &inv.manifests[0];
        assert_eq!(m.format, format!("Cargo.lock {v}"));
        let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "pkg:cargo/cfg-if@1.0.0",
                "pkg:cargo/demo@0.1.0",
                "pkg:cargo/helper@0.2.0",
                "pkg:cargo/itoa@1.0.11",
                "pkg:cargo/memchr@2.7.4",
                "pkg:cargo/ryu@1.0.18",
            ],
            "{v}"
        );
        assert_eq!(m.root.as_deref(), Some("pkg:cargo/demo@0.1.0"));
        let scope = |id: &str| inv.component(id).map(|c| c.scope);
        assert_eq!(
            scope("pkg:cargo/ryu@1.0.18"),
            Some(Scope::Dev),
            "dev-dependency"
        );
        assert_eq!(scope("pkg:cargo/itoa@1.0.11"), Some(Scope::Required));
        assert_eq!(
            scope("pkg:cargo/memchr@2.7.4"),
            Some(Scope::Required),
            "through a member"
        );
        assert_eq!(
            scope("pkg:cargo/cfg-if@1.0.0"),
            Some(Scope::Required),
            "build-dependency"
        );
        let itoa = inv.component("pkg:cargo/itoa@1.0.11").expect("itoa");
        assert_eq!(itoa.hashes.len(), 1);
        assert_eq!(itoa.hashes[0].alg, HashAlg::Sha256);
        assert_eq!(itoa.source.as_deref(), Some("https://crates.io"));
        assert!(itoa.locations[0].line.is_some_and(|l| l > 3));
        let demo_deps = &inv.dependencies["pkg:cargo/demo@0.1.0"];
        assert!(demo_deps.contains("pkg:cargo/helper@0.2.0"));
        assert!(inv.dependencies["pkg:cargo/helper@0.2.0"].contains("pkg:cargo/memchr@2.7.4"));
        assert_eq!(m.hashes.len(), 2, "sha256 and sha512 of the file");
    }
}

#[test]
fn truncated_lockfile_names_the_line() {
    let text =
        "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+";
    let inv = parse_bytes("cargo-lock", "Cargo.lock", text.as_bytes()).expect("parser exists");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(6));
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
}

#[test]
fn dangling_dependency_is_reported() {
    let text = "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\"ghost\"]\n";
    let inv = parse_bytes("cargo-lock", "Cargo.lock", text.as_bytes()).expect("parser exists");
    assert_eq!(inv.components.len(), 1, "what could be read is kept");
    assert!(inv.diagnostics[0].message.contains("ghost"));
    assert!(!inv.is_complete());
}

#[test]
fn v1_metadata_checksums() {
    let text = r#"[[package]]
name = "a"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "b 2.0.0 (registry+https://github.com/rust-lang/crates.io-index)",
]

[[package]]
name = "b"
version = "2.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[metadata]
"checksum a 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)" = "3bd1574e617a9a6c1f8f8181bd7e841e1f20e4277607ef28945765188d6284d4"
"#;
    let inv = parse_bytes("cargo-lock", "Cargo.lock", text.as_bytes()).expect("parser exists");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert_eq!(inv.manifests[0].format, "Cargo.lock v1");
    let a = inv.component("pkg:cargo/a@1.0.0").expect("a");
    assert_eq!(a.hashes.len(), 1);
    assert!(inv.dependencies["pkg:cargo/a@1.0.0"].contains("pkg:cargo/b@2.0.0"));
}
