//! Signing keys: generation, PEM in and out (PKCS#8 private keys, SubjectPublicKeyInfo public
//! keys), key ids, and the two signature algorithms DSSE envelopes are signed with.
//!
//! ECDSA P-256 signatures are ASN.1 DER over SHA-256 of the message (`ecdsa-sha2-nistp256` in
//! securesystemslib, the default of cosign); Ed25519 signatures are the 64 raw bytes.

use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::pkcs8::der::pem::{self, LineEnding};
use p256::pkcs8::der::zeroize::Zeroizing;
use p256::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, ObjectIdentifier,
    PrivateKeyInfo, SecretDocument, SubjectPublicKeyInfoRef,
};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// A signature algorithm we sign and verify with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// ECDSA over NIST P-256 with SHA-256, DER signatures.
    #[default]
    EcdsaP256,
    Ed25519,
}

impl Algorithm {
    /// The securesystemslib scheme name (`ecdsa-sha2-nistp256`, `ed25519`).
    pub fn scheme(self) -> &'static str {
        match self {
            Algorithm::EcdsaP256 => "ecdsa-sha2-nistp256",
            Algorithm::Ed25519 => "ed25519",
        }
    }

    /// Parses the names the CLI accepts: `ecdsa-p256` (or the scheme name, or `p256`) and `ed25519`.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        match name.to_ascii_lowercase().as_str() {
            "ecdsa-p256" | "ecdsa" | "p256" | "p-256" | "ecdsa-sha2-nistp256" => {
                Some(Algorithm::EcdsaP256)
            }
            "ed25519" => Some(Algorithm::Ed25519),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Algorithm::EcdsaP256 => "ecdsa-p256",
            Algorithm::Ed25519 => "ed25519",
        })
    }
}

/// Why a key could not be read, written or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{source_name}: {why}")]
    Parse { source_name: String, why: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("environment variable {0} is not set or empty")]
    EnvUnset(String),
}

impl KeyError {
    fn parse(source_name: &str, why: impl Into<String>) -> KeyError {
        KeyError::Parse {
            source_name: source_name.to_string(),
            why: why.into(),
        }
    }
}

/// A signature that does not verify, or is not even well formed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature is not a well-formed {0} signature")]
    Malformed(Algorithm),
    #[error("the {0} signature does not match the signed bytes and the public key")]
    Mismatch(Algorithm),
}

/// A private key. Its `Debug` shows the algorithm and key id, never the secret.
pub struct SigningKey {
    inner: SecretInner,
}

enum SecretInner {
    EcdsaP256(p256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SigningKey({}, keyid {}, secret redacted)",
            self.algorithm(),
            self.public_key().keyid()
        )
    }
}

