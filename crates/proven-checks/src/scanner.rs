//! The scanner seam: a scanner looks at the files the one walk hands it and reports findings to a
//! [`Sink`]; [`ScannerRun`] adapts it to the walk.

use std::sync::Mutex;

use proven_inventory::{Visitor, WalkedFile};
use proven_model::{Diagnostic, Finding};

/// A check over files. Implementations own their configuration and rule codes.
pub trait Scanner: Sync {
    /// Stable name (`secrets`, `config`), used in evidence and SARIF.
    fn name(&self) -> &'static str;
    /// Whether the scanner wants this file, judged from its path, name and size.
    fn wants(&self, rel: &str, name: &str, size: u64) -> bool;
    /// Checks one file.
    fn check(&self, file: &WalkedFile<'_>, sink: &Sink);
}

/// Where findings and problems go; shared by the walk's threads.
#[derive(Debug, Default)]
pub struct Sink {
    findings: Mutex<Vec<Finding>>,
    diagnostics: Mutex<Vec<Diagnostic>>,
}

impl Sink {
    /// Reports a finding.
    pub fn finding(&self, f: Finding) {
        self.findings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(f);
    }

    /// Reports a problem with an input (the scan of that file was incomplete).
    pub fn diagnostic(&self, d: Diagnostic) {
        self.diagnostics
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(d);
    }

    /// Everything reported, sorted (by location, then code) for deterministic output.
    pub fn into_parts(self) -> (Vec<Finding>, Vec<Diagnostic>) {
        let mut f = self
            .findings
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        f.sort_by(|a, b| {
            (&a.location, &a.code, &a.fingerprint).cmp(&(&b.location, &b.code, &b.fingerprint))
        });
        let mut d = self
            .diagnostics
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        d.sort();
        (f, d)
    }
}

/// One scanner during one walk.
pub struct ScannerRun<'a> {
    pub scanner: &'a dyn Scanner,
    pub sink: Sink,
}

impl std::fmt::Debug for ScannerRun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScannerRun")
            .field("scanner", &self.scanner.name())
            .finish()
    }
}

impl<'a> ScannerRun<'a> {
    /// A run with an empty sink.
    pub fn new(scanner: &'a dyn Scanner) -> Self {
        ScannerRun {
            scanner,
            sink: Sink::default(),
        }
    }
}

impl Visitor for ScannerRun<'_> {
    fn wants(&self, rel: &str, name: &str, size: u64) -> bool {
        self.scanner.wants(rel, name, size)
    }

    fn visit(&self, file: &WalkedFile<'_>) {
        self.scanner.check(file, &self.sink);
    }
}
