//! A baseline: the fingerprints of known findings, suppressed on later runs. The file holds a random
//! salt and fingerprints only; no secret, no line number (so moving code does not revive a finding).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The baseline file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version.
    pub version: u32,
    /// Hex of the 32-byte salt hashed with each secret.
    pub salt: String,
    /// Sorted fingerprints.
    pub fingerprints: BTreeSet<String>,
}

/// A baseline file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: not a secrets baseline: {message}")]
    Parse { path: String, message: String },
}

impl Baseline {
    /// An empty baseline with this salt.
    pub fn new(salt: [u8; 32]) -> Self {
        Baseline {
            version: 1,
            salt: proven_model::encoding::hex(&salt),
            fingerprints: BTreeSet::new(),
        }
    }

    /// Parses a baseline file's bytes; `path` names it in errors.
    pub fn parse(bytes: &[u8], path: &str) -> Result<Self, BaselineError> {
        let b: Baseline = serde_json::from_slice(bytes).map_err(|e| BaselineError::Parse {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        b.salt_bytes().ok_or_else(|| BaselineError::Parse {
            path: path.to_string(),
            message: "salt must be 64 hex digits".into(),
        })?;
        Ok(b)
    }

    /// The salt as bytes.
    pub fn salt_bytes(&self) -> Option<[u8; 32]> {
        let s = self.salt.as_bytes();
        if s.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in s.chunks(2).enumerate() {
            out[i] = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
        }
        Some(out)
    }
}
