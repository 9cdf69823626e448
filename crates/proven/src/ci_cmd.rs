//! `proven ci`: every scanner over one walk, waivers, the policy gate, the evidence directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use proven_evidence::build::BuildInfo;
use proven_evidence::evidence::{Evidence, RunInfo, StageTime, Tool};
use proven_evidence::{compliance, decide, report, vex, Config, Outcome};
use proven_model::date::rfc3339;
use proven_model::Finding;

use proven_attest::{Algorithm, PublicKey, SigningKey};
use proven_checks::config::ConfigScanner;
use proven_checks::scanner::ScannerRun;
use proven_checks::secrets::{SecretsOptions, SecretsScanner};
use proven_inventory::InventoryVisitor;

use crate::cli::{CiArgs, CiFormat, InitArgs, KeyGenerateArgs, VerifyArgs};
use crate::exit::Code;

/// Wall-clock time of each stage: printed in the summary (and as each ends with `--verbose`) and
/// kept in the manifest.
#[derive(Default)]
struct Stages {
    done: Vec<StageTime>,
    verbose: bool,
}

impl Stages {
    fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        let seconds = t.elapsed().as_secs_f64();
        if self.verbose {
            eprintln!("proven ci: {name} took {seconds:.3}s");
        }
        self.done.push(StageTime {
            stage: name.into(),
            seconds: (seconds * 1000.0).round() / 1000.0,
        });
        out
    }
}

