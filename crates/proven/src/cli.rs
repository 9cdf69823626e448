//! Every flag of every command, in one place.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Proven: EU Cyber Resilience Act compliance, proven by every build.
#[derive(Debug, Parser)]
#[command(name = "proven", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inventory a tree or lockfile and write an SBOM.
    Sbom(SbomArgs),
    /// Run every scanner, apply waivers and the policy, and write the evidence directory.
    Ci(CiArgs),
    /// Write a commented proven.toml template.
    Init(InitArgs),
    /// Check an evidence directory: every file against the manifest (and signatures, when signed).
    Verify(VerifyArgs),
    /// Match components against the vulnerability database.
    Scan(ScanArgs),
    /// The local vulnerability database.
    #[command(subcommand)]
    Db(DbCommand),
    /// Signing keys for the evidence.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Check Dockerfiles, docker-compose files, Kubernetes manifests and Terraform.
    Config(ConfigArgs),
    /// Print the documentation of a configuration or secrets rule (`list` lists them all).
    Explain(ExplainArgs),
    /// Find credentials in a tree (or its git history); exit 1 when a tier A or B secret is open.
    Secrets(SecretsArgs),
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// A folder to walk, or one file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ConfigFormat::Table)]
    pub format: ConfigFormat,
    #[command(flatten)]
    pub walk: WalkArgs,
}

