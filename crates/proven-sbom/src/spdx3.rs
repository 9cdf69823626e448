//! SPDX 3.0.1 JSON-LD writer.
//!
//! One `@graph`: the creation info (a blank node every element points at), the SBOM creator as an
//! Organization with an e-mail or URL identifier, the tool, the `SpdxDocument` whose root is a
//! `software_Sbom` whose root is the product package. Each component is a `software_Package`
//! with its purl, version, hashes and authors (`originatedBy`); licences are
//! `simplelicensing_LicenseExpression` elements linked by `hasDeclaredLicense` /
//! `hasConcludedLicense`. Dependencies are `dependsOn` relationships whose `completeness` says
//! whether the list is whole (a leaf of a complete manifest points at `NoneElement`);
//! development-only ones are `LifecycleScopedRelationship`s with scope `development`. BSI
//! TR-03183-2 file facts: the deployable archive is a `software_File` linked by
//! `hasDistributionArtifact`, with its name, hashes and `software_additionalPurpose`
//! (`archive`, `container` = structured; no `executable`). Manifests read are `software_File`s of
//! purpose `manifest`, linked from the product by `hasDependencyManifest`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use proven_model::{Completeness, Component, ComponentKind, Hash, HashAlg, Inventory, Scope};

use crate::license;
use crate::spdx2::write::{meaningful, namespace, sanitise};
use crate::util::{self, Contact};
use crate::view::{self, ProductView};
use crate::SbomMeta;

const CREATION_INFO: &str = "_:creationinfo";

/// Any node of the graph; absent fields are not written. Field order is the order written.
#[derive(Serialize, Default)]
struct Node {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(rename = "@id", skip_serializing_if = "Option::is_none")]
    blank_id: Option<&'static str>,
    #[serde(rename = "spdxId", skip_serializing_if = "Option::is_none")]
    spdx_id: Option<String>,
    #[serde(rename = "creationInfo", skip_serializing_if = "Option::is_none")]
    creation_info: Option<&'static str>,
    #[serde(rename = "specVersion", skip_serializing_if = "Option::is_none")]
    spec_version: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<String>,
    #[serde(rename = "createdBy", skip_serializing_if = "Vec::is_empty")]
    created_by: Vec<String>,
    #[serde(rename = "createdUsing", skip_serializing_if = "Vec::is_empty")]
    created_using: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(rename = "externalIdentifier", skip_serializing_if = "Vec::is_empty")]
    external_identifier: Vec<ExternalIdentifier>,
    #[serde(
        rename = "software_packageVersion",
        skip_serializing_if = "Option::is_none"
    )]
    package_version: Option<String>,
    #[serde(
        rename = "software_packageUrl",
        skip_serializing_if = "Option::is_none"
    )]
    package_url: Option<String>,
    #[serde(
        rename = "software_downloadLocation",
        skip_serializing_if = "Option::is_none"
    )]
    download_location: Option<String>,
    #[serde(
        rename = "software_primaryPurpose",
        skip_serializing_if = "Option::is_none"
    )]
    primary_purpose: Option<&'static str>,
    #[serde(
        rename = "software_additionalPurpose",
        skip_serializing_if = "Vec::is_empty"
    )]
    additional_purpose: Vec<&'static str>,
    #[serde(rename = "verifiedUsing", skip_serializing_if = "Vec::is_empty")]
    verified_using: Vec<HashNode>,
    #[serde(rename = "originatedBy", skip_serializing_if = "Vec::is_empty")]
    originated_by: Vec<String>,
    #[serde(
        rename = "simplelicensing_licenseExpression",
        skip_serializing_if = "Option::is_none"
    )]
    license_expression: Option<String>,
    #[serde(
        rename = "simplelicensing_licenseListVersion",
        skip_serializing_if = "Option::is_none"
    )]
    license_list_version: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(rename = "relationshipType", skip_serializing_if = "Option::is_none")]
    relationship_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    to: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    completeness: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(rename = "software_sbomType", skip_serializing_if = "Vec::is_empty")]
    sbom_type: Vec<&'static str>,
    #[serde(rename = "profileConformance", skip_serializing_if = "Vec::is_empty")]
    profile_conformance: Vec<&'static str>,
    #[serde(rename = "dataLicense", skip_serializing_if = "Option::is_none")]
    data_license: Option<String>,
    #[serde(rename = "rootElement", skip_serializing_if = "Vec::is_empty")]
    root_element: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    element: Vec<String>,
}

