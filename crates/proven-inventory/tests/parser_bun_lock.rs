//! bun.lock fixture written by the real bun (fixtures/bun-lock/generate.sh), hand-made snippets,
//! and the binary bun.lockb, which is refused with what to do.

use std::path::Path;

use proven_inventory::{inventory_file, parse_bytes, WalkOptions};
use proven_model::{Completeness, ComponentKind, DiagnosticLevel, HashAlg, Inventory, Scope};

fn fixture() -> Inventory {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bun-lock/text/bun.lock");
    inventory_file(&path, &WalkOptions::default()).expect("bun.lock is claimed")
}

fn lock(text: &str) -> Inventory {
    parse_bytes("bun-lock", "bun.lock", text.as_bytes()).expect("parser exists")
}

fn deps<'a>(inv: &'a Inventory, id: &str) -> Vec<&'a str> {
    inv.dependencies
        .get(id)
        .map(|d| d.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn text_lockfile() {
    let inv = fixture();
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let m = &inv.manifests[0];
    assert_eq!(m.format, "bun.lock v2");
    let root = "pkg:npm/demo@1.0.0";
    assert_eq!(m.root.as_deref(), Some(root), "version from package.json");
    assert_eq!(
        inv.component(root).map(|c| c.kind),
        Some(ComponentKind::Application)
    );
    assert_eq!(inv.components.len(), 17);
    let helper = "pkg:npm/%40demo/helper@0.2.0";
    assert_eq!(
        inv.component(helper)
            .and_then(|c| c.properties.get("proven:origin"))
            .map(String::as_str),
        Some("path")
    );
    // `debug/ms` is the ms nested under debug; the workspace gets the top-level one.
    assert_eq!(deps(&inv, "pkg:npm/debug@4.3.4"), ["pkg:npm/ms@2.1.2"]);
    assert_eq!(deps(&inv, helper), ["pkg:npm/ms@2.1.3"]);
    assert_eq!(
        deps(&inv, "pkg:npm/is-odd@3.0.1"),
        ["pkg:npm/is-number@6.0.0"]
    );
    assert_eq!(
        deps(&inv, "pkg:npm/use-sync-external-store@1.2.0"),
        ["pkg:npm/react@18.2.0"],
        "a peer dependency is installed"
    );
    assert!(deps(&inv, root).contains(&helper));
    let scope = |id: &str| inv.component(id).map(|c| c.scope);
    assert_eq!(scope("pkg:npm/ms@2.1.2"), Some(Scope::Required));
    assert_eq!(scope("pkg:npm/yallist@4.0.0"), Some(Scope::Dev));
    assert_eq!(scope("pkg:npm/is-number@6.0.0"), Some(Scope::Optional));
    assert_eq!(scope("pkg:npm/is-number@7.0.0"), Some(Scope::Dev));
    assert!(m.direct.contains("pkg:npm/ms@2.1.3") && m.direct.contains("pkg:npm/ms@2.0.0"));
    assert!(!m.direct.contains(helper));
    let debug = inv.component("pkg:npm/debug@4.3.4").expect("debug");
    assert_eq!(debug.locations[0].line, Some(36));
    assert_eq!(debug.hashes.len(), 1);
    assert_eq!(debug.hashes[0].alg, HashAlg::Sha512);
    let nested = inv.component("pkg:npm/ms@2.1.2").expect("debug/ms");
    assert_eq!(nested.locations[0].line, Some(60));
}

#[test]
fn comments_trailing_commas_and_sources() {
    let text = r#"{
  // written by hand
  "lockfileVersion": 1,
  "workspaces": {
    "": { "name": "app", "version": "3.0.0", "dependencies": { "a": "^1", "g": "github:x/g", "t": "https://example.com/t.tgz", }, },
  },
  "packages": {
    /* a registry package from another registry */
    "a": ["a@1.0.0", "https://npm.example.com/", { "dependencies": { "missing": "^1" } }, "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="],
    "g": ["g@git+https://github.com/x/g.git#0123456789abcdef0123456789abcdef01234567", {}, "x-g-0123456"],
    "t": ["t@https://example.com/t.tgz", {}],
  },
}"#;
    let inv = lock(text);
    assert_eq!(inv.manifests[0].root.as_deref(), Some("pkg:npm/app@3.0.0"));
    let by_name = |n: &str| inv.components.iter().find(|c| c.name == n).expect(n);
    let q = |n: &str, k: &str| {
        by_name(n)
            .purl
            .as_ref()
            .and_then(|p| p.qualifiers().get(k))
            .cloned()
    };
    assert_eq!(
        q("a", "repository_url").as_deref(),
        Some("https://npm.example.com")
    );
    assert_eq!(
        q("g", "vcs_url").as_deref(),
        Some("git+https://github.com/x/g.git@0123456789abcdef0123456789abcdef01234567")
    );
    assert_eq!(
        q("t", "download_url").as_deref(),
        Some("https://example.com/t.tgz")
    );
    assert_eq!(by_name("a").locations[0].line, Some(9));
    // The missing dependency is reported at its package's line.
    assert_eq!(inv.diagnostics.len(), 1, "{:?}", inv.diagnostics);
    assert!(inv.diagnostics[0].message.contains("missing"));
    assert_eq!(inv.diagnostics[0].location.line, Some(9));
    assert!(!inv.is_complete());
}

#[test]
fn broken_json_names_the_line() {
    let inv =
        lock("{\n  \"lockfileVersion\": 1,\n  \"packages\": {\n    \"a\": [\"a@1.0.0\", \"\",\n");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(5));
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
}

#[test]
fn binary_lockfile_says_what_to_do() {
    let bytes = b"#!/usr/bin/env bun\nbun-lockfile-format-v0\n\x02\x00\x00\x00\xff\xfe";
    let inv = parse_bytes("bun-lock", "bun.lockb", bytes).expect("parser exists");
    assert!(!inv.is_complete());
    assert!(
        inv.diagnostics
            .iter()
            .any(|d| d.message.contains("bun install --save-text-lockfile")),
        "{:?}",
        inv.diagnostics
    );
}
