//! Shared test helpers: inventories to write, metadata, and the official schemas.
//!
//! Schemas are read from `$PROVEN_TESTDATA/schemas` (the shared data folder); without the variable,
//! tests that need them print why and return early.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proven_model::{
    Completeness, Component, ComponentKind, Ecosystem, Hash, HashAlg, Inventory, Licenses,
    Location, Manifest, Scope,
};
use proven_sbom::{Product, SbomMeta};

/// Metadata with a fixed time, as `SOURCE_DATE_EPOCH` would give.
pub fn meta() -> SbomMeta {
    SbomMeta {
        product: None,
        subject: "demo-tree".into(),
        creator: "sbom@proven.example".into(),
        timestamp: 1_715_000_000,
        tool_name: "proven".into(),
        tool_version: "0.1.0".into(),
    }
}

/// Metadata naming the product, as proven.toml would.
pub fn meta_with_product() -> SbomMeta {
    SbomMeta {
        product: Some(Product {
            name: "Acme Gateway".into(),
            version: Some("2.1.0".into()),
            manufacturer: Some("Acme GmbH <security@acme.example>".into()),
            license: Some("Apache-2.0".into()),
            ..Product::default()
        }),
        ..meta()
    }
}

/// The shared test data folder, or `None` (and a note on stderr) when `PROVEN_TESTDATA` is unset.
pub fn testdata(test: &str) -> Option<PathBuf> {
    match std::env::var_os("PROVEN_TESTDATA") {
        Some(d) => Some(PathBuf::from(d)),
        None => {
            eprintln!("{test}: skipped: set PROVEN_TESTDATA to the shared data folder (with schemas/) to run it");
            None
        }
    }
}

fn load(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// A validator for one official schema, with the schemas it references registered locally so
/// that nothing is fetched.
pub struct Schemas {
    cdx16: jsonschema::Validator,
    cdx17: jsonschema::Validator,
    spdx23: jsonschema::Validator,
}

fn cyclonedx(dir: &Path, version: &str) -> jsonschema::Validator {
    let cdx = dir.join("schemas/cyclonedx");
    let mut registry = jsonschema::Registry::new();
    for name in [
        "spdx.schema.json",
        "jsf-0.82.schema.json",
        "cryptography-defs.schema.json",
    ] {
        registry = registry
            .add(
                format!("http://cyclonedx.org/schema/{name}"),
                load(&cdx.join(name)),
            )
            .expect("valid schema URI");
    }
    let registry = registry.prepare().expect("the referenced schemas load");
    jsonschema::options()
        .offline()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&load(&cdx.join(format!("bom-{version}.schema.json"))))
        .unwrap_or_else(|e| panic!("CycloneDX {version} schema does not compile: {e}"))
}

impl Schemas {
    /// Compiled once per test binary.
    pub fn get(dir: &Path) -> &'static Schemas {
        static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
        SCHEMAS.get_or_init(|| Schemas {
            cdx16: cyclonedx(dir, "1.6"),
            cdx17: cyclonedx(dir, "1.7"),
            spdx23: jsonschema::options()
                .offline()
                .should_validate_formats(true)
                .build(&load(&dir.join("schemas/spdx/spdx-schema-2.3.json")))
                .expect("SPDX 2.3 schema compiles"),
        })
    }

    /// Panics with every schema error when `doc` does not validate.
    pub fn validate(&self, format: proven_sbom::Format, doc: &str, what: &str) {
        let errors = self.errors(format, doc, what);
        assert!(
            errors.is_empty(),
            "{what} ({format:?}) does not validate:\n{}",
            errors.join("\n")
        );
    }

    /// The first schema errors of a document.
    pub fn errors(&self, format: proven_sbom::Format, doc: &str, what: &str) -> Vec<String> {
        let value: serde_json::Value = serde_json::from_str(doc).expect("writers emit JSON");
        let validator = match format {
            proven_sbom::Format::CycloneDx16 => &self.cdx16,
            proven_sbom::Format::CycloneDx17 => &self.cdx17,
            proven_sbom::Format::Spdx23 => {
                assert!(
                    value["documentNamespace"].is_string(),
                    "{what}: SPDX 2.3 requires documentNamespace"
                );
                &self.spdx23
            }
            proven_sbom::Format::Spdx3 => panic!("SPDX 3 has no offline JSON schema; see spdx3.rs"),
        };
        validator
            .iter_errors(&value)
            .map(|e| format!("  at {}: {e}", e.instance_path()))
            .take(20)
            .collect()
    }
}

/// Inventory of a Cargo.lock fixture of proven-inventory (real cargo output).
pub fn cargo_fixture(version: &str) -> Inventory {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../proven-inventory/tests/fixtures/cargo-lock")
        .join(version);
    proven_inventory::inventory_tree(&dir, &proven_inventory::WalkOptions::default())
}

fn hex(byte: u8, len: usize) -> String {
    format!("{byte:02x}").repeat(len)
}

