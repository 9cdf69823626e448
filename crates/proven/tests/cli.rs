//! The binary end to end: exit codes, stdout and stderr of real runs on trees built per test.

mod support;

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

/// OSV record: itoa below 1.0.12 writes out of bounds (CVSS 9.8).
const ITOA_RECORD: &str = r#"{"schema_version":"1.6.0","id":"RUSTSEC-2099-0001","modified":"2099-01-01T00:00:00Z",
    "published":"2099-01-01T00:00:00Z","aliases":["CVE-2099-0001"],"summary":"itoa writes out of bounds",
    "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "affected":[{"package":{"ecosystem":"crates.io","name":"itoa"},
      "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.12"}]}]}]}"#;

/// An OSV folder (`crates.io/all.zip`) with these records.
fn osv_source_with(t: &Tree, records: &[&str]) -> PathBuf {
    let dir = t.0.join("osv/crates.io");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = std::fs::File::create(dir.join("all.zip")).expect("zip file");
    let mut zip = zip::ZipWriter::new(file);
    for (i, record) in records.iter().enumerate() {
        zip.start_file(
            format!("{i}.json"),
            zip::write::SimpleFileOptions::default(),
        )
        .expect("entry");
        std::io::Write::write_all(&mut zip, record.as_bytes()).expect("write");
    }
    zip.finish().expect("zip");
    t.0.join("osv")
}

/// A project `app/` with itoa 1.0.11 and a vulnerability database `db/` in which it is vulnerable
/// (RUSTSEC-2099-0001 = CVE-2099-0001, CVSS 9.8).
fn vulnerable_project(name: &str) -> (Tree, String) {
    vulnerable_project_with(name, LOCK, &[ITOA_RECORD])
}

/// A project `app/` with this Cargo.lock and a database `db/` of these OSV records.
fn vulnerable_project_with(name: &str, lock: &str, records: &[&str]) -> (Tree, String) {
    let t = Tree::new(name);
    t.file("app/Cargo.lock", lock);
    let source = osv_source_with(&t, records);
    let db = t.0.join("db");
    support::import_crates_io(&source, &db);
    (t, db.display().to_string())
}

/// `proven ci app` against the project's database, evidence in `ev/`.
fn ci_app(t: &Tree, db_arg: &str) -> Output {
    proven(
        &["ci", "app", "--out", "ev", "--offline", "--db", db_arg],
        &t.0,
    )
}

#[test]
fn ci_gate_on_a_vulnerable_dependency_waived_and_expired() {
    let (t, db_arg) = vulnerable_project("ci-vuln");

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

    let ci = |t: &Tree| ci_app(t, &db_arg);
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

/// A GitHub token with a valid checksum (tier A) from the generated secrets corpus.
fn github_token() -> String {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../proven-checks/tests/fixtures/secrets/corpus/app/.env");
    let env = std::fs::read_to_string(corpus).expect("generated secrets corpus");
    env.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| w.starts_with("ghp_"))
        .expect("the corpus has a GitHub token")
        .to_string()
}

#[test]
fn ci_fails_on_a_leaked_tier_a_secret_and_never_prints_it() {
    let t = Tree::new("ci-secret");
    let token = github_token();
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

fn image_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../proven-image/tests/fixtures/images")
        .join(name)
}

