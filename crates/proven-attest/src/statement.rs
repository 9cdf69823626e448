//! in-toto Statement v1 and the predicates a build's evidence is attested with: CycloneDX SBOM,
//! OpenVEX, vulnerability scan (vulns v0.2), test result (v0.1) and SLSA provenance v1.
//!
//! Builders take plain inputs (JSON values and small structs) so callers glue their own models in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha512};

use crate::keys::hex;

/// `_type` of every statement we write and accept.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// A CycloneDX SBOM, the predicate is the SBOM document.
pub const CYCLONEDX_BOM: &str = "https://cyclonedx.org/bom";
/// An OpenVEX document, the predicate is the document.
pub const OPENVEX: &str = "https://openvex.dev/ns/v0.2.0";
/// A vulnerability scan result.
pub const VULNS: &str = "https://in-toto.io/attestation/vulns/v0.2";
/// The result of a test run; for us the policy gate.
pub const TEST_RESULT: &str = "https://in-toto.io/attestation/test-result/v0.1";
/// SLSA build provenance.
pub const SLSA_PROVENANCE: &str = "https://slsa.dev/provenance/v1";
/// The SLSA `buildType` of a `proven ci` run.
pub const BUILD_TYPE: &str = "https://proven.dev/ci/v1";
/// The annotation marking a subject as a build artifact named with `--subject`, which lives
/// outside the evidence directory. Unmarked subjects are evidence files. The mark is signed, so
/// a verifier can tell a deleted evidence file from an artifact it was not shown.
pub const ROLE_ANNOTATION: &str = "proven.dev/role";
/// The value of [`ROLE_ANNOTATION`] for build artifacts.
pub const ROLE_ARTIFACT: &str = "artifact";

/// An in-toto ResourceDescriptor: a subject, a configuration file, a source dependency.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDescriptor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Algorithm → lowercase hex digest (`sha256`, `sha512`, `gitCommit`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub digest: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, Value>,
}

impl ResourceDescriptor {
    /// An evidence file, by its path relative to the evidence directory and its bytes.
    pub fn evidence(name: impl Into<String>, bytes: &[u8]) -> ResourceDescriptor {
        Self::with_digests(
            name,
            &hex(&Sha256::digest(bytes)),
            &hex(&Sha512::digest(bytes)),
        )
    }

    /// An evidence file whose SHA-256 and SHA-512 (lowercase hex) are already known, as in
    /// `manifest.json`.
    pub fn with_digests(name: impl Into<String>, sha256: &str, sha512: &str) -> ResourceDescriptor {
        ResourceDescriptor {
            name: Some(name.into()),
            digest: BTreeMap::from([
                ("sha256".to_string(), sha256.to_ascii_lowercase()),
                ("sha512".to_string(), sha512.to_ascii_lowercase()),
            ]),
            ..ResourceDescriptor::default()
        }
    }

    /// A build artifact named with `--subject`. `name` should be the path relative to the
    /// directory the verifier is pointed at (the project root), without `..`.
    pub fn artifact(name: impl Into<String>, bytes: &[u8]) -> ResourceDescriptor {
        let mut d = Self::evidence(name, bytes);
        d.annotations
            .insert(ROLE_ANNOTATION.to_string(), ROLE_ARTIFACT.into());
        d
    }

    /// Whether this subject is a build artifact rather than an evidence file.
    pub fn is_artifact(&self) -> bool {
        self.annotations
            .get(ROLE_ANNOTATION)
            .and_then(Value::as_str)
            == Some(ROLE_ARTIFACT)
    }

    /// A git source: `git+<repository>@<ref>` with the commit as `gitCommit`, the SLSA convention
    /// for resolved dependencies.
    pub fn git(
        repository: Option<&str>,
        git_ref: Option<&str>,
        commit: Option<&str>,
    ) -> Option<ResourceDescriptor> {
        if repository.is_none() && commit.is_none() {
            return None;
        }
        let uri = repository.map(|repo| {
            let base = if repo.starts_with("git+") {
                repo.to_string()
            } else {
                format!("git+{repo}")
            };
            match git_ref {
                Some(r) => format!("{base}@{r}"),
                None => base,
            }
        });
        Some(ResourceDescriptor {
            uri,
            digest: commit
                .map(|c| BTreeMap::from([("gitCommit".to_string(), c.to_string())]))
                .unwrap_or_default(),
            ..ResourceDescriptor::default()
        })
    }
}

