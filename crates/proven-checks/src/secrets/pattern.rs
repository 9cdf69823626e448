//! A rule's pattern, compiled for the two questions the scanner asks of a window around an anchor:
//! does anything match (a lazy DFA, and before it a check for bytes that every match holds), and
//! where is the secret in each match (capture groups).
//!
//! Capture groups need an NFA engine, whose cost grows with the automaton: the bounded backtracker
//! clears one bit per NFA state and haystack byte before each search, and a repetition such as
//! `[^\s"']{12,512}` compiles to about a thousand states. So the groups of a match are resolved by
//! a second regex in which long bounded repetitions are unbounded (`{12,}`). On a match no longer
//! than the smallest bound removed, no path of either regex repeats more often than that bound
//! (each repetition consumes a byte), so both have the same paths in the same order of preference
//! and give the same groups; a longer match is resolved by the original regex.

use std::ops::Range;

use regex_automata::meta::{self, Regex};
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input};
use regex_syntax::hir::{Class, Hir, HirKind, Repetition};

/// A bounded repetition allowing more than this many extra iterations is unbounded in the regex
/// that resolves capture groups.
const RELAX_OVER: u32 = 32;

/// One compiled rule pattern.
pub(crate) struct Pattern {
    search: Regex,
    /// The pattern with long bounded repetitions unbounded, when it has any.
    captures: Option<Regex>,
    /// Matches up to this long have the same groups under `captures` as under `search`.
    relaxed_up_to: usize,
    /// Bytes of which every match holds at least one; a window without any is not searched.
    required: Vec<u8>,
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pattern")
            .field("relaxed_up_to", &self.relaxed_up_to)
            .field("required", &self.required)
            .finish()
    }
}

/// A match: the whole of it, and the secret (the first group that took part, else the whole).
pub(crate) type Found = (Range<usize>, Range<usize>);

impl Pattern {
    /// Compiles `pattern` as the `regex` crate compiles a bytes regex without Unicode; `anchors`
    /// are the literals that trigger it (their bytes are never chosen as required bytes, since
    /// every window holds one of them).
    pub(crate) fn new(pattern: &str, anchors: &[&str]) -> Result<Pattern, String> {
        let hir = syntax::parse_with(pattern, &syntax::Config::new().unicode(false).utf8(false))
            .map_err(|e| e.to_string())?;
        let build = |hir: &Hir| {
            meta::Builder::new()
                .configure(
                    meta::Config::new()
                        .match_kind(regex_automata::MatchKind::LeftmostFirst)
                        .utf8_empty(false)
                        .nfa_size_limit(Some(1 << 22))
                        .hybrid_cache_capacity(2 << 20),
                )
                .build_from_hir(hir)
                .map_err(|e| e.to_string())
        };
        let mut relaxed_up_to = usize::MAX;
        let relaxed = relax(&hir, &mut relaxed_up_to);
        let captures = if relaxed_up_to == usize::MAX {
            None
        } else {
            Some(build(&relaxed)?)
        };
        let mut seen = [false; 256];
        for a in anchors {
            for b in a.bytes() {
                seen[usize::from(b.to_ascii_lowercase())] = true;
                seen[usize::from(b.to_ascii_uppercase())] = true;
            }
        }
        let required = required_bytes(&hir, &seen)
            .filter(|set| set.len() <= 3)
            .unwrap_or_default();
        Ok(Pattern {
            search: build(&hir)?,
            captures,
            relaxed_up_to,
            required,
        })
    }

