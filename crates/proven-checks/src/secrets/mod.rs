//! The secrets scanner: finds credentials in text files with one multi-literal pass per file.
//!
//! Every rule names literal anchors; one Aho-Corasick automaton over all of them finds every anchor
//! in a file in a single pass, and a rule's full pattern runs only in a bounded window around a hit.
//! A match is then validated offline ([`validate`]), filtered ([`filter`]) and ranked into a tier:
//! A (checksum or structure verified), B (distinctive format), C (generic). Test paths drop a tier.
//!
//! A prefixed token whose checksum or structure check fails is not reported at all: the check
//! proves it is not the credential the rule describes (a random string that happens to start with
//! `ghp_`), and reporting it anyway is how gitleaks produces false positives.
//!
//! No output holds a whole secret: findings carry [`mask_secret`] forms, and the raw value lives
//! only in [`Secret`], whose `Debug` masks it.

mod anchors;
pub mod baseline;
pub mod filter;
pub mod history;
mod pattern;
pub mod rules;
pub mod validate;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, OnceLock};

use proven_inventory::WalkedFile;
use proven_model::{Diagnostic, Finding, FindingKind, Location, Severity, Status};
use sha2::{Digest, Sha256};

use crate::mask::mask_secret;
use crate::scanner::{Scanner, Sink};
use anchors::Anchors;
use pattern::Pattern;
use rules::{Files, Window};
pub use rules::{Rule, Tier, RULES};
use validate::Verdict;

/// A raw secret. Its `Debug` and `Display` show only the masked form.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a raw value.
    pub fn new(raw: impl Into<String>) -> Self {
        Secret(raw.into())
    }
    /// The raw value; use only to hash or validate it, never to print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({})", mask_secret(&self.0))
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&mask_secret(&self.0))
    }
}

/// How the scanner runs.
#[derive(Clone, Debug)]
pub struct SecretsOptions {
    /// Files larger than this are skipped with a note.
    pub max_file_size: u64,
    /// Salt of the secret hash inside fingerprints (a baseline's salt, or a fixed default).
    pub salt: [u8; 32],
    /// Fingerprints of known findings: these come back as suppressed.
    pub baseline: BTreeSet<String>,
}

/// The default size cap: 20 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 20 << 20;

impl Default for SecretsOptions {
    fn default() -> Self {
        SecretsOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            salt: *b"proven-secrets-fingerprint-salt!",
            baseline: BTreeSet::new(),
        }
    }
}

/// Counts of what a scan looked at and skipped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub files: u64,
    pub bytes: u64,
    pub skipped_binary: u64,
    pub skipped_minified: u64,
    pub skipped_large: u64,
}

/// The secrets scanner.
#[derive(Debug)]
pub struct SecretsScanner {
    options: SecretsOptions,
    files: AtomicU64,
    bytes: AtomicU64,
    binary: AtomicU64,
    minified: AtomicU64,
    large: AtomicU64,
}

struct Engine {
    anchors: Anchors,
    /// Anchor pattern index → rules using it.
    rules_of: Vec<Vec<usize>>,
    /// Each rule's pattern, compiled the first time one of its anchors is hit: most trees hit only
    /// a few dozen of the rules, and compiling all of them would cost more than scanning a small
    /// repository.
    patterns: Vec<OnceLock<Pattern>>,
    /// Lowercase extension → the keystore rule for files with it.
    keystores: Vec<(&'static str, usize)>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("anchors", &self.rules_of.len())
            .finish()
    }
}

impl Engine {
    /// The rule's compiled pattern; `None` for rules without one (keystores).
    fn pattern(&self, rule: usize) -> Option<&Pattern> {
        let r = &RULES[rule];
        (!r.pattern.is_empty()).then(|| {
            self.patterns[rule].get_or_init(|| {
                Pattern::new(r.pattern, r.anchors)
                    .unwrap_or_else(|e| panic!("rule {}: bad pattern: {e}", r.id))
            })
        })
    }
}

/// Every anchor literal (with its case variants), once, and the rules that use each.
fn anchor_patterns() -> (Vec<String>, Vec<Vec<usize>>) {
    let mut patterns: Vec<String> = Vec::new();
    let mut rules_of: Vec<Vec<usize>> = Vec::new();
    for (i, rule) in RULES.iter().enumerate() {
        for anchor in rule.anchors {
            for variant in case_variants(anchor) {
                match patterns.iter().position(|p| *p == variant) {
                    Some(j) => {
                        if !rules_of[j].contains(&i) {
                            rules_of[j].push(i);
                        }
                    }
                    None => {
                        patterns.push(variant);
                        rules_of.push(vec![i]);
                    }
                }
            }
        }
    }
    (patterns, rules_of)
}

