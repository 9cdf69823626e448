//! Shared types of Proven. No I/O lives here: every other crate speaks in these types.

mod component;
mod container;
pub mod date;
mod ecosystem;
pub mod encoding;
mod finding;
mod inventory;
mod location;
mod purl;

pub use component::{Component, ComponentKind, Hash, HashAlg, Licenses, Scope};
pub use container::ContainerRuntime;
pub use ecosystem::Ecosystem;
pub use finding::{Finding, FindingKind, Severity, SeverityLevel, Status};
pub use inventory::{Completeness, Diagnostic, DiagnosticLevel, Inventory, Manifest};
pub use location::Location;
pub use purl::{Purl, PurlError};
