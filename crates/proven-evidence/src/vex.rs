//! VEX out of one decision record: every vulnerability finding on every component, with what was
//! decided about it, rendered as CycloneDX 1.6 VEX, OpenVEX 0.2.0 and CSAF 2.0 VEX. The same
//! [`Statement`] is what `vex_in` reads from other people's VEX documents.

use proven_model::date::rfc3339;
use proven_model::{Finding, FindingKind, Status};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// What is known about one vulnerability in one component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub vulnerability: String,
    pub aliases: Vec<String>,
    /// Purl of the component; read from a VEX document it may lack a version (every version).
    pub product: String,
    pub status: VexStatus,
    pub justification: Option<Justification>,
    /// Free text: why not affected (impact statement), or what to do (action statement).
    pub detail: Option<String>,
}

/// The VEX status, in OpenVEX words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VexStatus {
    NotAffected,
    Affected,
    Fixed,
    UnderInvestigation,
}

impl VexStatus {
    /// The OpenVEX word (also what a finding's VEX status records).
    pub fn openvex(self) -> &'static str {
        match self {
            VexStatus::NotAffected => "not_affected",
            VexStatus::Affected => "affected",
            VexStatus::Fixed => "fixed",
            VexStatus::UnderInvestigation => "under_investigation",
        }
    }

    fn cyclonedx(self) -> &'static str {
        match self {
            VexStatus::NotAffected => "not_affected",
            VexStatus::Affected => "exploitable",
            VexStatus::Fixed => "resolved",
            VexStatus::UnderInvestigation => "in_triage",
        }
    }

    /// Parses an OpenVEX or CycloneDX word.
    pub fn parse(s: &str) -> Option<VexStatus> {
        match s {
            "not_affected" | "false_positive" => Some(VexStatus::NotAffected),
            "affected" | "exploitable" => Some(VexStatus::Affected),
            "fixed" | "resolved" | "resolved_with_pedigree" => Some(VexStatus::Fixed),
            "under_investigation" | "in_triage" => Some(VexStatus::UnderInvestigation),
            _ => None,
        }
    }

    /// Whether the finding no longer counts against the gate.
    pub fn settles(self) -> bool {
        matches!(self, VexStatus::NotAffected | VexStatus::Fixed)
    }
}

/// Why a component is not affected: the OpenVEX justifications, which are also CSAF's flag labels.
/// CycloneDX's finer words map onto them when read (see [`Justification::from_cyclonedx`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    ComponentNotPresent,
    VulnerableCodeNotPresent,
    VulnerableCodeNotInExecutePath,
    VulnerableCodeCannotBeControlledByAdversary,
    InlineMitigationsAlreadyExist,
}

impl Justification {
    const ALL: [Justification; 5] = [
        Justification::ComponentNotPresent,
        Justification::VulnerableCodeNotPresent,
        Justification::VulnerableCodeNotInExecutePath,
        Justification::VulnerableCodeCannotBeControlledByAdversary,
        Justification::InlineMitigationsAlreadyExist,
    ];

