//! OSV records: the wire format, and the checked form the index is built from.
//!
//! Checking follows the OSV JSON schema where it matters for evaluation (an `id`, a `modified`
//! time, a package per affected entry, a known range type, events with exactly one kind, at least
//! one `introduced`, never `fixed` and `last_affected` in one range). Timestamps with a numeric
//! offset (`+00:00`) are accepted although the schema asks for `Z`: the PyPA export writes them.

use serde::Deserialize;
use serde_json::Value;

use proven_model::date::Timestamp;

/// Why a record was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("not an OSV record: {0}")]
    Json(String),
    #[error("missing `{0}`")]
    Missing(&'static str),
    #[error("`modified` is not an RFC 3339 time: {0:?}")]
    BadTime(String),
    #[error("affected[{affected}].ranges[{range}]: {problem}")]
    BadRange {
        affected: usize,
        range: usize,
        problem: String,
    },
    #[error("affected[{affected}].package: missing `{field}`")]
    BadPackage {
        affected: usize,
        field: &'static str,
    },
}

#[derive(Deserialize)]
struct RawRecord {
    id: Option<String>,
    modified: Option<String>,
    published: Option<String>,
    withdrawn: Option<String>,
    aliases: Option<Vec<String>>,
    summary: Option<String>,
    details: Option<String>,
    severity: Option<Vec<RawSeverity>>,
    affected: Option<Vec<RawAffected>>,
    references: Option<Vec<RawReference>>,
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct RawReference {
    url: Option<String>,
}

#[derive(Deserialize)]
struct RawAffected {
    package: Option<RawPackage>,
    severity: Option<Vec<RawSeverity>>,
    ranges: Option<Vec<RawRange>>,
    versions: Option<Vec<String>>,
    ecosystem_specific: Option<Value>,
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct RawPackage {
    ecosystem: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: Option<String>,
    repo: Option<String>,
    events: Option<Vec<RawEvent>>,
}

#[derive(Deserialize)]
struct RawEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

/// A checked OSV record, reduced to what matching and reporting use.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: String,
    pub modified: Timestamp,
    pub published: Option<String>,
    pub withdrawn: bool,
    pub aliases: Vec<String>,
    /// The summary, or the first line of the details when there is none.
    pub title: String,
    pub severity: Vec<Score>,
    /// GHSA's qualitative rating (`database_specific.severity`).
    pub rating: Option<String>,
    pub cwe: Vec<String>,
    pub references: Vec<String>,
    pub affected: Vec<Affected>,
}

/// A `severity[]` entry: type (`CVSS_V3`, ...) and score (the vector).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Score {
    pub kind: String,
    pub vector: String,
}

/// One `affected[]` entry that names a package.
#[derive(Debug, Clone, PartialEq)]
pub struct Affected {
    /// Position in the record's `affected[]`, for explanations.
    pub index: usize,
    /// The ecosystem as written, with any `:release` suffix.
    pub ecosystem: String,
    pub name: String,
    pub versions: Vec<String>,
    pub ranges: Vec<Range>,
    pub severity: Vec<Score>,
    /// `ecosystem_specific.severity` or `database_specific.severity` of this entry.
    pub rating: Option<String>,
    /// RustSec's `database_specific.informational` (`unmaintained`, `unsound`, `notice`).
    pub informational: Option<String>,
}

/// A range type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RangeKind {
    Semver,
    Ecosystem,
    Git,
}

impl RangeKind {
    /// The name OSV uses.
    pub fn as_str(self) -> &'static str {
        match self {
            RangeKind::Semver => "SEMVER",
            RangeKind::Ecosystem => "ECOSYSTEM",
            RangeKind::Git => "GIT",
        }
    }
}

/// A range as written (events in record order).
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub kind: RangeKind,
    pub repo: Option<String>,
    pub events: Vec<Event>,
}

/// What an event says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

impl EventKind {
    /// The OSV field name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Introduced => "introduced",
            EventKind::Fixed => "fixed",
            EventKind::LastAffected => "last_affected",
            EventKind::Limit => "limit",
        }
    }
}

/// One event of a range.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    pub kind: EventKind,
    pub version: String,
}

