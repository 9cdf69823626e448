//! The walk's real visitors (the inventory, the secrets and configuration scanners) fed from an
//! image, exactly as from a folder.

mod common;

use common::{layer, oci_files, sha256, tar_of, Comp, OciLayer, E};
use proven_checks::config::ConfigScanner;
use proven_checks::scanner::ScannerRun;
use proven_checks::secrets::{SecretsOptions, SecretsScanner};
use proven_image::{walk_image, Image, Limits, LAYER_PROPERTY};
use proven_inventory::{InventoryVisitor, WalkOptions};
use serde_json::json;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../proven-inventory/tests/fixtures/cargo-lock/v4"
);

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURE}/{name}")).expect("fixture")
}

#[test]
fn inventory_and_scanners_see_the_image_files_with_their_layers() {
    let cargo_toml = read("Cargo.toml");
    let cargo_lock = read("Cargo.lock");
    // Cargo.toml (read as a companion file of Cargo.lock) sits in a lower, compressed layer.
    let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiZXhwIjoxfQ.c2ln"; // proven:ignore[jwt] expired test vector, signature is not real
    let env = format!("TOKEN={jwt}\n");
    let layers = [
        layer(&[
            E::File("app/Cargo.toml", &cargo_toml),
            E::File("app/Dockerfile", b"FROM alpine:latest\nUSER app\n"),
        ]),
        layer(&[
            E::File("app/Cargo.lock", &cargo_lock),
            E::File("app/.env", env.as_bytes()),
        ]),
    ];
    for (comps, budget) in [
        ([Comp::Gzip, Comp::Zstd], Limits::default().capture_budget),
        ([Comp::Zstd, Comp::Gzip], 0),
        ([Comp::None, Comp::None], 0),
    ] {
        let oci: Vec<OciLayer> = layers
            .iter()
            .zip(comps)
            .map(|(l, c)| OciLayer::new(l.clone(), c))
            .collect();
        let limits = Limits {
            capture_budget: budget,
            ..Limits::default()
        };
        let image = Image::from_bytes(
            "app.tar",
            tar_of(&oci_files(&oci, json!({}), None, false)),
            &limits,
        )
        .expect("opens");
        let inventory = InventoryVisitor::default();
        let (secrets, configs) = (
            SecretsScanner::new(SecretsOptions::default()),
            ConfigScanner::new(),
        );
        let (secret_run, config_run) = (ScannerRun::new(&secrets), ScannerRun::new(&configs));
        let walked = walk_image(
            &image,
            &WalkOptions::default(),
            &[&inventory, &secret_run, &config_run],
        )
        .expect("walks");
        let mut inv = inventory.finish(walked.diagnostics.clone());
        walked.annotate(&mut inv);

        assert_eq!(inv.manifests.len(), 1);
        let manifest = &inv.manifests[0];
        assert_eq!(manifest.path, "app/Cargo.lock");
        // The root comes from Cargo.toml, read from the lower layer through the image's tree.
        assert_eq!(manifest.root.as_deref(), Some("pkg:cargo/demo@0.1.0"));
        let itoa = inv.component("pkg:cargo/itoa@1.0.11").expect("itoa");
        assert_eq!(itoa.locations[0].path, "app/Cargo.lock");
        assert_eq!(
            itoa.properties.get(LAYER_PROPERTY),
            Some(&sha256(&layers[1]))
        );

        let (findings, _) = config_run.sink.into_parts();
        let codes: Vec<(String, String)> = findings
            .iter()
            .map(|f| (f.code.clone(), f.location.to_string()))
            .collect();
        assert!(
            codes.contains(&("docker-latest-tag".into(), "app/Dockerfile:1".into())),
            "{codes:?}"
        );
        let (findings, _) = secret_run.sink.into_parts();
        let found: Vec<(String, String)> = findings
            .iter()
            .map(|f| (f.code.clone(), f.location.to_string()))
            .collect();
        assert_eq!(found, [("jwt".to_string(), "app/.env:1:7".to_string())]);
    }
}
