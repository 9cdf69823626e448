//! Configuration rules against their fixtures: every rule fires on its `.bad.` file and stays
//! quiet on its `.good.` file; suppressions, bad input and SARIF output are checked too.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proven_checks::config::{ConfigScanner, RULES};
use proven_checks::scanner::{ScannerRun, Sink};
use proven_model::{Diagnostic, DiagnosticLevel, Finding, Status};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn scan_file(path: &Path) -> Vec<Finding> {
    let scanner = ConfigScanner::new();
    let sink = Sink::default();
    let name = path
        .file_name()
        .expect("file")
        .to_string_lossy()
        .into_owned();
    let text = std::fs::read_to_string(path).expect("readable fixture");
    scanner.check_text(&name, &text, &sink);
    scanner.finish(&sink);
    sink.into_parts().0
}

fn scan_dir(dir: &Path) -> (Vec<Finding>, Vec<Diagnostic>) {
    let scanner = ConfigScanner::new();
    let run = ScannerRun::new(&scanner);
    let problems = proven_inventory::walk(dir, &proven_inventory::WalkOptions::default(), &[&run]);
    assert!(problems.is_empty(), "{problems:?}");
    scanner.finish(&run.sink);
    run.sink.into_parts()
}

#[test]
fn rule_ids_unique_and_documented() {
    let mut seen = BTreeSet::new();
    for r in RULES {
        assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
        assert!(
            r.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            r.id
        );
        let docs = r.docs();
        for heading in [
            "## What it does",
            "## Why is this bad",
            "## Example",
            "## Fix",
            "## References",
        ] {
            assert!(docs.contains(heading), "{} lacks {heading}", r.id);
        }
        assert!(
            !r.what.is_empty() && !r.why.is_empty() && !r.example.is_empty() && !r.fix.is_empty(),
            "{}",
            r.id
        );
        assert!(r.cra.starts_with("I.2("), "{}", r.id);
    }
}

#[test]
fn every_rule_fires_on_its_bad_fixture_only() {
    let dir = fixtures().join("config");
    let mut failures = Vec::new();
    for r in RULES {
        let files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{}.", r.id)))
            })
            .collect();
        let bad: Vec<&PathBuf> = files
            .iter()
            .filter(|p| p.to_string_lossy().contains(".bad."))
            .collect();
        let good: Vec<&PathBuf> = files
            .iter()
            .filter(|p| p.to_string_lossy().contains(".good."))
            .collect();
        if bad.is_empty() || good.is_empty() {
            failures.push(format!("{}: missing a bad or good fixture", r.id));
            continue;
        }
        for b in bad {
            if !scan_file(b)
                .iter()
                .any(|f| f.code == r.id && f.status == Status::Open)
            {
                failures.push(format!("{}: silent on {}", r.id, b.display()));
            }
        }
        for g in good {
            if scan_file(g).iter().any(|f| f.code == r.id) {
                failures.push(format!("{}: fires on {}", r.id, g.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// What the snapshot keeps of a finding: enough to review, nothing that repeats the rule table.
fn brief(findings: &[Finding]) -> Vec<serde_json::Value> {
    findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "code": f.code,
                "severity": f.severity.level,
                "location": f.location.to_string(),
                "matched": f.evidence.get("matched"),
                "status": f.status,
                "fingerprint": f.fingerprint,
            })
        })
        .collect()
}

#[test]
fn bad_fixture_findings_snapshot() {
    let dir = fixtures().join("config");
    let mut all = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().contains(".bad."))
        .collect();
    names.sort();
    for p in names {
        all.extend(brief(&scan_file(&p)));
    }
    insta::assert_json_snapshot!("config_bad_fixtures", all);
}

#[test]
fn suppressions_of_each_syntax() {
    let (findings, diagnostics) = scan_dir(&fixtures().join("config-suppress"));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let suppressed: Vec<(&str, String)> = findings
        .iter()
        .filter_map(|f| match &f.status {
            Status::Suppressed { reason } => Some((f.code.as_str(), reason.clone())),
            _ => None,
        })
        .collect();
    let codes: BTreeSet<&str> = suppressed.iter().map(|(c, _)| *c).collect();
    for code in [
        "docker-runs-as-root",
        "docker-unpinned-packages",
        "docker-apk-no-cache",
        "docker-expose-ssh",
        "tf-imdsv1",
        "tf-storage-unencrypted",
        "k8s-privileged",
        "k8s-allow-privilege-escalation",
        "docker-latest-tag",
        "docker-sudo",
    ] {
        assert!(
            codes.contains(code),
            "{code} not suppressed: {suppressed:#?}"
        );
    }
    let reason = |code: &str| {
        suppressed
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, r)| r.clone())
            .unwrap_or_default()
    };
    assert!(reason("docker-runs-as-root").contains("drops privileges itself"));
    assert!(reason("tf-imdsv1").contains("legacy AMI"));
    assert!(reason("k8s-privileged").contains("node agent needs it"));
    assert!(reason("k8s-allow-privilege-escalation").contains("checkov.io/skip1"));
    assert!(reason("docker-latest-tag").contains("hadolint global ignore=DL3007"));
    assert!(reason("docker-sudo").contains("kics-scan ignore-block"));
    // Suppressions name rules: others on the same lines stay open.
    assert!(findings
        .iter()
        .any(|f| f.code == "docker-no-healthcheck" && f.status == Status::Open));
    insta::assert_json_snapshot!("config_suppressions", brief(&findings));
}

