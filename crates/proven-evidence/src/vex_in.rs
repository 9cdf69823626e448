//! VEX in: CycloneDX VEX (1.4–1.7, JSON), OpenVEX 0.2.0 and CSAF 2.0 documents read into the
//! [`Statement`] model the writers of `vex.rs` use, then applied to findings before the gate.
//!
//! How a statement finds its findings:
//! - *Vulnerability*: the statement's id or any of its aliases equals the finding's code or any of
//!   its aliases (ASCII case-insensitive), so a statement about `GHSA-…` settles the finding shown
//!   as `CVE-…` when the OSV record clusters the two.
//! - *Product*: package URLs compared in canonical form: type, namespace and name must be equal; a
//!   version in the VEX purl must equal the component's, a VEX purl without one covers every
//!   version; a qualifier the VEX purl gives must equal the component's when the component has
//!   that qualifier, and qualifiers the VEX author left out (`arch`, `distro`, `repository_url`,
//!   ...) are not compared; subpaths are not compared.
//! - *Several statements on one finding*: the latest wins, OpenVEX's rule, used for every format
//!   (the statement's time, else its document's: OpenVEX `last_updated`/`timestamp`, CycloneDX
//!   `analysis.lastUpdated`/`firstIssued`, the vulnerability's `updated`/`published`, then
//!   `metadata.timestamp`; CSAF `tracking.current_release_date`). A statement with a time beats one
//!   without; on equal times the later file in `[vex] files`, then the later statement, wins.
//! - `not_affected` and `fixed` settle the finding; `affected` and `under_investigation` leave it
//!   open (and failing, if the policy says so).
//!
//! Where a document names a product rather than the component (OpenVEX `subcomponents`, CSAF
//! relationships), the component is what is matched: the statements are taken to be about the
//! product being scanned. CycloneDX `affects[].versions` ranges are not read; the analysis applies
//! to the referenced component as a whole.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use proven_model::date::Timestamp;
use proven_model::{Finding, Status};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::ConfigError;
use crate::policy::purl_matches;
use crate::vex::{Justification, Statement, VexStatus};

/// One statement read from a VEX document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub statement: Statement,
    /// When the statement was made, if the document says.
    pub timestamp: Option<Timestamp>,
    /// The file it came from, as named in the configuration.
    pub source: String,
}

/// Every statement of the VEX files, in file and document order, and what was wrong with them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VexInput {
    pub statements: Vec<Imported>,
    /// Statements left out, with the file and why.
    pub warnings: Vec<String>,
}

/// A VEX file that could not be used at all: unreadable, or not JSON of a VEX format (the same
/// error as a configuration file's).
pub type VexError = ConfigError;

/// What became of one statement that decided at least one finding; serialised in `policy.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VexUse {
    pub source: String,
    pub vulnerability: String,
    pub product: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<&'static str>,
    /// Fingerprints of the findings it decided.
    pub matched: Vec<String>,
}

/// Reads every file (relative paths from `base`); a file that fails is an error and the others
/// are still read.
pub fn read_files(files: &[PathBuf], base: &Path) -> (VexInput, Vec<VexError>) {
    let mut all = VexInput::default();
    let mut errors = Vec::new();
    for file in files {
        let path = base.join(file);
        let name = path.display().to_string();
        let read = std::fs::read_to_string(&path)
            .map_err(|source| ConfigError::Read {
                path: name.clone(),
                source,
            })
            .and_then(|text| parse(&text, &name));
        match read {
            Ok(one) => {
                all.statements.extend(one.statements);
                all.warnings.extend(one.warnings);
            }
            Err(e) => errors.push(e),
        }
    }
    (all, errors)
}

/// The keys that tell the three formats apart.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "@context")]
    context: Option<Value>,
    #[serde(rename = "bomFormat")]
    bom_format: Option<Value>,
    document: Option<Value>,
}

