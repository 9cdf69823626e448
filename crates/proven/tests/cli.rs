//! The binary end to end: exit codes, stdout and stderr of real runs on trees built per test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LOCK: &str = "version = 3\n\n[[package]]\nname = \"itoa\"\nversion = \"1.0.11\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"49f1f14873335454500d59611f1cf4a4b0f786f9ac11f4312a78e4cf2566695b\"\n";

struct Tree(PathBuf);

impl Tree {
    fn new(name: &str) -> Tree {
        let dir = std::env::temp_dir().join(format!("proven-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Tree(dir)
    }

    fn file(&self, rel: &str, text: &str) -> &Tree {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
        self
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn proven(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proven"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", "1764316800")
        .env("PROVEN_DB_DIR", cwd.join(".no-vulnerability-database"))
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("proven runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn sbom_of_a_clean_tree_exits_0() {
    let t = Tree::new("clean");
    t.file("Cargo.lock", LOCK);
    let out = proven(&["sbom", ".", "-f", "table"], &t.0);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("NAME"), "{stdout}");
    assert!(
        stdout.contains("itoa") && stdout.contains("1.0.11"),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("Cargo.lock") && stderr.contains("1 components"),
        "{stderr}"
    );
}

#[test]
fn broken_lockfile_is_named_and_the_run_is_incomplete() {
    let t = Tree::new("broken");
    t.file("ok/Cargo.lock", LOCK)
        .file("bad/Cargo.lock", "version = 3\n[[package]]\nname = \n");
    let out = proven(&["sbom", ".", "-f", "json"], &t.0);
    assert_eq!(out.status.code(), Some(3), "exit 3 = incomplete");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error: bad/Cargo.lock:3"), "{stderr}");
    let inv: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json on stdout");
    assert_eq!(
        inv["components"].as_array().map(Vec::len),
        Some(1),
        "the good file is still read"
    );
}

#[test]
fn unknown_file_is_a_usage_error() {
    let t = Tree::new("unknown");
    t.file("notes.txt", "hello");
    let out = proven(&["sbom", "notes.txt"], &t.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a lockfile or manifest"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn ci_writes_evidence_that_verifies_and_tampering_is_caught() {
    let t = Tree::new("ci");
    t.file("Cargo.lock", LOCK);
    let out = proven(&["ci", ".", "--out", "evidence"], &t.0);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("PASSED"));
    let ok = proven(&["verify", "evidence"], &t.0);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));
    let policy = t.0.join("evidence/policy.json");
    let mut bytes = std::fs::read(&policy).expect("policy.json");
    bytes[0] ^= 0x20;
    std::fs::write(&policy, bytes).expect("write");
    let bad = proven(&["verify", "evidence"], &t.0);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stdout).contains("policy.json"),
        "{}",
        text(&bad.stdout)
    );
}

#[test]
fn ci_with_an_unreadable_lockfile_exits_3() {
    let t = Tree::new("ci-incomplete");
    t.file("Cargo.lock", "[[package]\n");
    let out = proven(&["ci", ".", "--out", "evidence"], &t.0);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("INCOMPLETE"));
}

#[test]
fn init_writes_a_template_once() {
    let t = Tree::new("init");
    assert_eq!(proven(&["init"], &t.0).status.code(), Some(0));
    assert!(t.0.join("proven.toml").exists());
    let again = proven(&["init"], &t.0);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("--force"));
}

#[test]
fn bad_config_points_into_the_file() {
    let t = Tree::new("badconfig");
    t.file("Cargo.lock", LOCK)
        .file("proven.toml", "[policy]\nvulnerabilities = \"severe\"\n");
    let out = proven(&["ci", ".", "--out", "evidence"], &t.0);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("proven.toml:2:"), "{stderr}");
}

