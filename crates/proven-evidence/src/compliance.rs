//! The CRA Annex I matrix: each essential requirement with a status and the evidence behind it.
//!
//! Proven can show some requirements from the build alone (no known exploitable vulnerabilities,
//! an SBOM, a contact for reports); the rest need evidence a person provides, which
//! `[compliance]` in proven.toml links to, or declares not applicable with a reason.

use std::collections::BTreeMap;

use proven_model::{Finding, FindingKind};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::policy::Decision;

/// One row of the matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// `I.1`, `I.2(a)` … `I.2(m)`, `II.1` … `II.8`.
    pub id: &'static str,
    /// The requirement, shortened.
    pub title: &'static str,
    pub status: ReqStatus,
    /// Why this status, in one sentence.
    pub rationale: String,
    /// Evidence files (relative to the evidence directory, or as given in proven.toml).
    pub evidence: Vec<String>,
    /// Fingerprints of the findings that bear on it.
    pub findings: Vec<String>,
}

/// Where a requirement stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReqStatus {
    Met,
    NotMet,
    NeedsManualEvidence,
    NotApplicable,
}

/// Manual evidence and exclusions from proven.toml.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ComplianceConfig {
    /// Requirement id → document that shows it is met (a path or URL).
    pub evidence: BTreeMap<String, String>,
    /// Requirement id → why it does not apply to this product.
    pub not_applicable: BTreeMap<String, String>,
}

/// What the build found, as the matrix needs it.
#[derive(Debug)]
pub struct Facts<'a> {
    pub config: &'a Config,
    pub findings: &'a [Finding],
    pub decision: &'a Decision,
    /// Every manifest was read completely.
    pub inventory_complete: bool,
    /// Number of components in the SBOM.
    pub components: usize,
    /// Evidence file names of the SBOMs written.
    pub sboms: Vec<String>,
    /// Whether the vulnerability matcher ran (a database was present).
    pub vulnerabilities_checked: bool,
    /// Scanners that ran (`secrets`, `config`, `sarif-import`, ...).
    pub scanners: Vec<String>,
}

/// Every requirement of Annex I, in order.
pub const REQUIREMENTS: &[(&str, &str)] = &[
    (
        "I.1",
        "Appropriate level of cybersecurity based on the risks",
    ),
    (
        "I.2(a)",
        "Made available without known exploitable vulnerabilities",
    ),
    (
        "I.2(b)",
        "Secure by default configuration, with a reset to the original state",
    ),
    (
        "I.2(c)",
        "Vulnerabilities can be addressed through security updates",
    ),
    (
        "I.2(d)",
        "Protection from unauthorised access by appropriate control mechanisms",
    ),
    (
        "I.2(e)",
        "Confidentiality of stored, transmitted or processed data",
    ),
    (
        "I.2(f)",
        "Integrity of data, commands, programs and configuration",
    ),
    ("I.2(g)", "Data minimisation"),
    (
        "I.2(h)",
        "Availability of essential functions, resilience against denial of service",
    ),
    (
        "I.2(i)",
        "Minimal negative impact on other devices or networks",
    ),
    (
        "I.2(j)",
        "Limited attack surfaces, including external interfaces",
    ),
    (
        "I.2(k)",
        "Reduced impact of incidents through exploitation mitigation",
    ),
    (
        "I.2(l)",
        "Recording and monitoring of relevant internal activity",
    ),
    ("I.2(m)", "Secure removal of all data and settings"),
    (
        "II.1",
        "Identify and document vulnerabilities and components, including an SBOM",
    ),
    (
        "II.2",
        "Address and remediate vulnerabilities without delay",
    ),
    ("II.3", "Effective and regular security tests and reviews"),
    (
        "II.4",
        "Disclose fixed vulnerabilities once an update is available",
    ),
    ("II.5", "A coordinated vulnerability disclosure policy"),
    (
        "II.6",
        "Facilitate sharing of vulnerability information; a contact address",
    ),
    ("II.7", "Secure distribution of updates"),
    (
        "II.8",
        "Security updates disseminated without delay, free of charge, with advisories",
    ),
];

/// Builds the matrix.
pub fn matrix(facts: &Facts<'_>) -> Vec<Requirement> {
    let cc = &facts.config.compliance;
    REQUIREMENTS
        .iter()
        .map(|&(id, title)| {
            let mut r = automatic(id, facts);
            r.title = title;
            if let Some(reason) = cc.not_applicable.get(id) {
                r.status = ReqStatus::NotApplicable;
                r.rationale = format!("Declared not applicable: {reason}");
            } else if let Some(doc) = cc.evidence.get(id) {
                r.evidence.push(doc.clone());
                if r.status == ReqStatus::NeedsManualEvidence {
                    r.status = ReqStatus::Met;
                    r.rationale = format!("Shown by the manufacturer's evidence: {doc}");
                }
            }
            r
        })
        .collect()
}

/// Fingerprints of the findings of these kinds that fail the gate.
fn failing(facts: &Facts<'_>, kinds: &[FindingKind]) -> Vec<String> {
    facts
        .findings
        .iter()
        .filter(|f| kinds.contains(&f.kind) && facts.decision.failing.contains(&f.fingerprint))
        .map(|f| f.fingerprint.clone())
        .collect()
}

