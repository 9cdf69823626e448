//! SPDX 2.3 JSON reader.
//!
//! Packages become components (id: the purl when it names a version, else the SPDXID);
//! `DEPENDS_ON`, `CONTAINS` and the `*_DEPENDENCY_OF` relationships become edges, and the kind of
//! relationship by which a package is reached sets its scope (dev only when every edge into it is a
//! dev or test one). The document is recorded as the manifest, its `DESCRIBES` target as the root.
//! Packages that are `METAFILE_OF` another (manifests) are not components.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use proven_model::{
    Completeness, ComponentKind, Diagnostic, Ecosystem, Hash, HashAlg, Inventory, Location,
    Manifest, Purl, Scope,
};

use crate::read::{self, SbomError};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    #[serde(default)]
    packages: Vec<Package>,
    #[serde(default)]
    relationships: Vec<Relationship>,
    #[serde(default)]
    document_describes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    #[serde(rename = "SPDXID")]
    spdxid: String,
    name: String,
    version_info: Option<String>,
    originator: Option<String>,
    download_location: Option<String>,
    #[serde(default)]
    checksums: Vec<Checksum>,
    license_concluded: Option<String>,
    license_declared: Option<String>,
    #[serde(default)]
    external_refs: Vec<ExternalRef>,
    primary_package_purpose: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Checksum {
    algorithm: String,
    checksum_value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_type: String,
    reference_locator: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: String,
    related_spdx_element: String,
}

/// `Organization: Name (mail)` / `Person: ...` → `Name <mail>`.
fn actor(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() || t == "NOASSERTION" {
        return None;
    }
    let rest = t
        .strip_prefix("Organization:")
        .or_else(|| t.strip_prefix("Person:"))
        .or_else(|| t.strip_prefix("Tool:"))
        .unwrap_or(t)
        .trim();
    match (rest.rfind('('), rest.ends_with(')')) {
        (Some(open), true) => {
            let name = rest[..open].trim();
            let mail = rest[open + 1..rest.len() - 1].trim();
            if mail.is_empty() {
                Some(name.to_string())
            } else if name.is_empty() {
                Some(format!("<{mail}>"))
            } else {
                Some(format!("{name} <{mail}>"))
            }
        }
        _ => Some(rest.to_string()),
    }
}

fn license(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty() && *t != "NOASSERTION" && *t != "NONE")
        .map(str::to_string)
}

fn kind(purpose: Option<&str>) -> ComponentKind {
    match purpose {
        Some("APPLICATION") | Some("DEVICE") | Some("FIRMWARE") => ComponentKind::Application,
        Some("FRAMEWORK") => ComponentKind::Framework,
        Some("CONTAINER") => ComponentKind::Container,
        Some("OPERATING-SYSTEM") => ComponentKind::OperatingSystem,
        Some("FILE") | Some("ARCHIVE") | Some("SOURCE") => ComponentKind::File,
        _ => ComponentKind::Library,
    }
}

/// How an edge makes its target needed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum EdgeKind {
    Required,
    Optional,
    Dev,
}

