//! CycloneDX 1.4 to 1.7 JSON reader.
//!
//! Every component (nested ones too) becomes a model component whose id is its `bom-ref` (else
//! its purl, else `name@version`); `dependencies` become the graph. The SBOM file itself is
//! recorded as the manifest, with `metadata.component` as its root, unless the SBOM was written
//! by Proven: then the manifests recorded in its `formulation` are restored and the product,
//! which Proven made up, is left out.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use proven_model::{
    Completeness, Component, ComponentKind, Diagnostic, Ecosystem, Hash, HashAlg, Inventory,
    Location, Manifest, Purl, Scope,
};

use super::write::{prop, COMPOSITION_REF};
use crate::read::{self, SbomError};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    components: Vec<Comp>,
    #[serde(default)]
    dependencies: Vec<Dependency>,
    #[serde(default)]
    compositions: Vec<Composition>,
    #[serde(default)]
    formulation: Vec<Formula>,
}

#[derive(Deserialize)]
struct Metadata {
    component: Option<Comp>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comp {
    #[serde(rename = "type", default)]
    ty: String,
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    name: String,
    version: Option<String>,
    purl: Option<String>,
    scope: Option<String>,
    #[serde(default)]
    hashes: Vec<HashIn>,
    #[serde(default)]
    licenses: Vec<LicenseChoice>,
    author: Option<String>,
    #[serde(default)]
    authors: Vec<ContactIn>,
    manufacturer: Option<OrgIn>,
    #[serde(default)]
    external_references: Vec<ExternalRef>,
    #[serde(default)]
    properties: Vec<PropertyIn>,
    evidence: Option<Evidence>,
    #[serde(default)]
    components: Vec<Comp>,
}

#[derive(Deserialize)]
struct HashIn {
    alg: String,
    content: String,
}

#[derive(Deserialize)]
struct LicenseChoice {
    license: Option<LicenseIn>,
    expression: Option<String>,
    acknowledgement: Option<String>,
}

#[derive(Deserialize)]
struct LicenseIn {
    id: Option<String>,
    name: Option<String>,
    acknowledgement: Option<String>,
}

#[derive(Deserialize)]
struct ContactIn {
    name: Option<String>,
    email: Option<String>,
}

#[derive(Deserialize)]
struct OrgIn {
    name: Option<String>,
    #[serde(default)]
    url: Vec<String>,
    #[serde(default)]
    contact: Vec<ContactIn>,
}

#[derive(Deserialize)]
struct ExternalRef {
    #[serde(rename = "type")]
    ty: String,
    url: String,
}

#[derive(Deserialize)]
struct PropertyIn {
    name: String,
    #[serde(default)]
    value: Option<String>,
}

#[derive(Deserialize)]
struct Evidence {
    #[serde(default)]
    occurrences: Vec<Occurrence>,
}

#[derive(Deserialize)]
struct Occurrence {
    location: String,
    line: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(default)]
    depends_on: Vec<String>,
}

#[derive(Deserialize)]
struct Composition {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    aggregate: String,
    #[serde(default)]
    assemblies: Vec<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

#[derive(Deserialize)]
struct Formula {
    #[serde(default)]
    components: Vec<Comp>,
}

fn prop_values<'a>(c: &'a Comp, name: &str) -> impl Iterator<Item = &'a str> + 'a {
    let name = name.to_string();
    c.properties
        .iter()
        .filter(move |p| p.name == name)
        .filter_map(|p| p.value.as_deref())
}

fn prop_value<'a>(c: &'a Comp, name: &str) -> Option<&'a str> {
    prop_values(c, name).next()
}

fn author(c: &Comp) -> Option<String> {
    let from_parts = |name: Option<&str>, email: Option<&str>, url: Option<&str>| {
        let mut s = name.unwrap_or_default().to_string();
        if let Some(e) = email {
            s = format!("{s} <{e}>");
        }
        if let Some(u) = url {
            s = format!("{s} ({u})");
        }
        let s = s.trim().to_string();
        (!s.is_empty()).then_some(s)
    };
    if let Some(m) = &c.manufacturer {
        let contact = m.contact.first();
        let name = m
            .name
            .as_deref()
            .or(contact.and_then(|c| c.name.as_deref()));
        if let Some(a) = from_parts(
            name,
            contact.and_then(|c| c.email.as_deref()),
            m.url.first().map(String::as_str),
        ) {
            return Some(a);
        }
    }
    if let Some(a) = c.authors.first() {
        if let Some(a) = from_parts(a.name.as_deref(), a.email.as_deref(), None) {
            return Some(a);
        }
    }
    c.author.clone().filter(|a| !a.trim().is_empty())
}

fn kind(ty: &str) -> ComponentKind {
    match ty {
        "application" | "platform" | "device" | "firmware" | "device-driver" => {
            ComponentKind::Application
        }
        "framework" => ComponentKind::Framework,
        "container" => ComponentKind::Container,
        "operating-system" => ComponentKind::OperatingSystem,
        "file" | "data" | "machine-learning-model" | "cryptographic-asset" => ComponentKind::File,
        _ => ComponentKind::Library,
    }
}

