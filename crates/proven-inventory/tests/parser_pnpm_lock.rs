//! pnpm-lock.yaml fixtures written by the real pnpm (fixtures/pnpm-lock/generate.sh): 5.4 by pnpm 7,
//! 6.0 by pnpm 8, 9.0 by pnpm 9; plus hand-made snippets for git, tarball and folder packages.

use std::path::Path;

use proven_inventory::{inventory_file, parse_bytes, WalkOptions};
use proven_model::{Completeness, DiagnosticLevel, HashAlg, Inventory, Scope};

const DEBUG_SHA512: &str = "3d15851ee494dde0ed4093ef9cd63b25c91eb758f4b793ae3ac1733cfcec7a40f9d9997ca947c520f122b305ea22f1d61951ce817fbb1bfbc234d85e870c5f91";

fn fixture(v: &str) -> Inventory {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pnpm-lock")
        .join(v)
        .join("pnpm-lock.yaml");
    inventory_file(&path, &WalkOptions::default()).expect("pnpm-lock.yaml is claimed")
}

fn lock(text: &str) -> Inventory {
    parse_bytes("pnpm-lock", "pnpm-lock.yaml", text.as_bytes()).expect("parser exists")
}

fn deps<'a>(inv: &'a Inventory, id: &str) -> Vec<&'a str> {
    inv.dependencies
        .get(id)
        .map(|d| d.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn all_versions_read_the_same() {
    for (v, format, debug_line) in [
        ("v5", "pnpm-lock.yaml v5.4", 41),
        ("v6", "pnpm-lock.yaml v6.0", 53),
        ("v9", "pnpm-lock.yaml v9.0", 52),
    ] {
        let inv = fixture(v);
        assert!(inv.diagnostics.is_empty(), "{v}: {:?}", inv.diagnostics);
        assert!(inv.is_complete());
        let m = &inv.manifests[0];
        assert_eq!(m.format, format);
        assert_eq!(m.root, None, "{v}: pnpm names projects only by folder");
        let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "pkg:npm/%40isaacs/string-locale-compare@1.1.0",
                "pkg:npm/debug@4.3.4",
                "pkg:npm/is-number@6.0.0",
                "pkg:npm/is-number@7.0.0",
                "pkg:npm/is-odd@3.0.1",
                "pkg:npm/js-tokens@4.0.0",
                "pkg:npm/loose-envify@1.4.0",
                "pkg:npm/lru-cache@6.0.0",
                "pkg:npm/ms@2.0.0",
                "pkg:npm/ms@2.1.2",
                "pkg:npm/ms@2.1.3",
                "pkg:npm/react@18.2.0",
                "pkg:npm/semver@7.5.4",
                "pkg:npm/use-sync-external-store@1.2.0",
                "pkg:npm/yallist@4.0.0",
            ],
            "{v}"
        );
        let scope = |id: &str| inv.component(id).map(|c| c.scope);
        assert_eq!(scope("pkg:npm/debug@4.3.4"), Some(Scope::Required), "{v}");
        assert_eq!(
            scope("pkg:npm/ms@2.1.3"),
            Some(Scope::Required),
            "{v}: workspace"
        );
        assert_eq!(scope("pkg:npm/yallist@4.0.0"), Some(Scope::Dev), "{v}");
        assert_eq!(scope("pkg:npm/is-number@7.0.0"), Some(Scope::Dev), "{v}");
        assert_eq!(
            scope("pkg:npm/is-number@6.0.0"),
            Some(Scope::Optional),
            "{v}"
        );
        assert_eq!(
            scope("pkg:npm/js-tokens@4.0.0"),
            Some(Scope::Required),
            "{v}"
        );
        // The peer-resolved snapshot depends on its peer.
        assert_eq!(
            deps(&inv, "pkg:npm/use-sync-external-store@1.2.0"),
            ["pkg:npm/react@18.2.0"],
            "{v}"
        );
        assert_eq!(deps(&inv, "pkg:npm/debug@4.3.4"), ["pkg:npm/ms@2.1.2"]);
        let direct: Vec<&str> = m.direct.iter().map(String::as_str).collect();
        assert_eq!(direct.len(), 9, "{v}: {direct:?}");
        assert!(
            direct.contains(&"pkg:npm/ms@2.0.0"),
            "{v}: the alias ms-old"
        );
        assert!(direct.contains(&"pkg:npm/ms@2.1.3"), "{v}: the workspace's");
        let debug = inv.component("pkg:npm/debug@4.3.4").expect("debug");
        assert_eq!(debug.locations[0].line, Some(debug_line), "{v}");
        assert_eq!(debug.hashes.len(), 1);
        assert_eq!(debug.hashes[0].alg, HashAlg::Sha512);
        assert_eq!(debug.hashes[0].value, DEBUG_SHA512);
        assert_eq!(
            debug.properties.get("proven:origin").map(String::as_str),
            Some("registry")
        );
    }
}