    /// The OpenVEX word, which is also the CSAF flag label.
    pub fn openvex(self) -> &'static str {
        match self {
            Justification::ComponentNotPresent => "component_not_present",
            Justification::VulnerableCodeNotPresent => "vulnerable_code_not_present",
            Justification::VulnerableCodeNotInExecutePath => "vulnerable_code_not_in_execute_path",
            Justification::VulnerableCodeCannotBeControlledByAdversary => {
                "vulnerable_code_cannot_be_controlled_by_adversary"
            }
            Justification::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
        }
    }

    /// Parses an OpenVEX justification or CSAF flag label.
    pub fn parse(s: &str) -> Option<Justification> {
        Justification::ALL.into_iter().find(|j| j.openvex() == s)
    }

    /// The CycloneDX `analysis.justification` closest in meaning.
    fn cyclonedx(self) -> &'static str {
        match self {
            Justification::ComponentNotPresent => "requires_dependency",
            Justification::VulnerableCodeNotPresent => "code_not_present",
            Justification::VulnerableCodeNotInExecutePath => "code_not_reachable",
            Justification::VulnerableCodeCannotBeControlledByAdversary => "requires_environment",
            Justification::InlineMitigationsAlreadyExist => "protected_by_mitigating_control",
        }
    }

    /// A CycloneDX justification as the OpenVEX one it implies: `requires_dependency` means the
    /// vulnerable component is not there; `requires_configuration` and `requires_environment`
    /// mean an attacker cannot bring about the conditions; every `protected_*` is a mitigation.
    pub fn from_cyclonedx(s: &str) -> Option<Justification> {
        Some(match s {
            "code_not_present" => Justification::VulnerableCodeNotPresent,
            "code_not_reachable" => Justification::VulnerableCodeNotInExecutePath,
            "requires_dependency" => Justification::ComponentNotPresent,
            "requires_configuration" | "requires_environment" => {
                Justification::VulnerableCodeCannotBeControlledByAdversary
            }
            "protected_by_compiler"
            | "protected_at_runtime"
            | "protected_at_perimeter"
            | "protected_by_mitigating_control" => Justification::InlineMitigationsAlreadyExist,
            _ => return None,
        })
    }
}

/// The decision record: one statement per vulnerability finding, sorted.
pub fn statements(findings: &[Finding]) -> Vec<Statement> {
    let mut out: Vec<Statement> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::Vulnerability)
        .filter_map(|f| {
            let product = f.component.clone()?;
            let (status, justification, detail) = match &f.status {
                Status::Vex {
                    state,
                    justification,
                    detail,
                    source,
                } => (
                    VexStatus::parse(state).unwrap_or(VexStatus::UnderInvestigation),
                    justification.as_deref().and_then(Justification::parse),
                    Some(match detail {
                        Some(d) => format!("{d} (VEX: {source})"),
                        None => format!("Stated in the VEX document {source}."),
                    }),
                ),
                Status::Waived {
                    reason,
                    expires,
                    owner,
                } => (
                    VexStatus::Affected,
                    None,
                    Some(format!(
                        "Risk accepted until {expires}{}: {reason}",
                        owner
                            .as_deref()
                            .map(|o| format!(" by {o}"))
                            .unwrap_or_default()
                    )),
                ),
                Status::Open | Status::Suppressed { .. } => {
                    (VexStatus::Affected, None, f.fix.clone())
                }
            };
            Some(Statement {
                vulnerability: f.code.clone(),
                aliases: f.aliases.clone(),
                product,
                status,
                justification,
                detail,
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.vulnerability, &a.product).cmp(&(&b.vulnerability, &b.product)));
    out.dedup();
    out
}

/// A stable identifier for a document from its content.
fn content_id(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    crate::evidence::hex(&h.finalize()[..16])
}

/// An RFC 4122 UUID (version 5 layout) from a content hash, so identical input gives identical ids.
pub fn uuid_from(parts: &[&str]) -> String {
    let hex = content_id(parts);
    let mut b: Vec<u8> = (0..16)
        .map(|i| u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap_or(0))
        .collect();
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = crate::evidence::hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// OpenVEX 0.2.0.
pub fn openvex(statements: &[Statement], author: &str, timestamp: i64) -> Value {
    let body: Vec<Value> = statements
        .iter()
        .map(|s| {
            let mut v = json!({
                "vulnerability": { "name": s.vulnerability },
                "products": [{ "@id": s.product }],
                "status": s.status.openvex(),
            });
            if !s.aliases.is_empty() {
                v["vulnerability"]["aliases"] = json!(s.aliases);
            }
            match s.status {
                // The spec wants a justification or an impact statement; none is ever made up.
                VexStatus::NotAffected => {
                    if let Some(j) = s.justification {
                        v["justification"] = json!(j.openvex());
                    }
                    if s.detail.is_some() || s.justification.is_none() {
                        v["impact_statement"] =
                            json!(s.detail.as_deref().unwrap_or("No justification was given."));
                    }
                }
                VexStatus::Affected => {
                    let a = s
                        .detail
                        .clone()
                        .unwrap_or_else(|| "No fixed version is known yet.".into());
                    v["action_statement"] = json!(a);
                }
                _ => {}
            }
            v
        })
        .collect();
    let ids: Vec<String> = statements
        .iter()
        .map(|s| format!("{}|{}|{:?}", s.vulnerability, s.product, s.status))
        .collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": format!("https://openvex.dev/docs/proven/{}", content_id(&refs)),
        "author": author,
        "timestamp": rfc3339(timestamp),
        "version": 1,
        "tooling": "proven",
        "statements": body,
    })
}

