//! The gate: waivers applied, then every open finding judged against the policy.

use proven_model::date::parse_date;
use proven_model::{Finding, FindingKind, Purl, SeverityLevel, Status};
use serde::Serialize;

use crate::config::{Config, UnknownSeverity, Waiver};
use crate::vex_in::{VexInput, VexUse};

/// Passed or failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Failed,
}

/// Why the gate decided as it did; serialised as `policy.json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decision {
    pub outcome: Outcome,
    /// One line per finding or waiver that fails the gate.
    pub reasons: Vec<String>,
    /// Open findings that are reported but do not fail.
    pub warnings: Vec<String>,
    /// Fingerprints of the findings that fail the gate.
    pub failing: Vec<String>,
    pub waivers: Vec<WaiverUse>,
    /// The VEX statements that decided findings.
    pub vex: Vec<VexUse>,
}

/// What became of one waiver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WaiverUse {
    pub index: usize,
    pub id: Option<String>,
    pub purl: Option<String>,
    pub path: Option<String>,
    pub expires: String,
    pub state: WaiverState,
    /// Fingerprints of the findings it matched.
    pub matched: Vec<String>,
}

/// Whether a waiver applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WaiverState {
    Used,
    Unused,
    Expired,
}

/// Applies the VEX statements, then the waivers, to `findings` (setting their status) and decides.
/// `today` is days since the epoch.
pub fn decide(findings: &mut [Finding], config: &Config, vex: &VexInput, today: i64) -> Decision {
    let vex_uses = crate::vex_in::apply(findings, vex);
    let mut uses: Vec<WaiverUse> = config
        .waivers
        .iter()
        .enumerate()
        .map(|(index, w)| WaiverUse {
            index,
            id: w.id.clone(),
            purl: w.purl.clone(),
            path: w.path.clone(),
            expires: w.expires.clone(),
            state: WaiverState::Unused,
            matched: Vec::new(),
        })
        .collect();
    let mut reasons = Vec::new();
    let mut warnings = vex.warnings.clone();

    for f in findings.iter_mut() {
        if f.status != Status::Open {
            continue;
        }
        for (w, u) in config.waivers.iter().zip(uses.iter_mut()) {
            if !waiver_matches(w, f) {
                continue;
            }
            u.matched.push(f.fingerprint.clone());
            let expired = parse_date(&w.expires).is_none_or(|d| d < today);
            if expired {
                u.state = WaiverState::Expired;
            } else {
                u.state = WaiverState::Used;
                f.status = Status::Waived {
                    reason: w.reason.clone(),
                    expires: w.expires.clone(),
                    owner: w.owner.clone(),
                };
                break;
            }
        }
    }
    for u in &uses {
        match u.state {
            WaiverState::Expired => reasons.push(format!(
                "waiver #{} ({}) expired on {} and still matches {} finding(s)",
                u.index + 1,
                u.id.as_deref()
                    .or(u.purl.as_deref())
                    .or(u.path.as_deref())
                    .unwrap_or("?"),
                u.expires,
                u.matched.len()
            )),
            WaiverState::Unused => warnings.push(format!(
                "waiver #{} ({}) matched no finding; remove it",
                u.index + 1,
                u.id.as_deref()
                    .or(u.purl.as_deref())
                    .or(u.path.as_deref())
                    .unwrap_or("?")
            )),
            WaiverState::Used => {}
        }
    }

    let mut failing = Vec::new();
    for f in findings.iter().filter(|f| f.status == Status::Open) {
        let line = describe(f);
        match fails(f, config) {
            Some(why) => {
                reasons.push(format!("{line}: {why}"));
                failing.push(f.fingerprint.clone());
            }
            None => warnings.push(line),
        }
    }
    let outcome = if reasons.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed
    };
    Decision {
        outcome,
        reasons,
        warnings,
        failing,
        waivers: uses,
        vex: vex_uses,
    }
}

fn describe(f: &Finding) -> String {
    let place = f
        .component
        .clone()
        .unwrap_or_else(|| f.location.to_string());
    format!(
        "{} {} ({}) in {place}",
        f.kind_name(),
        f.code,
        f.severity.level
    )
}