/// Parses one VEX document; `name` is used in errors and recorded as the source.
pub fn parse(text: &str, name: &str) -> Result<VexInput, VexError> {
    let invalid = |line: usize, column: usize, message: String| ConfigError::Invalid {
        path: name.to_string(),
        line,
        column,
        message,
    };
    let json_error = |e: serde_json::Error, expected: &str| {
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        invalid(
            e.line(),
            e.column(),
            format!("{message}; expected {expected}"),
        )
    };
    let probe: Probe = serde_json::from_str(text).map_err(|e| json_error(e, "a JSON object"))?;
    let mut out = Reader {
        source: name,
        out: VexInput::default(),
    };
    if probe
        .context
        .as_ref()
        .and_then(Value::as_str)
        .is_some_and(|c| c.starts_with("https://openvex.dev/ns"))
    {
        let doc: openvex::Doc =
            serde_json::from_str(text).map_err(|e| json_error(e, "an OpenVEX 0.2.0 document"))?;
        out.openvex(&doc);
    } else if probe.bom_format.as_ref().and_then(Value::as_str) == Some("CycloneDX") {
        let doc: cyclonedx::Doc =
            serde_json::from_str(text).map_err(|e| json_error(e, "a CycloneDX VEX document"))?;
        if !["1.4", "1.5", "1.6", "1.7"].contains(&doc.spec_version.as_str()) {
            return Err(ConfigError::at(
                name,
                text,
                text.find("\"specVersion\"").unwrap_or(0),
                format!(
                    "CycloneDX specVersion {} is not supported; expected 1.4 to 1.7",
                    doc.spec_version
                ),
            ));
        }
        out.cyclonedx(&doc);
    } else if probe
        .document
        .as_ref()
        .is_some_and(|d| d.get("csaf_version").is_some())
    {
        let doc: csaf::Doc =
            serde_json::from_str(text).map_err(|e| json_error(e, "a CSAF 2.0 document"))?;
        if doc.document.csaf_version != "2.0" {
            return Err(ConfigError::at(
                name,
                text,
                text.find("\"csaf_version\"").unwrap_or(0),
                format!(
                    "CSAF version {} is not supported; expected 2.0",
                    doc.document.csaf_version
                ),
            ));
        }
        out.csaf(&doc);
    } else {
        return Err(invalid(
            1,
            1,
            "not a VEX document: expected OpenVEX (`@context` https://openvex.dev/ns/...), \
             CycloneDX (`bomFormat` CycloneDX) or CSAF (`document.csaf_version`)"
                .into(),
        ));
    }
    Ok(out.out)
}

/// Collects the statements of one document.
struct Reader<'a> {
    source: &'a str,
    out: VexInput,
}

/// What one document says about one vulnerability in some products.
struct Said<'a> {
    ids: Vec<String>,
    products: Vec<String>,
    status: VexStatus,
    justification: Option<Justification>,
    detail: Option<String>,
    timestamp: Option<&'a str>,
}

