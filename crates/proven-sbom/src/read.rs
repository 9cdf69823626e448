//! Reading SBOMs into the shared model: format detection, errors, and what both readers share.

use proven_model::{Component, Ecosystem, Hash, HashAlg, Inventory, Purl};
use sha2::{Digest, Sha256, Sha512};

use crate::{cyclonedx, spdx2};

/// Why bytes could not be read as an SBOM.
#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    /// The bytes are not JSON.
    #[error("{origin}:{line}:{column}: not valid JSON")]
    Json {
        origin: String,
        line: usize,
        column: usize,
        #[source]
        source: serde_json::Error,
    },
    /// JSON, but neither CycloneDX nor SPDX.
    #[error("{origin}: not an SBOM Proven reads: expected CycloneDX JSON (\"bomFormat\": \"CycloneDX\", \"specVersion\" 1.4 to 1.7) or SPDX 2.3 JSON (\"spdxVersion\": \"SPDX-2.3\"); {found}")]
    UnknownFormat { origin: String, found: String },
    /// A format we know, at a version we do not read.
    #[error("{origin}: {format} {version} is not supported; expected {expected}")]
    UnsupportedVersion {
        origin: String,
        format: &'static str,
        version: String,
        expected: &'static str,
    },
    /// The document does not have the shape its format requires.
    #[error("{origin}:{line}:{column}: not a valid {format} document")]
    Invalid {
        origin: String,
        format: String,
        line: usize,
        column: usize,
        #[source]
        source: serde_json::Error,
    },
}

/// The kind of document in some bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Detected {
    /// CycloneDX JSON with its minor version (4 to 7).
    CycloneDx(u8),
    Spdx23,
    /// SPDX 3 JSON-LD.
    Spdx3,
}

#[derive(serde::Deserialize)]
struct Probe {
    #[serde(rename = "bomFormat")]
    bom_format: Option<serde_json::Value>,
    #[serde(rename = "specVersion")]
    spec_version: Option<serde_json::Value>,
    #[serde(rename = "spdxVersion")]
    spdx_version: Option<serde_json::Value>,
    #[serde(rename = "@context")]
    context: Option<serde_json::Value>,
}

/// Detects the format from the content alone.
pub(crate) fn detect(bytes: &[u8], origin: &str) -> Result<Detected, SbomError> {
    let bytes = strip_bom(bytes);
    let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace());
    match first {
        Some(b'<') => {
            return Err(SbomError::UnknownFormat {
                origin: origin.into(),
                found: "this is XML (CycloneDX XML or SPDX RDF/XML); convert it to JSON first"
                    .into(),
            })
        }
        Some(b'{') => {}
        _ if bytes.starts_with(b"SPDXVersion:") || contains(bytes, b"\nSPDXVersion:") => {
            return Err(SbomError::UnknownFormat {
                origin: origin.into(),
                found: "this is SPDX tag-value; convert it to SPDX JSON first".into(),
            })
        }
        _ => {}
    }
    let probe: Probe = serde_json::from_slice(bytes).map_err(|e| json_error(origin, e))?;
    let text = |v: &Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
        None => None,
    };
    if let Some(fmt) = text(&probe.bom_format) {
        if fmt != "CycloneDX" {
            return Err(SbomError::UnknownFormat {
                origin: origin.into(),
                found: format!("found \"bomFormat\": {fmt:?}"),
            });
        }
        let version = text(&probe.spec_version).unwrap_or_default();
        let minor = match version.as_str() {
            "1.4" => 4,
            "1.5" => 5,
            "1.6" => 6,
            "1.7" => 7,
            _ => {
                return Err(SbomError::UnsupportedVersion {
                    origin: origin.into(),
                    format: "CycloneDX",
                    version: if version.is_empty() {
                        "(no specVersion)".into()
                    } else {
                        version
                    },
                    expected: "specVersion 1.4, 1.5, 1.6 or 1.7",
                })
            }
        };
        return Ok(Detected::CycloneDx(minor));
    }
    if let Some(v) = text(&probe.spdx_version) {
        return match v.as_str() {
            "SPDX-2.3" => Ok(Detected::Spdx23),
            _ => Err(SbomError::UnsupportedVersion {
                origin: origin.into(),
                format: "SPDX",
                version: v,
                expected:
                    "spdxVersion \"SPDX-2.3\" (older SPDX 2 documents: convert with pyspdxtools)",
            }),
        };
    }
    if let Some(ctx) = text(&probe.context) {
        if ctx.contains("spdx.org/rdf/3") {
            return Ok(Detected::Spdx3);
        }
    }
    Err(SbomError::UnknownFormat {
        origin: origin.into(),
        found: "the top-level object has neither \"bomFormat\" nor \"spdxVersion\"".into(),
    })
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Drops a UTF-8 byte-order mark, which some Windows tools write.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

