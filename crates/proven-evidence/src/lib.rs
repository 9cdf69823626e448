//! The CI half of Proven after the scanners: configuration (`proven.toml`), waivers, the policy
//! gate, and the evidence directory an auditor verifies.

pub mod attest;
pub mod build;
pub mod compliance;
pub mod config;
pub mod evidence;
pub mod junit;
pub mod policy;
pub mod report;
pub mod sarif;
pub mod verify;
pub mod vex;
pub mod vex_in;

pub use config::{Config, ConfigError};
pub use policy::{decide, Decision, Outcome};