/// Why an open finding fails the gate, or `None` when it is only reported.
fn fails(f: &Finding, config: &Config) -> Option<String> {
    let p = &config.policy;
    let level = f.severity.level;
    match f.kind {
        FindingKind::Vulnerability => {
            if p.fail_on_kev && f.evidence.contains_key("kev") {
                return Some("listed in CISA's Known Exploited Vulnerabilities catalog".into());
            }
            if level == SeverityLevel::Unknown {
                return (p.unknown_severity == UnknownSeverity::Fail)
                    .then(|| "no severity was published (policy: unknown_severity = fail)".into());
            }
            p.vulnerabilities
                .fails(level)
                .then(|| "at or above the vulnerability threshold".into())
        }
        FindingKind::Secret => {
            let tier = f.evidence.get("tier")?;
            p.secret_tiers
                .iter()
                .any(|t| t.eq_ignore_ascii_case(tier))
                .then(|| format!("a tier-{tier} secret"))
        }
        FindingKind::Misconfiguration => p
            .misconfigurations
            .fails(level)
            .then(|| "at or above the misconfiguration threshold".into()),
        FindingKind::Sast | FindingKind::Dast => p
            .sast
            .fails(level)
            .then(|| "at or above the SAST/DAST threshold".into()),
        FindingKind::Advisory | FindingKind::License => None,
    }
}

/// Whether a waiver names this finding: every criterion it gives must hold.
fn waiver_matches(w: &Waiver, f: &Finding) -> bool {
    let id_ok = w.id.as_deref().is_none_or(|id| {
        f.code.eq_ignore_ascii_case(id) || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
    });
    let purl_ok = w.purl.as_deref().is_none_or(|want| {
        f.component
            .as_deref()
            .is_some_and(|have| purl_matches(want, have))
    });
    let path_ok = w
        .path
        .as_deref()
        .is_none_or(|p| path_matches(p, &f.location.path));
    id_ok && purl_ok && path_ok
}

/// Whether the purl a waiver or VEX statement gives (`want`) names the component (`have`), both in
/// canonical form: same type, namespace and name; a version in `want` must be the component's (none
/// covers every version); a qualifier in `want` must equal the component's when the component has
/// it (qualifiers left out, such as `arch` or `repository_url`, are not compared); subpaths are
/// not compared.
pub(crate) fn purl_matches(want: &str, have: &str) -> bool {
    let (Ok(want), Ok(have)) = (want.parse::<Purl>(), have.parse::<Purl>()) else {
        return false;
    };
    want.ty() == have.ty()
        && want.namespace() == have.namespace()
        && want.name() == have.name()
        && want.version().is_none_or(|v| Some(v) == have.version())
        && want
            .qualifiers()
            .iter()
            .all(|(k, v)| have.qualifiers().get(k).is_none_or(|h| h == v))
}

