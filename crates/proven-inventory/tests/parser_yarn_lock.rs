//! yarn.lock fixtures written by the real yarn (fixtures/yarn-lock/generate.sh): classic by yarn 1,
//! berry by yarn 4 (metadata v8+) and berry3 by yarn 3 (metadata v6); plus hand-made snippets.

use std::path::Path;

use proven_inventory::{inventory_file, parse_bytes, WalkOptions};
use proven_model::{Completeness, ComponentKind, DiagnosticLevel, HashAlg, Inventory, Scope};

fn fixture(flavour: &str) -> Inventory {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/yarn-lock")
        .join(flavour)
        .join("yarn.lock");
    inventory_file(&path, &WalkOptions::default()).expect("yarn.lock is claimed")
}

fn lock(text: &str) -> Inventory {
    parse_bytes("yarn-lock", "yarn.lock", text.as_bytes()).expect("parser exists")
}

fn deps<'a>(inv: &'a Inventory, id: &str) -> Vec<&'a str> {
    inv.dependencies
        .get(id)
        .map(|d| d.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

fn prop<'a>(inv: &'a Inventory, id: &str, key: &str) -> Option<&'a str> {
    inv.component(id)
        .and_then(|c| c.properties.get(key))
        .map(String::as_str)
}

#[test]
fn classic() {
    let inv = fixture("classic");
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    assert!(inv.is_complete());
    let m = &inv.manifests[0];
    assert_eq!(m.format, "yarn.lock v1 (classic)");
    assert_eq!(m.root, None, "yarn classic does not list the project");
    let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:npm/%40isaacs/string-locale-compare@1.1.0",
            "pkg:npm/debug@4.3.4",
            "pkg:npm/is-number@6.0.0",
            "pkg:npm/is-number@7.0.0",
            "pkg:npm/is-odd@3.0.1",
            "pkg:npm/lru-cache@6.0.0",
            "pkg:npm/ms@2.0.0",
            "pkg:npm/ms@2.1.2",
            "pkg:npm/ms@2.1.3",
            "pkg:npm/semver@7.5.4",
            "pkg:npm/yallist@4.0.0",
        ]
    );
    // Scopes from package.json by reachability.
    let scope = |id: &str| inv.component(id).map(|c| c.scope);
    assert_eq!(scope("pkg:npm/debug@4.3.4"), Some(Scope::Required));
    assert_eq!(scope("pkg:npm/ms@2.1.2"), Some(Scope::Required));
    assert_eq!(scope("pkg:npm/yallist@4.0.0"), Some(Scope::Dev));
    assert_eq!(scope("pkg:npm/is-number@6.0.0"), Some(Scope::Optional));
    assert_eq!(deps(&inv, "pkg:npm/debug@4.3.4"), ["pkg:npm/ms@2.1.2"]);
    assert_eq!(
        deps(&inv, "pkg:npm/semver@7.5.4"),
        ["pkg:npm/lru-cache@6.0.0"]
    );
    assert_eq!(m.direct.len(), 6, "{:?}", m.direct);
    assert!(m.direct.contains("pkg:npm/ms@2.0.0"), "the alias ms-old");

    let debug = inv.component("pkg:npm/debug@4.3.4").expect("debug");
    assert_eq!(debug.locations[0].line, Some(10));
    let algs: Vec<HashAlg> = debug.hashes.iter().map(|h| h.alg).collect();
    assert_eq!(
        algs,
        [HashAlg::Sha1, HashAlg::Sha512],
        "#sha1 and integrity"
    );
    assert_eq!(
        debug.hashes[0].value,
        "1319f6579357f2338d3337d2cdd4914bb5dcc865"
    );
    assert_eq!(
        debug.source.as_deref(),
        Some("https://registry.yarnpkg.com/debug/-/debug-4.3.4.tgz")
    );
    assert_eq!(
        prop(&inv, "pkg:npm/debug@4.3.4", "proven:origin"),
        Some("registry")
    );
}

