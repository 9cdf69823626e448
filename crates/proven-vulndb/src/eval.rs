//! The OSV evaluation of one `affected[]` entry against one version
//! (<https://ossf.github.io/osv-schema/#evaluation>): `versions[]` united with every range.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::index::{CompiledRange, IndexEvent, PackageEntry};
use crate::order::{Order, OrderedVersion};
use crate::osv::EventKind;

/// Why an entry affects a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// `versions[] lists 1.0.1`, or `ranges[0] SEMVER: introduced 1.0.0, fixed 1.2.3`.
    pub why: String,
    /// The `fixed` event that closes the interval holding the version, if any.
    pub fix: Option<String>,
    /// Every `fixed` event of the range that hit.
    pub fixed: Vec<String>,
}

/// The result of evaluating one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Affected(Vec<Hit>),
    NotAffected,
    /// Nothing hit, and part of the entry could not be evaluated: the version is not known clean.
    Unknown {
        /// The component's version does not parse under an ordering the entry needs.
        version: Option<String>,
        /// Parts of the entry that cannot be evaluated whatever the version.
        entry: Vec<String>,
    },
}

/// The component's version parsed once per ordering, and a searcher for it in `versions[]`.
#[derive(Debug)]
pub struct VersionCache<'a> {
    version: &'a str,
    /// `None` for a version that no line can equal (empty, or spanning lines).
    finder: Option<memchr::memmem::Finder<'a>>,
    /// A component meets one or two orderings: a list beats a hash map.
    parsed: Vec<(Order, Result<OrderedVersion, String>)>,
}

impl<'a> VersionCache<'a> {
    /// A cache for one version string.
    pub fn new(version: &'a str) -> Self {
        VersionCache {
            version,
            finder: (!version.is_empty() && !version.contains('\n'))
                .then(|| memchr::memmem::Finder::new(version)),
            parsed: Vec::new(),
        }
    }

    /// The version under an ordering, or why it does not parse.
    pub fn get(&mut self, order: Order) -> Result<&OrderedVersion, &String> {
        let at = match self.parsed.iter().position(|(o, _)| *o == order) {
            Some(at) => at,
            None => {
                self.parsed.push((order, order.parse(self.version)));
                self.parsed.len() - 1
            }
        };
        self.parsed[at].1.as_ref()
    }

    /// Whether a line-joined list holds the version as one of its lines. A substring search:
    /// the lists of some packages run to hundreds of versions, and most lines are not this one.
    fn listed_in(&self, list: &str) -> bool {
        let bytes = list.as_bytes();
        self.finder.as_ref().is_some_and(|f| {
            f.find_iter(bytes).any(|at| {
                let before = at.checked_sub(1).and_then(|i| bytes.get(i));
                let after = bytes.get(at + f.needle().len());
                before.is_none_or(|&b| b == b'\n') && after.is_none_or(|&b| b == b'\n')
            })
        })
    }
}

