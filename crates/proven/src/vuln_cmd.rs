//! `proven db` (update, status) and `proven scan`: the vulnerability database and the matcher.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use proven_model::{Ecosystem, Finding, FindingKind, Inventory, SeverityLevel, Status};
use proven_vulndb::{
    Database, FeedSource, MatchReport, Reporter, Source, Step, UpdateMode, UpdateOptions,
};

use crate::cli::{DbStatusArgs, DbUpdateArgs, ScanArgs, ScanFormat};
use crate::exit::Code;
use crate::output;

/// The database folder: `--db`, else `$PROVEN_DB_DIR`, else the user cache.
pub fn db_dir(given: Option<&Path>) -> Result<PathBuf> {
    given
        .map(Path::to_path_buf)
        .or_else(proven_vulndb::default_db_dir)
        .context("no database folder: pass --db DIR or set PROVEN_DB_DIR")
}

/// Progress on stderr, one line per step.
struct Progress {
    quiet: bool,
}

impl Reporter for Progress {
    fn begin(&self, step: &Step) {
        if !self.quiet {
            eprintln!("{:?} {}", step.kind, step.label);
        }
    }

    fn warn(&self, message: &str) {
        eprintln!("warning: {message}");
    }
}

pub fn update(args: &DbUpdateArgs) -> Result<Code> {
    let dir = db_dir(args.db.as_deref())?;
    let source = args
        .source
        .as_deref()
        .map_or_else(Source::osv, Source::parse);
    let ecosystems: Vec<Ecosystem> = args
        .ecosystem
        .iter()
        .map(|e| {
            Ecosystem::from_osv_name(e).with_context(|| {
                format!("unknown ecosystem `{e}`; expected an OSV name such as crates.io, npm, PyPI, Go")
            })
        })
        .collect::<Result<_>>()?;
    let feed = |s: &str| {
        if s.starts_with("http://") || s.starts_with("https://") {
            FeedSource::Url(s.to_string())
        } else {
            FeedSource::File(PathBuf::from(s))
        }
    };
    let options = UpdateOptions {
        full: args.full,
        kev: args.kev.as_deref().map(feed),
        epss: args.epss.as_deref().map(feed),
        ..UpdateOptions::default()
    };
    let summary = proven_vulndb::update(
        &dir,
        &source,
        &ecosystems,
        &options,
        &Progress { quiet: args.quiet },
    )?;
    if !args.quiet {
        for e in &summary.ecosystems {
            let how = match e.mode {
                UpdateMode::Full {
                    bytes,
                    resumed_from,
                } if resumed_from > 0 => {
                    format!("all.zip, {bytes} bytes, resumed from byte {resumed_from}")
                }
                UpdateMode::Full { bytes, .. } => format!("all.zip, {bytes} bytes"),
                UpdateMode::Incremental { fetched } => format!("{fetched} records fetched"),
                UpdateMode::Unchanged => "unchanged".into(),
                UpdateMode::Rebuilt => "re-indexed from the kept sources".into(),
            };
            eprintln!(
                "{}: {} records ({how}), {} left out",
                e.name,
                e.records,
                e.skipped.len()
            );
        }
    }
    print_status(&dir, false)?;
    Ok(Code::Passed)
}

pub fn status(args: &DbStatusArgs) -> Result<Code> {
    let dir = db_dir(args.db.as_deref())?;
    print_status(&dir, args.json)
}

fn print_status(dir: &Path, json: bool) -> Result<Code> {
    let st = proven_vulndb::status(dir)?;
    if json {
        let v = serde_json::json!({
            "dir": st.dir,
            "snapshot": st.snapshot,
            "indexSize": st.index_size,
            "diskSize": st.disk_size,
        });
        output::write(None, (serde_json::to_string_pretty(&v)? + "\n").as_bytes())?;
        return Ok(if st.snapshot.is_some() {
            Code::Passed
        } else {
            Code::Failed
        });
    }
    let Some(s) = &st.snapshot else {
        println!(
            "no vulnerability database in {}; run `proven db update`",
            dir.display()
        );
        return Ok(Code::Failed);
    };
    println!("database   {}", dir.display());
    println!("snapshot   {}", s.id);
    println!("created    {}   checked {}", s.created, s.checked);
    println!("source     {}", s.source);
    for (eco, e) in &s.ecosystems {
        println!(
            "  {eco:<12} {:>7} records  {:>5} withdrawn  {:>3} skipped",
            e.records,
            e.withdrawn,
            e.skipped.len()
        );
    }
    if let Some(k) = &s.kev {
        println!("KEV        {k:?}");
    }
    println!("index      {} bytes", st.index_size);
    Ok(Code::Passed)
}

/// Opens the database, refreshing it first when it is older than `max_age` and the network may be
/// used; offline, a stale database is used with a warning.
pub fn open_db(dir: &Path, offline: bool, max_age: Duration) -> Result<Database> {
    let db = Database::open(dir).with_context(|| {
        format!(
            "no usable vulnerability database in {}; run `proven db update` (or pass --db DIR)",
            dir.display()
        )
    })?;
    if !db.is_stale(max_age) {
        return Ok(db);
    }
    if offline {
        eprintln!(
            "warning: the vulnerability database is older than {} h (snapshot {}, checked {}); using it offline",
            max_age.as_secs() / 3600,
            db.snapshot().id.get(..12).unwrap_or(""),
            db.snapshot().checked
        );
        return Ok(db);
    }
    match proven_vulndb::update(
        dir,
        &Source::osv(),
        &[],
        &UpdateOptions::default(),
        &Progress { quiet: true },
    ) {
        Ok(_) => Ok(Database::open(dir)?),
        Err(e) => {
            eprintln!("warning: could not refresh the stale vulnerability database ({e}); using the local one");
            Ok(db)
        }
    }
}

