//! apk's installed database: the hand-written Alpine 3.20 root and malformed input.

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, DiagnosticLevel, Ecosystem};

#[test]
fn alpine_root() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rootfs/alpine");
    let inv = inventory_tree(&root, &WalkOptions::default());
    let apks: Vec<_> = inv
        .components
        .iter()
        .filter(|c| c.ecosystem == Ecosystem::Alpine)
        .collect();
    let ids: Vec<&str> = apks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3",
            "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3",
            "pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3",
            "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3",
            "pkg:apk/alpine/py3-packaging@24.0-r1?arch=noarch&distro=alpine-3.20.3",
        ]
    );
    let ssl = apks[2];
    assert_eq!(ssl.properties["proven:release"], "v3.20");
    assert_eq!(ssl.properties["proven:source-package"], "openssl");
    assert_eq!(
        ssl.properties["proven:apk-commit"],
        "b77e44b1e25d5e5ffd0a6f4ed1d4e5bb7d6fa7ce"
    );
    assert_eq!(ssl.licenses.declared.as_deref(), Some("Apache-2.0"));
    assert_eq!(
        ssl.author.as_deref(),
        Some("Natanael Copa <ncopa@alpinelinux.org>")
    );
    assert_eq!(ssl.source.as_deref(), Some("https://www.openssl.org/"));
    assert_eq!(ssl.locations[0].line, Some(63));
    // D: so:… resolves through p: provides.
    let deps = &inv.dependencies[&ssl.id];
    assert!(
        deps.contains(&apks[1].id) && deps.contains(&apks[3].id),
        "{deps:?}"
    );
    // The dist-info py3-packaging installed is its own.
    let packaging = inv
        .components
        .iter()
        .find(|c| c.ecosystem == Ecosystem::PyPI)
        .expect("dist-info");
    assert_eq!(packaging.properties["proven:owned-by"], apks[4].id);
    assert_eq!(inv.manifests.len(), 2);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
}

#[test]
fn malformed_database_names_the_line() {
    let text = "P:a\nV:1\nA:x86_64\n\nP:b\nthis is not a field\n\nV:3\n";
    let inv =
        parse_bytes("apk-installed", "lib/apk/db/installed", text.as_bytes()).expect("parser");
    assert_eq!(inv.components.len(), 1);
    assert_eq!(inv.components[0].id, "pkg:apk/alpine/a@1?arch=x86_64");
    let errors: Vec<(Option<u32>, &str)> = inv
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .map(|d| (d.location.line, d.message.as_str()))
        .collect();
    assert!(
        errors
            .iter()
            .any(|(l, m)| *l == Some(6) && m.contains("expected `X:value`")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(l, m)| *l == Some(5) && m.contains("`V:` version")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|(l, _)| *l == Some(8)), "{errors:?}");
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
}
