//! package-lock.json fixtures written by the real npm (fixtures/package-lock/generate.sh): v1 by
//! npm 6, v2 and v3 by current npm; plus hand-made snippets for what the fixtures cannot show.

use std::path::Path;

use proven_inventory::{inventory_file, parse_bytes, WalkOptions};
use proven_model::{Completeness, DiagnosticLevel, HashAlg, Inventory, Scope};

const DEBUG_SHA512: &str = "3d15851ee494dde0ed4093ef9cd63b25c91eb758f4b793ae3ac1733cfcec7a40f9d9997ca947c520f122b305ea22f1d61951ce817fbb1bfbc234d85e870c5f91";

fn fixture(v: &str) -> Inventory {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/package-lock")
        .join(v)
        .join("package-lock.json");
    inventory_file(&path, &WalkOptions::default()).expect("package-lock.json is claimed")
}

fn lock(text: &str) -> Inventory {
    parse_bytes("package-lock", "package-lock.json", text.as_bytes()).expect("parser exists")
}

fn deps<'a>(inv: &'a Inventory, id: &str) -> Vec<&'a str> {
    inv.dependencies
        .get(id)
        .map(|d| d.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn all_versions_read_the_same_tree() {
    for v in ["v1", "v2", "v3"] {
        let inv = fixture(v);
        assert!(inv.is_complete(), "{v}: {:?}", inv.diagnostics);
        assert!(inv.diagnostics.is_empty(), "{v}: {:?}", inv.diagnostics);
        let m = &inv.manifests[0];
        assert_eq!(m.format, format!("package-lock.json {v}"));
        // v1 (npm 6) has no workspaces: the helper is a `file:` dependency with no version there.
        let helper = if v == "v1" {
            "pkg:npm/%40demo/helper#package-lock.json"
        } else {
            "pkg:npm/%40demo/helper@0.2.0"
        };
        let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                helper,
                "pkg:npm/%40isaacs/string-locale-compare@1.1.0",
                "pkg:npm/debug@4.3.4",
                "pkg:npm/demo@1.0.0",
                "pkg:npm/is-number@6.0.0",
                "pkg:npm/is-number@7.0.0",
                "pkg:npm/is-odd@3.0.1",
                "pkg:npm/lru-cache@6.0.0",
                "pkg:npm/ms@2.0.0",
                "pkg:npm/ms@2.1.2",
                "pkg:npm/ms@2.1.3",
                "pkg:npm/semver@7.5.4",
                "pkg:npm/yallist@4.0.0",
            ],
            "{v}"
        );
        assert_eq!(m.root.as_deref(), Some("pkg:npm/demo@1.0.0"), "{v}");
        let direct: Vec<&str> = m.direct.iter().map(String::as_str).collect();
        assert_eq!(
            direct,
            [
                "pkg:npm/%40isaacs/string-locale-compare@1.1.0",
                "pkg:npm/debug@4.3.4",
                "pkg:npm/is-number@7.0.0",
                "pkg:npm/is-odd@3.0.1",
                "pkg:npm/ms@2.0.0",
                "pkg:npm/ms@2.1.3",
                "pkg:npm/semver@7.5.4",
            ],
            "{v}: the project's and the workspace's own dependencies"
        );
        let scope = |id: &str| inv.component(id).map(|c| c.scope);
        assert_eq!(scope("pkg:npm/debug@4.3.4"), Some(Scope::Required), "{v}");
        assert_eq!(scope("pkg:npm/yallist@4.0.0"), Some(Scope::Dev), "{v}");
        assert_eq!(scope("pkg:npm/is-odd@3.0.1"), Some(Scope::Optional), "{v}");
        assert_eq!(
            scope("pkg:npm/is-number@6.0.0"),
            Some(Scope::Optional),
            "{v}"
        );
        assert_eq!(scope("pkg:npm/is-number@7.0.0"), Some(Scope::Dev), "{v}");

        // Node resolution: debug gets the ms nested under it, is-odd its own is-number, the
        // workspace the ms in its own node_modules.
        assert_eq!(
            deps(&inv, "pkg:npm/debug@4.3.4"),
            ["pkg:npm/ms@2.1.2"],
            "{v}"
        );
        assert_eq!(
            deps(&inv, "pkg:npm/is-odd@3.0.1"),
            ["pkg:npm/is-number@6.0.0"],
            "{v}"
        );
        assert_eq!(deps(&inv, helper), ["pkg:npm/ms@2.1.3"], "{v}");
        assert_eq!(
            deps(&inv, "pkg:npm/semver@7.5.4"),
            ["pkg:npm/lru-cache@6.0.0"]
        );
        assert!(deps(&inv, "pkg:npm/demo@1.0.0").contains(&helper), "{v}");

        let alias = inv.component("pkg:npm/ms@2.0.0").expect("the alias ms-old");
        assert_eq!(alias.name, "ms", "{v}: an alias is the package it names");
        let debug = inv.component("pkg:npm/debug@4.3.4").expect("debug");
        assert_eq!(debug.hashes.len(), 1);
        assert_eq!(debug.hashes[0].alg, HashAlg::Sha512);
        assert_eq!(debug.hashes[0].value, DEBUG_SHA512);
        assert_eq!(
            debug.properties.get("proven:origin").map(String::as_str),
            Some("registry")
        );
        let scoped = inv
            .component("pkg:npm/%40isaacs/string-locale-compare@1.1.0")
            .expect("scoped");
        assert_eq!(scoped.group.as_deref(), Some("@isaacs"));
        assert_eq!(scoped.name, "string-locale-compare");
        let helper_c = inv.component(helper).expect("helper");
        assert_eq!(
            helper_c.properties.get("proven:origin").map(String::as_str),
            Some("path")
        );
    }
}