static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    let (patterns, rules_of) = anchor_patterns();
    let keystores = RULES
        .iter()
        .enumerate()
        .flat_map(|(i, r)| match r.files {
            Files::Extension(exts) => exts.iter().map(|e| (*e, i)).collect(),
            _ => Vec::new(),
        })
        .collect();
    Engine {
        anchors: Anchors::new(&patterns),
        rules_of,
        patterns: RULES.iter().map(|_| OnceLock::new()).collect(),
        keystores,
    }
});

/// Anchors are matched case-sensitively; an all-lowercase keyword also matches in UPPER and
/// Capitalised form (`password`, `PASSWORD`, `Password`), which covers how settings are spelled.
fn case_variants(anchor: &str) -> Vec<String> {
    let mut v = vec![anchor.to_string()];
    if anchor.bytes().any(|b| b.is_ascii_lowercase())
        && !anchor.bytes().any(|b| b.is_ascii_uppercase())
    {
        v.push(anchor.to_ascii_uppercase());
        let mut cap = anchor.to_string();
        if let Some(first) = cap.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        v.push(cap);
    }
    v.dedup();
    v
}

/// A match that survived validation and filtering, before it becomes a finding.
#[derive(Debug)]
struct Candidate {
    rule: usize,
    start: usize,
    end: usize,
    secret: Secret,
    tier: Tier,
    evidence: BTreeMap<String, String>,
}

impl SecretsScanner {
    /// A scanner with these options.
    pub fn new(options: SecretsOptions) -> Self {
        LazyLock::force(&ENGINE);
        SecretsScanner {
            options,
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            binary: AtomicU64::new(0),
            minified: AtomicU64::new(0),
            large: AtomicU64::new(0),
        }
    }

    /// What was scanned and skipped so far.
    pub fn stats(&self) -> Stats {
        Stats {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            skipped_binary: self.binary.load(Ordering::Relaxed),
            skipped_minified: self.minified.load(Ordering::Relaxed),
            skipped_large: self.large.load(Ordering::Relaxed),
        }
    }

    /// The options the scanner runs with.
    pub fn options(&self) -> &SecretsOptions {
        &self.options
    }