#[derive(Serialize)]
struct ExternalIdentifier {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(rename = "externalIdentifierType")]
    kind: &'static str,
    identifier: String,
}

impl ExternalIdentifier {
    fn new(kind: &'static str, identifier: String) -> Self {
        ExternalIdentifier {
            ty: "ExternalIdentifier",
            kind,
            identifier,
        }
    }
}

#[derive(Serialize)]
struct HashNode {
    #[serde(rename = "type")]
    ty: &'static str,
    algorithm: &'static str,
    #[serde(rename = "hashValue")]
    hash_value: String,
}

#[derive(Serialize)]
struct Document {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: Vec<Node>,
}

fn hash_alg(a: HashAlg) -> &'static str {
    match a {
        HashAlg::Md5 => "md5",
        HashAlg::Sha1 => "sha1",
        HashAlg::Sha256 => "sha256",
        HashAlg::Sha384 => "sha384",
        HashAlg::Sha512 => "sha512",
    }
}

fn verified_using(hs: &[Hash]) -> Vec<HashNode> {
    hs.iter()
        .map(|h| HashNode {
            ty: "Hash",
            algorithm: hash_alg(h.alg),
            hash_value: h.value.clone(),
        })
        .collect()
}

fn purpose(k: ComponentKind) -> &'static str {
    match k {
        ComponentKind::Library => "library",
        ComponentKind::Application => "application",
        ComponentKind::Framework => "framework",
        ComponentKind::OperatingSystem => "operatingSystem",
        ComponentKind::File => "file",
        ComponentKind::Container => "container",
    }
}

struct Graph {
    ns: String,
    nodes: Vec<Node>,
    ids: BTreeMap<String, usize>,
    agents: BTreeMap<String, String>,
    licenses: BTreeMap<String, String>,
    relationships: usize,
}

impl Graph {
    /// A unique IRI in the document namespace.
    fn id(&mut self, kind: &str, key: &str) -> String {
        let base = format!("{}#{kind}-{}", self.ns, sanitise(key));
        let n = self.ids.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            base
        } else {
            format!(
                "{base}-{}",
                util::hex(&Sha256::digest(format!("{key}\n{n}").as_bytes())[..4])
            )
        }
    }

    fn push(&mut self, mut node: Node) {
        node.creation_info = Some(CREATION_INFO);
        self.nodes.push(node);
    }

    /// The Organization element for a contact string, created once.
    fn agent(&mut self, text: &str) -> String {
        if let Some(id) = self.agents.get(text) {
            return id.clone();
        }
        let c = Contact::parse(text);
        let label = c.label().unwrap_or(text).to_string();
        let id = self.id("Organization", &label);
        let mut external_identifier = Vec::new();
        if let Some(e) = &c.email {
            external_identifier.push(ExternalIdentifier::new("email", e.clone()));
        }
        if let Some(u) = &c.url {
            external_identifier.push(ExternalIdentifier::new("urlScheme", u.clone()));
        }
        self.push(Node {
            ty: "Organization",
            spdx_id: Some(id.clone()),
            name: Some(label),
            external_identifier,
            ..Node::default()
        });
        self.agents.insert(text.to_string(), id.clone());
        id
    }

    /// The LicenseExpression element for a licence string, created once per expression.
    fn license(&mut self, text: &str) -> String {
        let expression = license::normalise(text).expression;
        if let Some(id) = self.licenses.get(&expression) {
            return id.clone();
        }
        let id = self.id("License", &expression);
        self.push(Node {
            ty: "simplelicensing_LicenseExpression",
            spdx_id: Some(id.clone()),
            license_expression: Some(expression.clone()),
            license_list_version: Some(license::LIST_VERSION),
            ..Node::default()
        });
        self.licenses.insert(expression, id.clone());
        id
    }

    fn relationship(
        &mut self,
        from: &str,
        ty: &'static str,
        to: Vec<String>,
        completeness: Option<&'static str>,
        scope: Option<&'static str>,
    ) {
        self.relationships += 1;
        let id = format!("{}#Relationship-{}", self.ns, self.relationships);
        self.push(Node {
            ty: if scope.is_some() {
                "LifecycleScopedRelationship"
            } else {
                "Relationship"
            },
            spdx_id: Some(id),
            from: Some(from.to_string()),
            relationship_type: Some(ty),
            to,
            completeness,
            scope,
            ..Node::default()
        });
    }
}

