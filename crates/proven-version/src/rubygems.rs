//! RubyGems' `Gem::Version` (<https://guides.rubygems.org/patterns/#semantic-versioning>).
//!
//! A version is numbers and letter runs separated by dots or digit/letter transitions;
//! `-` reads as `.pre.`. Any letter makes a pre-release, and letter segments sort below
//! numbers. Trailing zeros are dropped from the numeric part and from the part that
//! starts at the first letter segment (`1.0.a.0` = `1.a`).

use std::cmp::Ordering;

use crate::num::Num;

#[derive(Clone, Debug)]
pub(crate) struct Gem {
    /// The canonical segments.
    segments: Box<[Segment]>,
    prerelease: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Num(Num),
    Str(Box<str>),
}

const EXPECTED: &str = "N(.X)*[-X(.X)*] with N digits and X letters or digits (Gem::Version)";

impl Gem {
    pub(crate) fn parse(s: &str) -> Result<Gem, &'static str> {
        if !valid(s.as_bytes()) {
            return Err(EXPECTED);
        }
        let mut segments = Vec::new();
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            let run = |pred: fn(&u8) -> bool| {
                bytes[i..]
                    .iter()
                    .position(|b| !pred(b))
                    .unwrap_or(bytes.len() - i)
            };
            if c.is_ascii_digit() {
                let n = run(u8::is_ascii_digit);
                segments.push(Segment::Num(Num::from_digits(&s[i..i + n])));
                i += n;
            } else if c.is_ascii_alphabetic() {
                let n = run(u8::is_ascii_alphabetic);
                segments.push(Segment::Str(s[i..i + n].into()));
                i += n;
            } else {
                // `-` reads as `.pre.`: insert the "pre" segment it stands for.
                if c == b'-' {
                    segments.push(Segment::Str("pre".into()));
                }
                i += 1;
            }
        }
        let prerelease = segments.iter().any(|s| matches!(s, Segment::Str(_)));
        let first_str = segments
            .iter()
            .position(|s| matches!(s, Segment::Str(_)))
            .unwrap_or(segments.len());
        let mut string_part = segments.split_off(first_str);
        strip_trailing_zeros(&mut segments);
        strip_trailing_zeros(&mut string_part);
        segments.append(&mut string_part);
        Ok(Gem {
            segments: segments.into_boxed_slice(),
            prerelease,
        })
    }

    pub(crate) fn is_prerelease(&self) -> bool {
        self.prerelease
    }
}

fn strip_trailing_zeros(segments: &mut Vec<Segment>) {
    while matches!(segments.last(), Some(Segment::Num(n)) if n.is_zero()) {
        segments.pop();
    }
}

/// `Gem::Version::ANCHORED_VERSION_PATTERN`, without the surrounding whitespace and the
/// empty string that it tolerates.
fn valid(s: &[u8]) -> bool {
    let (main, pre) = match s.iter().position(|&b| b == b'-') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut parts = main.split(|&b| b == b'.');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit));
    if !first_ok || !parts.all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_alphanumeric)) {
        return false;
    }
    match pre {
        None => true,
        Some(pre) => pre
            .split(|&b| b == b'.')
            .all(|p| !p.is_empty() && p.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')),
    }
}

impl Ord for Gem {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Num(Num::ZERO);
        for i in 0..self.segments.len().max(other.segments.len()) {
            let a = self.segments.get(i).unwrap_or(&zero);
            let b = other.segments.get(i).unwrap_or(&zero);
            let ord = match (a, b) {
                (Segment::Num(x), Segment::Num(y)) => x.cmp(y),
                (Segment::Str(x), Segment::Str(y)) => x.cmp(y),
                (Segment::Str(_), Segment::Num(_)) => Ordering::Less,
                (Segment::Num(_), Segment::Str(_)) => Ordering::Greater,
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Gem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Gem {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Gem {}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use crate::Scheme;

    #[test]
    fn gem_version_ordering() {
        let ordered = [
            "1.0.a", "1.0.a1", "1.0.b1", "1.0.rc1", "1.0", "1.0.1", "1.9", "1.10", "2.0.0.b1",
            "2.0.0", "2.0.0.1",
        ];
        for w in ordered.windows(2) {
            assert_eq!(
                Scheme::RubyGems.compare(w[0], w[1]),
                Ok(Ordering::Less),
                "{w:?}"
            );
        }
        assert_eq!(Scheme::RubyGems.compare("1.0.0", "1"), Ok(Ordering::Equal));
        assert_eq!(
            Scheme::RubyGems.compare("1.0-1", "1.0.pre.1"),
            Ok(Ordering::Equal)
        );
        assert_eq!(
            Scheme::RubyGems.compare("1.0.a.0", "1.a"),
            Ok(Ordering::Equal)
        );
        for bad in ["", " 1.0", "1..2", "1.2.", ".1", "1.0-", "a", "1.2 3", "-1"] {
            assert!(Scheme::RubyGems.parse(bad).is_err(), "{bad:?}");
        }
    }
}
