//! SARIF 2.1.0 import: results of Semgrep, CodeQL, Bandit, ZAP and others become findings.
//!
//! Severity comes from `properties.security-severity` (result, then rule) when present, mapped with
//! the CVSS ranges GitHub uses, else from `level` (result, then the rule's default configuration).
//! Text other tools wrote is masked, since some quote the secret they found; snippets are dropped.

use std::collections::BTreeMap;

use proven_model::{Finding, FindingKind, Location, Severity, SeverityLevel, Status};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::mask::mask_tokens;

/// A SARIF file that could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum SarifError {
    #[error("{origin}:{line}: not a SARIF log: {message}; expected a SARIF 2.1.0 JSON document")]
    Json {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{origin}: SARIF version `{version}` is not supported; expected 2.1.0")]
    Version { origin: String, version: String },
}

#[derive(Deserialize)]
struct Log {
    version: Option<String>,
    #[serde(default)]
    runs: Vec<Run>,
}

#[derive(Deserialize)]
struct Run {
    tool: Tool,
    #[serde(default)]
    results: Vec<SarifResult>,
}

#[derive(Deserialize)]
struct Tool {
    driver: Driver,
}

#[derive(Deserialize)]
struct Driver {
    name: String,
    #[serde(default)]
    rules: Vec<Rule>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: Option<String>,
    name: Option<String>,
    short_description: Option<Text>,
    help_uri: Option<String>,
    default_configuration: Option<Configuration>,
    #[serde(default)]
    properties: Properties,
}

#[derive(Deserialize)]
struct Configuration {
    level: Option<String>,
}

