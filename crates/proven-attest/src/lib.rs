//! Attestations of a build's evidence: signing keys (ECDSA P-256 and Ed25519, PEM), in-toto
//! Statement v1 with the predicates Proven attests (CycloneDX SBOM, OpenVEX, vulnerability scan,
//! test result, SLSA provenance), DSSE envelopes, Sigstore bundles v0.3, and their verification
//! against an evidence directory.
//!
//! Split out of proven-evidence for its dependency set (the signature crates). No network: keys
//! come from files or the environment, and bundles carry no transparency log entry.

pub mod attestation;
pub mod bundle;
pub mod dsse;
pub mod keys;
pub mod statement;
pub mod verify;

pub use attestation::{Attestation, AttestationFile};
pub use dsse::{DsseError, Envelope};
pub use keys::{Algorithm, KeyError, PublicKey, SigningKey};
pub use statement::{ResourceDescriptor, Statement, StatementError};
pub use verify::{verify_attestations, Problem, Report, VerifyOptions};
