//! The result of inventorying a tree: components, the dependency graph, and one record per manifest.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::{Component, Ecosystem, Hash, Location};

/// Everything found in one tree (or one SBOM), in a deterministic order.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Inventory {
    /// Sorted by `id`; ids are unique.
    pub components: Vec<Component>,
    /// `id → ids it depends on`. Every id here names a component.
    pub dependencies: BTreeMap<String, BTreeSet<String>>,
    /// Sorted by path.
    pub manifests: Vec<Manifest>,
    /// Problems met on the way; an error-level one means the inventory is incomplete.
    pub diagnostics: Vec<Diagnostic>,
}

impl Inventory {
    /// True when every manifest was read completely and no error was met.
    pub fn is_complete(&self) -> bool {
        self.manifests.iter().all(|m| m.completeness.is_complete())
            && !self
                .diagnostics
                .iter()
                .any(|d| d.level == DiagnosticLevel::Error)
    }

    /// The component with this id.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.components[i])
    }
}

/// One lockfile or manifest that was read.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// Path relative to the scan root, forward slashes.
    pub path: String,
    /// The format, as people name it (`Cargo.lock`, `package-lock.json v3`).
    pub format: String,
    pub ecosystem: Ecosystem,
    pub completeness: Completeness,
    /// SHA-256 and SHA-512 of the file's bytes.
    pub hashes: Vec<Hash>,
    /// Size in bytes.
    pub size: u64,
    /// The project this manifest describes, when it names it (an id in the inventory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// Ids of the components the project depends on directly, where the file says.
    pub direct: BTreeSet<String>,
    /// Ids of every component this manifest contributed.
    pub components: BTreeSet<String>,
}

/// Whether a manifest's component list can be trusted to be whole.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "status", content = "reason", rename_all = "lowercase")]
pub enum Completeness {
    /// Every component and edge the file records was read.
    Complete,
    /// Something is missing; the reason says what.
    Incomplete(String),
}

impl Completeness {
    /// True for [`Completeness::Complete`].
    pub fn is_complete(&self) -> bool {
        matches!(self, Completeness::Complete)
    }
}

/// How bad a diagnostic is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    Error,
    Warning,
    Note,
}

/// A problem with an input, with the place it is at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub level: DiagnosticLevel,
    pub location: Location,
    pub message: String,
}

impl Diagnostic {
    /// An error at a place.
    pub fn error(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Error,
            location,
            message: message.into(),
        }
    }

    /// A warning at a place.
    pub fn warning(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Warning,
            location,
            message: message.into(),
        }
    }

    /// A note at a place.
    pub fn note(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Note,
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
            DiagnosticLevel::Note => "note",
        };
        write!(f, "{level}: {}: {}", self.location, self.message)
    }
}
