//! Every SBOM the writers produce: valid against the official schemas, internally consistent,
//! and byte-identical for identical input.

mod common;

use std::collections::BTreeSet;

use proven_model::Inventory;
use proven_sbom::{write, Format, SbomMeta};
use serde_json::Value;

fn inventories() -> Vec<(&'static str, Inventory, SbomMeta)> {
    vec![
        ("cargo-lock v3", common::cargo_fixture("v3"), common::meta()),
        (
            "cargo-lock v4",
            common::cargo_fixture("v4"),
            common::meta_with_product(),
        ),
        ("edge cases", common::edge_cases(), common::meta()),
        (
            "edge cases, product",
            common::edge_cases(),
            common::meta_with_product(),
        ),
        ("empty", Inventory::default(), common::meta()),
    ]
}

#[test]
fn cyclonedx_and_spdx23_validate_against_the_official_schemas() {
    let Some(dir) = common::testdata("schemas") else {
        return;
    };
    let schemas = common::Schemas::get(&dir);
    for (what, inv, meta) in inventories() {
        for format in [Format::CycloneDx16, Format::CycloneDx17, Format::Spdx23] {
            schemas.validate(format, &write(format, &inv, &meta), what);
        }
    }
}

#[test]
fn the_schema_check_catches_a_broken_document() {
    let Some(dir) = common::testdata("schema self-check") else {
        return;
    };
    let schemas = common::Schemas::get(&dir);
    let doc = write(Format::CycloneDx16, &common::edge_cases(), &common::meta());
    let mut v: Value = serde_json::from_str(&doc).expect("JSON");
    v["components"][0]["scope"] = "dev".into();
    let bad = serde_json::to_string(&v).expect("JSON");
    let errors = schemas.errors(Format::CycloneDx16, &bad, "broken");
    assert!(!errors.is_empty(), "an invalid scope must fail validation");
}

#[test]
fn identical_input_gives_identical_bytes() {
    for (what, inv, meta) in inventories() {
        for &format in Format::ALL {
            let a = write(format, &inv, &meta);
            let b = write(format, &inv.clone(), &meta.clone());
            assert_eq!(a, b, "{what} {format:?}");
            assert!(a.ends_with('\n'));
        }
    }
    // Any change of input changes the serial number.
    let inv = common::edge_cases();
    let serial = |m: &SbomMeta| {
        let v: Value = serde_json::from_str(&write(Format::CycloneDx16, &inv, m)).expect("JSON");
        v["serialNumber"].as_str().expect("serial").to_string()
    };
    let mut later = common::meta();
    later.timestamp += 1;
    assert_ne!(serial(&common::meta()), serial(&later));
    assert!(serial(&later).starts_with("urn:uuid:"));
    assert_eq!(&serial(&later)[23..24], "5", "a version 5 UUID");
}

#[test]
fn timestamps_come_from_the_metadata() {
    let inv = common::edge_cases();
    let meta = common::meta();
    for &format in Format::ALL {
        let doc = write(format, &inv, &meta);
        assert!(doc.contains("2024-05-06T12:53:20Z"), "{format:?}");
    }
}