/// An in-toto Statement v1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    #[serde(rename = "_type")]
    pub statement_type: String,
    pub subject: Vec<ResourceDescriptor>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: Value,
}

/// A statement that cannot be built or read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    #[error("a statement needs at least one subject")]
    NoSubjects,
    #[error("the {0} predicate must be a JSON object")]
    PredicateNotObject(String),
    #[error("subject {0:?} appears twice")]
    DuplicateSubject(String),
    #[error("not an in-toto Statement v1: {0}")]
    Malformed(String),
}

impl Statement {
    /// A statement about `subjects` (sorted by name, for byte-identical output) with any
    /// predicate object.
    pub fn new(
        mut subjects: Vec<ResourceDescriptor>,
        predicate_type: &str,
        predicate: Value,
    ) -> Result<Statement, StatementError> {
        if subjects.is_empty() {
            return Err(StatementError::NoSubjects);
        }
        if !predicate.is_object() {
            return Err(StatementError::PredicateNotObject(
                predicate_type.to_string(),
            ));
        }
        subjects.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(w) = subjects
            .windows(2)
            .find(|w| w[0].name.is_some() && w[0].name == w[1].name)
        {
            return Err(StatementError::DuplicateSubject(
                w[0].name.clone().unwrap_or_default(),
            ));
        }
        Ok(Statement {
            statement_type: STATEMENT_TYPE.to_string(),
            subject: subjects,
            predicate_type: predicate_type.to_string(),
            predicate,
        })
    }

    /// A CycloneDX SBOM attestation; the predicate is the SBOM document itself.
    pub fn cyclonedx(
        subjects: Vec<ResourceDescriptor>,
        sbom: Value,
    ) -> Result<Statement, StatementError> {
        Self::new(subjects, CYCLONEDX_BOM, sbom)
    }

    /// An OpenVEX attestation; the predicate is the OpenVEX document itself.
    pub fn openvex(
        subjects: Vec<ResourceDescriptor>,
        vex: Value,
    ) -> Result<Statement, StatementError> {
        Self::new(subjects, OPENVEX, vex)
    }

    /// A vulnerability scan attestation (vulns v0.2).
    pub fn vulns(
        subjects: Vec<ResourceDescriptor>,
        scan: &VulnScan,
    ) -> Result<Statement, StatementError> {
        Self::new(subjects, VULNS, to_value(scan))
    }

    /// A test-result attestation (v0.1): the policy gate's outcome.
    pub fn test_result(
        subjects: Vec<ResourceDescriptor>,
        result: &TestResult,
    ) -> Result<Statement, StatementError> {
        Self::new(subjects, TEST_RESULT, to_value(result))
    }

    /// A SLSA provenance v1 attestation.
    pub fn slsa_provenance(
        subjects: Vec<ResourceDescriptor>,
        provenance: &Provenance,
    ) -> Result<Statement, StatementError> {
        if !provenance.external_parameters.is_object() {
            return Err(StatementError::PredicateNotObject(
                "SLSA externalParameters".to_string(),
            ));
        }
        Self::new(subjects, SLSA_PROVENANCE, provenance.to_predicate())
    }

    /// The serialized statement: compact JSON, the bytes that get signed.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a statement of JSON values always serializes")
    }

    /// Parses and checks the layout: `_type`, at least one subject, each with a digest.
    pub fn from_json(bytes: &[u8]) -> Result<Statement, StatementError> {
        let s: Statement =
            serde_json::from_slice(bytes).map_err(|e| StatementError::Malformed(e.to_string()))?;
        if s.statement_type != STATEMENT_TYPE {
            return Err(StatementError::Malformed(format!(
                "_type is {:?}, expected {STATEMENT_TYPE:?}",
                s.statement_type
            )));
        }
        if s.subject.is_empty() {
            return Err(StatementError::NoSubjects);
        }
        if let Some(d) = s.subject.iter().find(|d| d.digest.is_empty()) {
            return Err(StatementError::Malformed(format!(
                "subject {:?} has no digest",
                d.name.as_deref().unwrap_or("")
            )));
        }
        Ok(s)
    }
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("predicate structs of strings and lists always serialize")
}