#[test]
fn peers_keep_distinct_edges_and_other_sources() {
    let text = r#"lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      a:
        specifier: ^1
        version: 1.0.0(react@18.0.0)
      b:
        specifier: ^1
        version: 1.0.0
      g:
        specifier: github:x/g
        version: https://codeload.github.com/x/g/tar.gz/0123456789abcdef
      l:
        specifier: file:./l
        version: file:l
    devDependencies:
      t:
        specifier: https://example.com/t.tgz
        version: https://example.com/t.tgz

packages:

  a@1.0.0:
    resolution: {integrity: sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==}
    peerDependencies:
      react: '*'

  b@1.0.0:
    resolution: {integrity: sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==}

  g@https://codeload.github.com/x/g/tar.gz/0123456789abcdef:
    resolution: {tarball: https://codeload.github.com/x/g/tar.gz/0123456789abcdef}
    version: 2.0.0

  h@git+https://github.com/x/h.git#0123456789abcdef0123456789abcdef01234567:
    resolution: {commit: 0123456789abcdef0123456789abcdef01234567, repo: https://github.com/x/h.git, type: git}
    version: 3.0.0

  l@file:l:
    resolution: {directory: l, type: directory}

  react@17.0.0:
    resolution: {integrity: sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==}

  react@18.0.0:
    resolution: {integrity: sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==}

  t@https://example.com/t.tgz:
    resolution: {tarball: https://example.com/t.tgz}
    version: 0.1.0

snapshots:

  a@1.0.0(react@17.0.0):
    dependencies:
      react: 17.0.0

  a@1.0.0(react@18.0.0):
    dependencies:
      react: 18.0.0

  b@1.0.0:
    dependencies:
      a: 1.0.0(react@17.0.0)
      h: git+https://github.com/x/h.git#0123456789abcdef0123456789abcdef01234567

  g@https://codeload.github.com/x/g/tar.gz/0123456789abcdef: {}

  h@git+https://github.com/x/h.git#0123456789abcdef0123456789abcdef01234567: {}

  l@file:l: {}

  react@17.0.0: {}

  react@18.0.0: {}

  t@https://example.com/t.tgz: {}
"#;
    let inv = lock(text);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    assert_eq!(
        deps(&inv, "pkg:npm/a@1.0.0"),
        ["pkg:npm/react@17.0.0", "pkg:npm/react@18.0.0"],
        "one package, two peer resolutions"
    );
    let a = inv.component("pkg:npm/a@1.0.0").expect("a");
    assert_eq!(
        a.locations.len(),
        1,
        "both snapshots point at the packages entry"
    );
    let by_name = |n: &str| inv.components.iter().find(|c| c.name == n).expect(n);
    let origin = |n: &str| by_name(n).properties.get("proven:origin").cloned();
    assert_eq!(origin("g").as_deref(), Some("url"));
    assert_eq!(by_name("g").version.as_deref(), Some("2.0.0"));
    assert_eq!(origin("h").as_deref(), Some("git"));
    assert_eq!(
        by_name("h")
            .purl
            .as_ref()
            .and_then(|p| p.qualifiers().get("vcs_url"))
            .map(String::as_str),
        Some("https://github.com/x/h.git@0123456789abcdef0123456789abcdef01234567")
    );
    assert_eq!(origin("l").as_deref(), Some("path"));
    assert_eq!(by_name("l").version, None);
    assert_eq!(by_name("t").scope, Scope::Dev);
    assert_eq!(by_name("h").scope, Scope::Required, "through b");
}

#[test]
fn single_project_v5_and_missing_packages() {
    let text = "lockfileVersion: 5.3\n\nspecifiers:\n  a: ^1\n\ndependencies:\n  a: 1.0.0\n\ndevDependencies:\n  gone: 2.0.0\n\npackages:\n\n  /a/1.0.0:\n    resolution: {integrity: sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=}\n    dependencies:\n      b: 1.0.0\n    dev: false\n";
    let inv = lock(text);
    assert_eq!(inv.manifests[0].format, "pnpm-lock.yaml v5.3");
    assert_eq!(inv.components.len(), 1);
    let lines: Vec<Option<u32>> = inv.diagnostics.iter().map(|d| d.location.line).collect();
    assert_eq!(lines, [Some(10), Some(17)], "{:?}", inv.diagnostics);
    assert!(!inv.is_complete());
    assert!(inv.manifests[0].direct.contains("pkg:npm/a@1.0.0"));
}

#[test]
fn broken_yaml_names_the_line() {
    let text =
        "lockfileVersion: '9.0'\n\npackages:\n\n  a@1.0.0:\n    resolution: {integrity: sha512-x\n";
    let inv = lock(text);
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(
        d.location.line,
        Some(7),
        "the end of the text, where the closing brace was expected"
    );
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
    let inv = lock("- just\n- a list\n");
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Error);
}
