//! Which version ordering evaluates a range: the one seam between the matcher and
//! `proven-version`.

use proven_version::{Scheme, Version};

use crate::osv::RangeKind;

/// A version ordering of one ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Order(Scheme);

/// A parsed version; compares under its ordering.
pub type OrderedVersion = Version;

impl Order {
    /// The ordering of an ecosystem (base name, no release) for a range type; `None` for GIT
    /// ranges and for ecosystems without an ordering.
    ///
    /// SEMVER ranges use SemVer 2.0 precedence whatever the ecosystem, as the OSV schema says,
    /// except in Go, whose module versions are SemVer with Go's own spelling (`v` prefix,
    /// `+incompatible`, pseudo-versions): there the Go ordering is the SemVer one.
    pub fn for_range(base_ecosystem: &str, kind: RangeKind) -> Option<Order> {
        let own = Scheme::for_osv_ecosystem(base_ecosystem);
        match kind {
            RangeKind::Git => None,
            RangeKind::Semver if own == Some(Scheme::Go) => Some(Order(Scheme::Go)),
            RangeKind::Semver => Some(Order(Scheme::SemVer)),
            RangeKind::Ecosystem => own.map(Order),
        }
    }

    /// The ecosystem's own ordering, for `versions[]` and for picking the highest fix.
    pub fn for_ecosystem(base_ecosystem: &str) -> Option<Order> {
        Scheme::for_osv_ecosystem(base_ecosystem).map(Order)
    }

    /// Parses a version; the error says what was expected.
    pub fn parse(self, s: &str) -> Result<OrderedVersion, String> {
        // OSV's Go records write module versions without Go's `v` prefix.
        if self.0 == Scheme::Go && !s.starts_with('v') {
            return self.0.parse(&format!("v{s}")).map_err(|e| e.to_string());
        }
        self.0.parse(s).map_err(|e| e.to_string())
    }
}
