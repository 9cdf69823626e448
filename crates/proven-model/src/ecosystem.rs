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
    #[serde(rename = "Rocky Linux")]
    RockyLinux,
    #[serde(rename = "AlmaLinux")]
    AlmaLinux,
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
        Ecosystem::RockyLinux,
        Ecosystem::AlmaLinux,
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
            Ecosystem::RockyLinux => "Rocky Linux",
            Ecosystem::AlmaLinux => "AlmaLinux",
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
            Ecosystem::RedHat | Ecosystem::RockyLinux | Ecosystem::AlmaLinux => "rpm",
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

    /// The ecosystem of a purl type; `deb` maps to Debian and `rpm` to Red Hat unless the
    /// namespace names Ubuntu, Rocky Linux or AlmaLinux.
    pub fn from_purl_type(ty: &str, namespace: Option<&str>) -> Option<Ecosystem> {
        match (ty, namespace) {
            ("deb", Some("ubuntu")) => Some(Ecosystem::Ubuntu),
            ("deb", _) => Some(Ecosystem::Debian),
            ("rpm", Some("rocky" | "rocky-linux")) => Some(Ecosystem::RockyLinux),
            ("rpm", Some("almalinux")) => Some(Ecosystem::AlmaLinux),
            ("rpm", _) => Some(Ecosystem::RedHat),
            _ => Ecosystem::ALL.iter().copied().find(|e| e.purl_type() == ty),
        }
    }

    /// Whether this is an operating system distribution, whose OSV records are per release.
    pub fn is_distro(self) -> bool {
        matches!(
            self,
            Ecosystem::Debian
                | Ecosystem::Ubuntu
                | Ecosystem::Alpine
                | Ecosystem::RedHat
                | Ecosystem::RockyLinux
                | Ecosystem::AlmaLinux
        )
    }

    /// The OSV release of a distribution version as `/etc/os-release` `VERSION_ID` or a purl
    /// `distro` qualifier writes it: Debian `12.5` → `12`, Ubuntu `22.04` → `22.04:LTS` (the
    /// even years' April releases are the LTS ones), Alpine `3.20.1` → `v3.20`, Rocky Linux and
    /// AlmaLinux `9.4` → `9`. `None` where OSV's release names cannot be derived from the version:
    /// Red Hat's are product streams (`enterprise_linux:9::appstream`) the package database does
    /// not record, and language ecosystems have none.
    pub fn osv_release(self, version: &str) -> Option<String> {
        let mut parts = version.split('.');
        let major = parts.next().filter(|m| !m.is_empty())?;
        let minor = parts.next();
        Some(match self {
            Ecosystem::Debian | Ecosystem::RockyLinux | Ecosystem::AlmaLinux => major.to_string(),
            Ecosystem::Alpine => match minor {
                Some(minor) => format!("v{major}.{minor}"),
                None => format!("v{major}"),
            },
            Ecosystem::Ubuntu => {
                let Some(minor) = minor else {
                    return Some(version.to_string());
                };
                let lts = minor == "04" && major.parse::<u32>().is_ok_and(|y| y % 2 == 0);
                if lts {
                    format!("{major}.{minor}:LTS")
                } else {
                    format!("{major}.{minor}")
                }
            }
            _ => return None,
        })
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
        assert_eq!(
            Ecosystem::from_purl_type("rpm", Some("rocky")),
            Some(Ecosystem::RockyLinux)
        );
        assert_eq!(
            Ecosystem::from_purl_type("rpm", Some("fedora")),
            Some(Ecosystem::RedHat)
        );
    }

    #[test]
    fn osv_releases() {
        assert_eq!(Ecosystem::Debian.osv_release("12.5").as_deref(), Some("12"));
        assert_eq!(Ecosystem::Debian.osv_release("12").as_deref(), Some("12"));
        assert_eq!(
            Ecosystem::Ubuntu.osv_release("22.04").as_deref(),
            Some("22.04:LTS")
        );
        assert_eq!(
            Ecosystem::Ubuntu.osv_release("23.10").as_deref(),
            Some("23.10")
        );
        assert_eq!(
            Ecosystem::Alpine.osv_release("3.20.3").as_deref(),
            Some("v3.20")
        );
        assert_eq!(
            Ecosystem::RockyLinux.osv_release("9.4").as_deref(),
            Some("9")
        );
        assert_eq!(Ecosystem::RedHat.osv_release("9.4"), None);
        assert_eq!(Ecosystem::Debian.osv_release(""), None);
        assert_eq!(Ecosystem::Npm.osv_release("1.0"), None);
    }
}