impl Reader<'_> {
    fn warn(&mut self, what: &str, message: impl std::fmt::Display) {
        self.out
            .warnings
            .push(format!("{}: {what}: {message}", self.source));
    }

    /// Adds one statement per product, after the checks every format shares.
    fn add(&mut self, what: &str, said: Said<'_>) {
        let mut ids: Vec<String> = Vec::new();
        for id in said.ids {
            let id = id.trim().to_string();
            if !id.is_empty() && !ids.iter().any(|i| i.eq_ignore_ascii_case(&id)) {
                ids.push(id);
            }
        }
        let Some((vulnerability, aliases)) = ids.split_first() else {
            self.warn(what, "names no vulnerability; not applied");
            return;
        };
        let timestamp = match said.timestamp {
            Some(t) => match Timestamp::parse(t) {
                Some(ts) => Some(ts),
                None => {
                    self.warn(
                        what,
                        format!("timestamp `{t}` is not RFC 3339; read as undated"),
                    );
                    None
                }
            },
            None => None,
        };
        let mut products: Vec<String> = Vec::new();
        for p in said.products {
            match p.parse::<proven_model::Purl>() {
                Ok(purl) => {
                    let canonical = purl.to_string();
                    if !products.contains(&canonical) {
                        products.push(canonical);
                    }
                }
                Err(e) => self.warn(what, format!("`{p}` is not a package URL ({e}); skipped")),
            }
        }
        if products.is_empty() {
            self.warn(
                what,
                format!("{vulnerability}: names no product by package URL; not applied"),
            );
            return;
        }
        for product in products {
            self.out.statements.push(Imported {
                statement: Statement {
                    vulnerability: vulnerability.clone(),
                    aliases: aliases.to_vec(),
                    product,
                    status: said.status,
                    justification: said.justification,
                    detail: said.detail.clone(),
                },
                timestamp,
                source: self.source.to_string(),
            });
        }
    }

    fn openvex(&mut self, doc: &openvex::Doc) {
        let doc_time = doc.last_updated.as_deref().or(doc.timestamp.as_deref());
        for (i, s) in doc.statements.iter().enumerate() {
            let what = format!("statement {}", i + 1);
            if s.status == VexStatus::NotAffected
                && s.justification.is_none()
                && s.impact_statement.is_none()
            {
                self.warn(
                    &what,
                    "not_affected without a justification or an impact_statement is invalid \
                     OpenVEX; not applied",
                );
                continue;
            }
            let v = &s.vulnerability;
            let ids = v
                .name
                .iter()
                .chain(v.aliases.iter())
                .chain(v.id.iter().filter(|id| !id.contains("://")))
                .cloned()
                .collect();
            let mut products = Vec::new();
            for p in &s.products {
                if p.subcomponents.is_empty() {
                    products.extend(p.component.purls());
                } else {
                    products.extend(p.subcomponents.iter().flat_map(openvex::Component::purls));
                }
            }
            let detail = match s.status {
                VexStatus::NotAffected => s.impact_statement.clone(),
                VexStatus::Affected => s.action_statement.clone(),
                _ => None,
            }
            .or_else(|| s.status_notes.clone());
            self.add(
                &what,
                Said {
                    ids,
                    products,
                    status: s.status,
                    justification: s.justification,
                    detail,
                    timestamp: s
                        .last_updated
                        .as_deref()
                        .or(s.timestamp.as_deref())
                        .or(doc_time),
                },
            );
        }
    }

    fn cyclonedx(&mut self, doc: &cyclonedx::Doc) {
        let mut refs: HashMap<&str, &str> = HashMap::new();
        let mut stack: Vec<&cyclonedx::Component> = doc.components.iter().collect();
        stack.extend(doc.metadata.as_ref().and_then(|m| m.component.as_ref()));
        while let Some(c) = stack.pop() {
            if let (Some(r), Some(p)) = (c.bom_ref.as_deref(), c.purl.as_deref()) {
                refs.insert(r, p);
            }
            stack.extend(c.components.iter());
        }
        let doc_time = doc.metadata.as_ref().and_then(|m| m.timestamp.as_deref());
        for (i, v) in doc.vulnerabilities.iter().enumerate() {
            let what = format!(
                "vulnerability {} ({})",
                i + 1,
                v.id.as_deref().unwrap_or("no id")
            );
            let Some(analysis) = &v.analysis else {
                self.warn(&what, "has no analysis, so it states nothing; not applied");
                continue;
            };
            let Some(state) = analysis.state else {
                self.warn(&what, "analysis has no state; not applied");
                continue;
            };
            let justification = match analysis.justification.as_deref() {
                Some(j) => {
                    let mapped = Justification::from_cyclonedx(j);
                    if mapped.is_none() {
                        self.warn(&what, format!("unknown justification `{j}`; ignored"));
                    }
                    mapped
                }
                None => None,
            };
            let mut products = Vec::new();
            for a in &v.affects {
                // A BOM-Link (`urn:cdx:serial/version#bom-ref`) names a bom-ref of another BOM.
                let r = a
                    .reference
                    .rsplit_once('#')
                    .map_or(a.reference.as_str(), |(_, f)| f);
                match refs.get(r) {
                    Some(purl) => products.push((*purl).to_string()),
                    None if r.starts_with("pkg:") => products.push(r.to_string()),
                    None => self.warn(
                        &what,
                        format!(
                            "affects `{}` names no component with a purl; skipped",
                            a.reference
                        ),
                    ),
                }
            }
            let detail = analysis.detail.clone().or_else(|| {
                (!analysis.response.is_empty())
                    .then(|| format!("Response: {}", analysis.response.join(", ")))
            });
            self.add(
                &what,
                Said {
                    ids: v
                        .id
                        .iter()
                        .cloned()
                        .chain(v.references.iter().map(|r| r.id.clone()))
                        .collect(),
                    products,
                    status: state.status(),
                    justification,
                    detail,
                    timestamp: analysis
                        .last_updated
                        .as_deref()
                        .or(analysis.first_issued.as_deref())
                        .or(v.updated.as_deref())
                        .or(v.published.as_deref())
                        .or(doc_time),
                },
            );
        }
    }

    fn csaf(&mut self, doc: &csaf::Doc) {
        let tree = doc.product_tree.as_ref();
        // product_id → purl: named products, branch leaves, then relationships, whose combined
        // product stands for the component it references.
        let mut purls: HashMap<&str, &str> = HashMap::new();
        let mut names: Vec<&csaf::FullProductName> = Vec::new();
        if let Some(t) = tree {
            names.extend(t.full_product_names.iter());
            let mut stack: Vec<&csaf::Branch> = t.branches.iter().collect();
            while let Some(b) = stack.pop() {
                names.extend(b.product.iter());
                stack.extend(b.branches.iter());
            }
            names.extend(t.relationships.iter().map(|r| &r.full_product_name));
        }
        for n in &names {
            if let Some(p) = n.purl() {
                purls.insert(&n.product_id, p);
            }
        }
        for r in tree.map(|t| t.relationships.as_slice()).unwrap_or_default() {
            if let Some(p) = purls.get(r.product_reference.as_str()).copied() {
                purls.entry(&r.full_product_name.product_id).or_insert(p);
            }
        }
        let groups: HashMap<&str, &[String]> = tree
            .map(|t| t.product_groups.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|g| (g.group_id.as_str(), g.product_ids.as_slice()))
            .collect();
        let covers = |product_ids: &[String], group_ids: &[String], pid: &str| {
            product_ids.iter().any(|p| p == pid)
                || group_ids
                    .iter()
                    .filter_map(|g| groups.get(g.as_str()))
                    .any(|ids| ids.iter().any(|p| p == pid))
        };
        let time = doc
            .document
            .tracking
            .as_ref()
            .and_then(|t| t.current_release_date.as_deref());
        let mut without_purl: Vec<&str> = Vec::new();
        for (i, v) in doc.vulnerabilities.iter().enumerate() {
            let ids: Vec<String> = v
                .cve
                .iter()
                .cloned()
                .chain(v.ids.iter().map(|x| x.text.clone()))
                .collect();
            let what = format!(
                "vulnerabilities[{i}] ({})",
                ids.first().map_or("no id", String::as_str)
            );
            let Some(ps) = &v.product_status else {
                continue;
            };
            for (list, status) in ps.lists() {
                for pid in list {
                    let Some(purl) = purls.get(pid.as_str()) else {
                        without_purl.push(pid.as_str());
                        continue;
                    };
                    let justification = v
                        .flags
                        .iter()
                        .find(|f| covers(&f.product_ids, &f.group_ids, pid))
                        .and_then(|f| {
                            let j = Justification::parse(&f.label);
                            if j.is_none() {
                                self.warn(&what, format!("unknown flag label `{}`", f.label));
                            }
                            j
                        });
                    let texts = |category: &str, items: &[csaf::Note]| -> Option<String> {
                        let found: Vec<&str> = items
                            .iter()
                            .filter(|t| t.category == category)
                            .filter(|t| covers(&t.product_ids, &t.group_ids, pid))
                            .map(|t| t.details.as_str())
                            .collect();
                        (!found.is_empty()).then(|| found.join(" "))
                    };
                    let detail = match status {
                        VexStatus::NotAffected => texts("impact", &v.threats),
                        VexStatus::Affected => [
                            "vendor_fix",
                            "mitigation",
                            "workaround",
                            "none_available",
                            "no_fix_planned",
                        ]
                        .iter()
                        .find_map(|c| texts(c, &v.remediations)),
                        _ => None,
                    };
                    if status == VexStatus::NotAffected
                        && justification.is_none()
                        && detail.is_none()
                    {
                        self.warn(
                            &what,
                            format!(
                                "{pid} is known_not_affected without a flag or an impact threat \
                                 (required by the CSAF VEX profile); not applied"
                            ),
                        );
                        continue;
                    }
                    self.add(
                        &what,
                        Said {
                            ids: ids.clone(),
                            products: vec![(*purl).to_string()],
                            status,
                            justification,
                            detail,
                            timestamp: time,
                        },
                    );
                }
            }
        }
        without_purl.sort_unstable();
        without_purl.dedup();
        if !without_purl.is_empty() {
            let shown: Vec<&str> = without_purl.iter().take(5).copied().collect();
            self.warn(
                "product_tree",
                format!(
                    "{} product id(s) have no product_identification_helper.purl ({}{}); their \
                     statements were not applied",
                    without_purl.len(),
                    shown.join(", "),
                    if without_purl.len() > shown.len() {
                        ", ..."
                    } else {
                        ""
                    }
                ),
            );
        }
    }
}