    /// Scans bytes in memory as the file `rel`; findings are located at `shown_path` (history scans
    /// show `path@commit`) and fingerprinted by `rel`.
    pub fn scan_bytes(
        &self,
        rel: &str,
        shown_path: &str,
        bytes: &[u8],
        extra: &BTreeMap<String, String>,
        sink: &Sink,
    ) {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        if let Some(rule) = keystore_rule(name) {
            let cand = Candidate {
                rule,
                start: 0,
                end: 0,
                secret: Secret::new(format!("{rel}:{}", hex(&Sha256::digest(bytes)))),
                tier: RULES[rule].tier,
                evidence: BTreeMap::new(),
            };
            sink.finding(self.finding(rel, shown_path, None, &cand, extra, None));
            return;
        }
        if bytes.len() as u64 > self.options.max_file_size {
            self.large.fetch_add(1, Ordering::Relaxed);
            sink.diagnostic(Diagnostic::note(
                Location::file(shown_path),
                format!(
                    "not scanned for secrets: {} bytes, over the {}-byte limit",
                    bytes.len(),
                    self.options.max_file_size
                ),
            ));
            return;
        }
        if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
            self.binary.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if is_minified(name, bytes) {
            self.minified.fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        let mut cands = find_candidates(rel, name, bytes);
        if cands.is_empty() {
            return;
        }
        if filter::is_test_path(rel) {
            for c in &mut cands {
                c.tier = c.tier.lower();
                c.evidence.insert("context".into(), "test".into());
            }
        }
        // Line numbers, counted once through the file in offset order.
        cands.sort_by_key(|c| c.start);
        let mut line = 1u32;
        let mut pos = 0usize;
        for c in &cands {
            line += memchr::memchr_iter(b'\n', &bytes[pos..c.start]).count() as u32;
            pos = c.start;
            let line_start = memchr::memrchr(b'\n', &bytes[..c.start]).map_or(0, |i| i + 1);
            let line_end =
                memchr::memchr(b'\n', &bytes[c.start..]).map_or(bytes.len(), |i| c.start + i);
            let prev_start = if line_start == 0 {
                0
            } else {
                memchr::memrchr(b'\n', &bytes[..line_start - 1]).map_or(0, |i| i + 1)
            };
            let this = String::from_utf8_lossy(&bytes[line_start..line_end]);
            let prev = String::from_utf8_lossy(&bytes[prev_start..line_start]);
            let suppressed = filter::suppression(RULES[c.rule].id, &this, &prev);
            let column = (c.start - line_start) as u32 + 1;
            sink.finding(self.finding(rel, shown_path, Some((line, column)), c, extra, suppressed));
        }
    }

    fn finding(
        &self,
        rel: &str,
        shown_path: &str,
        at: Option<(u32, u32)>,
        c: &Candidate,
        extra: &BTreeMap<String, String>,
        suppressed: Option<String>,
    ) -> Finding {
        let rule = &RULES[c.rule];
        let masked = mask_secret(c.secret.expose());
        let fingerprint = fingerprint(&self.options.salt, rule.id, rel, &c.secret);
        let mut evidence = c.evidence.clone();
        evidence.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        evidence.insert("tier".into(), c.tier.as_str().into());
        evidence.insert("secret".into(), masked.clone());
        evidence.insert("validation".into(), rule.check.kind().into());
        if let Some(g) = rule.gitleaks {
            evidence.insert("gitleaks-rule".into(), g.into());
        }
        let status = match suppressed {
            Some(reason) => Status::Suppressed { reason },
            None if self.options.baseline.contains(&fingerprint) => Status::Suppressed {
                reason: "baseline".into(),
            },
            None => Status::Open,
        };
        Finding {
            kind: FindingKind::Secret,
            code: rule.id.to_string(),
            aliases: Vec::new(),
            severity: Severity {
                level: rule.severity,
                score: None,
                vector: None,
                source: Some("rule".into()),
            },
            title: format!("{}: {masked}", rule.title),
            location: Location {
                path: shown_path.to_string(),
                line: at.map(|a| a.0),
                column: at.map(|a| a.1),
            },
            component: None,
            fingerprint,
            fix: Some(rules::FIX.into()),
            evidence,
            status,
            references: vec![rule.reference.to_string()],
            cwe: vec!["CWE-798".into()],
            cra_clause: Some(rule.cra_clause.to_string()),
        }
    }
}

impl Scanner for SecretsScanner {
    fn name(&self) -> &'static str {
        "secrets"
    }

    fn wants(&self, _rel: &str, _name: &str, _size: u64) -> bool {
        true
    }

    fn check(&self, file: &WalkedFile<'_>, sink: &Sink) {
        match file.bytes {
            Ok(bytes) => self.scan_bytes(file.rel, file.rel, bytes, &BTreeMap::new(), sink),
            Err(why) => {
                let name = file.rel.rsplit('/').next().unwrap_or(file.rel);
                if let Some(rule) = keystore_rule(name) {
                    let cand = Candidate {
                        rule,
                        start: 0,
                        end: 0,
                        secret: Secret::new(file.rel.to_string()),
                        tier: RULES[rule].tier,
                        evidence: BTreeMap::new(),
                    };
                    sink.finding(self.finding(
                        file.rel,
                        file.rel,
                        None,
                        &cand,
                        &BTreeMap::new(),
                        None,
                    ));
                } else if why.contains("limit") {
                    self.large.fetch_add(1, Ordering::Relaxed);
                    sink.diagnostic(Diagnostic::note(
                        Location::file(file.rel),
                        format!("not scanned for secrets: {why}"),
                    ));
                } else {
                    sink.diagnostic(Diagnostic::error(
                        Location::file(file.rel),
                        format!("not scanned for secrets: {why}"),
                    ));
                }
            }
        }
    }
}

/// `hex(sha256(rule id, path, hex(sha256(salt, secret))))`: stable, no line number, no secret.
pub fn fingerprint(salt: &[u8; 32], rule_id: &str, path: &str, secret: &Secret) -> String {
    let mut inner = Sha256::new();
    inner.update(salt);
    inner.update(secret.expose().as_bytes());
    let mut outer = Sha256::new();
    outer.update(rule_id.as_bytes());
    outer.update([0]);
    outer.update(path.as_bytes());
    outer.update([0]);
    outer.update(hex(&inner.finalize()).as_bytes());
    hex(&outer.finalize())
}

