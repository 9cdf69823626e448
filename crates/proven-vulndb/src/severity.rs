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

/// Base score and qualitative level of a CVSS vector; `None` when it does not parse.
fn cvss_base(vector: &str) -> Option<(f64, SeverityLevel)> {
    let cvss = proven_cvss::parse(vector).ok()?;
    let level = match cvss.severity() {
        proven_cvss::Severity::Critical => SeverityLevel::Critical,
        proven_cvss::Severity::High => SeverityLevel::High,
        proven_cvss::Severity::Medium => SeverityLevel::Medium,
        proven_cvss::Severity::Low => SeverityLevel::Low,
        proven_cvss::Severity::None => SeverityLevel::Info,
    };
    Some((cvss.base_score(), level))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(kind: &str, vector: &str) -> Score {
        Score {
            kind: kind.into(),
            vector: vector.into(),
        }
    }

    #[test]
    fn v4_wins_over_v3_and_ratings_come_last() {
        let both = [
            score("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            score(
                "CVSS_V4",
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N",
            ),
        ];
        let r = from_cvss(&both, "X-1").expect("scored");
        assert_eq!(r.severity.source.as_deref(), Some("CVSS_V4"));
        assert_eq!(r.severity.level, SeverityLevel::Medium);
        let v3 = from_cvss(&both[..1], "X-1").expect("scored");
        assert_eq!(v3.severity.score, Some(9.8));
        assert_eq!(v3.severity.level, SeverityLevel::Critical);
        assert!(from_cvss(&[score("CVSS_V3", "nonsense")], "X-1").is_none());
        let ghsa = from_rating("MODERATE", "database_specific.severity", "X-1").expect("rated");
        assert_eq!(ghsa.severity.level, SeverityLevel::Medium);
        assert!(from_rating("whatever", "s", "X-1").is_none());
        assert_eq!(
            v3.clone().max(ghsa.clone()).severity.level,
            SeverityLevel::Critical
        );
    }
}