#[test]
fn compose_extends_interpolation_and_anchors() {
    let (findings, diagnostics) = scan_dir(&fixtures().join("config-compose"));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let has = |path: &str, code: &str, service: &str| {
        findings.iter().any(|f| {
            f.location.path == path
                && f.code == code
                && f.evidence
                    .get("matched")
                    .is_some_and(|m| m.contains(&format!("service `{service}`")))
        })
    };
    let app = "app/docker-compose.yml";
    // Extended from another file: the base's default password and capability, reported at the
    // `extends:` block (the base file's lines mean nothing here).
    let cred = findings
        .iter()
        .find(|f| f.location.path == app && f.code == "compose-default-credentials")
        .expect("default password through extends");
    assert_eq!(cred.location.line, Some(8));
    assert!(cred.evidence["matched"].contains("the default used when the variable is unset"));
    assert!(has(app, "compose-dangerous-capabilities", "db"));
    // `${DB_PORT:-5432}` and `${ADMIN_PRIVILEGED:-true}` take their defaults.
    assert!(has(app, "compose-management-port", "db"));
    assert!(has(app, "compose-privileged", "admin"));
    // Extended in the same file: read_only and --requirepass come from redis-base.
    assert!(!has(app, "compose-not-read-only", "cache"));
    assert!(!has(app, "compose-default-credentials", "cache"));
    // A required variable (`${VAR:?message}`) is a reference, not a weak value.
    assert!(!has(app, "compose-default-credentials", "admin"));
    // The base file is a compose file of its own and is checked where it is.
    assert!(has(
        "common/services.yml",
        "compose-default-credentials",
        "postgres"
    ));
}

#[test]
fn compose_reads_the_project_env_and_env_files() {
    let (findings, diagnostics) = scan_dir(&fixtures().join("config-compose"));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let app = "app/docker-compose.yml";
    let creds = |service: &str| -> Vec<&Finding> {
        findings
            .iter()
            .filter(|f| {
                f.location.path == app
                    && f.code == "compose-default-credentials"
                    && f.evidence["matched"].contains(&format!("service `{service}`"))
            })
            .collect()
    };
    // `env_file: ./rabbit.env` sets the broker's password to guest: reported at the entry.
    let broker = creds("broker");
    assert_eq!(broker.len(), 1, "{broker:?}");
    assert_eq!(broker[0].location.line, Some(28));
    assert!(
        broker[0].evidence["matched"].contains("RABBITMQ_DEFAULT_PASS")
            && broker[0].evidence["matched"].contains("from app/rabbit.env:3"),
        "{:?}",
        broker[0].evidence
    );
    // `${GRAFANA_PASSWORD}` takes its value from the project's .env.
    let dashboards = creds("dashboards");
    assert_eq!(dashboards.len(), 1, "{dashboards:?}");
    assert_eq!(dashboards[0].location.line, Some(34));
    // Names without values pass the host's variables through: set, and not in the repository.
    assert!(creds("store").is_empty(), "{:?}", creds("store"));
}

#[test]
fn kubectl_list_output_is_read() {
    let scanner = ConfigScanner::new();
    let sink = Sink::default();
    let list = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: p\n      namespace: shop\n    spec:\n      containers:\n        - name: a\n          image: a:1\n          securityContext:\n            privileged: true\n";
    scanner.check_text("dump.yaml", list, &sink);
    scanner.finish(&sink);
    let (findings, _) = sink.into_parts();
    let privileged = findings
        .iter()
        .find(|f| f.code == "k8s-privileged")
        .expect("the Pod inside the List is checked");
    assert_eq!(privileged.location.line, Some(14));
}

