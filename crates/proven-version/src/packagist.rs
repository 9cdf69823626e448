//! Composer (Packagist) versions: Composer's `VersionParser::normalize`, then PHP's
//! `version_compare` on the normalised strings, which is how Composer's `Comparator`
//! orders them.
//!
//! Normalisation (composer/semver): surrounding whitespace, an ` as ALIAS` suffix, an
//! `@stability` flag and `+build` metadata are dropped; a leading `v` is dropped;
//! `1.2` becomes `1.2.0.0`; date versions (`20230101`, `2023-01-01`) keep their numbers;
//! stability suffixes are spelled `alpha` (`a`), `beta` (`b`), `RC` (`rc`) and `patch`
//! (`p`, `pl`), `stable` is dropped, and `-dev` may follow; `1.x-dev` becomes
//! `1.9999999.9999999.9999999-dev`. Branch names (`dev-main`, `master`) have no order
//! and are errors.
//!
//! `version_compare` then splits at `.`, `-`, `_`, `+` and digit/letter transitions and
//! compares numbers numerically (saturating at `i64::MAX`, as PHP's `strtol` does) and
//! words by their rank: unknown words (`stable`) < `dev` < `alpha` = `a` < `beta` = `b` < `RC` = `rc` < a number
//! < `pl` = `p` (and `patch`, as PHP matches the rank by prefix). When one version runs
//! out, a number left on the other side makes it newer and a word compares as if
//! against a number: `1.0.0.0-dev` < `1.0.0.0` < `1.0.0.0-patch1`.

use std::cmp::Ordering;

#[derive(Clone, Debug)]
pub(crate) struct Composer {
    tokens: Box<[Token]>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Num(i64),
    /// A word's rank in `version_compare`.
    Word(u8),
}

/// A word `version_compare` does not know, such as `stable`: below all others.
const OTHER: u8 = 0;
const DEV: u8 = 1;
const ALPHA: u8 = 2;
const BETA: u8 = 3;
const RC: u8 = 4;
/// The rank `version_compare` gives a number when it meets a word.
const NUMBER: u8 = 5;
const PATCH: u8 = 6;

const EXPECTED: &str = "a Composer version such as 1.2.3, v1.2.3-beta2, 2023-01-01 or 1.x-dev (branches such as dev-main have no order)";

impl Composer {
    pub(crate) fn parse(s: &str) -> Result<Composer, &'static str> {
        normalize(s)
            .map(|tokens| Composer {
                tokens: tokens.into_boxed_slice(),
            })
            .ok_or(EXPECTED)
    }

    pub(crate) fn is_prerelease(&self) -> bool {
        self.tokens
            .iter()
            .any(|t| matches!(t, Token::Word(rank) if *rank < NUMBER))
    }
}

fn is_php_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B')
}

fn is_pcre_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r')
}

fn strip_suffix_ignore_case<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

fn starts_with_ignore_case(s: &[u8], prefix: &str) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn normalize(s: &str) -> Option<Vec<Token>> {
    let mut v = s.trim_matches(is_php_space);
    if let Some((version, _alias)) = split_alias(v) {
        v = version;
    }
    for flag in ["@stable", "@rc", "@beta", "@alpha", "@dev"] {
        if let Some(rest) = strip_suffix_ignore_case(v, flag) {
            v = rest;
            break;
        }
    }
    if starts_with_ignore_case(v.as_bytes(), "dev-") || matches!(v, "master" | "trunk" | "default")
    {
        return None;
    }
    if let Some((version, build)) = v.split_once('+') {
        let plain = !version.is_empty() && !version.bytes().any(|b| b == b',' || is_pcre_space(b));
        if plain && !build.is_empty() && !build.bytes().any(is_pcre_space) {
            v = version;
        }
    }
    let b = v.as_bytes();
    let b = match b.first() {
        Some(b'v' | b'V') => &b[1..],
        _ => b,
    };
    classic(b)
        .or_else(|| date(b))
        .or_else(|| branch(v.as_bytes()))
}

/// `^([^,\s]++) ++as ++([^,\s]++)$`
fn split_alias(v: &str) -> Option<(&str, &str)> {
    let word = |s: &str| !s.is_empty() && !s.bytes().any(|b| b == b',' || is_pcre_space(b));
    let (version, rest) = v.split_once(' ')?;
    let rest = rest.trim_start_matches(' ');
    let alias = rest.strip_prefix("as ")?.trim_start_matches(' ');
    (word(version) && word(alias)).then_some((version, alias))
}

fn digits(b: &[u8], at: usize) -> usize {
    b.get(at..).map_or(0, crate::num::digit_run)
}