fn automatic(id: &'static str, facts: &Facts<'_>) -> Requirement {
    let product = &facts.config.product;
    let mut r = Requirement {
        id,
        title: "",
        status: ReqStatus::NeedsManualEvidence,
        rationale: "Not shown by an automated check; link evidence in [compliance.evidence]."
            .into(),
        evidence: vec![],
        findings: vec![],
    };
    let scanned = |name: &str| facts.scanners.iter().any(|s| s == name);
    match id {
        "I.2(a)" | "II.2" => {
            let bad = failing(facts, &[FindingKind::Vulnerability]);
            r.evidence = vec![
                "vulnerabilities.json".into(),
                "vex.openvex.json".into(),
                "policy.json".into(),
            ];
            if !bad.is_empty() {
                r.status = ReqStatus::NotMet;
                r.rationale = format!("{} known vulnerabilities fail the policy.", bad.len());
                r.findings = bad;
            } else if !facts.vulnerabilities_checked {
                r.rationale =
                    "No vulnerability database was available, so no match was made.".into();
            } else if !facts.inventory_complete {
                r.status = ReqStatus::NotMet;
                r.rationale = "Some manifests could not be read: components may be missing.".into();
            } else {
                r.status = ReqStatus::Met;
                r.rationale = format!(
                    "All {} components were matched; no open vulnerability fails the policy.",
                    facts.components
                );
            }
        }
        "I.2(b)" | "I.2(j)" => {
            let bad = failing(facts, &[FindingKind::Misconfiguration]);
            if !bad.is_empty() {
                r.status = ReqStatus::NotMet;
                r.rationale = format!(
                    "{} insecure configuration findings fail the policy.",
                    bad.len()
                );
                r.findings = bad;
            } else if scanned("config") {
                r.status = ReqStatus::Met;
                r.rationale = "The configuration scan found nothing that fails the policy.".into();
                r.evidence = vec!["findings.sarif".into()];
            }
        }
        "I.2(d)" => {
            let bad = failing(facts, &[FindingKind::Secret, FindingKind::Dast]);
            if !bad.is_empty() {
                r.status = ReqStatus::NotMet;
                r.rationale = format!(
                    "{} leaked credentials or access-control findings fail the policy.",
                    bad.len()
                );
                r.findings = bad;
                r.evidence = vec!["findings.sarif".into()];
            }
        }
        "I.2(c)" if product.support_until.is_some() => {
            r.rationale = format!(
                "Support period declared until {}; the update mechanism itself needs evidence.",
                product.support_until.as_deref().unwrap_or("")
            );
        }
        "II.1" => {
            r.evidence = facts.sboms.clone();
            if facts.sboms.is_empty() {
                r.status = ReqStatus::NotMet;
                r.rationale = "No SBOM was written.".into();
            } else if !facts.inventory_complete {
                r.status = ReqStatus::NotMet;
                r.rationale = "The SBOM is incomplete: some manifests could not be read.".into();
            } else {
                r.status = ReqStatus::Met;
                r.rationale = format!(
                    "Machine-readable SBOMs list {} components with their dependencies.",
                    facts.components
                );
            }
        }
        "II.3" if !facts.scanners.is_empty() => {
            r.status = ReqStatus::Met;
            r.rationale = format!("Run on this build: {}.", facts.scanners.join(", "));
            r.evidence = vec!["findings.sarif".into(), "policy.json".into()];
        }
        "II.4" => {
            r.evidence = vec![
                "vex.cdx.json".into(),
                "vex.openvex.json".into(),
                "vex.csaf.json".into(),
            ];
            r.rationale =
                "VEX documents are written for publication; publishing them needs evidence.".into();
        }
        "II.5" => match &product.cvd_policy {
            Some(url) => {
                r.status = ReqStatus::Met;
                r.rationale = format!("Coordinated vulnerability disclosure policy: {url}");
                r.evidence = vec![url.clone()];
            }
            None => {
                r.status = ReqStatus::NotMet;
                r.rationale = "No CVD policy URL in [product] cvd_policy.".into();
            }
        },
        "II.6" => match &product.security_contact {
            Some(c) => {
                r.status = ReqStatus::Met;
                r.rationale = format!("Contact for vulnerability reports: {c}");
            }
            None => {
                r.status = ReqStatus::NotMet;
                r.rationale =
                    "No contact for vulnerability reports in [product] security_contact.".into();
            }
        },
        _ => {}
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{decide, Outcome};

    fn facts<'a>(config: &'a Config, decision: &'a Decision, findings: &'a [Finding]) -> Facts<'a> {
        Facts {
            config,
            findings,
            decision,
            inventory_complete: true,
            components: 10,
            sboms: vec!["sbom.cdx.json".into()],
            vulnerabilities_checked: true,
            scanners: vec!["vulnerabilities".into()],
        }
    }

    #[test]
    fn automatic_rows() {
        let config = Config::parse(
            "[product]\ncvd_policy = \"https://acme.example/cvd\"\n[compliance]\nnot_applicable = { \"I.2(m)\" = \"stores no user data\" }\nevidence = { \"I.1\" = \"docs/risk-assessment.pdf\" }\n",
            "proven.toml",
        )
        .expect("valid");
        let mut findings = vec![];
        let decision = decide(&mut findings, &config, &Default::default(), 0);
        assert_eq!(decision.outcome, Outcome::Passed);
        let m = matrix(&facts(&config, &decision, &findings));
        assert_eq!(m.len(), 22);
        let get = |id: &str| m.iter().find(|r| r.id == id).expect("row");
        assert_eq!(get("I.2(a)").status, ReqStatus::Met);
        assert_eq!(get("II.1").status, ReqStatus::Met);
        assert_eq!(get("II.5").status, ReqStatus::Met);
        assert_eq!(get("II.6").status, ReqStatus::NotMet, "no security contact");
        assert_eq!(get("I.2(m)").status, ReqStatus::NotApplicable);
        assert_eq!(get("I.1").status, ReqStatus::Met);
        assert_eq!(get("I.2(g)").status, ReqStatus::NeedsManualEvidence);
    }
}
