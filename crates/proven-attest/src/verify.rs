//! Verifying the attestations of an evidence directory with a public key: every envelope and
//! bundle signature, every subject digest against the file as it is now, and every evidence
//! file covered by a signature.
//!
//! `manifest.json` is not signed; the manifest check (proven-evidence) and this one together name
//! what changed: this one catches a file changed together with its manifest line.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256, Sha512};

use crate::attestation::{ATTESTATIONS_DIR, BUNDLE_SUFFIX, DSSE_SUFFIX};
use crate::bundle::from_bundle_json;
use crate::dsse::{DsseError, Envelope, IN_TOTO_PAYLOAD_TYPE};
use crate::keys::{hex, PublicKey};
use crate::statement::{Statement, StatementError};

/// The evidence directory's manifest, which no attestation covers (it lists the attestations).
const MANIFEST: &str = "manifest.json";

/// What to check beyond the signatures and the evidence files.
#[derive(Clone, Copy, Debug, Default)]
pub struct VerifyOptions<'a> {
    /// Where build artifact subjects are looked up (their names are relative to it). Without
    /// it they are listed as unchecked, not as problems.
    pub artifacts_root: Option<&'a Path>,
    /// Predicate types that must be attested, so that deleting a whole attestation is caught.
    pub required_predicates: &'a [&'a str],
}

/// The outcome: what verified, what could not be checked, and every problem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Attestation files whose signature verified, with their predicate type.
    pub verified: Vec<VerifiedAttestation>,
    /// Artifact subjects not checked because no artifacts root was given.
    pub unchecked_artifacts: BTreeSet<String>,
    pub problems: Vec<Problem>,
}

/// One attestation file whose signature verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedAttestation {
    pub path: String,
    pub predicate_type: String,
    pub subjects: usize,
}

/// One thing that does not verify. Each names the attestation file and, where there is one,
/// the subject file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// No `attestations/*.dsse.json` or `*.sigstore.json` at all.
    NoAttestations,
    /// Unreadable, or not an envelope or bundle.
    Unreadable { attestation: String, why: String },
    /// The signature does not verify with the key. `key_hint` is the key a bundle names, when
    /// that is another key.
    Signature {
        attestation: String,
        error: DsseError,
        key_hint: Option<String>,
    },
    /// Signed, but not an in-toto Statement v1.
    NotAStatement {
        attestation: String,
        error: StatementError,
    },
    /// The file's digest differs from the signed one: changed after signing. Named once, with
    /// every attestation that signed the old digest.
    SubjectChanged {
        subject: String,
        algorithm: &'static str,
        attestations: Vec<String>,
    },
    /// A signed subject that is not there (or not a regular file).
    SubjectMissing {
        subject: String,
        attestations: Vec<String>,
    },
    /// A subject name that is absolute or climbs out with `..`: not looked up.
    SubjectUnsafe {
        attestation: String,
        subject: String,
    },
    /// A subject with neither a SHA-256 nor a SHA-512 digest.
    SubjectWithoutDigest {
        attestation: String,
        subject: String,
    },
    /// A file in the evidence directory that no verified attestation covers (checked when at
    /// least one attestation verified).
    Unattested { path: String },
    /// A required predicate type that no verified attestation has.
    MissingPredicate { predicate_type: String },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoAttestations => write!(
                f,
                "{ATTESTATIONS_DIR}/: no attestations (*{DSSE_SUFFIX} or *{BUNDLE_SUFFIX})"
            ),
            Problem::Unreadable { attestation, why } => write!(f, "{attestation}: {why}"),
            Problem::Signature {
                attestation,
                error,
                key_hint,
            } => {
                write!(f, "{attestation}: {error}")?;
                match key_hint {
                    Some(h) if !matches!(error, DsseError::NoSignatureForKey { .. }) => {
                        write!(f, " (the bundle names key {h})")
                    }
                    _ => Ok(()),
                }
            }
            Problem::NotAStatement { attestation, error } => write!(f, "{attestation}: {error}"),
            Problem::SubjectChanged {
                subject,
                algorithm,
                attestations,
            } => write!(
                f,
                "{subject}: {algorithm} differs from the digest signed in {}: \
                 the file was changed after signing",
                Several(attestations)
            ),
            Problem::SubjectMissing {
                subject,
                attestations,
            } => write!(
                f,
                "{subject}: signed in {} but missing or not a regular file",
                Several(attestations)
            ),
            Problem::SubjectUnsafe {
                attestation,
                subject,
            } => write!(
                f,
                "{subject}: subject of {attestation} is an absolute path or leaves the \
                 directory; not checked"
            ),
            Problem::SubjectWithoutDigest {
                attestation,
                subject,
            } => write!(
                f,
                "{subject}: subject of {attestation} has no sha256 or sha512 digest to check"
            ),
            Problem::Unattested { path } => write!(
                f,
                "{path}: not a subject of any verified attestation: it was added after signing"
            ),
            Problem::MissingPredicate { predicate_type } => write!(
                f,
                "no verified attestation of type {predicate_type}: an attestation was removed"
            ),
        }
    }
}

