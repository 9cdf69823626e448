//! `proven sbom`: inventory a tree and write an SBOM.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use proven_inventory::{inventory_file, inventory_tree, WalkOptions};
use proven_model::{Completeness, DiagnosticLevel, Inventory};

use crate::cli::{SbomArgs, SbomFormat};
use crate::exit::Code;
use crate::output;

pub fn run(args: &SbomArgs) -> Result<Code> {
    let inventory = inventory(&args.path, &args.walk.options(&[], false))?;
    if !args.quiet {
        print_summary(&inventory);
    }
    let rendered = match args.format {
        SbomFormat::Json => serde_json::to_string_pretty(&inventory)? + "\n",
        SbomFormat::Table => table(&inventory),
        other => bail!("the {other:?} writer is not available in this build"),
    };
    output::write(args.output.as_deref(), rendered.as_bytes())?;
    Ok(if inventory.is_complete() {
        Code::Passed
    } else {
        Code::Incomplete
    })
}

/// Inventories a folder, or one recognised file.
pub fn inventory(path: &Path, options: &WalkOptions) -> Result<Inventory> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        return Ok(inventory_tree(path, options));
    }
    inventory_file(path, options).with_context(|| {
        format!(
            "{} is not a lockfile or manifest Proven reads; give a folder or one of the supported files (see `proven sbom --help`)",
            path.display()
        )
    })
}

/// One line per manifest and every diagnostic, on stderr.
fn print_summary(inv: &Inventory) {
    let mut err = std::io::stderr().lock();
    for m in &inv.manifests {
        let status = match &m.completeness {
            Completeness::Complete => String::new(),
            Completeness::Incomplete(why) => format!("  INCOMPLETE: {why}"),
        };
        let _ = writeln!(
            err,
            "{:<60} {:<24} {:>6} components{status}",
            m.path,
            m.format,
            m.components.len()
        );
    }
    for d in &inv.diagnostics {
        if d.level != DiagnosticLevel::Note {
            let _ = writeln!(err, "{d}");
        }
    }
    let _ = writeln!(
        err,
        "{} components from {} manifests{}",
        inv.components.len(),
        inv.manifests.len(),
        if inv.is_complete() {
            ""
        } else {
            " (incomplete)"
        }
    );
}

fn table(inv: &Inventory) -> String {
    let rows: Vec<[String; 5]> = inv
        .components
        .iter()
        .map(|c| {
            [
                c.full_name(),
                c.version
                    .clone()
                    .or_else(|| c.requirement.clone())
                    .unwrap_or_else(|| "-".into()),
                c.ecosystem.to_string(),
                format!("{:?}", c.scope).to_lowercase(),
                c.locations
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ]
        })
        .collect();
    output::table(
        &["NAME", "VERSION", "ECOSYSTEM", "SCOPE", "DECLARED IN"],
        &rows,
    )
}
