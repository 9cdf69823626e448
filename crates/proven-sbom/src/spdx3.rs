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

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use proven_model::{Component, ComponentKind, Hash, HashAlg, Inventory, Scope};

use crate::license;
use crate::spdx2::write::{meaningful, namespace, sanitise};
use crate::util::{self, Contact};
use crate::view::{self, ProductView};
use crate::SbomMeta;

const CREATION_INFO: &str = "_:creationinfo";

fn hash_alg(a: HashAlg) -> &'static str {
    match a {
        HashAlg::Md5 => "md5",
        HashAlg::Sha1 => "sha1",
        HashAlg::Sha256 => "sha256",
        HashAlg::Sha384 => "sha384",
        HashAlg::Sha512 => "sha512",
    }
}

fn verified_using(hs: &[Hash]) -> Value {
    Value::Array(
        hs.iter()
            .map(|h| json!({"type": "Hash", "algorithm": hash_alg(h.alg), "hashValue": h.value}))
            .collect(),
    )
}

fn purpose(k: ComponentKind) -> &'static str {
    match k {
        ComponentKind::Library => "library",
        ComponentKind::Application => "application",
        ComponentKind::Framework => "framework",
        ComponentKind::OperatingSystem => "operatingSystem",
        ComponentKind::File => "file",
    }
}

struct Graph {
    ns: String,
    nodes: Vec<Value>,
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

    fn push(&mut self, mut node: Map<String, Value>) {
        node.insert("creationInfo".into(), CREATION_INFO.into());
        self.nodes.push(Value::Object(node));
    }

    /// The Organization element for a contact string, created once.
    fn agent(&mut self, text: &str) -> String {
        if let Some(id) = self.agents.get(text) {
            return id.clone();
        }
        let c = Contact::parse(text);
        let label = c.label().unwrap_or(text).to_string();
        let id = self.id("Organization", &label);
        let mut identifiers = Vec::new();
        if let Some(e) = &c.email {
            identifiers.push(
                json!({"type": "ExternalIdentifier", "externalIdentifierType": "email", "identifier": e}),
            );
        }
        if let Some(u) = &c.url {
            identifiers.push(
                json!({"type": "ExternalIdentifier", "externalIdentifierType": "urlScheme", "identifier": u}),
            );
        }
        let mut node = Map::new();
        node.insert("type".into(), "Organization".into());
        node.insert("spdxId".into(), id.clone().into());
        node.insert("name".into(), label.into());
        if !identifiers.is_empty() {
            node.insert("externalIdentifier".into(), Value::Array(identifiers));
        }
        self.push(node);
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
        let mut node = Map::new();
        node.insert("type".into(), "simplelicensing_LicenseExpression".into());
        node.insert("spdxId".into(), id.clone().into());
        node.insert(
            "simplelicensing_licenseExpression".into(),
            expression.clone().into(),
        );
        node.insert(
            "simplelicensing_licenseListVersion".into(),
            license::LIST_VERSION.into(),
        );
        self.push(node);
        self.licenses.insert(expression, id.clone());
        id
    }

    fn relationship(
        &mut self,
        from: &str,
        ty: &str,
        to: Vec<String>,
        completeness: Option<&str>,
        scope: Option<&str>,
    ) {
        self.relationships += 1;
        let id = format!("{}#Relationship-{}", self.ns, self.relationships);
        let mut node = Map::new();
        node.insert(
            "type".into(),
            if scope.is_some() {
                "LifecycleScopedRelationship"
            } else {
                "Relationship"
            }
            .into(),
        );
        node.insert("spdxId".into(), id.into());
        node.insert("from".into(), from.into());
        node.insert("relationshipType".into(), ty.into());
        node.insert("to".into(), to.into());
        if let Some(c) = completeness {
            node.insert("completeness".into(), c.into());
        }
        if let Some(s) = scope {
            node.insert("scope".into(), s.into());
        }
        self.push(node);
    }
}

