//! Which version ordering evaluates a range: the one seam between the matcher and the orderings.

use crate::osv::RangeKind;

/// A version ordering of one ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Order(Stand);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Stand {
    Numeric,
}

/// A parsed version; compares under its ordering.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OrderedVersion(Vec<u64>, bool, String);

impl Order {
    /// The ordering of an ecosystem (base name, no release) for a range type; `None` when the
    /// ecosystem has no ordering we implement, or for GIT ranges.
    pub fn for_range(base_ecosystem: &str, kind: RangeKind) -> Option<Order> {
        let _ = base_ecosystem;
        match kind {
            RangeKind::Git => None,
            _ => Some(Order(Stand::Numeric)),
        }
    }

    /// The ordering used for `versions[]` and for the component's own version.
    pub fn for_ecosystem(base_ecosystem: &str) -> Option<Order> {
        Order::for_range(base_ecosystem, RangeKind::Ecosystem)
    }

    /// A short name for messages (`pep440`, `semver`, ...).
    pub fn name(self) -> &'static str {
        "numeric"
    }

    /// Parses a version; the error says what was expected.
    pub fn parse(self, s: &str) -> Result<OrderedVersion, String> {
        let (main, pre) = match s.split_once('-') {
            Some((m, p)) => (m, Some(p)),
            None => (s, None),
        };
        let nums: Result<Vec<u64>, _> = main.split('.').map(str::parse).collect();
        let nums = nums.map_err(|_| format!("invalid version {s:?}"))?;
        Ok(OrderedVersion(
            nums,
            pre.is_none(),
            pre.unwrap_or_default().to_string(),
        ))
    }
}
