//! A signed statement as the two files the evidence directory holds: the DSSE envelope and the
//! same signature wrapped as a Sigstore bundle.

use crate::bundle::{to_bundle_json, BUNDLE_MEDIA_TYPE};
use crate::dsse::{Envelope, ENVELOPE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE};
use crate::keys::SigningKey;
use crate::statement::Statement;

/// The folder of the evidence directory that holds attestations.
pub const ATTESTATIONS_DIR: &str = "attestations";
/// File name suffix of DSSE envelopes.
pub const DSSE_SUFFIX: &str = ".dsse.json";
/// File name suffix of Sigstore bundles (the suffix Sigstore tools use).
pub const BUNDLE_SUFFIX: &str = ".sigstore.json";

/// A statement signed with one key.
#[derive(Clone, Debug)]
pub struct Attestation {
    /// The file stem, e.g. `sbom` for `attestations/sbom.dsse.json`.
    pub stem: String,
    pub statement: Statement,
    pub envelope: Envelope,
    bundle_json: Vec<u8>,
}

/// One file to add to the evidence directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttestationFile {
    /// Relative to the evidence directory.
    pub path: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Attestation {
    /// Signs `statement` as `attestations/<stem>.dsse.json` and `attestations/<stem>.sigstore.json`.
    pub fn sign(stem: &str, statement: Statement, key: &SigningKey) -> Attestation {
        let envelope = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, statement.to_json(), key);
        let bundle_json = to_bundle_json(&envelope, &key.public_key());
        Attestation {
            stem: stem.to_string(),
            statement,
            envelope,
            bundle_json,
        }
    }

    /// The DSSE envelope's path in the evidence directory.
    pub fn dsse_path(&self) -> String {
        format!("{ATTESTATIONS_DIR}/{}{DSSE_SUFFIX}", self.stem)
    }

    /// The Sigstore bundle's path in the evidence directory.
    pub fn bundle_path(&self) -> String {
        format!("{ATTESTATIONS_DIR}/{}{BUNDLE_SUFFIX}", self.stem)
    }

    /// Both files, ready for `Evidence::add`.
    pub fn files(&self) -> [AttestationFile; 2] {
        [
            AttestationFile {
                path: self.dsse_path(),
                media_type: ENVELOPE_MEDIA_TYPE,
                bytes: self.envelope.to_json(),
            },
            AttestationFile {
                path: self.bundle_path(),
                media_type: BUNDLE_MEDIA_TYPE,
                bytes: self.bundle_json.clone(),
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::from_bundle_json;
    use crate::keys::Algorithm;
    use crate::statement::ResourceDescriptor;

    #[test]
    fn two_files_one_signature_same_bytes_every_time() {
        let key = SigningKey::generate(Algorithm::EcdsaP256);
        let statement = Statement::openvex(
            vec![ResourceDescriptor::evidence("vex.openvex.json", b"{}")],
            serde_json::json!({"@context": "https://openvex.dev/ns/v0.2.0"}),
        )
        .expect("statement");
        let a = Attestation::sign("openvex", statement.clone(), &key);
        let [dsse, bundle] = a.files();
        assert_eq!(dsse.path, "attestations/openvex.dsse.json");
        assert_eq!(bundle.path, "attestations/openvex.sigstore.json");
        let env = Envelope::from_json(&dsse.bytes).expect("envelope");
        let read = from_bundle_json(&bundle.bytes).expect("bundle");
        assert_eq!(read.envelope.payload, env.payload);
        assert_eq!(read.envelope.signatures[0].sig, env.signatures[0].sig);
        assert_eq!(Statement::from_json(&env.payload), Ok(statement.clone()));
        // Same input, same key: byte-identical files (deterministic signatures).
        assert_eq!(
            Attestation::sign("openvex", statement, &key).files(),
            a.files()
        );
    }
}
