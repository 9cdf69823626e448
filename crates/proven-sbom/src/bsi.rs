//! Conformance of an SBOM to BSI TR-03183-2 v2.1.0 (§5.2): for each data field, how many
//! components carry it, and whether every required one is there.
//!
//! Field mapping to CycloneDX follows the TR's appendix as published (creator in
//! `manufacturer.url` / `manufacturer.contact[].email`; the BSI property taxonomy
//! `bsi:component:filename|executable|archive|structured`; distribution licences as licences
//! acknowledged `concluded`, original licences as `declared`; the SHA-512 of the deployable file in
//! the `distribution` external reference, also accepted in `hashes`; completeness in
//! `compositions`). SPDX 2.3 documents are read too, but the TR no longer accepts SPDX 2, so they
//! fail the format field.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::license;
use crate::read::{self, Detected, SbomError};
use crate::util::{is_email, is_url};

/// Whether the TR requires a field, or requires it only where it exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BsiLevel {
    /// MUST be present (§5.2.1, §5.2.2).
    Required,
    /// MUST be present if it exists (§5.2.3, §5.2.4): reported, never failing.
    Additional,
}

/// One data field of the TR and how many components carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BsiField {
    /// The TR's name for the field.
    pub field: &'static str,
    /// `sbom` for document-level fields, `component` for per-component ones.
    pub scope: &'static str,
    pub level: BsiLevel,
    /// Where it was looked for.
    pub mapping: &'static str,
    /// Components (or, for document fields, 0 or 1) that carry it.
    pub present: usize,
    pub total: usize,
    pub passed: bool,
    /// References (bom-ref, else name@version) of components that lack it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// The outcome of `check_bsi`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BsiReport {
    pub guideline: &'static str,
    /// `CycloneDX 1.6`, `SPDX 2.3`, ...
    pub format: String,
    pub components: usize,
    pub fields: Vec<BsiField>,
    /// True when every required field is carried by the document and every component.
    pub passed: bool,
}

impl BsiReport {
    /// Required fields that are missing somewhere.
    pub fn failures(&self) -> impl Iterator<Item = &BsiField> {
        self.fields.iter().filter(|f| !f.passed)
    }

    /// A table for people: one row per field, then the components missing each failed field.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {} with {} components",
            self.guideline, self.format, self.components
        );
        let width = self.fields.iter().map(|f| f.field.len()).max().unwrap_or(5);
        let _ = writeln!(
            out,
            "{:<width$}  {:<9}  {:<10}  {:>11}  RESULT",
            "FIELD", "SCOPE", "LEVEL", "PRESENT"
        );
        for f in &self.fields {
            let level = match f.level {
                BsiLevel::Required => "required",
                BsiLevel::Additional => "additional",
            };
            let result = match (f.passed, f.level) {
                (true, _) => "ok",
                (false, BsiLevel::Required) => "MISSING",
                (false, BsiLevel::Additional) => "-",
            };
            let _ = writeln!(
                out,
                "{:<width$}  {:<9}  {:<10}  {:>11}  {result}",
                f.field,
                f.scope,
                level,
                format!("{}/{}", f.present, f.total)
            );
        }
        for f in self.failures() {
            if f.missing.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\nmissing {} ({}):", f.field, f.mapping);
            for m in f.missing.iter().take(50) {
                let _ = writeln!(out, "  {m}");
            }
            if f.missing.len() > 50 {
                let _ = writeln!(out, "  ... and {} more", f.missing.len() - 50);
            }
        }
        let _ = writeln!(
            out,
            "\n{}",
            if self.passed {
                "passed: every required field is present"
            } else {
                "failed: required fields are missing"
            }
        );
        out
    }

    /// The report as pretty JSON.
    pub fn render_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("the report always serializes");
        s.push('\n');
        s
    }
}

const GUIDELINE: &str = "BSI TR-03183-2 v2.1.0";

struct Check<'a> {
    fields: Vec<BsiField>,
    labels: &'a [String],
}

