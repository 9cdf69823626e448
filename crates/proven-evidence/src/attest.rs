//! Signing the evidence: in-toto statements over every evidence file (and the build artifacts
//! named with `--subject`), in DSSE envelopes and Sigstore bundles.

use proven_attest::statement::{
    builder_id, Provenance, ResourceDescriptor, ScanMetadata, Scanner, SeverityScore, Statement,
    StatementError, TestOutcome, TestResult, VulnDb, VulnScan, Vulnerability,
};
use proven_attest::{Attestation, SigningKey};
use proven_model::{Finding, FindingKind};
use serde_json::{json, Map, Value};

use crate::build::BuildInfo;
use crate::evidence::Evidence;
use crate::policy::{Decision, Outcome};

/// What the statements say beyond the files themselves.
#[derive(Debug)]
pub struct SignInput<'a> {
    pub findings: &'a [Finding],
    pub decision: &'a Decision,
    pub build: &'a BuildInfo,
    /// The configuration file the gate used: its name and bytes.
    pub config: Option<(&'a str, &'a [u8])>,
    /// Build artifacts named with `--subject`: name and bytes.
    pub artifacts: &'a [(String, Vec<u8>)],
    /// The vulnerability database snapshot, when the matcher ran.
    pub database: Option<VulnDb>,
    /// RFC 3339 start and end of the run.
    pub started: &'a str,
    pub finished: &'a str,
    pub tool_version: &'a str,
    /// The command line's parameters, for the SLSA provenance.
    pub parameters: Value,
}

/// Predicate types `proven verify` requires, given what the directory holds.
pub fn required_predicates(has_sbom: bool, has_vulns: bool) -> Vec<&'static str> {
    let mut p = vec![
        proven_attest::statement::OPENVEX,
        proven_attest::statement::TEST_RESULT,
        proven_attest::statement::SLSA_PROVENANCE,
    ];
    if has_sbom {
        p.push(proven_attest::statement::CYCLONEDX_BOM);
    }
    if has_vulns {
        p.push(proven_attest::statement::VULNS);
    }
    p
}

/// Signs every evidence file added so far and adds the attestation files.
pub fn sign(
    evidence: &mut Evidence,
    key: &SigningKey,
    input: &SignInput<'_>,
) -> Result<(), StatementError> {
    let mut subjects: Vec<ResourceDescriptor> = evidence
        .entries()
        .into_iter()
        .map(|e| ResourceDescriptor::with_digests(e.path, &e.sha256, &e.sha512))
        .collect();
    subjects.extend(
        input
            .artifacts
            .iter()
            .map(|(name, bytes)| ResourceDescriptor::artifact(name.clone(), bytes)),
    );

    let mut statements = Vec::new();
    if let Some(sbom) = evidence
        .get("sbom.cdx.json")
        .and_then(|b| serde_json::from_slice::<Value>(b).ok())
    {
        statements.push(("sbom", Statement::cyclonedx(subjects.clone(), sbom)?));
    }
    if let Some(vex) = evidence
        .get("vex.openvex.json")
        .and_then(|b| serde_json::from_slice::<Value>(b).ok())
    {
        statements.push(("vex", Statement::openvex(subjects.clone(), vex)?));
    }
    if let Some(db) = &input.database {
        statements.push((
            "vulnerabilities",
            Statement::vulns(subjects.clone(), &vuln_scan(input, db.clone()))?,
        ));
    }
    statements.push((
        "gate",
        Statement::test_result(subjects.clone(), &test_result(input))?,
    ));
    statements.push((
        "provenance",
        Statement::slsa_provenance(subjects, &provenance(input))?,
    ));

    for (stem, statement) in statements {
        for f in Attestation::sign(stem, statement, key).files() {
            evidence.add(f.path, f.media_type, f.bytes);
        }
    }
    Ok(())
}

fn vuln_scan(input: &SignInput<'_>, db: VulnDb) -> VulnScan {
    let result = input
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::Vulnerability)
        .map(|f| {
            let mut severity = Vec::new();
            if let (Some(score), Some(vector)) = (f.severity.score, &f.severity.vector) {
                let method = if vector.starts_with("CVSS:4") {
                    "cvss_v4"
                } else {
                    "cvss_v3"
                };
                severity.push(SeverityScore {
                    method: method.into(),
                    score: format!("{score:.1}"),
                });
            }
            severity.push(SeverityScore {
                method: "proven".into(),
                score: f.severity.level.to_string(),
            });
            let mut note = Map::new();
            if let Some(c) = &f.component {
                note.insert("purl".into(), json!(c));
            }
            note.insert("status".into(), json!(f.status.to_string()));
            Vulnerability {
                id: f.code.clone(),
                severity,
                annotations: vec![note],
            }
        })
        .collect();
    VulnScan {
        scanner: Scanner {
            uri: "https://github.com/proven-cra/proven".into(),
            version: Some(input.tool_version.into()),
            db: Some(db),
            result,
        },
        metadata: ScanMetadata {
            scan_started_on: input.started.into(),
            scan_finished_on: input.finished.into(),
        },
    }
}

fn test_result(input: &SignInput<'_>) -> TestResult {
    let outcome = match input.decision.outcome {
        Outcome::Failed => TestOutcome::Failed,
        Outcome::Passed if input.decision.warnings.is_empty() => TestOutcome::Passed,
        Outcome::Passed => TestOutcome::Warned,
    };
    let configuration = input
        .config
        .map(|(name, bytes)| vec![ResourceDescriptor::evidence(name, bytes)])
        .unwrap_or_default();
    TestResult {
        result: outcome,
        configuration,
        url: input.build.ci.as_ref().and_then(|c| c.run_url.clone()),
        passed_tests: if input.decision.outcome == Outcome::Passed {
            vec!["policy gate".into()]
        } else {
            vec![]
        },
        warned_tests: input.decision.warnings.clone(),
        failed_tests: input.decision.reasons.clone(),
    }
}

fn provenance(input: &SignInput<'_>) -> Provenance {
    let b = input.build;
    let resolved: Vec<ResourceDescriptor> = ResourceDescriptor::git(
        b.repository.as_deref(),
        b.git_ref.as_deref(),
        b.commit.as_deref(),
    )
    .into_iter()
    .collect();
    Provenance {
        external_parameters: input.parameters.clone(),
        resolved_dependencies: resolved,
        builder_id: builder_id(b.ci.as_ref().map(|c| c.provider.as_str())).into(),
        invocation_id: b
            .ci
            .as_ref()
            .and_then(|c| c.run_url.clone().or_else(|| c.run_id.clone())),
        started_on: Some(input.started.into()),
        finished_on: Some(input.finished.into()),
        ..Provenance::default()
    }
}