fn component(
    id: &str,
    ecosystem: Ecosystem,
    group: Option<&str>,
    name: &str,
    version: Option<&str>,
    path: &str,
    line: u32,
) -> Component {
    let mut c = Component::new(ecosystem, group, name, version, Location::line(path, line));
    c.id = id.into();
    c
}

/// A hand-made inventory with the awkward cases: npm scopes, Go module paths, a component without
/// version, licences valid and not, an author with mail and URL, unicode, SHA-512 and SHA-256,
/// dev and optional scopes, a cycle, and one incomplete manifest.
pub fn edge_cases() -> Inventory {
    let mut comps = Vec::new();

    let mut app = component(
        "pkg:npm/%40acme/web-app@1.0.0",
        Ecosystem::Npm,
        Some("@acme"),
        "web-app",
        Some("1.0.0"),
        "web/package-lock.json",
        1,
    );
    app.kind = ComponentKind::Application;
    app.licenses.declared = Some("UNLICENSED".into());
    comps.push(app);

    let mut babel = component(
        "pkg:npm/%40babel/core@7.24.5",
        Ecosystem::Npm,
        Some("@babel"),
        "core",
        Some("7.24.5"),
        "web/package-lock.json",
        12,
    );
    babel.scope = Scope::Dev;
    babel.licenses.declared = Some("MIT".into());
    babel.author = Some("The Babel Team (https://babel.dev/team)".into());
    babel.source = Some("https://registry.npmjs.org/@babel/core/-/core-7.24.5.tgz".into());
    babel.add_hash(Hash::from_hex(HashAlg::Sha512, &hex(0xab, 64)).expect("sha512"));
    comps.push(babel);

    let mut lodash = component(
        "pkg:npm/lodash@4.17.21",
        Ecosystem::Npm,
        None,
        "lodash",
        Some("4.17.21"),
        "web/package-lock.json",
        40,
    );
    lodash.licenses = Licenses {
        declared: Some("MIT".into()),
        concluded: Some("MIT".into()),
    };
    lodash.author = Some("John-David Dalton <john.david.dalton@gmail.com>".into());
    lodash.source = Some("https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz".into());
    lodash.add_hash(Hash::from_hex(HashAlg::Sha512, &hex(0x01, 64)).expect("sha512"));
    comps.push(lodash);

    let mut weird = component(
        "pkg:npm/left-pad@1.3.0",
        Ecosystem::Npm,
        None,
        "left-pad",
        Some("1.3.0"),
        "web/package-lock.json",
        60,
    );
    weird.scope = Scope::Optional;
    weird.licenses = Licenses {
        declared: Some("WTFPL OR MIT/X11 and Ünïcode-License".into()),
        concluded: Some("(MIT OR Apache-2.0) AND BSD-3-Clause".into()),
    };
    comps.push(weird);

    let mut gorilla = component(
        "pkg:golang/github.com/gorilla/mux@v1.8.1",
        Ecosystem::Go,
        Some("github.com/gorilla"),
        "mux",
        Some("v1.8.1"),
        "svc/go.mod",
        5,
    );
    gorilla.licenses.declared = Some("BSD-3-Clause".into());
    gorilla.add_hash(Hash::from_hex(HashAlg::Sha256, &hex(0x3c, 32)).expect("sha256"));
    comps.push(gorilla);

    let mut incompatible = component(
        "pkg:golang/github.com/Azure/go-sdk@v1.0.0%2Bincompatible",
        Ecosystem::Go,
        Some("github.com/Azure"),
        "go-sdk",
        Some("v1.0.0+incompatible"),
        "svc/go.mod",
        6,
    );
    incompatible.licenses.concluded = Some("NOASSERTION".into());
    comps.push(incompatible);

    let mut unpinned = component(
        "pkg:pypi/requests#svc/requirements.txt",
        Ecosystem::PyPI,
        None,
        "requests",
        None,
        "svc/requirements.txt",
        3,
    );
    unpinned.requirement = Some(">=2.31,<3".into());
    comps.push(unpinned);

    let mut unicode = component(
        "pkg:pypi/na%C3%AFve-t%C3%A9xt@0.1",
        Ecosystem::PyPI,
        None,
        "naïve-téxt",
        Some("0.1"),
        "svc/requirements.txt",
        4,
    );
    unicode.author = Some("Zoë Ürlich".into());
    unicode
        .properties
        .insert("proven:note".into(), "ünïcödé ✓".into());
    comps.push(unicode);

    let mut generic = Component::new(
        Ecosystem::Generic,
        None,
        "vendored-blob",
        None,
        Location::file("third_party/blob.bin"),
    );
    generic.id = "vendored-blob@#third_party/blob.bin".into();
    generic.purl = None;
    generic.kind = ComponentKind::File;
    comps.push(generic);

    comps.sort_by(|a, b| a.id.cmp(&b.id));

    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut edge = |a: &str, b: &str| {
        deps.entry(a.into()).or_default().insert(b.into());
    };
    edge(
        "pkg:npm/%40acme/web-app@1.0.0",
        "pkg:npm/%40babel/core@7.24.5",
    );
    edge("pkg:npm/%40acme/web-app@1.0.0", "pkg:npm/lodash@4.17.21");
    edge("pkg:npm/%40acme/web-app@1.0.0", "pkg:npm/left-pad@1.3.0");
    edge("pkg:npm/%40babel/core@7.24.5", "pkg:npm/lodash@4.17.21");
    // A cycle nothing outside enters.
    edge(
        "pkg:golang/github.com/gorilla/mux@v1.8.1",
        "pkg:golang/github.com/Azure/go-sdk@v1.0.0%2Bincompatible",
    );
    edge(
        "pkg:golang/github.com/Azure/go-sdk@v1.0.0%2Bincompatible",
        "pkg:golang/github.com/gorilla/mux@v1.8.1",
    );

    let sha = |b: u8| {
        vec![
            Hash::from_hex(HashAlg::Sha256, &hex(b, 32)).expect("sha256"),
            Hash::from_hex(HashAlg::Sha512, &hex(b, 64)).expect("sha512"),
        ]
    };
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let manifests = vec![
        Manifest {
            path: "svc/go.mod".into(),
            format: "go.mod".into(),
            ecosystem: Ecosystem::Go,
            completeness: Completeness::Incomplete(
                "go.sum is missing; indirect modules unknown".into(),
            ),
            hashes: sha(0x11),
            size: 120,
            root: None,
            direct: set(&["pkg:golang/github.com/gorilla/mux@v1.8.1"]),
            components: set(&[
                "pkg:golang/github.com/gorilla/mux@v1.8.1",
                "pkg:golang/github.com/Azure/go-sdk@v1.0.0%2Bincompatible",
            ]),
        },
        Manifest {
            path: "svc/requirements.txt".into(),
            format: "requirements.txt".into(),
            ecosystem: Ecosystem::PyPI,
            completeness: Completeness::Complete,
            hashes: sha(0x22),
            size: 40,
            root: None,
            direct: set(&[
                "pkg:pypi/requests#svc/requirements.txt",
                "pkg:pypi/na%C3%AFve-t%C3%A9xt@0.1",
            ]),
            components: set(&[
                "pkg:pypi/requests#svc/requirements.txt",
                "pkg:pypi/na%C3%AFve-t%C3%A9xt@0.1",
            ]),
        },
        Manifest {
            path: "web/package-lock.json".into(),
            format: "package-lock.json v3".into(),
            ecosystem: Ecosystem::Npm,
            completeness: Completeness::Complete,
            hashes: sha(0x33),
            size: 4096,
            root: Some("pkg:npm/%40acme/web-app@1.0.0".into()),
            direct: set(&["pkg:npm/%40babel/core@7.24.5", "pkg:npm/lodash@4.17.21"]),
            components: set(&[
                "pkg:npm/%40acme/web-app@1.0.0",
                "pkg:npm/%40babel/core@7.24.5",
                "pkg:npm/lodash@4.17.21",
                "pkg:npm/left-pad@1.3.0",
            ]),
        },
    ];
    Inventory {
        components: comps,
        dependencies: deps,
        manifests,
        diagnostics: Vec::new(),
    }
}

