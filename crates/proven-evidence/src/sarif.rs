//! SARIF 2.1.0 output: one run per kind of finding, one rule per code, stable partial
//! fingerprints, and never a secret in a message or snippet.

use std::collections::BTreeMap;

use proven_model::{Finding, FindingKind, SeverityLevel, Status};
use serde_json::{json, Map, Value};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFO_URI: &str = "https://github.com/proven-cra/proven";

/// The SARIF log of a set of findings.
pub fn write(findings: &[Finding], tool_version: &str) -> Value {
    let mut by_kind: BTreeMap<FindingKind, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_kind.entry(f.kind).or_default().push(f);
    }
    let runs: Vec<Value> = by_kind
        .into_iter()
        .map(|(kind, fs)| run(kind, &fs, tool_version))
        .collect();
    json!({ "$schema": SCHEMA, "version": "2.1.0", "runs": runs })
}

fn driver_name(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Vulnerability => "proven-vulnerabilities",
        FindingKind::Advisory => "proven-advisories",
        FindingKind::Secret => "proven-secrets",
        FindingKind::Misconfiguration => "proven-config",
        FindingKind::Sast => "proven-sast-import",
        FindingKind::Dast => "proven-dast-import",
        FindingKind::License => "proven-licenses",
    }
}

fn run(kind: FindingKind, findings: &[&Finding], tool_version: &str) -> Value {
    let mut rules: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in findings {
        rules.entry(f.code.as_str()).or_insert(f);
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let rules_json: Vec<Value> = rules.values().map(|f| rule(f)).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| result(f, index[f.code.as_str()]))
        .collect();
    json!({
        "tool": { "driver": {
            "name": driver_name(kind),
            "informationUri": INFO_URI,
            "semanticVersion": tool_version,
            "rules": rules_json,
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    })
}

fn level(s: SeverityLevel) -> &'static str {
    match s {
        SeverityLevel::Critical | SeverityLevel::High => "error",
        SeverityLevel::Medium | SeverityLevel::Unknown => "warning",
        SeverityLevel::Low | SeverityLevel::Info => "note",
    }
}

/// GitHub code scanning reads `security-severity` (0.0–10.0) to rank results.
fn security_severity(f: &Finding) -> String {
    let score = f.severity.score.unwrap_or(match f.severity.level {
        SeverityLevel::Critical => 9.5,
        SeverityLevel::High => 8.0,
        SeverityLevel::Medium => 5.5,
        SeverityLevel::Low => 2.0,
        SeverityLevel::Info | SeverityLevel::Unknown => 0.0,
    });
    format!("{score:.1}")
}

fn rule(f: &Finding) -> Value {
    let mut props = Map::new();
    props.insert(
        "security-severity".into(),
        Value::String(security_severity(f)),
    );
    let mut tags = vec![Value::String("security".into())];
    tags.extend(
        f.cwe
            .iter()
            .map(|c| Value::String(format!("external/cwe/{}", c.to_lowercase()))),
    );
    props.insert("tags".into(), Value::Array(tags));
    if let Some(c) = &f.cra_clause {
        props.insert("cra-clause".into(), Value::String(c.clone()));
    }
    let mut r = json!({
        "id": f.code,
        "shortDescription": { "text": f.title },
        "defaultConfiguration": { "level": level(f.severity.level) },
        "properties": props,
    });
    if let Some(uri) = f.references.first() {
        r["helpUri"] = Value::String(uri.clone());
    }
    if !f.aliases.is_empty() {
        r["relationships"] = Value::Array(
            f.aliases
                .iter()
                .map(|a| json!({ "target": { "id": a }, "kinds": ["relevant"] }))
                .collect(),
        );
    }
    r
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let mut text = f.title.clone();
    if let Some(c) = &f.component {
        text.push_str(&format!(" ({c})"));
    }
    if let Some(fix) = &f.fix {
        text.push_str(&format!(". Fix: {fix}"));
    }
    let mut region = Map::new();
    if let Some(l) = f.location.line {
        region.insert("startLine".into(), json!(l));
        if let Some(c) = f.location.column {
            region.insert("startColumn".into(), json!(c));
        }
    }
    let mut physical = json!({ "artifactLocation": { "uri": f.location.path } });
    if !region.is_empty() {
        physical["region"] = Value::Object(region);
    }
    let mut r = json!({
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": level(f.severity.level),
        "message": { "text": text },
        "locations": [{ "physicalLocation": physical }],
        "partialFingerprints": { "proven/v1": f.fingerprint },
    });
    let mut props = Map::new();
    props.insert(
        "severity".into(),
        Value::String(f.severity.level.to_string()),
    );
    for (k, v) in &f.evidence {
        props.insert(k.clone(), Value::String(v.clone()));
    }
    r["properties"] = Value::Object(props);
    match &f.status {
        Status::Open => {}
        Status::Waived { reason, .. } => {
            r["suppressions"] =
                json!([{ "kind": "external", "status": "accepted", "justification": reason }]);
        }
        Status::Vex { .. } => {
            r["suppressions"] = json!([{ "kind": "external", "status": "accepted", "justification": f.status.to_string() }]);
        }
        Status::Suppressed { reason } => {
            r["suppressions"] =
                json!([{ "kind": "inSource", "status": "accepted", "justification": reason }]);
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use proven_model::{Location, Severity};

    pub(crate) fn sample() -> Vec<Finding> {
        let base = Finding {
            kind: FindingKind::Vulnerability,
            code: "CVE-2024-0001".into(),
            aliases: vec!["GHSA-xxxx-yyyy-zzzz".into()],
            severity: Severity {
                level: SeverityLevel::High,
                score: Some(7.5),
                vector: None,
                source: None,
            },
            title: "Denial of service".into(),
            location: Location::line("Cargo.lock", 12),
            component: Some("pkg:cargo/foo@1.0.0".into()),
            fingerprint: "abc".into(),
            fix: Some("upgrade to 1.0.1".into()),
            evidence: BTreeMap::new(),
            status: Status::Open,
            references: vec!["https://osv.dev/CVE-2024-0001".into()],
            cwe: vec!["CWE-400".into()],
            cra_clause: Some("I.2(a)".into()),
        };
        let mut waived = base.clone();
        waived.component = Some("pkg:cargo/foo@1.0.2".into());
        waived.fingerprint = "def".into();
        waived.status = Status::Waived {
            reason: "unreachable".into(),
            expires: "2027-01-01".into(),
            owner: None,
        };
        let mut secret = base.clone();
        secret.kind = FindingKind::Secret;
        secret.code = "github-pat".into();
        secret.aliases.clear();
        secret.severity = Severity {
            level: SeverityLevel::Critical,
            ..Severity::default()
        };
        vec![base, waived, secret]
    }

    #[test]
    fn one_run_per_kind_one_rule_per_code() {
        let log = write(&sample(), "0.1.0");
        let runs = log["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 2);
        let vulns = &runs[0];
        assert_eq!(vulns["tool"]["driver"]["name"], "proven-vulnerabilities");
        assert_eq!(
            vulns["tool"]["driver"]["rules"].as_array().map(Vec::len),
            Some(1)
        );
        assert_eq!(vulns["results"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            vulns["results"][0]["partialFingerprints"]["proven/v1"],
            "abc"
        );
        assert_eq!(
            vulns["results"][1]["suppressions"][0]["justification"],
            "unreachable"
        );
        assert_eq!(
            vulns["tool"]["driver"]["rules"][0]["properties"]["security-severity"],
            "7.5"
        );
        assert_eq!(runs[1]["results"][0]["level"], "error");
    }
}
