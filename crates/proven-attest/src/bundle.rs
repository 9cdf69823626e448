//! Sigstore bundles v0.3 (protobuf-specs `Bundle`, JSON mapping) carrying a DSSE envelope and a
//! key hint: the form `cosign verify-blob-attestation --bundle B --key K` reads.
//!
//! Key-based and without a transparency log entry: `tlogEntries` is empty, so cosign needs
//! `--insecure-ignore-tlog`. The envelope's signature carries no `keyid`: cosign (through
//! go-securesystemslib) skips a signature whose keyid differs from the SSH-style fingerprint it
//! computes for the verifying key, and cosign's own key-based bundles leave it unset. The
//! key id goes in `verificationMaterial.publicKey.hint` instead, which verifiers treat as an
//! unauthenticated hint.

use base64ct::{Base64, Encoding};
use serde::{Deserialize, Serialize};

use crate::dsse::{decode_b64, Envelope, Signature};
use crate::keys::PublicKey;

/// The media type of the bundles we write.
pub const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// The older spelling of the same version, accepted when reading.
const BUNDLE_MEDIA_TYPE_ALT: &str = "application/vnd.dev.sigstore.bundle+json;version=0.3";

/// Why a file is not a bundle we can verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("not a Sigstore bundle: {0}")]
    Malformed(String),
    #[error("bundle media type {0:?} is not a v0.3 bundle")]
    MediaType(String),
    #[error("the bundle holds no DSSE envelope (a message signature, or nothing)")]
    NoEnvelope,
    #[error("a bundle's DSSE envelope must hold exactly one signature, this one holds {0}")]
    SignatureCount(usize),
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireBundle {
    media_type: String,
    verification_material: WireMaterial,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dsse_envelope: Option<WireEnvelope>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireMaterial {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    public_key: Option<WireKeyHint>,
    #[serde(default)]
    tlog_entries: Vec<serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
struct WireKeyHint {
    #[serde(default)]
    hint: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireEnvelope {
    payload: String,
    payload_type: String,
    signatures: Vec<WireSignature>,
}

#[derive(Serialize, Deserialize)]
struct WireSignature {
    sig: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    keyid: String,
}

/// The bundle JSON for `envelope`, signed by `key`. Only the first signature is carried, without
/// its keyid (see the module documentation).
pub fn to_bundle_json(envelope: &Envelope, key: &PublicKey) -> Vec<u8> {
    let wire = WireBundle {
        media_type: BUNDLE_MEDIA_TYPE.to_string(),
        verification_material: WireMaterial {
            public_key: Some(WireKeyHint { hint: key.keyid() }),
            tlog_entries: Vec::new(),
        },
        dsse_envelope: Some(WireEnvelope {
            payload: Base64::encode_string(&envelope.payload),
            payload_type: envelope.payload_type.clone(),
            signatures: envelope
                .signatures
                .iter()
                .take(1)
                .map(|s| WireSignature {
                    sig: Base64::encode_string(&s.sig),
                    keyid: String::new(),
                })
                .collect(),
        }),
    };
    let mut out = serde_json::to_vec_pretty(&wire).expect("strings always serialize");
    out.push(b'\n');
    out
}

/// A bundle read back: its envelope and the unauthenticated key hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadBundle {
    pub envelope: Envelope,
    pub key_hint: Option<String>,
}

/// Reads a v0.3 bundle holding a DSSE envelope with exactly one signature.
pub fn from_bundle_json(bytes: &[u8]) -> Result<ReadBundle, BundleError> {
    let wire: WireBundle =
        serde_json::from_slice(bytes).map_err(|e| BundleError::Malformed(e.to_string()))?;
    if wire.media_type != BUNDLE_MEDIA_TYPE && wire.media_type != BUNDLE_MEDIA_TYPE_ALT {
        return Err(BundleError::MediaType(wire.media_type));
    }
    let env = wire.dsse_envelope.ok_or(BundleError::NoEnvelope)?;
    if env.signatures.len() != 1 {
        return Err(BundleError::SignatureCount(env.signatures.len()));
    }
    let b64 = |s: &str, what: &str| {
        decode_b64(s).ok_or_else(|| BundleError::Malformed(format!("{what} is not base64")))
    };
    Ok(ReadBundle {
        envelope: Envelope {
            payload: b64(&env.payload, "payload")?,
            payload_type: env.payload_type,
            signatures: env
                .signatures
                .into_iter()
                .map(|s| {
                    Ok(Signature {
                        sig: b64(&s.sig, "the signature")?,
                        keyid: s.keyid,
                    })
                })
                .collect::<Result<_, BundleError>>()?,
        },
        key_hint: wire
            .verification_material
            .public_key
            .map(|k| k.hint)
            .filter(|h| !h.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsse::{DsseError, IN_TOTO_PAYLOAD_TYPE};
    use crate::keys::{Algorithm, SigningKey};
    use serde_json::json;

    #[test]
    fn layout_is_the_protobuf_json_mapping() {
        let key = SigningKey::generate(Algorithm::EcdsaP256);
        let env = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, b"{}".to_vec(), &key);
        let v: serde_json::Value =
            serde_json::from_slice(&to_bundle_json(&env, &key.public_key())).expect("json");
        assert_eq!(
            v,
            json!({
                "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
                "verificationMaterial": {
                    "publicKey": {"hint": key.public_key().keyid()},
                    "tlogEntries": []
                },
                "dsseEnvelope": {
                    "payload": "e30=",
                    "payloadType": "application/vnd.in-toto+json",
                    "signatures": [{"sig": Base64::encode_string(&env.signatures[0].sig)}]
                }
            })
        );
    }

    #[test]
    fn round_trip_and_tampering() {
        for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
            let key = SigningKey::generate(alg);
            let env = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, b"{\"x\":1}".to_vec(), &key);
            let json = to_bundle_json(&env, &key.public_key());
            let read = from_bundle_json(&json).expect("reads");
            assert_eq!(read.key_hint, Some(key.public_key().keyid()));
            assert_eq!(read.envelope.payload, env.payload);
            assert_eq!(read.envelope.verify(&key.public_key()), Ok(()));

            let mut v: serde_json::Value = serde_json::from_slice(&json).expect("json");
            v["dsseEnvelope"]["payload"] = Base64::encode_string(b"{\"x\":2}").into();
            let read = from_bundle_json(v.to_string().as_bytes()).expect("reads");
            assert!(matches!(
                read.envelope.verify(&key.public_key()),
                Err(DsseError::BadSignature { .. })
            ));
        }
    }

    #[test]
    fn rejects_other_bundles() {
        let key = SigningKey::generate(Algorithm::Ed25519);
        let env = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, b"{}".to_vec(), &key);
        let good: serde_json::Value =
            serde_json::from_slice(&to_bundle_json(&env, &key.public_key())).expect("json");

        let mut v = good.clone();
        v["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.1".into();
        assert!(matches!(
            from_bundle_json(v.to_string().as_bytes()),
            Err(BundleError::MediaType(_))
        ));
        v["mediaType"] = BUNDLE_MEDIA_TYPE_ALT.into();
        assert!(from_bundle_json(v.to_string().as_bytes()).is_ok());

        let mut v = good.clone();
        v.as_object_mut().expect("object").remove("dsseEnvelope");
        assert_eq!(
            from_bundle_json(v.to_string().as_bytes()),
            Err(BundleError::NoEnvelope)
        );

        let mut v = good;
        let sig = v["dsseEnvelope"]["signatures"][0].clone();
        v["dsseEnvelope"]["signatures"] = json!([sig.clone(), sig]);
        assert_eq!(
            from_bundle_json(v.to_string().as_bytes()),
            Err(BundleError::SignatureCount(2))
        );
        assert!(matches!(
            from_bundle_json(b"[]"),
            Err(BundleError::Malformed(_))
        ));
    }
}
