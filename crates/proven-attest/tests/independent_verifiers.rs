//! Our envelopes and bundles checked by implementations that share no code with ours:
//! securesystemslib (DSSE) and sigstore-python's models (bundles), through
//! `scripts/verify_dsse.py`. Needs `PROVEN_PYTHON`, a Python with `securesystemslib[crypto]` and
//! `sigstore` (`scripts/install-test-tools.sh` makes one in `.tools/venv`); skips and says why
//! without it.

use std::path::{Path, PathBuf};
use std::process::Command;

use proven_attest::statement::{
    builder_id, Provenance, ScanMetadata, Scanner, SeverityScore, TestOutcome, TestResult, VulnDb,
    VulnScan, Vulnerability,
};
use proven_attest::{Algorithm, Attestation, Envelope, ResourceDescriptor, SigningKey, Statement};
use serde_json::json;

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/verify_dsse.py")
}

/// The Python to run, or `None` (after saying why) when the modules are not there.
fn python(modules: &[&str]) -> Option<String> {
    let Some(python) = std::env::var("PROVEN_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
    else {
        println!(
            "skipped: PROVEN_PYTHON is not set (scripts/install-test-tools.sh makes .tools/venv)"
        );
        return None;
    };
    for module in modules {
        let ok = Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !ok {
            println!("skipped: {python} cannot import {module}");
            return None;
        }
    }
    Some(python)
}

struct Run {
    code: i32,
    output: String,
}

fn verify(python: &str, args: &[&Path]) -> Run {
    let out = Command::new(python)
        .arg(script())
        .args(args)
        .output()
        .expect("python runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

struct Evidence {
    dir: PathBuf,
    public_pem: PathBuf,
    attestations: Vec<Attestation>,
    key: SigningKey,
}

/// An evidence directory with two files, all five attestations and the public key beside it.
fn evidence(tag: &str, alg: Algorithm) -> Evidence {
    let base =
        std::env::temp_dir().join(format!("proven-indep-{}-{tag}-{alg}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let dir = base.join("evidence");
    std::fs::create_dir_all(dir.join("attestations")).expect("dir");
    let sbom = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1});
    let vex = json!({"@context": "https://openvex.dev/ns/v0.2.0", "statements": []});
    let files = [
        ("sbom.cdx.json", serde_json::to_vec(&sbom).expect("json")),
        ("vex.openvex.json", serde_json::to_vec(&vex).expect("json")),
    ];
    let mut subjects = Vec::new();
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).expect("write");
        subjects.push(ResourceDescriptor::evidence(*name, bytes));
    }
    subjects.push(ResourceDescriptor::artifact(
        "target/release/app",
        b"not here",
    ));

    let key = SigningKey::generate(alg);
    let public_pem = base.join("proven.pub");
    std::fs::write(&public_pem, key.public_key().to_pem()).expect("write");

    let scan = VulnScan {
        scanner: Scanner {
            uri: "pkg:cargo/proven@0.1.0".into(),
            version: Some("0.1.0".into()),
            db: Some(VulnDb {
                uri: None,
                version: None,
                last_update: "2026-05-01T00:00:00Z".into(),
            }),
            result: vec![Vulnerability {
                id: "CVE-2024-0001".into(),
                severity: vec![SeverityScore {
                    method: "cvss_v3".into(),
                    score: "7.5".into(),
                }],
                annotations: vec![],
            }],
        },
        metadata: ScanMetadata {
            scan_started_on: "2026-05-01T10:00:00Z".into(),
            scan_finished_on: "2026-05-01T10:00:01Z".into(),
        },
    };
    let gate = TestResult {
        result: TestOutcome::Passed,
        configuration: vec![ResourceDescriptor::evidence("proven.toml", b"")],
        passed_tests: vec!["policy".into()],
        ..TestResult::default()
    };
    let provenance = Provenance {
        external_parameters: json!({"command": "proven ci"}),
        resolved_dependencies: ResourceDescriptor::git(
            Some("https://github.com/acme/app"),
            Some("refs/heads/main"),
            Some("0123456789abcdef0123456789abcdef01234567"),
        )
        .into_iter()
        .collect(),
        builder_id: builder_id(Some("github-actions")).into(),
        ..Provenance::default()
    };
    let statements = [
        ("sbom", Statement::cyclonedx(subjects.clone(), sbom)),
        ("openvex", Statement::openvex(subjects.clone(), vex)),
        ("vulns", Statement::vulns(subjects.clone(), &scan)),
        ("gate", Statement::test_result(subjects.clone(), &gate)),
        (
            "provenance",
            Statement::slsa_provenance(subjects, &provenance),
        ),
    ];
    let mut attestations = Vec::new();
    for (stem, statement) in statements {
        let a = Attestation::sign(stem, statement.expect("statement"), &key);
        for f in a.files() {
            std::fs::write(dir.join(&f.path), &f.bytes).expect("write");
        }
        attestations.push(a);
    }
    Evidence {
        dir,
        public_pem,
        attestations,
        key,
    }
}

#[test]
fn securesystemslib_verifies_our_envelopes() {
    let Some(python) = python(&[
        "securesystemslib.dsse",
        "securesystemslib.signer",
        "cryptography",
    ]) else {
        return;
    };
    for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
        let ev = evidence("dsse", alg);
        let envelopes: Vec<PathBuf> = ev
            .attestations
            .iter()
            .map(|a| ev.dir.join(a.dsse_path()))
            .collect();
        let mut args: Vec<&Path> = vec![&envelopes[0], &ev.public_pem];
        args.extend(envelopes[1..].iter().map(PathBuf::as_path));
        args.extend([Path::new("--subjects-root"), &ev.dir]);
        let run = verify(&python, &args);
        assert_eq!(run.code, 0, "{alg}: {}", run.output);
        let expected = format!(
            "OK: securesystemslib verified the {} signature of keyid {}",
            alg.scheme(),
            ev.key.public_key().keyid()
        );
        assert_eq!(run.output.matches(&expected).count(), 5, "{}", run.output);
        assert_eq!(run.output.matches("2 re-hashed").count(), 5);
        println!("{}", run.output.trim());

        // The independent verifier is not a rubber stamp: a changed payload, another key and a
        // changed evidence file are each rejected.
        let envelope = ev.dir.join(ev.attestations[0].dsse_path());
        let original = std::fs::read(&envelope).expect("read");
        let mut env = Envelope::from_json(&original).expect("envelope");
        let last = env.payload.len() - 2;
        env.payload[last] = b' ';
        std::fs::write(&envelope, env.to_json()).expect("write");
        let run = verify(&python, &[&envelope, &ev.public_pem]);
        assert_eq!(run.code, 1, "changed payload accepted: {}", run.output);
        assert!(
            run.output
                .contains("Accepted signatures do not match threshold"),
            "{}",
            run.output
        );
        std::fs::write(&envelope, &original).expect("restore");

        let other = ev.dir.join("../other.pub");
        std::fs::write(&other, SigningKey::generate(alg).public_key().to_pem()).expect("write");
        let run = verify(&python, &[&envelope, &other]);
        assert_eq!(run.code, 1, "another key accepted: {}", run.output);

        std::fs::write(ev.dir.join("vex.openvex.json"), b"{}").expect("write");
        let run = verify(
            &python,
            &[
                &envelope,
                &ev.public_pem,
                Path::new("--subjects-root"),
                &ev.dir,
            ],
        );
        assert_eq!(run.code, 1, "changed subject accepted: {}", run.output);
        assert!(
            run.output.contains("vex.openvex.json: sha256 differs"),
            "{}",
            run.output
        );
        let _ = std::fs::remove_dir_all(ev.dir.parent().expect("base"));
    }
}