/// Applies the statements to open findings with a component: the latest matching statement
/// decides; `not_affected` and `fixed` set the finding's status. Returns the statements that
/// decided something, in input order.
pub fn apply(findings: &mut [Finding], input: &VexInput) -> Vec<VexUse> {
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, imp) in input.statements.iter().enumerate() {
        let s = &imp.statement;
        for id in std::iter::once(&s.vulnerability).chain(s.aliases.iter()) {
            by_id.entry(id.to_ascii_lowercase()).or_default().push(i);
        }
    }
    let mut uses: BTreeMap<usize, VexUse> = BTreeMap::new();
    for f in findings.iter_mut().filter(|f| f.status == Status::Open) {
        let Some(component) = f.component.as_deref() else {
            continue;
        };
        let mut candidates: Vec<usize> = std::iter::once(&f.code)
            .chain(f.aliases.iter())
            .filter_map(|id| by_id.get(&id.to_ascii_lowercase()))
            .flatten()
            .copied()
            .filter(|&i| purl_matches(&input.statements[i].statement.product, component))
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let Some(winner) = candidates
            .into_iter()
            .max_by_key(|&i| (input.statements[i].timestamp, i))
        else {
            continue;
        };
        let imp = &input.statements[winner];
        let s = &imp.statement;
        uses.entry(winner)
            .or_insert_with(|| VexUse {
                source: imp.source.clone(),
                vulnerability: s.vulnerability.clone(),
                product: s.product.clone(),
                status: s.status.openvex(),
                justification: s.justification.map(Justification::openvex),
                matched: Vec::new(),
            })
            .matched
            .push(f.fingerprint.clone());
        if s.status.settles() {
            f.status = Status::Vex {
                state: s.status.openvex().into(),
                justification: s.justification.map(|j| j.openvex().into()),
                detail: s.detail.clone(),
                source: imp.source.clone(),
            };
        }
    }
    uses.into_values().collect()
}

