//! go.mod (+ go.sum) fixtures: `real/` from the real go command (fixtures/go-mod/generate.sh),
//! `handwritten/` for directives newer than the installed Go.

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, ComponentKind, DiagnosticLevel, HashAlg, Scope};

fn fixture(name: &str) -> proven_model::Inventory {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/go-mod")
        .join(name);
    inventory_tree(&dir, &WalkOptions::default())
}

#[test]
fn real_go_mod_and_go_sum() {
    let inv = fixture("real");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    assert_eq!(inv.manifests.len(), 2);
    let m = &inv.manifests[0];
    assert_eq!(m.path, "go.mod");
    assert_eq!(m.format, "go.mod (go 1.19)");
    let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:golang/example.com/demo/app#go.mod",
            "pkg:golang/example.com/fork@v1.0.1",
            "pkg:golang/example.com/greet@v1.2.0",
            "pkg:golang/example.com/local#go.mod",
            // The replacement directory's own go.mod, found by the walk.
            "pkg:golang/example.com/local#local/go.mod",
            "pkg:golang/example.com/old@v2.0.0%2Bincompatible",
            "pkg:golang/example.com/words@v0.3.1",
            "pkg:golang/github.com/Acme/Pseudo@v0.0.0-20240102030405-abcdefabcdef",
        ]
    );
    let root = inv
        .component("pkg:golang/example.com/demo/app#go.mod")
        .expect("root");
    assert_eq!(root.kind, ComponentKind::Application);
    assert_eq!(root.group.as_deref(), Some("example.com/demo"));
    assert_eq!(root.name, "app");
    assert_eq!(m.root.as_deref(), Some(root.id.as_str()));
    assert_eq!(root.locations[0].line, Some(1));

    // Everything but the indirect words module is direct.
    assert_eq!(m.direct.len(), 5);
    assert!(!m.direct.contains("pkg:golang/example.com/words@v0.3.1"));
    assert_eq!(inv.dependencies[&root.id].len(), 5);
    assert!(inv.components.iter().all(|c| c.scope == Scope::Required));

    let greet = inv
        .component("pkg:golang/example.com/greet@v1.2.0")
        .expect("greet");
    assert_eq!(greet.locations[0].line, Some(7));
    assert_eq!(greet.properties["proven:origin"], "registry");
    // h1:JXhHQ8IDyY2BG86LkS4G1r8k9RnlseQy4Yoh2oQOA+Y= from go.sum, as hex; the /go.mod hash is not it.
    assert_eq!(greet.hashes.len(), 1);
    assert_eq!(greet.hashes[0].alg, HashAlg::Sha256);
    assert_eq!(
        greet.hashes[0].value,
        "25784743c203c98d811bce8b912e06d6bf24f519e5b1e432e18a21da840e03e6"
    );
    let words = inv
        .component("pkg:golang/example.com/words@v0.3.1")
        .expect("words");
    assert_eq!(words.locations[0].line, Some(13));
    assert_eq!(words.hashes.len(), 1);

    // The module replacement ships, with its own hash and a note of what it replaces.
    let fork = inv
        .component("pkg:golang/example.com/fork@v1.0.1")
        .expect("fork");
    assert_eq!(
        fork.properties["proven:replaces"],
        "example.com/forked@v1.0.0"
    );
    assert_eq!(fork.hashes.len(), 1);
    // A local directory replacement has no version and no hash.
    let local = inv
        .component("pkg:golang/example.com/local#go.mod")
        .expect("local");
    assert_eq!(local.version, None);
    assert_eq!(local.properties["proven:origin"], "path");
    assert_eq!(local.source.as_deref(), Some("./local"));
    assert!(local.hashes.is_empty());

    let pseudo = inv
        .component("pkg:golang/github.com/Acme/Pseudo@v0.0.0-20240102030405-abcdefabcdef")
        .expect("module paths keep their case");
    assert_eq!(pseudo.group.as_deref(), Some("github.com/Acme"));
}

#[test]
fn newer_directives_and_block_replace() {
    let inv = fixture("handwritten");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    assert_eq!(inv.manifests[0].format, "go.mod (go 1.24.0)");
    let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:golang/example.com/raw#go.mod",
            "pkg:golang/example.com/tools/cmd#go.mod",
            "pkg:golang/github.com/acme/yaml/v3@v3.0.2",
            "pkg:golang/golang.org/x/mod@v0.24.0",
            "pkg:golang/golang.org/x/tools@v0.33.0",
        ]
    );
    let m = &inv.manifests[0];
    assert_eq!(
        m.direct.iter().map(String::as_str).collect::<Vec<_>>(),
        [
            "pkg:golang/github.com/acme/yaml/v3@v3.0.2",
            "pkg:golang/golang.org/x/mod@v0.24.0",
        ],
        "`// indirect; …` is indirect too"
    );
    let raw = inv
        .component("pkg:golang/example.com/raw#go.mod")
        .expect("raw");
    assert_eq!(raw.source.as_deref(), Some("../raw"));
    assert_eq!(raw.locations[0].line, Some(20));
    // No go.sum: no hashes, still complete.
    assert!(inv.components.iter().all(|c| c.hashes.is_empty()));
}

#[test]
fn before_go_1_17_is_incomplete() {
    let text = "module m\n\ngo 1.16\n\nrequire a.example/b v1.0.0\n";
    let inv = parse_bytes("go-mod", "go.mod", text.as_bytes()).expect("parser exists");
    assert!(inv.diagnostics.is_empty());
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
    assert_eq!(inv.components.len(), 2);
}

#[test]
fn truncated_go_mod_names_the_line() {
    let text = "module m\n\ngo 1.22\n\nrequire (\n\ta.example/b v1.0.0\n\ta.example/c\n";
    let inv = parse_bytes("go-mod", "go.mod", text.as_bytes()).expect("parser exists");
    let errors: Vec<_> = inv
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .map(|d| d.location.line)
        .collect();
    assert_eq!(errors, [Some(5), Some(7)], "{:?}", inv.diagnostics);
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
    assert!(inv.component("pkg:golang/a.example/b@v1.0.0").is_some());
}
