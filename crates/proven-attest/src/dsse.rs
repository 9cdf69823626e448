//! DSSE, the Dead Simple Signing Envelope (envelope and protocol v1.0): a payload, its type, and
//! signatures over `PAE(type, payload)`.

use base64ct::{Base64, Base64Unpadded, Base64Url, Base64UrlUnpadded, Encoding};
use serde::{Deserialize, Serialize};

use crate::keys::{PublicKey, SignatureError, SigningKey};

/// The payload type of in-toto statements.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// The media type of a DSSE JSON envelope file.
pub const ENVELOPE_MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";

/// The pre-authentication encoding every signature covers:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in ASCII decimal.
pub fn pae(payload_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload_type.len() + body.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(body.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(body);
    out
}

/// A DSSE envelope, decoded: payload and signatures are bytes here, base64 on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub payload_type: String,
    pub payload: Vec<u8>,
    pub signatures: Vec<Signature>,
}

/// One signature. `keyid` is an unauthenticated hint; empty means unset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub keyid: String,
    pub sig: Vec<u8>,
}

/// Why an envelope was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DsseError {
    #[error("not a DSSE envelope: {0}")]
    Malformed(String),
    #[error("the envelope has no signatures")]
    NoSignatures,
    #[error(
        "no signature is by key {keyid} (the envelope is signed by {})",
        if found.is_empty() { "unnamed keys".to_string() } else { found.join(", ") }
    )]
    NoSignatureForKey { keyid: String, found: Vec<String> },
    #[error("signature by key {keyid} does not verify: {reason}; the payload or the signature was changed, or another key signed it")]
    BadSignature {
        keyid: String,
        reason: SignatureError,
    },
    #[error("payload type is {found:?}, expected {expected:?}")]
    PayloadType { found: String, expected: String },
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
    #[serde(default, skip_serializing_if = "String::is_empty")]
    keyid: String,
    sig: String,
}

impl Envelope {
    /// Signs `payload` of type `payload_type` with `key`; the signature names the key's keyid.
    pub fn sign(payload_type: &str, payload: Vec<u8>, key: &SigningKey) -> Envelope {
        let sig = key.sign(&pae(payload_type, &payload));
        Envelope {
            payload_type: payload_type.to_string(),
            payload,
            signatures: vec![Signature {
                keyid: key.public_key().keyid(),
                sig,
            }],
        }
    }

    /// Accepts the envelope when a signature whose keyid is `key`'s (or unset) verifies.
    pub fn verify(&self, key: &PublicKey) -> Result<(), DsseError> {
        if self.signatures.is_empty() {
            return Err(DsseError::NoSignatures);
        }
        let keyid = key.keyid();
        let message = pae(&self.payload_type, &self.payload);
        let mut last = None;
        for s in &self.signatures {
            if !s.keyid.is_empty() && s.keyid != keyid {
                continue;
            }
            match key.verify(&message, &s.sig) {
                Ok(()) => return Ok(()),
                Err(reason) => last = Some(reason),
            }
        }
        match last {
            Some(reason) => Err(DsseError::BadSignature { keyid, reason }),
            None => Err(DsseError::NoSignatureForKey {
                keyid,
                found: self
                    .signatures
                    .iter()
                    .map(|s| s.keyid.clone())
                    .filter(|k| !k.is_empty())
                    .collect(),
            }),
        }
    }

    /// Verifies with `key` and checks the payload type is `expected`.
    pub fn verify_as(&self, key: &PublicKey, expected: &str) -> Result<(), DsseError> {
        self.verify(key)?;
        if self.payload_type != expected {
            return Err(DsseError::PayloadType {
                found: self.payload_type.clone(),
                expected: expected.to_string(),
            });
        }
        Ok(())
    }

    /// The JSON envelope, standard padded base64, pretty-printed with a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        let wire = WireEnvelope {
            payload: Base64::encode_string(&self.payload),
            payload_type: self.payload_type.clone(),
            signatures: self
                .signatures
                .iter()
                .map(|s| WireSignature {
                    keyid: s.keyid.clone(),
                    sig: Base64::encode_string(&s.sig),
                })
                .collect(),
        };
        let mut out = serde_json::to_vec_pretty(&wire).expect("strings always serialize");
        out.push(b'\n');
        out
    }

    /// Parses a JSON envelope; base64 may be standard or URL-safe, padded or not, as the spec
    /// requires of verifiers. Unknown fields are ignored, as the spec requires.
    pub fn from_json(bytes: &[u8]) -> Result<Envelope, DsseError> {
        let wire: WireEnvelope =
            serde_json::from_slice(bytes).map_err(|e| DsseError::Malformed(e.to_string()))?;
        Ok(Envelope {
            payload: decode_b64(&wire.payload)
                .ok_or_else(|| DsseError::Malformed("payload is not base64".to_string()))?,
            payload_type: wire.payload_type,
            signatures: wire
                .signatures
                .into_iter()
                .map(|s| {
                    Ok(Signature {
                        sig: decode_b64(&s.sig).ok_or_else(|| {
                            DsseError::Malformed("a signature is not base64".to_string())
                        })?,
                        keyid: s.keyid,
                    })
                })
                .collect::<Result<_, DsseError>>()?,
        })
    }
}