/// OpenVEX 0.2.0, the parts a statement needs.
mod openvex {
    use serde::Deserialize;

    use crate::vex::{Justification, VexStatus};

    #[derive(Deserialize)]
    pub struct Doc {
        pub timestamp: Option<String>,
        pub last_updated: Option<String>,
        #[serde(default)]
        pub statements: Vec<Statement>,
    }

    #[derive(Deserialize)]
    pub struct Statement {
        pub vulnerability: Vulnerability,
        #[serde(default)]
        pub products: Vec<Product>,
        pub status: VexStatus,
        pub justification: Option<Justification>,
        pub impact_statement: Option<String>,
        pub action_statement: Option<String>,
        pub status_notes: Option<String>,
        pub timestamp: Option<String>,
        pub last_updated: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Vulnerability {
        pub name: Option<String>,
        #[serde(rename = "@id")]
        pub id: Option<String>,
        #[serde(default)]
        pub aliases: Vec<String>,
    }

    #[derive(Deserialize)]
    pub struct Product {
        #[serde(flatten)]
        pub component: Component,
        #[serde(default)]
        pub subcomponents: Vec<Component>,
    }

    #[derive(Deserialize)]
    pub struct Component {
        #[serde(rename = "@id")]
        pub id: Option<String>,
        pub identifiers: Option<Identifiers>,
    }

    #[derive(Deserialize)]
    pub struct Identifiers {
        pub purl: Option<String>,
    }

    impl Component {
        /// The purls that name it: its `@id` when that is a purl, and `identifiers.purl`.
        pub fn purls(&self) -> Vec<String> {
            self.id
                .iter()
                .filter(|id| id.starts_with("pkg:"))
                .chain(self.identifiers.iter().filter_map(|i| i.purl.as_ref()))
                .cloned()
                .collect()
        }
    }
}

/// CycloneDX 1.4–1.7 JSON, the parts a VEX statement needs.
mod cyclonedx {
    use serde::Deserialize;

    use crate::vex::VexStatus;

    #[derive(Deserialize)]
    pub struct Doc {
        #[serde(rename = "specVersion")]
        pub spec_version: String,
        pub metadata: Option<Metadata>,
        #[serde(default)]
        pub components: Vec<Component>,
        #[serde(default)]
        pub vulnerabilities: Vec<Vulnerability>,
    }

    #[derive(Deserialize)]
    pub struct Metadata {
        pub timestamp: Option<String>,
        pub component: Option<Component>,
    }

    #[derive(Deserialize)]
    pub struct Component {
        #[serde(rename = "bom-ref")]
        pub bom_ref: Option<String>,
        pub purl: Option<String>,
        #[serde(default)]
        pub components: Vec<Component>,
    }

    #[derive(Deserialize)]
    pub struct Vulnerability {
        pub id: Option<String>,
        #[serde(default)]
        pub references: Vec<Reference>,
        pub analysis: Option<Analysis>,
        #[serde(default)]
        pub affects: Vec<Affects>,
        pub updated: Option<String>,
        pub published: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Reference {
        pub id: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Analysis {
        pub state: Option<State>,
        pub justification: Option<String>,
        #[serde(default)]
        pub response: Vec<String>,
        pub detail: Option<String>,
        pub first_issued: Option<String>,
        pub last_updated: Option<String>,
    }

    #[derive(Clone, Copy, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum State {
        Resolved,
        ResolvedWithPedigree,
        Exploitable,
        InTriage,
        FalsePositive,
        NotAffected,
    }

    impl State {
        pub fn status(self) -> VexStatus {
            match self {
                State::Resolved | State::ResolvedWithPedigree => VexStatus::Fixed,
                State::Exploitable => VexStatus::Affected,
                State::InTriage => VexStatus::UnderInvestigation,
                State::FalsePositive | State::NotAffected => VexStatus::NotAffected,
            }
        }
    }

    #[derive(Deserialize)]
    pub struct Affects {
        #[serde(rename = "ref")]
        pub reference: String,
    }
}

/// CSAF 2.0, the parts a VEX statement needs.
mod csaf {
    use serde::Deserialize;

    use crate::vex::VexStatus;

    #[derive(Deserialize)]
    pub struct Doc {
        pub document: Document,
        pub product_tree: Option<ProductTree>,
        #[serde(default)]
        pub vulnerabilities: Vec<Vulnerability>,
    }

    #[derive(Deserialize)]
    pub struct Document {
        pub csaf_version: String,
        pub tracking: Option<Tracking>,
    }

