//! SPDX 2.3 JSON writer.
//!
//! Layout: `SPDXRef-DOCUMENT DESCRIBES` the product package, which `DEPENDS_ON` its direct
//! dependencies; each edge becomes `DEPENDS_ON`, or `DEV_DEPENDENCY_OF` / `OPTIONAL_DEPENDENCY_OF`
//! (pointing the other way) when the dependency is dev-only or optional. Completeness is stated the
//! SPDX 2 way: components of an incomplete manifest `DEPENDS_ON NOASSERTION`, components of a
//! complete one with no dependencies `DEPENDS_ON NONE`. Each manifest read is a package of purpose
//! `FILE` that is `METAFILE_OF` the product, with its SHA-256 and SHA-512.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use proven_model::{Component, ComponentKind, Hash, Inventory, Scope};

use crate::license;
use crate::util::{self, Contact};
use crate::view::{self, ProductView};
use crate::SbomMeta;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdxid: &'static str,
    name: &'a str,
    document_namespace: String,
    creation_info: CreationInfo,
    packages: Vec<Package<'a>>,
    relationships: Vec<Relationship>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    has_extracted_licensing_infos: Vec<ExtractedLicense>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
    license_list_version: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Package<'a> {
    #[serde(rename = "SPDXID")]
    spdxid: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_info: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    package_file_name: Option<String>,
    supplier: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    originator: Option<String>,
    download_location: String,
    files_analyzed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checksums: Vec<Checksum<'a>>,
    license_concluded: String,
    license_declared: String,
    copyright_text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef>,
    primary_package_purpose: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Checksum<'a> {
    algorithm: &'static str,
    checksum_value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtractedLicense {
    license_id: String,
    extracted_text: String,
    name: String,
    comment: &'static str,
}

/// Characters an SPDX id may hold besides the prefix: letters, digits, `.` and `-`.
pub(crate) fn sanitise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn short_hash(s: &str) -> String {
    util::hex(&Sha256::digest(s.as_bytes())[..4])
}

/// Hands out unique `SPDXRef-` ids in call order.
#[derive(Default)]
struct Ids {
    used: BTreeSet<String>,
}

impl Ids {
    fn take(&mut self, kind: &str, key: &str) -> String {
        let base = format!("SPDXRef-{kind}-{}", sanitise(key));
        let mut id = base.clone();
        if !self.used.insert(id.clone()) {
            id = format!("{base}-{}", short_hash(key));
            let mut n = 2;
            while !self.used.insert(id.clone()) {
                id = format!("{base}-{}-{n}", short_hash(key));
                n += 1;
            }
        }
        id
    }
}

/// `LicenseRef-` ids used in the document, each with one text.
#[derive(Default)]
struct LicenseRefs {
    texts: BTreeMap<String, String>,
}

impl LicenseRefs {
    /// The SPDX expression to write for a licence string, or `NOASSERTION`.
    fn expression(&mut self, text: Option<&str>) -> String {
        let Some(text) = meaningful(text) else {
            return "NOASSERTION".into();
        };
        let l = license::normalise(text);
        let mut expression = l.expression;
        for (id, original) in l.refs {
            match self.texts.get(&id) {
                None => {
                    self.texts.insert(id, original);
                }
                Some(t) if *t == original => {}
                Some(_) => {
                    let unique = format!("{id}-{}", short_hash(&original));
                    expression = replace_id(&expression, &id, &unique);
                    self.texts.insert(unique, original);
                }
            }
        }
        expression
    }

    fn extracted(self) -> Vec<ExtractedLicense> {
        self.texts
            .into_iter()
            .map(|(id, text)| {
                let extracted_text = if text == id {
                    format!("The licence text is not available; the package declares {id}.")
                } else {
                    text.clone()
                };
                ExtractedLicense {
                    license_id: id,
                    extracted_text,
                    name: text,
                    comment: "Licence as written by the package; not an SPDX licence list id.",
                }
            })
            .collect()
    }
}

/// `None` for a missing, empty or `NOASSERTION` licence.
pub(crate) fn meaningful(text: Option<&str>) -> Option<&str> {
    text.map(str::trim)
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("NOASSERTION"))
}