impl SigningKey {
    /// A new key from the operating system's random source.
    pub fn generate(algorithm: Algorithm) -> SigningKey {
        let inner = match algorithm {
            Algorithm::EcdsaP256 => {
                SecretInner::EcdsaP256(p256::ecdsa::SigningKey::random(&mut OsRng))
            }
            Algorithm::Ed25519 => {
                let mut seed = Zeroizing::new([0u8; 32]);
                OsRng.fill_bytes(seed.as_mut());
                SecretInner::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
        };
        SigningKey { inner }
    }

    /// Reads a PEM private key: PKCS#8 (`PRIVATE KEY`) of either algorithm, or SEC1
    /// (`EC PRIVATE KEY`, what `openssl ecparam -genkey` writes) for P-256. `source_name` names
    /// where the text came from in errors; the key itself never appears in them.
    pub fn from_pem(text: &str, source_name: &str) -> Result<SigningKey, KeyError> {
        let text = normalize_pem(text);
        let (label, der) = pem::decode_vec(text.as_bytes())
            .map_err(|e| KeyError::parse(source_name, format!("not a PEM private key ({e})")))?;
        let der = Zeroizing::new(der);
        match label {
            "PRIVATE KEY" => Self::from_pkcs8_der(&der, source_name),
            "EC PRIVATE KEY" => p256::SecretKey::from_sec1_der(&der)
                .map(|k| SigningKey {
                    inner: SecretInner::EcdsaP256(k.into()),
                })
                .map_err(|_| {
                    KeyError::parse(source_name, "not a P-256 key in SEC1 form (EC PRIVATE KEY)")
                }),
            "ENCRYPTED PRIVATE KEY" => Err(KeyError::parse(
                source_name,
                "encrypted private keys are not supported; decrypt it first \
                 (openssl pkcs8 -in KEY -out PLAIN) and keep the plain key in a secret store",
            )),
            "PUBLIC KEY" => Err(KeyError::parse(
                source_name,
                "this is a public key; signing needs the private key",
            )),
            other => Err(KeyError::parse(
                source_name,
                format!("PEM label {other:?} is not a private key we read (want PRIVATE KEY)"),
            )),
        }
    }

    fn from_pkcs8_der(der: &[u8], source_name: &str) -> Result<SigningKey, KeyError> {
        let info = PrivateKeyInfo::try_from(der)
            .map_err(|e| KeyError::parse(source_name, format!("malformed PKCS#8 ({e})")))?;
        let inner = match algorithm_of(info.algorithm.oid, info.algorithm.parameters_oid().ok())
            .map_err(|why| KeyError::parse(source_name, why))?
        {
            Algorithm::EcdsaP256 => p256::ecdsa::SigningKey::from_pkcs8_der(der)
                .map(SecretInner::EcdsaP256)
                .map_err(|e| KeyError::parse(source_name, format!("bad P-256 key ({e})")))?,
            Algorithm::Ed25519 => ed25519_dalek::SigningKey::from_pkcs8_der(der)
                .map(SecretInner::Ed25519)
                .map_err(|e| KeyError::parse(source_name, format!("bad Ed25519 key ({e})")))?,
        };
        Ok(SigningKey { inner })
    }

    /// Reads a PEM private key from a file.
    pub fn from_file(path: &Path) -> Result<SigningKey, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let text = Zeroizing::new(text);
        SigningKey::from_pem(&text, &path.display().to_string())
    }

    /// Reads a PEM private key from the content of the environment variable `name`, looked up
    /// through `env` (pass `|k| std::env::var(k).ok()`).
    pub fn from_env(
        name: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<SigningKey, KeyError> {
        let value = env(name)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| KeyError::EnvUnset(name.to_string()))?;
        let value = Zeroizing::new(value);
        SigningKey::from_pem(&value, &format!("environment variable {name}"))
    }

    /// The algorithm of this key.
    pub fn algorithm(&self) -> Algorithm {
        match self.inner {
            SecretInner::EcdsaP256(_) => Algorithm::EcdsaP256,
            SecretInner::Ed25519(_) => Algorithm::Ed25519,
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        match &self.inner {
            SecretInner::EcdsaP256(k) => PublicKey::EcdsaP256(*k.verifying_key()),
            SecretInner::Ed25519(k) => PublicKey::Ed25519(k.verifying_key()),
        }
    }

    /// Signs `message`: DER ECDSA over SHA-256 (deterministic, RFC 6979) or Ed25519.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match &self.inner {
            SecretInner::EcdsaP256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                sig.to_der().as_bytes().to_vec()
            }
            SecretInner::Ed25519(k) => ed25519_dalek::Signer::sign(k, message).to_bytes().to_vec(),
        }
    }

    /// The key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), wiped from memory when dropped.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        let pem = match &self.inner {
            SecretInner::EcdsaP256(k) => k.to_pkcs8_pem(LineEnding::LF),
            SecretInner::Ed25519(k) => {
                // RFC 8410 PKCS#8 v1: OneAsymmetricKey v2 with the public key, which is what
                // ed25519-dalek writes, is refused by OpenSSL 3.0 and pyca/cryptography.
                let mut seed = Zeroizing::new([0x04, 0x20].to_vec());
                seed.extend_from_slice(k.as_bytes());
                let algorithm = p256::pkcs8::AlgorithmIdentifierRef {
                    oid: OID_ED25519,
                    parameters: None,
                };
                SecretDocument::try_from(PrivateKeyInfo::new(algorithm, &seed))
                    .and_then(|doc| Ok(doc.to_pem("PRIVATE KEY", LineEnding::LF)?))
            }
        };
        pem.expect("encoding a valid in-memory key as PKCS#8 PEM cannot fail")
    }

    /// Writes the PKCS#8 PEM to a new file readable by its owner only. Never replaces an
    /// existing file: losing a private key by accident is worse than an error.
    pub fn write_pkcs8_pem(&self, path: &Path) -> Result<(), KeyError> {
        let io_err = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(io_err)?;
        file.write_all(self.to_pkcs8_pem().as_bytes())
            .map_err(io_err)?;
        file.sync_all().map_err(io_err)
    }
}