    /// Every match in `hay`, as `regex::bytes::Regex::captures_iter` finds them (leftmost-first,
    /// not overlapping), into `out`.
    pub(crate) fn find_all(&self, hay: &[u8], out: &mut Vec<Found>) {
        out.clear();
        let present = match self.required[..] {
            [] => true,
            [a] => memchr::memchr(a, hay).is_some(),
            [a, b] => memchr::memchr2(a, b, hay).is_some(),
            [a, b, c, ..] => memchr::memchr3(a, b, c, hay).is_some(),
        };
        if !present {
            return;
        }
        for m in self.search.find_iter(hay) {
            let span = Input::new(hay).span(m.range()).anchored(Anchored::Yes);
            let groups = |re: &Regex| {
                let mut caps = re.create_captures();
                re.search_captures(&span, &mut caps);
                let whole = caps.get_match()?;
                let secret = (1..caps.group_len())
                    .find_map(|i| caps.get_group(i))
                    .unwrap_or(whole.span());
                Some((whole, secret.range()))
            };
            let found = match &self.captures {
                // The relaxed regex finds this very match (see the module's comment); the check
                // keeps the original regex the reference should that ever not hold.
                Some(relaxed) if m.len() <= self.relaxed_up_to => {
                    groups(relaxed).filter(|(whole, _)| *whole == m)
                }
                _ => None,
            }
            .or_else(|| groups(&self.search));
            out.extend(found.map(|(whole, secret)| (whole.range(), secret)));
        }
    }
}

/// `hir` with every bounded repetition of more than [`RELAX_OVER`] optional iterations made
/// unbounded; `limit` becomes the smallest bound removed. Repetitions of what can match the empty
/// string are kept: the argument that bounds their iterations by the match length fails for them.
fn relax(hir: &Hir, limit: &mut usize) -> Hir {
    match hir.kind() {
        HirKind::Repetition(r) => {
            let sub = relax(&r.sub, limit);
            let max = match r.max {
                Some(max)
                    if max - r.min > RELAX_OVER
                        && r.sub.properties().minimum_len().is_some_and(|n| n > 0) =>
                {
                    *limit = (*limit).min(max as usize);
                    None
                }
                other => other,
            };
            Hir::repetition(Repetition {
                min: r.min,
                max,
                greedy: r.greedy,
                sub: Box::new(sub),
            })
        }
        HirKind::Capture(c) => {
            let mut c = c.clone();
            c.sub = Box::new(relax(&c.sub, limit));
            Hir::capture(c)
        }
        HirKind::Concat(v) => Hir::concat(v.iter().map(|h| relax(h, limit)).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.iter().map(|h| relax(h, limit)).collect()),
        _ => hir.clone(),
    }
}

/// A set of bytes of which every match of `hir` holds at least one, chosen to be rare in source
/// text and to hold none of the `excluded` bytes; `None` when there is no such set.
fn required_bytes(hir: &Hir, excluded: &[bool; 256]) -> Option<Vec<u8>> {
    let usable = |set: Vec<u8>| (!set.iter().any(|&b| excluded[usize::from(b)])).then_some(set);
    match hir.kind() {
        HirKind::Literal(lit) => lit
            .0
            .iter()
            .filter_map(|&b| usable(vec![b]))
            .min_by_key(|s| cost(s)),
        HirKind::Class(Class::Bytes(c)) => small_set(
            c.iter()
                .map(|r| (u32::from(r.start()), u32::from(r.end())))
                .collect(),
        )
        .and_then(usable),
        HirKind::Class(Class::Unicode(c)) => small_set(
            c.iter()
                .map(|r| (u32::from(r.start()), u32::from(r.end())))
                .collect(),
        )
        .and_then(usable),
        HirKind::Repetition(r) if r.min > 0 => required_bytes(&r.sub, excluded),
        HirKind::Capture(c) => required_bytes(&c.sub, excluded),
        HirKind::Concat(v) => v
            .iter()
            .filter_map(|h| required_bytes(h, excluded))
            .min_by_key(|s| cost(s)),
        HirKind::Alternation(v) => {
            let mut set = Vec::new();
            for h in v {
                set.extend(required_bytes(h, excluded)?);
            }
            set.sort_unstable();
            set.dedup();
            Some(set)
        }
        _ => None,
    }
}

