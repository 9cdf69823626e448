//! SPDX 3.0.1 output validated by the official SHACL model, through
//! `$PROVEN_TESTDATA/schemas/spdx3/validate.py` (which runs `spdx3-validate` offline).
//!
//! Needs a Python that has `spdx3-validate`: `PROVEN_PYTHON` (scripts/test.sh sets it to the venv
//! that scripts/install-test-tools.sh makes in `.tools/venv`), else `.tools/venv` itself, else
//! `PROVEN_SPDX3_PYTHON`. Without one, or without `PROVEN_TESTDATA`, the test says why and passes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use proven_sbom::{write, Format};

fn python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("PROVEN_PYTHON").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/venv/bin/python")),
        std::env::var_os("PROVEN_SPDX3_PYTHON").map(PathBuf::from),
    ];
    candidates.into_iter().flatten().find(|p| {
        Command::new(p)
            .args(["-c", "import spdx3_validate"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn spdx3_validates_against_the_shacl_model() {
    let Some(data) = common::testdata("spdx3") else {
        return;
    };
    let Some(python) = python() else {
        eprintln!("spdx3: skipped: no Python with spdx3-validate (run scripts/install-test-tools.sh, or set PROVEN_PYTHON)");
        return;
    };
    let validate = data.join("schemas/spdx3/validate.py");
    let dir = std::env::temp_dir().join(format!("proven-sbom-spdx3-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // One document with every kind of node (a SHACL run takes tens of seconds here).
    let cases = [("edge", common::edge_cases(), common::meta_with_product())];
    for (name, inv, meta) in cases {
        let file = dir.join(format!("{name}.spdx3.json"));
        std::fs::write(&file, write(Format::Spdx3, &inv, &meta)).expect("write");
        let out = Command::new(&python)
            .arg(&validate)
            .arg("-j")
            .arg(&file)
            .output()
            .expect("python runs");
        let log = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        let tail: String = log
            .chars()
            .rev()
            .take(3000)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        assert!(
            out.status.success(),
            "{name}: SPDX 3 output is invalid:\n{tail}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);

    // The validator does reject a broken document.
    let doc = write(Format::Spdx3, &common::edge_cases(), &common::meta());
    let broken = doc.replacen("\"created\":", "\"createdAt\":", 1);
    let file = std::env::temp_dir().join(format!(
        "proven-sbom-broken-{}.spdx3.json",
        std::process::id()
    ));
    std::fs::write(&file, broken).expect("write");
    let out = Command::new(&python)
        .arg(&validate)
        .arg("-j")
        .arg(&file)
        .output()
        .expect("runs");
    let _ = std::fs::remove_file(&file);
    assert!(
        !out.status.success(),
        "a document without `created` must fail"
    );
}
