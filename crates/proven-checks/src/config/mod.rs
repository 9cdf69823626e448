//! Configuration and infrastructure-as-code checks: Dockerfiles, docker-compose, Kubernetes
//! manifests and Terraform (HCL and `.tf.json`), each parsed into a typed model first.
//!
//! Files are checked as the walk hands them over. Three things need the whole tree and happen in
//! [`ConfigScanner::finish`]: Terraform, whose variables and locals live anywhere in a module
//! folder; compose files, whose services may `extends` a service of another file; and Kubernetes
//! namespaces that have workloads but no NetworkPolicy.

mod compose;
mod dockerfile;
mod image;
mod kubernetes;
mod node;
mod rules;
mod suppress;
mod terraform;
mod vars;
mod yaml;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use proven_inventory::WalkedFile;
use proven_model::{
    ContainerRuntime, Diagnostic, Finding, FindingKind, Location, Severity, Status,
};
use sha2::{Digest, Sha256};

pub use rules::{rule, Rule, Target, RULES};

use crate::scanner::{Scanner, Sink};
use suppress::Directive;

/// The configuration scanner.
#[derive(Debug, Default)]
pub struct ConfigScanner {
    terraform: Mutex<BTreeMap<String, Vec<terraform::TfFile>>>,
    compose: Mutex<BTreeMap<String, compose::ComposeFile>>,
    /// `.env`-style files by path, for compose interpolation and `env_file:`.
    env_files: Mutex<BTreeMap<String, Vec<compose::EnvLine>>>,
    namespaces: Mutex<Namespaces>,
}

#[derive(Debug, Default)]
struct Namespaces {
    /// Namespace → the first workload met in it: its file, line and that file's directives.
    workloads: BTreeMap<String, (String, u32, Vec<Directive>)>,
    with_policy: BTreeSet<String>,
}

/// What kind of configuration a file is, judged from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Dockerfile,
    Yaml,
    Terraform,
    TerraformJson,
    /// `terraform.tfvars` and `*.auto.tfvars`, which Terraform loads on its own.
    TerraformVars,
    TerraformVarsJson,
    /// `.env`, `*.env` and `.env.*`: variables for compose files.
    EnvFile,
}

fn kind_of(name: &str) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
    {
        Some(Kind::Dockerfile)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Some(Kind::Yaml)
    } else if lower == "terraform.tfvars" || lower.ends_with(".auto.tfvars") {
        Some(Kind::TerraformVars)
    } else if lower == "terraform.tfvars.json" || lower.ends_with(".auto.tfvars.json") {
        Some(Kind::TerraformVarsJson)
    } else if lower.ends_with(".tf.json") {
        Some(Kind::TerraformJson)
    } else if lower.ends_with(".tf") {
        Some(Kind::Terraform)
    } else if lower.ends_with(".env") || lower.starts_with(".env.") {
        Some(Kind::EnvFile)
    } else {
        None
    }
}

impl ConfigScanner {
    /// A scanner with every rule enabled.
    pub fn new() -> Self {
        ConfigScanner::default()
    }

    /// Checks one file's text directly (tests, fuzzing); cross-file checks still need [`finish`].
    ///
    /// [`finish`]: ConfigScanner::finish
    pub fn check_text(&self, rel: &str, text: &str, sink: &Sink) {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let Some(kind) = kind_of(name) else { return };
        match kind {
            Kind::Dockerfile => dockerfile::check(rel, text, sink),
            Kind::Yaml => self.check_yaml(rel, text, sink),
            Kind::EnvFile => {
                lock(&self.env_files).insert(rel.to_string(), compose::parse_env_file(text));
            }
            Kind::Terraform
            | Kind::TerraformJson
            | Kind::TerraformVars
            | Kind::TerraformVarsJson => {
                let parsed = match kind {
                    Kind::Terraform | Kind::TerraformVars => terraform::parse_hcl(rel, text),
                    Kind::TerraformVarsJson => terraform::parse_json_vars(rel, text),
                    _ => terraform::parse_json(rel, text),
                };
                match parsed {
                    Ok(file) => {
                        let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                        lock(&self.terraform)
                            .entry(dir.to_string())
                            .or_default()
                            .push(file);
                    }
                    Err(d) => sink.diagnostic(d),
                }
            }
        }
    }

