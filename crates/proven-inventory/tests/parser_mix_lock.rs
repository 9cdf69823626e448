//! mix.lock, written by hand (fixtures/mix-lock/README.md says why).

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{DiagnosticLevel, HashAlg, Scope};

const FORK: &str = "pkg:hex/my_fork@5b1c3fd2a1e8b0c6d4e2f7a9b3c5d7e9f1a2b4c6?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fexample%2Fmy_fork.git%405b1c3fd2a1e8b0c6d4e2f7a9b3c5d7e9f1a2b4c6";

#[test]
fn hex_and_git_entries() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mix-lock");
    let inv = inventory_tree(&dir, &WalkOptions::default());
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    assert_eq!(inv.manifests[0].format, "mix.lock");
    let rows: Vec<(&str, Scope, Option<u32>)> = inv
        .components
        .iter()
        .map(|c| (c.id.as_str(), c.scope, c.locations[0].line))
        .collect();
    assert_eq!(
        rows,
        [
            ("pkg:hex/acme/billing@0.4.2", Scope::Required, Some(8)),
            ("pkg:hex/bunt@1.0.0", Scope::Dev, Some(5)),
            ("pkg:hex/cowboy@2.12.0", Scope::Required, Some(2)),
            ("pkg:hex/cowlib@2.13.0", Scope::Required, Some(3)),
            ("pkg:hex/credo@1.7.7", Scope::Dev, Some(4)),
            ("pkg:hex/jason@1.4.1", Scope::Required, Some(6)),
            (FORK, Scope::Required, Some(9)),
            ("pkg:hex/ranch@1.8.0", Scope::Required, Some(7)),
        ]
    );
    let cowboy = inv.component("pkg:hex/cowboy@2.12.0").expect("cowboy");
    assert_eq!(cowboy.hashes.len(), 1);
    assert_eq!(cowboy.hashes[0].alg, HashAlg::Sha256);
    assert_eq!(
        cowboy.hashes[0].value, "1e212d2745ebc79b9fc6f3c667c6f8ea1b190db16ebca794d64baf8bc909437e",
        "the outer checksum"
    );
    assert!(cowboy.properties.contains_key("proven:hex-inner-checksum"));
    assert_eq!(
        inv.dependencies[&cowboy.id].iter().collect::<Vec<_>>(),
        ["pkg:hex/cowlib@2.13.0", "pkg:hex/ranch@1.8.0"]
    );
    let fork = inv.component(FORK).expect("git dep");
    assert_eq!(fork.properties["proven:origin"], "git");
    assert_eq!(inv.manifests[0].direct.len(), 5);
    // jason's optional decimal dependency is not locked, and that is fine.
    assert!(!inv.dependencies.contains_key("pkg:hex/jason@1.4.1"));
}

#[test]
fn truncated_lock_names_the_line() {
    let text = "%{\n  \"a\": {:hex, :a, \"1.0.0\", \"x\", [:mix], [], \"hexpm\", \"y\"},\n  \"b\": {:hex, :b, \"1.0";
    let inv = parse_bytes("mix-lock", "mix.lock", text.as_bytes()).expect("parser");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(3));
    assert!(!inv.manifests[0].completeness.is_complete());
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let text = format!("%{{\"a\": {}", "[".repeat(100_000));
    let inv = parse_bytes("mix-lock", "mix.lock", text.as_bytes()).expect("parser");
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Error);
}