/// `n` crates in a chain-and-fan graph, for timing.
pub fn large(n: usize) -> Inventory {
    let mut comps: Vec<Component> = (0..n)
        .map(|i| {
            let name = format!("crate-{i:05}");
            let mut c = component(
                "",
                Ecosystem::Cargo,
                None,
                &name,
                Some("1.2.3"),
                "Cargo.lock",
                (i * 6 + 4) as u32,
            );
            c.id = format!("pkg:cargo/{name}@1.2.3");
            c.source = Some("https://crates.io".into());
            c.licenses.declared = Some("MIT OR Apache-2.0".into());
            c.add_hash(Hash::from_hex(HashAlg::Sha256, &hex((i % 251) as u8, 32)).expect("sha256"));
            c
        })
        .collect();
    comps.sort_by(|a, b| a.id.cmp(&b.id));
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for i in 1..n {
        for j in [i / 2, i / 3] {
            deps.entry(comps[j].id.clone())
                .or_default()
                .insert(comps[i].id.clone());
        }
    }
    let all: BTreeSet<String> = comps.iter().map(|c| c.id.clone()).collect();
    Inventory {
        manifests: vec![Manifest {
            path: "Cargo.lock".into(),
            format: "Cargo.lock v4".into(),
            ecosystem: Ecosystem::Cargo,
            completeness: Completeness::Complete,
            hashes: Vec::new(),
            size: 1,
            root: Some(comps[0].id.clone()),
            direct: BTreeSet::new(),
            components: all,
        }],
        components: comps,
        dependencies: deps,
        diagnostics: Vec::new(),
    }
}