/// Evaluates an entry for the version in `cache`; `base` is the entry's ecosystem without release.
pub fn evaluate(base: &str, entry: &PackageEntry<'_>, cache: &mut VersionCache<'_>) -> Outcome {
    let mut hits = Vec::new();
    let mut version_error = None;
    let mut entry_problems = Vec::new();
    let v = cache.version;

    if cache.listed_in(&entry.raw_versions) || cache.listed_in(&entry.versions) {
        hits.push(listed(v));
    } else if !entry.versions.is_empty() {
        match Order::for_ecosystem(base) {
            Some(order) => match cache.get(order) {
                Ok(parsed) => {
                    if let Some(x) = find_listed(order, &entry.versions, parsed) {
                        hits.push(listed(x));
                    }
                }
                Err(e) => version_error = Some(e.clone()),
            },
            None => entry_problems.push(format!("versions[]: no version ordering for {base}")),
        }
    }

    for (i, range) in entry.ranges.iter().enumerate() {
        match range {
            // A GIT range needs the commit graph; it neither matches a version string nor stops
            // the evaluation of the other ranges.
            CompiledRange::Git { .. } => {}
            CompiledRange::Unevaluable { kind, reason } => {
                entry_problems.push(format!("ranges[{i}] {}: {reason}", kind.as_str()));
            }
            CompiledRange::Ordered {
                kind,
                events,
                limits,
                unlimited,
            } => {
                let Some(order) = Order::for_range(base, *kind) else {
                    entry_problems.push(format!(
                        "ranges[{i}] {}: no version ordering for {base}",
                        kind.as_str()
                    ));
                    continue;
                };
                let parsed = match cache.get(order) {
                    Ok(p) => p.clone(),
                    Err(e) => {
                        version_error = Some(e.clone());
                        continue;
                    }
                };
                match in_range(order, events, limits, *unlimited, &parsed) {
                    Ok(Some(mut hit)) => {
                        hit.why = format!("ranges[{i}] {}: {}", kind.as_str(), hit.why);
                        hits.push(hit);
                    }
                    Ok(None) => {}
                    Err(e) => entry_problems.push(format!("ranges[{i}] {}: {e}", kind.as_str())),
                }
            }
        }
    }

    if !hits.is_empty() {
        Outcome::Affected(hits)
    } else if version_error.is_some() || !entry_problems.is_empty() {
        Outcome::Unknown {
            version: version_error,
            entry: entry_problems,
        }
    } else {
        Outcome::NotAffected
    }
}

fn listed(v: &str) -> Hit {
    Hit {
        why: format!("versions[] lists {v}"),
        fix: None,
        fixed: Vec::new(),
    }
}

/// Binary search over `versions[]`, sorted by the ordering when the index was built and joined
/// with line breaks: each probe lands on a byte and widens to the line around it.
fn find_listed<'e>(order: Order, versions: &'e str, v: &OrderedVersion) -> Option<&'e str> {
    let bytes = versions.as_bytes();
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[lo..mid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(lo, |p| lo + p + 1);
        let end = bytes[mid..hi]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(hi, |p| mid + p);
        let line = &versions[start..end];
        // Every entry parsed when the index was built; one that no longer does ends the search.
        let x = order.parse(line).ok()?;
        match x.cmp(v) {
            Ordering::Less => lo = end + 1,
            Ordering::Greater => hi = start.saturating_sub(1).max(lo),
            Ordering::Equal => return Some(line),
        }
    }
    None
}