/// Property names the writer derives again, so they are not kept as free properties.
const DERIVED: &[&str] = &[prop::REQUIREMENT, prop::ECOSYSTEM, prop::DECLARED_LICENSE];

struct Reader<'a> {
    origin: &'a str,
    taken: BTreeSet<String>,
    /// bom-ref → component id.
    refs: BTreeMap<String, String>,
    diagnostics: Vec<Diagnostic>,
    components: Vec<Component>,
}

impl Reader<'_> {
    fn component(&mut self, c: &Comp, path: &str) -> String {
        let purl = c.purl.as_deref().and_then(|p| match p.parse::<Purl>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.diagnostics.push(Diagnostic::warning(
                    Location::file(self.origin),
                    format!("{path}: purl {p:?} ignored: {e}"),
                ));
                None
            }
        });
        let version = c.version.clone().filter(|v| !v.is_empty());
        let wanted = c
            .bom_ref
            .clone()
            .filter(|r| !r.is_empty())
            .or_else(|| purl.as_ref().map(ToString::to_string))
            .unwrap_or_else(|| format!("{}@{}", c.name, version.as_deref().unwrap_or("")));
        let id = read::unique_id(&mut self.taken, wanted);
        if let Some(r) = &c.bom_ref {
            if self.refs.insert(r.clone(), id.clone()).is_some() {
                self.diagnostics.push(Diagnostic::warning(
                    Location::file(self.origin),
                    format!("{path}: bom-ref {r:?} is used twice; the second is read as {id:?}"),
                ));
            }
        }
        let mut m = read::bare(id.clone(), c.name.clone(), purl);
        if m.purl.is_none() {
            if let Some(e) = prop_value(c, prop::ECOSYSTEM).and_then(Ecosystem::from_osv_name) {
                m.ecosystem = e;
            }
        }
        m.kind = kind(&c.ty);
        m.group = c.group.clone().filter(|g| !g.is_empty());
        m.version = version;
        if m.version.is_none() {
            m.requirement = prop_value(c, prop::REQUIREMENT).map(str::to_string);
        }
        m.scope = match c.scope.as_deref() {
            Some("optional") => Scope::Optional,
            Some("excluded") => Scope::Dev,
            _ => Scope::Required,
        };
        for h in &c.hashes {
            match HashAlg::parse(&h.alg).and_then(|a| Hash::from_hex(a, &h.content)) {
                Some(hash) => m.add_hash(hash),
                None => self.diagnostics.push(Diagnostic::warning(
                    Location::file(self.origin),
                    format!(
                        "{path}: hash {} {:?} ignored: not an algorithm Proven records, or not a hex digest of its length",
                        h.alg, h.content
                    ),
                )),
            }
        }
        let mut declared = Vec::new();
        let mut concluded = Vec::new();
        for l in &c.licenses {
            let (text, ack) = match (&l.expression, &l.license) {
                (Some(e), _) => (Some(e.clone()), l.acknowledgement.as_deref()),
                (None, Some(li)) => (
                    li.id.clone().or(li.name.clone()),
                    li.acknowledgement.as_deref(),
                ),
                (None, None) => (None, None),
            };
            if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
                // Without an acknowledgement (CycloneDX before 1.6) a licence is the declared one.
                if ack == Some("concluded") {
                    concluded.push(t);
                } else {
                    declared.push(t);
                }
            }
        }
        if declared.is_empty() {
            declared.extend(prop_value(c, prop::DECLARED_LICENSE).map(str::to_string));
        }
        m.licenses.declared = read::join_licenses(declared);
        m.licenses.concluded = read::join_licenses(concluded);
        m.author = author(c);
        m.source = c
            .external_references
            .iter()
            .find(|r| r.ty == "distribution")
            .map(|r| r.url.clone())
            .or_else(|| {
                c.external_references
                    .iter()
                    .find(|r| r.ty == "vcs")
                    .map(|r| format!("git+{}", r.url))
            });
        m.locations = c
            .evidence
            .iter()
            .flat_map(|e| &e.occurrences)
            .map(|o| Location {
                path: o.location.clone(),
                line: o.line,
                column: None,
            })
            .collect();
        if m.locations.is_empty() {
            m.locations.push(Location::file(self.origin));
        }
        m.locations.sort();
        m.locations.dedup();
        for p in &c.properties {
            if !DERIVED.contains(&p.name.as_str()) {
                m.properties
                    .insert(p.name.clone(), p.value.clone().unwrap_or_default());
            }
        }
        self.components.push(m);
        for (i, child) in c.components.iter().enumerate() {
            self.component(child, &format!("{path}.components[{i}]"));
        }
        id
    }
}