#[derive(Deserialize, Default)]
struct Properties {
    #[serde(rename = "security-severity")]
    security_severity: Option<serde_json::Value>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
struct Text {
    text: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: Option<String>,
    rule_index: Option<usize>,
    rule: Option<RuleRef>,
    level: Option<String>,
    message: Option<Text>,
    #[serde(default)]
    locations: Vec<SarifLocation>,
    #[serde(default)]
    partial_fingerprints: BTreeMap<String, String>,
    #[serde(default)]
    fingerprints: BTreeMap<String, String>,
    #[serde(default)]
    properties: Properties,
    #[serde(default)]
    suppressions: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct RuleRef {
    id: Option<String>,
    index: Option<usize>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: Option<PhysicalLocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: Option<ArtifactLocation>,
    region: Option<Region>,
}

#[derive(Deserialize)]
struct ArtifactLocation {
    uri: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: Option<u32>,
    start_column: Option<u32>,
}

/// Tools whose results are dynamic (DAST) rather than static.
const DAST_TOOLS: &[&str] = &[
    "zap",
    "owasp zap",
    "burp",
    "nuclei",
    "nikto",
    "arachni",
    "wapiti",
];

/// Imports every result of every run; `origin` names the file in errors and evidence.
pub fn import(bytes: &[u8], origin: &str) -> Result<Vec<Finding>, SarifError> {
    let log: Log = serde_json::from_slice(bytes).map_err(|e| SarifError::Json {
        origin: origin.to_string(),
        line: e.line(),
        message: e.to_string(),
    })?;
    if let Some(v) = log.version.as_deref().filter(|v| *v != "2.1.0") {
        return Err(SarifError::Version {
            origin: origin.to_string(),
            version: v.to_string(),
        });
    }
    let mut out = Vec::new();
    for run in &log.runs {
        let tool = &run.tool.driver.name;
        let kind = if DAST_TOOLS
            .iter()
            .any(|t| tool.to_ascii_lowercase().contains(t))
        {
            FindingKind::Dast
        } else {
            FindingKind::Sast
        };
        for r in &run.results {
            out.push(finding(tool, kind, &run.tool.driver.rules, r, origin));
        }
    }
    Ok(out)
}

fn finding(
    tool: &str,
    kind: FindingKind,
    rules: &[Rule],
    r: &SarifResult,
    origin: &str,
) -> Finding {
    let index = r
        .rule_index
        .or_else(|| r.rule.as_ref().and_then(|x| x.index));
    let id = r
        .rule_id
        .clone()
        .or_else(|| r.rule.as_ref().and_then(|x| x.id.clone()))
        .or_else(|| index.and_then(|i| rules.get(i)).and_then(|x| x.id.clone()))
        .unwrap_or_else(|| "unknown-rule".into());
    let fallback = Rule::default();
    let rule = index
        .and_then(|i| rules.get(i))
        .or_else(|| rules.iter().find(|x| x.id.as_deref() == Some(id.as_str())))
        .unwrap_or(&fallback);
    let severity = severity(r, rule);
    let (path, line, column) = r
        .locations
        .first()
        .and_then(|l| l.physical_location.as_ref())
        .map(|p| {
            let uri = p
                .artifact_location
                .as_ref()
                .and_then(|a| a.uri.clone())
                .unwrap_or_default();
            let uri = uri
                .strip_prefix("file://")
                .map(str::to_string)
                .unwrap_or(uri);
            (
                uri,
                p.region.as_ref().and_then(|g| g.start_line),
                p.region.as_ref().and_then(|g| g.start_column),
            )
        })
        .unwrap_or_default();
    let message = r
        .message
        .as_ref()
        .and_then(|m| m.text.clone())
        .unwrap_or_default();
    let title = rule
        .short_description
        .as_ref()
        .and_then(|t| t.text.clone())
        .or_else(|| rule.name.clone())
        .unwrap_or_else(|| message.clone());
    // The tool's own fingerprint when it has one; else what does not move when lines shift.
    let basis = r
        .partial_fingerprints
        .values()
        .chain(r.fingerprints.values())
        .next()
        .cloned()
        .unwrap_or_else(|| format!("{path}\n{message}"));
    let digest = Sha256::digest(format!("{tool}\n{id}\n{basis}").as_bytes());
    let fingerprint = proven_model::encoding::hex(&digest[..16]);
    let cwe: Vec<String> = rule
        .properties
        .tags
        .iter()
        .chain(&r.properties.tags)
        .filter_map(|t| {
            let lower = t.to_ascii_lowercase();
            let n = lower
                .rsplit("cwe-")
                .next()
                .filter(|_| lower.contains("cwe-"))?;
            let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
            (!digits.is_empty()).then(|| format!("CWE-{digits}"))
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut evidence = BTreeMap::new();
    evidence.insert("tool".into(), tool.to_string());
    evidence.insert("sarif".into(), origin.to_string());
    evidence.insert("message".into(), mask_tokens(&message));
    let status = if r.suppressions.is_empty() {
        Status::Open
    } else {
        Status::Suppressed {
            reason: format!("suppressed in the {tool} SARIF log"),
        }
    };
    Finding {
        kind,
        code: id,
        aliases: vec![],
        severity,
        title: mask_tokens(&title),
        location: Location { path, line, column },
        component: None,
        fingerprint,
        fix: None,
        evidence,
        status,
        references: rule.help_uri.clone().into_iter().collect(),
        cwe,
        cra_clause: Some(if kind == FindingKind::Dast {
            "I.2(d)".into()
        } else {
            "I.2(a)".into()
        }),
    }
}

fn severity(r: &SarifResult, rule: &Rule) -> Severity {
    let score = [
        &r.properties.security_severity,
        &rule.properties.security_severity,
    ]
    .into_iter()
    .flatten()
    .find_map(|v| match v {
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
        serde_json::Value::Number(n) => n.as_f64(),
        _ => None,
    })
    .filter(|s| (0.0..=10.0).contains(s));
    if let Some(s) = score {
        let level = match s {
            s if s >= 9.0 => SeverityLevel::Critical,
            s if s >= 7.0 => SeverityLevel::High,
            s if s >= 4.0 => SeverityLevel::Medium,
            s if s > 0.0 => SeverityLevel::Low,
            _ => SeverityLevel::Info,
        };
        return Severity {
            level,
            score: Some(s),
            vector: None,
            source: Some("security-severity".into()),
        };
    }
    let level = r
        .level
        .as_deref()
        .or_else(|| {
            rule.default_configuration
                .as_ref()
                .and_then(|c| c.level.as_deref())
        })
        .unwrap_or("warning");
    let level = match level {
        "error" => SeverityLevel::High,
        "warning" => SeverityLevel::Medium,
        "note" => SeverityLevel::Low,
        _ => SeverityLevel::Info,
    };
    Severity {
        level,
        score: None,
        vector: None,
        source: Some("sarif-level".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEMGREP: &str = r#"{
      "version": "2.1.0",
      "runs": [{
        "tool": {"driver": {"name": "Semgrep OSS", "rules": [
          {"id": "python.lang.security.audit.eval", "name": "eval",
           "shortDescription": {"text": "Detected eval"},
           "helpUri": "https://semgrep.dev/r/python.lang.security.audit.eval",
           "defaultConfiguration": {"level": "warning"},
           "properties": {"tags": ["CWE-95: Improper Neutralization", "security"]}},
          {"id": "generic.secrets.gitleaks", "defaultConfiguration": {"level": "error"},
           "properties": {"security-severity": "9.1"}}
        ]}},
        "results": [
          {"ruleId": "python.lang.security.audit.eval", "level": "warning",
           "message": {"text": "eval of user input"},
           "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app.py"}, "region": {"startLine": 3, "startColumn": 5}}}],
           "fingerprints": {"matchBasedId/v1": "f00d"}},
          {"ruleId": "generic.secrets.gitleaks", "ruleIndex": 1,
           "message": {"text": "key AKIAIOSFODNN7EXAMPLE1234 leaked"},
           "locations": [{"physicalLocation": {"artifactLocation": {"uri": "file://conf/.env"}, "region": {"startLine": 1}}}]}
        ]
      }]
    }"#;