    fn check_yaml(&self, rel: &str, text: &str, sink: &Sink) {
        let templated = text.contains("{{");
        let in_templates = rel.starts_with("templates/") || rel.contains("/templates/");
        if templated && in_templates {
            sink.diagnostic(helm_note(rel));
            return;
        }
        let docs = match yaml::parse(text) {
            Ok(docs) => docs,
            Err(_) if templated => {
                sink.diagnostic(helm_note(rel));
                return;
            }
            Err(e) => {
                sink.diagnostic(Diagnostic::error(
                    Location::line(rel, e.line.max(1)),
                    format!("invalid YAML: {}; the file was not checked", e.message),
                ));
                return;
            }
        };
        let directives = suppress::parse(text);
        let mut out = Emitter::new(rel, &directives);
        let mut workloads = Vec::new();
        let mut policies = Vec::new();
        let mut compose_docs = Vec::new();
        for doc in docs {
            if doc.get("apiVersion").is_some() && doc.get("kind").is_some() {
                // `kubectl get -o yaml` wraps the objects in a List.
                let list = doc.str_of("kind").is_some_and(|k| k.ends_with("List"));
                let objects = match doc.get("items") {
                    Some(items) if list => items.items(),
                    _ => std::slice::from_ref(&doc),
                };
                for object in objects {
                    kubernetes::check(object, &mut out, &mut workloads, &mut policies);
                }
            } else if compose::is_compose(&doc) {
                compose_docs.push(doc);
            }
        }
        if !compose_docs.is_empty() {
            lock(&self.compose).insert(
                rel.to_string(),
                compose::ComposeFile {
                    docs: compose_docs,
                    directives: directives.clone(),
                },
            );
        }
        if !workloads.is_empty() || !policies.is_empty() {
            let mut ns = lock(&self.namespaces);
            for (name, line) in workloads {
                ns.workloads
                    .entry(name)
                    .or_insert_with(|| (rel.to_string(), line, directives.clone()));
            }
            ns.with_policy.extend(policies);
        }
        out.flush(sink);
    }

    /// Checks the runtime profile of a container image (user, ports, environment, health check)
    /// with the Dockerfile rules of the same meaning; findings are at `<image>:config`.
    pub fn check_image(&self, image: &str, runtime: &ContainerRuntime, sink: &Sink) {
        image::check(image, runtime, sink);
    }

    /// Runs the checks that need every file: Terraform modules, compose files and Kubernetes
    /// namespaces.
    pub fn finish(&self, sink: &Sink) {
        let modules = std::mem::take(&mut *lock(&self.terraform));
        for files in modules.values() {
            terraform::check_module(files, sink);
        }
        compose::check_all(
            &std::mem::take(&mut *lock(&self.compose)),
            &std::mem::take(&mut *lock(&self.env_files)),
            sink,
        );
        let ns = std::mem::take(&mut *lock(&self.namespaces));
        for (name, (path, line, directives)) in &ns.workloads {
            if !ns.with_policy.contains(name) {
                let mut out = Emitter::new(path, directives);
                out.hit(
                    "k8s-no-network-policy",
                    *line,
                    *line,
                    format!("namespace/{name}"),
                    format!("namespace `{name}` has workloads and no NetworkPolicy"),
                );
                out.flush(sink);
            }
        }
    }
}

fn helm_note(rel: &str) -> Diagnostic {
    Diagnostic::note(
        Location::file(rel),
        "Helm template (contains `{{ }}`) skipped; render it (`helm template`) and scan the output",
    )
}