/// The manifests Proven recorded in `formulation`, if this SBOM was written by Proven.
fn proven_manifests(bom: &Bom, refs: &BTreeMap<String, String>) -> Option<Vec<Manifest>> {
    let files: Vec<&Comp> = bom
        .formulation
        .iter()
        .flat_map(|f| &f.components)
        .filter(|c| prop_value(c, prop::MANIFEST_FORMAT).is_some())
        .collect();
    if files.is_empty() {
        return None;
    }
    let id = |r: &str| refs.get(r).cloned().unwrap_or_else(|| r.to_string());
    let manifests = files
        .into_iter()
        .map(|f| {
            let path = f.name.clone();
            let composition = bom
                .compositions
                .iter()
                .find(|c| c.bom_ref.as_deref() == Some(&format!("{COMPOSITION_REF}{path}")));
            let completeness = match prop_value(f, prop::COMPLETENESS) {
                Some("incomplete") => Completeness::Incomplete(
                    prop_value(f, prop::INCOMPLETE_REASON)
                        .unwrap_or("the SBOM says so")
                        .to_string(),
                ),
                _ => Completeness::Complete,
            };
            Manifest {
                path,
                format: prop_value(f, prop::MANIFEST_FORMAT)
                    .unwrap_or_default()
                    .to_string(),
                ecosystem: prop_value(f, prop::ECOSYSTEM)
                    .and_then(Ecosystem::from_osv_name)
                    .unwrap_or(Ecosystem::Generic),
                completeness,
                hashes: {
                    let mut hs: Vec<Hash> = f
                        .hashes
                        .iter()
                        .filter_map(|h| Hash::from_hex(HashAlg::parse(&h.alg)?, &h.content))
                        .collect();
                    hs.sort();
                    hs
                },
                size: prop_value(f, prop::SIZE)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0),
                root: prop_value(f, prop::ROOT).map(id),
                direct: prop_values(f, prop::DIRECT).map(id).collect(),
                components: composition
                    .map(|c| c.dependencies.iter().map(|r| id(r)).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    Some(manifests)
}

pub(crate) fn read(bytes: &[u8], origin: &str, minor: u8) -> Result<Inventory, SbomError> {
    let bom: Bom = serde_json::from_slice(bytes)
        .map_err(|e| read::shape_error(origin, format!("CycloneDX 1.{minor}"), e))?;
    let mut r = Reader {
        origin,
        taken: BTreeSet::new(),
        refs: BTreeMap::new(),
        diagnostics: Vec::new(),
        components: Vec::with_capacity(bom.components.len() + 1),
    };
    for (i, c) in bom.components.iter().enumerate() {
        r.component(c, &format!("components[{i}]"));
    }
    let restored = proven_manifests(&bom, &r.refs);
    let product = match (
        &restored,
        bom.metadata.as_ref().and_then(|m| m.component.as_ref()),
    ) {
        (None, Some(p)) if !p.name.is_empty() => Some(r.component(p, "metadata.component")),
        _ => None,
    };

    let mut dependencies: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in &r.components {
        dependencies.entry(c.id.clone()).or_default();
    }
    for d in &bom.dependencies {
        let Some(from) = r.refs.get(&d.reference).cloned() else {
            if restored.is_none() || !d.reference.starts_with("product:") {
                r.diagnostics.push(Diagnostic::warning(
                    Location::file(origin),
                    format!("dependencies: ref {:?} names no component", d.reference),
                ));
            }
            continue;
        };
        for to in &d.depends_on {
            match r.refs.get(to) {
                Some(to) => {
                    dependencies
                        .entry(from.clone())
                        .or_default()
                        .insert(to.clone());
                }
                None => r.diagnostics.push(Diagnostic::warning(
                    Location::file(origin),
                    format!(
                        "dependencies: {:?} depends on {to:?}, which names no component",
                        d.reference
                    ),
                )),
            }
        }
    }

    let manifests = match restored {
        Some(ms) => ms,
        None => {
            let incomplete: Vec<&Composition> = bom
                .compositions
                .iter()
                .filter(|c| c.aggregate.starts_with("incomplete"))
                .collect();
            let completeness = if incomplete.is_empty() {
                Completeness::Complete
            } else {
                let n: usize = incomplete
                    .iter()
                    .map(|c| c.assemblies.len() + c.dependencies.len())
                    .sum();
                Completeness::Incomplete(format!(
                    "the SBOM says the inventory of {n} of its components is incomplete"
                ))
            };
            let direct = product
                .as_ref()
                .and_then(|p| dependencies.get(p).cloned())
                .unwrap_or_default();
            vec![Manifest {
                path: origin.to_string(),
                format: format!("CycloneDX 1.{minor}"),
                ecosystem: Ecosystem::Generic,
                completeness,
                hashes: read::file_hashes(bytes),
                size: bytes.len() as u64,
                root: product,
                direct,
                components: r.components.iter().map(|c| c.id.clone()).collect(),
            }]
        }
    };

    let mut inv = Inventory {
        components: r.components,
        dependencies,
        manifests,
        diagnostics: r.diagnostics,
    };
    read::finish(&mut inv);
    Ok(inv)
}