/// One range, as the OSV pseudocode: limits first, then the events in sorted order.
fn in_range(
    order: Order,
    events: &[IndexEvent<'_>],
    limits: &[Cow<'_, str>],
    unlimited: bool,
    v: &OrderedVersion,
) -> Result<Option<Hit>, String> {
    if !unlimited {
        let mut before_a_limit = false;
        for l in limits {
            if *v < order.parse(l)? {
                before_a_limit = true;
                break;
            }
        }
        if !before_a_limit {
            return Ok(None);
        }
    }
    let mut affected = false;
    let mut opened_by: Option<usize> = None;
    let mut fired = vec![false; events.len()];
    for (i, e) in events.iter().enumerate() {
        let fires = if e.kind == EventKind::Introduced && e.version == "0" {
            true
        } else {
            let x = order.parse(&e.version)?;
            if *v < x {
                // Sorted: this event and every later one lie above the version; none fires.
                break;
            }
            match e.kind {
                EventKind::Introduced | EventKind::Fixed => true,
                EventKind::LastAffected => *v > x,
                EventKind::Limit => false,
            }
        };
        fired[i] = fires;
        if !fires {
            continue;
        }
        match e.kind {
            EventKind::Introduced => {
                if !affected {
                    opened_by = Some(i);
                }
                affected = true;
            }
            EventKind::Fixed | EventKind::LastAffected => {
                affected = false;
                opened_by = None;
            }
            EventKind::Limit => {}
        }
    }
    if !affected {
        return Ok(None);
    }
    let start = opened_by.unwrap_or(0);
    let mut why = format!("introduced {}", events[start].version);
    let close = events
        .iter()
        .enumerate()
        .skip(start + 1)
        .find(|(i, e)| matches!(e.kind, EventKind::Fixed | EventKind::LastAffected) && !fired[*i])
        .map(|(_, e)| e);
    let mut fix = None;
    match close {
        Some(e) => {
            why.push_str(&format!(", {} {}", e.kind.as_str(), e.version));
            if e.kind == EventKind::Fixed {
                fix = Some(e.version.to_string());
            }
        }
        None => why.push_str(", no fix"),
    }
    if !limits.is_empty() {
        why.push_str(&format!(", limit {}", limits.join(" | ")));
    }
    let fixed = events
        .iter()
        .filter(|e| e.kind == EventKind::Fixed)
        .map(|e| e.version.to_string())
        .collect();
    Ok(Some(Hit { why, fix, fixed }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pep440() -> Order {
        Order::for_ecosystem("PyPI").expect("PyPI has an ordering")
    }

    #[test]
    fn binary_search_over_joined_versions() {
        let o = pep440();
        let list = "0.9\n1.0\n1.0.post1\n1.1rc1\n1.1\n2.0";
        for (v, found) in [
            ("1.0.0", Some("1.0")),
            ("0.9", Some("0.9")),
            ("2.0", Some("2.0")),
            ("1.1rc1", Some("1.1rc1")),
            ("1.0.post1", Some("1.0.post1")),
            ("1.05", None),
            ("0.1", None),
            ("3", None),
        ] {
            let parsed = o.parse(v).expect("valid");
            assert_eq!(find_listed(o, list, &parsed), found, "{v}");
        }
        let one = o.parse("1").expect("valid");
        assert_eq!(find_listed(o, "1.0", &one), Some("1.0"));
        assert_eq!(find_listed(o, "2.0", &one), None);
    }

    #[test]
    fn listed_means_a_whole_line() {
        let list = "1.0\n1.0.1\n2.0rc1";
        for (v, want) in [
            ("1.0", true),
            ("1.0.1", true),
            ("2.0rc1", true),
            ("0", false),
            ("1", false),
            (".0", false),
            ("0.1", false),
            ("2.0", false),
            ("1.0\n1.0.1", false),
            ("", false),
        ] {
            assert_eq!(VersionCache::new(v).listed_in(list), want, "{v:?}");
        }
        assert!(!VersionCache::new("1.0").listed_in(""));
    }

    #[test]
    fn equal_versions_keep_the_record_order() {
        let o = pep440();
        let ev = |kind, v: &'static str| IndexEvent {
            kind,
            version: Cow::Borrowed(v),
        };
        let v = o.parse("1.0").expect("valid");
        // Introduced and fixed at the same version: an empty interval.
        let empty = [
            ev(EventKind::Introduced, "1.0"),
            ev(EventKind::Fixed, "1.0"),
        ];
        assert_eq!(in_range(o, &empty, &[], true, &v), Ok(None));
        // Fixed, then re-introduced at the same version: affected again from there.
        let again = [
            ev(EventKind::Introduced, "0"),
            ev(EventKind::Fixed, "1.0"),
            ev(EventKind::Introduced, "1.0"),
        ];
        let hit = in_range(o, &again, &[], true, &v)
            .expect("evaluates")
            .expect("hit");
        assert_eq!(hit.why, "introduced 1.0, no fix");
        // last_affected is inclusive, and a later event at the same version still applies.
        let last = [
            ev(EventKind::Introduced, "0"),
            ev(EventKind::LastAffected, "1.0"),
        ];
        let hit = in_range(o, &last, &[], true, &v)
            .expect("evaluates")
            .expect("hit");
        assert_eq!(hit.why, "introduced 0, last_affected 1.0");
        assert_eq!(hit.fix, None);
    }
}