pub fn run(args: &CiArgs) -> Result<Code> {
    let started = now();
    let (root, image) = match &args.image {
        Some(path) => (
            args.path.clone(),
            Some(
                crate::sbom_cmd::image_at(path)?
                    .with_context(|| format!("{} is not a container image", path.display()))?,
            ),
        ),
        None => match crate::sbom_cmd::image_at(&args.path)? {
            Some(image) => (
                args.path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
                Some(image),
            ),
            None => (args.path.clone(), None),
        },
    };
    let root = &root;
    if !root.is_dir() {
        bail!(
            "{} is not a folder; `proven ci` scans a project folder",
            root.display()
        );
    }
    let config_path = config_path(root, args.config.as_deref());
    let config = load_config(root, args.config.as_deref())?;
    let today = started.div_euclid(86_400);
    // Keys and artifacts are read first: a typo should not cost a whole scan.
    let key = signing_key(args)?;
    let artifacts: Vec<(String, Vec<u8>)> = args
        .subject
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p)
                .with_context(|| format!("cannot read --subject {}", p.display()))?;
            Ok((p.display().to_string(), bytes))
        })
        .collect::<Result<_>>()?;
    let mut stages = Stages {
        verbose: args.verbose,
        ..Stages::default()
    };
    let mut evidence = Evidence::default();

    let walk = args
        .walk
        .options(&config.scan.exclude, config.scan.include_vendored);
    // One walk feeds the inventory and every scanner; each file is read once.
    let secrets = SecretsScanner::new(SecretsOptions::default());
    let configs = ConfigScanner::new();
    let (secret_run, config_run) = (ScannerRun::new(&secrets), ScannerRun::new(&configs));
    let inventory_visitor = InventoryVisitor::new(&walk);
    let visitors: [&dyn proven_inventory::Visitor; 3] =
        [&inventory_visitor, &secret_run, &config_run];
    let walked = stages.time("walk", || -> Result<_> {
        Ok(match &image {
            Some(image) => {
                let walked = proven_image::walk_image(image, &walk, &visitors)
                    .map_err(|e| anyhow::anyhow!(e))?;
                configs.check_image(&image.archive, &image.runtime, &config_run.sink);
                (walked.diagnostics.clone(), Some(walked))
            }
            None => (proven_inventory::walk(root, &walk, &visitors), None),
        })
    })?;
    let (walk_problems, image_walk) = walked;
    let mut inventory = inventory_visitor.finish(walk_problems);
    if let Some(w) = &image_walk {
        w.annotate(&mut inventory);
    }
    configs.finish(&config_run.sink);
    let scanned = [secret_run.sink.into_parts(), config_run.sink.into_parts()];
    stages.time("sbom", || -> Result<()> {
        evidence.add(
            "inventory.json",
            "application/json",
            serde_json::to_vec_pretty(&inventory)?,
        );
        let mut meta = crate::sbom_cmd::sbom_meta(root, &inventory, &config, None);
        if let Some(image) = &image {
            meta.product = Some(crate::sbom_cmd::image_product(image, &config));
        }
        let cdx = proven_sbom::write(proven_sbom::Format::CycloneDx16, &inventory, &meta);
        evidence.add(
            "sbom.cdx.json",
            "application/vnd.cyclonedx+json",
            cdx.into_bytes(),
        );
        let spdx = proven_sbom::write(proven_sbom::Format::Spdx23, &inventory, &meta);
        evidence.add("sbom.spdx.json", "application/spdx+json", spdx.into_bytes());
        Ok(())
    })?;

    let build = stages.time("provenance", || {
        BuildInfo::detect(root, &|k| std::env::var(k).ok())
    });
    let mut findings: Vec<Finding> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    let mut scanners: Vec<String> = vec!["secrets".into(), "config".into()];
    for (found, diagnostics) in scanned {
        findings.extend(found);
        problems.extend(
            diagnostics
                .iter()
                .filter(|d| d.level == proven_model::DiagnosticLevel::Error)
                .map(ToString::to_string),
        );
    }
    if !args.sarif.is_empty() {
        scanners.push("sarif-import".into());
    }
    let matched = stages.time("vulnerabilities", || {
        match_vulnerabilities(args, &config, &inventory)
    })?;
    if let Some(report) = &matched {
        scanners.push("vulnerabilities".into());
        findings.extend(report.findings.iter().cloned());
        for u in &report.unmatched {
            problems.push(format!(
                "{}: not checked for vulnerabilities: {}",
                u.component, u.reason
            ));
        }
        evidence.add(
            "vulnerabilities.json",
            "application/json",
            serde_json::to_vec_pretty(report)?,
        );
    }
    let snapshot = matched.as_ref().map(|r| r.snapshot.clone());
    stages.time("sarif-import", || {
        for path in &args.sarif {
            let imported = std::fs::read(path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))
                .and_then(|b| {
                    proven_checks::sarif_import::import(&b, &path.display().to_string())
                        .map_err(|e| e.to_string())
                });
            match imported {
                Ok(f) => findings.extend(f),
                Err(e) => problems.push(e),
            }
        }
    });
    let (vex_input, vex_errors) = stages.time("vex", || {
        // VEX files are named relative to the configuration file.
        let base = config_path
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(root.as_path());
        proven_evidence::vex_in::read_files(&config.vex.files, base)
    });
    problems.extend(vex_errors.iter().map(ToString::to_string));
    let decision = stages.time("policy", || {
        decide(&mut findings, &config, &vex_input, today)
    });
    evidence.add(
        "policy.json",
        "application/json",
        serde_json::to_vec_pretty(&decision)?,
    );
    stages.time("reports", || {
        let results = Results {
            findings: &findings,
            config: &config,
            decision: &decision,
            inventory: &inventory,
            scanners: &scanners,
            build: &build,
            timestamp: started,
        };
        write_reports(&mut evidence, &results)
    })?;

    let finished = now();
    if let Some(key) = &key {
        let config_bytes = config_path.as_ref().map(std::fs::read).transpose()?;
        let config_name = config_path.as_ref().map(|p| p.display().to_string());
        let input = proven_evidence::attest::SignInput {
            findings: &findings,
            decision: &decision,
            build: &build,
            config: config_name.as_deref().zip(config_bytes.as_deref()),
            artifacts: &artifacts,
            database: snapshot.as_ref().map(|s| proven_attest::statement::VulnDb {
                uri: Some(s.source.clone()),
                version: Some(s.id.clone()),
                last_update: s.checked.clone(),
            }),
            started: &rfc3339(started),
            finished: &rfc3339(finished),
            tool_version: env!("CARGO_PKG_VERSION"),
            parameters: serde_json::json!({
                "command": "proven ci",
                "path": args.path.display().to_string(),
                "image": image.as_ref().map(|i| i.archive.clone()),
                "config": config_name,
                "sarif": args.sarif.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            }),
        };
        stages.time("sign", || {
            proven_evidence::attest::sign(&mut evidence, key, &input)
        })?;
    }
    let run = RunInfo {
        tool: Tool {
            name: "proven".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        build: build.clone(),
        started: rfc3339(started),
        finished: rfc3339(finished),
        database: snapshot.as_ref().map(serde_json::to_value).transpose()?,
        // Timings differ on every run: left out when SOURCE_DATE_EPOCH asks for reproducible output.
        timings: if std::env::var_os("SOURCE_DATE_EPOCH").is_some() {
            Vec::new()
        } else {
            stages.done.clone()
        },
    };
    stages
        .time("evidence", || evidence.write(&args.out, &run))
        .with_context(|| format!("cannot write the evidence directory {}", args.out.display()))?;

    let complete = inventory.is_complete() && problems.is_empty();
    let code = match (decision.outcome, complete) {
        (Outcome::Failed, _) => Code::Failed,
        (Outcome::Passed, false) => Code::Incomplete,
        (Outcome::Passed, true) => Code::Passed,
    };
    if let Some(path) = &args.junit {
        let xml = proven_evidence::junit::render(&findings, &decision, complete);
        std::fs::write(path, xml).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut summary = String::new();
    let verdict = match code {
        Code::Passed => "PASSED",
        Code::Failed => "FAILED",
        Code::Incomplete => "INCOMPLETE (some input could not be read)",
        Code::Error => "ERROR",
    };
    summary.push_str(&format!("proven ci: {verdict}\n"));
    summary.push_str(&format!(
        "  {} components from {} manifests\n",
        inventory.components.len(),
        inventory.manifests.len()
    ));
    for d in inventory
        .diagnostics
        .iter()
        .filter(|d| d.level != proven_model::DiagnosticLevel::Note)
    {
        summary.push_str(&format!("  {d}\n"));
    }
    for p in &problems {
        summary.push_str(&format!("  error: {p}\n"));
    }
    for r in &decision.reasons {
        summary.push_str(&format!("  fail: {r}\n"));
    }
    for f in &findings {
        if let proven_model::Status::Vex { .. } = f.status {
            let place = f.component.as_deref().unwrap_or(&f.location.path);
            summary.push_str(&format!("  vex: {} in {place}: {}\n", f.code, f.status));
        }
    }
    for w in &decision.warnings {
        summary.push_str(&format!("  warn: {w}\n"));
    }
    for w in config.warnings(today) {
        summary.push_str(&format!("  warn: {w}\n"));
    }
    let times: Vec<String> = stages
        .done
        .iter()
        .map(|t| format!("{} {:.3}s", t.stage, t.seconds))
        .collect();
    summary.push_str(&format!("  stages: {}\n", times.join(", ")));
    summary.push_str(&format!("  evidence: {}\n", args.out.display()));
    print!("{summary}");
    if args.format == CiFormat::Github {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
            let md = markdown(verdict, &inventory, &findings, &decision, &args.out);
            append(Path::new(&path), &md)?;
        }
    }
    Ok(code)
}