    #[test]
    fn semgrep_results() {
        let f = import(SEMGREP.as_bytes(), "semgrep.sarif").expect("valid");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].kind, FindingKind::Sast);
        assert_eq!(f[0].severity.level, SeverityLevel::Medium);
        assert_eq!(f[0].location.to_string(), "app.py:3:5");
        assert_eq!(f[0].cwe, ["CWE-95"]);
        assert_eq!(f[0].title, "Detected eval");
        assert_eq!(
            f[1].severity.level,
            SeverityLevel::Critical,
            "security-severity of the rule"
        );
        assert_eq!(f[1].location.path, "conf/.env");
        let msg = &f[1].evidence["message"];
        assert!(!msg.contains("AKIAIOSFODNN7EXAMPLE1234"), "{msg}");
        // Same input, same fingerprints.
        let again = import(SEMGREP.as_bytes(), "semgrep.sarif").expect("valid");
        assert_eq!(f[0].fingerprint, again[0].fingerprint);
        assert_ne!(f[0].fingerprint, f[1].fingerprint);
    }

    #[test]
    fn zap_is_dast_and_bad_input_is_named() {
        let zap = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"OWASP ZAP"}},"results":[{"ruleId":"10038","level":"error","message":{"text":"CSP header not set"}}]}]}"#;
        let f = import(zap.as_bytes(), "zap.sarif").expect("valid");
        assert_eq!(f[0].kind, FindingKind::Dast);
        assert_eq!(f[0].severity.level, SeverityLevel::High);
        let err =
            import(b"{\n\"version\": \"2.1.0\",\n\"runs\": [}", "x.sarif").expect_err("bad json");
        assert!(err.to_string().starts_with("x.sarif:3:"), "{err}");
        let err = import(br#"{"version":"1.0.0","runs":[]}"#, "old.sarif").expect_err("old");
        assert!(err.to_string().contains("1.0.0"));
    }
}