/// Every bom-ref unique, every dependsOn resolves, every component in the graph, every manifest
/// in a composition.
#[test]
fn cyclonedx_graph_is_closed() {
    for (what, inv, meta) in inventories() {
        for format in [Format::CycloneDx16, Format::CycloneDx17] {
            let v: Value = serde_json::from_str(&write(format, &inv, &meta)).expect("JSON");
            let mut refs = BTreeSet::new();
            let mut collect = |c: &Value| {
                let r = c["bom-ref"]
                    .as_str()
                    .expect("every component has a bom-ref");
                assert!(refs.insert(r.to_string()), "{what}: bom-ref {r} twice");
            };
            collect(&v["metadata"]["component"]);
            let components = v["components"].as_array().expect("components");
            components.iter().for_each(&mut collect);
            for f in v["formulation"].as_array().into_iter().flatten() {
                f["components"]
                    .as_array()
                    .expect("files")
                    .iter()
                    .for_each(&mut collect);
            }
            let deps = v["dependencies"].as_array().expect("dependencies");
            let mut in_graph = BTreeSet::new();
            for d in deps {
                let r = d["ref"].as_str().expect("ref");
                assert!(refs.contains(r), "{what}: dependency ref {r} names nothing");
                assert!(
                    in_graph.insert(r.to_string()),
                    "{what}: two entries for {r}"
                );
                for t in d["dependsOn"].as_array().expect("dependsOn, maybe empty") {
                    let t = t.as_str().expect("ref");
                    assert!(refs.contains(t), "{what}: {r} depends on unknown {t}");
                }
            }
            for c in components {
                let r = c["bom-ref"].as_str().expect("ref");
                assert!(
                    in_graph.contains(r),
                    "{what}: {r} has no dependencies entry"
                );
            }
            let product = v["metadata"]["component"]["bom-ref"].as_str().expect("ref");
            assert!(
                in_graph.contains(product),
                "{what}: the product is in the graph"
            );
            let mut composed = BTreeSet::new();
            for c in v["compositions"].as_array().expect("compositions") {
                for r in c["dependencies"].as_array().expect("refs") {
                    let r = r.as_str().expect("ref");
                    assert!(refs.contains(r), "{what}: composition names unknown {r}");
                    composed.insert(r.to_string());
                }
            }
            for c in components {
                let r = c["bom-ref"].as_str().expect("ref");
                assert!(
                    composed.contains(r),
                    "{what}: no completeness stated for {r}"
                );
            }
            assert!(v.get("vulnerabilities").is_none());
        }
    }
}

#[test]
fn everything_reaches_the_product() {
    let inv = common::edge_cases();
    let v: Value =
        serde_json::from_str(&write(Format::CycloneDx16, &inv, &common::meta())).expect("JSON");
    let deps: std::collections::BTreeMap<&str, Vec<&str>> = v["dependencies"]
        .as_array()
        .expect("deps")
        .iter()
        .map(|d| {
            (
                d["ref"].as_str().expect("ref"),
                d["dependsOn"]
                    .as_array()
                    .expect("list")
                    .iter()
                    .map(|x| x.as_str().expect("ref"))
                    .collect(),
            )
        })
        .collect();
    let product = v["metadata"]["component"]["bom-ref"].as_str().expect("ref");
    let mut seen = BTreeSet::new();
    let mut stack = vec![product];
    while let Some(r) = stack.pop() {
        if seen.insert(r) {
            stack.extend(deps[r].iter().copied());
        }
    }
    for c in &inv.components {
        assert!(seen.contains(c.id.as_str()), "{} not reachable", c.id);
    }
}