/// CycloneDX 1.6 VEX. Components are referenced by BOM-Link into the SBOM with `sbom_serial`
/// (`urn:uuid:…`) when given, else by purl.
pub fn cyclonedx(
    findings: &[Finding],
    statements: &[Statement],
    sbom_serial: Option<&str>,
    timestamp: i64,
) -> Value {
    let vulns: Vec<Value> = statements
        .iter()
        .map(|s| {
            let f = finding_of(findings, s);
            let reference = match sbom_serial {
                Some(serial) => format!("{}/1#{}", serial.replacen("urn:uuid:", "urn:cdx:", 1), s.product),
                None => s.product.clone(),
            };
            let mut v = json!({
                "bom-ref": format!("{}:{}", s.vulnerability, s.product),
                "id": s.vulnerability,
                "analysis": { "state": s.status.cyclonedx() },
                "affects": [{ "ref": reference }],
            });
            if let Some(src) = source(&s.vulnerability) {
                v["source"] = src;
            }
            if !s.aliases.is_empty() {
                v["references"] = Value::Array(
                    s.aliases
                        .iter()
                        .map(|a| {
                            let mut r = json!({ "id": a });
                            if let Some(src) = source(a) {
                                r["source"] = src;
                            }
                            r
                        })
                        .collect(),
                );
            }
            if let Some(j) = s.justification {
                v["analysis"]["justification"] = json!(j.cyclonedx());
            }
            if let Some(d) = &s.detail {
                v["analysis"]["detail"] = json!(d);
            }
            if let Some(f) = f {
                v["description"] = json!(f.title);
                if let Some(fix) = &f.fix {
                    v["recommendation"] = json!(fix);
                }
                let cwes: Vec<u32> = f
                    .cwe
                    .iter()
                    .filter_map(|c| c.trim_start_matches("CWE-").parse().ok())
                    .collect();
                if !cwes.is_empty() {
                    v["cwes"] = json!(cwes);
                }
                if let Some(score) = f.severity.score {
                    let method = match f.severity.vector.as_deref() {
                        Some(v) if v.starts_with("CVSS:4") => "CVSSv4",
                        Some(v) if v.starts_with("CVSS:3.1") => "CVSSv31",
                        Some(v) if v.starts_with("CVSS:3") => "CVSSv3",
                        Some(_) => "CVSSv2",
                        None => "other",
                    };
                    let mut rating = json!({ "score": score, "severity": f.severity.level.to_string(), "method": method });
                    if let Some(vec) = &f.severity.vector {
                        rating["vector"] = json!(vec);
                    }
                    v["ratings"] = json!([rating]);
                } else if f.severity.level != proven_model::SeverityLevel::Unknown {
                    v["ratings"] = json!([{ "severity": f.severity.level.to_string(), "method": "other" }]);
                }
                let advisories: Vec<Value> = f.references.iter().map(|u| json!({ "url": u })).collect();
                if !advisories.is_empty() {
                    v["advisories"] = Value::Array(advisories);
                }
            }
            v
        })
        .collect();
    let ids: Vec<String> = statements
        .iter()
        .map(|s| format!("{}|{}|{:?}", s.vulnerability, s.product, s.status))
        .collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", uuid_from(&refs)),
        "version": 1,
        "metadata": {
            "timestamp": rfc3339(timestamp),
            "tools": { "components": [{ "type": "application", "name": "proven", "version": env!("CARGO_PKG_VERSION") }] },
        },
        "vulnerabilities": vulns,
    })
}