/// The bytes of a class of at most three ASCII characters.
fn small_set(ranges: Vec<(u32, u32)>) -> Option<Vec<u8>> {
    let size: u32 = ranges.iter().map(|(a, b)| b - a + 1).sum();
    if size > 3 {
        return None;
    }
    ranges
        .into_iter()
        .flat_map(|(a, b)| a..=b)
        .map(|c| u8::try_from(c).ok().filter(u8::is_ascii))
        .collect()
}

/// Letters, digits and spaces are everywhere in source text; punctuation is rarer.
fn cost(set: &[u8]) -> usize {
    set.iter()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b.is_ascii_whitespace() {
                8
            } else {
                1
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::rules::{find, RULES};

    /// Every match and its secret, by the original pattern alone and without the byte gate.
    fn reference(re: &Regex, hay: &[u8]) -> Vec<Found> {
        re.captures_iter(hay)
            .filter_map(|caps| {
                let whole = caps.get_match()?;
                let secret = (1..caps.group_len())
                    .find_map(|i| caps.get_group(i))
                    .unwrap_or(whole.span());
                Some((whole.range(), secret.range()))
            })
            .collect()
    }

    /// Haystacks around every bound: the labelled corpus, whole and line by line, and assignments
    /// to generic keywords of values of lengths on both sides of every bound, quoted, unquoted and
    /// with code after them.
    fn haystacks() -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets/corpus");
        let mut dirs = vec![dir];
        while let Some(d) = dirs.pop() {
            for entry in std::fs::read_dir(d).expect("corpus folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let bytes = std::fs::read(&path).expect("corpus file");
                    out.extend(bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec));
                    out.push(bytes);
                }
            }
        }
        let value = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1x".repeat(45);
        for key in [
            "password",
            "secret",
            "token",
            "api_key",
            "aws_secret_access_key",
        ] {
            let lengths = (1..=40).chain(
                [64, 100, 128, 200, 256, 300, 400, 512, 1000, 1200]
                    .into_iter()
                    .flat_map(|b| b - 2..=b + 2),
            );
            for n in lengths {
                let v = &value[..n];
                for line in [
                    format!("{key} = \"{v}\""),
                    format!("{key}: {v}"),
                    format!("  {key}={v}  # set by ops"),
                    format!("x.{key}_value = {v}; {key} = '{v}'"),
                    format!("url = \"https://user:{v}@host.example.net/\""),
                ] {
                    out.push(line.into_bytes());
                }
            }
        }
        out
    }

    #[test]
    fn matches_and_secrets_are_those_of_the_original_pattern() {
        let hays = haystacks();
        let mut found = Vec::new();
        let mut relaxed = 0;
        for rule in RULES.iter().filter(|r| !r.pattern.is_empty()) {
            let pattern = Pattern::new(rule.pattern, rule.anchors).expect("compiles");
            relaxed += usize::from(pattern.captures.is_some());
            let original = meta::Builder::new()
                .configure(meta::Config::new().utf8_empty(false))
                .syntax(syntax::Config::new().unicode(false).utf8(false))
                .build(rule.pattern)
                .expect("rule patterns compile");
            for hay in &hays {
                pattern.find_all(hay, &mut found);
                assert_eq!(
                    found,
                    reference(&original, hay),
                    "{} on {:?}",
                    rule.id,
                    String::from_utf8_lossy(hay)
                );
            }
        }
        assert!(relaxed >= 10, "{relaxed} patterns relaxed");
    }

    #[test]
    fn required_bytes_are_rare_and_outside_the_anchors() {
        let required = |id: &str| {
            let rule = find(id).expect("rule");
            Pattern::new(rule.pattern, rule.anchors)
                .expect("compiles")
                .required
        };
        assert_eq!(required("generic-token"), b":=");
        assert_eq!(required("http-basic-auth-url"), b"@");
        assert_eq!(required("generic-password"), b":=");
    }
}