/// The inputs of a vulns v0.2 predicate.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct VulnScan {
    pub scanner: Scanner,
    pub metadata: ScanMetadata,
}

/// The scanner that produced the result, and its database.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Scanner {
    /// e.g. `pkg:cargo/proven@0.1.0` or the project URL.
    pub uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub db: Option<VulnDb>,
    /// Every vulnerability found; empty means none.
    pub result: Vec<Vulnerability>,
}

/// The vulnerability database snapshot matched against.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VulnDb {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// RFC 3339 time of the database's last update.
    pub last_update: String,
}

/// One vulnerability in a scan result.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Vulnerability {
    /// The primary id (CVE when there is one).
    pub id: String,
    pub severity: Vec<SeverityScore>,
    /// Free key/value information, e.g. the affected purl and the VEX status.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Map<String, Value>>,
}

/// A severity by one scoring method (`cvss_v3`, `cvss_v4`, `nvd`, `osv`, ...).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SeverityScore {
    pub method: String,
    pub score: String,
}

/// When the scan ran (RFC 3339).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanMetadata {
    pub scan_started_on: String,
    pub scan_finished_on: String,
}

/// The outcome of a test run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TestOutcome {
    #[default]
    Passed,
    Warned,
    Failed,
}

/// The inputs of a test-result v0.1 predicate.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestResult {
    pub result: TestOutcome,
    /// The configuration the run used (for the gate: `proven.toml` and its digest).
    pub configuration: Vec<ResourceDescriptor>,
    /// Link to the run, e.g. the CI run URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub passed_tests: Vec<String>,
    pub warned_tests: Vec<String>,
    pub failed_tests: Vec<String>,
}

/// The inputs of a SLSA provenance v1 predicate.
#[derive(Clone, Debug, PartialEq)]
pub struct Provenance {
    /// Usually [`BUILD_TYPE`].
    pub build_type: String,
    /// What the user chose: must be a JSON object (e.g. the command, the config file, the ref).
    pub external_parameters: Value,
    /// What the platform chose; omitted when `None`.
    pub internal_parameters: Option<Value>,
    /// The sources the build used: typically [`ResourceDescriptor::git`].
    pub resolved_dependencies: Vec<ResourceDescriptor>,
    /// The builder, e.g. [`builder_id`] of the CI provider.
    pub builder_id: String,
    /// The CI run URL or id.
    pub invocation_id: Option<String>,
    /// RFC 3339 times.
    pub started_on: Option<String>,
    pub finished_on: Option<String>,
}

impl Default for Provenance {
    fn default() -> Self {
        Provenance {
            build_type: BUILD_TYPE.to_string(),
            external_parameters: Value::Object(Map::new()),
            internal_parameters: None,
            resolved_dependencies: Vec::new(),
            builder_id: builder_id(None).to_string(),
            invocation_id: None,
            started_on: None,
            finished_on: None,
        }
    }
}

impl Provenance {
    fn to_predicate(&self) -> Value {
        let mut definition = Map::new();
        definition.insert("buildType".into(), self.build_type.clone().into());
        definition.insert(
            "externalParameters".into(),
            self.external_parameters.clone(),
        );
        if let Some(internal) = &self.internal_parameters {
            definition.insert("internalParameters".into(), internal.clone());
        }
        if !self.resolved_dependencies.is_empty() {
            definition.insert(
                "resolvedDependencies".into(),
                to_value(&self.resolved_dependencies),
            );
        }
        let mut metadata = Map::new();
        for (key, value) in [
            ("invocationId", &self.invocation_id),
            ("startedOn", &self.started_on),
            ("finishedOn", &self.finished_on),
        ] {
            if let Some(v) = value {
                metadata.insert(key.into(), v.clone().into());
            }
        }
        let mut run = Map::new();
        run.insert(
            "builder".into(),
            serde_json::json!({ "id": self.builder_id }),
        );
        if !metadata.is_empty() {
            run.insert("metadata".into(), Value::Object(metadata));
        }
        serde_json::json!({
            "buildDefinition": Value::Object(definition),
            "runDetails": Value::Object(run),
        })
    }
}

