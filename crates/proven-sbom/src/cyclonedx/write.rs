//! CycloneDX 1.6 and 1.7 JSON writer.
//!
//! Layout choices (all schema-valid in 1.6 and 1.7):
//! - `metadata.component` is the product; the `dependencies` entry of the product lists what it
//!   depends on directly, and every component has a `dependencies` entry (empty when it has none).
//! - Each manifest (lockfile) that was read is a `file` component inside one `formulation` entry:
//!   its path, SHA-256/SHA-512 and format are recorded there, outside `components`, so that the
//!   inputs of the SBOM are not mistaken for parts of the product.
//! - One `compositions` entry per manifest says whether the dependency data of the components it
//!   lists is `complete` or `incomplete`; components no manifest lists get an `unknown` one.
//! - Registry packages carry the BSI TR-03183-2 properties `bsi:component:filename`,
//!   `bsi:component:archive`, `bsi:component:executable` and `bsi:component:structured`, and a
//!   `distribution` external reference holding the hashes of the deployable file.

use serde::Serialize;

use proven_model::{Completeness, Component, ComponentKind, Hash, Inventory, Manifest, Scope};

use crate::license;
use crate::util::Contact;
use crate::view::{self, ProductView};
use crate::SbomMeta;

/// Property names of ours that the reader understands.
pub(crate) mod prop {
    pub const MANIFEST_FORMAT: &str = "proven:manifest-format";
    pub const ECOSYSTEM: &str = "proven:ecosystem";
    pub const COMPLETENESS: &str = "proven:completeness";
    pub const INCOMPLETE_REASON: &str = "proven:incomplete-reason";
    pub const SIZE: &str = "proven:size";
    pub const ROOT: &str = "proven:root";
    pub const DIRECT: &str = "proven:direct";
    pub const REQUIREMENT: &str = "proven:requirement";
    pub const DECLARED_LICENSE: &str = "proven:declared-license";
    pub const FILENAME: &str = "bsi:component:filename";
}

/// Prefix of the bom-refs of manifest files.
pub(crate) const MANIFEST_REF: &str = "manifest:";
/// Prefix of the bom-refs of per-manifest compositions.
pub(crate) const COMPOSITION_REF: &str = "composition:";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom<'a> {
    #[serde(rename = "$schema")]
    schema: String,
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata<'a>,
    components: Vec<Comp<'a>>,
    dependencies: Vec<Dependency<'a>>,
    compositions: Vec<Composition<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    formulation: Vec<Formula<'a>>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    timestamp: String,
    lifecycles: [Lifecycle; 1],
    tools: Tools<'a>,
    manufacturer: Organization,
    component: Comp<'a>,
}

#[derive(Serialize)]
struct Lifecycle {
    phase: &'static str,
}

#[derive(Serialize)]
struct Tools<'a> {
    components: [ToolComponent<'a>; 1],
}

#[derive(Serialize)]
struct ToolComponent<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize, Default)]
struct Organization {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    url: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contact: Vec<OrgContact>,
}

#[derive(Serialize)]
struct OrgContact {
    email: String,
}

impl Organization {
    fn from_contact(c: &Contact) -> Organization {
        Organization {
            name: c.name.clone(),
            url: c.url.iter().cloned().collect(),
            contact: c
                .email
                .iter()
                .map(|e| OrgContact { email: e.clone() })
                .collect(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Comp<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    manufacturer: Option<Organization>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<HashOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_references: Vec<ExternalRef<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Evidence<'a>>,
}

#[derive(Serialize)]
struct HashOut<'a> {
    alg: &'static str,
    content: &'a str,
}

fn hashes(hs: &[Hash]) -> Vec<HashOut<'_>> {
    hs.iter()
        .map(|h| HashOut {
            alg: h.alg.cyclonedx_name(),
            content: &h.value,
        })
        .collect()
}

#[derive(Serialize)]
#[serde(untagged)]
enum LicenseOut {
    Expression {
        expression: String,
        acknowledgement: &'static str,
    },
}

#[derive(Serialize)]
struct ExternalRef<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    url: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<HashOut<'a>>,
}

#[derive(Serialize)]
struct Property<'a> {
    name: &'a str,
    value: String,
}

#[derive(Serialize)]
struct Evidence<'a> {
    occurrences: Vec<Occurrence<'a>>,
}

#[derive(Serialize)]
struct Occurrence<'a> {
    location: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    depends_on: Vec<&'a str>,
}

#[derive(Serialize)]
struct Composition<'a> {
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    aggregate: &'static str,
    dependencies: Vec<&'a str>,
}

#[derive(Serialize)]
struct Formula<'a> {
    #[serde(rename = "bom-ref")]
    bom_ref: &'static str,
    components: Vec<Comp<'a>>,
}

fn kind_name(k: ComponentKind) -> &'static str {
    match k {
        ComponentKind::Library => "library",
        ComponentKind::Application => "application",
        ComponentKind::Framework => "framework",
        ComponentKind::OperatingSystem => "operating-system",
        ComponentKind::File => "file",
        ComponentKind::Container => "container",
    }
}