#[test]
fn berry_versions_read_the_same() {
    for (flavour, format) in [
        ("berry", "yarn.lock v10 (berry)"),
        ("berry3", "yarn.lock v6 (berry)"),
    ] {
        let inv = fixture(flavour);
        assert!(
            inv.diagnostics.is_empty(),
            "{flavour}: {:?}",
            inv.diagnostics
        );
        let m = &inv.manifests[0];
        assert_eq!(m.format, format);
        assert_eq!(inv.components.len(), 20, "{flavour}");
        let root = "pkg:npm/demo@0.0.0-use.local";
        assert_eq!(m.root.as_deref(), Some(root));
        assert_eq!(
            inv.component(root).map(|c| c.kind),
            Some(ComponentKind::Application)
        );
        let helper = "pkg:npm/%40demo/helper@0.0.0-use.local";
        assert_eq!(
            prop(&inv, helper, "proven:origin"),
            Some("path"),
            "workspace"
        );
        assert_eq!(
            prop(
                &inv,
                "pkg:npm/%40demo/local@0.0.0-use.local",
                "proven:origin"
            ),
            Some("path"),
            "link:"
        );
        assert_eq!(deps(&inv, helper), ["pkg:npm/ms@2.1.3"]);
        let root_deps = deps(&inv, root);
        assert!(root_deps.contains(&helper) && root_deps.contains(&"pkg:npm/ms@2.0.0"));
        assert_eq!(
            deps(&inv, "pkg:npm/resolve@1.22.8"),
            [
                "pkg:npm/is-core-module@2.18.0",
                "pkg:npm/path-parse@1.0.7",
                "pkg:npm/supports-preserve-symlinks-flag@1.0.0",
            ]
        );
        // The builtin patch of `resolve` is the same package.
        assert!(prop(&inv, "pkg:npm/resolve@1.22.8", "proven:patch")
            .is_some_and(|p| p.contains("builtin<compat/resolve>")));
        // yarn's checksum is of its cache archive: a property, never a hash.
        let debug = inv.component("pkg:npm/debug@4.3.4").expect("debug");
        assert!(debug.hashes.is_empty());
        let sum = prop(&inv, "pkg:npm/debug@4.3.4", "proven:yarn-checksum").expect("checksum");
        assert_eq!(sum.starts_with("10c0/"), flavour == "berry");
        assert_eq!(debug.locations[0].line, Some(29));
        let scope = |id: &str| inv.component(id).map(|c| c.scope);
        assert_eq!(
            scope("pkg:npm/yallist@4.0.0"),
            Some(Scope::Dev),
            "{flavour}"
        );
        assert_eq!(scope("pkg:npm/is-number@6.0.0"), Some(Scope::Optional));
        assert_eq!(scope("pkg:npm/hasown@2.0.4"), Some(Scope::Required));
        assert_eq!(scope(root), Some(Scope::Required));
        assert!(m.direct.contains("pkg:npm/ms@2.1.3"), "the workspace's");
        assert!(
            !m.direct.contains(helper),
            "first-party is not a dependency"
        );
    }
}

#[test]
fn classic_bad_lines_are_reported() {
    let text = "# yarn lockfile v1\n\n\"a@^1\":\n  version \"1.0.0\"\n  resolved \"https://registry.yarnpkg.com/a/-/a-1.0.0.tgz\n\nnot a header\nb@^2:\n  version \"2.0.0\"\n  dependencies:\n    c \"^3\"\n";
    let inv = lock(text);
    let errors: Vec<Option<u32>> = inv
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
    assert_eq!(inv.components.len(), 2, "what could be read is kept");
    assert!(
        inv.diagnostics.iter().any(|d| d.message.contains("c@^3")),
        "the missing dependency"
    );
    let inv = lock("garbage\n");
    assert_eq!(inv.diagnostics[0].location.line, Some(1));
    assert!(inv.components.is_empty());
    let inv = lock("# yarn lockfile v1\n  version \"1.0.0\"\n  resolved \"x\"\n");
    assert_eq!(inv.diagnostics.len(), 1, "one report for the orphan block");
    assert_eq!(inv.diagnostics[0].location.line, Some(2));
    assert!(!inv.is_complete());
}

#[test]
fn classic_other_sources() {
    let text = r#"# yarn lockfile v1


"tooling@github:webpack/tooling#v1":
  version "1.0.0"
  resolved "https://codeload.github.com/webpack/tooling/tar.gz/4c13a00ac84cf0e2dd57c457cd1ce46faa9e456a"

"g@git+https://example.com/g.git#0123456789abcdef0123456789abcdef01234567":
  version "0.1.0"
  resolved "git+https://example.com/g.git#0123456789abcdef0123456789abcdef01234567"

"local@file:./local":
  version "0.0.1"
"#;
    let inv = lock(text);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let origin = |name: &str| {
        inv.components
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.properties.get("proven:origin"))
            .map(String::as_str)
    };
    assert_eq!(origin("tooling"), Some("url"));
    assert_eq!(origin("g"), Some("git"));
    assert_eq!(origin("local"), Some("path"));
    let g = inv.components.iter().find(|c| c.name == "g").expect("g");
    assert!(g.hashes.is_empty(), "a commit is not a tarball hash");
}

#[test]
fn berry_truncated_names_the_line() {
    let text = "__metadata:\n  version: 8\n\n\"a@npm:^1\":\n  version: 1.0.0\n  resolution: \"a@npm:1.0.0\n";
    let inv = lock(text);
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Error);
    // The line where the unclosed string starts.
    assert_eq!(inv.diagnostics[0].location.line, Some(6));
    assert!(!inv.is_complete());
}

#[test]
fn berry_dangling_dependency() {
    let text = "__metadata:\n  version: 8\n\n\"a@npm:^1\":\n  version: 1.0.0\n  resolution: \"a@npm:1.0.0\"\n  dependencies:\n    b: \"npm:^2\"\n    c: \"npm:^3\"\n  dependenciesMeta:\n    c:\n      optional: true\n  languageName: node\n  linkType: hard\n";
    let inv = lock(text);
    assert_eq!(inv.components.len(), 1);
    assert_eq!(
        inv.diagnostics.len(),
        1,
        "only the required one: {:?}",
        inv.diagnostics
    );
    assert_eq!(inv.diagnostics[0].location.line, Some(8));
    assert!(!inv.is_complete());
}