    #[derive(Deserialize)]
    pub struct Tracking {
        pub current_release_date: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct ProductTree {
        #[serde(default)]
        pub branches: Vec<Branch>,
        #[serde(default)]
        pub full_product_names: Vec<FullProductName>,
        #[serde(default)]
        pub relationships: Vec<Relationship>,
        #[serde(default)]
        pub product_groups: Vec<ProductGroup>,
    }

    #[derive(Deserialize)]
    pub struct Branch {
        #[serde(default)]
        pub branches: Vec<Branch>,
        pub product: Option<FullProductName>,
    }

    #[derive(Deserialize)]
    pub struct FullProductName {
        pub product_id: String,
        pub product_identification_helper: Option<Helper>,
    }

    #[derive(Deserialize)]
    pub struct Helper {
        pub purl: Option<String>,
    }

    impl FullProductName {
        pub fn purl(&self) -> Option<&str> {
            self.product_identification_helper.as_ref()?.purl.as_deref()
        }
    }

    #[derive(Deserialize)]
    pub struct Relationship {
        pub full_product_name: FullProductName,
        pub product_reference: String,
    }

    #[derive(Deserialize)]
    pub struct ProductGroup {
        pub group_id: String,
        pub product_ids: Vec<String>,
    }

    #[derive(Deserialize)]
    pub struct Vulnerability {
        pub cve: Option<String>,
        #[serde(default)]
        pub ids: Vec<Id>,
        pub product_status: Option<ProductStatus>,
        #[serde(default)]
        pub flags: Vec<Flag>,
        #[serde(default)]
        pub threats: Vec<Note>,
        #[serde(default)]
        pub remediations: Vec<Note>,
    }

    #[derive(Deserialize)]
    pub struct Id {
        pub text: String,
    }

    #[derive(Deserialize)]
    pub struct Flag {
        pub label: String,
        #[serde(default)]
        pub product_ids: Vec<String>,
        #[serde(default)]
        pub group_ids: Vec<String>,
    }

    /// A threat or a remediation: a category and text for some products.
    #[derive(Deserialize)]
    pub struct Note {
        pub category: String,
        pub details: String,
        #[serde(default)]
        pub product_ids: Vec<String>,
        #[serde(default)]
        pub group_ids: Vec<String>,
    }

    #[derive(Default, Deserialize)]
    #[serde(default)]
    pub struct ProductStatus {
        pub known_not_affected: Vec<String>,
        pub fixed: Vec<String>,
        pub first_fixed: Vec<String>,
        pub known_affected: Vec<String>,
        pub first_affected: Vec<String>,
        pub last_affected: Vec<String>,
        pub under_investigation: Vec<String>,
    }