#[test]
fn bad_input_is_a_diagnostic_and_helm_is_skipped() {
    let (findings, diagnostics) = scan_dir(&fixtures().join("config-bad"));
    assert!(findings.is_empty(), "{findings:?}");
    let find = |path: &str| diagnostics.iter().find(|d| d.location.path == path);
    let yaml = find("broken.yaml").expect("yaml diagnostic");
    assert_eq!(yaml.level, DiagnosticLevel::Error);
    assert!(yaml.location.line.is_some());
    let tf = find("broken.tf").expect("hcl diagnostic");
    assert!(tf.location.line.is_some() && tf.message.contains("HCL"));
    let helm = find("chart/templates/deploy.yaml").expect("helm note");
    assert_eq!(helm.level, DiagnosticLevel::Note);
}

#[test]
fn sarif_output_is_valid() {
    let Some(base) = std::env::var_os("PROVEN_TESTDATA") else {
        eprintln!("skipped: PROVEN_TESTDATA is not set (it points at the shared test data with the SARIF schema)");
        return;
    };
    let schema_path = Path::new(&base).join("schemas/sarif/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).expect("schema"))
            .expect("json");
    let (findings, _) = scan_dir(&fixtures().join("config"));
    assert!(!findings.is_empty());
    let sarif = proven_evidence::sarif::write(&findings, "0.0.0-test");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn fingerprints_ignore_line_numbers() {
    let scanner = ConfigScanner::new();
    let one = Sink::default();
    scanner.check_text("Dockerfile", "FROM alpine:3.20\nEXPOSE 22\n", &one);
    let two = Sink::default();
    scanner.check_text("Dockerfile", "FROM alpine:3.20\n\n\nEXPOSE 22\n", &two);
    let fp = |s: Sink| {
        s.into_parts()
            .0
            .into_iter()
            .find(|f| f.code == "docker-expose-ssh")
            .map(|f| (f.fingerprint, f.location.line))
            .expect("finding")
    };
    let (a, la) = fp(one);
    let (b, lb) = fp(two);
    assert_eq!(a, b);
    assert_ne!(la, lb);
}

fn image_findings(runtime: &proven_model::ContainerRuntime) -> Vec<(String, String, String)> {
    let scanner = ConfigScanner::new();
    let sink = Sink::default();
    scanner.check_image("app.tar", runtime, &sink);
    sink.into_parts()
        .0
        .into_iter()
        .map(|f| {
            let what = f.evidence.get("matched").cloned().unwrap_or_default();
            (f.code, f.location.to_string(), what)
        })
        .collect()
}

#[test]
fn image_configurations_are_checked_by_the_dockerfile_rules_of_the_same_meaning() {
    use proven_model::ContainerRuntime;
    let root = ContainerRuntime {
        user: Some(String::new()),
        exposed_ports: vec!["22/tcp".into(), "8080/tcp".into()],
        env: vec![
            ("PATH".into(), "/usr/bin".into()),
            ("DB_PASSWORD".into(), "hunter2hunter2".into()),
            ("NODE_TLS_REJECT_UNAUTHORIZED".into(), "0".into()),
        ],
        ..ContainerRuntime::default()
    };
    let found = image_findings(&root);
    let codes: Vec<(&str, &str)> = found
        .iter()
        .map(|(c, l, _)| (c.as_str(), l.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("docker-expose-ssh", "app.tar:config"),
            ("docker-no-healthcheck", "app.tar:config"),
            ("docker-runs-as-root", "app.tar:config"),
            ("docker-secret-in-env", "app.tar:config"),
            ("docker-tls-verification-disabled", "app.tar:config"),
        ]
    );
    // The secret is masked in the evidence.
    let secret = &found[3].2;
    assert!(secret.starts_with("ENV DB_PASSWORD=") && !secret.contains("hunter2hunter2"));

    for user in ["root", "0", "0:0", "root:staff"] {
        let r = ContainerRuntime {
            user: Some(user.into()),
            healthcheck: Some(vec!["NONE".into()]),
            ..ContainerRuntime::default()
        };
        assert_eq!(
            image_findings(&r),
            [(
                "docker-runs-as-root".to_string(),
                "app.tar:config".to_string(),
                format!("the image configuration's User is `{user}`")
            )]
        );
    }
    let good = ContainerRuntime {
        user: Some("1000:1000".into()),
        exposed_ports: vec!["8080/tcp".into()],
        env: vec![("API_TOKEN_FILE".into(), "/run/secrets/token".into())],
        healthcheck: Some(vec!["CMD".into(), "/bin/health".into()]),
        ..ContainerRuntime::default()
    };
    assert!(image_findings(&good).is_empty());
}
