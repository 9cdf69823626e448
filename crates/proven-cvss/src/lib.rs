//! CVSS vectors: parsing and scoring of CVSS v2, v3.0, v3.1 and v4.0 as the vulnerability records we
//! match carry them (OSV `severity[].score`).
//!
//! ```
//! let cvss = proven_cvss::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
//! assert_eq!(cvss.base_score(), 9.8);
//! assert_eq!(cvss.severity(), proven_cvss::Severity::Critical);
//! ```
//!
//! Parsing is strict about content (every base metric exactly once, only known metrics and values)
//! and lenient about order: the specifications fix the order of metrics, but records in the wild do
//! not always follow it, and the order carries no meaning. `Display` writes the normalised vector:
//! the specification's order, metrics set to Not Defined left out.

use std::fmt;
use std::str::FromStr;

mod error;
mod v2;
mod v3;
mod v4;
mod vector;

pub use error::CvssError;

/// A CVSS version this crate scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// CVSS v2.0, written without a prefix.
    V2,
    /// CVSS v3.0, `CVSS:3.0/`.
    V3_0,
    /// CVSS v3.1, `CVSS:3.1/`.
    V3_1,
    /// CVSS v4.0, `CVSS:4.0/`.
    V4_0,
}

impl Version {
    /// The version number as the specifications write it, e.g. `3.1`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2 => "2.0",
            Version::V3_0 => "3.0",
            Version::V3_1 => "3.1",
            Version::V4_0 => "4.0",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CVSS v{}", self.as_str())
    }
}

/// Qualitative severity rating of a score.
///
/// v3 and v4 use all five levels; v2 only Low, Medium and High (a v2 score of 0.0 is Low).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Score 0.0 (v3, v4).
    None,
    /// Score 0.1–3.9 (v2: 0.0–3.9).
    Low,
    /// Score 4.0–6.9.
    Medium,
    /// Score 7.0–8.9 (v2: 7.0–10.0).
    High,
    /// Score 9.0–10.0 (v3, v4).
    Critical,
}

impl Severity {
    /// The rating's name as the specifications spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "None",
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }

    /// Rating of a score in tenths on the scale of `version`.
    fn of(version: Version, tenths: u8) -> Severity {
        match (version, tenths) {
            (Version::V2, 0..=39) => Severity::Low,
            (Version::V2, 40..=69) => Severity::Medium,
            (Version::V2, _) => Severity::High,
            (_, 0) => Severity::None,
            (_, 1..=39) => Severity::Low,
            (_, 40..=69) => Severity::Medium,
            (_, 70..=89) => Severity::High,
            (_, _) => Severity::Critical,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed CVSS vector with its scores.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cvss {
    metrics: Metrics,
    scores: Scores,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Metrics {
    V2(v2::Metrics),
    V3(v3::Metrics),
    V4(v4::Metrics),
}

/// Scores in tenths: 0..=100, so that they compare exactly and print without float noise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Scores {
    base: u8,
    temporal: Option<u8>,
    environmental: Option<u8>,
}

/// Parses a CVSS v2, v3.0, v3.1 or v4.0 vector and computes its scores.
///
/// Vectors starting `CVSS:3.0/`, `CVSS:3.1/` or `CVSS:4.0/` are read as those versions; a vector
/// without a `CVSS:` prefix is read as CVSS v2, which has none.
pub fn parse(vector: &str) -> Result<Cvss, CvssError> {
    if vector.is_empty() {
        return Err(CvssError::Empty);
    }
    let metrics = if vector.starts_with("CVSS:") {
        let (prefix, body) = vector.split_once('/').unwrap_or((vector, ""));
        match prefix {
            "CVSS:3.1" => Metrics::V3(v3::Metrics::parse(vector, body, v3::Minor::One)?),
            "CVSS:3.0" => Metrics::V3(v3::Metrics::parse(vector, body, v3::Minor::Zero)?),
            "CVSS:4.0" => Metrics::V4(v4::Metrics::parse(vector, body)?),
            _ => {
                return Err(CvssError::UnknownPrefix {
                    vector: vector.to_owned(),
                    prefix: prefix.to_owned(),
                })
            }
        }
    } else {
        Metrics::V2(v2::Metrics::parse(vector)?)
    };
    let scores = match &metrics {
        Metrics::V2(m) => m.scores(),
        Metrics::V3(m) => m.scores(),
        Metrics::V4(m) => m.scores(),
    };
    Ok(Cvss { metrics, scores })
}

impl FromStr for Cvss {
    type Err = CvssError;

    fn from_str(vector: &str) -> Result<Self, Self::Err> {
        parse(vector)
    }
}

impl Cvss {
    /// The vector's CVSS version.
    pub fn version(&self) -> Version {
        match &self.metrics {
            Metrics::V2(_) => Version::V2,
            Metrics::V3(m) => m.version(),
            Metrics::V4(_) => Version::V4_0,
        }
    }

    /// The base score, 0.0–10.0 with one decimal. For v4 this is CVSS-B: threat and environmental
    /// metrics are left out.
    pub fn base_score(&self) -> f64 {
        tenths_to_f64(self.scores.base)
    }

    /// The qualitative severity of the base score on the version's scale.
    pub fn severity(&self) -> Severity {
        Severity::of(self.version(), self.scores.base)
    }

    /// The score with the temporal (v4: threat) metrics applied, when the vector defines any: the
    /// v2/v3 temporal score, or v4 CVSS-BT (environmental metrics left out).
    pub fn temporal_score(&self) -> Option<f64> {
        self.scores.temporal.map(tenths_to_f64)
    }

    /// The score with the environmental metrics applied, when the vector defines any: the v2/v3
    /// environmental score (which also applies the temporal metrics), or v4 CVSS-BE/CVSS-BTE.
    pub fn environmental_score(&self) -> Option<f64> {
        self.scores.environmental.map(tenths_to_f64)
    }
}

impl fmt::Display for Cvss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.metrics {
            Metrics::V2(m) => m.fmt(f),
            Metrics::V3(m) => m.fmt(f),
            Metrics::V4(m) => m.fmt(f),
        }
    }
}

fn tenths_to_f64(tenths: u8) -> f64 {
    f64::from(tenths) / 10.0
}