    impl ProductStatus {
        /// Every list with the status it states (`recommended` states none).
        pub fn lists(&self) -> [(&[String], VexStatus); 7] {
            [
                (&self.known_not_affected, VexStatus::NotAffected),
                (&self.fixed, VexStatus::Fixed),
                (&self.first_fixed, VexStatus::Fixed),
                (&self.known_affected, VexStatus::Affected),
                (&self.first_affected, VexStatus::Affected),
                (&self.last_affected, VexStatus::Affected),
                (&self.under_investigation, VexStatus::UnderInvestigation),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proven_model::SeverityLevel;

    fn fixture(name: &str) -> VexInput {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/vex")
            .join(name);
        let text = std::fs::read_to_string(&path).expect("fixture");
        parse(&text, name).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn finding(code: &str, aliases: &[&str], purl: &str) -> Finding {
        let mut f = crate::policy::tests::vuln(code, SeverityLevel::High);
        f.aliases = aliases.iter().map(|a| a.to_string()).collect();
        f.component = Some(purl.into());
        f.fingerprint = format!("{code}|{purl}");
        f
    }

    fn summary(input: &VexInput) -> Vec<(String, String, VexStatus)> {
        input
            .statements
            .iter()
            .map(|i| {
                (
                    i.statement.vulnerability.clone(),
                    i.statement.product.clone(),
                    i.statement.status,
                )
            })
            .collect()
    }

    fn state(f: &Finding) -> Option<(&str, Option<&str>)> {
        match &f.status {
            Status::Vex {
                state,
                justification,
                ..
            } => Some((state.as_str(), justification.as_deref())),
            _ => None,
        }
    }

    #[test]
    fn openvex_statements_subcomponents_and_the_latest_statement() {
        let input = fixture("openvex.json");
        assert_eq!(
            summary(&input),
            vec![
                (
                    "CVE-2099-0001".into(),
                    "pkg:cargo/itoa@1.0.11".into(),
                    VexStatus::Affected
                ),
                (
                    "CVE-2099-0001".into(),
                    "pkg:cargo/itoa@1.0.11".into(),
                    VexStatus::NotAffected
                ),
                (
                    "GHSA-aaaa-bbbb-cccc".into(),
                    "pkg:npm/%40acme/left-pad@1.3.0".into(),
                    VexStatus::Fixed
                ),
                (
                    "GHSA-aaaa-bbbb-cccc".into(),
                    "pkg:pypi/requests@2.31.0".into(),
                    VexStatus::Fixed
                ),
                (
                    "CVE-2099-0003".into(),
                    "pkg:cargo/serde".into(),
                    VexStatus::UnderInvestigation
                ),
            ]
        );
        assert_eq!(
            input.statements[0].statement.aliases,
            vec!["RUSTSEC-2099-0001"]
        );
        // The fixed statement has no time of its own: the document's.
        assert_eq!(
            input.statements[2].timestamp,
            Timestamp::parse("2099-01-02T10:00:00Z")
        );
        assert_eq!(input.warnings.len(), 1, "{:?}", input.warnings);
        assert!(
            input.warnings[0].contains("statement 4")
                && input.warnings[0].contains("without a justification"),
            "{:?}",
            input.warnings
        );

        let mut findings = vec![
            finding(
                "CVE-2099-0001",
                &["RUSTSEC-2099-0001"],
                "pkg:cargo/itoa@1.0.11",
            ),
            finding(
                "CVE-2099-0009",
                &["GHSA-aaaa-bbbb-cccc"],
                "pkg:npm/%40acme/left-pad@1.3.0",
            ),
            finding("CVE-2099-0003", &[], "pkg:cargo/serde@1.0.200"),
            finding("CVE-2099-0001", &[], "pkg:cargo/itoa@1.0.10"),
            finding("GHSA-aaaa-bbbb-cccc", &[], "pkg:pypi/requests@2.31.0"),
        ];
        let uses = apply(&mut findings, &input);
        // Both itoa statements are dated 09:00 UTC (one written +01:00): the later one wins.
        assert_eq!(
            state(&findings[0]),
            Some(("not_affected", Some("vulnerable_code_not_in_execute_path")))
        );
        let Status::Vex { detail, source, .. } = &findings[0].status else {
            panic!("settled by VEX");
        };
        assert_eq!(source, "openvex.json");
        assert!(detail
            .as_deref()
            .is_some_and(|d| d.contains("never called")));
        assert_eq!(state(&findings[1]), Some(("fixed", None)));
        assert_eq!(
            findings[2].status,
            Status::Open,
            "under investigation stays open"
        );
        assert_eq!(findings[3].status, Status::Open, "another version");
        assert_eq!(state(&findings[4]), Some(("fixed", None)));
        let decided: Vec<(&str, usize)> =
            uses.iter().map(|u| (u.status, u.matched.len())).collect();
        assert_eq!(
            decided,
            vec![
                ("not_affected", 1),
                ("fixed", 1),
                ("fixed", 1),
                ("under_investigation", 1)
            ]
        );
    }

    #[test]
    fn a_later_statement_reopens() {
        let text = r#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2099-01-01T00:00:00Z","version":1,
          "statements":[
            {"vulnerability":{"name":"CVE-2099-0001"},"products":[{"@id":"pkg:cargo/itoa"}],"status":"affected","action_statement":"upgrade","timestamp":"2099-05-01T00:00:00Z"},
            {"vulnerability":{"name":"CVE-2099-0001"},"products":[{"@id":"pkg:cargo/itoa@1.0.11"}],"status":"not_affected","justification":"component_not_present","timestamp":"2099-04-01T00:00:00Z"}]}"#;
        let input = parse(text, "later.json").expect("valid");
        let mut findings = vec![finding("CVE-2099-0001", &[], "pkg:cargo/itoa@1.0.11")];
        let uses = apply(&mut findings, &input);
        assert_eq!(findings[0].status, Status::Open, "the May statement wins");
        assert_eq!(uses[0].status, "affected");
    }

    #[test]
    fn cyclonedx_bom_refs_bom_links_and_states() {
        let input = fixture("cyclonedx.json");
        assert_eq!(
            summary(&input),
            vec![
                (
                    "CVE-2099-0001".into(),
                    "pkg:cargo/itoa@1.0.11".into(),
                    VexStatus::NotAffected
                ),
                (
                    "CVE-2099-0004".into(),
                    "pkg:cargo/nested@0.1.0".into(),
                    VexStatus::Affected
                ),
                (
                    "CVE-2099-0005".into(),
                    "pkg:golang/example.com/mod@v1.2.3".into(),
                    VexStatus::Fixed
                ),
            ]
        );
        let first = &input.statements[0];
        assert_eq!(first.statement.aliases, vec!["RUSTSEC-2099-0001"]);
        assert_eq!(
            first.statement.justification,
            Some(Justification::VulnerableCodeNotInExecutePath)
        );
        assert_eq!(first.timestamp, Timestamp::parse("2099-02-03T00:00:00Z"));
        assert_eq!(
            input.statements[1].statement.detail.as_deref(),
            Some("Response: update")
        );
        assert_eq!(
            input.statements[2].timestamp,
            Timestamp::parse("2099-02-01T00:00:00Z"),
            "metadata.timestamp"
        );
        assert_eq!(input.warnings.len(), 2, "{:?}", input.warnings);
        assert!(input.warnings[0].contains("acme-gateway"));
        assert!(
            input.warnings[1].contains("CVE-2099-0006")
                && input.warnings[1].contains("no analysis")
        );

        let mut findings = vec![
            finding("RUSTSEC-2099-0001", &[], "pkg:cargo/itoa@1.0.11"),
            finding("CVE-2099-0004", &[], "pkg:cargo/nested@0.1.0"),
        ];
        apply(&mut findings, &input);
        assert_eq!(
            state(&findings[0]),
            Some(("not_affected", Some("vulnerable_code_not_in_execute_path"))),
            "matched through the alias"
        );
        assert_eq!(findings[1].status, Status::Open, "exploitable stays open");
    }

    #[test]
    fn csaf_branches_relationships_groups_flags_and_threats() {
        let input = fixture("csaf.json");
        assert_eq!(
            summary(&input),
            vec![
                (
                    "CVE-2099-0001".into(),
                    "pkg:cargo/itoa@1.0.11".into(),
                    VexStatus::NotAffected
                ),
                (
                    "CVE-2099-0007".into(),
                    "pkg:deb/debian/openssl@3.0.11?distro=debian-12".into(),
                    VexStatus::Fixed
                ),
                (
                    "CVE-2099-0007".into(),
                    "pkg:deb/debian/zlib1g@1.2.13".into(),
                    VexStatus::Affected
                ),
            ]
        );
        let itoa = &input.statements[0].statement;
        assert_eq!(itoa.aliases, vec!["RUSTSEC-2099-0001"]);
        assert_eq!(
            itoa.justification,
            Some(Justification::VulnerableCodeNotInExecutePath)
        );
        assert!(itoa
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("never formats")));
        assert_eq!(
            input.statements[2].statement.detail.as_deref(),
            Some("Upgrade zlib1g to 1.2.14."),
            "remediation through the product group"
        );
        assert_eq!(
            input.statements[0].timestamp,
            Timestamp::parse("2099-03-01T00:00:00Z")
        );
        assert_eq!(input.warnings.len(), 2, "{:?}", input.warnings);
        assert!(input.warnings[0].contains("ZLIB is known_not_affected without a flag"));
        assert!(
            input.warnings[1].contains("1 product id(s)") && input.warnings[1].contains("GW-2.1")
        );

        let mut findings = vec![
            finding(
                "CVE-2099-0007",
                &[],
                "pkg:deb/debian/openssl@3.0.11?arch=amd64&distro=debian-12",
            ),
            finding(
                "CVE-2099-0007",
                &[],
                "pkg:deb/debian/openssl@3.0.11?distro=debian-11",
            ),
        ];
        apply(&mut findings, &input);
        assert_eq!(
            state(&findings[0]),
            Some(("fixed", None)),
            "arch left out of the VEX purl"
        );
        assert_eq!(findings[1].status, Status::Open, "another distro");
    }

    #[test]
    fn broken_documents_name_file_line_and_column() {
        let err = parse("{\n  \"statements\": [\n", "a.json").expect_err("truncated");
        let msg = err.to_string();
        assert!(msg.starts_with("a.json:3:"), "{msg}");
        let bad_status = "{\"@context\": \"https://openvex.dev/ns/v0.2.0\",\n \"statements\": [{\"vulnerability\": {\"name\": \"CVE-1\"}, \"status\": \"maybe\"}]}";
        let msg = parse(bad_status, "b.json")
            .expect_err("bad status")
            .to_string();
        assert!(
            msg.starts_with("b.json:2:") && msg.contains("maybe") && msg.contains("OpenVEX"),
            "{msg}"
        );
        let msg = parse(
            "{\"bomFormat\": \"CycloneDX\",\n\"specVersion\": \"1.2\"}",
            "c.json",
        )
        .expect_err("old CycloneDX")
        .to_string();
        assert!(
            msg.starts_with("c.json:2:1:") && msg.contains("1.2"),
            "{msg}"
        );
        let msg = parse("{\"hello\": 1}", "d.json")
            .expect_err("not VEX")
            .to_string();
        assert!(msg.contains("not a VEX document"), "{msg}");
        let (input, errors) = read_files(
            &[PathBuf::from("missing.json"), PathBuf::from("openvex.json")],
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vex"),
        );
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("missing.json"));
        assert_eq!(input.statements.len(), 5, "the readable file is still read");
    }
}