#[test]
fn sigstore_models_read_our_bundles() {
    let Some(python) = python(&["sigstore.dsse", "sigstore_models.bundle.v1", "cryptography"])
    else {
        return;
    };
    for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
        let ev = evidence("bundle", alg);
        let bundles: Vec<PathBuf> = ev
            .attestations
            .iter()
            .map(|a| ev.dir.join(a.bundle_path()))
            .collect();
        let mut args: Vec<&Path> = vec![Path::new("--bundle"), &bundles[0], &ev.public_pem];
        args.extend(bundles[1..].iter().map(PathBuf::as_path));
        args.extend([Path::new("--subjects-root"), &ev.dir]);
        let run = verify(&python, &args);
        assert_eq!(run.code, 0, "{alg}: {}", run.output);
        let expected = format!(
            "OK: sigstore_models parsed the v0.3 bundle, cryptography verified the signature \
             over sigstore's PAE with keyid {}",
            ev.key.public_key().keyid()
        );
        assert_eq!(run.output.matches(&expected).count(), 5, "{}", run.output);
        println!("{}", run.output.trim());

        // An unknown field is rejected by the strict protobuf model, as protojson would.
        let bundle = ev.dir.join(ev.attestations[0].bundle_path());
        let original = std::fs::read(&bundle).expect("read");
        let mut v: serde_json::Value = serde_json::from_slice(&original).expect("json");
        v["verificationMaterial"]["tlogEntry"] = json!([]);
        std::fs::write(&bundle, v.to_string()).expect("write");
        let run = verify(&python, &[Path::new("--bundle"), &bundle, &ev.public_pem]);
        assert_eq!(run.code, 1, "unknown field accepted: {}", run.output);
        assert!(
            run.output.contains("sigstore_models rejects"),
            "{}",
            run.output
        );

        // A changed signature is rejected.
        let mut v: serde_json::Value = serde_json::from_slice(&original).expect("json");
        let other = Attestation::sign("x", ev.attestations[1].statement.clone(), &ev.key);
        let other_bundle: serde_json::Value =
            serde_json::from_slice(&other.files()[1].bytes).expect("json");
        v["dsseEnvelope"]["signatures"] = other_bundle["dsseEnvelope"]["signatures"].clone();
        std::fs::write(&bundle, v.to_string()).expect("write");
        let run = verify(&python, &[Path::new("--bundle"), &bundle, &ev.public_pem]);
        assert_eq!(run.code, 1, "foreign signature accepted: {}", run.output);
        assert!(run.output.contains("does not verify"), "{}", run.output);
        let _ = std::fs::remove_dir_all(ev.dir.parent().expect("base"));
    }
}