#[test]
fn sbom_of_an_image_names_the_image_and_each_component_layer() {
    let t = Tree::new("image-sbom");
    for name in ["docker-save.tar", "oci-layout", "oci.tar"] {
        let image = image_fixture(name);
        let out = proven(&["sbom", &image.display().to_string()], &t.0);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        let bom: serde_json::Value = serde_json::from_slice(&out.stdout).expect("CycloneDX");
        let product = &bom["metadata"]["component"];
        assert_eq!(product["type"], "container");
        assert_eq!(product["name"], "registry.example.com/proven/demo");
        let purl = product["purl"].as_str().expect("purl");
        assert!(
            purl.starts_with("pkg:oci/demo@sha256:")
                && purl.ends_with(
                    "?arch=amd64&repository_url=registry.example.com%2Fproven%2Fdemo&tag=1.0"
                ),
            "{purl}"
        );
        let components = bom["components"].as_array().expect("components");
        assert_eq!(components.len(), 6, "{name}");
        for c in components {
            let layer = c["properties"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["name"] == "proven:layer"))
                .map(|p| p["value"].clone());
            // app/Cargo.lock is in the top layer (see the fixtures' README).
            assert_eq!(
                layer,
                Some(serde_json::json!(
                    "sha256:231a65146fed1b4d04b859de19f3d878420369dd0044dd93699be33caa4538ec"
                )),
                "{name}: {c}"
            );
        }
    }
}

#[test]
fn config_and_ci_check_an_image_configuration() {
    let t = Tree::new("image-ci");
    let image = image_fixture("oci.tar").display().to_string();
    let out = proven(&["config", &image, "-f", "json"], &t.0);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let at_config: Vec<String> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["location"]["path"] == format!("{image}:config"))
        .map(|f| f["code"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        at_config,
        [
            "docker-expose-ssh",
            "docker-no-healthcheck",
            "docker-runs-as-root",
            "docker-secret-in-env"
        ]
    );
    assert!(
        !text(&out.stdout).contains("example-only"),
        "the secret is masked"
    );

    let out = proven(&["ci", ".", "--image", &image, "--out", "ev"], &t.0);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("6 components from 1 manifests"), "{stdout}");
    let sarif = std::fs::read_to_string(t.0.join("ev/findings.sarif")).expect("sarif");
    assert!(sarif.contains("docker-runs-as-root") && sarif.contains(":config"));
    let bom: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.0.join("ev/sbom.cdx.json")).expect("sbom"))
            .expect("json");
    assert_eq!(bom["metadata"]["component"]["type"], "container");

    let out = proven(&["sbom", "not-an-image.tar"], &t.0);
    assert_eq!(out.status.code(), Some(2));
    t.file("fake.tar", &"x".repeat(600));
    let out = proven(&["ci", ".", "--image", "fake.tar"], &t.0);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("fake.tar is not a container image"));
}

const OPENVEX_NOT_AFFECTED: &str = r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://acme.example/vex/1",
  "author": "Acme Product Security",
  "timestamp": "2099-01-02T00:00:00Z",
  "version": 1,
  "statements": [{
    "vulnerability": { "name": "RUSTSEC-2099-0001" },
    "products": [{ "@id": "pkg:cargo/itoa@1.0.11" }],
    "status": "not_affected",
    "justification": "vulnerable_code_not_in_execute_path",
    "impact_statement": "itoa only formats integers we produce ourselves."
  }]
}"#;

const CSAF_NOT_AFFECTED: &str = r#"{
  "document": {
    "category": "csaf_vex", "csaf_version": "2.0",
    "publisher": { "category": "vendor", "name": "Acme", "namespace": "https://acme.example" },
    "title": "Acme VEX",
    "tracking": { "id": "ACME-1", "status": "final", "version": "1",
      "initial_release_date": "2099-01-02T00:00:00Z", "current_release_date": "2099-01-02T00:00:00Z",
      "revision_history": [{ "date": "2099-01-02T00:00:00Z", "number": "1", "summary": "Initial." }] }
  },
  "product_tree": { "full_product_names": [
    { "name": "itoa", "product_id": "ITOA", "product_identification_helper": { "purl": "pkg:cargo/itoa" } }
  ] },
  "vulnerabilities": [{
    "cve": "CVE-2099-0001",
    "product_status": { "known_not_affected": ["ITOA"] },
    "flags": [{ "label": "vulnerable_code_not_present", "product_ids": ["ITOA"] }]
  }]
}"#;

