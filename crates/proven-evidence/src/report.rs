//! `report.html`: one self-contained page (no scripts, no network) for the people who read the
//! evidence: the product, the decision and why, findings by severity, the SBOM, the Annex I matrix
//! and where the build ran.

use std::collections::BTreeMap;
use std::fmt::Write;

use proven_model::{Finding, Inventory, SeverityLevel, Status};

use crate::build::BuildInfo;
use crate::compliance::{ReqStatus, Requirement};
use crate::config::Config;
use crate::policy::{Decision, Outcome};

/// Everything the page shows.
#[derive(Debug)]
pub struct ReportInput<'a> {
    pub config: &'a Config,
    pub inventory: &'a Inventory,
    pub findings: &'a [Finding],
    pub decision: &'a Decision,
    pub matrix: &'a [Requirement],
    pub build: &'a BuildInfo,
    /// RFC 3339 time of the run.
    pub generated: &'a str,
    pub tool_version: &'a str,
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#1b1f24;padding:0 1rem}\
h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}table{border-collapse:collapse;width:100%;margin:.5rem 0}\
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}th{background:#f6f8fa}\
.pass{color:#1a7f37}.fail{color:#cf222e}.badge{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-size:.85em;color:#fff}\
.critical{background:#8b0000}.high{background:#cf222e}.medium{background:#bf8700}.low{background:#0969da}.info,.unknown{background:#6e7781}\
.met{background:#1a7f37}.not_met{background:#cf222e}.needs_manual_evidence{background:#bf8700}.not_applicable{background:#6e7781}\
code{font-size:.9em}.muted{color:#57606a}";

/// Renders the page.
pub fn render(r: &ReportInput<'_>) -> String {
    let p = &r.config.product;
    let name = p.name.as_deref().unwrap_or("Unnamed product");
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>CRA evidence: {}</title><style>{STYLE}</style></head><body>",
        esc(name)
    );
    let _ = write!(
        h,
        "<h1>{}{}</h1>",
        esc(name),
        p.version
            .as_deref()
            .map(|v| format!(" {}", esc(v)))
            .unwrap_or_default()
    );
    let _ = write!(
        h,
        "<p class=\"muted\">CRA evidence generated {} by proven {}</p>",
        esc(r.generated),
        esc(r.tool_version)
    );

    h.push_str("<h2>Product</h2><table>");
    let rows = [
        ("Manufacturer", p.manufacturer.name.clone()),
        ("Address", p.manufacturer.address.clone()),
        ("Contact", p.manufacturer.contact.clone()),
        ("CRA class", Some(format!("{:?}", p.cra_class))),
        ("Support period ends", p.support_until.clone()),
        ("Why shorter than five years", p.support_reason.clone()),
        ("Vulnerability reports to", p.security_contact.clone()),
        ("Disclosure policy", p.cvd_policy.clone()),
    ];
    for (k, v) in rows {
        let _ = write!(
            h,
            "<tr><th>{k}</th><td>{}</td></tr>",
            esc(v.as_deref().unwrap_or("not stated"))
        );
    }
    h.push_str("</table>");

    let (class, word) = match r.decision.outcome {
        Outcome::Passed => ("pass", "PASSED"),
        Outcome::Failed => ("fail", "FAILED"),
    };
    let _ = write!(
        h,
        "<h2>Decision: <span class=\"{class}\">{word}</span></h2>"
    );
    if !r.inventory.is_complete() {
        h.push_str("<p class=\"fail\">Incomplete: some inputs could not be read (see the SBOM section).</p>");
    }
    list(&mut h, "Why it fails", &r.decision.reasons);
    list(&mut h, "Reported, not failing", &r.decision.warnings);

    h.push_str("<h2>Findings by severity</h2>");
    let mut counts: BTreeMap<SeverityLevel, (usize, usize)> = BTreeMap::new();
    for f in r.findings {
        let e = counts.entry(f.severity.level).or_default();
        if f.status == Status::Open {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    h.push_str(&bar_chart(&counts));
    if r.findings.is_empty() {
        h.push_str("<p>No findings.</p>");
    } else {
        h.push_str("<table><tr><th>Severity</th><th>Kind</th><th>Id</th><th>Where</th><th>Title</th><th>Status</th></tr>");
        let mut sorted: Vec<&Finding> = r.findings.iter().collect();
        sorted.sort_by(|a, b| (a.severity.level, &a.code).cmp(&(b.severity.level, &b.code)));
        for f in sorted {
            let status = f.status.to_string();
            let place = f
                .component
                .clone()
                .unwrap_or_else(|| f.location.to_string());
            let _ = write!(
                h,
                "<tr><td><span class=\"badge {lvl}\">{lvl}</span></td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(f.kind_name()),
                esc(&f.code),
                esc(&place),
                esc(&f.title),
                esc(&status),
                lvl = f.severity.level
            );
        }
        h.push_str("</table>");
    }

    h.push_str("<h2>Software bill of materials</h2>");
    let mut by_eco: BTreeMap<String, usize> = BTreeMap::new();
    for c in &r.inventory.components {
        *by_eco.entry(c.ecosystem.to_string()).or_default() += 1;
    }
    let _ = write!(h, "<p>{} components from {} manifests.</p><table><tr><th>Ecosystem</th><th>Components</th></tr>", r.inventory.components.len(), r.inventory.manifests.len());
    for (e, n) in &by_eco {
        let _ = write!(h, "<tr><td>{}</td><td>{n}</td></tr>", esc(e));
    }
    h.push_str("</table><table><tr><th>Manifest</th><th>Format</th><th>Components</th><th>Complete</th></tr>");
    for m in &r.inventory.manifests {
        let complete = match &m.completeness {
            proven_model::Completeness::Complete => "yes".to_string(),
            proven_model::Completeness::Incomplete(why) => format!("no: {why}"),
        };
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&m.path),
            esc(&m.format),
            m.components.len(),
            esc(&complete)
        );
    }
    h.push_str("</table>");

    h.push_str("<h2>CRA Annex I</h2><table><tr><th>Requirement</th><th>Status</th><th>Why</th><th>Evidence</th></tr>");
    for q in r.matrix {
        let cls = match q.status {
            ReqStatus::Met => "met",
            ReqStatus::NotMet => "not_met",
            ReqStatus::NeedsManualEvidence => "needs_manual_evidence",
            ReqStatus::NotApplicable => "not_applicable",
        };
        let evidence: Vec<String> = q
            .evidence
            .iter()
            .map(|e| format!("<code>{}</code>", esc(e)))
            .collect();
        let _ = write!(
            h,
            "<tr><td><b>{}</b> {}</td><td><span class=\"badge {cls}\">{}</span></td><td>{}</td><td>{}</td></tr>",
            esc(q.id),
            esc(q.title),
            cls.replace('_', " "),
            esc(&q.rationale),
            evidence.join(", ")
        );
    }
    h.push_str("</table>");

    h.push_str("<h2>Build provenance</h2><table>");
    let b = r.build;
    let ci = b.ci.as_ref();
    let rows = [
        ("Repository", b.repository.clone()),
        ("Commit", b.commit.clone()),
        ("Ref", b.git_ref.clone()),
        ("CI", ci.map(|c| c.provider.clone())),
        (
            "Run",
            ci.and_then(|c| c.run_url.clone().or_else(|| c.run_id.clone())),
        ),
        ("Runner", ci.and_then(|c| c.runner.clone())),
    ];
    for (k, v) in rows {
        let _ = write!(
            h,
            "<tr><th>{k}</th><td>{}</td></tr>",
            esc(v.as_deref().unwrap_or("unknown"))
        );
    }
    h.push_str("</table><p class=\"muted\">Every file of this evidence directory is listed with its SHA-256 and SHA-512 in manifest.json; <code>proven verify DIR</code> re-checks them.</p></body></html>\n");
    h
}

fn list(h: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = write!(h, "<h3>{}</h3><ul>", esc(title));
    for i in items {
        let _ = write!(h, "<li>{}</li>", esc(i));
    }
    h.push_str("</ul>");
}

/// A horizontal bar chart as inline SVG: open findings per severity, settled ones hatched grey.
fn bar_chart(counts: &BTreeMap<SeverityLevel, (usize, usize)>) -> String {
    let max = counts
        .values()
        .map(|(o, s)| o + s)
        .max()
        .unwrap_or(0)
        .max(1);
    let colours = [
        ("critical", "#8b0000"),
        ("high", "#cf222e"),
        ("medium", "#bf8700"),
        ("low", "#0969da"),
        ("info", "#6e7781"),
        ("unknown", "#6e7781"),
    ];
    let mut svg = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"520\" height=\"150\" role=\"img\" aria-label=\"Findings by severity\">");
    for (i, level) in SeverityLevel::ALL.iter().enumerate() {
        let (open, settled) = counts.get(level).copied().unwrap_or_default();
        let y = 4 + i * 24;
        let w_open = open * 360 / max;
        let w_settled = settled * 360 / max;
        let colour = colours[i].1;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{ty}\" font-size=\"13\">{name}</text><rect x=\"80\" y=\"{y}\" width=\"{w_open}\" height=\"18\" fill=\"{colour}\"/><rect x=\"{xs}\" y=\"{y}\" width=\"{w_settled}\" height=\"18\" fill=\"#d0d7de\"/><text x=\"{xt}\" y=\"{ty}\" font-size=\"13\">{open} open{extra}</text>",
            ty = y + 14,
            name = level,
            xs = 80 + w_open,
            xt = 86 + w_open + w_settled,
            extra = if settled > 0 { format!(", {settled} waived/VEX") } else { String::new() }
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::decide;

    #[test]
    fn page_is_self_contained_and_escaped() {
        let config =
            Config::parse("[product]\nname = \"<script>alert(1)</script>\"\n", "p").expect("valid");
        let mut findings = vec![];
        let decision = decide(&mut findings, &config, &Default::default(), 0);
        let inv = Inventory::default();
        let build = BuildInfo::default();
        let html = render(&ReportInput {
            config: &config,
            inventory: &inv,
            findings: &findings,
            decision: &decision,
            matrix: &[],
            build: &build,
            generated: "2026-11-28T00:00:00Z",
            tool_version: "0.1.0",
        });
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(
            !html.contains("<script"),
            "no script, and names are escaped"
        );
        assert!(html.contains("&lt;script&gt;"));
        assert!(
            !html.contains("http://") || html.contains("http://www.w3.org/2000/svg"),
            "no external resources"
        );
        assert!(
            !html.contains("src=") && !html.contains("<link"),
            "nothing loaded from elsewhere"
        );
        assert!(html.contains("PASSED"));
    }
}
