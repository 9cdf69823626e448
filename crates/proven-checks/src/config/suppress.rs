//! Suppression comments: our own `proven:ignore[rule] reason`, and those of checkov, trivy,
//! hadolint and KICS, so a project moving to Proven keeps its reviewed exceptions.

use super::rules::Rule;

/// Whose syntax a suppression comment uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Proven,
    Checkov,
    Trivy,
    Hadolint,
    Kics,
}

/// One suppression comment.
#[derive(Clone, Debug)]
pub struct Directive {
    line: u32,
    tool: Tool,
    /// Rule ids in the tool's own naming; empty means every rule.
    ids: Vec<String>,
    /// Applies to the whole file (`hadolint global ignore=`, a KICS `ignore` at the top).
    global: bool,
    /// Applies to the line after it only (`kics-scan ignore-line`).
    next_line: bool,
    reason: String,
    text: String,
}

/// Every suppression comment of a file (`#` or `//` comments).
pub fn parse(text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let Some(pos) = raw.find('#').or_else(|| raw.find("//")) else {
            continue;
        };
        let comment = raw[pos..].trim_start_matches(['#', '/']).trim().to_string();
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if let Some(d) = directive(&comment, line) {
            out.push(d);
        }
    }
    out
}

fn directive(comment: &str, line: u32) -> Option<Directive> {
    let mk = |tool, ids: Vec<String>, reason: &str| Directive {
        line,
        tool,
        ids,
        global: false,
        next_line: false,
        reason: reason
            .trim()
            .trim_start_matches([':', '-'])
            .trim()
            .to_string(),
        text: comment.to_string(),
    };
    if let Some(rest) = comment.strip_prefix("proven:ignore") {
        let (ids, reason) = match rest.strip_prefix('[') {
            Some(r) => {
                let (ids, reason) = r.split_once(']').unwrap_or((r, ""));
                (list(ids), reason)
            }
            None => (Vec::new(), rest),
        };
        return Some(mk(Tool::Proven, ids, reason));
    }
    if let Some(rest) = comment.strip_prefix("checkov:skip=") {
        let (id, reason) = rest.split_once(':').unwrap_or((rest, ""));
        return Some(mk(Tool::Checkov, list(id), reason));
    }
    if let Some(rest) = comment.strip_prefix("trivy:ignore:") {
        let (id, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        return Some(mk(Tool::Trivy, list(id), reason));
    }
    if let Some(rest) = comment.strip_prefix("hadolint") {
        let rest = rest.trim_start();
        let (global, rest) = match rest.strip_prefix("global") {
            Some(r) => (true, r.trim_start()),
            None => (false, rest),
        };
        let rest = rest.strip_prefix("ignore=")?;
        let (ids, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let mut d = mk(Tool::Hadolint, list(ids), reason);
        d.global = global;
        return Some(d);
    }
    if let Some(rest) = comment.strip_prefix("kics-scan") {
        let rest = rest.trim();
        let mut d = mk(Tool::Kics, Vec::new(), "");
        if rest.starts_with("ignore-line") {
            d.next_line = true;
        } else if rest.starts_with("ignore-block") {
        } else if rest == "ignore" {
            d.global = true;
        } else {
            return None;
        }
        return Some(d);
    }
    None
}

fn list(ids: &str) -> Vec<String> {
    ids.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn names_rule(d: &Directive, rule: &Rule) -> bool {
    if d.ids.is_empty() || d.ids.iter().any(|i| i == "*" || i == "all") {
        return matches!(d.tool, Tool::Proven | Tool::Kics);
    }
    let has = |ids: &mut dyn Iterator<Item = &'static str>| {
        let ids: Vec<&str> = ids.collect();
        d.ids
            .iter()
            .any(|i| ids.iter().any(|x| x.eq_ignore_ascii_case(i)))
    };
    match d.tool {
        Tool::Proven => d.ids.iter().any(|i| i == rule.id),
        Tool::Checkov => has(&mut rule.checkov()),
        Tool::Trivy => has(&mut rule.trivy()),
        Tool::Hadolint => has(&mut rule.hadolint()),
        Tool::Kics => false,
    }
}

/// The reason a hit of `rule` at `line` (in the object starting at `anchor`) is suppressed, if a
/// directive covers it: on the same line, in the comment lines just above the object, or inside
/// the object up to its last line (`upper`).
pub fn find(
    directives: &[Directive],
    rule: &Rule,
    line: u32,
    anchor: u32,
    upper: u32,
) -> Option<String> {
    directives
        .iter()
        .find(|d| {
            let placed = if d.global {
                true
            } else if d.next_line {
                d.line + 1 == line || d.line + 1 == anchor || d.line == line
            } else {
                d.line <= upper.max(line) && d.line + 3 >= anchor
            };
            placed && names_rule(d, rule)
        })
        .map(|d| {
            if d.reason.is_empty() {
                format!("`{}` (no reason given)", d.text)
            } else {
                format!("`{}`: {}", d.text, d.reason)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::rules::rule;

    #[test]
    fn each_syntax() {
        let text = "# proven:ignore[docker-sudo] build needs it\n\
                    # checkov:skip=CKV_DOCKER_3:runs as root on purpose\n\
                    # trivy:ignore:AVD-DS-0002 legacy image\n\
                    # hadolint ignore=DL3008,DL3015\n\
                    # kics-scan ignore-line\n";
        let d = parse(text);
        assert_eq!(d.len(), 5);
        let sudo = rule("docker-sudo").expect("rule");
        let root = rule("docker-runs-as-root").expect("rule");
        let pins = rule("docker-unpinned-packages").expect("rule");
        let reason = find(&d[..1], sudo, 2, 2, 2).expect("suppressed");
        assert!(reason.contains("build needs it"), "{reason}");
        assert!(find(&d[1..2], root, 3, 3, 3).is_some());
        assert!(find(&d[2..3], root, 4, 4, 4).is_some());
        assert!(find(&d[3..4], pins, 5, 5, 5).is_some());
        assert!(find(&d[3..4], root, 5, 5, 5).is_none());
        assert!(find(&d[4..5], root, 6, 6, 6).is_some());
        assert!(find(&d[4..5], root, 9, 9, 9).is_none());
    }
}