/// The other direction: pyca/cryptography loads the PKCS#8 PEM we write, securesystemslib signs
/// envelopes with it (ECDSA with random nonces, so high-S signatures too), and we verify them.
#[test]
fn we_verify_what_securesystemslib_signs_with_our_keys() {
    let Some(python) = python(&[
        "securesystemslib.dsse",
        "securesystemslib.signer",
        "cryptography",
    ]) else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("proven-indep-{}-sign", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let program = r#"
import json, sys
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from securesystemslib.dsse import Envelope
from securesystemslib.signer import CryptoSigner, SSlibKey
key_path, keyid, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
private = load_pem_private_key(open(key_path, "rb").read(), None)
signer = CryptoSigner(private, SSlibKey.from_crypto(private.public_key(), keyid=keyid))
for i in range(count):
    envelope = Envelope(json.dumps({"n": i}).encode(), "application/vnd.in-toto+json", {})
    envelope.sign(signer)
    print(json.dumps(envelope.to_dict()))
"#;
    for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
        let key = SigningKey::generate(alg);
        let key_path = dir.join(format!("{alg}.key"));
        key.write_pkcs8_pem(&key_path).expect("written");
        let keyid = key.public_key().keyid();
        let out = Command::new(&python)
            .args(["-c", program])
            .arg(&key_path)
            .args([keyid.as_str(), "16"])
            .output()
            .expect("python runs");
        assert!(
            out.status.success(),
            "{alg}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let envelopes: Vec<Envelope> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| Envelope::from_json(l.as_bytes()).expect("envelope"))
            .collect();
        assert_eq!(envelopes.len(), 16);
        for env in &envelopes {
            assert_eq!(env.signatures[0].keyid, keyid);
            assert_eq!(env.verify(&key.public_key()), Ok(()), "{alg}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