/// `dir/` is a prefix; `*` matches any run of characters; otherwise the exact path.
fn path_matches(pattern: &str, path: &str) -> bool {
    if pattern.ends_with('/') {
        return path.starts_with(pattern);
    }
    if !pattern.contains('*') {
        return pattern == path;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = path;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    rest.is_empty()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proven_model::{Location, Severity};

    pub(crate) fn vuln(code: &str, level: SeverityLevel) -> Finding {
        Finding {
            kind: FindingKind::Vulnerability,
            code: code.into(),
            aliases: vec!["GHSA-aaaa-bbbb-cccc".into()],
            severity: Severity {
                level,
                ..Severity::default()
            },
            title: "t".into(),
            location: Location::line("Cargo.lock", 10),
            component: Some("pkg:cargo/foo@1.0.0".into()),
            fingerprint: format!("fp-{code}"),
            fix: None,
            evidence: Default::default(),
            status: Status::Open,
            references: vec![],
            cwe: vec![],
            cra_clause: None,
        }
    }

    fn config(waivers: &str) -> Config {
        Config::parse(waivers, "proven.toml").expect("valid config")
    }

    const TODAY: &str = "2026-11-28";

    fn today() -> i64 {
        parse_date(TODAY).expect("date")
    }

    #[test]
    fn thresholds() {
        let c = config("");
        let mut f = [vuln("CVE-1", SeverityLevel::High)];
        assert_eq!(
            decide(&mut f, &c, &VexInput::default(), today()).outcome,
            Outcome::Failed
        );
        let mut f = [vuln("CVE-1", SeverityLevel::Medium)];
        let d = decide(&mut f, &c, &VexInput::default(), today());
        assert_eq!(d.outcome, Outcome::Passed);
        assert_eq!(d.warnings.len(), 1);
        let mut f = [vuln("CVE-1", SeverityLevel::Unknown)];
        assert_eq!(
            decide(&mut f, &c, &VexInput::default(), today()).outcome,
            Outcome::Failed,
            "unknown fails by default"
        );
        let mut f = [vuln("CVE-1", SeverityLevel::Low)];
        f[0].evidence.insert("kev".into(), "2024-01-01".into());
        assert_eq!(
            decide(&mut f, &c, &VexInput::default(), today()).outcome,
            Outcome::Failed,
            "KEV fails"
        );
    }

    #[test]
    fn waivers_by_alias_purl_and_expiry() {
        let active = "[[waiver]]\nid = \"GHSA-aaaa-bbbb-cccc\"\npurl = \"pkg:cargo/foo\"\nreason = \"unreachable\"\nexpires = \"2027-01-01\"\n";
        let mut f = [vuln("CVE-1", SeverityLevel::Critical)];
        let d = decide(&mut f, &config(active), &VexInput::default(), today());
        assert_eq!(d.outcome, Outcome::Passed, "{d:?}");
        assert!(matches!(f[0].status, Status::Waived { .. }));
        assert_eq!(d.waivers[0].state, WaiverState::Used);

        let expired = active.replace("2027-01-01", "2026-11-27");
        let mut f = [vuln("CVE-1", SeverityLevel::Critical)];
        let d = decide(&mut f, &config(&expired), &VexInput::default(), today());
        assert_eq!(d.outcome, Outcome::Failed);
        assert_eq!(d.waivers[0].state, WaiverState::Expired);
        assert!(d.reasons.iter().any(|r| r.contains("expired")));

        let other = active.replace("pkg:cargo/foo", "pkg:cargo/bar");
        let mut f = [vuln("CVE-1", SeverityLevel::Critical)];
        let d = decide(&mut f, &config(&other), &VexInput::default(), today());
        assert_eq!(d.outcome, Outcome::Failed);
        assert_eq!(d.waivers[0].state, WaiverState::Unused);
        assert!(d.warnings.iter().any(|w| w.contains("matched no finding")));
    }

    #[test]
    fn purl_and_path_matching() {
        assert!(purl_matches("pkg:cargo/foo", "pkg:cargo/foo@1.0.0"));
        assert!(purl_matches("pkg:cargo/foo@1.0.0", "pkg:cargo/foo@1.0.0"));
        assert!(!purl_matches("pkg:cargo/foo@1.0.1", "pkg:cargo/foo@1.0.0"));
        assert!(!purl_matches("pkg:cargo/fo", "pkg:cargo/foo@1.0.0"));
        assert!(purl_matches(
            "pkg:npm/%40babel/core",
            "pkg:npm/%40babel/core@7.0.0"
        ));
        assert!(purl_matches(
            "pkg:deb/debian/openssl@3.0.11",
            "pkg:deb/debian/openssl@3.0.11?arch=amd64&distro=debian-12"
        ));
        assert!(purl_matches(
            "pkg:deb/debian/openssl?distro=debian-12",
            "pkg:deb/debian/openssl@3.0.11?arch=amd64&distro=debian-12"
        ));
        assert!(!purl_matches(
            "pkg:deb/debian/openssl?distro=debian-11",
            "pkg:deb/debian/openssl@3.0.11?arch=amd64&distro=debian-12"
        ));
        assert!(path_matches("src/", "src/a/b.rs"));
        assert!(path_matches("*.env", "config/prod.env"));
        assert!(path_matches("src/*/x.rs", "src/a/x.rs"));
        assert!(!path_matches("src/*/x.rs", "lib/a/x.rs"));
        assert!(path_matches("a.txt", "a.txt"));
    }
}