/// A public key, the thing a verifier holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    EcdsaP256(p256::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

impl PublicKey {
    /// Reads a SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn from_pem(text: &str, source_name: &str) -> Result<PublicKey, KeyError> {
        let text = normalize_pem(text);
        let (label, der) = pem::decode_vec(text.as_bytes())
            .map_err(|e| KeyError::parse(source_name, format!("not a PEM public key ({e})")))?;
        if label != "PUBLIC KEY" {
            return Err(KeyError::parse(
                source_name,
                format!("PEM label {label:?} is not a public key (want PUBLIC KEY)"),
            ));
        }
        let spki = SubjectPublicKeyInfoRef::try_from(der.as_slice()).map_err(|e| {
            KeyError::parse(source_name, format!("malformed SubjectPublicKeyInfo ({e})"))
        })?;
        match algorithm_of(spki.algorithm.oid, spki.algorithm.parameters_oid().ok())
            .map_err(|why| KeyError::parse(source_name, why))?
        {
            Algorithm::EcdsaP256 => p256::ecdsa::VerifyingKey::from_public_key_der(&der)
                .map(PublicKey::EcdsaP256)
                .map_err(|e| KeyError::parse(source_name, format!("bad P-256 key ({e})"))),
            Algorithm::Ed25519 => ed25519_dalek::VerifyingKey::from_public_key_der(&der)
                .map(PublicKey::Ed25519)
                .map_err(|e| KeyError::parse(source_name, format!("bad Ed25519 key ({e})"))),
        }
    }

    /// Reads a public key PEM file.
    pub fn from_file(path: &Path) -> Result<PublicKey, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
            path: path.display().to_string(),
            source,
        })?;
        PublicKey::from_pem(&text, &path.display().to_string())
    }

    /// The algorithm of this key.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            PublicKey::EcdsaP256(_) => Algorithm::EcdsaP256,
            PublicKey::Ed25519(_) => Algorithm::Ed25519,
        }
    }

    /// The DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Vec<u8> {
        let doc = match self {
            PublicKey::EcdsaP256(k) => k.to_public_key_der(),
            PublicKey::Ed25519(k) => k.to_public_key_der(),
        };
        doc.expect("encoding a valid in-memory public key as DER cannot fail")
            .into_vec()
    }

    /// The SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`), LF line endings.
    pub fn to_pem(&self) -> String {
        pem::encode_string("PUBLIC KEY", LineEnding::LF, &self.to_spki_der())
            .expect("PEM-encoding a public key cannot fail")
    }

    /// The key id: lowercase hex SHA-256 of the DER SubjectPublicKeyInfo. Anyone holding the
    /// public key computes the same value (`openssl pkey -pubin -outform DER | sha256sum`).
    pub fn keyid(&self) -> String {
        hex(&Sha256::digest(self.to_spki_der()))
    }

    /// Checks `signature` over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        let alg = self.algorithm();
        match self {
            PublicKey::EcdsaP256(k) => {
                let sig = p256::ecdsa::Signature::from_der(signature)
                    .map_err(|_| SignatureError::Malformed(alg))?;
                k.verify(message, &sig)
                    .map_err(|_| SignatureError::Mismatch(alg))
            }
            PublicKey::Ed25519(k) => {
                let sig = ed25519_dalek::Signature::from_slice(signature)
                    .map_err(|_| SignatureError::Malformed(alg))?;
                // Strict: rejects small-order keys and non-canonical encodings, which a key we
                // generated never has.
                k.verify_strict(message, &sig)
                    .map_err(|_| SignatureError::Mismatch(alg))
            }
        }
    }
}

