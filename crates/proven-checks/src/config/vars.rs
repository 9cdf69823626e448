//! Variable expansion as Dockerfiles and compose files do it: `$VAR`, `${VAR}`, `${VAR:-default}`,
//! `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?error}` and `${VAR?error}`, nested
//! defaults too. A variable that is not known and has no default stays as written, so a rule can
//! tell a value from a reference; a default is what the file gives when nobody sets the variable,
//! which is what a secure-by-default check must judge.

use std::collections::HashMap;

/// How deep `${A:-${B:-...}}` may nest before the rest is kept as written.
const MAX_DEPTH: usize = 16;

/// Expands the variables of `s`. With `dollar_escape` (compose), `$$` is a literal `$`.
pub fn expand(s: &str, vars: &HashMap<String, String>, dollar_escape: bool) -> String {
    expand_at(s, vars, dollar_escape, 0)
}

fn expand_at(s: &str, vars: &HashMap<String, String>, dollar_escape: bool, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if dollar_escape && after.starts_with('$') {
            out.push('$');
            rest = &after[1..];
        } else if let Some(inner) = after.strip_prefix('{') {
            let Some(end) = closing_brace(inner) else {
                out.push_str(&rest[pos..]);
                return out;
            };
            out.push_str(&braced(&inner[..end], vars, dollar_escape, depth));
            rest = &inner[end + 1..];
        } else {
            let len = after
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                .count();
            match vars.get(&after[..len]) {
                Some(v) if len > 0 => out.push_str(v),
                _ => out.push_str(&rest[pos..pos + 1 + len]),
            }
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    out
}

/// The index of the `}` closing a `${`, counting nested braces.
fn closing_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.bytes().enumerate() {
        match c {
            b'{' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The value of the text between `${` and `}`.
fn braced(expr: &str, vars: &HashMap<String, String>, dollar_escape: bool, depth: usize) -> String {
    let name_len = expr
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
        .count();
    let (name, tail) = expr.split_at(name_len);
    let (colon, op_tail) = match tail.strip_prefix(':') {
        Some(t) => (true, t),
        None => (false, tail),
    };
    let value = vars
        .get(name)
        .filter(|v| !(colon && v.is_empty()))
        .map(String::as_str);
    let word = || {
        expand_at(
            op_tail.get(1..).unwrap_or(""),
            vars,
            dollar_escape,
            depth + 1,
        )
    };
    let as_written = || format!("${{{expr}}}");
    match (op_tail.chars().next(), value) {
        (None, Some(v)) if !colon => v.to_string(),
        (Some('-'), Some(v)) | (Some('?'), Some(v)) => v.to_string(),
        (Some('-'), None) => word(),
        (Some('+'), Some(_)) => word(),
        (Some('+'), None) => String::new(),
        _ => as_written(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let vars: HashMap<String, String> = [
            ("V".to_string(), "3.20".to_string()),
            ("EMPTY".to_string(), String::new()),
        ]
        .into();
        let e = |s: &str| expand(s, &vars, false);
        assert_eq!(e("alpine:${V}"), "alpine:3.20");
        assert_eq!(e("a:$V-x"), "a:3.20-x");
        assert_eq!(e("a:${W:-1}"), "a:1");
        assert_eq!(e("a:${W-1}"), "a:1");
        assert_eq!(e("a:${EMPTY:-1}"), "a:1");
        assert_eq!(e("a:${EMPTY-1}"), "a:");
        assert_eq!(e("a:${V:+set}"), "a:set");
        assert_eq!(e("a:${W:+set}"), "a:");
        assert_eq!(e("a:${W}"), "a:${W}");
        assert_eq!(e("a:$W"), "a:$W");
        assert_eq!(e("a:${W:?required}"), "a:${W:?required}");
        assert_eq!(e("a:${V:?required}"), "a:3.20");
        assert_eq!(e("${W:-${X:-deep}}"), "deep");
        assert_eq!(e("a${"), "a${");
        assert_eq!(e("é$"), "é$");
        assert_eq!(expand("pa$$word", &vars, true), "pa$word");
        assert_eq!(expand("pa$$word", &vars, false), "pa$$word");
    }
}
