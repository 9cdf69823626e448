//! Keys and signatures exchanged with OpenSSL, the tool users make keys with: its keys load here
//! with the same public key and key id, our keys load there, and each side verifies the other's
//! DSSE signatures. Skips and says why when `openssl` is not on PATH.

use std::path::{Path, PathBuf};
use std::process::Command;

use proven_attest::dsse::{pae, IN_TOTO_PAYLOAD_TYPE};
use proven_attest::{Algorithm, Envelope, PublicKey, SigningKey};
use sha2::{Digest, Sha256};

fn openssl(args: &[&str], dir: &Path) -> Option<String> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status.success().then(|| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn workdir(name: &str) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("proven-openssl-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    if openssl(&["version"], &dir).is_none() {
        println!("skipped: openssl is not on PATH");
        let _ = std::fs::remove_dir_all(&dir);
        return None;
    }
    Some(dir)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn openssl_keys_load_with_the_same_public_key_and_keyid() {
    let Some(dir) = workdir("keys") else { return };
    let cases: [(&[&str], Algorithm); 3] = [
        (
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                "k.pem",
            ],
            Algorithm::EcdsaP256,
        ),
        (
            &["genpkey", "-algorithm", "ED25519", "-out", "k.pem"],
            Algorithm::Ed25519,
        ),
        (
            &[
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                "k.pem",
            ],
            Algorithm::EcdsaP256,
        ),
    ];
    for (generate, alg) in cases {
        let _ = std::fs::remove_file(dir.join("k.pem"));
        openssl(generate, &dir).expect("openssl makes a key");
        openssl(
            &[
                "pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "pub.der",
            ],
            &dir,
        )
        .expect("public key");
        let key = SigningKey::from_file(&dir.join("k.pem")).expect("we read openssl's key");
        assert_eq!(key.algorithm(), alg, "{generate:?}");
        let der = std::fs::read(dir.join("pub.der")).expect("der");
        assert_eq!(key.public_key().to_spki_der(), der, "{generate:?}");
        assert_eq!(key.public_key().keyid(), hex(&Sha256::digest(&der)));
        openssl(
            &["pkey", "-in", "k.pem", "-pubout", "-out", "pub.pem"],
            &dir,
        )
        .expect("pub");
        let public = PublicKey::from_file(&dir.join("pub.pem")).expect("we read openssl's pub");
        assert_eq!(public, key.public_key());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn our_keys_load_in_openssl() {
    let Some(dir) = workdir("ours") else { return };
    for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
        let key = SigningKey::generate(alg);
        let _ = std::fs::remove_file(dir.join("ours.pem"));
        key.write_pkcs8_pem(&dir.join("ours.pem")).expect("written");
        let text = openssl(&["pkey", "-in", "ours.pem", "-noout", "-text"], &dir)
            .expect("openssl reads our private key");
        let expected = match alg {
            Algorithm::EcdsaP256 => "NIST CURVE: P-256",
            Algorithm::Ed25519 => "ED25519 Private-Key",
        };
        assert!(text.contains(expected), "{text}");
        let pub_pem = openssl(&["pkey", "-in", "ours.pem", "-pubout"], &dir).expect("pub");
        assert_eq!(
            pub_pem,
            key.public_key().to_pem(),
            "same SPKI PEM, byte for byte"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn each_side_verifies_the_others_signatures() {
    let Some(dir) = workdir("sigs") else { return };
    for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
        let key = SigningKey::generate(alg);
        std::fs::write(dir.join("k.pem"), key.to_pkcs8_pem().as_bytes()).expect("write");
        std::fs::write(dir.join("pub.pem"), key.public_key().to_pem()).expect("write");
        let env = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, b"{\"_type\":\"x\"}".to_vec(), &key);
        let message = pae(&env.payload_type, &env.payload);
        std::fs::write(dir.join("pae.bin"), &message).expect("write");
        std::fs::write(dir.join("bad.bin"), [&message[..], b" "].concat()).expect("write");
        std::fs::write(dir.join("sig.bin"), &env.signatures[0].sig).expect("write");

        let verify = |file: &str| match alg {
            Algorithm::EcdsaP256 => openssl(
                &[
                    "dgst",
                    "-sha256",
                    "-verify",
                    "pub.pem",
                    "-signature",
                    "sig.bin",
                    file,
                ],
                &dir,
            ),
            Algorithm::Ed25519 => openssl(
                &[
                    "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", file,
                    "-sigfile", "sig.bin",
                ],
                &dir,
            ),
        };
        let ok = verify("pae.bin").expect("openssl verifies our signature");
        assert!(ok.contains("Verified"), "{ok}");
        assert!(
            verify("bad.bin").is_none(),
            "{alg}: openssl rejects other bytes"
        );

        let _ = std::fs::remove_file(dir.join("sig.bin"));
        match alg {
            Algorithm::EcdsaP256 => openssl(
                &[
                    "dgst", "-sha256", "-sign", "k.pem", "-out", "sig.bin", "pae.bin",
                ],
                &dir,
            ),
            Algorithm::Ed25519 => openssl(
                &[
                    "pkeyutl", "-sign", "-inkey", "k.pem", "-rawin", "-in", "pae.bin", "-out",
                    "sig.bin",
                ],
                &dir,
            ),
        }
        .expect("openssl signs");
        let mut theirs = env.clone();
        theirs.signatures[0].sig = std::fs::read(dir.join("sig.bin")).expect("sig");
        assert_eq!(theirs.verify(&key.public_key()), Ok(()), "{alg}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