#[test]
fn ci_imports_sarif_and_fails_on_a_high_result() {
    let t = Tree::new("ci-sarif");
    t.file("Cargo.lock", LOCK).file(
        "semgrep.sarif",
        r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Semgrep OSS"}},"results":[
            {"ruleId":"python.sqli","level":"error","message":{"text":"SQL injection"},
             "locations":[{"physicalLocation":{"artifactLocation":{"uri":"app.py"},"region":{"startLine":9}}}]}]}]}"#,
    );
    let out = proven(
        &["ci", ".", "--out", "evidence", "--sarif", "semgrep.sarif"],
        &t.0,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("python.sqli"),
        "{}",
        text(&out.stdout)
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.0.join("evidence/findings.sarif")).expect("sarif"))
            .expect("json");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "python.sqli");

    t.file("broken.sarif", "{");
    let out = proven(
        &["ci", ".", "--out", "evidence", "--sarif", "broken.sarif"],
        &t.0,
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "an unreadable SARIF file makes the run incomplete"
    );
    assert!(
        text(&out.stdout).contains("broken.sarif:1"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn github_summary_and_junit() {
    let t = Tree::new("ci-github");
    t.file("Cargo.lock", LOCK);
    let summary = t.0.join("summary.md");
    let out = Command::new(env!("CARGO_BIN_EXE_proven"))
        .args([
            "ci",
            ".",
            "--out",
            "evidence",
            "--format",
            "github",
            "--junit",
            "junit.xml",
        ])
        .current_dir(&t.0)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let md = std::fs::read_to_string(&summary).expect("summary written");
    assert!(md.starts_with("## proven ci: PASSED"), "{md}");
    assert!(md.contains("| critical | 0 | 0 |"), "{md}");
    let xml = std::fs::read_to_string(t.0.join("junit.xml")).expect("junit written");
    assert!(
        xml.contains("<testsuite name=\"proven ci\" tests=\"1\" failures=\"0\""),
        "{xml}"
    );
}

#[test]
fn signed_evidence_verifies_with_the_key_and_names_tampering() {
    let t = Tree::new("ci-signed");
    // Keys live outside the scanned project: a private key inside it is itself a finding.
    t.file("app/Cargo.lock", LOCK)
        .file("app/dist/app.bin", "binary");
    assert_eq!(
        proven(&["key", "generate", "-o", "k.key"], &t.0)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        proven(
            &[
                "key",
                "generate",
                "--algorithm",
                "ed25519",
                "-o",
                "other.key"
            ],
            &t.0
        )
        .status
        .code(),
        Some(0)
    );
    let out = proven(
        &[
            "ci",
            "app",
            "--out",
            "ev",
            "--sign-key",
            "k.key",
            "--subject",
            "app/dist/app.bin",
        ],
        &t.0,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(t
        .0
        .join("ev/attestations/provenance.sigstore.json")
        .exists());
    let ok = proven(
        &["verify", "ev", "--key", "k.pub", "--artifacts", "."],
        &t.0,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));
    assert!(
        text(&ok.stdout).contains("attestations signed by the key"),
        "{}",
        text(&ok.stdout)
    );
    let wrong = proven(&["verify", "ev", "--key", "other.pub"], &t.0);
    assert_eq!(wrong.status.code(), Some(1), "another key must not verify");
    t.file("app/dist/app.bin", "tampered");
    let bad = proven(
        &["verify", "ev", "--key", "k.pub", "--artifacts", "."],
        &t.0,
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stdout).contains("app/dist/app.bin"),
        "{}",
        text(&bad.stdout)
    );
}

/// An OSV folder (`crates.io/all.zip`) with one record affecting itoa below 1.0.12.
fn osv_source(t: &Tree) -> PathBuf {
    let record = r#"{"schema_version":"1.6.0","id":"RUSTSEC-2099-0001","modified":"2099-01-01T00:00:00Z",
        "published":"2099-01-01T00:00:00Z","aliases":["CVE-2099-0001"],"summary":"itoa writes out of bounds",
        "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected":[{"package":{"ecosystem":"crates.io","name":"itoa"},
          "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.12"}]}]}]}"#;
    let dir = t.0.join("osv/crates.io");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = std::fs::File::create(dir.join("all.zip")).expect("zip file");
    let mut zip = zip::ZipWriter::new(file);
    zip.start_file(
        "RUSTSEC-2099-0001.json",
        zip::write::SimpleFileOptions::default(),
    )
    .expect("entry");
    std::io::Write::write_all(&mut zip, record.as_bytes()).expect("write");
    zip.finish().expect("zip");
    t.0.join("osv")
}