/// The SLSA builder id of a CI provider as `proven-evidence` names them (`github-actions`,
/// `gitlab-ci`, `jenkins`, `azure-pipelines`); `None` or unknown is a local run.
pub fn builder_id(provider: Option<&str>) -> &'static str {
    match provider {
        Some("github-actions") => "https://github.com/actions/runner",
        Some("gitlab-ci") => "https://gitlab.com/gitlab-org/gitlab-runner",
        Some("jenkins") => "https://www.jenkins.io",
        Some("azure-pipelines") => "https://github.com/microsoft/azure-pipelines-agent",
        _ => "https://proven.dev/builder/local",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn subjects() -> Vec<ResourceDescriptor> {
        vec![
            ResourceDescriptor::evidence("sbom.cdx.json", b"{}"),
            ResourceDescriptor::artifact("dist/app.tar.gz", b"app"),
        ]
    }

    #[test]
    fn statement_layout() {
        let s =
            Statement::cyclonedx(subjects(), json!({"bomFormat": "CycloneDX"})).expect("statement");
        let v: Value = serde_json::from_slice(&s.to_json()).expect("json");
        let keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["_type", "subject", "predicateType", "predicate"]);
        assert_eq!(v["_type"], STATEMENT_TYPE);
        assert_eq!(v["predicateType"], "https://cyclonedx.org/bom");
        assert_eq!(v["subject"][0]["name"], "dist/app.tar.gz", "sorted by name");
        assert_eq!(v["subject"][0]["annotations"][ROLE_ANNOTATION], "artifact");
        assert_eq!(
            v["subject"][1],
            json!({
                "name": "sbom.cdx.json",
                "digest": {
                    "sha256": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
                    "sha512": "27c74670adb75075fad058d5ceaf7b20c4e7786c83bae8a32f626f9782af34c9a33c2046ef60fd2a7878d378e29fec851806bbd9a67878f3a9f1cda4830763fd"
                }
            })
        );
        assert!(!s.subject[1].is_artifact() && s.subject[0].is_artifact());
        assert_eq!(Statement::from_json(&s.to_json()), Ok(s));
    }

    #[test]
    fn rejects_what_is_not_a_statement() {
        assert_eq!(
            Statement::openvex(vec![], json!({})),
            Err(StatementError::NoSubjects)
        );
        assert!(matches!(
            Statement::openvex(subjects(), json!([])),
            Err(StatementError::PredicateNotObject(_))
        ));
        let twice = vec![
            ResourceDescriptor::evidence("a", b"1"),
            ResourceDescriptor::evidence("a", b"2"),
        ];
        assert_eq!(
            Statement::openvex(twice, json!({})),
            Err(StatementError::DuplicateSubject("a".into()))
        );
        for bad in [
            json!({"_type": "https://in-toto.io/Statement/v0.1", "subject": [{"name": "a", "digest": {"sha256": "00"}}], "predicateType": "x", "predicate": {}}),
            json!({"_type": STATEMENT_TYPE, "subject": [], "predicateType": "x", "predicate": {}}),
            json!({"_type": STATEMENT_TYPE, "subject": [{"name": "a"}], "predicateType": "x", "predicate": {}}),
            json!({"_type": STATEMENT_TYPE, "predicateType": "x"}),
        ] {
            assert!(
                Statement::from_json(bad.to_string().as_bytes()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn vulns_predicate() {
        let scan = VulnScan {
            scanner: Scanner {
                uri: "pkg:cargo/proven@0.1.0".into(),
                version: Some("0.1.0".into()),
                db: Some(VulnDb {
                    uri: Some("https://osv-vulnerabilities.storage.googleapis.com".into()),
                    version: Some("2026-05-01T00:00:00Z".into()),
                    last_update: "2026-05-01T00:00:00Z".into(),
                }),
                result: vec![Vulnerability {
                    id: "CVE-2024-0001".into(),
                    severity: vec![SeverityScore {
                        method: "cvss_v3".into(),
                        score: "9.8".into(),
                    }],
                    annotations: vec![],
                }],
            },
            metadata: ScanMetadata {
                scan_started_on: "2026-05-01T10:00:00Z".into(),
                scan_finished_on: "2026-05-01T10:00:05Z".into(),
            },
        };
        let s = Statement::vulns(subjects(), &scan).expect("statement");
        assert_eq!(
            s.predicate_type,
            "https://in-toto.io/attestation/vulns/v0.2"
        );
        assert_eq!(
            s.predicate,
            json!({
                "scanner": {
                    "uri": "pkg:cargo/proven@0.1.0",
                    "version": "0.1.0",
                    "db": {
                        "uri": "https://osv-vulnerabilities.storage.googleapis.com",
                        "version": "2026-05-01T00:00:00Z",
                        "lastUpdate": "2026-05-01T00:00:00Z"
                    },
                    "result": [{"id": "CVE-2024-0001", "severity": [{"method": "cvss_v3", "score": "9.8"}]}]
                },
                "metadata": {"scanStartedOn": "2026-05-01T10:00:00Z", "scanFinishedOn": "2026-05-01T10:00:05Z"}
            })
        );
    }

    #[test]
    fn test_result_predicate() {
        let result = TestResult {
            result: TestOutcome::Failed,
            configuration: vec![ResourceDescriptor::evidence("proven.toml", b"")],
            url: Some("https://github.com/acme/router/actions/runs/42".into()),
            passed_tests: vec!["secrets".into()],
            warned_tests: vec![],
            failed_tests: vec!["vulnerabilities: CVE-2024-0001".into()],
        };
        let s = Statement::test_result(subjects(), &result).expect("statement");
        assert_eq!(s.predicate["result"], "FAILED");
        assert_eq!(s.predicate["configuration"][0]["name"], "proven.toml");
        assert_eq!(s.predicate["warnedTests"], json!([]));
        assert_eq!(
            s.predicate["failedTests"],
            json!(["vulnerabilities: CVE-2024-0001"])
        );
    }

    #[test]
    fn slsa_provenance_predicate() {
        let p = Provenance {
            external_parameters: json!({"command": "proven ci", "ref": "refs/heads/main"}),
            resolved_dependencies: ResourceDescriptor::git(
                Some("https://github.com/acme/router"),
                Some("refs/heads/main"),
                Some("abc123"),
            )
            .into_iter()
            .collect(),
            builder_id: builder_id(Some("github-actions")).into(),
            invocation_id: Some("https://github.com/acme/router/actions/runs/42/attempts/1".into()),
            started_on: Some("2026-05-01T10:00:00Z".into()),
            finished_on: Some("2026-05-01T10:01:00Z".into()),
            ..Provenance::default()
        };
        let s = Statement::slsa_provenance(subjects(), &p).expect("statement");
        assert_eq!(s.predicate_type, "https://slsa.dev/provenance/v1");
        assert_eq!(
            s.predicate,
            json!({
                "buildDefinition": {
                    "buildType": "https://proven.dev/ci/v1",
                    "externalParameters": {"command": "proven ci", "ref": "refs/heads/main"},
                    "resolvedDependencies": [{
                        "uri": "git+https://github.com/acme/router@refs/heads/main",
                        "digest": {"gitCommit": "abc123"}
                    }]
                },
                "runDetails": {
                    "builder": {"id": "https://github.com/actions/runner"},
                    "metadata": {
                        "invocationId": "https://github.com/acme/router/actions/runs/42/attempts/1",
                        "startedOn": "2026-05-01T10:00:00Z",
                        "finishedOn": "2026-05-01T10:01:00Z"
                    }
                }
            })
        );
        let bad = Provenance {
            external_parameters: Value::Null,
            ..Provenance::default()
        };
        assert!(Statement::slsa_provenance(subjects(), &bad).is_err());
        assert_eq!(ResourceDescriptor::git(None, Some("main"), None), None);
    }
}