fn package(g: &mut Graph, c: &Component, id: &str) {
    let deployable = view::deployable(c);
    let download_location = deployable
        .as_ref()
        .and_then(|d| d.url.clone())
        .or_else(|| c.source.clone().filter(|s| util::is_url(s)));
    let mut comment = Vec::new();
    if c.version.is_none() {
        if let Some(req) = &c.requirement {
            comment.push(format!("Version not pinned; requirement: {req}."));
        }
    }
    if let Some(l) = c.locations.first() {
        comment.push(format!("Declared in {l}."));
    }
    let originated_by = c
        .author
        .as_deref()
        .map(|a| g.agent(a))
        .into_iter()
        .collect();
    g.push(Node {
        ty: "software_Package",
        spdx_id: Some(id.to_string()),
        name: Some(c.full_name()),
        comment: (!comment.is_empty()).then(|| comment.join(" ")),
        external_identifier: c
            .purl
            .iter()
            .map(|p| ExternalIdentifier::new("packageUrl", p.to_string()))
            .collect(),
        package_version: c.version.clone(),
        package_url: c.purl.as_ref().map(ToString::to_string),
        download_location,
        primary_purpose: Some(purpose(c.kind)),
        verified_using: verified_using(&c.hashes),
        originated_by,
        ..Node::default()
    });

    if let Some(d) = deployable {
        let file_id = g.id("File", &format!("{}/{}", c.id, d.filename));
        g.push(Node {
            ty: "software_File",
            spdx_id: Some(file_id.clone()),
            name: Some(d.filename),
            comment: Some(
                "software_additionalPurpose field is used to indicate the properties of BSI TR-03183-2: archive, structured (container), non-executable."
                    .into(),
            ),
            primary_purpose: Some("archive"),
            additional_purpose: vec!["archive", "container"],
            verified_using: verified_using(&c.hashes),
            ..Node::default()
        });
        g.relationship(
            id,
            "hasDistributionArtifact",
            vec![file_id],
            Some("complete"),
            None,
        );
    }
    if let Some(d) = meaningful(c.licenses.declared.as_deref()) {
        let l = g.license(d);
        g.relationship(id, "hasDeclaredLicense", vec![l], None, None);
    }
    if let Some(k) = meaningful(c.licenses.concluded.as_deref()) {
        let l = g.license(k);
        g.relationship(id, "hasConcludedLicense", vec![l], None, None);
    }
}

