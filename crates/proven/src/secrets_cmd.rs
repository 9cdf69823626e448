//! `proven secrets`: the secrets scanner on its own, over a tree or a git history.

use anyhow::{Context, Result};
use proven_checks::scanner::ScannerRun;
use proven_checks::secrets::baseline::Baseline;
use proven_checks::secrets::history::scan_history;
use proven_checks::secrets::{SecretsOptions, SecretsScanner, DEFAULT_MAX_FILE_SIZE};
use proven_model::{DiagnosticLevel, Finding, Status};
use rand_core::RngCore;

use crate::cli::{SecretsArgs, SecretsFormat};
use crate::exit::Code;
use crate::output;

/// Runs the scan, prints the findings and returns 1 when a tier A or B secret is open.
pub fn run(args: &SecretsArgs) -> Result<Code> {
    let loaded = match &args.baseline {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
            Some(Baseline::parse(&bytes, &p.display().to_string())?)
        }
        None => None,
    };
    let mut options = SecretsOptions::default();
    if let Some(b) = &loaded {
        options.salt = b.salt_bytes().context("baseline salt")?;
        options.baseline = b.fingerprints.clone();
    } else if args.write_baseline.is_some() {
        rand_core::OsRng.fill_bytes(&mut options.salt);
    }
    let salt = options.salt;
    let scanner = SecretsScanner::new(options);
    let run = ScannerRun::new(&scanner);
    let mut history = None;
    if args.history {
        let stats = scan_history(&args.path, args.since.as_deref(), &scanner, &run.sink)?;
        history = Some(stats);
    } else {
        let mut walk = args.walk.options(&[], false);
        walk.max_file_size = DEFAULT_MAX_FILE_SIZE;
        let problems = proven_inventory::walk(&args.path, &walk, &[&run]);
        for p in problems {
            run.sink.diagnostic(p);
        }
    }
    let (findings, diagnostics) = run.sink.into_parts();

    for d in &diagnostics {
        let level = match d.level {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
            DiagnosticLevel::Note => "note",
        };
        eprintln!("{level}: {}: {}", d.location, d.message);
    }
    let s = scanner.stats();
    eprintln!(
        "scanned {} files ({:.1} MB); skipped {} binary, {} minified, {} over the size limit",
        s.files,
        s.bytes as f64 / 1e6,
        s.skipped_binary,
        s.skipped_minified,
        s.skipped_large
    );
    if let Some(h) = history {
        eprintln!(
            "history: {} commits, {} distinct blobs scanned",
            h.commits, h.blobs
        );
    }

    match args.format {
        SecretsFormat::Table => {
            let rows: Vec<[String; 5]> = findings
                .iter()
                .map(|f| {
                    [
                        f.code.clone(),
                        tier(f).to_string(),
                        f.evidence.get("secret").cloned().unwrap_or_default(),
                        f.location.to_string(),
                        match &f.status {
                            Status::Open => "open".to_string(),
                            Status::Suppressed { reason } => format!("suppressed ({reason})"),
                            other => format!("{other:?}"),
                        },
                    ]
                })
                .collect();
            let mut text = output::table(&["RULE", "TIER", "SECRET", "LOCATION", "STATUS"], &rows);
            if findings.is_empty() {
                text = "no secrets found\n".to_string();
            }
            output::write(None, text.as_bytes())?;
        }
        SecretsFormat::Json => {
            let mut bytes = serde_json::to_vec_pretty(&findings)?;
            bytes.push(b'\n');
            output::write(None, &bytes)?;
        }
        SecretsFormat::Sarif => {
            let log = proven_evidence::sarif::write(&findings, env!("CARGO_PKG_VERSION"));
            let mut bytes = serde_json::to_vec_pretty(&log)?;
            bytes.push(b'\n');
            output::write(None, &bytes)?;
        }
    }

    if let Some(path) = &args.write_baseline {
        let mut b = Baseline::new(salt);
        b.fingerprints = findings
            .iter()
            .filter(|f| matches!(&f.status, Status::Open) || is_baseline(f))
            .map(|f| f.fingerprint.clone())
            .collect();
        let mut bytes = serde_json::to_vec_pretty(&b)?;
        bytes.push(b'\n');
        std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!(
            "wrote {} fingerprints to {}",
            b.fingerprints.len(),
            path.display()
        );
    }

    let failing = findings
        .iter()
        .filter(|f| f.status == Status::Open && matches!(tier(f), "A" | "B"))
        .count();
    let unreadable = diagnostics
        .iter()
        .any(|d| d.level == DiagnosticLevel::Error);
    Ok(if failing > 0 {
        eprintln!("{failing} open secret(s) of tier A or B");
        Code::Failed
    } else if unreadable {
        Code::Incomplete
    } else {
        Code::Passed
    })
}

fn tier(f: &Finding) -> &str {
    f.evidence.get("tier").map(String::as_str).unwrap_or("C")
}

fn is_baseline(f: &Finding) -> bool {
    matches!(&f.status, Status::Suppressed { reason } if reason == "baseline")
}