fn cyclonedx_vex(state: &str) -> String {
    format!(
        r#"{{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
  "components": [{{ "type": "library", "bom-ref": "itoa", "name": "itoa", "version": "1.0.11", "purl": "pkg:cargo/itoa@1.0.11" }}],
  "vulnerabilities": [{{ "id": "CVE-2099-0001", "analysis": {{ "state": "{state}", "justification": "code_not_reachable" }},
    "affects": [{{ "ref": "itoa" }}] }}]}}"#
    )
}

#[test]
fn ci_applies_openvex_csaf_and_cyclonedx_vex_before_the_gate() {
    let (t, db_arg) = vulnerable_project("ci-vex");
    let out = ci_app(&t, &db_arg);
    assert_eq!(
        out.status.code(),
        Some(1),
        "vulnerable → 1: {}",
        text(&out.stdout)
    );

    let with_vex = |file: &str, body: &str| {
        t.file(&format!("app/vex/{file}"), body).file(
            "app/proven.toml",
            &format!("[vex]\nfiles = [\"vex/{file}\"]\n"),
        );
        ci_app(&t, &db_arg)
    };
    let out = with_vex("itoa.openvex.json", OPENVEX_NOT_AFFECTED);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "OpenVEX not_affected → 0: {stdout}"
    );
    assert!(
        stdout.contains("vex: CVE-2099-0001 in pkg:cargo/itoa@1.0.11: VEX not_affected (vulnerable_code_not_in_execute_path) per"),
        "{stdout}"
    );
    let read = |f: &str| std::fs::read_to_string(t.0.join("ev").join(f)).expect("evidence file");
    let json = |f: &str| -> serde_json::Value { serde_json::from_str(&read(f)).expect("json") };
    let openvex = json("vex.openvex.json");
    assert_eq!(openvex["statements"][0]["status"], "not_affected");
    assert_eq!(
        openvex["statements"][0]["justification"],
        "vulnerable_code_not_in_execute_path"
    );
    assert!(openvex["statements"][0]["impact_statement"]
        .as_str()
        .is_some_and(|s| s.contains("integers we produce")));
    let cdx = json("vex.cdx.json");
    assert_eq!(
        cdx["vulnerabilities"][0]["analysis"]["state"],
        "not_affected"
    );
    assert_eq!(
        cdx["vulnerabilities"][0]["analysis"]["justification"],
        "code_not_reachable"
    );
    let csaf = json("vex.csaf.json");
    assert_eq!(
        csaf["vulnerabilities"][0]["product_status"]["known_not_affected"][0],
        "CSAFPID-0001"
    );
    let sarif = json("findings.sarif");
    let suppression = &sarif["runs"][0]["results"][0]["suppressions"][0];
    assert!(
        suppression["justification"]
            .as_str()
            .is_some_and(|j| j.contains("not_affected") && j.contains("itoa.openvex.json")),
        "{suppression}"
    );
    let policy = json("policy.json");
    assert_eq!(policy["vex"][0]["status"], "not_affected");
    assert_eq!(
        policy["vex"][0]["matched"].as_array().map(Vec::len),
        Some(1)
    );
    assert!(read("report.html").contains("VEX not_affected (vulnerable_code_not_in_execute_path)"));

    let out = with_vex("itoa.csaf.json", CSAF_NOT_AFFECTED);
    assert_eq!(
        out.status.code(),
        Some(0),
        "CSAF known_not_affected → 0: {}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("VEX not_affected (vulnerable_code_not_present)"));

    let out = with_vex("itoa.cdx.json", &cyclonedx_vex("not_affected"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "CycloneDX not_affected → 0: {}",
        text(&out.stdout)
    );

    let out = with_vex("itoa.cdx.json", &cyclonedx_vex("exploitable"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "CycloneDX exploitable → 1: {}",
        text(&out.stdout)
    );
    assert_eq!(json("policy.json")["vex"][0]["status"], "affected");

    let out = with_vex(
        "broken.openvex.json",
        "{\n  \"@context\": \"https://openvex.dev/ns/v0.2.0\",\n  \"statements\": [\n",
    );
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "still failing on the vulnerability: {stdout}"
    );
    assert!(stdout.contains("broken.openvex.json:4:"), "{stdout}");
    // With the vulnerability settled by a readable file, the broken one makes the run incomplete.
    t.file("app/vex/itoa.openvex.json", OPENVEX_NOT_AFFECTED)
        .file(
            "app/proven.toml",
            "[vex]\nfiles = [\"vex/itoa.openvex.json\", \"vex/broken.openvex.json\"]\n",
        );
    let out = ci_app(&t, &db_arg);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "broken VEX file → 3: {stdout}");
    assert!(
        stdout.contains("INCOMPLETE") && stdout.contains("broken.openvex.json:4:"),
        "{stdout}"
    );
}

