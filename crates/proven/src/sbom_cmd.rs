//! `proven sbom`: inventory a tree and write an SBOM.

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, Context, Result};
use proven_image::{walk_image, Image, Limits};
use proven_inventory::{inventory_file, inventory_tree, InventoryVisitor, WalkOptions};
use proven_model::{Completeness, ComponentKind, DiagnosticLevel, Inventory};
use proven_sbom::{Format, Product, SbomMeta};

use crate::cli::{SbomArgs, SbomFormat};
use crate::exit::Code;
use crate::output;

pub fn run(args: &SbomArgs) -> Result<Code> {
    if args.check.is_some() {
        return check(args);
    }
    let config = crate::ci_cmd::load_config(&args.path, None)?;
    let walk = args
        .walk
        .options(&config.scan.exclude, config.scan.include_vendored);
    let image = image_at(&args.path)?;
    let inventory = match &image {
        Some(image) => inventory_image(image, &walk)?,
        None => inventory(&args.path, &walk)?,
    };
    if !args.quiet {
        print_summary(&inventory);
    }
    let format = match args.format {
        SbomFormat::Json => None,
        SbomFormat::Table => None,
        SbomFormat::Cyclonedx => Some(Format::CycloneDx16),
        SbomFormat::Cyclonedx17 => Some(Format::CycloneDx17),
        SbomFormat::Spdx => Some(Format::Spdx23),
        SbomFormat::Spdx3 => Some(Format::Spdx3),
    };
    let rendered = match (args.format, format) {
        (_, Some(f)) => {
            let mut meta = sbom_meta(&args.path, &inventory, &config, args.creator.as_deref());
            if let Some(image) = &image {
                meta.product = Some(image_product(image, &config));
            }
            if meta.creator.is_empty() && !args.quiet {
                eprintln!(
                    "warning: no SBOM creator (BSI TR-03183-2 requires one): pass --creator EMAIL|URL or set [product.manufacturer] contact in proven.toml"
                );
            }
            proven_sbom::write(f, &inventory, &meta)
        }
        (SbomFormat::Table, None) => table(&inventory),
        _ => serde_json::to_string_pretty(&inventory)? + "\n",
    };
    output::write(args.output.as_deref(), rendered.as_bytes())?;
    Ok(if inventory.is_complete() {
        Code::Passed
    } else {
        Code::Incomplete
    })
}

/// `proven sbom --check bsi FILE`: per BSI TR-03183-2 field, how many components carry it.
fn check(args: &SbomArgs) -> Result<Code> {
    let bytes = std::fs::read(&args.path)
        .with_context(|| format!("cannot read {}", args.path.display()))?;
    let report = proven_sbom::check_bsi(&bytes)
        .with_context(|| format!("{} is not an SBOM Proven can check", args.path.display()))?;
    let text = match args.format {
        SbomFormat::Json => report.render_json(),
        _ => report.render_table(),
    };
    output::write(args.output.as_deref(), text.as_bytes())?;
    Ok(if report.failures().next().is_some() {
        Code::Failed
    } else {
        Code::Passed
    })
}

/// Document facts for the writers: the product from proven.toml or the root manifest, the creator
/// from the flag or proven.toml, the time from SOURCE_DATE_EPOCH or the clock.
pub fn sbom_meta(
    path: &Path,
    inventory: &Inventory,
    config: &proven_evidence::Config,
    creator: Option<&str>,
) -> SbomMeta {
    let p = &config.product;
    let root = inventory
        .manifests
        .iter()
        .filter_map(|m| m.root.as_deref())
        .find_map(|id| inventory.component(id));
    let product = match (&p.name, root) {
        (Some(name), _) => Some(Product {
            name: name.clone(),
            version: p.version.clone(),
            manufacturer: p.manufacturer.name.clone(),
            license: None,
            ..Product::default()
        }),
        (None, Some(c)) => Some(Product {
            name: c.full_name(),
            version: c.version.clone(),
            manufacturer: p.manufacturer.name.clone(),
            license: c.licenses.declared.clone(),
            ..Product::default()
        }),
        (None, None) => None,
    };
    let subject = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| path.display().to_string());
    let creator = creator
        .map(str::to_string)
        .or_else(|| p.manufacturer.contact.clone())
        .or_else(|| p.security_contact.clone())
        .unwrap_or_default();
    SbomMeta {
        product,
        subject,
        creator,
        timestamp: crate::ci_cmd::now(),
        tool_name: "proven".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
    }
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

/// The container image at `path`, when it is one: an OCI layout folder, or an archive that is not
/// a lockfile Proven reads. A broken image is an error that names the archive, layer and entry.
pub fn image_at(path: &Path) -> Result<Option<Image>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lockfile = path.is_file() && proven_inventory::find_parser(&name).is_some();
    if lockfile || !proven_image::looks_like_image(path) {
        return Ok(None);
    }
    Image::open(path, &Limits::default())
        .map(Some)
        .map_err(|e| anyhow!(e))
}

/// Inventories every recognised file of an image's final filesystem; each component carries the
/// diff id of the layer its file came from.
pub fn inventory_image(image: &Image, options: &WalkOptions) -> Result<Inventory> {
    let visitor = InventoryVisitor::new(options);
    let walked = walk_image(image, options, &[&visitor]).map_err(|e| anyhow!(e))?;
    let mut inventory = visitor.finish(walked.diagnostics.clone());
    walked.annotate(&mut inventory);
    Ok(inventory)
}

/// The image as the SBOM's product: a container with its `pkg:oci` purl; the name and version
/// from proven.toml when it names the product, else the image's repository and tag.
pub fn image_product(image: &Image, config: &proven_evidence::Config) -> Product {
    let p = &config.product;
    let (name, version) = match &p.name {
        Some(name) => (name.clone(), p.version.clone()),
        None => (
            image
                .reference
                .repository
                .clone()
                .unwrap_or_else(|| image.name()),
            image.reference.tag.clone(),
        ),
    };
    Product {
        name,
        version,
        manufacturer: p.manufacturer.name.clone(),
        license: None,
        kind: Some(ComponentKind::Container),
        purl: Some(image.purl()),
    }
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