/// PHP's `strtol` on a run of digits: saturates instead of overflowing.
fn php_number(digits: &[u8]) -> i64 {
    digits
        .iter()
        .try_fold(0i64, |n, d| {
            n.checked_mul(10)?.checked_add(i64::from(d - b'0'))
        })
        .unwrap_or(i64::MAX)
}

/// `v?(\d{1,5})(\.\d++)?(\.\d++)?(\.\d++)?` then the modifier, padded to four numbers.
fn classic(b: &[u8]) -> Option<Vec<Token>> {
    let n = digits(b, 0);
    if n == 0 || n > 5 {
        return None;
    }
    let mut tokens = vec![Token::Num(php_number(&b[..n]))];
    let mut pos = n;
    while tokens.len() < 4 && b.get(pos) == Some(&b'.') && digits(b, pos + 1) > 0 {
        let n = digits(b, pos + 1);
        tokens.push(Token::Num(php_number(&b[pos + 1..pos + 1 + n])));
        pos += 1 + n;
    }
    tokens.resize(4, Token::Num(0));
    modifier(&b[pos..], tokens)
}

/// `v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?)` then the modifier; the numbers are
/// the runs of digits (Composer turns the separators into dots).
fn date(b: &[u8]) -> Option<Vec<Token>> {
    if digits(b, 0) < 4 {
        return None;
    }
    let sep = |p: usize| matches!(b.get(p), Some(b'.' | b':' | b'-'));
    let fixed = |p: usize, n: usize| {
        (b.len() >= p + n && b[p..p + n].iter().all(u8::is_ascii_digit)).then_some(p + n)
    };
    // Every end position the pattern can reach, so that the modifier can take the rest.
    let mut ends = Vec::new();
    let mut current = vec![4];
    for _ in 0..6 {
        let mut next = Vec::new();
        for &p in &current {
            for q in [Some(p), sep(p).then_some(p + 1)].into_iter().flatten() {
                if let Some(end) = fixed(q, 2) {
                    if !next.contains(&end) {
                        next.push(end);
                    }
                }
            }
        }
        ends.extend_from_slice(&next);
        current = next;
    }
    let groups_end = ends.clone();
    for p in groups_end {
        for q in [Some(p), sep(p).then_some(p + 1)].into_iter().flatten() {
            for k in 1..=3 {
                if let Some(end) = fixed(q, k) {
                    ends.push(end);
                }
            }
        }
    }
    ends.sort_unstable();
    ends.dedup();
    ends.into_iter().rev().find_map(|end| {
        let tokens = b[..end]
            .split(|c| !c.is_ascii_digit())
            .filter(|run| !run.is_empty())
            .map(|run| Token::Num(php_number(run)))
            .collect();
        modifier(&b[end..], tokens)
    })
}

/// `[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?$`,
/// case-insensitive, tried in the order a regex engine would.
fn modifier(rest: &[u8], mut tokens: Vec<Token>) -> Option<Vec<Token>> {
    const STABILITIES: [(&str, u8); 9] = [
        ("stable", OTHER),
        ("beta", BETA),
        ("b", BETA),
        ("rc", RC),
        ("alpha", ALPHA),
        ("a", ALPHA),
        ("patch", PATCH),
        ("pl", PATCH),
        ("p", PATCH),
    ];
    let seps: &[usize] = if matches!(rest.first(), Some(b'.' | b'_' | b'-')) {
        &[1, 0]
    } else {
        &[0]
    };
    for &skip in seps {
        let r = &rest[skip..];
        let stabilities = STABILITIES
            .iter()
            .filter(|(word, _)| starts_with_ignore_case(r, word))
            .map(|&(word, rank)| Some((word.len(), rank)))
            .chain([None]);
        for stability in stabilities {
            let (mut pos, mut numbers) = (0, Vec::new());
            if let Some((len, _)) = stability {
                pos = len;
                // Possessive: a separator is taken only with the digits after it.
                loop {
                    let s = usize::from(matches!(r.get(pos), Some(b'.' | b'-')));
                    let n = digits(r, pos + s);
                    if n == 0 {
                        break;
                    }
                    numbers.push(Token::Num(php_number(&r[pos + s..pos + s + n])));
                    pos += s + n;
                }
            }
            let after = &r[pos..];
            let dev = if after.is_empty() {
                Some(false)
            } else {
                let d = usize::from(matches!(after.first(), Some(b'.' | b'-')));
                (after.len() == d + 3 && after[d..].eq_ignore_ascii_case(b"dev")).then_some(true)
            };
            let Some(dev) = dev else { continue };
            match stability {
                // `stable` keeps the numbers alone, whatever follows it; Composer tests
                // for it case-sensitively and keeps `STABLE` as a word PHP does not know.
                Some((_, OTHER)) if r.starts_with(b"stable") => {}
                Some((_, rank)) => {
                    tokens.push(Token::Word(rank));
                    tokens.extend(numbers);
                    if dev {
                        tokens.push(Token::Word(DEV));
                    }
                }
                None => {
                    if dev {
                        tokens.push(Token::Word(DEV));
                    }
                }
            }
            return Some(tokens);
        }
    }
    None
}

