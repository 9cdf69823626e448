//! Our SBOMs checked by validators that share no code with ours: cyclonedx-python-lib's strict JSON
//! validator (CycloneDX 1.6, 1.7), pyspdxtools (SPDX 2.3), and the official SPDX 3.0.1 SHACL model
//! through `$PROVEN_TESTDATA/schemas/spdx3/validate.py` (which runs `spdx3-validate` offline).
//!
//! Needs a Python that has them: `PROVEN_PYTHON` (scripts/test.sh sets it to the venv
//! that scripts/install-test-tools.sh makes in `.tools/venv`), else `.tools/venv` itself, else
//! `PROVEN_SPDX3_PYTHON`. Without one, or without `PROVEN_TESTDATA`, the test says why and passes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use proven_sbom::{write, Format};

fn python(module: &str) -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("PROVEN_PYTHON").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/venv/bin/python")),
        std::env::var_os("PROVEN_SPDX3_PYTHON").map(PathBuf::from),
    ];
    candidates.into_iter().flatten().find(|p| {
        Command::new(p)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn spdx3_validates_against_the_shacl_model() {
    let Some(data) = common::testdata("spdx3") else {
        return;
    };
    let Some(python) = python("spdx3_validate") else {
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

fn documents() -> Vec<(String, String)> {
    let mut docs = Vec::new();
    for (name, inv, meta) in [
        ("cargo", common::cargo_fixture("v4"), common::meta()),
        ("edge", common::edge_cases(), common::meta_with_product()),
        ("empty", proven_model::Inventory::default(), common::meta()),
    ] {
        for (format, suffix) in [
            (Format::CycloneDx16, "1.6.cdx.json"),
            (Format::CycloneDx17, "1.7.cdx.json"),
            (Format::Spdx23, "spdx.json"),
        ] {
            docs.push((format!("{name}-{suffix}"), write(format, &inv, &meta)));
        }
    }
    docs
}

const CDX_CHECK: &str = r#"
import json, sys
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
bad = 0
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    error = JsonStrictValidator(SchemaVersion.from_version(json.loads(text)["specVersion"])).validate_str(text)
    if error is not None:
        bad += 1
        print(path, getattr(error, "data", error))
sys.exit(1 if bad else 0)
"#;

#[test]
fn cyclonedx_python_lib_and_pyspdxtools_accept_our_output() {
    let Some(python) = python("cyclonedx.validation.json") else {
        eprintln!("independent validators: skipped: no Python with cyclonedx-python-lib (run scripts/install-test-tools.sh, or set PROVEN_PYTHON)");
        return;
    };
    let pyspdxtools = python.with_file_name("pyspdxtools");
    let dir = std::env::temp_dir().join(format!("proven-sbom-independent-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut cdx = Vec::new();
    for (name, doc) in documents() {
        let file = dir.join(&name);
        std::fs::write(&file, doc).expect("write");
        if name.ends_with(".cdx.json") {
            cdx.push(file);
        } else if pyspdxtools.exists() {
            let out = Command::new(&pyspdxtools)
                .arg("-i")
                .arg(&file)
                .output()
                .expect("pyspdxtools runs");
            let log = String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && log.trim().is_empty(),
                "{name}: pyspdxtools rejects it:\n{log}"
            );
        } else {
            eprintln!(
                "{name}: pyspdxtools not beside {}: not checked",
                python.display()
            );
        }
    }
    let out = Command::new(&python)
        .arg("-c")
        .arg(CDX_CHECK)
        .args(&cdx)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "cyclonedx-python-lib rejects:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