/// Replaces a whole id token in an expression.
fn replace_id(expression: &str, id: &str, with: &str) -> String {
    expression
        .split(' ')
        .map(|tok| {
            let core = tok.trim_matches(|c| c == '(' || c == ')');
            if core == id {
                tok.replacen(id, with, 1)
            } else {
                tok.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn actor(text: &str) -> String {
    let c = Contact::parse(text);
    let name = c.name.clone().or(c.url.clone()).or(c.email.clone());
    match (name, c.email) {
        (Some(n), Some(e)) => format!("Organization: {n} ({e})"),
        (Some(n), None) => format!("Organization: {n}"),
        (None, _) => "NOASSERTION".into(),
    }
}

fn purpose(k: ComponentKind) -> &'static str {
    match k {
        ComponentKind::Library => "LIBRARY",
        ComponentKind::Application => "APPLICATION",
        ComponentKind::Framework => "FRAMEWORK",
        ComponentKind::OperatingSystem => "OPERATING-SYSTEM",
        ComponentKind::File => "FILE",
        ComponentKind::Container => "CONTAINER",
    }
}

fn checksums(hs: &[Hash]) -> Vec<Checksum<'_>> {
    hs.iter()
        .map(|h| Checksum {
            algorithm: h.alg.spdx_name(),
            checksum_value: &h.value,
        })
        .collect()
}

/// `downloadLocation`: the deployable file's URL, a git URL with its revision, or NOASSERTION.
fn download_location(c: &Component) -> String {
    if let Some(url) = view::deployable(c).and_then(|d| d.url) {
        return url;
    }
    match c.source.as_deref() {
        Some(s) if s.starts_with("git+") => {
            let (url, rev) = s.split_once('#').unwrap_or((s, ""));
            let base = url.split('?').next().unwrap_or(url);
            if rev.is_empty() {
                base.to_string()
            } else {
                format!("{base}@{rev}")
            }
        }
        Some(s) if util::is_url(s) && s != "https://crates.io" => s.to_string(),
        _ => "NOASSERTION".into(),
    }
}

fn package<'a>(c: &'a Component, spdxid: String, licenses: &mut LicenseRefs) -> Package<'a> {
    let mut comment = Vec::new();
    if c.version.is_none() {
        if let Some(req) = &c.requirement {
            comment.push(format!("Version not pinned; requirement: {req}."));
        }
    }
    if c.scope == Scope::Dev {
        comment.push("Development, test or build dependency: not shipped.".to_string());
    }
    Package {
        spdxid,
        name: c.full_name(),
        version_info: c.version.as_deref(),
        package_file_name: view::deployable(c).map(|d| d.filename),
        supplier: "NOASSERTION",
        originator: c
            .author
            .as_deref()
            .map(actor)
            .filter(|a| a != "NOASSERTION"),
        download_location: download_location(c),
        files_analyzed: false,
        checksums: checksums(&c.hashes),
        license_concluded: licenses.expression(c.licenses.concluded.as_deref()),
        license_declared: licenses.expression(c.licenses.declared.as_deref()),
        copyright_text: "NOASSERTION",
        comment: (!comment.is_empty()).then(|| comment.join(" ")),
        external_refs: c
            .purl
            .iter()
            .map(|p| ExternalRef {
                reference_category: "PACKAGE-MANAGER",
                reference_type: "purl",
                reference_locator: p.to_string(),
            })
            .collect(),
        primary_package_purpose: purpose(c.kind),
    }
}

/// The relationship for an edge `from → to`, given the scope of `to`.
fn edge(from: &str, to: &str, scope: Scope) -> Relationship {
    let (a, ty, b) = match scope {
        Scope::Required => (from, "DEPENDS_ON", to),
        Scope::Optional => (to, "OPTIONAL_DEPENDENCY_OF", from),
        Scope::Dev => (to, "DEV_DEPENDENCY_OF", from),
    };
    Relationship {
        spdx_element_id: a.to_string(),
        relationship_type: ty,
        related_spdx_element: b.to_string(),
    }
}

/// The document namespace: unique per content, a valid URI whatever the product is called.
pub(crate) fn namespace(name: &str, uuid: &str) -> String {
    let name = sanitise(name);
    let name = if name.is_empty() { "sbom" } else { &name };
    format!("https://proven.dev/spdx/{name}-{uuid}")
}