/// OSV record: ryu below 1.0.18 reads out of bounds (CVSS 7.5), also known as a GHSA.
const RYU_RECORD: &str = r#"{"schema_version":"1.6.0","id":"RUSTSEC-2099-0002","modified":"2099-01-01T00:00:00Z",
    "published":"2099-01-01T00:00:00Z","aliases":["CVE-2099-0002","GHSA-2099-0002-0002"],"summary":"ryu reads out of bounds",
    "details":"Formatting some doubles reads past the end of a table.",
    "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
    "database_specific":{"cwe_ids":["CWE-125"]},
    "references":[{"type":"ADVISORY","url":"https://rustsec.org/advisories/RUSTSEC-2099-0002.html"}],
    "affected":[{"package":{"ecosystem":"crates.io","name":"ryu"},
      "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.18"}]}]}]}"#;

/// A project with every kind of finding and every way of settling one: the evidence it gives is
/// what the schema and CSAF validator tests read.
fn project_with_findings(name: &str) -> (Tree, Output) {
    let lock = format!(
        "{LOCK}\n[[package]]\nname = \"ryu\"\nversion = \"1.0.17\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"e86697c916019a8588c99b5fac3cead74ec0b4b819707a682fd4d23fa0ce1ba1\"\n"
    );
    let (t, db_arg) = vulnerable_project_with(name, &lock, &[ITOA_RECORD, RYU_RECORD]);
    t.file("app/deploy/.env", &format!("GITHUB_TOKEN={}\n", github_token()))
        .file("app/Dockerfile", "FROM alpine:3.20\nEXPOSE 22\nCMD [\"/bin/sh\"]\n")
        .file("app/vex/itoa.openvex.json", OPENVEX_NOT_AFFECTED)
        .file(
            "app/proven.toml",
            "[product]\nname = \"Acme Gateway\"\nversion = \"2.1.0\"\nsupport_until = \"2031-12\"\n\
             [product.manufacturer]\nname = \"Acme GmbH\"\ncontact = \"https://acme.example\"\n\
             [[waiver]]\npath = \"deploy/.env\"\nreason = \"test credential, revoked\"\nexpires = \"2099-12-31\"\nowner = \"secops\"\n\
             [vex]\nfiles = [\"vex/itoa.openvex.json\"]\n",
        );
    let out = ci_app(&t, &db_arg);
    assert_eq!(
        out.status.code(),
        Some(1),
        "ryu stays open and fails: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    (t, out)
}

fn load_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Minimal stand-ins for FIRST's CVSS schemas, which the CSAF schema references by URL and the
/// shared schemas do not hold: the fields CSAF requires, with their types. The full CVSS schemas
/// are checked by BSI's validator (see `csaf_output_passes_bsi_mandatory_tests`).
fn cvss_stand_in(version: &str) -> serde_json::Value {
    let mut required = vec!["version", "vectorString", "baseScore"];
    let mut properties = serde_json::json!({
        "version": { "const": version },
        "vectorString": { "type": "string" },
        "baseScore": { "type": "number", "minimum": 0, "maximum": 10 },
    });
    if version != "2.0" {
        required.push("baseSeverity");
        properties["baseSeverity"] =
            serde_json::json!({ "enum": ["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"] });
    }
    serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "required": required,
        "properties": properties,
    })
}