pub(crate) fn json_error(origin: &str, e: serde_json::Error) -> SbomError {
    if e.is_syntax() || e.is_eof() || e.is_io() {
        SbomError::Json {
            origin: origin.into(),
            line: e.line(),
            column: e.column(),
            source: e,
        }
    } else {
        SbomError::UnknownFormat {
            origin: origin.into(),
            found: format!("the top level is not an object ({e})"),
        }
    }
}

pub(crate) fn shape_error(origin: &str, format: String, e: serde_json::Error) -> SbomError {
    SbomError::Invalid {
        origin: origin.into(),
        format,
        line: e.line(),
        column: e.column(),
        source: e,
    }
}

/// Reads a CycloneDX (1.4 to 1.7) or SPDX 2.3 JSON SBOM into an inventory. `origin` names the
/// file in errors, locations and the manifest record of the SBOM itself.
pub fn read(bytes: &[u8], origin: &str) -> Result<Inventory, SbomError> {
    match detect(bytes, origin)? {
        Detected::CycloneDx(minor) => cyclonedx::read::read(strip_bom(bytes), origin, minor),
        Detected::Spdx23 => spdx2::read::read(strip_bom(bytes), origin),
        Detected::Spdx3 => Err(SbomError::UnsupportedVersion {
            origin: origin.into(),
            format: "SPDX",
            version: "3".into(),
            expected: "SPDX 2.3 JSON or CycloneDX JSON (reading SPDX 3 is not implemented yet)",
        }),
    }
}

/// SHA-256 and SHA-512 of the SBOM file, as every manifest records.
pub(crate) fn file_hashes(bytes: &[u8]) -> Vec<Hash> {
    let mut v = vec![
        Hash::from_bytes(HashAlg::Sha256, &Sha256::digest(bytes)).expect("SHA-256 is 32 bytes"),
        Hash::from_bytes(HashAlg::Sha512, &Sha512::digest(bytes)).expect("SHA-512 is 64 bytes"),
    ];
    v.sort();
    v
}

/// Ecosystem of a purl, else `Generic`.
pub(crate) fn ecosystem_of(purl: Option<&Purl>) -> Ecosystem {
    purl.and_then(|p| Ecosystem::from_purl_type(p.ty(), p.namespace()))
        .unwrap_or(Ecosystem::Generic)
}

/// Makes ids unique in order of appearance: a repeated id gets `#2`, `#3`, ...
pub(crate) fn unique_id(taken: &mut std::collections::BTreeSet<String>, wanted: String) -> String {
    if taken.insert(wanted.clone()) {
        return wanted;
    }
    let mut n = 2;
    loop {
        let id = format!("{wanted}#{n}");
        if taken.insert(id.clone()) {
            return id;
        }
        n += 1;
    }
}

/// Several licences of one kind joined into one expression (every one applies).
pub(crate) fn join_licenses(parts: Vec<String>) -> Option<String> {
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next(),
        _ => Some(
            parts
                .iter()
                .map(|p| {
                    if p.contains(' ') {
                        format!("({p})")
                    } else {
                        p.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" AND "),
        ),
    }
}

/// Sorts components by id and keeps only edges between known ids.
pub(crate) fn finish(inv: &mut Inventory) {
    // Ids are unique (`unique_id`), so an unstable sort gives the one order, without a scratch
    // copy of every component.
    inv.components.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let known: std::collections::BTreeSet<String> =
        inv.components.iter().map(|c| c.id.clone()).collect();
    inv.dependencies.retain(|k, _| known.contains(k));
    for deps in inv.dependencies.values_mut() {
        deps.retain(|d| known.contains(d));
    }
    inv.manifests.sort_by(|a, b| a.path.cmp(&b.path));
    for m in &mut inv.manifests {
        m.components.retain(|c| known.contains(c));
        m.direct.retain(|c| known.contains(c));
        if m.root.as_ref().is_some_and(|r| !known.contains(r)) {
            m.root = None;
        }
    }
    inv.diagnostics.sort();
}

/// Component name and group from a display name and a purl: `@scope/name` or `group:artifact`
/// split the way the purl does.
pub(crate) fn split_name(display: &str, purl: Option<&Purl>) -> (Option<String>, String) {
    if let Some(ns) = purl.and_then(Purl::namespace) {
        for sep in ['/', ':'] {
            if let Some(rest) = display.strip_prefix(ns).and_then(|r| r.strip_prefix(sep)) {
                if !rest.is_empty() {
                    return (Some(ns.to_string()), rest.to_string());
                }
            }
        }
    }
    (None, display.to_string())
}

/// A bare component with defaults, for readers to fill in.
pub(crate) fn bare(id: String, name: String, purl: Option<Purl>) -> Component {
    Component {
        id,
        ecosystem: ecosystem_of(purl.as_ref()),
        kind: proven_model::ComponentKind::Library,
        group: None,
        name,
        version: None,
        requirement: None,
        purl,
        scope: proven_model::Scope::Required,
        licenses: proven_model::Licenses::default(),
        hashes: Vec::new(),
        author: None,
        source: None,
        locations: Vec::new(),
        properties: Default::default(),
    }
}
