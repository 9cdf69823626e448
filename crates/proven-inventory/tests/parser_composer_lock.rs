//! composer.lock fixture written by the real composer (fixtures/composer-lock/generate.sh).

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, DiagnosticLevel, HashAlg, Scope};

const GIT: &str = "pkg:composer/acme/strings@v1.1.0?vcs_url=git%2B%2Ftmp%2Fproven-fixture-git%2Facme-strings%400887cb44d0209c175337812826235e180d87d872";

#[test]
fn real_composer_lockfile() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/composer-lock/real");
    let inv = inventory_tree(&dir, &WalkOptions::default());
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let m = &inv.manifests[0];
    assert_eq!(m.format, "composer.lock (plugin API 2.3.0)");
    let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:composer/acme/http@2.0.0",
            "pkg:composer/acme/logger@1.2.0",
            GIT,
            "pkg:composer/acme/testkit@0.5.0",
            "pkg:composer/demo/tools@0.1.0",
            "pkg:composer/psr/log@3.0.0",
        ]
    );
    let get = |id: &str| inv.component(id).unwrap_or_else(|| panic!("{id}"));
    let logger = get("pkg:composer/acme/logger@1.2.0");
    assert_eq!(logger.group.as_deref(), Some("acme"));
    assert_eq!(logger.locations[0].line, Some(25));
    assert_eq!(logger.hashes.len(), 1);
    assert_eq!(logger.hashes[0].alg, HashAlg::Sha1);
    assert_eq!(
        logger.hashes[0].value,
        "3c10560e14c37a85b7eb087608ccb9f20702ae55"
    );
    assert_eq!(
        logger.licenses.declared.as_deref(),
        Some("MIT OR Apache-2.0")
    );
    assert_eq!(logger.author.as_deref(), Some("Ada, Grace"));
    assert_eq!(logger.properties["proven:origin"], "registry");
    // php and ext-json are platform requirements, not edges.
    assert_eq!(
        inv.dependencies[&logger.id].iter().collect::<Vec<_>>(),
        ["pkg:composer/psr/log@3.0.0"]
    );

    let strings = get(GIT);
    assert_eq!(strings.properties["proven:origin"], "git");
    assert_eq!(
        strings.properties["proven:vcs-reference"],
        "0887cb44d0209c175337812826235e180d87d872"
    );
    assert!(strings.hashes.is_empty());
    assert_eq!(
        get("pkg:composer/demo/tools@0.1.0").properties["proven:origin"],
        "path"
    );

    let testkit = get("pkg:composer/acme/testkit@0.5.0");
    assert_eq!(testkit.scope, Scope::Dev);
    assert_eq!(testkit.locations[0].line, Some(112));
    // `psr/http-client-implementation` is answered by acme/http, which provides it.
    assert!(inv.dependencies[&testkit.id].contains("pkg:composer/acme/http@2.0.0"));
    assert_eq!(get("pkg:composer/acme/http@2.0.0").scope, Scope::Required);

    // Direct dependencies come from composer.json (require + require-dev).
    assert_eq!(m.direct.len(), 5);
    assert!(!m.direct.contains("pkg:composer/psr/log@3.0.0"));
}

#[test]
fn unknown_requirement_is_a_note() {
    let text = r#"{"packages": [{"name": "a/b", "version": "1.0.0", "require": {"c/d": "^1"}}]}"#;
    let inv = parse_bytes("composer-lock", "composer.lock", text.as_bytes()).expect("parser");
    assert_eq!(inv.diagnostics.len(), 1);
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Note);
    assert_eq!(inv.components.len(), 1);
}

#[test]
fn truncated_lockfile_names_the_line() {
    let text = "{\n  \"packages\": [\n    {\n      \"name\": \"a/b\",\n      \"version\": \"1.0";
    let inv = parse_bytes("composer-lock", "composer.lock", text.as_bytes()).expect("parser");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(5));
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
}