/// Validators for the official schemas in `$PROVEN_TESTDATA/schemas`, nothing fetched.
fn official_validator(schemas: &Path, name: &str) -> jsonschema::Validator {
    let mut registry = jsonschema::Registry::new();
    let main = match name {
        "cyclonedx" => {
            for f in [
                "spdx.schema.json",
                "jsf-0.82.schema.json",
                "cryptography-defs.schema.json",
            ] {
                registry = registry
                    .add(
                        format!("http://cyclonedx.org/schema/{f}"),
                        load_json(&schemas.join("cyclonedx").join(f)),
                    )
                    .expect("schema URI");
            }
            "cyclonedx/bom-1.6.schema.json"
        }
        "csaf" => {
            for v in ["2.0", "3.0", "3.1"] {
                registry = registry
                    .add(
                        format!("https://www.first.org/cvss/cvss-v{v}.json"),
                        cvss_stand_in(v),
                    )
                    .expect("schema URI");
            }
            "csaf/csaf_json_schema.json"
        }
        "spdx" => "spdx/spdx-schema-2.3.json",
        "sarif" => "sarif/sarif-schema-2.1.0.json",
        "openvex" => "openvex/openvex_json_schema.json",
        other => panic!("no schema named {other}"),
    };
    let registry = registry.prepare().expect("referenced schemas load");
    jsonschema::options()
        .offline()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&load_json(&schemas.join(main)))
        .unwrap_or_else(|e| panic!("{main} does not compile: {e}"))
}

