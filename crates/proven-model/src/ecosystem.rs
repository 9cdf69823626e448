//! Package ecosystems, named as OSV names them, with their purl types.

use std::fmt;

/// A package ecosystem. Adding one is one variant here plus its parsers.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Ecosystem {
    #[serde(rename = "crates.io")]
    Cargo,
    #[serde(rename = "npm")]
    Npm,
    #[serde(rename = "PyPI")]
    PyPI,
    #[serde(rename = "Go")]
    Go,
    #[serde(rename = "RubyGems")]
    RubyGems,
    #[serde(rename = "Packagist")]
    Packagist,
    #[serde(rename = "NuGet")]
    NuGet,
    #[serde(rename = "Maven")]
    Maven,
    #[serde(rename = "Hex")]
    Hex,
    #[serde(rename = "Pub")]
    Pub,
    #[serde(rename = "ConanCenter")]
    Conan,
    #[serde(rename = "SwiftURL")]
    Swift,
    #[serde(rename = "Debian")]
    Debian,
    #[serde(rename = "Ubuntu")]
    Ubuntu,
    #[serde(rename = "Alpine")]
    Alpine,
    #[serde(rename = "Red Hat")]
    RedHat,
    /// A component whose ecosystem we cannot name (first-party code, a generic file).
    #[serde(rename = "generic")]
    Generic,
}

impl Ecosystem {
    /// Every ecosystem, in a stable order.
    pub const ALL: &'static [Ecosystem] = &[
        Ecosystem::Cargo,
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::Go,
        Ecosystem::RubyGems,
        Ecosystem::Packagist,
        Ecosystem::NuGet,
        Ecosystem::Maven,
        Ecosystem::Hex,
        Ecosystem::Pub,
        Ecosystem::Conan,
        Ecosystem::Swift,
        Ecosystem::Debian,
        Ecosystem::Ubuntu,
        Ecosystem::Alpine,
        Ecosystem::RedHat,
        Ecosystem::Generic,
    ];

    /// The ecosystem name OSV uses (`crates.io`, `PyPI`, ...).
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "crates.io",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Go => "Go",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::NuGet => "NuGet",
            Ecosystem::Maven => "Maven",
            Ecosystem::Hex => "Hex",
            Ecosystem::Pub => "Pub",
            Ecosystem::Conan => "ConanCenter",
            Ecosystem::Swift => "SwiftURL",
            Ecosystem::Debian => "Debian",
            Ecosystem::Ubuntu => "Ubuntu",
            Ecosystem::Alpine => "Alpine",
            Ecosystem::RedHat => "Red Hat",
            Ecosystem::Generic => "generic",
        }
    }

    /// The purl type for packages of this ecosystem.
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "pypi",
            Ecosystem::Go => "golang",
            Ecosystem::RubyGems => "gem",
            Ecosystem::Packagist => "composer",
            Ecosystem::NuGet => "nuget",
            Ecosystem::Maven => "maven",
            Ecosystem::Hex => "hex",
            Ecosystem::Pub => "pub",
            Ecosystem::Conan => "conan",
            Ecosystem::Swift => "swift",
            Ecosystem::Debian | Ecosystem::Ubuntu => "deb",
            Ecosystem::Alpine => "apk",
            Ecosystem::RedHat => "rpm",
            Ecosystem::Generic => "generic",
        }
    }

    /// The ecosystem of an OSV ecosystem name, ignoring any `:release` suffix.
    pub fn from_osv_name(name: &str) -> Option<Ecosystem> {
        let base = name.split(':').next().unwrap_or(name);
        Ecosystem::ALL
            .iter()
            .copied()
            .find(|e| e.osv_name() == base)
    }

    /// The ecosystem of a purl type; `deb` maps to Debian (the namespace tells Ubuntu apart).
    pub fn from_purl_type(ty: &str, namespace: Option<&str>) -> Option<Ecosystem> {
        match (ty, namespace) {
            ("deb", Some("ubuntu")) => Some(Ecosystem::Ubuntu),
            ("deb", _) => Some(Ecosystem::Debian),
            _ => Ecosystem::ALL
                .iter()
                .copied()
                .find(|e| e.purl_type() == ty && *e != Ecosystem::Ubuntu),
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &e in Ecosystem::ALL {
            assert_eq!(Ecosystem::from_osv_name(e.osv_name()), Some(e));
            let json = serde_json::to_string(&e).expect("serializes");
            assert_eq!(json, format!("\"{}\"", e.osv_name()));
        }
        assert_eq!(
            Ecosystem::from_osv_name("Debian:12"),
            Some(Ecosystem::Debian)
        );
        assert_eq!(
            Ecosystem::from_purl_type("deb", Some("ubuntu")),
            Some(Ecosystem::Ubuntu)
        );
        assert_eq!(
            Ecosystem::from_purl_type("golang", None),
            Some(Ecosystem::Go)
        );
    }
}
