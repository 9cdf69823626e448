//! `check_bsi`: per-field counts and the verdict, on a good and a bad SBOM.

mod common;

use std::path::Path;

use proven_model::{Hash, HashAlg, Licenses};
use proven_sbom::{check_bsi, write, BsiLevel, Format};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("fixture")
}

/// An inventory with everything BSI asks for: creators with mail, licences concluded, SHA-512.
fn complete_inventory() -> proven_model::Inventory {
    let mut inv = common::cargo_fixture("v4");
    inv.components.retain(|c| c.source.is_some());
    let keep: std::collections::BTreeSet<String> =
        inv.components.iter().map(|c| c.id.clone()).collect();
    inv.dependencies.retain(|k, _| keep.contains(k));
    for m in &mut inv.manifests {
        m.components.retain(|c| keep.contains(c));
        m.root = None;
    }
    for c in &mut inv.components {
        c.author = Some(format!(
            "{} maintainers <{}@crates.example>",
            c.name, c.name
        ));
        c.licenses = Licenses {
            declared: Some("MIT OR Apache-2.0".into()),
            concluded: Some("MIT".into()),
        };
        c.add_hash(Hash::from_hex(HashAlg::Sha512, &"ab".repeat(64)).expect("sha512"));
    }
    inv
}

#[test]
fn a_complete_sbom_passes() {
    let doc = write(
        Format::CycloneDx16,
        &complete_inventory(),
        &common::meta_with_product(),
    );
    let report = check_bsi(doc.as_bytes()).expect("checks");
    assert!(report.passed, "{}", report.render_table());
    assert_eq!(report.format, "CycloneDX 1.6");
    assert_eq!(report.components, 4);
    for f in &report.fields {
        if f.level == BsiLevel::Required && f.scope == "component" {
            assert_eq!(f.present, 4, "{}", f.field);
        }
    }
    let json: serde_json::Value = serde_json::from_str(&report.render_json()).expect("JSON");
    assert_eq!(json["passed"], true);
    assert!(report.render_table().contains("passed"));
}

#[test]
fn lockfile_facts_alone_fail_with_the_list() {
    // A Cargo.lock has no authors, no licences and SHA-256 only: BSI fields are missing.
    let doc = write(
        Format::CycloneDx16,
        &common::cargo_fixture("v4"),
        &common::meta(),
    );
    let report = check_bsi(doc.as_bytes()).expect("checks");
    assert!(!report.passed);
    let field = |name: &str| report.fields.iter().find(|f| f.field == name).expect(name);
    assert_eq!(field("Component name").present, 6);
    assert_eq!(
        field("Filename of the component").present,
        4,
        "registry crates only"
    );
    assert_eq!(field("Hash value of the deployable component").present, 0);
    assert_eq!(field("Component creator").present, 0);
    assert!(field("Component creator")
        .missing
        .contains(&"pkg:cargo/itoa@1.0.11".to_string()));
    assert!(field("Creator of the SBOM").passed);
    assert!(field("Timestamp").passed);
    assert!(field("Dependencies on other components").passed);
    let table = report.render_table();
    assert!(table.contains("MISSING"), "{table}");
    assert!(table.contains("missing Component creator"), "{table}");
}

#[test]
fn third_party_and_old_formats() {
    let report = check_bsi(&fixture("cyclonedx-1.4-npm.json")).expect("checks");
    assert!(!report.passed);
    let format = report
        .fields
        .iter()
        .find(|f| f.field == "SBOM format")
        .expect("format");
    assert!(!format.passed, "1.4 is older than the TR accepts");
    let report = check_bsi(&fixture("spdx-2.3-syft.json")).expect("checks");
    assert_eq!(report.format, "SPDX 2.3");
    assert!(!report.passed, "SPDX 2 is no longer accepted");
    assert!(check_bsi(b"not json").is_err());
}