#[test]
fn every_evidence_document_validates_against_its_official_schema() {
    let Some(data) = std::env::var_os("PROVEN_TESTDATA") else {
        eprintln!(
            "skipped: set PROVEN_TESTDATA to the shared data folder (with schemas/) to run it"
        );
        return;
    };
    let schemas = PathBuf::from(data).join("schemas");
    let (t, _) = project_with_findings("ci-schemas");
    let ev = t.0.join("ev");
    // Our own formats, described in the README; everything else must have an official schema.
    let own = [
        "manifest.json",
        "inventory.json",
        "policy.json",
        "compliance.json",
        "vulnerabilities.json",
    ];
    let official = [
        ("sbom.cdx.json", "cyclonedx"),
        ("vex.cdx.json", "cyclonedx"),
        ("sbom.spdx.json", "spdx"),
        ("findings.sarif", "sarif"),
        ("vex.openvex.json", "openvex"),
        ("vex.csaf.json", "csaf"),
    ];
    let mut names: Vec<String> = std::fs::read_dir(&ev)
        .expect("evidence directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") || n.ends_with(".sarif"))
        .collect();
    names.sort();
    for n in &names {
        assert!(
            own.contains(&n.as_str()) || official.iter().any(|(f, _)| f == n),
            "{n} is neither one of our formats nor mapped to an official schema"
        );
    }
    let mut failures = Vec::new();
    for (file, schema) in official {
        let doc = load_json(&ev.join(file));
        let validator = official_validator(&schemas, schema);
        failures.extend(
            validator
                .iter_errors(&doc)
                .take(10)
                .map(|e| format!("{file} ({schema}) at {}: {e}", e.instance_path())),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The documents are not trivial: every kind of finding and every status is in them.
    let sarif = load_json(&ev.join("findings.sarif"));
    let drivers: Vec<&str> = sarif["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .filter_map(|r| r["tool"]["driver"]["name"].as_str())
        .collect();
    assert_eq!(
        drivers,
        ["proven-vulnerabilities", "proven-secrets", "proven-config"],
        "one run per scanner"
    );
    let suppressions: Vec<&str> = sarif["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .flat_map(|r| r["results"].as_array().expect("results"))
        .filter_map(|r| r["suppressions"][0]["justification"].as_str())
        .collect();
    assert_eq!(
        suppressions.len(),
        2,
        "the VEX and the waiver: {suppressions:?}"
    );
    let openvex = load_json(&ev.join("vex.openvex.json"));
    let statuses: Vec<&str> = openvex["statements"]
        .as_array()
        .expect("statements")
        .iter()
        .filter_map(|s| s["status"].as_str())
        .collect();
    assert_eq!(statuses, ["not_affected", "affected"]);
    let csaf = load_json(&ev.join("vex.csaf.json"));
    let vulns = csaf["vulnerabilities"].as_array().expect("vulnerabilities");
    assert_eq!(vulns.len(), 2);
    assert!(vulns[0]["product_status"]["known_not_affected"].is_array());
    assert!(vulns[1]["product_status"]["known_affected"].is_array());
    assert!(vulns
        .iter()
        .all(|v| v["scores"][0]["cvss_v3"]["baseScore"].is_number()));
    let sbom = load_json(&ev.join("sbom.cdx.json"));
    assert_eq!(sbom["components"].as_array().map(Vec::len), Some(2));
}

#[test]
fn csaf_output_passes_bsi_mandatory_tests() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = repo.join("scripts/validate-csaf.mjs");
    let lib = repo.join(".tools/node/node_modules/@secvisogram/csaf-validator-lib/validate.js");
    if !lib.exists() {
        eprintln!(
            "skipped: {} is missing; run scripts/install-test-tools.sh",
            lib.display()
        );
        return;
    }
    let Ok(node) = Command::new("node").arg("--version").output() else {
        eprintln!("skipped: node is not on PATH");
        return;
    };
    assert!(node.status.success());
    let (t, _) = project_with_findings("ci-csaf");
    let out = Command::new("node")
        .arg(&script)
        .arg(t.0.join("ev/vex.csaf.json"))
        .output()
        .expect("node runs");
    let stderr = text(&out.stderr);
    // The optional and informative tests' notes are shown, not judged.
    eprintln!("{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn vex_input_fixtures_are_valid_documents_of_their_formats() {
    let Some(data) = std::env::var_os("PROVEN_TESTDATA") else {
        eprintln!(
            "skipped: set PROVEN_TESTDATA to the shared data folder (with schemas/) to run it"
        );
        return;
    };
    let schemas = PathBuf::from(data).join("schemas");
    let fixtures =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../proven-evidence/tests/fixtures/vex");
    // Statement 4 of the OpenVEX fixture is not_affected without a justification or an impact
    // statement on purpose (the reader warns and leaves it out); the schema rejects it too.
    let openvex = load_json(&fixtures.join("openvex.json"));
    let paths: Vec<String> = official_validator(&schemas, "openvex")
        .iter_errors(&openvex)
        .map(|e| e.instance_path().to_string())
        .collect();
    assert_eq!(paths, ["/statements/3"]);
    let mut failures = Vec::new();
    for (file, schema) in [("cyclonedx.json", "cyclonedx"), ("csaf.json", "csaf")] {
        let doc = load_json(&fixtures.join(file));
        failures.extend(
            official_validator(&schemas, schema)
                .iter_errors(&doc)
                .take(10)
                .map(|e| format!("{file} ({schema}) at {}: {e}", e.instance_path())),
        );
    }
    let doc: serde_json::Value = serde_json::from_str(OPENVEX_NOT_AFFECTED).expect("json");
    failures.extend(
        official_validator(&schemas, "openvex")
            .iter_errors(&doc)
            .map(|e| format!("OPENVEX_NOT_AFFECTED at {}: {e}", e.instance_path())),
    );
    let doc: serde_json::Value = serde_json::from_str(CSAF_NOT_AFFECTED).expect("json");
    failures.extend(
        official_validator(&schemas, "csaf")
            .iter_errors(&doc)
            .map(|e| format!("CSAF_NOT_AFFECTED at {}: {e}", e.instance_path())),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
