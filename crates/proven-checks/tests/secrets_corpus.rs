//! Precision and recall of the secrets scanner, per tier, on the labelled corpus that
//! `tests/fixtures/secrets/generate.py` builds (fake credentials in the providers' documented formats,
//! plus hard negatives).
//!
//! A finding is a true positive when a label names the same path, line and rule. Thresholds:
//! tiers A and B: precision 1.0 and recall >= 0.95; tier C: precision >= 0.9 and recall >= 0.9.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proven_checks::scanner::ScannerRun;
use proven_checks::secrets::{SecretsOptions, SecretsScanner, RULES};
use proven_inventory::{walk, WalkOptions};
use proven_model::Status;

type Key = (String, u32, String);

fn corpus() -> (Vec<proven_model::Finding>, BTreeMap<Key, String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets");
    let labels: BTreeMap<Key, String> = std::fs::read_to_string(dir.join("labels.tsv"))
        .expect("labels.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[2] != "-").then(|| {
                (
                    (
                        f[0].to_string(),
                        f[1].parse().expect("line"),
                        f[2].to_string(),
                    ),
                    f[3].to_string(),
                )
            })
        })
        .collect();
    let scanner = SecretsScanner::new(SecretsOptions::default());
    let run = ScannerRun::new(&scanner);
    let problems = walk(&dir.join("corpus"), &WalkOptions::default(), &[&run]);
    assert!(problems.is_empty(), "{problems:?}");
    let (findings, diagnostics) = run.sink.into_parts();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    (findings, labels)
}

#[test]
fn precision_and_recall_per_tier() {
    let (findings, labels) = corpus();
    let mut report = String::new();
    let mut found: BTreeSet<Key> = BTreeSet::new();
    let mut tp: BTreeMap<String, usize> = BTreeMap::new();
    let mut fp: BTreeMap<String, usize> = BTreeMap::new();
    for f in &findings {
        let tier = f.evidence.get("tier").cloned().unwrap_or_default();
        let key = (
            f.location.path.clone(),
            f.location.line.unwrap_or(0),
            f.code.clone(),
        );
        if labels.get(&key) == Some(&tier) {
            *tp.entry(tier).or_default() += 1;
            found.insert(key);
        } else {
            *fp.entry(tier.clone()).or_default() += 1;
            report.push_str(&format!(
                "unexpected: {}:{} {} tier {tier} (labels say {:?})\n",
                key.0,
                key.1,
                key.2,
                labels.get(&key)
            ));
        }
    }
    for (key, tier) in &labels {
        if !found.contains(key) {
            report.push_str(&format!(
                "missed: {}:{} {} tier {tier}\n",
                key.0, key.1, key.2
            ));
        }
    }
    let mut ok = true;
    for tier in ["A", "B", "C"] {
        let t = *tp.get(tier).unwrap_or(&0) as f64;
        let p = t / (t + *fp.get(tier).unwrap_or(&0) as f64).max(1.0);
        let expected = labels.values().filter(|v| *v == tier).count() as f64;
        let r = t / expected.max(1.0);
        report.push_str(&format!(
            "tier {tier}: precision {p:.3} recall {r:.3} ({t} of {expected})\n"
        ));
        let (min_p, min_r) = if tier == "C" { (0.9, 0.9) } else { (1.0, 0.95) };
        ok &= p >= min_p && r >= min_r;
    }
    eprintln!("{report}");
    assert!(ok, "{report}");
}

#[test]
fn every_rule_has_a_positive_in_the_corpus() {
    let (_, labels) = corpus();
    let covered: BTreeSet<&str> = labels.keys().map(|k| k.2.as_str()).collect();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a labelled positive: {missing:?}"
    );
}

#[test]
fn inline_suppression_and_no_raw_secret_in_output() {
    let (findings, _) = corpus();
    let suppressed: Vec<_> = findings
        .iter()
        .filter(|f| matches!(f.status, Status::Suppressed { .. }))
        .collect();
    assert_eq!(suppressed.len(), 1, "{suppressed:?}");
    let env = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets/corpus/app/.env"),
    )
    .expect(".env");
    let json = serde_json::to_string(&findings).expect("json");
    let debug = format!("{findings:?}");
    for line in env.lines() {
        if let Some((_, value)) = line.split_once('=') {
            let value = value.split(' ').next().unwrap_or(value);
            if value.len() >= 16 {
                assert!(
                    !json.contains(value) && !debug.contains(value),
                    "raw secret in output: {}",
                    &value[..6]
                );
            }
        }
    }
}
