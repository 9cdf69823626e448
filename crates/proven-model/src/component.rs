//! Third-party and first-party components found by the inventory.

use std::collections::BTreeMap;
use std::fmt;

use crate::{Ecosystem, Location, Purl};

/// One package at one version. `id` is unique within an [`crate::Inventory`] and is used as the
/// SBOM reference (bom-ref / SPDXID).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Component {
    pub id: String,
    pub ecosystem: Ecosystem,
    pub kind: ComponentKind,
    /// Namespace part of the name where the ecosystem has one (npm scope, Maven groupId).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub name: String,
    /// `None` when the manifest does not pin a version (a range in requirements.txt, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The requirement as written, when no exact version is known (`>=2,<3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<Purl>,
    pub scope: Scope,
    #[serde(default, skip_serializing_if = "Licenses::is_empty")]
    pub licenses: Licenses,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<Hash>,
    /// Who made the component (BSI "component creator"), where the manifest says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Where it is fetched from: registry index, tarball URL, git URL with revision, or a path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Every place the component was declared, sorted.
    pub locations: Vec<Location>,
    /// Extra facts, sorted by name (`proven:...` names are ours).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

impl Component {
    /// A library component with the purl derived from ecosystem, group, name and version.
    pub fn new(
        ecosystem: Ecosystem,
        group: Option<&str>,
        name: &str,
        version: Option<&str>,
        location: Location,
    ) -> Self {
        let purl = Purl::new(ecosystem.purl_type(), group, name, version);
        Component {
            id: String::new(),
            ecosystem,
            kind: ComponentKind::Library,
            group: group.map(str::to_string),
            name: name.to_string(),
            version: version.map(str::to_string),
            requirement: None,
            purl: Some(purl),
            scope: Scope::Required,
            licenses: Licenses::default(),
            hashes: Vec::new(),
            author: None,
            source: None,
            locations: vec![location],
            properties: BTreeMap::new(),
        }
    }

    /// Name with its group, as people write it (`@babel/core`, `org.slf4j:slf4j-api`).
    pub fn full_name(&self) -> String {
        match (&self.group, self.ecosystem) {
            (Some(g), Ecosystem::Maven) => format!("{g}:{}", self.name),
            (Some(g), _) => format!("{g}/{}", self.name),
            (None, _) => self.name.clone(),
        }
    }

    /// Adds a hash unless the same algorithm and value is already there.
    pub fn add_hash(&mut self, hash: Hash) {
        if !self.hashes.contains(&hash) {
            self.hashes.push(hash);
            self.hashes.sort();
        }
    }
}

/// What sort of thing a component is (the CycloneDX component type).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    Library,
    Application,
    Framework,
    OperatingSystem,
    File,
    /// A container image.
    Container,
}

/// Whether a component is needed at run time.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Required,
    Optional,
    /// Development, test or build only: not shipped.
    Dev,
}

impl Scope {
    /// The scope of a component reached through both scopes: the one that ships wins.
    pub fn strongest(self, other: Scope) -> Scope {
        self.min(other)
    }
}

/// Licences as declared by the package and as concluded by an analysis (BSI TR-03183-2 §5.2.3).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Licenses {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concluded: Option<String>,
}

impl Licenses {
    /// True when neither is known.
    pub fn is_empty(&self) -> bool {
        self.declared.is_none() && self.concluded.is_none()
    }
}

/// A digest algorithm.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum HashAlg {
    #[serde(rename = "MD5")]
    Md5,
    #[serde(rename = "SHA-1")]
    Sha1,
    #[serde(rename = "SHA-256")]
    Sha256,
    #[serde(rename = "SHA-384")]
    Sha384,
    #[serde(rename = "SHA-512")]
    Sha512,
}

impl HashAlg {
    /// The CycloneDX name (`SHA-256`).
    pub fn cyclonedx_name(self) -> &'static str {
        match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        }
    }

    /// The SPDX name (`SHA256`).
    pub fn spdx_name(self) -> &'static str {
        match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA1",
            HashAlg::Sha256 => "SHA256",
            HashAlg::Sha384 => "SHA384",
            HashAlg::Sha512 => "SHA512",
        }
    }

    /// Digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            HashAlg::Md5 => 16,
            HashAlg::Sha1 => 20,
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    /// Parses `sha256`, `SHA-256`, `sha-256`, `SHA256` and the like.
    pub fn parse(name: &str) -> Option<HashAlg> {
        let n: String = name
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        match n.as_str() {
            "md5" => Some(HashAlg::Md5),
            "sha1" => Some(HashAlg::Sha1),
            "sha256" => Some(HashAlg::Sha256),
            "sha384" => Some(HashAlg::Sha384),
            "sha512" => Some(HashAlg::Sha512),
            _ => None,
        }
    }
}

/// A digest of a component's artefact, value in lowercase hex.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Hash {
    pub alg: HashAlg,
    pub value: String,
}

impl Hash {
    /// A hash from a hex digest; `None` unless the length fits the algorithm.
    pub fn from_hex(alg: HashAlg, hex: &str) -> Option<Hash> {
        // Folded without an early exit: no branch per digit to mispredict on random hex.
        let ok = hex.len() == alg.digest_len() * 2
            && hex.bytes().fold(true, |ok, b| ok & b.is_ascii_hexdigit());
        ok.then(|| Hash {
            alg,
            value: hex.to_ascii_lowercase(),
        })
    }

    /// A hash from `alg:hex` or `alg=hex` (pip `--hash=sha256:…`, poetry, uv).
    pub fn from_prefixed_hex(s: &str) -> Option<Hash> {
        let (alg, hex) = s.split_once([':', '='])?;
        Hash::from_hex(HashAlg::parse(alg)?, hex.trim())
    }

    /// A hash from a Subresource Integrity string (`sha512-<base64>`, npm `integrity`).
    pub fn from_sri(s: &str) -> Option<Hash> {
        let (alg, b64) = s.split_once('-')?;
        let alg = HashAlg::parse(alg)?;
        let bytes = crate::encoding::base64_decode(b64.trim())?;
        (bytes.len() == alg.digest_len()).then(|| Hash {
            alg,
            value: crate::encoding::hex(&bytes),
        })
    }

    /// A hash from raw digest bytes.
    pub fn from_bytes(alg: HashAlg, bytes: &[u8]) -> Option<Hash> {
        (bytes.len() == alg.digest_len()).then(|| Hash {
            alg,
            value: crate::encoding::hex(bytes),
        })
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}",
            self.alg.spdx_name().to_ascii_lowercase(),
            self.value
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sri_to_hex() {
        // sha1 of the empty string, base64 and hex.
        let h = Hash::from_sri("sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=").expect("valid sri");
        assert_eq!(h.alg, HashAlg::Sha1);
        assert_eq!(h.value, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert!(Hash::from_sri("sha512-abc").is_none(), "wrong length");
        assert!(Hash::from_sri("md4-2jmj7l5rSw0yVb/vlWAYkK/YBwk=").is_none());
    }

    #[test]
    fn prefixed_hex() {
        let hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let h = Hash::from_prefixed_hex(&format!("sha256:{hex}")).expect("valid");
        assert_eq!(h.alg, HashAlg::Sha256);
        assert_eq!(h.value, hex);
        assert!(Hash::from_prefixed_hex("sha256:abcd").is_none());
    }

    #[test]
    fn scope_strongest() {
        assert_eq!(Scope::Dev.strongest(Scope::Required), Scope::Required);
        assert_eq!(Scope::Dev.strongest(Scope::Optional), Scope::Optional);
    }
}