/// What one run found and decided: the input of every report.
struct Results<'a> {
    findings: &'a [Finding],
    config: &'a Config,
    decision: &'a proven_evidence::Decision,
    inventory: &'a proven_model::Inventory,
    scanners: &'a [String],
    build: &'a BuildInfo,
    timestamp: i64,
}

/// Matches the inventory when a vulnerability database is there; without one the run says so and
/// the Annex I matrix asks for other evidence.
fn match_vulnerabilities(
    args: &CiArgs,
    config: &Config,
    inventory: &proven_model::Inventory,
) -> Result<Option<proven_vulndb::MatchReport>> {
    let dir = crate::vuln_cmd::db_dir(args.db.as_deref())?;
    if proven_vulndb::status(&dir)
        .map(|s| s.snapshot.is_none())
        .unwrap_or(true)
    {
        eprintln!(
            "note: no vulnerability database in {}; components were not matched (run `proven db update`)",
            dir.display()
        );
        return Ok(None);
    }
    let max_age = std::time::Duration::from_secs(u64::from(config.policy.max_db_age_hours) * 3600);
    let db = crate::vuln_cmd::open_db(&dir, args.offline, max_age)?;
    Ok(Some(db.match_inventory(inventory)))
}

/// Every report rendered from the same findings and decision.
fn write_reports(evidence: &mut Evidence, r: &Results<'_>) -> Result<()> {
    let Results {
        findings,
        config,
        decision,
        inventory,
        scanners,
        build,
        timestamp,
    } = *r;
    let json = |v: &serde_json::Value| -> Result<Vec<u8>> { Ok(serde_json::to_vec_pretty(v)?) };
    let version = env!("CARGO_PKG_VERSION");
    evidence.add(
        "findings.sarif",
        "application/sarif+json",
        json(&proven_evidence::sarif::write(findings, version))?,
    );
    let statements = vex::statements(findings);
    let author = config
        .product
        .manufacturer
        .name
        .clone()
        .unwrap_or_else(|| "Unknown manufacturer".into());
    evidence.add(
        "vex.openvex.json",
        "application/json",
        json(&vex::openvex(&statements, &author, timestamp))?,
    );
    evidence.add(
        "vex.cdx.json",
        "application/vnd.cyclonedx+json",
        json(&vex::cyclonedx(findings, &statements, None, timestamp))?,
    );
    let publisher = vex::Publisher {
        name: author.clone(),
        namespace: config
            .product
            .manufacturer
            .contact
            .clone()
            .filter(|c| c.starts_with("https://"))
            .unwrap_or_else(|| "https://example.invalid".into()),
    };
    let title = format!(
        "{} VEX",
        config.product.name.as_deref().unwrap_or("Product")
    );
    evidence.add(
        "vex.csaf.json",
        "application/json",
        json(&vex::csaf(
            findings,
            &statements,
            &publisher,
            &title,
            timestamp,
        ))?,
    );
    let facts = compliance::Facts {
        config,
        findings,
        decision,
        inventory_complete: inventory.is_complete(),
        components: inventory.components.len(),
        sboms: ["sbom.cdx.json", "sbom.spdx.json", "inventory.json"]
            .into_iter()
            .filter(|f| evidence.get(f).is_some())
            .map(String::from)
            .collect(),
        vulnerabilities_checked: scanners.iter().any(|s| s == "vulnerabilities"),
        scanners: scanners.to_vec(),
    };
    let matrix = compliance::matrix(&facts);
    evidence.add(
        "compliance.json",
        "application/json",
        serde_json::to_vec_pretty(&matrix)?,
    );
    let html = report::render(&report::ReportInput {
        config,
        inventory,
        findings,
        decision,
        matrix: &matrix,
        build,
        generated: &rfc3339(timestamp),
        tool_version: version,
    });
    evidence.add("report.html", "text/html", html.into_bytes());
    Ok(())
}