impl Scanner for ConfigScanner {
    fn name(&self) -> &'static str {
        "config"
    }

    fn wants(&self, _rel: &str, name: &str, _size: u64) -> bool {
        kind_of(name).is_some()
    }

    fn check(&self, file: &WalkedFile<'_>, sink: &Sink) {
        match file.bytes {
            Ok(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => self.check_text(file.rel, text, sink),
                Err(e) => sink.diagnostic(Diagnostic::error(
                    Location::file(file.rel),
                    format!(
                        "not UTF-8 text at byte {}; the file was not checked",
                        e.valid_up_to()
                    ),
                )),
            },
            Err(why) => sink.diagnostic(Diagnostic::error(Location::file(file.rel), why)),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One rule matched at one place, before suppressions are applied.
#[derive(Debug)]
struct Hit {
    rule: &'static Rule,
    line: u32,
    /// First line of the object the hit belongs to (instruction, service, manifest, resource):
    /// suppression comments above it or inside it up to `line` apply.
    anchor: u32,
    /// What identifies the offending thing without line numbers (for the fingerprint).
    key: String,
    detail: String,
    /// Last line of the object: suppression comments up to here apply (checkov's inside a
    /// Terraform block, below an attribute that is missing).
    upper: u32,
    /// A suppression the format itself carries (a kube-linter annotation).
    suppressed: Option<String>,
}

/// Collects the hits of one file and turns them into findings.
#[derive(Debug)]
struct Emitter<'a> {
    path: &'a str,
    directives: &'a [Directive],
    hits: Vec<Hit>,
    /// Last line of the object being checked, when the format knows it.
    scope_end: u32,
    /// Findings name the whole input, no line (an image's configuration).
    whole_file: bool,
}

impl<'a> Emitter<'a> {
    fn new(path: &'a str, directives: &'a [Directive]) -> Self {
        Emitter {
            path,
            directives,
            hits: Vec::new(),
            scope_end: 0,
            whole_file: false,
        }
    }

    /// An emitter for an input without lines or suppression comments.
    fn whole_file(path: &'a str) -> Self {
        Emitter {
            whole_file: true,
            ..Emitter::new(path, &[])
        }
    }

    /// Records a hit of the rule `id`, which must be in [`RULES`].
    fn hit(&mut self, id: &str, line: u32, anchor: u32, key: String, detail: String) {
        self.hit_suppressed(id, line, anchor, key, detail, None);
    }

    fn hit_suppressed(
        &mut self,
        id: &str,
        line: u32,
        anchor: u32,
        key: String,
        detail: String,
        suppressed: Option<String>,
    ) {
        let Some(rule) = rule(id) else {
            debug_assert!(false, "unknown rule {id}");
            return;
        };
        self.hits.push(Hit {
            rule,
            line,
            anchor: anchor.min(line),
            upper: line.max(self.scope_end),
            key,
            detail,
            suppressed,
        });
    }

    fn flush(self, sink: &Sink) {
        let mut seen = BTreeSet::new();
        for h in self.hits {
            if !seen.insert((h.rule.id, h.key.clone())) {
                continue;
            }
            let status = match h
                .suppressed
                .or_else(|| suppress::find(self.directives, h.rule, h.line, h.anchor, h.upper))
            {
                Some(reason) => Status::Suppressed { reason },
                None => Status::Open,
            };
            let mut f = finding(self.path, h.rule, h.line, &h.key, h.detail, status);
            if self.whole_file {
                f.location = Location::file(self.path);
            }
            sink.finding(f);
        }
    }
}

fn finding(
    path: &str,
    rule: &'static Rule,
    line: u32,
    key: &str,
    detail: String,
    status: Status,
) -> Finding {
    let digest = Sha256::digest(format!("{}\n{path}\n{key}", rule.id).as_bytes());
    let fingerprint = proven_model::encoding::hex(&digest[..16]);
    let mut evidence = BTreeMap::new();
    evidence.insert("target".to_string(), rule.target.as_str().to_string());
    evidence.insert("matched".to_string(), detail);
    let join = |ids: Vec<&str>| ids.join(" ");
    for (tool, ids) in [
        ("checkov", join(rule.checkov().collect())),
        ("trivy", join(rule.trivy().collect())),
        ("hadolint", join(rule.hadolint().collect())),
        ("kube-linter", join(rule.kube_linter().collect())),
    ] {
        if !ids.is_empty() {
            evidence.insert(tool.to_string(), ids);
        }
    }
    if !rule.cis.is_empty() {
        evidence.insert("cis".to_string(), rule.cis.to_string());
    }
    Finding {
        kind: FindingKind::Misconfiguration,
        code: rule.id.to_string(),
        aliases: vec![],
        severity: Severity {
            level: rule.severity,
            score: None,
            vector: None,
            source: Some("rule".into()),
        },
        title: rule.title.to_string(),
        location: Location::line(path, line.max(1)),
        component: None,
        fingerprint,
        fix: Some(rule.fix.to_string()),
        evidence,
        status,
        references: rule.references(),
        cwe: vec![],
        cra_clause: Some(rule.cra.to_string()),
    }
}

/// True when a name looks like it holds a credential.
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('-', "_");
    let words = [
        "password",
        "passwd",
        "pwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "access_key",
        "private_key",
        "credential",
        "auth_key",
    ];
    words.iter().any(|w| n.contains(w))
        && !n.ends_with("_file")
        && !n.ends_with("_path")
        && !n.ends_with("_name")
        && !n.ends_with("_id")
        && !n.ends_with("_arn")
        && !n.contains("_url")
}
