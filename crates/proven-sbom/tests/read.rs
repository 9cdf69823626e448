//! Reading SBOMs: round trips through our writers, third-party documents, and errors.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proven_model::{Completeness, DiagnosticLevel, Ecosystem, HashAlg, Inventory, Scope};
use proven_sbom::{read, write, Format, SbomError};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What a component must keep through a round trip, keyed by purl (or name when it has none).
type Facts = (
    Option<String>,
    Scope,
    Vec<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn facts(inv: &Inventory) -> BTreeMap<String, Facts> {
    inv.components
        .iter()
        .map(|c| {
            (
                c.purl
                    .as_ref()
                    .map_or_else(|| c.full_name(), ToString::to_string),
                (
                    c.version.clone(),
                    c.scope,
                    c.hashes.iter().map(ToString::to_string).collect(),
                    c.licenses.declared.clone().filter(|l| l != "NOASSERTION"),
                    c.licenses.concluded.clone().filter(|l| l != "NOASSERTION"),
                    c.author.clone(),
                ),
            )
        })
        .collect()
}

fn edges_by_key(inv: &Inventory) -> BTreeSet<(String, String)> {
    let key = |id: &str| {
        let c = inv.component(id).expect("edge ends are components");
        c.purl
            .as_ref()
            .map_or_else(|| c.full_name(), ToString::to_string)
    };
    inv.dependencies
        .iter()
        .flat_map(|(a, bs)| bs.iter().map(move |b| (a.clone(), b.clone())))
        .map(|(a, b)| (key(&a), key(&b)))
        .collect()
}

/// Licences go out normalised, so compare with what the writer makes of them.
fn normalised(mut inv: Inventory) -> Inventory {
    for c in &mut inv.components {
        for l in [&mut c.licenses.declared, &mut c.licenses.concluded] {
            if l.as_deref() == Some("NOASSERTION") {
                *l = None;
            }
        }
    }
    inv
}

#[test]
fn cyclonedx_round_trip_keeps_components_edges_and_manifests() {
    for (what, inv) in [
        ("cargo v4", common::cargo_fixture("v4")),
        ("edge cases", common::edge_cases()),
    ] {
        for format in [Format::CycloneDx16, Format::CycloneDx17] {
            let doc = write(format, &inv, &common::meta());
            let back = read(doc.as_bytes(), "sbom.cdx.json").expect("our own output reads");
            assert!(
                back.diagnostics.is_empty(),
                "{what}: {:?}",
                back.diagnostics
            );
            let ids = |i: &Inventory| {
                i.components
                    .iter()
                    .map(|c| c.id.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&back), ids(&inv), "{what} {format:?}: same ids");
            let expected = normalised(inv.clone());
            // Licences that were not SPDX come back as LicenseRef- expressions; compare the rest.
            for (a, b) in back.components.iter().zip(&expected.components) {
                assert_eq!(a.purl, b.purl, "{what}");
                assert_eq!(
                    (&a.group, &a.name, &a.version),
                    (&b.group, &b.name, &b.version),
                    "{what}"
                );
                assert_eq!(a.scope, b.scope, "{what} {}", a.id);
                assert_eq!(a.kind, b.kind, "{what} {}", a.id);
                assert_eq!(a.ecosystem, b.ecosystem, "{what} {}", a.id);
                assert_eq!(a.hashes, b.hashes, "{what} {}", a.id);
                assert_eq!(a.author, b.author, "{what} {}", a.id);
                assert_eq!(a.locations, b.locations, "{what} {}", a.id);
                assert_eq!(a.requirement, b.requirement, "{what} {}", a.id);
                for (got, want) in [
                    (&a.licenses.declared, &b.licenses.declared),
                    (&a.licenses.concluded, &b.licenses.concluded),
                ] {
                    match (got, want) {
                        (Some(g), Some(w)) if g != w => {
                            assert!(g.contains("LicenseRef-"), "{what} {}: {g} vs {w}", a.id)
                        }
                        _ => assert_eq!(got.is_some(), want.is_some(), "{what} {}", a.id),
                    }
                }
                for (k, v) in &b.properties {
                    assert_eq!(a.properties.get(k), Some(v), "{what} {} property {k}", a.id);
                }
            }
            let deps = |i: &Inventory| {
                i.dependencies
                    .iter()
                    .filter(|(_, d)| !d.is_empty())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<BTreeMap<_, _>>()
            };
            assert_eq!(deps(&back), deps(&inv), "{what} {format:?}: same edges");
            assert_eq!(
                back.manifests, inv.manifests,
                "{what} {format:?}: manifests restored"
            );
        }
    }
}

#[test]
fn spdx23_round_trip_keeps_components_and_edges() {
    for (what, inv) in [
        ("cargo v4", common::cargo_fixture("v4")),
        ("edge cases", common::edge_cases()),
    ] {
        let doc = write(Format::Spdx23, &inv, &common::meta());
        let back = read(doc.as_bytes(), "sbom.spdx.json").expect("our own output reads");
        assert!(
            back.diagnostics.is_empty(),
            "{what}: {:?}",
            back.diagnostics
        );
        let root = back.manifests[0]
            .root
            .clone()
            .expect("the product is the root");
        let mut without_product = back.clone();
        without_product.components.retain(|c| c.id != root);
        without_product.dependencies.remove(&root);
        let (mut got, mut want) = (facts(&without_product), facts(&normalised(inv.clone())));
        for (k, w) in want.iter_mut() {
            let g = got.get_mut(k).unwrap_or_else(|| panic!("{what}: {k} lost"));
            // Non-SPDX licences come back as their LicenseRef- form.
            for (gl, wl) in [(&mut g.3, &mut w.3), (&mut g.4, &mut w.4)] {
                if gl.as_deref().is_some_and(|l| l.contains("LicenseRef-")) {
                    *wl = gl.clone();
                }
            }
            // SPDX 2 actors carry a name and a mail, no URL.
            if w.5.as_deref().is_some_and(|a| a.contains('(')) {
                w.5 = g.5.clone();
            }
        }
        assert_eq!(got, want, "{what}");
        assert_eq!(edges_by_key(&without_product), edges_by_key(&inv), "{what}");
        let incomplete = inv.manifests.iter().any(|m| !m.completeness.is_complete());
        assert_eq!(
            back.manifests[0].completeness.is_complete(),
            !incomplete,
            "{what}"
        );
    }
}

#[test]
fn reads_cyclonedx_1_4_from_cyclonedx_npm() {
    let inv = read(&fixture("cyclonedx-1.4-npm.json"), "frontend.cdx.json").expect("reads");
    let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "@babel/core@7.21.0",
            "express@4.18.2",
            "qs@6.11.0",
            "shop-frontend@3.2.0"
        ]
    );
    let babel = inv.component("@babel/core@7.21.0").expect("babel");
    assert_eq!(babel.ecosystem, Ecosystem::Npm);
    assert_eq!(babel.group.as_deref(), Some("@babel"));
    assert_eq!(babel.full_name(), "@babel/core");
    assert_eq!(babel.scope, Scope::Dev, "excluded = not shipped");
    assert_eq!(
        babel.licenses.declared.as_deref(),
        Some("MIT"),
        "no acknowledgement = declared"
    );
    assert_eq!(babel.author.as_deref(), Some("The Babel Team"));
    assert_eq!(babel.hashes[0].alg, HashAlg::Sha512);
    assert_eq!(
        babel.source.as_deref(),
        Some("https://registry.npmjs.org/@babel/core/-/core-7.21.0.tgz")
    );
    let qs = inv.component("qs@6.11.0").expect("qs");
    assert_eq!(
        qs.licenses.declared.as_deref(),
        Some("BSD-3-Clause"),
        "licence by name"
    );
    let express = inv.component("express@4.18.2").expect("express");
    assert_eq!(express.hashes.len(), 1, "SHA-1 kept, BLAKE3 reported");
    assert!(inv
        .diagnostics
        .iter()
        .any(|d| d.level == DiagnosticLevel::Warning && d.message.contains("BLAKE3")));
    let m = &inv.manifests[0];
    assert_eq!(m.path, "frontend.cdx.json");
    assert_eq!(m.format, "CycloneDX 1.4");
    assert_eq!(m.root.as_deref(), Some("shop-frontend@3.2.0"));
    assert_eq!(m.direct.len(), 2);
    assert_eq!(m.hashes.len(), 2);
    assert!(m.completeness.is_complete());
    assert!(inv.dependencies["express@4.18.2"].contains("qs@6.11.0"));
}

