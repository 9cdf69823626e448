//! Findings: what every scanner reports, in one shape that every renderer reads.

use std::collections::BTreeMap;
use std::fmt;

use crate::Location;

/// One problem found by a scanner.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The vulnerability id (CVE id when there is one) or the rule code.
    pub code: String,
    /// Other ids of the same problem (GHSA, RUSTSEC, PYSEC, GO, ...), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub severity: Severity,
    pub title: String,
    /// Where: a file and line, and/or the affected component.
    pub location: Location,
    /// Inventory id (purl) of the affected component, for vulnerabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// Stable across runs and machines; never contains a secret.
    pub fingerprint: String,
    /// How to fix it (fixed versions, a remediation sentence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// What matched and why, for the reader who asks "why is this reported?".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub evidence: BTreeMap<String, String>,
    #[serde(default)]
    pub status: Status,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe: Vec<String>,
    /// The CRA Annex I clause the finding bears on (`I.2(a)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cra_clause: Option<String>,
}

impl Finding {
    /// The kind, as a word for people.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            FindingKind::Vulnerability => "vulnerability",
            FindingKind::Advisory => "advisory",
            FindingKind::Secret => "secret",
            FindingKind::Misconfiguration => "misconfiguration",
            FindingKind::Sast => "SAST finding",
            FindingKind::Dast => "DAST finding",
            FindingKind::License => "licence finding",
        }
    }
}

/// What sort of problem a finding is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// A known vulnerability in a component.
    Vulnerability,
    /// An informational advisory: unmaintained, unsound, notice (RustSec).
    Advisory,
    Secret,
    Misconfiguration,
    Sast,
    Dast,
    License,
}

/// Qualitative severity, highest first.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum SeverityLevel {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// No score and no rating was published: policy decides what this means.
    #[default]
    Unknown,
}

impl SeverityLevel {
    /// Every level, highest first.
    pub const ALL: [SeverityLevel; 6] = [
        SeverityLevel::Critical,
        SeverityLevel::High,
        SeverityLevel::Medium,
        SeverityLevel::Low,
        SeverityLevel::Info,
        SeverityLevel::Unknown,
    ];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            SeverityLevel::Critical => "critical",
            SeverityLevel::High => "high",
            SeverityLevel::Medium => "medium",
            SeverityLevel::Low => "low",
            SeverityLevel::Info => "info",
            SeverityLevel::Unknown => "unknown",
        }
    }

    /// Parses a name case-insensitively (`moderate` is medium, `none` is info).
    pub fn parse(s: &str) -> Option<SeverityLevel> {
        match s.to_ascii_lowercase().as_str() {
            "critical" => Some(SeverityLevel::Critical),
            "high" => Some(SeverityLevel::High),
            "medium" | "moderate" => Some(SeverityLevel::Medium),
            "low" => Some(SeverityLevel::Low),
            "info" | "informational" | "none" | "note" => Some(SeverityLevel::Info),
            "unknown" => Some(SeverityLevel::Unknown),
            _ => None,
        }
    }

    /// True when this is at least as severe as `threshold` (unknown is compared by policy, not here).
    pub fn at_least(self, threshold: SeverityLevel) -> bool {
        self != SeverityLevel::Unknown && self <= threshold
    }
}

impl fmt::Display for SeverityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity and where it came from.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Severity {
    pub level: SeverityLevel,
    /// Numeric score (CVSS base score) when one was computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The vector the score was computed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
    /// Where the rating came from (`CVSS_V3`, `GHSA`, `rule`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Whether a finding still counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Status {
    #[default]
    Open,
    /// Accepted for a time by a waiver in proven.toml.
    Waived {
        reason: String,
        expires: String,
        owner: Option<String>,
    },
    /// Settled by a VEX statement.
    Vex {
        /// `not_affected` or `fixed` (OpenVEX words).
        state: String,
        /// An OpenVEX justification (`vulnerable_code_not_in_execute_path`, ...).
        justification: Option<String>,
        /// The impact or action statement, as the VEX author wrote it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
        /// The VEX document that said so.
        source: String,
    },
    /// Suppressed in the file itself (`proven:ignore`) or by a baseline.
    Suppressed { reason: String },
}

impl fmt::Display for Status {
    /// One line for people: `open`, `waived until 2027-01-01`, `VEX not_affected
    /// (vulnerable_code_not_in_execute_path) per vex/app.json: the parser is never called`,
    /// `suppressed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Open => f.write_str("open"),
            Status::Waived { expires, .. } => write!(f, "waived until {expires}"),
            Status::Vex {
                state,
                justification,
                detail,
                source,
            } => {
                write!(f, "VEX {state}")?;
                if let Some(j) = justification {
                    write!(f, " ({j})")?;
                }
                write!(f, " per {source}")?;
                match detail {
                    Some(d) => write!(f, ": {d}"),
                    None => Ok(()),
                }
            }
            Status::Suppressed { .. } => f.write_str("suppressed"),
        }
    }
}