/// The GitHub job summary: verdict, counts, why it fails.
fn markdown(
    verdict: &str,
    inventory: &proven_model::Inventory,
    findings: &[Finding],
    decision: &proven_evidence::Decision,
    out: &Path,
) -> String {
    use proven_model::{SeverityLevel, Status};
    let mut md = format!("## proven ci: {verdict}\n\n");
    md.push_str(&format!(
        "{} components from {} manifests. Evidence: `{}`\n\n| severity | open | waived or VEX |\n|---|---:|---:|\n",
        inventory.components.len(),
        inventory.manifests.len(),
        out.display()
    ));
    for level in SeverityLevel::ALL {
        let of_level = findings.iter().filter(|f| f.severity.level == level);
        let open = of_level
            .clone()
            .filter(|f| f.status == Status::Open)
            .count();
        let settled = of_level.count() - open;
        md.push_str(&format!("| {level} | {open} | {settled} |\n"));
    }
    if !decision.reasons.is_empty() {
        md.push_str("\n### Why it fails\n\n");
        for r in &decision.reasons {
            md.push_str(&format!("- {}\n", r.replace('|', "\\|")));
        }
    }
    md
}

fn append(path: &Path, text: &str) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot append to {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

/// The configuration file: the one given, else proven.toml in the project folder if present.
fn config_path(root: &Path, given: Option<&Path>) -> Option<PathBuf> {
    given.map(Path::to_path_buf).or_else(|| {
        let p = if root.is_dir() {
            root.join("proven.toml")
        } else {
            root.parent()?.join("proven.toml")
        };
        p.exists().then_some(p)
    })
}

/// Loads the configuration (defaults when there is no file).
pub fn load_config(root: &Path, given: Option<&Path>) -> Result<Config> {
    Ok(match config_path(root, given) {
        Some(p) => Config::load(&p)?,
        None => Config::default(),
    })
}

/// Seconds since the epoch; `SOURCE_DATE_EPOCH` when set, for reproducible output.
pub fn now() -> i64 {
    if let Some(s) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return s;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

pub fn init(args: &InitArgs) -> Result<Code> {
    let path: PathBuf = if args.path.is_dir() {
        args.path.join("proven.toml")
    } else {
        args.path.clone()
    };
    if path.exists() && !args.force {
        bail!("{} exists; pass --force to overwrite it", path.display());
    }
    std::fs::write(&path, proven_evidence::config::TEMPLATE)
        .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(Code::Passed)
}

/// The signing key from `--sign-key`, else from `PROVEN_SIGNING_KEY`, else none.
fn signing_key(args: &CiArgs) -> Result<Option<SigningKey>> {
    if let Some(path) = &args.sign_key {
        return Ok(Some(SigningKey::from_file(path)?));
    }
    if std::env::var_os("PROVEN_SIGNING_KEY").is_some() {
        return Ok(Some(SigningKey::from_env("PROVEN_SIGNING_KEY", &|k| {
            std::env::var(k).ok()
        })?));
    }
    Ok(None)
}

pub fn key_generate(args: &KeyGenerateArgs) -> Result<Code> {
    let algorithm = Algorithm::from_name(&args.algorithm).with_context(|| {
        format!(
            "unknown algorithm `{}`; expected ecdsa-p256 or ed25519",
            args.algorithm
        )
    })?;
    let key = SigningKey::generate(algorithm);
    let public = args.out.with_extension("pub");
    if public.exists() {
        bail!(
            "{} exists; remove it or choose another --out",
            public.display()
        );
    }
    key.write_pkcs8_pem(&args.out)?;
    std::fs::write(&public, key.public_key().to_pem())
        .with_context(|| format!("cannot write {}", public.display()))?;
    eprintln!(
        "wrote {} (private, keep it secret) and {} (public); key id {}",
        args.out.display(),
        public.display(),
        key.public_key().keyid()
    );
    Ok(Code::Passed)
}

pub fn verify(args: &VerifyArgs) -> Result<Code> {
    let (files, mut problems): (_, Vec<String>) = {
        let (f, p) = proven_evidence::verify::verify_dir(&args.dir);
        (f, p.iter().map(ToString::to_string).collect())
    };
    let mut verified = 0;
    if let Some(key_path) = &args.key {
        let key = PublicKey::from_file(key_path)?;
        let has = |f: &str| files.iter().any(|e| e.path == f);
        let required = proven_evidence::attest::required_predicates(
            has("sbom.cdx.json"),
            has("vulnerabilities.json"),
        );
        let options = proven_attest::VerifyOptions {
            artifacts_root: args.artifacts.as_deref(),
            required_predicates: &required,
        };
        let report = proven_attest::verify_attestations(&args.dir, &key, &options);
        verified = report.verified.len();
        problems.extend(report.problems.iter().map(ToString::to_string));
        for a in &report.unchecked_artifacts {
            eprintln!("note: artifact {a} was not checked (give --artifacts DIR)");
        }
    }
    for p in &problems {
        println!("FAIL {p}");
    }
    if problems.is_empty() {
        println!(
            "OK {} files match {}",
            files.len(),
            args.dir.join("manifest.json").display()
        );
        if args.key.is_some() {
            println!("OK {verified} attestations signed by the key; every subject digest matches");
        }
        Ok(Code::Passed)
    } else {
        eprintln!(
            "{} problem(s): the evidence in {} cannot be trusted",
            problems.len(),
            args.dir.display()
        );
        Ok(Code::Failed)
    }
}