/// Where an id is published, by its prefix.
fn source(id: &str) -> Option<Value> {
    let (name, url) = match id.split('-').next()? {
        "CVE" => ("NVD", format!("https://nvd.nist.gov/vuln/detail/{id}")),
        "GHSA" => ("GitHub", format!("https://github.com/advisories/{id}")),
        _ => ("OSV", format!("https://osv.dev/vulnerability/{id}")),
    };
    Some(json!({ "name": name, "url": url }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proven_model::{Location, Severity, SeverityLevel};

    fn finding(code: &str, purl: &str, status: Status) -> Finding {
        Finding {
            kind: FindingKind::Vulnerability,
            code: code.into(),
            aliases: vec!["GHSA-1234-5678-9abc".into()],
            severity: Severity {
                level: SeverityLevel::High,
                score: Some(7.5),
                vector: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H".into()),
                source: Some("CVSS_V3".into()),
            },
            title: "Denial of service".into(),
            location: Location::line("Cargo.lock", 3),
            component: Some(purl.into()),
            fingerprint: "fp".into(),
            fix: Some("upgrade to 1.2.4".into()),
            evidence: Default::default(),
            status,
            references: vec!["https://osv.dev/vulnerability/RUSTSEC-2024-0001".into()],
            cwe: vec!["CWE-400".into()],
            cra_clause: None,
        }
    }

    #[test]
    fn one_record_three_renderings() {
        let findings = vec![
            finding("CVE-2024-1", "pkg:cargo/a@1.0.0", Status::Open),
            finding(
                "CVE-2024-2",
                "pkg:cargo/b@2.0.0",
                Status::Vex {
                    state: "not_affected".into(),
                    justification: Some("vulnerable_code_not_in_execute_path".into()),
                    detail: None,
                    source: "vex.json".into(),
                },
            ),
        ];
        let st = statements(&findings);
        assert_eq!(st.len(), 2);
        assert_eq!(st[0].status, VexStatus::Affected);
        assert_eq!(st[1].status, VexStatus::NotAffected);
        let ov = openvex(&st, "Acme", 0);
        assert_eq!(
            ov["statements"][1]["justification"],
            "vulnerable_code_not_in_execute_path"
        );
        assert_eq!(ov["statements"][0]["action_statement"], "upgrade to 1.2.4");
        let cdx = cyclonedx(
            &findings,
            &st,
            Some("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"),
            0,
        );
        assert_eq!(
            cdx["vulnerabilities"][1]["analysis"]["justification"],
            "code_not_reachable"
        );
        assert_eq!(
            cdx["vulnerabilities"][0]["affects"][0]["ref"],
            "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:cargo/a@1.0.0"
        );
        assert_eq!(cdx["vulnerabilities"][0]["ratings"][0]["method"], "CVSSv31");
        assert_eq!(
            openvex(&st, "Acme", 0),
            openvex(&st, "Acme", 0),
            "deterministic"
        );
    }
}

/// Who publishes a CSAF document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publisher {
    pub name: String,
    /// The publisher's web namespace (`https://acme.example`).
    pub namespace: String,
}

/// CSAF 2.0 in the VEX profile (`csaf_vex`): a product tree of the affected components and, per
/// vulnerability, the product status with the impact or action statement the profile requires,
/// and the CVSS v3 score of each finding that has one (CSAF 2.0 knows no CVSS v4).
pub fn csaf(
    findings: &[Finding],
    statements: &[Statement],
    publisher: &Publisher,
    title: &str,
    timestamp: i64,
) -> Value {
    let mut products: Vec<&str> = statements.iter().map(|s| s.product.as_str()).collect();
    products.sort_unstable();
    products.dedup();
    let pid = |purl: &str| {
        format!(
            "CSAFPID-{:04}",
            products.binary_search(&purl).unwrap_or(0) + 1
        )
    };
    let full_product_names: Vec<Value> = products
        .iter()
        .map(|p| {
            json!({
                "name": p.trim_start_matches("pkg:"),
                "product_id": pid(p),
                "product_identification_helper": { "purl": p },
            })
        })
        .collect();
    let mut by_vuln: Vec<(&str, Vec<&Statement>)> = Vec::new();
    for s in statements {
        match by_vuln.last_mut() {
            Some((v, list)) if *v == s.vulnerability => list.push(s),
            _ => by_vuln.push((&s.vulnerability, vec![s])),
        }
    }
    let vulnerabilities: Vec<Value> = by_vuln
        .iter()
        .map(|(id, list)| {
            let ids_of = |st: VexStatus| -> Vec<String> {
                list.iter().filter(|s| s.status == st).map(|s| pid(&s.product)).collect()
            };
            let mut status = serde_json::Map::new();
            for (key, st) in [
                ("known_affected", VexStatus::Affected),
                ("known_not_affected", VexStatus::NotAffected),
                ("fixed", VexStatus::Fixed),
                ("under_investigation", VexStatus::UnderInvestigation),
            ] {
                let ids = ids_of(st);
                if !ids.is_empty() {
                    status.insert(key.into(), json!(ids));
                }
            }
            // The VEX profile wants notes on every vulnerability: the advisory's summary.
            let summary = list
                .iter()
                .find_map(|s| finding_of(findings, s))
                .map_or_else(|| id.to_string(), |f| f.title.clone());
            let mut v = json!({
                "notes": [{ "category": "summary", "title": "Summary", "text": summary }],
                "product_status": status,
            });
            let cve = std::iter::once(*id)
                .chain(list[0].aliases.iter().map(String::as_str))
                .find(|a| is_cve(a));
            if let Some(c) = cve {
                v["cve"] = json!(c);
            }
            let others: Vec<Value> = std::iter::once(*id)
                .chain(list[0].aliases.iter().map(String::as_str))
                .filter(|a| Some(*a) != cve)
                .map(|a| json!({ "system_name": a.split('-').next().unwrap_or("OSV"), "text": a }))
                .collect();
            if !others.is_empty() {
                v["ids"] = Value::Array(others);
            }
            // The VEX profile: every affected product needs an action, every not-affected one an impact statement.
            let remediations: Vec<Value> = list
                .iter()
                .filter(|s| s.status == VexStatus::Affected)
                .map(|s| {
                    let (category, details) = match &s.detail {
                        Some(d) if d.starts_with("upgrade") => ("vendor_fix", d.clone()),
                        Some(d) => ("mitigation", d.clone()),
                        None => ("none_available", "No fixed version is known yet.".to_string()),
                    };
                    json!({ "category": category, "details": details, "product_ids": [pid(&s.product)] })
                })
                .collect();
            if !remediations.is_empty() {
                v["remediations"] = Value::Array(remediations);
            }
            let not_affected = || list.iter().filter(|s| s.status == VexStatus::NotAffected);
            let flags: Vec<Value> = not_affected()
                .filter_map(|s| {
                    let j = s.justification?;
                    Some(json!({ "label": j.openvex(), "product_ids": [pid(&s.product)] }))
                })
                .collect();
            if !flags.is_empty() {
                v["flags"] = Value::Array(flags);
            }
            let threats: Vec<Value> = not_affected()
                .filter(|s| s.detail.is_some() || s.justification.is_none())
                .map(|s| {
                    let details = s.detail.as_deref().unwrap_or("No justification was given.");
                    json!({ "category": "impact", "details": details, "product_ids": [pid(&s.product)] })
                })
                .collect();
            if !threats.is_empty() {
                v["threats"] = Value::Array(threats);
            }
            let scores: Vec<Value> = list
                .iter()
                .filter_map(|s| {
                    let f = finding_of(findings, s)?;
                    let vector = f.severity.vector.as_deref()?;
                    let version = ["3.0", "3.1"]
                        .into_iter()
                        .find(|v| vector.starts_with(&format!("CVSS:{v}/")))?;
                    let score = f.severity.score?;
                    Some(json!({
                        "products": [pid(&s.product)],
                        "cvss_v3": {
                            "version": version,
                            "vectorString": vector,
                            "baseScore": score,
                            "baseSeverity": cvss3_rating(score),
                        },
                    }))
                })
                .collect();
            if !scores.is_empty() {
                v["scores"] = Value::Array(scores);
            }
            v
        })
        .collect();
    let ids: Vec<String> = statements
        .iter()
        .map(|s| format!("{}|{}|{:?}", s.vulnerability, s.product, s.status))
        .collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let date = rfc3339(timestamp);
    sort_keys(json!({
        "document": {
            "category": "csaf_vex",
            "csaf_version": "2.0",
            "lang": "en",
            "publisher": { "category": "vendor", "name": publisher.name, "namespace": publisher.namespace },
            "title": title,
            "tracking": {
                "id": format!("proven-{}", content_id(&refs)),
                "status": "final",
                "version": "1",
                "initial_release_date": date,
                "current_release_date": date,
                "revision_history": [{ "date": date, "number": "1", "summary": "Generated by proven ci." }],
                "generator": { "engine": { "name": "proven", "version": env!("CARGO_PKG_VERSION") } },
            },
        },
        "product_tree": { "full_product_names": full_product_names },
        "vulnerabilities": vulnerabilities,
    }))
}

/// The same value with every object's keys in alphabetical order, as CSAF's optional test 6.2.13
/// asks (our other documents keep the order of their specifications' examples).
fn sort_keys(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// The finding a statement was made from.
fn finding_of<'a>(findings: &'a [Finding], s: &Statement) -> Option<&'a Finding> {
    findings
        .iter()
        .find(|f| f.code == s.vulnerability && f.component.as_deref() == Some(&s.product))
}