/// Decodes standard or URL-safe base64, padded or not.
pub(crate) fn decode_b64(s: &str) -> Option<Vec<u8>> {
    Base64::decode_vec(s)
        .or_else(|_| Base64Unpadded::decode_vec(s))
        .or_else(|_| Base64Url::decode_vec(s))
        .or_else(|_| Base64UrlUnpadded::decode_vec(s))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Algorithm;

    #[test]
    fn pae_matches_the_spec_example() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
        // Lengths count bytes, not characters.
        assert_eq!(pae("t", "é".as_bytes()), "DSSEv1 1 t 2 é".as_bytes());
    }

    /// The ECDSA test vector of the DSSE protocol: deterministic RFC 6979 signatures make our
    /// signature byte-identical to the spec's (which it prints as raw r||s).
    #[test]
    fn spec_test_vector() {
        use p256::pkcs8::EncodePrivateKey;
        let d = crate::keys::from_hex(
            "d73ec437fd6346e3619c5ebfdfff0f6916804955ad32ac9ac492b0ede1f6ffb7",
        );
        let secret = p256::ecdsa::SigningKey::from_slice(&d).expect("scalar");
        let pem = secret
            .to_pkcs8_pem(p256::pkcs8::LineEnding::LF)
            .expect("pem");
        let key = SigningKey::from_pem(&pem, "vector").expect("key");
        let env = Envelope::sign(
            "http://example.com/HelloWorld",
            b"hello world".to_vec(),
            &key,
        );
        let raw = p256::ecdsa::Signature::from_der(&env.signatures[0].sig)
            .expect("DER")
            .to_bytes();
        assert_eq!(
            Base64::encode_string(&raw),
            "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="
        );
        let json: serde_json::Value = serde_json::from_slice(&env.to_json()).expect("json");
        assert_eq!(json["payload"], "aGVsbG8gd29ybGQ=");
        assert_eq!(json["payloadType"], "http://example.com/HelloWorld");
    }

    #[test]
    fn round_trip_and_tampering_both_algorithms() {
        for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
            let key = SigningKey::generate(alg);
            let public = key.public_key();
            let env = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, b"{\"a\":1}".to_vec(), &key);
            let parsed = Envelope::from_json(&env.to_json()).expect("parses");
            assert_eq!(parsed, env);
            assert_eq!(parsed.verify_as(&public, IN_TOTO_PAYLOAD_TYPE), Ok(()));

            // Every single-bit change of the payload is caught.
            for i in 0..env.payload.len() {
                let mut bad = env.clone();
                bad.payload[i] ^= 1;
                assert!(
                    matches!(bad.verify(&public), Err(DsseError::BadSignature { .. })),
                    "{alg} payload byte {i}"
                );
            }
            // So is a change of the (signed) payload type.
            let mut bad = env.clone();
            bad.payload_type = "application/json".into();
            assert!(matches!(
                bad.verify(&public),
                Err(DsseError::BadSignature { .. })
            ));
            // And of the signature.
            let mut bad = env.clone();
            let last = bad.signatures[0].sig.len() - 1;
            bad.signatures[0].sig[last] ^= 1;
            assert!(matches!(
                bad.verify(&public),
                Err(DsseError::BadSignature { .. })
            ));
            // Another key, with its own keyid, is not a signer.
            let other = SigningKey::generate(alg).public_key();
            assert_eq!(
                env.verify(&other),
                Err(DsseError::NoSignatureForKey {
                    keyid: other.keyid(),
                    found: vec![public.keyid()],
                })
            );
            // An unnamed signature is tried against the key.
            let mut unnamed = env.clone();
            unnamed.signatures[0].keyid.clear();
            assert_eq!(unnamed.verify(&public), Ok(()));
            assert!(matches!(
                unnamed.verify(&other),
                Err(DsseError::BadSignature { .. })
            ));
            // Verifying the payload type is the caller's choice, and reported as such.
            assert_eq!(
                env.verify_as(&public, "text/plain"),
                Err(DsseError::PayloadType {
                    found: IN_TOTO_PAYLOAD_TYPE.into(),
                    expected: "text/plain".into()
                })
            );
        }
    }

    #[test]
    fn accepts_every_base64_flavour_and_ignores_unknown_fields() {
        let key = SigningKey::generate(Algorithm::Ed25519);
        // 0xfb 0xff encodes with '+' and '/' (standard) or '-' and '_' (URL-safe).
        let env = Envelope::sign("t", vec![0xfb, 0xff, 0xfe, 0x00], &key);
        let sig = &env.signatures[0].sig;
        for (payload, sig_text) in [
            (
                Base64::encode_string(&env.payload),
                Base64::encode_string(sig),
            ),
            (
                Base64Unpadded::encode_string(&env.payload),
                Base64Unpadded::encode_string(sig),
            ),
            (
                Base64Url::encode_string(&env.payload),
                Base64Url::encode_string(sig),
            ),
            (
                Base64UrlUnpadded::encode_string(&env.payload),
                Base64UrlUnpadded::encode_string(sig),
            ),
        ] {
            let json = serde_json::json!({
                "payload": payload,
                "payloadType": "t",
                "signatures": [{"keyid": env.signatures[0].keyid, "sig": sig_text, "extra": 1}],
                "future": true
            });
            let parsed = Envelope::from_json(json.to_string().as_bytes()).expect("parses");
            assert_eq!(parsed.verify(&key.public_key()), Ok(()));
        }
        assert!(matches!(
            Envelope::from_json(br#"{"payload":"*","payloadType":"t","signatures":[]}"#),
            Err(DsseError::Malformed(_))
        ));
        assert_eq!(
            Envelope::from_json(br#"{"payload":"","payloadType":"t","signatures":[]}"#)
                .expect("empty is valid")
                .verify(&key.public_key()),
            Err(DsseError::NoSignatures)
        );
    }
}