use proven_model::encoding::hex;

fn keystore_rule(name: &str) -> Option<usize> {
    let ext = name.rsplit_once('.')?.1;
    ENGINE
        .keystores
        .iter()
        .find(|(e, _)| e.eq_ignore_ascii_case(ext))
        .map(|&(_, rule)| rule)
}

/// Minified code: a script or style sheet whose first 64 KiB hold a line over 5,000 bytes.
fn is_minified(name: &str, bytes: &[u8]) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if name.contains(".min.") || ext == "map" {
        return true;
    }
    if !matches!(ext, "js" | "mjs" | "cjs" | "css" | "html" | "htm" | "svg") {
        return false;
    }
    let head = &bytes[..bytes.len().min(65536)];
    let mut last = 0;
    for i in memchr::memchr_iter(b'\n', head) {
        if i - last > 5000 {
            return true;
        }
        last = i;
    }
    head.len() - last > 5000 && head.len() == bytes.len().min(65536)
}

fn applies(rule: &Rule, rel: &str, name: &str, lockfile: bool) -> bool {
    if rule.generic && lockfile {
        return false;
    }
    match rule.files {
        Files::Any => true,
        Files::Named(names) => names.contains(&name),
        Files::PathHas(parts) => {
            let lower = rel.to_ascii_lowercase();
            parts.iter().any(|p| lower.contains(p))
        }
        Files::Extension(_) => false,
    }
}

fn window(bytes: &[u8], hit: usize, w: Window) -> (usize, usize) {
    const CAP: usize = 4096;
    let line_start = |at: usize| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let line_end = |at: usize| memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
    let (s, e) = match w {
        Window::Line => (line_start(hit), line_end(hit)),
        Window::Around(n) => (
            line_start(hit.saturating_sub(n)),
            line_end((hit + n).min(bytes.len())),
        ),
        Window::After(n) => (line_start(hit), (hit + n).min(bytes.len())),
        Window::File => (0, bytes.len().min(256 << 10)),
    };
    let limit = match w {
        Window::Line => CAP,
        Window::Around(n) | Window::After(n) => n + CAP,
        Window::File => 256 << 10,
    };
    (s.max(hit.saturating_sub(limit)), e.min(hit + limit))
}

thread_local! {
    static HITS: std::cell::Cell<Vec<anchors::Hit>> = const { std::cell::Cell::new(Vec::new()) };
}

