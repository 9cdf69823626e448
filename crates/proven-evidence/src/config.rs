//! `proven.toml`: the product, the policy, waivers and VEX inputs. Unknown keys are errors that
//! point into the file.

use std::path::{Path, PathBuf};

use proven_model::date::{parse_date, parse_month};
use proven_model::SeverityLevel;
use serde::Deserialize;

/// The whole configuration; every section is optional.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub product: Product,
    pub policy: Policy,
    #[serde(rename = "waiver")]
    pub waivers: Vec<Waiver>,
    pub vex: Vex,
    pub scan: Scan,
    pub compliance: crate::compliance::ComplianceConfig,
}

/// What the walk covers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scan {
    /// Gitignore-style globs of paths that are not part of the product (`**/tests/fixtures/**`).
    pub exclude: Vec<String>,
    /// Also walk vendored and build folders (node_modules, target, .venv, vendor, ...).
    pub include_vendored: bool,
}

/// The product the evidence is about (CRA Annex II and VII facts).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Product {
    pub name: Option<String>,
    pub version: Option<String>,
    pub manufacturer: Manufacturer,
    pub cra_class: CraClass,
    /// End of the support period, `YYYY-MM`.
    pub support_until: Option<String>,
    /// Why the support period is shorter than five years, when it is.
    pub support_reason: Option<String>,
    /// Single point of contact for vulnerability reports (e-mail or URL).
    pub security_contact: Option<String>,
    /// Coordinated vulnerability disclosure policy URL.
    pub cvd_policy: Option<String>,
}

/// Who places the product on the market.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Manufacturer {
    pub name: Option<String>,
    pub address: Option<String>,
    /// E-mail address or URL.
    pub contact: Option<String>,
}

/// The CRA product class (Annex III and IV).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum CraClass {
    #[default]
    #[serde(rename = "default")]
    Default,
    #[serde(rename = "important-I")]
    ImportantI,
    #[serde(rename = "important-II")]
    ImportantII,
    #[serde(rename = "critical")]
    Critical,
}

/// What fails the gate.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Vulnerabilities at or above this severity fail.
    pub vulnerabilities: Threshold,
    /// Misconfigurations at or above this severity fail.
    pub misconfigurations: Threshold,
    /// Imported SAST/DAST results at or above this severity fail.
    pub sast: Threshold,
    /// Secret confidence tiers that fail (`A`: checksum or structure valid, `B`: distinctive prefix,
    /// `C`: generic or entropy only).
    pub secret_tiers: Vec<String>,
    /// What a finding with no published severity does.
    pub unknown_severity: UnknownSeverity,
    /// A vulnerability in CISA's Known Exploited Vulnerabilities catalog fails whatever its severity.
    pub fail_on_kev: bool,
    /// A component whose version could not be matched fails (else it is reported).
    pub fail_on_unmatched: bool,
    /// Maximum age of the vulnerability database, in hours.
    pub max_db_age_hours: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            vulnerabilities: Threshold::Level(SeverityLevel::High),
            misconfigurations: Threshold::Level(SeverityLevel::High),
            sast: Threshold::Level(SeverityLevel::High),
            secret_tiers: vec!["A".into(), "B".into()],
            unknown_severity: UnknownSeverity::Fail,
            fail_on_kev: true,
            fail_on_unmatched: false,
            max_db_age_hours: 24,
        }
    }
}

/// A severity threshold, or `never`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    Level(SeverityLevel),
    Never,
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "never" => Ok(Threshold::Never),
            "critical" | "high" | "medium" | "low" | "info" => Ok(Threshold::Level(
                SeverityLevel::parse(&s).expect("listed levels parse"),
            )),
            _ => Err(serde::de::Error::custom(format!(
                "`{s}` is not a threshold; expected one of critical, high, medium, low, info, never"
            ))),
        }
    }
}

impl Threshold {
    /// True when a finding of this level fails.
    pub fn fails(self, level: SeverityLevel) -> bool {
        match self {
            Threshold::Never => false,
            Threshold::Level(t) => level.at_least(t),
        }
    }
}

/// What a finding with severity `unknown` does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownSeverity {
    /// Fails the gate: no rating is not a clean bill of health.
    #[default]
    Fail,
    /// Reported, does not fail.
    Warn,
}

/// An accepted finding, for a time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Waiver {
    /// Vulnerability id or any alias (`CVE-…`, `GHSA-…`, `RUSTSEC-…`) or rule code.
    pub id: Option<String>,
    /// Component purl; without a version it matches every version.
    pub purl: Option<String>,
    /// File path, or a prefix ending in `/`, or a glob with `*`.
    pub path: Option<String>,
    pub reason: String,
    /// `YYYY-MM-DD`; the waiver stops applying after this day.
    pub expires: String,
    pub owner: Option<String>,
}