/// The first of a list of attestations and how many more.
struct Several<'a>(&'a [String]);

impl fmt::Display for Several<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [] => Ok(()),
            [one] => f.write_str(one),
            [first, rest @ ..] => write!(f, "{first} and {} more", rest.len()),
        }
    }
}

/// Verifies every attestation of the evidence directory `dir` with `key`.
pub fn verify_attestations(dir: &Path, key: &PublicKey, options: &VerifyOptions<'_>) -> Report {
    let mut report = Report::default();
    let files = list_files(dir);
    let attestation_files: Vec<&String> = files.iter().filter(|p| is_attestation_file(p)).collect();
    if attestation_files.is_empty() {
        report.problems.push(Problem::NoAttestations);
    }
    let mut hashes = Hashes::default();
    let mut attested = BTreeSet::new();
    let mut predicates = BTreeSet::new();
    let mut changed: BTreeMap<(String, &'static str), Vec<String>> = BTreeMap::new();
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in attestation_files {
        let Some(statement) = check_signature(dir, path, key, &mut report) else {
            continue;
        };
        report.verified.push(VerifiedAttestation {
            path: path.clone(),
            predicate_type: statement.predicate_type.clone(),
            subjects: statement.subject.len(),
        });
        predicates.insert(statement.predicate_type.clone());
        for subject in &statement.subject {
            let name = subject.name.clone().unwrap_or_default();
            if !subject.is_artifact() {
                attested.insert(name.clone());
            }
            let root = if subject.is_artifact() {
                match options.artifacts_root {
                    Some(root) => root,
                    None => {
                        report.unchecked_artifacts.insert(name);
                        continue;
                    }
                }
            } else {
                dir
            };
            let Some(file) = safe_join(root, &name) else {
                report.problems.push(Problem::SubjectUnsafe {
                    attestation: path.clone(),
                    subject: name,
                });
                continue;
            };
            let expected256 = subject.digest.get("sha256").map(|d| d.to_ascii_lowercase());
            let expected512 = subject.digest.get("sha512").map(|d| d.to_ascii_lowercase());
            if expected256.is_none() && expected512.is_none() {
                report.problems.push(Problem::SubjectWithoutDigest {
                    attestation: path.clone(),
                    subject: name,
                });
                continue;
            }
            let Some((sha256, sha512)) = hashes.of(&file) else {
                missing.entry(name).or_default().push(path.clone());
                continue;
            };
            let algorithm = if expected256.is_some_and(|d| d != sha256) {
                "SHA-256"
            } else if expected512.is_some_and(|d| d != sha512) {
                "SHA-512"
            } else {
                continue;
            };
            changed
                .entry((name, algorithm))
                .or_default()
                .push(path.clone());
        }
    }
    for (subject, attestations) in missing {
        report.problems.push(Problem::SubjectMissing {
            subject,
            attestations,
        });
    }
    for ((subject, algorithm), attestations) in changed {
        report.problems.push(Problem::SubjectChanged {
            subject,
            algorithm,
            attestations,
        });
    }
    // With nothing verified, the signature problems say it all; listing every file would bury them.
    let any_verified = !report.verified.is_empty();
    for path in files.iter().filter(|_| any_verified) {
        if path != MANIFEST && !is_attestation_file(path) && !attested.contains(path) {
            report
                .problems
                .push(Problem::Unattested { path: path.clone() });
        }
    }
    for required in options.required_predicates {
        if !predicates.contains(*required) {
            report.problems.push(Problem::MissingPredicate {
                predicate_type: required.to_string(),
            });
        }
    }
    report
}

/// Reads one attestation file, verifies its signature, returns its statement.
fn check_signature(
    dir: &Path,
    path: &str,
    key: &PublicKey,
    report: &mut Report,
) -> Option<Statement> {
    let unreadable = |why: String| Problem::Unreadable {
        attestation: path.to_string(),
        why,
    };
    let bytes = match std::fs::read(dir.join(path)) {
        Ok(b) => b,
        Err(e) => {
            report
                .problems
                .push(unreadable(format!("cannot read: {e}")));
            return None;
        }
    };
    let (envelope, key_hint) = if path.ends_with(BUNDLE_SUFFIX) {
        match from_bundle_json(&bytes) {
            // The hint only helps when it names another key than the one given.
            Ok(b) => (b.envelope, b.key_hint.filter(|h| *h != key.keyid())),
            Err(e) => {
                report.problems.push(unreadable(e.to_string()));
                return None;
            }
        }
    } else {
        match Envelope::from_json(&bytes) {
            Ok(e) => (e, None),
            Err(e) => {
                report.problems.push(unreadable(e.to_string()));
                return None;
            }
        }
    };
    if let Err(error) = envelope.verify_as(key, IN_TOTO_PAYLOAD_TYPE) {
        report.problems.push(Problem::Signature {
            attestation: path.to_string(),
            error,
            key_hint,
        });
        return None;
    }
    match Statement::from_json(&envelope.payload) {
        Ok(s) => Some(s),
        Err(error) => {
            report.problems.push(Problem::NotAStatement {
                attestation: path.to_string(),
                error,
            });
            None
        }
    }
}

fn is_attestation_file(path: &str) -> bool {
    path.strip_prefix(ATTESTATIONS_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| {
            !name.contains('/') && (name.ends_with(DSSE_SUFFIX) || name.ends_with(BUNDLE_SUFFIX))
        })
}

/// `root/name` when `name` is a plain relative path; subject names come from signed but
/// possibly hostile statements, and must not send the verifier reading outside the root.
fn safe_join(root: &Path, name: &str) -> Option<PathBuf> {
    let rel = Path::new(name);
    if name.is_empty()
        || !rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    Some(root.join(rel))
}

/// Digests of files, each file read once however many attestations name it.
#[derive(Default)]
struct Hashes {
    seen: BTreeMap<PathBuf, Option<(String, String)>>,
}

impl Hashes {
    fn of(&mut self, path: &Path) -> Option<(String, String)> {
        self.seen
            .entry(path.to_path_buf())
            .or_insert_with(|| hash_file(path).ok().flatten())
            .clone()
    }
}

/// SHA-256 and SHA-512 of a regular file, streamed; `None` for anything else (directories,
/// devices, pipes), which must not be read.
fn hash_file(path: &Path) -> io::Result<Option<(String, String)>> {
    if !std::fs::metadata(path)?.is_file() {
        return Ok(None);
    }
    let mut file = std::fs::File::open(path)?;
    let (mut a, mut b) = (Sha256::new(), Sha512::new());
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        a.update(&buf[..n]);
        b.update(&buf[..n]);
    }
    Ok(Some((hex(&a.finalize()), hex(&b.finalize()))))
}