fn find_candidates(rel: &str, name: &str, bytes: &[u8]) -> Vec<Candidate> {
    let engine = &*ENGINE;
    let lockfile = filter::is_lockfile(name);
    // Hits come in increasing offset order, so a rule's windows do too: remembering the last window
    // start per rule is enough to run each pattern once per window.
    let mut last_window: Vec<usize> = vec![usize::MAX; RULES.len()];
    let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut out: Vec<Candidate> = Vec::new();
    // The hit list of a large file runs to hundreds of kilobytes: each thread keeps one, since a
    // fresh one per file is memory the kernel has to zero again.
    let mut hits = HITS.take();
    hits.clear();
    let mut found = Vec::new();
    engine.anchors.find_all(bytes, &mut hits);
    for &m in &hits {
        for &ri in &engine.rules_of[m.pattern as usize] {
            let rule = &RULES[ri];
            if !applies(rule, rel, name, lockfile) {
                continue;
            }
            let (ws, we) = window(bytes, m.start, rule.window);
            if last_window[ri] == ws {
                continue;
            }
            last_window[ri] = ws;
            let Some(pattern) = engine.pattern(ri) else {
                continue;
            };
            pattern.find_all(&bytes[ws..we], &mut found);
            for (whole, secret) in found.drain(..) {
                let (start, end) = (ws + secret.start, ws + secret.end);
                if !seen.insert((ri, start)) {
                    continue;
                }
                let secret_bytes = if matches!(
                    rule.check,
                    validate::Check::Pem | validate::Check::OpenSsh | validate::Check::Pgp
                ) {
                    &bytes[ws + whole.start..ws + whole.end]
                } else {
                    &bytes[start..end]
                };
                let Ok(text) = std::str::from_utf8(secret_bytes) else {
                    continue;
                };
                if filter::reject(rule, text).is_some() {
                    continue;
                }
                let (tier, mut evidence) = match validate::run(rule.check, text) {
                    Verdict::Invalid => continue,
                    Verdict::Unchecked => (rule.tier, BTreeMap::new()),
                    Verdict::Valid(ev) => (rule.tier, ev),
                };
                if rule.check != validate::Check::None {
                    evidence.insert("check".into(), "valid".into());
                }
                out.push(Candidate {
                    rule: ri,
                    start,
                    end,
                    secret: Secret::new(text),
                    tier,
                    evidence,
                });
            }
        }
    }
    HITS.set(hits);
    // Overlapping matches of several rules are one secret: keep the best tier, then the earlier rule.
    out.sort_by_key(|c| (c.tier, c.rule, c.start));
    let mut kept: Vec<Candidate> = Vec::with_capacity(out.len());
    for c in out {
        if !kept
            .iter()
            .any(|k| k.start < c.end.max(c.start + 1) && c.start < k.end.max(k.start + 1))
        {
            kept.push(c);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_kebab_case_and_patterns_compile() {
        let mut ids = BTreeSet::new();
        for r in RULES {
            assert!(ids.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is not kebab-case",
                r.id
            );
            assert!(
                !r.description().is_empty() && r.reference.starts_with("https://"),
                "{}",
                r.id
            );
            assert_eq!(r.cra_clause, "I.2(d)");
            assert!(
                !r.anchors.is_empty() || matches!(r.files, Files::Extension(_)),
                "{}",
                r.id
            );
        }
        assert!(RULES.len() >= 150, "{} rules", RULES.len());
        for i in 0..RULES.len() {
            ENGINE.pattern(i);
        }
    }

    /// The anchor pass finds exactly what Aho-Corasick's overlapping search finds, in the same
    /// order, on text full of anchors, whatever the length and start of the slice (the pass walks
    /// slices of 4 KiB and more in interleaved parts).
    #[test]
    fn anchor_pass_matches_the_overlapping_search() {
        let (patterns, _) = anchor_patterns();
        let reference = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(&patterns)
            .expect("literals");
        let mut text = Vec::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/secrets/corpus/app");
        for entry in std::fs::read_dir(dir).expect("corpus") {
            text.extend(std::fs::read(entry.expect("entry").path()).expect("file"));
        }
        for round in 0..5 {
            for p in &patterns {
                text.extend_from_slice(p.as_bytes());
                text.extend_from_slice(&b" =\n_"[..round % 4]);
                text.extend_from_slice(&p.as_bytes()[..p.len() / 2]);
            }
        }
        let mut hits = Vec::new();
        for (start, len) in (0..40).map(|i| (i * 7 % 23, 4090 + i * 997)) {
            let hay = &text[start.min(text.len())..(start + len).min(text.len())];
            ENGINE.anchors.find_all(hay, &mut hits);
            let want: Vec<(u32, usize, usize)> = reference
                .find_overlapping_iter(hay)
                .map(|m| (m.pattern().as_u32(), m.start(), m.end()))
                .collect();
            let got: Vec<(u32, usize, usize)> =
                hits.iter().map(|h| (h.pattern, h.start, h.end)).collect();
            assert_eq!(got, want, "slice {start}+{len}");
        }
    }

    /// `proven explain` looks rules up by id in both catalogues.
    #[test]
    fn rule_ids_differ_from_configuration_rule_ids() {
        for r in RULES {
            assert!(crate::config::rule(r.id).is_none(), "{} is in both", r.id);
            let docs = r.docs();
            for heading in [
                "## What it does",
                "## Why is this bad",
                "## Fix",
                "## References",
            ] {
                assert!(docs.contains(heading), "{}: no {heading}", r.id);
            }
            assert!(docs.contains(r.reference), "{}", r.id);
        }
    }

    #[test]
    fn secrets_mask_themselves() {
        let raw = "ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1xyz123";
        let s = Secret::new(raw);
        assert!(!format!("{s:?}").contains(raw));
        assert!(!format!("{s}").contains(raw));
        let c = Candidate {
            rule: 0,
            start: 0,
            end: 1,
            secret: s,
            tier: Tier::A,
            evidence: BTreeMap::new(),
        };
        assert!(!format!("{c:?}").contains(&raw[4..]));
    }
}