#[test]
fn reads_cyclonedx_1_5_with_nested_components_and_compositions() {
    let inv = read(&fixture("cyclonedx-1.5-python.json"), "billing.cdx.json").expect("reads");
    assert_eq!(inv.components.len(), 6, "4 + 1 nested + the root");
    let requests = inv.component("requests==2.31.0").expect("requests");
    assert_eq!(requests.ecosystem, Ecosystem::PyPI);
    assert_eq!(
        requests.author.as_deref(),
        Some("Kenneth Reitz <me@kennethreitz.org>")
    );
    assert_eq!(requests.licenses.declared.as_deref(), Some("Apache-2.0"));
    assert!(
        inv.component("vendored-tool/helper.py").is_some(),
        "nested component"
    );
    assert_eq!(
        inv.component("pytest==7.4.0").map(|c| c.scope),
        Some(Scope::Optional)
    );
    assert!(
        inv.diagnostics
            .iter()
            .any(|d| d.message.contains("no-such-ref")),
        "a dangling dependsOn is reported, not kept"
    );
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
    for deps in inv.dependencies.values() {
        for d in deps {
            assert!(inv.component(d).is_some());
        }
    }
}

#[test]
fn reads_spdx23_from_syft() {
    let inv = read(&fixture("spdx-2.3-syft.json"), "image.spdx.json").expect("reads");
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let mux = inv
        .component("pkg:golang/github.com/gorilla/mux@v1.8.1")
        .expect("purl as id");
    assert_eq!(mux.ecosystem, Ecosystem::Go);
    assert_eq!(mux.group.as_deref(), Some("github.com/gorilla"));
    assert_eq!(mux.name, "mux");
    assert_eq!(mux.licenses.declared.as_deref(), Some("BSD-3-Clause"));
    assert_eq!(mux.licenses.concluded, None);
    assert_eq!(
        mux.author.as_deref(),
        Some("Gorilla Web Toolkit <maintainers@gorilla.example>")
    );
    assert_eq!(mux.hashes[0].alg, HashAlg::Sha256);
    let node = inv
        .component("pkg:npm/%40types/node@20.11.5")
        .expect("types/node");
    assert_eq!(node.full_name(), "@types/node");
    assert_eq!(node.scope, Scope::Dev);
    let zlib = inv
        .component("pkg:deb/debian/zlib@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12")
        .expect("deb");
    assert_eq!(zlib.ecosystem, Ecosystem::Debian);
    assert_eq!(zlib.scope, Scope::Required);
    let m = &inv.manifests[0];
    assert_eq!(
        m.root.as_deref(),
        Some("SPDXRef-DocumentRoot-Directory-app")
    );
    assert_eq!(
        m.direct.len(),
        3,
        "CONTAINS, DEPENDENCY_OF and DEV_DEPENDENCY_OF"
    );
    assert!(
        matches!(&m.completeness, Completeness::Incomplete(why) if why.contains("NOASSERTION"))
    );
}