fn package(g: &mut Graph, c: &Component, id: &str) {
    let mut node = Map::new();
    node.insert("type".into(), "software_Package".into());
    node.insert("spdxId".into(), id.into());
    node.insert("name".into(), c.full_name().into());
    if let Some(v) = &c.version {
        node.insert("software_packageVersion".into(), v.clone().into());
    }
    if let Some(p) = &c.purl {
        node.insert("software_packageUrl".into(), p.to_string().into());
        node.insert(
            "externalIdentifier".into(),
            json!([{"type": "ExternalIdentifier", "externalIdentifierType": "packageUrl", "identifier": p.to_string()}]),
        );
    }
    let deployable = view::deployable(c);
    if let Some(url) = deployable.as_ref().and_then(|d| d.url.clone()) {
        node.insert("software_downloadLocation".into(), url.into());
    } else if let Some(src) = c.source.as_deref().filter(|s| util::is_url(s)) {
        node.insert("software_downloadLocation".into(), src.into());
    }
    node.insert("software_primaryPurpose".into(), purpose(c.kind).into());
    if !c.hashes.is_empty() {
        node.insert("verifiedUsing".into(), verified_using(&c.hashes));
    }
    if let Some(a) = c.author.as_deref() {
        let agent = g.agent(a);
        node.insert("originatedBy".into(), json!([agent]));
    }
    let mut comment = Vec::new();
    if c.version.is_none() {
        if let Some(req) = &c.requirement {
            comment.push(format!("Version not pinned; requirement: {req}."));
        }
    }
    if let Some(l) = c.locations.first() {
        comment.push(format!("Declared in {l}."));
    }
    if !comment.is_empty() {
        node.insert("comment".into(), comment.join(" ").into());
    }
    g.push(node);

    if let Some(d) = deployable {
        let file_id = g.id("File", &format!("{}/{}", c.id, d.filename));
        let mut file = Map::new();
        file.insert("type".into(), "software_File".into());
        file.insert("spdxId".into(), file_id.clone().into());
        file.insert("name".into(), d.filename.into());
        if !c.hashes.is_empty() {
            file.insert("verifiedUsing".into(), verified_using(&c.hashes));
        }
        file.insert("software_primaryPurpose".into(), "archive".into());
        file.insert(
            "software_additionalPurpose".into(),
            json!(["archive", "container"]),
        );
        file.insert(
            "comment".into(),
            "software_additionalPurpose field is used to indicate the properties of BSI TR-03183-2: archive, structured (container), non-executable.".into(),
        );
        g.push(file);
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
        nodes: Vec::new(),
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
    let mut tool = Map::new();
    tool.insert("type".into(), "Tool".into());
    tool.insert("spdxId".into(), tool_id.clone().into());
    tool.insert(
        "name".into(),
        format!("{} {}", meta.tool_name, meta.tool_version).into(),
    );
    g.push(tool);
    let data_license = g.license("CC0-1.0");

    let product_id = g.id("product", &product.name);
    let mut node = Map::new();
    node.insert("type".into(), "software_Package".into());
    node.insert("spdxId".into(), product_id.clone().into());
    node.insert("name".into(), product.name.clone().into());
    if let Some(v) = &product.version {
        node.insert("software_packageVersion".into(), v.clone().into());
    }
    node.insert("software_primaryPurpose".into(), "application".into());
    if let Some(m) = product.manufacturer.as_deref() {
        let agent = g.agent(m);
        node.insert("originatedBy".into(), json!([agent]));
    }
    g.push(node);
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
    let incomplete: std::collections::BTreeSet<&str> = inventory
        .manifests
        .iter()
        .filter(|m| !m.completeness.is_complete())
        .flat_map(|m| m.components.iter().map(String::as_str))
        .collect();
    let unlisted: std::collections::BTreeSet<&str> = view::unlisted(inventory).into_iter().collect();
    let mut dependency_lists: Vec<(String, Vec<&str>, &str)> = vec![(
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
        let to: Vec<String> = run.iter().map(|d| spdx_of[d].clone()).collect();
        if !to.is_empty() || dev.is_empty() {
            let to = if to.is_empty() {
                vec!["NoneElement".to_string()]
            } else {
                to
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
        let mut node = Map::new();
        node.insert("type".into(), "software_File".into());
        node.insert("spdxId".into(), id.clone().into());
        node.insert("name".into(), m.path.clone().into());
        if !m.hashes.is_empty() {
            node.insert("verifiedUsing".into(), verified_using(&m.hashes));
        }
        node.insert("software_primaryPurpose".into(), "manifest".into());
        let completeness = match &m.completeness {
            proven_model::Completeness::Complete => "complete".to_string(),
            proven_model::Completeness::Incomplete(why) => format!("incomplete: {why}"),
        };
        node.insert(
            "comment".into(),
            format!(
                "Manifest read to make this SBOM: {} ({}), {} bytes, {completeness}.",
                m.format, m.ecosystem, m.size
            )
            .into(),
        );
        g.push(node);
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
    let elements: Vec<Value> = g
        .nodes
        .iter()
        .filter_map(|n| n.get("spdxId").cloned())
        .collect();
    let mut sbom = Map::new();
    sbom.insert("type".into(), "software_Sbom".into());
    sbom.insert("spdxId".into(), sbom_id.clone().into());
    sbom.insert("name".into(), format!("SBOM of {}", product.name).into());
    sbom.insert("software_sbomType".into(), json!(["source"]));
    sbom.insert("rootElement".into(), json!([product_id]));
    sbom.insert("element".into(), Value::Array(elements.clone()));
    let mut document = Map::new();
    document.insert("type".into(), "SpdxDocument".into());
    document.insert("spdxId".into(), document_id.into());
    document.insert("name".into(), product.name.clone().into());
    document.insert(
        "profileConformance".into(),
        json!(["core", "software", "simpleLicensing"]),
    );
    document.insert("dataLicense".into(), data_license.into());
    document.insert("rootElement".into(), json!([sbom_id]));
    let mut all = elements;
    all.push(sbom_id.clone().into());
    document.insert("element".into(), Value::Array(all));
    g.push(sbom);
    g.push(document);

    let mut graph = vec![json!({
        "type": "CreationInfo",
        "@id": CREATION_INFO,
        "specVersion": "3.0.1",
        "created": util::rfc3339(meta.timestamp),
        "createdBy": [creator_id],
        "createdUsing": [tool_id],
    })];
    graph.append(&mut g.nodes);
    let doc = json!({
        "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
        "@graph": graph,
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values always serialize");
    out.push('\n');
    out
}
