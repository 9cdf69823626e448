#![no_main]
//! The secrets scanner over arbitrary bytes, as one file of the walk; the first byte picks a file
//! name so the file-aware rules (.npmrc, docker config.json, kubeconfig) run too.

use std::sync::LazyLock;

use proven_checks::scanner::Sink;
use proven_checks::secrets::{SecretsOptions, SecretsScanner};
use proven_checks::scanner::Scanner;
use proven_inventory::{DiskTree, WalkedFile};

static SCANNER: LazyLock<SecretsScanner> = LazyLock::new(|| SecretsScanner::new(SecretsOptions::default()));

const NAMES: &[&str] = &[
    "app/.env", ".npmrc", ".pypirc", ".netrc", ".docker/config.json", "ops/kubeconfig.yaml",
    "tests/fixtures/a.py", "web/app.js", "yarn.lock", "keys/id_rsa",
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let rel = NAMES[pick as usize % NAMES.len()];
    let file = WalkedFile {
        rel,
        size: bytes.len() as u64,
        bytes: Ok(bytes),
        tree: &DiskTree { root: std::path::Path::new("/nonexistent") },
    };
    let sink = Sink::default();
    SCANNER.check(&file, &sink);
    let (findings, _) = sink.into_parts();
    for f in findings {
        assert!(f.location.line.is_some());
    }
});