#[test]
fn errors_say_what_was_expected_and_where() {
    let err = read(b"{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [\n    {\"name\": 5}\n  ]\n}", "bad.json")
        .expect_err("name must be a string");
    match &err {
        SbomError::Invalid { line, format, .. } => {
            assert_eq!(*line, 5);
            assert_eq!(format, "CycloneDX 1.6");
        }
        other => panic!("{other:?}"),
    }
    let chain = format!("{err}: {}", std::error::Error::source(&err).expect("cause"));
    assert!(chain.contains("bad.json:5:"), "{chain}");
    assert!(chain.contains("expected a string"), "{chain}");

    let err = read(
        b"{\"bomFormat\": \"CycloneDX\",\n \"specVersion\": \"1.3\"}",
        "old.json",
    )
    .expect_err("1.3 is not read");
    assert!(err.to_string().contains("1.4, 1.5, 1.6 or 1.7"), "{err}");

    let err = read(b"{\"spdxVersion\": \"SPDX-2.2\"}", "old.spdx.json").expect_err("2.2");
    assert!(err.to_string().contains("SPDX-2.3"), "{err}");

    let err = read(b"{\"hello\": 1}", "x.json").expect_err("not an SBOM");
    assert!(err.to_string().contains("bomFormat"), "{err}");

    let err = read(
        b"{\"bomFormat\": \"CycloneDX\",\n\"specVersion\": \"1.6\",",
        "cut.json",
    )
    .expect_err("truncated");
    assert!(matches!(err, SbomError::Json { line: 2, .. }), "{err:?}");

    let err = read(b"<?xml version=\"1.0\"?><bom/>", "bom.xml").expect_err("XML");
    assert!(err.to_string().contains("XML"), "{err}");

    let err = read(b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n", "x.spdx").expect_err("tv");
    assert!(err.to_string().contains("tag-value"), "{err}");

    let err = read(b"[1, 2]", "array.json").expect_err("array");
    assert!(err.to_string().contains("not an object"), "{err}");
}

#[test]
fn reading_never_panics_on_mangled_input() {
    let doc = write(Format::CycloneDx16, &common::edge_cases(), &common::meta());
    let spdx = write(Format::Spdx23, &common::edge_cases(), &common::meta());
    for base in [
        doc.as_bytes(),
        spdx.as_bytes(),
        &fixture("cyclonedx-1.5-python.json")[..],
    ] {
        for cut in (0..base.len()).step_by(97) {
            let _ = read(&base[..cut], "cut.json");
        }
    }
}