impl Check<'_> {
    fn document(&mut self, field: &'static str, level: BsiLevel, mapping: &'static str, ok: bool) {
        self.fields.push(BsiField {
            field,
            scope: "sbom",
            level,
            mapping,
            present: usize::from(ok),
            total: 1,
            passed: ok || level == BsiLevel::Additional,
            missing: Vec::new(),
        });
    }

    fn per_component(
        &mut self,
        field: &'static str,
        level: BsiLevel,
        mapping: &'static str,
        has: impl Iterator<Item = bool>,
    ) {
        let mut present = 0;
        let mut missing = Vec::new();
        for (ok, label) in has.zip(self.labels) {
            if ok {
                present += 1;
            } else {
                missing.push(label.clone());
            }
        }
        let passed = missing.is_empty() || level == BsiLevel::Additional;
        self.fields.push(BsiField {
            field,
            scope: "component",
            level,
            mapping,
            present,
            total: self.labels.len(),
            passed,
            missing: if level == BsiLevel::Required {
                missing
            } else {
                Vec::new()
            },
        });
    }

    fn finish(self, format: String) -> BsiReport {
        let passed = self.fields.iter().all(|f| f.passed);
        BsiReport {
            guideline: GUIDELINE,
            format,
            components: self.labels.len(),
            fields: self.fields,
            passed,
        }
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b't')
        && b[13] == b':'
        && b[16] == b':'
        && (s.ends_with('Z') || s.ends_with('z') || s[19..].contains(['+', '-']))
}

/// An organizational entity with an e-mail contact or a URL.
fn cdx_contact(entity: &Value) -> bool {
    arr(entity, "url")
        .iter()
        .filter_map(Value::as_str)
        .any(is_url)
        || arr(entity, "contact")
            .iter()
            .filter_map(|c| str_of(c, "email"))
            .any(is_email)
}

fn cdx_creator(c: &Value) -> bool {
    c.get("manufacturer").is_some_and(cdx_contact)
        || arr(c, "authors")
            .iter()
            .filter_map(|a| str_of(a, "email"))
            .any(is_email)
}

fn cdx_property<'a>(c: &'a Value, name: &str) -> Option<&'a str> {
    arr(c, "properties")
        .iter()
        .find(|p| str_of(p, "name") == Some(name))
        .and_then(|p| str_of(p, "value"))
}

fn valid_license(text: &str) -> bool {
    let l = license::normalise(text);
    l.is_spdx || text.contains("LicenseRef-")
}

/// A licence with the given acknowledgement that is an SPDX id or expression. Licences without an
/// acknowledgement (CycloneDX before 1.6) count as declared.
fn cdx_license(c: &Value, acknowledgement: &str) -> bool {
    arr(c, "licenses").iter().any(|l| {
        let (text, ack) = match l.get("license") {
            Some(li) => (str_of(li, "id"), str_of(li, "acknowledgement")),
            None => (str_of(l, "expression"), str_of(l, "acknowledgement")),
        };
        ack.unwrap_or("declared") == acknowledgement && text.is_some_and(valid_license)
    })
}