/// Every file under `dir`, as sorted `/`-separated relative paths.
fn list_files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(root, &path, out);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestation::Attestation;
    use crate::keys::{Algorithm, SigningKey};
    use crate::statement::{ResourceDescriptor, CYCLONEDX_BOM, OPENVEX, VULNS};
    use serde_json::json;

    struct Fixture {
        dir: PathBuf,
        artifacts: PathBuf,
        key: SigningKey,
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(self.dir.parent().expect("parent"));
        }
    }

    /// An evidence directory with two evidence files, one artifact and two attestations.
    fn fixture(name: &str, alg: Algorithm) -> Fixture {
        let base =
            std::env::temp_dir().join(format!("proven-attest-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let dir = base.join("evidence");
        let artifacts = base.join("project");
        std::fs::create_dir_all(dir.join(ATTESTATIONS_DIR)).expect("dirs");
        std::fs::create_dir_all(artifacts.join("dist")).expect("dirs");
        let files = [
            ("sbom.cdx.json", &b"{\"bomFormat\":\"CycloneDX\"}"[..]),
            ("reports/vex.openvex.json", &b"{}"[..]),
        ];
        let mut subjects = Vec::new();
        for (path, bytes) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
            std::fs::write(&p, bytes).expect("write");
            subjects.push(ResourceDescriptor::evidence(path, bytes));
        }
        std::fs::write(artifacts.join("dist/app"), b"binary").expect("write");
        subjects.push(ResourceDescriptor::artifact("dist/app", b"binary"));
        std::fs::write(dir.join(MANIFEST), b"{}").expect("manifest");
        let key = SigningKey::generate(alg);
        for (stem, statement) in [
            (
                "sbom",
                Statement::cyclonedx(subjects.clone(), json!({"bomFormat": "CycloneDX"})),
            ),
            ("openvex", Statement::openvex(subjects, json!({}))),
        ] {
            let a = Attestation::sign(stem, statement.expect("statement"), &key);
            for f in a.files() {
                std::fs::write(dir.join(&f.path), &f.bytes).expect("write");
            }
        }
        Fixture {
            dir,
            artifacts,
            key,
        }
    }

    fn run(f: &Fixture) -> Report {
        verify_attestations(
            &f.dir,
            &f.key.public_key(),
            &VerifyOptions {
                artifacts_root: Some(&f.artifacts),
                required_predicates: &[CYCLONEDX_BOM, OPENVEX],
            },
        )
    }

    #[test]
    fn a_fresh_directory_verifies() {
        for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
            let f = fixture(&format!("fresh-{alg}"), alg);
            let report = run(&f);
            assert_eq!(report.problems, vec![], "{alg}");
            assert_eq!(report.verified.len(), 4, "two envelopes, two bundles");
            assert!(report.unchecked_artifacts.is_empty());

            let without_root =
                verify_attestations(&f.dir, &f.key.public_key(), &VerifyOptions::default());
            assert_eq!(without_root.problems, vec![]);
            assert_eq!(
                without_root.unchecked_artifacts,
                BTreeSet::from(["dist/app".to_string()])
            );
        }
    }

    #[test]
    fn a_changed_file_is_named_with_every_attestation_that_signed_it() {
        let f = fixture("changed", Algorithm::EcdsaP256);
        std::fs::write(f.dir.join("reports/vex.openvex.json"), b"{ }").expect("write");
        let problems = run(&f).problems;
        assert_eq!(
            problems,
            vec![Problem::SubjectChanged {
                subject: "reports/vex.openvex.json".into(),
                algorithm: "SHA-256",
                attestations: vec![
                    "attestations/openvex.dsse.json".into(),
                    "attestations/openvex.sigstore.json".into(),
                    "attestations/sbom.dsse.json".into(),
                    "attestations/sbom.sigstore.json".into(),
                ],
            }]
        );
        assert_eq!(
            problems[0].to_string(),
            "reports/vex.openvex.json: SHA-256 differs from the digest signed in \
             attestations/openvex.dsse.json and 3 more: the file was changed after signing"
        );

        std::fs::write(f.artifacts.join("dist/app"), b"trojan").expect("write");
        std::fs::write(f.dir.join("reports/vex.openvex.json"), b"{}").expect("restore");
        let problems = run(&f).problems;
        assert!(
            matches!(
                &problems[..],
                [Problem::SubjectChanged { subject, attestations, .. }]
                    if subject == "dist/app" && attestations.len() == 4
            ),
            "{problems:#?}"
        );
    }

    #[test]
    fn tampered_signatures_payloads_and_keys_are_named() {
        let f = fixture("signature", Algorithm::Ed25519);
        // Change the statement inside the envelope: re-encode the payload with a subject digest
        // matching a doctored file.
        let path = f.dir.join("attestations/sbom.dsse.json");
        let mut env = Envelope::from_json(&std::fs::read(&path).expect("read")).expect("env");
        env.payload = String::from_utf8(env.payload)
            .expect("utf8")
            .replace("\"sha256\":\"", "\"sha256\":\"0")
            .into_bytes();
        std::fs::write(&path, env.to_json()).expect("write");
        let problems = run(&f).problems;
        assert!(
            matches!(
                &problems[..],
                [Problem::Signature { attestation, error: DsseError::BadSignature { .. }, .. }]
                    if attestation == "attestations/sbom.dsse.json"
            ),
            "{problems:#?}"
        );

        // A bundle checked with another key names the key it claims.
        let other = SigningKey::generate(Algorithm::Ed25519).public_key();
        let report = verify_attestations(&f.dir, &other, &VerifyOptions::default());
        let bundle_problem = report
            .problems
            .iter()
            .find(|p| matches!(p, Problem::Signature { attestation, .. } if attestation.ends_with(BUNDLE_SUFFIX)))
            .expect("bundle problem");
        assert!(
            bundle_problem.to_string().contains(&format!(
                "the bundle names key {}",
                f.key.public_key().keyid()
            )),
            "{bundle_problem}"
        );
        // Nothing verified: four signature problems, and no list of every file on top.
        assert_eq!(report.problems.len(), 4, "{:#?}", report.problems);
        assert!(report.verified.is_empty());

        std::fs::write(
            f.dir.join("attestations/openvex.sigstore.json"),
            b"not json",
        )
        .expect("w");
        let problems = run(&f).problems;
        assert!(problems.iter().any(|p| matches!(
            p,
            Problem::Unreadable { attestation, .. } if attestation == "attestations/openvex.sigstore.json"
        )));
    }

    #[test]
    fn added_deleted_and_removed_attestations_are_named() {
        let f = fixture("added", Algorithm::EcdsaP256);
        std::fs::write(f.dir.join("extra.json"), b"{}").expect("write");
        std::fs::remove_file(f.dir.join("sbom.cdx.json")).expect("rm");
        for stem in ["openvex.dsse.json", "openvex.sigstore.json"] {
            std::fs::remove_file(f.dir.join(ATTESTATIONS_DIR).join(stem)).expect("rm");
        }
        let report = verify_attestations(
            &f.dir,
            &f.key.public_key(),
            &VerifyOptions {
                artifacts_root: Some(&f.artifacts),
                required_predicates: &[CYCLONEDX_BOM, OPENVEX, VULNS],
            },
        );
        let text: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            text,
            [
                "sbom.cdx.json: signed in attestations/sbom.dsse.json and 1 more but missing or not a regular file",
                "extra.json: not a subject of any verified attestation: it was added after signing",
                "no verified attestation of type https://openvex.dev/ns/v0.2.0: an attestation was removed",
                "no verified attestation of type https://in-toto.io/attestation/vulns/v0.2: an attestation was removed",
            ]
        );
    }

    #[test]
    fn hostile_subject_names_are_not_followed() {
        let f = fixture("hostile", Algorithm::EcdsaP256);
        let mut subjects = vec![ResourceDescriptor::evidence(
            "sbom.cdx.json",
            b"{\"bomFormat\":\"CycloneDX\"}",
        )];
        for name in ["../project/dist/app", "/etc/hostname", ""] {
            subjects.push(ResourceDescriptor::with_digests(name, "00", "00"));
        }
        let mut no_digest = ResourceDescriptor::evidence("reports/vex.openvex.json", b"{}");
        no_digest.digest = BTreeMap::from([("gitCommit".to_string(), "abc".to_string())]);
        subjects.push(no_digest);
        let a = Attestation::sign(
            "hostile",
            Statement::openvex(subjects, json!({})).expect("statement"),
            &f.key,
        );
        let [dsse, _] = a.files();
        std::fs::write(f.dir.join(&dsse.path), &dsse.bytes).expect("write");
        let problems = run(&f).problems;
        let unsafe_names: Vec<&str> = problems
            .iter()
            .filter_map(|p| match p {
                Problem::SubjectUnsafe { subject, .. } => Some(subject.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(unsafe_names, ["", "../project/dist/app", "/etc/hostname"]);
        assert!(problems.contains(&Problem::SubjectWithoutDigest {
            attestation: "attestations/hostile.dsse.json".into(),
            subject: "reports/vex.openvex.json".into()
        }));
        assert_eq!(problems.len(), 4, "{problems:#?}");
    }

    #[test]
    fn an_empty_directory_has_no_attestations() {
        let dir = std::env::temp_dir().join(format!("proven-attest-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let key = SigningKey::generate(Algorithm::EcdsaP256).public_key();
        let report = verify_attestations(&dir, &key, &VerifyOptions::default());
        assert_eq!(report.problems, vec![Problem::NoAttestations]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
