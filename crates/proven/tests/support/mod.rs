//! What the end-to-end tests have in common: running the binary, a database imported from an
//! OSV folder, the corpus lockfiles; and, from proven-sbom's tests, the shared data folder and the
//! official SBOM schemas.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "../../../proven-sbom/tests/common/mod.rs"]
mod sbom;
// Each test binary compiles this module and uses part of it.
#[allow(unused_imports)]
pub use sbom::{testdata, Schemas};

/// Runs the binary; the database folder is always given with `--db`.
pub fn proven(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proven"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1764316800")
        .env_remove("PROVEN_DB_DIR")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("proven runs")
}

/// Stdout and stderr, for assertion messages.
pub fn printed(out: &Output) -> String {
    format!(
        "exit {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `proven db update` of the crates.io data of an OSV folder into `db`.
pub fn import_crates_io(source: &Path, db: &Path) {
    let out = proven(&[
        "db",
        "update",
        "--source",
        &source.display().to_string(),
        "--ecosystem",
        "crates.io",
        "--db",
        &db.display().to_string(),
        "-q",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
}

/// `proven scan FILE --offline --db DB --format FORMAT`: its stdout, which must be JSON. Exit 0
/// (no `--fail-on` is given) or 3 (some component could not be evaluated) are both results.
pub fn scan(db: &Path, file: &Path, format: &str) -> serde_json::Value {
    let out = proven(&[
        "scan",
        &file.display().to_string(),
        "--offline",
        "--db",
        &db.display().to_string(),
        "--format",
        format,
    ]);
    assert!(
        matches!(out.status.code(), Some(0 | 3)),
        "{}: {}",
        file.display(),
        printed(&out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", file.display(), printed(&out)))
}

/// The Cargo.lock files of the shared corpus, largest first.
pub fn corpus_cargo_locks(data: &Path) -> Vec<PathBuf> {
    let dir = data.join("corpus/lockfiles/cargo");
    let mut locks: Vec<(u64, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path().join("Cargo.lock"))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.len(), p)))
        .collect();
    locks.sort();
    locks.reverse();
    assert!(!locks.is_empty(), "no Cargo.lock under {}", dir.display());
    locks.into_iter().map(|(_, p)| p).collect()
}
