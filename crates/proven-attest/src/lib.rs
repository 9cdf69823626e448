//! Attestations of a build's evidence: signing keys (ECDSA P-256 and Ed25519, PEM) and DSSE
//! envelopes.
//!
//! Split out of proven-evidence for its dependency set (the signature crates). No network: keys
//! come from files or the environment.

pub mod dsse;
pub mod keys;

pub use dsse::{DsseError, Envelope};
pub use keys::{Algorithm, KeyError, PublicKey, SigningKey};
