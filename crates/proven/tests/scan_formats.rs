//! `proven scan` output against the official schemas, on a scan with real findings: the largest
//! Cargo.lock of the corpus against RustSec's OSV export. SARIF 2.1.0 with one result per (alias
//! cluster, component) and partial fingerprints that survive a re-import of the database; CycloneDX
//! 1.6 VEX with one statement per vulnerability finding.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use support::{corpus_cargo_locks, import_crates_io, scan, testdata, Schemas};

/// (rule id, package, version) → (fingerprint, snapshot time) of every SARIF result.
fn sarif_results(sarif: &Value) -> BTreeMap<(String, String, String), (String, String)> {
    let mut out = BTreeMap::new();
    for r in sarif["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|run| run["results"].as_array().into_iter().flatten())
    {
        let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let key = (
            s(&r["ruleId"]),
            s(&r["properties"]["package"]),
            s(&r["properties"]["version"]),
        );
        let value = (
            s(&r["partialFingerprints"]["proven/v1"]),
            s(&r["properties"]["snapshot_time"]),
        );
        assert!(
            out.insert(key.clone(), value).is_none(),
            "two results for {key:?}"
        );
    }
    out
}

#[test]
fn sarif_and_cyclonedx_vex_of_a_real_scan_are_valid() {
    let Some(data) = testdata("scan_formats") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let (db, again) = (tmp.path().join("db"), tmp.path().join("db-again"));
    import_crates_io(&data.join("data/osv"), &db);
    import_crates_io(&data.join("data/osv"), &again);
    let lock = &corpus_cargo_locks(&data)[0];

    let report = scan(&db, lock, "json");
    let findings = report["findings"].as_array().expect("findings");
    let kinds: BTreeSet<&str> = findings.iter().filter_map(|f| f["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["advisory", "vulnerability"]),
        "{} has both kinds",
        lock.display()
    );

    let sarif = scan(&db, lock, "sarif");
    let schema = std::fs::read_to_string(data.join("schemas/sarif/sarif-schema-2.1.0.json"))
        .expect("the SARIF schema");
    let schema: Value = serde_json::from_str(&schema).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .take(10)
        .collect();
    assert!(errors.is_empty(), "SARIF does not validate: {errors:#?}");

    // One result per finding, and a finding is one (cluster, component).
    let results = sarif_results(&sarif);
    let expected: BTreeSet<(String, String, String)> = findings
        .iter()
        .map(|f| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (
                s(&f["code"]),
                s(&f["evidence"]["package"]),
                s(&f["evidence"]["version"]),
            )
        })
        .collect();
    assert_eq!(
        expected.len(),
        findings.len(),
        "one finding per cluster and component"
    );
    assert_eq!(results.keys().cloned().collect::<BTreeSet<_>>(), expected);
    // No two results of one component share an id: each cluster is whole in one result.
    let mut aliases: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for rule in sarif["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|run| {
            run["tool"]["driver"]["rules"]
                .as_array()
                .into_iter()
                .flatten()
        })
    {
        let id = rule["id"].as_str().expect("rule id");
        let ids = aliases.entry(id).or_default();
        ids.insert(id);
        for rel in rule["relationships"].as_array().into_iter().flatten() {
            ids.insert(rel["target"]["id"].as_str().expect("alias"));
        }
    }
    let mut seen: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for (rule, package, version) in results.keys() {
        let ids = seen.entry((package, version)).or_default();
        for id in &aliases[rule.as_str()] {
            assert!(ids.insert(id), "{id} in two results of {package} {version}");
        }
    }

    // Fingerprints: distinct, and the same from another import of the same data.
    let fingerprints: BTreeSet<&str> = results.values().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fingerprints.len(), results.len());
    let other = sarif_results(&scan(&again, lock, "sarif"));
    assert_eq!(other.len(), results.len());
    for (key, (fingerprint, time)) in &results {
        let (other_fingerprint, other_time) = &other[key];
        assert_eq!(fingerprint, other_fingerprint, "{key:?}");
        assert_ne!(time, other_time, "{key:?} comes from another import");
    }

    let vex = scan(&db, lock, "cyclonedx-vex");
    Schemas::get(&data).validate(
        proven_sbom::Format::CycloneDx16,
        &vex.to_string(),
        "proven scan --format cyclonedx-vex",
    );
    let statements: BTreeSet<(&str, &str)> = vex["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .map(|v| {
            (
                v["id"].as_str().expect("id"),
                v["affects"][0]["ref"].as_str().expect("ref"),
            )
        })
        .collect();
    let vulnerabilities: BTreeSet<(&str, &str)> = findings
        .iter()
        .filter(|f| f["kind"] == "vulnerability")
        .map(|f| {
            (
                f["code"].as_str().expect("code"),
                f["component"].as_str().expect("component"),
            )
        })
        .collect();
    assert_eq!(statements, vulnerabilities);
}
