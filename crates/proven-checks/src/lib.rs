//! Scanners that read files and report findings. SARIF import brings other tools' SAST and DAST
//! results into the same findings.

pub mod config;
pub mod mask;
pub mod sarif_import;
pub mod scanner;
pub mod secrets;
