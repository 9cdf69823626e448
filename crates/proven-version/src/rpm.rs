//! RPM versions, as librpm orders them (`rpmvercmp`): `[epoch:]version[-release]`.
//!
//! Version and release compare in alternating runs of ASCII letters and digits; any
//! other characters only separate runs. Digits compare numerically and beat letters,
//! letters compare as strings; `~` sorts before everything, even the end (pre-releases)
//! and `^` after the end but before anything else (post-release snapshots). The epoch
//! is the run of digits before a first `:` (0 when missing or empty) and the release is
//! what follows the last `-`; a version without a release sorts before any with one,
//! as `rpm.ver` of python3-rpm does. librpm accepts every non-empty string, and so do we.

use std::cmp::Ordering;

use crate::num::{cmp_digits, Num};

#[derive(Clone, Debug)]
pub(crate) struct Rpm {
    epoch: Num,
    version: Box<str>,
    release: Option<Box<str>>,
}

impl Rpm {
    pub(crate) fn parse(s: &str) -> Result<Rpm, &'static str> {
        if s.is_empty() {
            return Err("a non-empty version");
        }
        let digits = crate::num::digit_run(s.as_bytes());
        let (epoch, rest) = match s[digits..].strip_prefix(':') {
            Some(rest) if digits == 0 => (Num::ZERO, rest),
            Some(rest) => (Num::from_digits(&s[..digits]), rest),
            None => (Num::ZERO, s),
        };
        let (version, release) = match rest.rsplit_once('-') {
            Some((version, release)) => (version, Some(release.into())),
            None => (rest, None),
        };
        Ok(Rpm {
            epoch,
            version: version.into(),
            release,
        })
    }
}

/// librpm's `rpmvercmp`.
pub(crate) fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let separator = |c: &u8| !c.is_ascii_alphanumeric() && *c != b'~' && *c != b'^';
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while a.get(i).is_some_and(separator) {
            i += 1;
        }
        while b.get(j).is_some_and(separator) {
            j += 1;
        }
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        if x == Some(b'~') || y == Some(b'~') {
            if x != Some(b'~') {
                return Ordering::Greater;
            }
            if y != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if x == Some(b'^') || y == Some(b'^') {
            if x.is_none() {
                return Ordering::Less;
            }
            if y.is_none() {
                return Ordering::Greater;
            }
            if x != Some(b'^') {
                return Ordering::Greater;
            }
            if y != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(x), Some(_)) = (x, y) else { break };
        let numeric = x.is_ascii_digit();
        let class = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let run_a = a[i..].iter().position(|c| !class(c)).unwrap_or(a.len() - i);
        let run_b = b[j..].iter().position(|c| !class(c)).unwrap_or(b.len() - j);
        if run_b == 0 {
            // Runs of different kinds: digits are newer.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (sa, sb) = (&a[i..i + run_a], &b[j..j + run_b]);
        let ord = if numeric {
            cmp_digits(sa, sb)
        } else {
            sa.cmp(sb)
        };
        if ord != Ordering::Equal {
            return ord;
        }
        i += run_a;
        j += run_b;
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, _) => Ordering::Greater,
    }
}

impl Ord for Rpm {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| rpmvercmp(self.version.as_bytes(), other.version.as_bytes()))
            .then_with(|| match (&self.release, &other.release) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => rpmvercmp(a.as_bytes(), b.as_bytes()),
            })
    }
}

impl PartialOrd for Rpm {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Rpm {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Rpm {}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use crate::Scheme;

    #[test]
    fn tilde_caret_and_separators() {
        let ordered = [
            "1.0~rc1",
            "1.0",
            "1.0^git1",
            "1.0a",
            "1.0.1",
            "1.0.1-1",
            "1.0.1-1.el8",
            "1:0.1",
        ];
        for w in ordered.windows(2) {
            assert_eq!(Scheme::Rpm.compare(w[0], w[1]), Ok(Ordering::Less), "{w:?}");
        }
        for (a, b) in [
            ("1.0", "1_0"),
            ("0:1.0", "1.0"),
            ("1.0", "1.0."),
            ("00001", "1"),
        ] {
            assert_eq!(Scheme::Rpm.compare(a, b), Ok(Ordering::Equal), "{a} {b}");
        }
        assert!(Scheme::Rpm.parse("").is_err());
    }
}