/// VEX documents applied before the gate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Vex {
    /// CycloneDX VEX, OpenVEX or CSAF VEX files, relative to the configuration file.
    pub files: Vec<PathBuf>,
}

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

impl ConfigError {
    /// An error at a byte offset of `text`, reported as line and column.
    pub fn at(path: &str, text: &str, offset: usize, message: String) -> ConfigError {
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        ConfigError::Invalid {
            path: path.to_string(),
            line,
            column,
            message,
        }
    }
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::parse(&text, &path.display().to_string())
    }

    /// Parses and checks configuration text; `name` is used in errors.
    pub fn parse(text: &str, name: &str) -> Result<Config, ConfigError> {
        let at = |offset: usize, message: String| ConfigError::at(name, text, offset, message);
        let config: Config = toml::from_str(text)
            .map_err(|e| at(e.span().map_or(0, |s| s.start), e.message().to_string()))?;
        // Semantic checks name the table they concern.
        let find = |needle: &str| text.find(needle).unwrap_or(0);
        if let Some(s) = &config.product.support_until {
            if parse_month(s).is_none() {
                return Err(at(
                    find("support_until"),
                    format!("support_until `{s}` is not YYYY-MM"),
                ));
            }
        }
        for (i, w) in config.waivers.iter().enumerate() {
            let offset = text
                .match_indices("[[waiver]]")
                .nth(i)
                .map_or(0, |(o, _)| o);
            if w.id.is_none() && w.purl.is_none() && w.path.is_none() {
                return Err(at(
                    offset,
                    "a waiver needs at least one of id, purl or path".into(),
                ));
            }
            if w.reason.trim().is_empty() {
                return Err(at(offset, "a waiver needs a reason".into()));
            }
            if parse_date(&w.expires).is_none() {
                return Err(at(
                    offset,
                    format!("waiver expires `{}` is not a YYYY-MM-DD date", w.expires),
                ));
            }
        }
        Ok(config)
    }

    /// Warnings about the configuration itself (a short support period without a reason).
    pub fn warnings(&self, today_days: i64) -> Vec<String> {
        let mut out = Vec::new();
        if let Some((y, m)) = self.product.support_until.as_deref().and_then(parse_month) {
            let end = proven_model::date::days_from_civil(y, m, 1);
            if end - today_days < 5 * 365 && self.product.support_reason.is_none() {
                out.push(format!(
                    "product.support_until {y:04}-{m:02} is less than five years away and no \
                     support_reason says why (CRA Art. 13(8))"
                ));
            }
        } else {
            out.push("product.support_until is not set (CRA Art. 13(8) support period)".into());
        }
        out
    }
}

/// The commented template `proven init` writes.
pub const TEMPLATE: &str = include_str!("proven.template.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parses() {
        let c = Config::parse(TEMPLATE, "proven.toml").expect("template is valid");
        assert_eq!(c.product.cra_class, CraClass::Default);
        assert_eq!(c.policy, Policy::default());
    }

    #[test]
    fn unknown_key_points_into_the_file() {
        let err = Config::parse("[product]\nname = \"x\"\nnmae = \"y\"\n", "proven.toml")
            .expect_err("unknown key");
        let msg = err.to_string();
        assert!(msg.starts_with("proven.toml:3:1:"), "{msg}");
        assert!(msg.contains("nmae"), "{msg}");
    }

    #[test]
    fn waiver_needs_reason_and_date() {
        let text = "[[waiver]]\nid = \"CVE-2024-1\"\nreason = \"x\"\nexpires = \"2027-13-01\"\n";
        let msg = Config::parse(text, "p.toml")
            .expect_err("bad date")
            .to_string();
        assert!(
            msg.contains("p.toml:1:1") && msg.contains("2027-13-01"),
            "{msg}"
        );
        let text = "[[waiver]]\nid = \"CVE-2024-1\"\nexpires = \"2027-01-01\"\n";
        assert!(Config::parse(text, "p.toml").is_err(), "missing reason");
    }

    #[test]
    fn threshold_words() {
        let c = Config::parse("[policy]\nvulnerabilities = \"never\"\n", "p").expect("valid");
        assert_eq!(c.policy.vulnerabilities, Threshold::Never);
        assert!(Config::parse("[policy]\nvulnerabilities = \"severe\"\n", "p").is_err());
    }

    #[test]
    fn short_support_period_warns() {
        let c = Config::parse("[product]\nsupport_until = \"2027-01\"\n", "p").expect("valid");
        let today = proven_model::date::parse_date("2026-11-28").expect("date");
        assert_eq!(c.warnings(today).len(), 1);
    }
}