/// A numeric branch: `1.x-dev`, `2.1.*-dev`, `v1.0.x.dev`.
fn branch(b: &[u8]) -> Option<Vec<Token>> {
    let s = std::str::from_utf8(b).ok()?;
    let name = strip_suffix_ignore_case(s, "dev")?;
    let name = name.strip_suffix(['.', '-']).unwrap_or(name);
    let name = name.trim_matches(is_php_space).as_bytes();
    let name = match name.first() {
        Some(b'v' | b'V') => &name[1..],
        _ => name,
    };
    let mut parts = name.split(|&c| c == b'.');
    let first = parts.next()?;
    if first.is_empty() || !first.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut tokens = vec![Token::Num(php_number(first))];
    for part in parts {
        if tokens.len() == 4 {
            return None;
        }
        tokens.push(match part {
            b"x" | b"X" | b"*" => Token::Num(9_999_999),
            _ if !part.is_empty() && part.iter().all(u8::is_ascii_digit) => {
                Token::Num(php_number(part))
            }
            _ => return None,
        });
    }
    tokens.resize(4, Token::Num(9_999_999));
    tokens.push(Token::Word(DEV));
    Some(tokens)
}

fn rank(t: Token) -> u8 {
    match t {
        Token::Num(_) => NUMBER,
        Token::Word(rank) => rank,
    }
}

impl Ord for Composer {
    fn cmp(&self, other: &Self) -> Ordering {
        for i in 0..self.tokens.len().max(other.tokens.len()) {
            let ord = match (self.tokens.get(i), other.tokens.get(i)) {
                (Some(Token::Num(a)), Some(Token::Num(b))) => a.cmp(b),
                (Some(&a), Some(&b)) => rank(a).cmp(&rank(b)),
                (Some(Token::Num(_)), None) => Ordering::Greater,
                (None, Some(Token::Num(_))) => Ordering::Less,
                (Some(&a), None) => rank(a).cmp(&NUMBER),
                (None, Some(&b)) => NUMBER.cmp(&rank(b)),
                (None, None) => Ordering::Equal,
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Composer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Composer {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Composer {}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use crate::Scheme;

    #[test]
    fn stabilities_and_normalisation() {
        let ordered = [
            "1.0.0-dev",
            "1.0.0-alpha1",
            "1.0.0-beta",
            "1.0.0-b2",
            "1.0.0-RC1",
            "1.0.0",
            "1.0.0-p1",
            "1.0.0.1",
            "1.0.x-dev",
            "1.1",
        ];
        for w in ordered.windows(2) {
            assert_eq!(
                Scheme::Packagist.compare(w[0], w[1]),
                Ok(Ordering::Less),
                "{w:?}"
            );
        }
        let same = [
            ("v1.0", "1.0.0.0"),
            ("1.0.0-stable", "1.0.0"),
            ("1.0.0+build", "1.0.0"),
            ("1.0.0 as 2.0.0", "1.0.0"),
            ("1.0.0@beta", "1.0.0"),
            ("1.0.0-a1", "1.0.0-ALPHA.1"),
            ("1.0.0pl1", "1.0.0-patch1"),
            ("1.99999999999999999999", "1.99999999999999999998"),
        ];
        for (a, b) in same {
            assert_eq!(
                Scheme::Packagist.compare(a, b),
                Ok(Ordering::Equal),
                "{a} {b}"
            );
        }
        // A date version keeps its own number of parts, and PHP counts parts.
        assert_eq!(
            Scheme::Packagist.compare("2023-01-01", "2023.01.01"),
            Ok(Ordering::Less)
        );
        for bad in [
            "",
            "dev-main",
            "master",
            "1.0.0-gold",
            "1.0.0-dev1",
            "1.*",
            "1.0.0.0.0",
            "1.0+",
            "x-dev",
        ] {
            assert!(Scheme::Packagist.parse(bad).is_err(), "{bad:?}");
        }
    }
}
