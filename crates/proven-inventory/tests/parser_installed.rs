//! Installed language packages: node_modules (npm), dist-info and egg-info (pip, setuptools),
//! installed gemspecs, Java archives (the JDK's jar tool).

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, Component, DiagnosticLevel, HashAlg, Inventory, Scope};

fn installed() -> Inventory {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/installed");
    let options = WalkOptions {
        include_vendored: true,
        ..WalkOptions::default()
    };
    inventory_tree(&root, &options)
}

fn find<'a>(inv: &'a Inventory, id: &str) -> &'a Component {
    inv.components
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| {
            panic!(
                "{id} in {:?}",
                inv.components.iter().map(|c| &c.id).collect::<Vec<_>>()
            )
        })
}

#[test]
fn every_installed_package() {
    let inv = installed();
    let mut ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "pkg:gem/json@2.6.3",
            "pkg:gem/nokogiri@1.15.4?platform=x86_64-linux",
            "pkg:gem/rack@3.0.8",
            "pkg:maven/com.legacy/legacy-util@0.9",
            "pkg:maven/org.example/app@2.0.0",
            "pkg:maven/org.example/greeter@1.4.2",
            "pkg:npm/%40isaacs/string-locale-compare@1.1.0",
            "pkg:npm/is-number@7.0.0",
            "pkg:pypi/legacy-pkg@0.3",
            "pkg:pypi/six@1.16.0",
        ]
    );
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
}

#[test]
fn npm_packages() {
    let inv = installed();
    let c = find(&inv, "pkg:npm/%40isaacs/string-locale-compare@1.1.0");
    assert_eq!(c.group.as_deref(), Some("@isaacs"));
    assert_eq!(c.licenses.declared.as_deref(), Some("ISC"));
    assert_eq!(c.properties["proven:origin"], "registry");
    assert_eq!(
        c.locations[0].path,
        "app/node_modules/@isaacs/string-locale-compare/package.json"
    );
    let n = find(&inv, "pkg:npm/is-number@7.0.0");
    assert_eq!(n.licenses.declared.as_deref(), Some("MIT"));
    assert_eq!(
        n.author.as_deref(),
        Some("Jon Schlinkert (https://github.com/jonschlinkert)")
    );
}

#[test]
fn python_distributions() {
    let inv = installed();
    let six = find(&inv, "pkg:pypi/six@1.16.0");
    assert_eq!(six.name, "six");
    assert_eq!(six.licenses.declared.as_deref(), Some("MIT"));
    assert_eq!(six.author.as_deref(), Some("Benjamin Peterson"));
    assert_eq!(six.locations[0].line, Some(2));
    let legacy = find(&inv, "pkg:pypi/legacy-pkg@0.3");
    assert_eq!(
        legacy.licenses.declared, None,
        "a licence text is not a licence name"
    );
    assert_eq!(legacy.author.as_deref(), Some("Jane Doe"));
}

#[test]
fn gems() {
    let inv = installed();
    let rack = find(&inv, "pkg:gem/rack@3.0.8");
    assert_eq!(rack.licenses.declared.as_deref(), Some("MIT"));
    assert_eq!(rack.author.as_deref(), Some("Leah Neukirchen"));
    assert_eq!(rack.locations[0].line, Some(5));
    let noko = find(&inv, "pkg:gem/nokogiri@1.15.4?platform=x86_64-linux");
    assert_eq!(
        noko.author.as_deref(),
        Some("Mike Dalessio, Aaron Patterson")
    );
    assert_eq!(
        find(&inv, "pkg:gem/json@2.6.3")
            .licenses
            .declared
            .as_deref(),
        Some("Ruby")
    );
}

#[test]
fn java_archives() {
    let inv = installed();
    let greeter = find(&inv, "pkg:maven/org.example/greeter@1.4.2");
    assert_eq!(
        greeter.properties["proven:identified-by"],
        "META-INF/maven/org.example/greeter/pom.properties"
    );
    let mut paths: Vec<&str> = greeter.locations.iter().map(|l| l.path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        ["app/app.jar", "app/lib/greeter-1.4.2.jar"],
        "on its own and nested"
    );
    assert!(greeter.hashes.iter().any(|h| h.alg == HashAlg::Sha256));
    let legacy = find(&inv, "pkg:maven/com.legacy/legacy-util@0.9");
    assert_eq!(legacy.properties["proven:confidence"], "low");
    assert_eq!(
        legacy.properties["proven:identified-by"],
        "META-INF/MANIFEST.MF"
    );
    let app = find(&inv, "pkg:maven/org.example/app@2.0.0");
    assert_eq!(app.scope, Scope::Required);
    assert!(!app.properties.contains_key("proven:archive-path"));
}

#[test]
fn malformed_metadata() {
    let inv = parse_bytes(
        "node-modules",
        "node_modules/x/package.json",
        b"{\"name\": \"x\",\n  \"version\": }",
    )
    .expect("parser");
    assert!(inv.components.is_empty());
    assert_eq!(inv.diagnostics[0].location.line, Some(2));
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));

    let inv = parse_bytes(
        "python-installed",
        "x-1.dist-info/METADATA",
        b"Metadata-Version: 2.1\nSummary: no name\n",
    )
    .expect("parser");
    assert!(inv.components.is_empty());
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Error);
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));

    let inv = parse_bytes(
        "gemspec",
        "specifications/nothing.gemspec",
        b"# no name, no version\n",
    )
    .expect("parser");
    assert!(inv.components.is_empty());
    assert!(inv.diagnostics[0].message.contains("expected `s.name`"));

    let inv = parse_bytes("jar", "lib/broken.jar", b"PK\x03\x04 truncated").expect("parser");
    assert!(inv.components.is_empty());
    assert!(
        inv.diagnostics[0]
            .message
            .contains("expected a zip archive"),
        "{:?}",
        inv.diagnostics
    );
}
