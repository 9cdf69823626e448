//! Shared types of Proven. No I/O lives here: every other crate speaks in these types.

mod component;
mod ecosystem;
mod inventory;
mod location;
mod purl;

pub use component::{Component, ComponentKind, Hash, HashAlg, Licenses, Scope};
pub use ecosystem::Ecosystem;
pub use inventory::{Completeness, Diagnostic, DiagnosticLevel, Inventory, Manifest};
pub use location::Location;
pub use purl::{Purl, PurlError};