/// The CVSS v3 qualitative rating of a base score.
fn cvss3_rating(score: f64) -> &'static str {
    match score {
        s if s >= 9.0 => "CRITICAL",
        s if s >= 7.0 => "HIGH",
        s if s >= 4.0 => "MEDIUM",
        s if s > 0.0 => "LOW",
        _ => "NONE",
    }
}

fn is_cve(id: &str) -> bool {
    let mut parts = id.splitn(3, '-');
    parts.next() == Some("CVE")
        && parts
            .next()
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|n| n.len() >= 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod csaf_tests {
    use super::*;

    #[test]
    fn csaf_vex_profile_statements() {
        let st = vec![
            Statement {
                vulnerability: "CVE-2024-0001".into(),
                aliases: vec!["GHSA-aaaa-bbbb-cccc".into()],
                product: "pkg:npm/a@1.0.0".into(),
                status: VexStatus::Affected,
                justification: None,
                detail: Some("upgrade to 1.0.1".into()),
            },
            Statement {
                vulnerability: "CVE-2024-0001".into(),
                aliases: vec!["GHSA-aaaa-bbbb-cccc".into()],
                product: "pkg:npm/b@2.0.0".into(),
                status: VexStatus::NotAffected,
                justification: Some(Justification::VulnerableCodeNotInExecutePath),
                detail: None,
            },
        ];
        let p = Publisher {
            name: "Acme".into(),
            namespace: "https://acme.example".into(),
        };
        let doc = csaf(&[], &st, &p, "Acme router VEX", 0);
        let v = &doc["vulnerabilities"][0];
        assert_eq!(v["cve"], "CVE-2024-0001");
        assert_eq!(v["ids"][0]["text"], "GHSA-aaaa-bbbb-cccc");
        assert_eq!(v["product_status"]["known_affected"][0], "CSAFPID-0001");
        assert_eq!(v["product_status"]["known_not_affected"][0], "CSAFPID-0002");
        assert_eq!(v["remediations"][0]["category"], "vendor_fix");
        assert_eq!(
            v["flags"][0]["label"],
            "vulnerable_code_not_in_execute_path"
        );
        assert!(is_cve("CVE-2021-44228") && !is_cve("CVE-21-1") && !is_cve("GHSA-x"));
    }
}