#[test]
fn cyclonedx_carries_the_bsi_fields_the_inventory_has() {
    let inv = common::cargo_fixture("v4");
    let v: Value =
        serde_json::from_str(&write(Format::CycloneDx16, &inv, &common::meta())).expect("JSON");
    assert_eq!(v["specVersion"], "1.6");
    assert_eq!(
        v["metadata"]["manufacturer"]["contact"][0]["email"],
        "sbom@proven.example"
    );
    assert_eq!(v["metadata"]["timestamp"], "2024-05-06T12:53:20Z");
    assert_eq!(v["metadata"]["tools"]["components"][0]["name"], "proven");
    assert_eq!(
        v["metadata"]["component"]["name"], "demo",
        "the root crate names the product"
    );
    let itoa = v["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["name"] == "itoa")
        .expect("itoa");
    let props: Vec<(&str, &str)> = itoa["properties"]
        .as_array()
        .expect("properties")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().expect("name"),
                p["value"].as_str().expect("value"),
            )
        })
        .collect();
    for expected in [
        ("bsi:component:filename", "itoa-1.0.11.crate"),
        ("bsi:component:archive", "archive"),
        ("bsi:component:executable", "non-executable"),
        ("bsi:component:structured", "structured"),
    ] {
        assert!(props.contains(&expected), "{expected:?} in {props:?}");
    }
    assert_eq!(
        itoa["hashes"][0]["alg"], "SHA-256",
        "only the hash the lockfile has"
    );
    assert_eq!(itoa["hashes"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        itoa["externalReferences"][0]["url"],
        "https://static.crates.io/crates/itoa/itoa-1.0.11.crate"
    );
    assert_eq!(itoa["evidence"]["occurrences"][0]["location"], "Cargo.lock");
    assert!(itoa["evidence"]["occurrences"][0]["line"]
        .as_u64()
        .is_some());
    let ryu = v["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["name"] == "ryu")
        .expect("ryu");
    assert_eq!(ryu["scope"], "excluded", "dev-dependencies are not shipped");
    let file = &v["formulation"][0]["components"][0];
    assert_eq!(file["type"], "file");
    assert_eq!(file["name"], "Cargo.lock");
    assert_eq!(file["hashes"].as_array().map(Vec::len), Some(2));
    let composition = v["compositions"]
        .as_array()
        .expect("compositions")
        .iter()
        .find(|c| c["bom-ref"] == "composition:Cargo.lock")
        .expect("one composition per manifest");
    assert_eq!(composition["aggregate"], "complete");
}

#[test]
fn licences_declared_and_concluded() {
    let inv = common::edge_cases();
    let find = |doc: &Value, name: &str| -> Value {
        doc["components"]
            .as_array()
            .expect("components")
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .expect("component")
    };
    let v16: Value =
        serde_json::from_str(&write(Format::CycloneDx16, &inv, &common::meta())).expect("JSON");
    let v17: Value =
        serde_json::from_str(&write(Format::CycloneDx17, &inv, &common::meta())).expect("JSON");
    let lodash17 = find(&v17, "lodash");
    assert_eq!(lodash17["licenses"][0]["acknowledgement"], "declared");
    assert_eq!(lodash17["licenses"][1]["acknowledgement"], "concluded");
    let lodash16 = find(&v16, "lodash");
    assert_eq!(lodash16["licenses"].as_array().map(Vec::len), Some(1));
    assert_eq!(lodash16["licenses"][0]["acknowledgement"], "concluded");
    let pad16 = find(&v16, "left-pad");
    assert_eq!(
        pad16["licenses"][0]["expression"],
        "(MIT OR Apache-2.0) AND BSD-3-Clause"
    );
    let declared = pad16["properties"]
        .as_array()
        .expect("properties")
        .iter()
        .find(|p| p["name"] == "proven:declared-license")
        .expect("1.6 keeps the declared licence as a property");
    assert!(declared["value"]
        .as_str()
        .expect("text")
        .starts_with("LicenseRef-"));
    let go = find(&v16, "go-sdk");
    assert!(go.get("licenses").is_none(), "NOASSERTION is no licence");

    let spdx: Value =
        serde_json::from_str(&write(Format::Spdx23, &inv, &common::meta())).expect("JSON");
    let pkg = |name: &str| -> Value {
        spdx["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .expect("package")
    };
    assert_eq!(pkg("lodash")["licenseDeclared"], "MIT");
    assert_eq!(pkg("lodash")["licenseConcluded"], "MIT");
    assert_eq!(
        pkg("github.com/Azure/go-sdk")["licenseConcluded"],
        "NOASSERTION"
    );
    assert_eq!(pkg("@babel/core")["licenseConcluded"], "NOASSERTION");
    let refs: BTreeSet<&str> = spdx["hasExtractedLicensingInfos"]
        .as_array()
        .expect("LicenseRefs are declared")
        .iter()
        .map(|l| l["licenseId"].as_str().expect("id"))
        .collect();
    let declared = pkg("left-pad")["licenseDeclared"]
        .as_str()
        .expect("expr")
        .to_string();
    assert!(
        refs.contains(declared.as_str()),
        "{declared} declared in {refs:?}"
    );
    assert!(refs.contains("LicenseRef-UNLICENSED"));
}

#[test]
fn spdx23_shape() {
    let inv = common::edge_cases();
    let v: Value = serde_json::from_str(&write(Format::Spdx23, &inv, &common::meta_with_product()))
        .expect("JSON");
    assert!(v["documentNamespace"]
        .as_str()
        .expect("namespace")
        .starts_with("https://proven.dev/spdx/Acme-Gateway-"));
    let ids: Vec<&str> = v["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| p["SPDXID"].as_str().expect("id"))
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "SPDXIDs unique");
    for id in &ids {
        assert!(id.starts_with("SPDXRef-"));
        assert!(
            id[8..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'),
            "{id}"
        );
    }
    let rels = v["relationships"].as_array().expect("relationships");
    let describes: Vec<&Value> = rels
        .iter()
        .filter(|r| r["relationshipType"] == "DESCRIBES")
        .collect();
    assert_eq!(describes.len(), 1);
    for r in rels {
        for end in ["spdxElementId", "relatedSpdxElement"] {
            let id = r[end].as_str().expect("id");
            assert!(
                unique.contains(id) || ["SPDXRef-DOCUMENT", "NONE", "NOASSERTION"].contains(&id),
                "{id} resolves"
            );
        }
    }
    let has = |a: &str, ty: &str, b: &str| {
        rels.iter().any(|r| {
            r["spdxElementId"].as_str().is_some_and(|x| x.contains(a))
                && r["relationshipType"] == ty
                && r["relatedSpdxElement"]
                    .as_str()
                    .is_some_and(|x| x.contains(b))
        })
    };
    assert!(has("babel-core", "DEV_DEPENDENCY_OF", "acme-web-app"));
    assert!(has("left-pad", "OPTIONAL_DEPENDENCY_OF", "acme-web-app"));
    assert!(has("acme-web-app", "DEPENDS_ON", "lodash"));
    assert!(
        has("gorilla-mux", "DEPENDS_ON", "NOASSERTION"),
        "incomplete manifest"
    );
    assert!(has("requests", "DEPENDS_ON", "NONE"), "complete leaf");
    assert!(has(
        "manifest-web-package-lock.json",
        "METAFILE_OF",
        "product"
    ));
    let lodash = v["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "lodash")
        .expect("lodash");
    assert_eq!(
        lodash["externalRefs"][0]["referenceLocator"],
        "pkg:npm/lodash@4.17.21"
    );
    assert_eq!(
        lodash["downloadLocation"],
        "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"
    );
    assert_eq!(lodash["packageFileName"], "lodash-4.17.21.tgz");
    assert_eq!(lodash["filesAnalyzed"], false);
    assert_eq!(
        lodash["originator"],
        "Organization: John-David Dalton (john.david.dalton@gmail.com)"
    );
}

#[test]
fn five_thousand_components_write_quickly() {
    let inv = common::large(5_000);
    let meta = common::meta();
    for &format in Format::ALL {
        let start = std::time::Instant::now();
        let out = write(format, &inv, &meta);
        let took = start.elapsed();
        eprintln!("{format:?}: 5000 components, {} bytes, {took:?}", out.len());
        // Unoptimised builds are some 10x slower than release; the bound only catches a blow-up
        // (quadratic work), the release figures are in the crate documentation.
        let bound = if cfg!(debug_assertions) { 60.0 } else { 2.0 };
        assert!(took.as_secs_f64() < bound, "{format:?} took {took:?}");
    }
}

/// With `PROVEN_SBOM_DUMP=DIR`, writes every test SBOM there for the independent validators
/// (scripts/validate-sboms.sh).
#[test]
fn dump_for_independent_validators() {
    let Some(dir) = std::env::var_os("PROVEN_SBOM_DUMP") else {
        eprintln!("dump_for_independent_validators: skipped: set PROVEN_SBOM_DUMP=DIR to write the test SBOMs there");
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("dump dir");
    for (what, inv, meta) in inventories() {
        for &format in Format::ALL {
            let stem: String = what
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let suffix = match format {
                Format::CycloneDx16 => "-1.6.cdx.json",
                Format::CycloneDx17 => "-1.7.cdx.json",
                Format::Spdx23 => ".spdx.json",
                Format::Spdx3 => ".spdx3.json",
            };
            std::fs::write(
                dir.join(format!("{stem}{suffix}")),
                write(format, &inv, &meta),
            )
            .expect("write");
        }
    }
}