pub(crate) fn write(inventory: &Inventory, meta: &SbomMeta, uuid: &str) -> String {
    let product = ProductView::new(inventory, meta);
    let mut g = Graph {
        ns: namespace(&product.name, uuid),
        nodes: Vec::with_capacity(inventory.components.len() * 4 + 8),
        ids: BTreeMap::new(),
        agents: BTreeMap::new(),
        licenses: BTreeMap::new(),
        relationships: 0,
    };

    let creator = if meta.creator.trim().is_empty() {
        meta.tool_name.clone()
    } else {
        meta.creator.clone()
    };
    let creator_id = g.agent(&creator);
    let tool_id = g.id("Tool", &meta.tool_name);
    g.push(Node {
        ty: "Tool",
        spdx_id: Some(tool_id.clone()),
        name: Some(format!("{} {}", meta.tool_name, meta.tool_version)),
        ..Node::default()
    });
    let data_license = g.license("CC0-1.0");

    let product_id = g.id("product", &product.name);
    let originated_by = product
        .manufacturer
        .as_deref()
        .map(|m| g.agent(m))
        .into_iter()
        .collect();
    g.push(Node {
        ty: "software_Package",
        spdx_id: Some(product_id.clone()),
        name: Some(product.name.clone()),
        package_version: product.version.clone(),
        package_url: product.purl.as_ref().map(ToString::to_string),
        primary_purpose: Some(purpose(product.kind)),
        originated_by,
        ..Node::default()
    });
    if let Some(l) = meaningful(product.license.as_deref()) {
        let l = g.license(l);
        g.relationship(&product_id, "hasDeclaredLicense", vec![l], None, None);
    }

    let spdx_of: BTreeMap<&str, String> = inventory
        .components
        .iter()
        .map(|c| (c.id.as_str(), g.id("Package", &c.id)))
        .collect();
    for c in &inventory.components {
        package(&mut g, c, &spdx_of[c.id.as_str()]);
    }

    let complete = inventory.is_complete();
    let scope_of = |id: &str| inventory.component(id).map_or(Scope::Required, |c| c.scope);
    let incomplete: BTreeSet<&str> = inventory
        .manifests
        .iter()
        .filter(|m| !m.completeness.is_complete())
        .flat_map(|m| m.components.iter().map(String::as_str))
        .collect();
    let unlisted: BTreeSet<&str> = view::unlisted(inventory).into_iter().collect();
    let mut dependency_lists: Vec<(String, Vec<&str>, &'static str)> = vec![(
        product_id.clone(),
        product.depends_on.iter().map(String::as_str).collect(),
        if complete { "complete" } else { "incomplete" },
    )];
    for (id, deps) in view::edges(inventory) {
        let completeness = if incomplete.contains(id) {
            "incomplete"
        } else if unlisted.contains(id) {
            "noAssertion"
        } else {
            "complete"
        };
        dependency_lists.push((spdx_of[id].clone(), deps, completeness));
    }
    for (from, deps, completeness) in dependency_lists {
        let (dev, run): (Vec<&str>, Vec<&str>) =
            deps.into_iter().partition(|d| scope_of(d) == Scope::Dev);
        if !run.is_empty() || dev.is_empty() {
            let to = if run.is_empty() {
                vec!["NoneElement".to_string()]
            } else {
                run.iter().map(|d| spdx_of[d].clone()).collect()
            };
            g.relationship(&from, "dependsOn", to, Some(completeness), None);
        }
        if !dev.is_empty() {
            let to = dev.iter().map(|d| spdx_of[d].clone()).collect();
            g.relationship(
                &from,
                "dependsOn",
                to,
                Some(completeness),
                Some("development"),
            );
        }
    }

    let mut manifests = Vec::new();
    for m in &inventory.manifests {
        let id = g.id("manifest", &m.path);
        let completeness = match &m.completeness {
            Completeness::Complete => "complete".to_string(),
            Completeness::Incomplete(why) => format!("incomplete: {why}"),
        };
        g.push(Node {
            ty: "software_File",
            spdx_id: Some(id.clone()),
            name: Some(m.path.clone()),
            comment: Some(format!(
                "Manifest read to make this SBOM: {} ({}), {} bytes, {completeness}.",
                m.format, m.ecosystem, m.size
            )),
            primary_purpose: Some("manifest"),
            verified_using: verified_using(&m.hashes),
            ..Node::default()
        });
        manifests.push(id);
    }
    if !manifests.is_empty() {
        g.relationship(
            &product_id,
            "hasDependencyManifest",
            manifests,
            Some("complete"),
            None,
        );
    }

    let sbom_id = format!("{}#sbom", g.ns);
    let document_id = format!("{}#document", g.ns);
    let elements: Vec<String> = g.nodes.iter().filter_map(|n| n.spdx_id.clone()).collect();
    let mut all = elements.clone();
    all.push(sbom_id.clone());
    g.push(Node {
        ty: "software_Sbom",
        spdx_id: Some(sbom_id.clone()),
        name: Some(format!("SBOM of {}", product.name)),
        sbom_type: vec!["source"],
        root_element: vec![product_id],
        element: elements,
        ..Node::default()
    });
    g.push(Node {
        ty: "SpdxDocument",
        spdx_id: Some(document_id),
        name: Some(product.name.clone()),
        profile_conformance: vec!["core", "software", "simpleLicensing"],
        data_license: Some(data_license),
        root_element: vec![sbom_id],
        element: all,
        ..Node::default()
    });

    let mut graph = Vec::with_capacity(g.nodes.len() + 1);
    graph.push(Node {
        ty: "CreationInfo",
        blank_id: Some(CREATION_INFO),
        spec_version: Some("3.0.1"),
        created: Some(proven_model::date::rfc3339(meta.timestamp)),
        created_by: vec![creator_id],
        created_using: vec![tool_id],
        ..Node::default()
    });
    graph.append(&mut g.nodes);
    let doc = Document {
        context: "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
        graph,
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("the SPDX 3 model always serializes");
    out.push('\n');
    out
}