#[test]
fn ci_gate_on_a_vulnerable_dependency_waived_and_expired() {
    let t = Tree::new("ci-vuln");
    t.file("app/Cargo.lock", LOCK);
    let source = osv_source(&t);
    let db = t.0.join("db");
    let db_arg = db.display().to_string();
    let up = proven(
        &[
            "db",
            "update",
            "--source",
            &source.display().to_string(),
            "--ecosystem",
            "crates.io",
            "--db",
            &db_arg,
            "-q",
        ],
        &t.0,
    );
    assert_eq!(
        up.status.code(),
        Some(0),
        "{}{}",
        text(&up.stdout),
        text(&up.stderr)
    );

    let scan = proven(
        &[
            "scan",
            "app",
            "--offline",
            "--db",
            &db_arg,
            "--fail-on",
            "high",
        ],
        &t.0,
    );
    assert_eq!(
        scan.status.code(),
        Some(1),
        "{}{}",
        text(&scan.stdout),
        text(&scan.stderr)
    );
    assert!(
        text(&scan.stdout).contains("CVE-2099-0001"),
        "{}",
        text(&scan.stdout)
    );
    assert!(
        text(&scan.stdout).contains("upgrade to 1.0.12"),
        "{}",
        text(&scan.stdout)
    );

    let ci = |t: &Tree| {
        proven(
            &["ci", "app", "--out", "ev", "--offline", "--db", &db_arg],
            &t.0,
        )
    };
    let out = ci(&t);
    assert_eq!(
        out.status.code(),
        Some(1),
        "vulnerable → 1: {}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("CVE-2099-0001"));

    let waiver = |expires: &str| {
        format!("[[waiver]]\nid = \"RUSTSEC-2099-0001\"\nreason = \"the affected function is never called\"\nexpires = \"{expires}\"\n")
    };
    t.file("app/proven.toml", &waiver("2099-12-31"));
    let out = ci(&t);
    assert_eq!(
        out.status.code(),
        Some(0),
        "waived with a future expiry → 0: {}",
        text(&out.stdout)
    );
    let vex = std::fs::read_to_string(t.0.join("ev/vex.openvex.json")).expect("openvex");
    assert!(vex.contains("Risk accepted until 2099-12-31"), "{vex}");

    t.file("app/proven.toml", &waiver("2020-01-01"));
    let out = ci(&t);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expired waiver → 1: {}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stdout).contains("expired"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn ci_fails_on_a_leaked_tier_a_secret_and_never_prints_it() {
    let t = Tree::new("ci-secret");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../proven-checks/tests/fixtures/secrets/corpus/app/.env");
    let env = std::fs::read_to_string(corpus).expect("generated secrets corpus");
    let token = env
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| w.starts_with("ghp_"))
        .expect("the corpus has a GitHub token")
        .to_string();
    t.file("Cargo.lock", LOCK)
        .file("deploy/.env", &format!("GITHUB_TOKEN={token}\n"));
    let out = proven(&["ci", ".", "--out", "ev"], &t.0);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("tier-A"),
        "{}",
        text(&out.stdout)
    );
    for f in ["findings.sarif", "report.html", "policy.json"] {
        let body = std::fs::read_to_string(t.0.join("ev").join(f)).expect("evidence file");
        assert!(!body.contains(&token), "{f} must not contain the secret");
    }
    assert!(!text(&out.stdout).contains(&token));
}

#[test]
fn explain_documents_secrets_rules_from_the_catalogue() {
    let t = Tree::new("explain");
    let out = proven(&["explain", "github-pat"], &t.0);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let docs = text(&out.stdout);
    for part in [
        "# github-pat — GitHub personal access token (classic, ghp_)",
        "Severity: critical · Tier: A",
        "Same rule in gitleaks: github-pat",
        "`ghp_`",
        "base62 CRC-32",
        "## Why is this bad",
        "## Fix",
        "https://github.blog/",
    ] {
        assert!(docs.contains(part), "{part:?} missing from:\n{docs}");
    }
    let list = text(&proven(&["explain", "list"], &t.0).stdout);
    assert!(list.contains("gitlab-routable-token") && list.contains("secrets"));
    let unknown = proven(&["explain", "no-such-rule"], &t.0);
    assert_eq!(unknown.status.code(), Some(2));
}