pub(crate) fn write(inventory: &Inventory, meta: &SbomMeta, uuid: &str) -> String {
    let product = ProductView::new(inventory, meta);
    let mut ids = Ids::default();
    let mut licenses = LicenseRefs::default();

    let product_id = ids.take("product", &product.name);
    let spdx_of: BTreeMap<&str, String> = inventory
        .components
        .iter()
        .map(|c| (c.id.as_str(), ids.take("Package", &c.id)))
        .collect();

    let mut packages = Vec::with_capacity(inventory.components.len() + 1);
    packages.push(Package {
        spdxid: product_id.clone(),
        name: product.name.clone(),
        version_info: product.version.as_deref(),
        package_file_name: None,
        supplier: "NOASSERTION",
        originator: product
            .manufacturer
            .as_deref()
            .map(actor)
            .filter(|a| a != "NOASSERTION"),
        download_location: "NOASSERTION".into(),
        files_analyzed: false,
        checksums: Vec::new(),
        license_concluded: "NOASSERTION".into(),
        license_declared: licenses.expression(product.license.as_deref()),
        copyright_text: "NOASSERTION",
        comment: None,
        external_refs: product
            .purl
            .iter()
            .map(|p| ExternalRef {
                reference_category: "PACKAGE-MANAGER",
                reference_type: "purl",
                reference_locator: p.to_string(),
            })
            .collect(),
        primary_package_purpose: purpose(product.kind),
    });
    for c in &inventory.components {
        packages.push(package(c, spdx_of[c.id.as_str()].clone(), &mut licenses));
    }

    let mut relationships = vec![Relationship {
        spdx_element_id: "SPDXRef-DOCUMENT".into(),
        relationship_type: "DESCRIBES",
        related_spdx_element: product_id.clone(),
    }];
    let scope_of = |id: &str| inventory.component(id).map_or(Scope::Required, |c| c.scope);
    for dep in &product.depends_on {
        relationships.push(edge(&product_id, &spdx_of[dep.as_str()], scope_of(dep)));
    }
    let incomplete: BTreeSet<&str> = inventory
        .manifests
        .iter()
        .filter(|m| !m.completeness.is_complete())
        .flat_map(|m| m.components.iter().map(String::as_str))
        .collect();
    let listed: BTreeSet<&str> = inventory
        .manifests
        .iter()
        .flat_map(|m| m.components.iter().map(String::as_str))
        .collect();
    for (id, deps) in view::edges(inventory) {
        let from = &spdx_of[id];
        for d in &deps {
            relationships.push(edge(from, &spdx_of[d], scope_of(d)));
        }
        let marker = if incomplete.contains(id) {
            Some("NOASSERTION")
        } else if deps.is_empty() && listed.contains(id) {
            Some("NONE")
        } else {
            None
        };
        if let Some(m) = marker {
            relationships.push(Relationship {
                spdx_element_id: from.clone(),
                relationship_type: "DEPENDS_ON",
                related_spdx_element: m.into(),
            });
        }
    }
    for m in &inventory.manifests {
        let id = ids.take("manifest", &m.path);
        let completeness = match &m.completeness {
            proven_model::Completeness::Complete => "complete".to_string(),
            proven_model::Completeness::Incomplete(why) => format!("incomplete: {why}"),
        };
        packages.push(Package {
            spdxid: id.clone(),
            name: m.path.clone(),
            version_info: None,
            package_file_name: Some(m.path.clone()),
            supplier: "NOASSERTION",
            originator: None,
            download_location: "NOASSERTION".into(),
            files_analyzed: false,
            checksums: checksums(&m.hashes),
            license_concluded: "NOASSERTION".into(),
            license_declared: "NOASSERTION".into(),
            copyright_text: "NOASSERTION",
            comment: Some(format!(
                "Manifest read to make this SBOM: {} ({}), {} bytes, {completeness}.",
                m.format, m.ecosystem, m.size
            )),
            external_refs: Vec::new(),
            primary_package_purpose: "FILE",
        });
        relationships.push(Relationship {
            spdx_element_id: id,
            relationship_type: "METAFILE_OF",
            related_spdx_element: product_id.clone(),
        });
    }

    let mut creators = vec![format!("Tool: {}-{}", meta.tool_name, meta.tool_version)];
    if !meta.creator.trim().is_empty() {
        creators.push(actor(&meta.creator));
    }
    let doc = Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdxid: "SPDXRef-DOCUMENT",
        name: &product.name,
        document_namespace: namespace(&product.name, uuid),
        creation_info: CreationInfo {
            created: proven_model::date::rfc3339(meta.timestamp),
            creators,
            // SPDX 2 wants `major.minor`.
            license_list_version: license::LIST_VERSION
                .rsplit_once('.')
                .map_or(license::LIST_VERSION, |(mm, _)| mm)
                .to_string(),
        },
        packages,
        relationships,
        has_extracted_licensing_infos: licenses.extracted(),
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("the SPDX model always serializes");
    out.push('\n');
    out
}