/// Parses and checks one record.
pub fn parse_record(bytes: &[u8]) -> Result<Record, RecordError> {
    let raw: RawRecord =
        serde_json::from_slice(bytes).map_err(|e| RecordError::Json(e.to_string()))?;
    let id = raw
        .id
        .filter(|s| !s.is_empty())
        .ok_or(RecordError::Missing("id"))?;
    let modified_raw = raw.modified.ok_or(RecordError::Missing("modified"))?;
    let modified = Timestamp::parse(&modified_raw)
        .ok_or_else(|| RecordError::BadTime(modified_raw.clone()))?;

    let mut affected = Vec::new();
    for (index, a) in raw.affected.unwrap_or_default().into_iter().enumerate() {
        let ranges = check_ranges(index, a.ranges.unwrap_or_default())?;
        // An entry without a package (allowed by the schema) cannot match a package.
        let Some(package) = a.package else {
            continue;
        };
        let ecosystem =
            package
                .ecosystem
                .filter(|s| !s.is_empty())
                .ok_or(RecordError::BadPackage {
                    affected: index,
                    field: "ecosystem",
                })?;
        let name = package
            .name
            .filter(|s| !s.is_empty())
            .ok_or(RecordError::BadPackage {
                affected: index,
                field: "name",
            })?;
        let text = |v: &Option<Value>, key: &str| -> Option<String> {
            v.as_ref()?.get(key)?.as_str().map(str::to_string)
        };
        affected.push(Affected {
            index,
            ecosystem,
            name,
            versions: a.versions.unwrap_or_default(),
            ranges,
            severity: scores(a.severity),
            rating: text(&a.ecosystem_specific, "severity")
                .or_else(|| text(&a.database_specific, "severity")),
            informational: text(&a.database_specific, "informational"),
        });
    }

    let db = raw.database_specific.as_ref();
    let rating = db
        .and_then(|d| d.get("severity"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let cwe = db
        .and_then(|d| d.get("cwe_ids"))
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();

    let mut aliases = raw.aliases.unwrap_or_default();
    aliases.retain(|a| !a.is_empty() && *a != id);
    aliases.sort();
    aliases.dedup();

    let mut references: Vec<String> = raw
        .references
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| r.url)
        .collect();
    references.dedup();

    Ok(Record {
        title: title(raw.summary.as_deref(), raw.details.as_deref(), &id),
        id,
        modified,
        published: raw.published,
        withdrawn: raw.withdrawn.is_some(),
        aliases,
        severity: scores(raw.severity),
        rating,
        cwe,
        references,
        affected,
    })
}

fn scores(raw: Option<Vec<RawSeverity>>) -> Vec<Score> {
    raw.unwrap_or_default()
        .into_iter()
        .map(|s| Score {
            kind: s.kind,
            vector: s.score,
        })
        .collect()
}

fn check_ranges(affected: usize, raw: Vec<RawRange>) -> Result<Vec<Range>, RecordError> {
    let mut out = Vec::with_capacity(raw.len());
    for (range, r) in raw.into_iter().enumerate() {
        let bad = |problem: String| RecordError::BadRange {
            affected,
            range,
            problem,
        };
        let kind = match r.kind.as_deref() {
            Some("SEMVER") => RangeKind::Semver,
            Some("ECOSYSTEM") => RangeKind::Ecosystem,
            Some("GIT") => RangeKind::Git,
            Some(other) => return Err(bad(format!("unknown range type {other:?}"))),
            None => return Err(bad("missing `type`".into())),
        };
        if kind == RangeKind::Git && r.repo.is_none() {
            return Err(bad("a GIT range needs `repo`".into()));
        }
        let raw_events = r.events.unwrap_or_default();
        if raw_events.is_empty() {
            return Err(bad("no events".into()));
        }
        let mut events = Vec::with_capacity(raw_events.len());
        for (i, e) in raw_events.into_iter().enumerate() {
            let present = [
                (EventKind::Introduced, e.introduced),
                (EventKind::Fixed, e.fixed),
                (EventKind::LastAffected, e.last_affected),
                (EventKind::Limit, e.limit),
            ];
            let mut found = present.into_iter().filter_map(|(k, v)| Some((k, v?)));
            match (found.next(), found.next()) {
                (Some((kind, version)), None) => events.push(Event { kind, version }),
                (None, _) => return Err(bad(format!("event {i} has no version"))),
                (Some(_), Some(_)) => {
                    return Err(bad(format!("event {i} has more than one kind")));
                }
            }
        }
        let has = |k: EventKind| events.iter().any(|e| e.kind == k);
        if !has(EventKind::Introduced) {
            return Err(bad("no `introduced` event".into()));
        }
        if has(EventKind::Fixed) && has(EventKind::LastAffected) {
            return Err(bad("both `fixed` and `last_affected` events".into()));
        }
        out.push(Range {
            kind,
            repo: r.repo,
            events,
        });
    }
    Ok(out)
}

/// A one-line title: the summary, else the first non-empty line of the details.
fn title(summary: Option<&str>, details: Option<&str>, id: &str) -> String {
    const MAX: usize = 160;
    let line = summary
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or_else(|| {
            details?
                .lines()
                .map(|l| l.trim().trim_start_matches('#').trim())
                .find(|l| !l.is_empty())
        })
        .unwrap_or(id);
    if line.chars().count() <= MAX {
        return line.to_string();
    }
    let mut cut: String = line.chars().take(MAX - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Record, RecordError> {
        parse_record(json.as_bytes())
    }

    #[test]
    fn accepts_a_minimal_record() {
        let r = parse(
            r#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-1","X-1"],
            "details":"\n# Heading\nmore",
            "affected":[{"package":{"ecosystem":"PyPI","name":"a"},
              "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0"}]}]}]}"#,
        )
        .expect("valid");
        assert_eq!(r.aliases, ["CVE-1"]);
        assert_eq!(r.title, "Heading");
        assert_eq!(r.affected[0].ranges[0].events.len(), 2);
    }

    #[test]
    fn rejects_what_the_schema_rejects() {
        let missing = parse(r#"{"id":"X-1"}"#).expect_err("no modified");
        assert_eq!(missing, RecordError::Missing("modified"));
        let two = parse(
            r#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"a"},
              "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}]}"#,
        )
        .expect_err("two kinds in one event");
        assert!(two.to_string().contains("more than one kind"), "{two}");
        let mixed = parse(
            r#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"a"},
              "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1"},{"last_affected":"2"}]}]}]}"#,
        )
        .expect_err("fixed and last_affected");
        assert!(mixed.to_string().contains("both"), "{mixed}");
        let no_intro = parse(
            r#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"a"},
              "ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"1"}]}]}]}"#,
        )
        .expect_err("no introduced");
        assert!(no_intro.to_string().contains("introduced"), "{no_intro}");
    }

    #[test]
    fn long_titles_are_cut() {
        let long = "x".repeat(400);
        let t = title(Some(&long), None, "id");
        assert_eq!(t.chars().count(), 160);
        assert!(t.ends_with('…'));
    }
}