fn algorithm_of(
    oid: ObjectIdentifier,
    curve: Option<ObjectIdentifier>,
) -> Result<Algorithm, String> {
    if oid == OID_ED25519 {
        Ok(Algorithm::Ed25519)
    } else if oid == OID_EC_PUBLIC_KEY && curve == Some(OID_P256) {
        Ok(Algorithm::EcdsaP256)
    } else if oid == OID_EC_PUBLIC_KEY {
        Err(format!(
            "elliptic curve {} is not supported (use P-256 or Ed25519)",
            curve.map(|c| c.to_string()).unwrap_or_else(|| "?".into())
        ))
    } else {
        Err(format!(
            "key algorithm {oid} is not supported (use ECDSA P-256 or Ed25519)"
        ))
    }
}

/// Tolerates what CI secret stores do to PEM text: surrounding blanks, CRLF, and newlines stored
/// as the two characters `\n`.
fn normalize_pem(text: &str) -> Zeroizing<String> {
    let trimmed = text.trim();
    let unescaped = if !trimmed.contains('\n') && trimmed.contains("\\n") {
        trimmed.replace("\\n", "\n")
    } else {
        trimmed.to_string()
    };
    let mut out = unescaped.replace("\r\n", "\n");
    out.push('\n');
    Zeroizing::new(out)
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Bytes of a hex string, for test vectors.
#[cfg(test)]
pub(crate) fn from_hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("proven-keys-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("tmp dir");
        dir
    }

    #[test]
    fn pem_round_trip_both_algorithms() {
        for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
            let key = SigningKey::generate(alg);
            let pem = key.to_pkcs8_pem();
            assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem:?}");
            let back = SigningKey::from_pem(&pem, "test").expect("reads its own PEM");
            assert_eq!(back.algorithm(), alg, "algorithm detected from the key");
            assert_eq!(back.public_key(), key.public_key());

            let pub_pem = key.public_key().to_pem();
            assert!(pub_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
            let pubkey = PublicKey::from_pem(&pub_pem, "test").expect("reads its own PEM");
            assert_eq!(pubkey, key.public_key());
            assert_eq!(pubkey.keyid().len(), 64);
        }
    }

    #[test]
    fn ed25519_private_keys_are_rfc8410_pkcs8_v1() {
        let key = SigningKey::generate(Algorithm::Ed25519);
        let pem_text = key.to_pkcs8_pem();
        let (label, der) = pem::decode_vec(pem_text.as_bytes()).expect("pem");
        assert_eq!(label, "PRIVATE KEY");
        // SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }
        assert_eq!(hex(&der[..16]), "302e020100300506032b657004220420");
        assert_eq!(
            der.len(),
            48,
            "no public key field: v1, which OpenSSL 3.0 reads"
        );
    }

    #[test]
    fn sign_and_verify_both_algorithms() {
        for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
            let key = SigningKey::generate(alg);
            let public = key.public_key();
            let sig = key.sign(b"message");
            assert_eq!(public.verify(b"message", &sig), Ok(()));
            assert_eq!(
                public.verify(b"messagE", &sig),
                Err(SignatureError::Mismatch(alg))
            );
            let other = SigningKey::generate(alg).public_key();
            assert_eq!(
                other.verify(b"message", &sig),
                Err(SignatureError::Mismatch(alg))
            );
            assert_eq!(
                public.verify(b"message", &sig[1..]),
                Err(SignatureError::Malformed(alg))
            );
        }
    }

    #[test]
    fn ecdsa_signatures_are_der_and_deterministic() {
        let key = SigningKey::generate(Algorithm::EcdsaP256);
        let a = key.sign(b"x");
        assert_eq!(a[0], 0x30, "DER SEQUENCE");
        assert_eq!(a, key.sign(b"x"), "RFC 6979 nonces");
    }

    #[test]
    fn keyid_is_sha256_of_spki_der() {
        // The P-256 key of the DSSE protocol test vector.
        let key = PublicKey::EcdsaP256(
            p256::ecdsa::VerifyingKey::from_sec1_bytes(&from_hex(
                "04\
                 67cd390f77aa359cb08c2235f652270493a9ed832b0abcc01f70954c0390d238\
                 0c782bd54e269125a44f4433aff1432ce94e12bca73aa67ac80cea12608ddf74",
            ))
            .expect("point on the curve"),
        );
        let der = key.to_spki_der();
        // The 26-byte SPKI prefix of P-256 (id-ecPublicKey, prime256v1), then the uncompressed
        // point.
        assert_eq!(
            hex(&der[..26]),
            "3059301306072a8648ce3d020106082a8648ce3d030107034200"
        );
        assert_eq!(der.len(), 26 + 65);
        assert_eq!(der[26], 0x04);
        assert_eq!(key.keyid(), hex(&Sha256::digest(&der)));
    }

    #[test]
    fn reads_keys_from_files_and_the_environment() {
        let dir = tmp("files");
        let key = SigningKey::generate(Algorithm::Ed25519);
        let path = dir.join("proven.key");
        key.write_pkcs8_pem(&path).expect("written");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "owner-only");
        }
        assert!(
            key.write_pkcs8_pem(&path).is_err(),
            "never overwrites a private key"
        );
        let from_file = SigningKey::from_file(&path).expect("read back");
        assert_eq!(from_file.public_key(), key.public_key());

        // CI secret stores: CRLF, surrounding blanks, escaped newlines.
        let pem = key.to_pkcs8_pem().to_string();
        for variant in [
            pem.clone(),
            format!("  {}  ", pem.replace('\n', "\r\n")),
            pem.trim().replace('\n', "\\n"),
        ] {
            let env = move |k: &str| (k == "PROVEN_SIGNING_KEY").then(|| variant.clone());
            let k = SigningKey::from_env("PROVEN_SIGNING_KEY", &env).expect("env key");
            assert_eq!(k.public_key(), key.public_key());
        }
        let err = SigningKey::from_env("PROVEN_SIGNING_KEY", &|_| None).expect_err("unset");
        assert_eq!(
            err.to_string(),
            "environment variable PROVEN_SIGNING_KEY is not set or empty"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn errors_name_the_source_and_never_the_secret() {
        let key = SigningKey::generate(Algorithm::EcdsaP256);
        let pem = key.to_pkcs8_pem().to_string();
        let body: String = pem.lines().nth(1).expect("body line").to_string();
        let broken = pem.replace(&body[..10], "!!!!!!!!!!");
        let err = SigningKey::from_pem(&broken, "environment variable K").expect_err("broken");
        let text = err.to_string();
        assert!(text.starts_with("environment variable K: "), "{text}");
        assert!(!text.contains(&body[10..30]), "no key material in errors");

        let debug = format!("{key:?}");
        assert!(debug.contains("secret redacted") && !debug.contains(&body[..20]));

        let public = key.public_key().to_pem();
        let err = SigningKey::from_pem(&public, "k.pub").expect_err("public key");
        assert!(err.to_string().contains("public key"), "{err}");
        let err = PublicKey::from_pem(&pem, "k").expect_err("private key");
        assert!(err.to_string().contains("want PUBLIC KEY"), "{err}");
        let encrypted =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let err = SigningKey::from_pem(encrypted, "k").expect_err("encrypted");
        assert!(err.to_string().contains("encrypted"), "{err}");
    }

    #[test]
    fn reads_sec1_p256_keys() {
        let key = p256::SecretKey::random(&mut OsRng);
        let sec1 = key
            .to_sec1_pem(LineEnding::LF)
            .expect("sec1 pem")
            .to_string();
        assert!(sec1.starts_with("-----BEGIN EC PRIVATE KEY-----"));
        let k = SigningKey::from_pem(&sec1, "k").expect("sec1");
        assert_eq!(k.algorithm(), Algorithm::EcdsaP256);
        assert_eq!(
            k.public_key(),
            PublicKey::EcdsaP256(p256::ecdsa::VerifyingKey::from(key.public_key()))
        );
    }

    #[test]
    fn algorithm_names() {
        assert_eq!(
            Algorithm::from_name("ECDSA-P256"),
            Some(Algorithm::EcdsaP256)
        );
        assert_eq!(Algorithm::from_name("ed25519"), Some(Algorithm::Ed25519));
        assert_eq!(Algorithm::from_name("rsa"), None);
        assert_eq!(Algorithm::default(), Algorithm::EcdsaP256);
        for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
            assert_eq!(Algorithm::from_name(&alg.to_string()), Some(alg));
            assert_eq!(Algorithm::from_name(alg.scheme()), Some(alg));
        }
    }
}