fn scope_name(s: Scope) -> &'static str {
    match s {
        Scope::Required => "required",
        Scope::Optional => "optional",
        // CycloneDX: excluded = "not included in the final distribution"; dev/test/build-only.
        Scope::Dev => "excluded",
    }
}

/// The `licenses` array. 1.6 allows one expression or a list of licence objects, so when both a
/// declared and a different concluded licence are known, 1.6 keeps the concluded one (BSI: the
/// distribution licence) and records the declared one as a property; 1.7 lists both.
fn licenses<'a>(c: &Component, v17: bool, props: &mut Vec<Property<'a>>) -> Vec<LicenseOut> {
    let expr = |text: &str, acknowledgement| LicenseOut::Expression {
        expression: license::normalise(text).expression,
        acknowledgement,
    };
    let declared = crate::spdx2::write::meaningful(c.licenses.declared.as_deref());
    let concluded = crate::spdx2::write::meaningful(c.licenses.concluded.as_deref());
    match (declared, concluded) {
        (Some(d), Some(k)) if v17 => vec![expr(d, "declared"), expr(k, "concluded")],
        (Some(d), Some(k)) => {
            props.push(Property {
                name: prop::DECLARED_LICENSE,
                value: license::normalise(d).expression,
            });
            vec![expr(k, "concluded")]
        }
        (Some(d), None) => vec![expr(d, "declared")],
        (None, Some(k)) => vec![expr(k, "concluded")],
        (None, None) => Vec::new(),
    }
}

fn component<'a>(c: &'a Component, v17: bool) -> Comp<'a> {
    let mut properties: Vec<Property<'a>> = Vec::new();
    let mut external_references = Vec::new();
    if let Some(d) = view::deployable(c) {
        properties.push(Property {
            name: prop::FILENAME,
            value: d.filename,
        });
        for (name, value) in view::ARCHIVE_FILE_PROPERTIES {
            properties.push(Property {
                name,
                value: value.to_string(),
            });
        }
        if let Some(url) = d.url {
            external_references.push(ExternalRef {
                ty: "distribution",
                url,
                hashes: hashes(&c.hashes),
            });
        }
    }
    if let Some(src) = c.source.as_deref() {
        if let Some(git) = src.strip_prefix("git+") {
            external_references.push(ExternalRef {
                ty: "vcs",
                url: git.to_string(),
                hashes: Vec::new(),
            });
        }
    }
    let licenses = licenses(c, v17, &mut properties);
    if c.version.is_none() {
        if let Some(req) = &c.requirement {
            properties.push(Property {
                name: prop::REQUIREMENT,
                value: req.clone(),
            });
        }
    }
    if c.purl.is_none() {
        properties.push(Property {
            name: prop::ECOSYSTEM,
            value: c.ecosystem.osv_name().to_string(),
        });
    }
    for (k, v) in &c.properties {
        // A property read from another SBOM that we derive ourselves is written once.
        if !properties.iter().any(|p| p.name == k) {
            properties.push(Property {
                name: k,
                value: v.clone(),
            });
        }
    }
    properties.sort_by(|a, b| a.name.cmp(b.name).then_with(|| a.value.cmp(&b.value)));
    Comp {
        ty: kind_name(c.kind),
        bom_ref: &c.id,
        manufacturer: c
            .author
            .as_deref()
            .map(|a| Organization::from_contact(&Contact::parse(a))),
        group: c.group.as_deref(),
        name: &c.name,
        version: c.version.as_deref(),
        scope: Some(scope_name(c.scope)),
        hashes: hashes(&c.hashes),
        licenses,
        purl: c.purl.as_ref().map(ToString::to_string),
        external_references,
        properties,
        evidence: (!c.locations.is_empty()).then(|| Evidence {
            occurrences: c
                .locations
                .iter()
                .map(|l| Occurrence {
                    location: &l.path,
                    line: l.line,
                })
                .collect(),
        }),
    }
}

fn manifest_component<'a>(m: &'a Manifest, bom_ref: &'a str) -> Comp<'a> {
    let mut properties = vec![
        Property {
            name: prop::MANIFEST_FORMAT,
            value: m.format.clone(),
        },
        Property {
            name: prop::ECOSYSTEM,
            value: m.ecosystem.osv_name().to_string(),
        },
        Property {
            name: prop::SIZE,
            value: m.size.to_string(),
        },
        Property {
            name: prop::FILENAME,
            value: m.path.rsplit('/').next().unwrap_or(&m.path).to_string(),
        },
    ];
    match &m.completeness {
        Completeness::Complete => properties.push(Property {
            name: prop::COMPLETENESS,
            value: "complete".into(),
        }),
        Completeness::Incomplete(why) => {
            properties.push(Property {
                name: prop::COMPLETENESS,
                value: "incomplete".into(),
            });
            properties.push(Property {
                name: prop::INCOMPLETE_REASON,
                value: why.clone(),
            });
        }
    }
    if let Some(root) = &m.root {
        properties.push(Property {
            name: prop::ROOT,
            value: root.clone(),
        });
    }
    properties.extend(m.direct.iter().map(|d| Property {
        name: prop::DIRECT,
        value: d.clone(),
    }));
    Comp {
        ty: "file",
        bom_ref,
        manufacturer: None,
        group: None,
        name: &m.path,
        version: None,
        // A lockfile is read to make the SBOM; it is not shipped.
        scope: Some("excluded"),
        hashes: hashes(&m.hashes),
        licenses: Vec::new(),
        purl: None,
        external_references: Vec::new(),
        properties,
        evidence: None,
    }
}