#[test]
fn lines_licences_and_sources() {
    let inv = fixture("v3");
    let line = |id: &str| inv.component(id).and_then(|c| c.locations[0].line);
    assert_eq!(line("pkg:npm/demo@1.0.0"), Some(7), "the \"\" entry");
    assert_eq!(line("pkg:npm/debug@4.3.4"), Some(37));
    assert_eq!(
        line("pkg:npm/is-number@6.0.0"),
        Some(74),
        "node_modules/is-odd/node_modules/is-number"
    );
    assert_eq!(line("pkg:npm/%40demo/helper@0.2.0"), Some(127));
    let licence = |id: &str| inv.component(id).and_then(|c| c.licenses.declared.clone());
    assert_eq!(
        licence("pkg:npm/%40demo/helper@0.2.0").as_deref(),
        Some("Apache-2.0")
    );
    assert_eq!(licence("pkg:npm/yallist@4.0.0").as_deref(), Some("ISC"));
    // Written with omit-lockfile-registry-resolved: no tarball URL, still a registry package.
    let debug = inv.component("pkg:npm/debug@4.3.4").expect("debug");
    assert_eq!(debug.source, None);

    let v2 = fixture("v2");
    let debug = v2.component("pkg:npm/debug@4.3.4").expect("debug");
    assert_eq!(
        debug.source.as_deref(),
        Some("https://registry.npmjs.org/debug/-/debug-4.3.4.tgz")
    );
    assert_eq!(
        v2.component("pkg:npm/debug@4.3.4")
            .and_then(|c| c.locations[0].line),
        Some(38)
    );
}

#[test]
fn truncated_lockfile_names_the_line() {
    let text = "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": {\n      \"version\": \"1.0.0\",\n";
    let inv = lock(text);
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(6));
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
    let inv = lock("[1, 2]");
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Error);
}