pub(crate) fn read(bytes: &[u8], origin: &str) -> Result<Inventory, SbomError> {
    let doc: Document = serde_json::from_slice(bytes)
        .map_err(|e| read::shape_error(origin, "SPDX 2.3".into(), e))?;
    let mut diagnostics = Vec::new();
    let metafiles: BTreeSet<&str> = doc
        .relationships
        .iter()
        .filter(|r| r.relationship_type == "METAFILE_OF")
        .map(|r| r.spdx_element_id.as_str())
        .collect();

    let mut taken = BTreeSet::new();
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut components = Vec::with_capacity(doc.packages.len());
    for (i, p) in doc.packages.iter().enumerate() {
        if metafiles.contains(p.spdxid.as_str()) {
            continue;
        }
        let purl = p
            .external_refs
            .iter()
            .find(|r| r.reference_type == "purl")
            .and_then(|r| match r.reference_locator.parse::<Purl>() {
                Ok(p) => Some(p),
                Err(e) => {
                    diagnostics.push(Diagnostic::warning(
                        Location::file(origin),
                        format!("packages[{i}]: purl {:?} ignored: {e}", r.reference_locator),
                    ));
                    None
                }
            });
        let version = p.version_info.clone().filter(|v| !v.is_empty());
        let wanted = match (&purl, &version) {
            (Some(purl), Some(_)) if !taken.contains(&purl.to_string()) => purl.to_string(),
            _ => p.spdxid.clone(),
        };
        let id = read::unique_id(&mut taken, wanted);
        if ids.insert(&p.spdxid, id.clone()).is_some() {
            diagnostics.push(Diagnostic::warning(
                Location::file(origin),
                format!("packages[{i}]: SPDXID {:?} is used twice", p.spdxid),
            ));
        }
        let (group, name) = read::split_name(&p.name, purl.as_ref());
        let mut c = read::bare(id, name, purl);
        c.group = group;
        c.version = version;
        c.kind = kind(p.primary_package_purpose.as_deref());
        c.author = p.originator.as_deref().and_then(actor);
        c.licenses.declared = license(p.license_declared.as_deref());
        c.licenses.concluded = license(p.license_concluded.as_deref());
        c.source = p
            .download_location
            .clone()
            .filter(|d| d != "NOASSERTION" && d != "NONE" && !d.is_empty());
        for ck in &p.checksums {
            match HashAlg::parse(&ck.algorithm).and_then(|a| Hash::from_hex(a, &ck.checksum_value))
            {
                Some(h) => c.add_hash(h),
                None => diagnostics.push(Diagnostic::warning(
                    Location::file(origin),
                    format!(
                        "packages[{i}]: checksum {} {:?} ignored: not an algorithm Proven records, or not a hex digest of its length",
                        ck.algorithm, ck.checksum_value
                    ),
                )),
            }
        }
        c.locations.push(Location::file(origin));
        components.push(c);
    }

    let mut dependencies: BTreeMap<String, BTreeSet<String>> = components
        .iter()
        .map(|c| (c.id.clone(), BTreeSet::new()))
        .collect();
    let mut incoming: BTreeMap<String, BTreeSet<EdgeKind>> = BTreeMap::new();
    let mut roots: Vec<String> = Vec::new();
    let mut unknown_deps = 0usize;
    for (i, r) in doc.relationships.iter().enumerate() {
        let a = r.spdx_element_id.as_str();
        let b = r.related_spdx_element.as_str();
        let (from, to, kind) = match r.relationship_type.as_str() {
            "DESCRIBES" if a == "SPDXRef-DOCUMENT" => {
                roots.extend(ids.get(b).cloned());
                continue;
            }
            "DESCRIBED_BY" if b == "SPDXRef-DOCUMENT" => {
                roots.extend(ids.get(a).cloned());
                continue;
            }
            "DEPENDS_ON" | "CONTAINS" | "STATIC_LINK" | "DYNAMIC_LINK" => {
                (a, b, EdgeKind::Required)
            }
            "DEPENDENCY_OF"
            | "CONTAINED_BY"
            | "RUNTIME_DEPENDENCY_OF"
            | "BUILD_DEPENDENCY_OF"
            | "PROVIDED_DEPENDENCY_OF" => (b, a, EdgeKind::Required),
            "OPTIONAL_DEPENDENCY_OF" => (b, a, EdgeKind::Optional),
            "DEV_DEPENDENCY_OF" | "TEST_DEPENDENCY_OF" => (b, a, EdgeKind::Dev),
            _ => continue,
        };
        if to == "NOASSERTION" {
            unknown_deps += 1;
            continue;
        }
        if to == "NONE" {
            continue;
        }
        match (ids.get(from), ids.get(to)) {
            (Some(f), Some(t)) => {
                dependencies.entry(f.clone()).or_default().insert(t.clone());
                incoming.entry(t.clone()).or_default().insert(kind);
            }
            _ => {
                if !metafiles.contains(from) && !metafiles.contains(to) {
                    diagnostics.push(Diagnostic::warning(
                        Location::file(origin),
                        format!(
                            "relationships[{i}]: {a} {} {b} names an element that is not a package",
                            r.relationship_type
                        ),
                    ));
                }
            }
        }
    }
    if roots.is_empty() {
        roots.extend(
            doc.document_describes
                .iter()
                .filter_map(|d| ids.get(d.as_str()).cloned()),
        );
    }
    for c in &mut components {
        // The scope that ships wins: required over optional over dev.
        c.scope = match incoming.get(&c.id).and_then(|k| k.iter().next()) {
            Some(EdgeKind::Optional) => Scope::Optional,
            Some(EdgeKind::Dev) => Scope::Dev,
            _ => Scope::Required,
        };
    }
    roots.sort();
    roots.dedup();
    let root = (roots.len() == 1).then(|| roots[0].clone());
    let direct = match &root {
        Some(r) => dependencies.get(r).cloned().unwrap_or_default(),
        None => roots.iter().cloned().collect(),
    };
    let completeness = if unknown_deps == 0 {
        Completeness::Complete
    } else {
        Completeness::Incomplete(format!(
            "the SBOM says the dependencies of {unknown_deps} packages are not known (NOASSERTION)"
        ))
    };
    let manifest = Manifest {
        path: origin.to_string(),
        format: "SPDX 2.3".into(),
        ecosystem: Ecosystem::Generic,
        completeness,
        hashes: read::file_hashes(bytes),
        size: bytes.len() as u64,
        root,
        direct,
        components: components.iter().map(|c| c.id.clone()).collect(),
    };
    let mut inv = Inventory {
        components,
        dependencies,
        manifests: vec![manifest],
        diagnostics,
    };
    read::finish(&mut inv);
    Ok(inv)
}