fn product<'a>(p: &'a ProductView) -> Comp<'a> {
    Comp {
        ty: kind_name(p.kind),
        bom_ref: &p.id,
        manufacturer: p
            .manufacturer
            .as_deref()
            .map(|m| Organization::from_contact(&Contact::parse(m))),
        group: None,
        name: &p.name,
        version: p.version.as_deref(),
        scope: None,
        hashes: Vec::new(),
        licenses: p
            .license
            .iter()
            .map(|l| LicenseOut::Expression {
                expression: license::normalise(l).expression,
                acknowledgement: "declared",
            })
            .collect(),
        purl: p.purl.as_ref().map(ToString::to_string),
        external_references: Vec::new(),
        properties: Vec::new(),
        evidence: None,
    }
}

/// Writes CycloneDX JSON of the given minor version (6 or 7).
pub(crate) fn write(inventory: &Inventory, meta: &SbomMeta, v17: bool, uuid: &str) -> String {
    let product_view = ProductView::new(inventory, meta);
    let spec_version = if v17 { "1.7" } else { "1.6" };
    let manifest_refs: Vec<String> = inventory
        .manifests
        .iter()
        .map(|m| format!("{MANIFEST_REF}{}", m.path))
        .collect();

    let components: Vec<Comp<'_>> = inventory
        .components
        .iter()
        .map(|c| component(c, v17))
        .collect();

    let mut dependencies = Vec::with_capacity(inventory.components.len() + 1);
    dependencies.push(Dependency {
        reference: &product_view.id,
        depends_on: product_view.depends_on.iter().map(String::as_str).collect(),
    });
    for (id, deps) in view::edges(inventory) {
        dependencies.push(Dependency {
            reference: id,
            depends_on: deps,
        });
    }
    dependencies.sort_by(|a, b| a.reference.cmp(b.reference));

    let mut compositions = vec![Composition {
        bom_ref: None,
        aggregate: if inventory.is_complete() {
            "complete"
        } else {
            "incomplete"
        },
        dependencies: vec![product_view.id.as_str()],
    }];
    for m in &inventory.manifests {
        let mut refs: Vec<&str> = m
            .components
            .iter()
            .map(String::as_str)
            .filter(|id| inventory.component(id).is_some())
            .collect();
        refs.sort_unstable();
        compositions.push(Composition {
            bom_ref: Some(format!("{COMPOSITION_REF}{}", m.path)),
            aggregate: if m.completeness.is_complete() {
                "complete"
            } else {
                "incomplete"
            },
            dependencies: refs,
        });
    }
    let unlisted = view::unlisted(inventory);
    if !unlisted.is_empty() {
        compositions.push(Composition {
            bom_ref: None,
            aggregate: "unknown",
            dependencies: unlisted,
        });
    }

    let formulation = if inventory.manifests.is_empty() {
        Vec::new()
    } else {
        vec![Formula {
            bom_ref: "proven:inputs",
            components: inventory
                .manifests
                .iter()
                .zip(&manifest_refs)
                .map(|(m, r)| manifest_component(m, r))
                .collect(),
        }]
    };

    let bom = Bom {
        schema: format!("http://cyclonedx.org/schema/bom-{spec_version}.schema.json"),
        bom_format: "CycloneDX",
        spec_version,
        serial_number: format!("urn:uuid:{uuid}"),
        version: 1,
        metadata: Metadata {
            timestamp: proven_model::date::rfc3339(meta.timestamp),
            // Lockfiles and manifests are read before any build; an image is what a build made.
            lifecycles: [Lifecycle {
                phase: if product_view.kind == ComponentKind::Container {
                    "post-build"
                } else {
                    "pre-build"
                },
            }],
            tools: Tools {
                components: [ToolComponent {
                    ty: "application",
                    name: &meta.tool_name,
                    version: &meta.tool_version,
                }],
            },
            manufacturer: Organization::from_contact(&Contact::parse(&meta.creator)),
            component: product(&product_view),
        },
        components,
        dependencies,
        compositions,
        formulation,
    };
    let mut out =
        serde_json::to_string_pretty(&bom).expect("the CycloneDX model always serializes");
    out.push('\n');
    out
}