fn sha512(hashes: &[Value]) -> bool {
    hashes.iter().any(|h| {
        str_of(h, "alg") == Some("SHA-512")
            && str_of(h, "content")
                .is_some_and(|c| c.len() == 128 && c.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

fn ext_ref<'a>(c: &'a Value, ty: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    arr(c, "externalReferences")
        .iter()
        .filter(move |r| str_of(r, "type") == Some(ty))
}

fn check_cyclonedx(doc: &Value, minor: u8) -> BsiReport {
    let metadata = doc.get("metadata").unwrap_or(&Value::Null);
    let mut components: Vec<&Value> = Vec::new();
    let mut stack: Vec<&Value> = arr(doc, "components").iter().rev().collect();
    while let Some(c) = stack.pop() {
        components.push(c);
        stack.extend(arr(c, "components").iter().rev());
    }
    let labels: Vec<String> = components
        .iter()
        .map(|c| {
            str_of(c, "bom-ref").map(str::to_string).unwrap_or_else(|| {
                format!(
                    "{}@{}",
                    str_of(c, "name").unwrap_or("(no name)"),
                    str_of(c, "version").unwrap_or("")
                )
            })
        })
        .collect();
    let dependency_refs: BTreeSet<&str> = arr(doc, "dependencies")
        .iter()
        .filter_map(|d| str_of(d, "ref"))
        .collect();
    let composed: BTreeSet<&str> = arr(doc, "compositions")
        .iter()
        .filter(|c| str_of(c, "aggregate").is_some_and(|a| a != "not_specified"))
        .flat_map(|c| arr(c, "assemblies").iter().chain(arr(c, "dependencies")))
        .filter_map(Value::as_str)
        .collect();

    let mut check = Check {
        fields: Vec::new(),
        labels: &labels,
    };
    let r = BsiLevel::Required;
    let a = BsiLevel::Additional;
    check.document("SBOM format", r, "CycloneDX 1.6 or later", minor >= 6);
    check.document(
        "Creator of the SBOM",
        r,
        "metadata.manufacturer.url or .contact[].email (or metadata.authors[].email)",
        metadata.get("manufacturer").is_some_and(cdx_contact)
            || arr(metadata, "authors")
                .iter()
                .filter_map(|x| str_of(x, "email"))
                .any(is_email),
    );
    check.document(
        "Timestamp",
        r,
        "metadata.timestamp (RFC 3339)",
        str_of(metadata, "timestamp").is_some_and(is_rfc3339),
    );
    check.document(
        "No vulnerability information",
        r,
        "no vulnerabilities[] in the SBOM (§5.1)",
        arr(doc, "vulnerabilities").is_empty(),
    );
    check.document(
        "SBOM-URI",
        a,
        "serialNumber",
        str_of(doc, "serialNumber").is_some(),
    );
    let primary = metadata.get("component");
    check.document(
        "Primary component",
        r,
        "metadata.component with name and version",
        primary.is_some_and(|p| str_of(p, "name").is_some() && str_of(p, "version").is_some()),
    );
    check.document(
        "Primary component creator",
        r,
        "metadata.component.manufacturer.url or .contact[].email",
        primary.is_some_and(cdx_creator),
    );

    let cs = || components.iter().copied();
    check.per_component(
        "Component creator",
        r,
        "manufacturer.url or manufacturer.contact[].email (or authors[].email)",
        cs().map(cdx_creator),
    );
    check.per_component(
        "Component name",
        r,
        "name",
        cs().map(|c| str_of(c, "name").is_some()),
    );
    check.per_component(
        "Component version",
        r,
        "version",
        cs().map(|c| str_of(c, "version").is_some()),
    );
    check.per_component(
        "Filename of the component",
        r,
        "property bsi:component:filename",
        cs().map(|c| cdx_property(c, "bsi:component:filename").is_some()),
    );
    check.per_component(
        "Dependencies on other components",
        r,
        "a dependencies[] entry, and a compositions[] entry stating completeness",
        cs().map(|c| {
            str_of(c, "bom-ref")
                .is_some_and(|r| dependency_refs.contains(r) && composed.contains(r))
        }),
    );
    check.per_component(
        "Distribution licences",
        r,
        "licenses[] acknowledged \"concluded\", SPDX id or expression",
        cs().map(|c| cdx_license(c, "concluded")),
    );
    check.per_component(
        "Hash value of the deployable component",
        r,
        "SHA-512 in externalReferences[type=distribution].hashes (or hashes)",
        cs().map(|c| {
            ext_ref(c, "distribution").any(|e| sha512(arr(e, "hashes"))) || sha512(arr(c, "hashes"))
        }),
    );
    check.per_component(
        "Executable property",
        r,
        "property bsi:component:executable = executable | non-executable",
        cs().map(|c| {
            matches!(
                cdx_property(c, "bsi:component:executable"),
                Some("executable" | "non-executable")
            )
        }),
    );
    check.per_component(
        "Archive property",
        r,
        "property bsi:component:archive = archive | no archive",
        cs().map(|c| {
            matches!(
                cdx_property(c, "bsi:component:archive"),
                Some("archive" | "no archive")
            )
        }),
    );
    check.per_component(
        "Structured property",
        r,
        "property bsi:component:structured = structured | unstructured",
        cs().map(|c| {
            matches!(
                cdx_property(c, "bsi:component:structured"),
                Some("structured" | "unstructured")
            )
        }),
    );
    check.per_component(
        "Source code URI",
        a,
        "externalReferences[type=source-distribution or vcs].url",
        cs().map(|c| {
            ext_ref(c, "source-distribution")
                .chain(ext_ref(c, "vcs"))
                .next()
                .is_some()
        }),
    );
    check.per_component(
        "URI of the deployable form",
        a,
        "externalReferences[type=distribution].url",
        cs().map(|c| ext_ref(c, "distribution").next().is_some()),
    );
    check.per_component(
        "Other unique identifiers",
        a,
        "purl, cpe or swid.tagId",
        cs().map(|c| {
            str_of(c, "purl").is_some()
                || str_of(c, "cpe").is_some()
                || c.get("swid").is_some_and(|s| str_of(s, "tagId").is_some())
        }),
    );
    check.per_component(
        "Original licences",
        a,
        "licenses[] acknowledged \"declared\", SPDX id or expression",
        cs().map(|c| cdx_license(c, "declared")),
    );
    check.finish(format!("CycloneDX 1.{minor}"))
}

fn check_spdx23(doc: &Value) -> BsiReport {
    let packages: Vec<&Value> = arr(doc, "packages").iter().collect();
    let labels: Vec<String> = packages
        .iter()
        .map(|p| str_of(p, "SPDXID").unwrap_or("(no SPDXID)").to_string())
        .collect();
    let related: BTreeSet<&str> = arr(doc, "relationships")
        .iter()
        .filter(|r| {
            str_of(r, "relationshipType").is_some_and(|t| t == "DEPENDS_ON" || t.ends_with("_OF"))
        })
        .flat_map(|r| [str_of(r, "spdxElementId"), str_of(r, "relatedSpdxElement")])
        .flatten()
        .collect();
    let creation = doc.get("creationInfo").unwrap_or(&Value::Null);
    let mut check = Check {
        fields: Vec::new(),
        labels: &labels,
    };
    let r = BsiLevel::Required;
    check.document(
        "SBOM format",
        r,
        "SPDX 3.0.1 or later (SPDX 2 is not accepted by v2.1.0)",
        false,
    );
    check.document(
        "Creator of the SBOM",
        r,
        "creationInfo.creators with an e-mail address",
        arr(creation, "creators")
            .iter()
            .filter_map(Value::as_str)
            .any(|c| c.contains('@') || c.contains("://")),
    );
    check.document(
        "Timestamp",
        r,
        "creationInfo.created",
        str_of(creation, "created").is_some_and(is_rfc3339),
    );
    let ps = || packages.iter().copied();
    check.per_component(
        "Component creator",
        r,
        "originator with an e-mail address",
        ps().map(|p| str_of(p, "originator").is_some_and(|o| o.contains('@'))),
    );
    check.per_component(
        "Component name",
        r,
        "name",
        ps().map(|p| str_of(p, "name").is_some()),
    );
    check.per_component(
        "Component version",
        r,
        "versionInfo",
        ps().map(|p| str_of(p, "versionInfo").is_some()),
    );
    check.per_component(
        "Filename of the component",
        r,
        "packageFileName",
        ps().map(|p| str_of(p, "packageFileName").is_some()),
    );
    check.per_component(
        "Dependencies on other components",
        r,
        "a dependency relationship",
        ps().map(|p| str_of(p, "SPDXID").is_some_and(|id| related.contains(id))),
    );
    check.per_component(
        "Distribution licences",
        r,
        "licenseConcluded",
        ps().map(|p| {
            str_of(p, "licenseConcluded").is_some_and(|l| l != "NOASSERTION" && l != "NONE")
        }),
    );
    check.per_component(
        "Hash value of the deployable component",
        r,
        "checksums[algorithm=SHA512]",
        ps().map(|p| {
            arr(p, "checksums")
                .iter()
                .any(|c| str_of(c, "algorithm") == Some("SHA512"))
        }),
    );
    check.finish("SPDX 2.3".into())
}

/// Checks an SBOM against the data fields of BSI TR-03183-2 v2.1.0.
pub fn check_bsi(bytes: &[u8]) -> Result<BsiReport, SbomError> {
    let origin = "SBOM";
    let detected = read::detect(bytes, origin)?;
    let doc: Value =
        serde_json::from_slice(read::strip_bom(bytes)).map_err(|e| read::json_error(origin, e))?;
    match detected {
        Detected::CycloneDx(minor) => Ok(check_cyclonedx(&doc, minor)),
        Detected::Spdx23 => Ok(check_spdx23(&doc)),
        Detected::Spdx3 => Err(SbomError::UnsupportedVersion {
            origin: origin.into(),
            format: "SPDX",
            version: "3".into(),
            expected: "CycloneDX JSON (the BSI check of SPDX 3 is not implemented yet)",
        }),
    }
}
