//! Package.resolved v1, v2 and v3, written by hand (fixtures/package-resolved/README.md says why).

use std::path::Path;

use proven_inventory::{inventory_file, parse_bytes, WalkOptions};
use proven_model::{DiagnosticLevel, Inventory, Scope};

fn fixture(v: &str) -> Inventory {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/package-resolved")
        .join(v)
        .join("Package.resolved");
    inventory_file(&file, &WalkOptions::default()).expect("Package.resolved is claimed")
}

/// (id, line, origin, requirement) of every component.
fn rows(inv: &Inventory) -> Vec<(&str, Option<u32>, &str, Option<&str>)> {
    inv.components
        .iter()
        .map(|c| {
            assert_eq!(c.scope, Scope::Required);
            (
                c.id.as_str(),
                c.locations[0].line,
                c.properties["proven:origin"].as_str(),
                c.requirement.as_deref(),
            )
        })
        .collect()
}

fn notes(inv: &Inventory) -> Vec<Option<u32>> {
    inv.diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.level, DiagnosticLevel::Note, "{d}");
            d.location.line
        })
        .collect()
}

#[test]
fn v1_pins() {
    let inv = fixture("v1");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert_eq!(inv.manifests[0].format, "Package.resolved v1");
    const PARSER: &str = "pkg:swift/github.com/apple/swift-argument-parser?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fapple%2Fswift-argument-parser%40a56e5f596d77da4806cecffbae4db172fcf3e30f#Package.resolved";
    assert_eq!(
        rows(&inv),
        [
            (
                "pkg:swift/github.com/Alamofire/Alamofire@5.8.1",
                Some(4),
                "registry",
                None
            ),
            (
                "pkg:swift/github.com/SnapKit/SnapKit@5.6.0",
                Some(22),
                "registry",
                None
            ),
            (
                PARSER,
                Some(13),
                "git",
                Some("main@a56e5f596d77da4806cecffbae4db172fcf3e30f")
            ),
        ]
    );
    assert_eq!(notes(&inv), [Some(13)], "the branch pin");
    let alamofire = inv
        .component("pkg:swift/github.com/Alamofire/Alamofire@5.8.1")
        .expect("alamofire");
    assert_eq!(
        alamofire.source.as_deref(),
        Some("https://github.com/Alamofire/Alamofire.git")
    );
    assert_eq!(
        alamofire.properties["proven:vcs-reference"],
        "7923aa548060734538285a032141421e4b99504b"
    );
    assert_eq!(alamofire.version.as_deref(), Some("5.8.1"));
    let parser = inv.component(PARSER).expect("branch pin");
    assert_eq!(parser.version, None);
    assert!(inv.dependencies.is_empty() && inv.manifests[0].direct.is_empty());
}

#[test]
fn v2_kinds() {
    let inv = fixture("v2");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert_eq!(inv.manifests[0].format, "Package.resolved v2");
    assert_eq!(
        rows(&inv),
        [
            ("pkg:swift/MyLib@0.3.0", Some(11), "path", None),
            (
                "pkg:swift/github.com/apple/swift-collections@1.1.0",
                Some(20),
                "registry",
                None
            ),
            (
                "pkg:swift/github.com/apple/swift-nio@2.62.0",
                Some(29),
                "registry",
                None
            ),
            (
                "pkg:swift/github.com/apple/swift-syntax?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fapple%2Fswift-syntax.git%402a7e32738a1c4c1fcb77e0ce5e7e5a101e18dac9#Package.resolved",
                Some(38),
                "git",
                Some("main@2a7e32738a1c4c1fcb77e0ce5e7e5a101e18dac9")
            ),
            (
                "pkg:swift/gitlab.example.com/mobile/ios/vendored-kit?vcs_url=git%2Bhttps:%2F%2Fgitlab.example.com%2Fmobile%2Fios%2Fvendored-kit.git%406166525e0b9b12ac9a4831e048096a790e748e50#Package.resolved",
                Some(47),
                "git",
                Some("6166525e0b9b12ac9a4831e048096a790e748e50")
            ),
            ("pkg:swift/mona/linkedlist@1.1.0", Some(3), "registry", None),
        ]
    );
    assert_eq!(notes(&inv), [Some(38), Some(47)]);
    let local = inv.component("pkg:swift/MyLib@0.3.0").expect("local");
    assert_eq!(local.source, None, "a folder on the developer's machine");
    let nio = inv
        .component("pkg:swift/github.com/apple/swift-nio@2.62.0")
        .expect("nio");
    assert_eq!(nio.group.as_deref(), Some("github.com/apple"));
    assert_eq!(nio.name, "swift-nio");
}

#[test]
fn v3_with_origin_hash() {
    let inv = fixture("v3");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty());
    assert_eq!(inv.manifests[0].format, "Package.resolved v3");
    assert_eq!(
        rows(&inv),
        [
            (
                "pkg:swift/github.com/apple/swift-argument-parser@1.5.0",
                Some(4),
                "registry",
                None
            ),
            (
                "pkg:swift/github.com/apple/swift-log@1.6.1",
                Some(13),
                "registry",
                None
            ),
        ]
    );
    assert!(inv.components.iter().all(|c| c.hashes.is_empty()));
}

#[test]
fn truncated_file_names_the_line() {
    let text = "{\n  \"pins\" : [\n    {\n      \"identity\" : \"swift-nio\",\n      \"kind\" : \"remoteSourceControl\",\n      \"location\" : \"https://github.com/apple/swift-nio.git\",\n      \"state\" : {\n        \"revision\" : \"6eed";
    let inv = parse_bytes("package-resolved", "Package.resolved", text.as_bytes()).expect("parser");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(8));
    assert!(!inv.manifests[0].completeness.is_complete());
}

#[test]
fn unreadable_pins_are_errors_and_the_rest_is_kept() {
    let text = r#"{
  "pins" : [
    "swift-nio",
    {
      "kind" : "remoteSourceControl",
      "state" : { "version" : "1.0.0" }
    },
    {
      "identity" : "odd",
      "location" : "not a url",
      "state" : { "version" : "1.0.0" }
    }
  ],
  "version" : 2
}"#;
    let inv = parse_bytes("package-resolved", "Package.resolved", text.as_bytes()).expect("parser");
    let found: Vec<(DiagnosticLevel, Option<u32>)> = inv
        .diagnostics
        .iter()
        .map(|d| (d.level, d.location.line))
        .collect();
    assert_eq!(
        found,
        [
            (DiagnosticLevel::Error, Some(3)),
            (DiagnosticLevel::Error, Some(4)),
            (DiagnosticLevel::Warning, Some(8)),
        ]
    );
    assert_eq!(
        inv.components.len(),
        1,
        "the pin without a URL keeps its identity"
    );
    assert!(!inv.manifests[0].completeness.is_complete());
    let inv =
        parse_bytes("package-resolved", "Package.resolved", br#"{"version": 2}"#).expect("parser");
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Error);
}