#[test]
fn links_aliases_git_and_other_registries() {
    let text = r#"{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": { "name": "app", "version": "2.0.0", "dependencies": { "lib": "*", "x": "^1", "g": "github:a/g" } },
    "node_modules/lib": { "resolved": "libs/lib", "link": true },
    "node_modules/x": {
      "name": "@real/x",
      "version": "1.2.0",
      "resolved": "https://npm.example.com/@real/x/-/x-1.2.0.tgz",
      "integrity": "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk= sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
      "devOptional": true,
      "peerDependencies": { "absent": "*" },
      "peerDependenciesMeta": { "absent": { "optional": true } }
    },
    "node_modules/g": {
      "version": "0.3.0",
      "resolved": "git+ssh://git@github.com/a/g.git#0123456789abcdef0123456789abcdef01234567",
      "dependencies": { "ghost": "^1" }
    }
  }
}"#;
    let inv = lock(text);
    // `lib` links to a folder the lockfile does not list: still a first-party component.
    let lib = inv
        .component("pkg:npm/lib#package-lock.json")
        .expect("link target");
    assert_eq!(
        lib.properties.get("proven:origin").map(String::as_str),
        Some("path")
    );
    let x = inv
        .components
        .iter()
        .find(|c| c.name == "x")
        .expect("alias from another registry");
    assert_eq!(x.group.as_deref(), Some("@real"));
    assert_eq!(
        x.purl
            .as_ref()
            .and_then(|p| p.qualifiers().get("repository_url"))
            .map(String::as_str),
        Some("https://npm.example.com")
    );
    assert_eq!(x.hashes.len(), 2, "both SRI hashes");
    assert_eq!(x.scope, Scope::Optional, "devOptional ships as optional");
    let g = inv
        .components
        .iter()
        .find(|c| c.name == "g")
        .expect("git dependency");
    assert_eq!(
        g.properties.get("proven:origin").map(String::as_str),
        Some("git")
    );
    assert_eq!(
        g.purl
            .as_ref()
            .and_then(|p| p.qualifiers().get("vcs_url"))
            .map(String::as_str),
        Some("git+ssh://git@github.com/a/g.git@0123456789abcdef0123456789abcdef01234567")
    );
    // The missing `ghost` is reported; the optional peer `absent` is not.
    assert_eq!(inv.diagnostics.len(), 1, "{:?}", inv.diagnostics);
    assert!(inv.diagnostics[0].message.contains("ghost"));
    assert_eq!(inv.diagnostics[0].location.line, Some(16));
    assert!(!inv.is_complete());
    assert_eq!(
        deps(&inv, "pkg:npm/app@2.0.0").len(),
        3,
        "lib, x and g: {:?}",
        inv.dependencies
    );
}

#[test]
fn shrinkwrap_and_v1_spec_versions() {
    let text = r#"{
  "name": "app",
  "version": "1.0.0",
  "lockfileVersion": 1,
  "dependencies": {
    "g": { "version": "git+https://github.com/a/g.git#0123456789abcdef0123456789abcdef01234567", "from": "github:a/g" },
    "al": { "version": "npm:@s/real@3.1.0", "resolved": "https://registry.npmjs.org/@s/real/-/real-3.1.0.tgz" }
  }
}"#;
    let inv =
        parse_bytes("package-lock", "npm-shrinkwrap.json", text.as_bytes()).expect("parser exists");
    assert_eq!(inv.manifests[0].format, "npm-shrinkwrap.json v1");
    assert!(inv.component("pkg:npm/%40s/real@3.1.0").is_some());
    let g = inv
        .components
        .iter()
        .find(|c| c.name == "g")
        .expect("git dependency");
    assert_eq!(
        g.version.as_deref(),
        Some("0123456789abcdef0123456789abcdef01234567"),
        "the commit pins it"
    );
}

#[test]
fn a_package_without_version_is_reported() {
    let text = "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {},\n    \"node_modules/a\": {\n      \"resolved\": \"https://registry.npmjs.org/a/-/a-1.0.0.tgz\"\n    }\n  }\n}\n";
    let inv = lock(text);
    assert_eq!(inv.components.len(), 1);
    assert_eq!(
        inv.components[0].version, None,
        "never guessed from the URL"
    );
    assert_eq!(inv.diagnostics.len(), 1);
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Warning);
    assert_eq!(inv.diagnostics[0].location.line, Some(5));
}