#[derive(Debug, Args)]
pub struct SecretsArgs {
    /// The folder (or git repository, with --history) to scan.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Scan every blob reachable in the git history instead of the files in the tree.
    #[arg(long)]
    pub history: bool,
    /// With --history: only commits not reachable from this revision.
    #[arg(long, value_name = "REV", requires = "history")]
    pub since: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = SecretsFormat::Table)]
    pub format: SecretsFormat,
    /// Suppress the findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the fingerprints of every finding to this baseline file.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    #[command(flatten)]
    pub walk: WalkArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConfigFormat {
    /// A table for people.
    Table,
    /// Findings and diagnostics as JSON.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id (`docker-runs-as-root`, `github-pat`), or `list`.
    pub rule: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SecretsFormat {
    /// One row per finding: rule, tier, masked secret, file:line.
    Table,
    /// The findings as a JSON array.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The evidence directory written by `proven ci`.
    pub dir: PathBuf,
    /// Public key (PEM) the attestations must be signed with.
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// Folder the `--subject` build artifacts are looked up in (their names are relative to it).
    #[arg(long, value_name = "DIR")]
    pub artifacts: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate a key pair: PKCS#8 private key and SPKI public key, both PEM.
    Generate(KeyGenerateArgs),
}

#[derive(Debug, Args)]
pub struct KeyGenerateArgs {
    /// ecdsa-p256 (cosign's default) or ed25519.
    #[arg(long, default_value = "ecdsa-p256")]
    pub algorithm: String,
    /// Private key file to write; the public key goes beside it with the extension `.pub`.
    #[arg(long, short = 'o', default_value = "proven.key")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct CiArgs {
    /// The project folder, or a container image (docker save archive, OCI layout folder or
    /// tarball) to scan instead of a folder; proven.toml is then looked up beside the image.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Scan this container image (docker save archive, OCI layout) instead of the folder; the
    /// folder still gives proven.toml and the build's provenance.
    #[arg(long, value_name = "FILE")]
    pub image: Option<PathBuf>,
    /// Configuration file (default: proven.toml in the project folder, if present).
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Evidence directory to write.
    #[arg(long, default_value = "proven-evidence")]
    pub out: PathBuf,
    /// Import SAST/DAST results from a SARIF 2.1.0 file (Semgrep, CodeQL, Bandit, ZAP, ...); repeatable.
    #[arg(long, value_name = "FILE")]
    pub sarif: Vec<PathBuf>,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Vulnerability database folder (default: $PROVEN_DB_DIR, else the user cache).
    #[arg(long, env = "PROVEN_DB_DIR")]
    pub db: Option<PathBuf>,
    /// Never touch the network, even when the database is stale.
    #[arg(long)]
    pub offline: bool,
    /// Sign the evidence with this private key (PEM); the key may instead be given, as PEM text, in
    /// the environment variable PROVEN_SIGNING_KEY.
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<PathBuf>,
    /// A build artifact to name as a subject of the attestations (repeatable).
    #[arg(long, value_name = "FILE")]
    pub subject: Vec<PathBuf>,
    /// Also write the gate as JUnit XML to this file, for CI dashboards.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Summary style on standard output.
    #[arg(long, value_enum, default_value_t = CiFormat::Text)]
    pub format: CiFormat,
    /// Print each stage's time on standard error as it ends.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CiFormat {
    /// Plain text.
    Text,
    /// Plain text, plus a Markdown job summary appended to $GITHUB_STEP_SUMMARY.
    Github,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write proven.toml (a folder or a file path).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct SbomArgs {
    /// A folder to walk, or one lockfile/manifest.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = SbomFormat::Cyclonedx)]
    pub format: SbomFormat,
    /// Write the SBOM to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// SBOM creator contact: an e-mail address or URL (BSI TR-03183-2).
    #[arg(long, env = "PROVEN_SBOM_CREATOR")]
    pub creator: Option<String>,
    /// Check an existing SBOM file against a profile instead of writing one.
    #[arg(long, value_enum, value_name = "PROFILE")]
    pub check: Option<CheckProfile>,
    /// Print nothing on standard error but errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SbomFormat {
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// CycloneDX 1.7 JSON.
    #[value(name = "cyclonedx-1.7")]
    Cyclonedx17,
    /// SPDX 2.3 JSON.
    Spdx,
    /// SPDX 3.0.1 JSON-LD.
    #[value(name = "spdx-3")]
    Spdx3,
    /// Proven's own inventory JSON.
    Json,
    /// A table for people.
    Table,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckProfile {
    /// BSI TR-03183-2 v2.1.
    Bsi,
}

/// What the walk covers; shared by every command that walks a tree.
#[derive(Debug, Args)]
pub struct WalkArgs {
    /// Also walk vendored and build folders (node_modules, target, .venv, vendor, ...).
    #[arg(long)]
    pub include_vendored: bool,
    /// Skip paths matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

impl WalkArgs {
    /// Walk options from the flags, added to what the configuration says.
    pub fn options(
        &self,
        config_exclude: &[String],
        config_vendored: bool,
    ) -> proven_inventory::WalkOptions {
        proven_inventory::WalkOptions {
            include_vendored: self.include_vendored || config_vendored,
            exclude: config_exclude
                .iter()
                .chain(&self.exclude)
                .cloned()
                .collect(),
            ..proven_inventory::WalkOptions::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// A folder, one lockfile, or a CycloneDX/SPDX SBOM.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[arg(long, short = 'f', value_enum, default_value_t = ScanFormat::Table)]
    pub format: ScanFormat,
    /// Write the result to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Exit 1 when an open vulnerability is at or above this severity (unrated ones too).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Leave out vulnerabilities that have no fixed version yet.
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// Never touch the network, even when the database is stale.
    #[arg(long)]
    pub offline: bool,
    /// Database folder (default: $PROVEN_DB_DIR, else the user cache).
    #[arg(long, env = "PROVEN_DB_DIR")]
    pub db: Option<PathBuf>,
    #[command(flatten)]
    pub walk: WalkArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    Table,
    Json,
    Sarif,
    CyclonedxVex,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
}

impl FailOn {
    /// The severity word.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Critical => "critical",
            FailOn::High => "high",
            FailOn::Medium => "medium",
            FailOn::Low => "low",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Download or import OSV data (incrementally when a database exists), and KEV/EPSS.
    Update(DbUpdateArgs),
    /// What the local database holds.
    Status(DbStatusArgs),
}

#[derive(Debug, Args)]
pub struct DbUpdateArgs {
    /// OSV base URL or a local folder in the same layout (`<Ecosystem>/all.zip`).
    #[arg(long)]
    pub source: Option<String>,
    /// OSV ecosystem to hold (repeatable; default: those already held, else every
    /// `<Ecosystem>/all.zip` of a folder source).
    #[arg(long)]
    pub ecosystem: Vec<String>,
    /// CISA KEV catalog: URL or file.
    #[arg(long)]
    pub kev: Option<String>,
    /// EPSS scores CSV: URL or file.
    #[arg(long)]
    pub epss: Option<String>,
    /// Download everything again instead of following modified_id.csv.
    #[arg(long)]
    pub full: bool,
    #[arg(long, env = "PROVEN_DB_DIR")]
    pub db: Option<PathBuf>,
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct DbStatusArgs {
    #[arg(long, env = "PROVEN_DB_DIR")]
    pub db: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}
