//! JUnit XML for CI dashboards: one test case per open finding (failed when it fails the gate),
//! plus one per expired waiver and one for the completeness of the inputs.

use std::fmt::Write;

use proven_model::{Finding, Status};

use crate::policy::{Decision, WaiverState};
use crate::report::esc;

/// Renders the gate as a JUnit test suite.
pub fn render(findings: &[Finding], decision: &Decision, complete: bool) -> String {
    let mut cases = String::new();
    let mut tests = 0;
    let mut failures = 0;
    let mut case = |class: &str, name: &str, failure: Option<&str>| {
        tests += 1;
        let _ = write!(
            cases,
            "    <testcase classname=\"{}\" name=\"{}\"",
            esc(class),
            esc(name)
        );
        match failure {
            Some(msg) => {
                failures += 1;
                let _ = writeln!(
                    cases,
                    "><failure message=\"{m}\">{m}</failure></testcase>",
                    m = esc(msg)
                );
            }
            None => cases.push_str("/>\n"),
        }
    };
    case(
        "proven.inputs",
        "every manifest was read completely",
        (!complete).then_some("some inputs could not be read; see the SBOM compositions"),
    );
    for f in findings.iter().filter(|f| f.status == Status::Open) {
        let place = f
            .component
            .clone()
            .unwrap_or_else(|| f.location.to_string());
        let name = format!("{} in {place}", f.code);
        let failed = decision.failing.contains(&f.fingerprint);
        let msg = format!("{} ({}): {}", f.code, f.severity.level, f.title);
        case(
            &format!("proven.{}", f.kind_name().replace(' ', "-")),
            &name,
            failed.then_some(msg.as_str()),
        );
    }
    for w in decision
        .waivers
        .iter()
        .filter(|w| w.state == WaiverState::Expired)
    {
        let name = format!("waiver #{} is current", w.index + 1);
        case(
            "proven.waivers",
            &name,
            Some(&format!("expired on {}", w.expires)),
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"proven\" tests=\"{tests}\" failures=\"{failures}\">\n  <testsuite name=\"proven ci\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::policy::decide;
    use proven_model::{FindingKind, Location, Severity, SeverityLevel};

    #[test]
    fn failing_findings_are_failures() {
        let mut findings = vec![Finding {
            kind: FindingKind::Vulnerability,
            code: "CVE-2024-1".into(),
            aliases: vec![],
            severity: Severity {
                level: SeverityLevel::Critical,
                ..Severity::default()
            },
            title: "RCE <via> \"x\"".into(),
            location: Location::file("Cargo.lock"),
            component: Some("pkg:cargo/a@1.0.0".into()),
            fingerprint: "fp".into(),
            fix: None,
            evidence: Default::default(),
            status: Status::Open,
            references: vec![],
            cwe: vec![],
            cra_clause: None,
        }];
        let d = decide(&mut findings, &Config::default(), &Default::default(), 0);
        let xml = render(&findings, &d, true);
        assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
        assert!(xml.contains("RCE &lt;via&gt; &quot;x&quot;"), "{xml}");
        let xml = render(&[], &d, false);
        assert!(xml.contains("failures=\"1\""), "{xml}");
    }
}
