//! `proven config`: check Dockerfiles, compose files, Kubernetes manifests and Terraform;
//! `proven explain`: print a rule's documentation.

use std::io::Write;

use anyhow::{bail, Context, Result};
use proven_checks::config::{rule, ConfigScanner, RULES};
use proven_checks::scanner::ScannerRun;
use proven_checks::secrets;
use proven_model::{DiagnosticLevel, SeverityLevel, Status};

use crate::cli::{ConfigArgs, ConfigFormat, ExplainArgs};
use crate::exit::Code;
use crate::output;

pub fn run(args: &ConfigArgs) -> Result<Code> {
    let meta = std::fs::metadata(&args.path)
        .with_context(|| format!("cannot read {}", args.path.display()))?;
    let scanner = ConfigScanner::new();
    let run = ScannerRun::new(&scanner);
    let image = crate::sbom_cmd::image_at(&args.path)?;
    let mut problems = if let Some(image) = &image {
        let walked = proven_image::walk_image(image, &args.walk.options(&[], false), &[&run])
            .map_err(|e| anyhow::anyhow!(e))?;
        scanner.check_image(&image.archive, &image.runtime, &run.sink);
        walked.diagnostics
    } else if meta.is_dir() || meta.is_file() {
        proven_inventory::walk(&args.path, &args.walk.options(&[], false), &[&run])
    } else {
        bail!("{} is neither a folder nor a file", args.path.display());
    };
    scanner.finish(&run.sink);
    let (findings, mut diagnostics) = run.sink.into_parts();
    diagnostics.append(&mut problems);
    let rendered = match args.format {
        ConfigFormat::Json => {
            serde_json::to_string_pretty(&serde_json::json!({
                "findings": findings,
                "diagnostics": diagnostics,
            }))? + "\n"
        }
        ConfigFormat::Sarif => {
            serde_json::to_string_pretty(&proven_evidence::sarif::write(
                &findings,
                env!("CARGO_PKG_VERSION"),
            ))? + "\n"
        }
        ConfigFormat::Table => {
            let rows: Vec<[String; 5]> = findings
                .iter()
                .map(|f| {
                    let status = match &f.status {
                        Status::Open => "open".to_string(),
                        Status::Suppressed { .. } => "suppressed".to_string(),
                        other => format!("{other:?}").to_lowercase(),
                    };
                    [
                        f.severity.level.to_string(),
                        f.code.clone(),
                        f.location.to_string(),
                        status,
                        f.evidence.get("matched").cloned().unwrap_or_default(),
                    ]
                })
                .collect();
            output::table(&["SEVERITY", "RULE", "LOCATION", "STATUS", "WHAT"], &rows)
        }
    };
    let mut err = std::io::stderr().lock();
    for d in &diagnostics {
        let _ = writeln!(err, "{d}");
    }
    let open: Vec<_> = findings
        .iter()
        .filter(|f| f.status == Status::Open)
        .collect();
    let _ = writeln!(
        err,
        "{} findings ({} open, {} suppressed)",
        findings.len(),
        open.len(),
        findings.len() - open.len()
    );
    output::write(None, rendered.as_bytes())?;
    if diagnostics
        .iter()
        .any(|d| d.level == DiagnosticLevel::Error)
    {
        return Ok(Code::Incomplete);
    }
    let failing = open
        .iter()
        .any(|f| f.severity.level.at_least(SeverityLevel::High));
    Ok(if failing { Code::Failed } else { Code::Passed })
}

/// `proven explain`: the documentation of a configuration or secrets rule, or the list of both.
pub fn explain(args: &ExplainArgs) -> Result<Code> {
    if args.rule == "all" || args.rule == "list" {
        let config = RULES.iter().map(|r| {
            [
                r.id.to_string(),
                r.target.as_str().to_string(),
                r.severity.to_string(),
                r.title.to_string(),
            ]
        });
        let secrets = secrets::RULES.iter().map(|r| {
            [
                r.id.to_string(),
                "secrets".to_string(),
                r.severity.to_string(),
                r.title.to_string(),
            ]
        });
        let rows: Vec<[String; 4]> = config.chain(secrets).collect();
        output::write(
            None,
            output::table(&["RULE", "TARGET", "SEVERITY", "TITLE"], &rows).as_bytes(),
        )?;
        return Ok(Code::Passed);
    }
    let docs = match (rule(&args.rule), secrets::rules::find(&args.rule)) {
        (Some(r), _) => r.docs(),
        (None, Some(r)) => r.docs(),
        (None, None) => bail!(
            "no rule `{}`; `proven explain list` lists every rule",
            args.rule
        ),
    };
    output::write(None, docs.as_bytes())?;
    Ok(Code::Passed)
}