/// Inventory of a tree, a lockfile, or an SBOM file.
fn scan_input(path: &Path, args: &ScanArgs) -> Result<Inventory> {
    let config = crate::ci_cmd::load_config(path, None)?;
    // The scan report lists the components and where they are, nothing more.
    let walk = proven_inventory::WalkOptions {
        detail: proven_inventory::Detail::Components,
        ..args
            .walk
            .options(&config.scan.exclude, config.scan.include_vendored)
    };
    if let Some(image) = crate::sbom_cmd::image_at(path)? {
        return crate::sbom_cmd::inventory_image(&image, &walk);
    }
    let is_file = path.is_file();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if is_file && proven_inventory::find_parser(&name).is_none() {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        return proven_sbom::read(&bytes, &path.display().to_string()).with_context(|| {
            format!(
                "{} is neither a lockfile Proven reads nor a CycloneDX/SPDX SBOM",
                path.display()
            )
        });
    }
    crate::sbom_cmd::inventory(path, &walk)
}

pub fn scan(args: &ScanArgs) -> Result<Code> {
    let inventory = scan_input(&args.path, args)?;
    let dir = db_dir(args.db.as_deref())?;
    let db = open_db(&dir, args.offline, Duration::from_secs(24 * 3600))?;
    let mut report = db.match_inventory(&inventory);
    if args.ignore_unfixed {
        report
            .findings
            .retain(|f| f.kind != FindingKind::Vulnerability || f.fix.is_some());
    }
    let out = args.output.as_deref();
    match args.format {
        ScanFormat::Table => output::write(out, table(&report).as_bytes())?,
        ScanFormat::Json => output::write_json(out, &report)?,
        ScanFormat::Sarif => output::write_json(
            out,
            &proven_evidence::sarif::write(&report.findings, env!("CARGO_PKG_VERSION")),
        )?,
        ScanFormat::CyclonedxVex => {
            let st = proven_evidence::vex::statements(&report.findings);
            let doc =
                proven_evidence::vex::cyclonedx(&report.findings, &st, None, crate::ci_cmd::now());
            output::write_json(out, &doc)?;
        }
    }
    for d in inventory
        .diagnostics
        .iter()
        .filter(|d| d.level != proven_model::DiagnosticLevel::Note)
    {
        eprintln!("{d}");
    }
    for u in &report.unmatched {
        eprintln!("unmatched: {}: {}", u.component, u.reason);
    }
    let vulns = report
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::Vulnerability)
        .count();
    eprintln!(
        "{} components, {vulns} vulnerabilities, {} advisories, {} not evaluated, {} skipped (not from a registry); database {}",
        inventory.components.len(),
        report.findings.len() - vulns,
        report.unmatched.len(),
        report.skipped.len(),
        report.snapshot.id.get(..12).unwrap_or("")
    );
    let threshold = args
        .fail_on
        .map(|t| SeverityLevel::parse(t.as_str()).unwrap_or(SeverityLevel::High));
    let code = if threshold.is_some_and(|t| report.findings.iter().any(|f| fails(f, t))) {
        Code::Failed
    } else if report.is_complete() && inventory.is_complete() {
        Code::Passed
    } else {
        Code::Incomplete
    };
    // The process ends with this command: handing back the hundreds of thousands of small
    // allocations of a large report one by one costs more than matching did.
    std::mem::forget((report, inventory));
    Ok(code)
}

/// An open vulnerability at or above the threshold; an unrated one fails too, since no rating is
/// not a clean bill of health.
fn fails(f: &Finding, threshold: SeverityLevel) -> bool {
    f.kind == FindingKind::Vulnerability
        && f.status == Status::Open
        && (f.severity.level == SeverityLevel::Unknown || f.severity.level.at_least(threshold))
}

fn table(report: &MatchReport) -> String {
    let rows: Vec<[Cow<'_, str>; 6]> = report
        .findings
        .iter()
        .map(|f| {
            [
                Cow::Borrowed(f.code.as_str()),
                Cow::Borrowed(f.severity.level.as_str()),
                Cow::Borrowed(f.component.as_deref().unwrap_or_default()),
                Cow::Borrowed(f.fix.as_deref().unwrap_or("no fix")),
                match (f.kind, f.evidence.get("informational")) {
                    (FindingKind::Advisory, Some(category)) => {
                        Cow::Owned(format!("advisory: {category}"))
                    }
                    (FindingKind::Advisory, None) => Cow::Borrowed("advisory"),
                    _ => Cow::Borrowed("vulnerability"),
                },
                Cow::Owned(f.aliases.join(" ")),
            ]
        })
        .collect();
    if rows.is_empty() {
        return "No known vulnerabilities.\n".into();
    }
    output::table(
        &["ID", "SEVERITY", "COMPONENT", "FIX", "KIND", "ALIASES"],
        &rows,
    )
}
