//! Alpine package versions (apk-tools; format in the APKBUILD reference,
//! <https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver>):
//! `N(.N)*[letter](_suffix[N])*[-rN]`.
//!
//! Comparison follows the Gentoo-derived rules apk-tools implements: the first number
//! compares numerically; a later number that starts with `0` compares as a string
//! (after dropping trailing zeros), others numerically; more numbers win. Then the
//! letter (none first), then suffixes in order, `_alpha` < `_beta` < `_pre` < `_rc` <
//! none < `_cvs` < `_svn` < `_git` < `_hg` < `_p`, each with its number; an extra suffix
//! makes a version older if it is a pre-release one and newer otherwise. The `-rN`
//! revision compares last (none = `-r0`). Versions outside this grammar (which
//! apk-tools sorts by a fallback string order) and `~hash` suffixes are errors.

use std::cmp::Ordering;

use crate::num::{cmp_digits, Num};

#[derive(Clone, Debug)]
pub(crate) struct Apk {
    /// The text the number spans below point into.
    text: Box<str>,
    numbers: Box<[(u32, u32)]>,
    letter: Option<u8>,
    suffixes: Box<[(i8, Num)]>,
    revision: Num,
}

const PRE: [&str; 4] = ["alpha", "beta", "pre", "rc"];
const POST: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

const EXPECTED: &str = "N(.N)*[a-z](_{alpha|beta|pre|rc|cvs|svn|git|hg|p}[N])*[-rN]";

impl Apk {
    pub(crate) fn parse(s: &str) -> Result<Apk, &'static str> {
        parse(s).ok_or(EXPECTED)
    }

    fn number(&self, i: usize) -> &[u8] {
        let (start, end) = self.numbers[i];
        &self.text.as_bytes()[start as usize..end as usize]
    }
}

fn parse(s: &str) -> Option<Apk> {
    if s.len() > u32::MAX as usize {
        return None;
    }
    let b = s.as_bytes();
    let run = |at: usize| crate::num::digit_run(&b[at..]);
    let mut numbers = Vec::new();
    let mut pos = 0;
    loop {
        let n = run(pos);
        if n == 0 {
            return None;
        }
        numbers.push((pos as u32, (pos + n) as u32));
        pos += n;
        if b.get(pos) == Some(&b'.') {
            pos += 1;
        } else {
            break;
        }
    }
    let letter = match b.get(pos) {
        Some(&c) if c.is_ascii_lowercase() => {
            pos += 1;
            Some(c)
        }
        _ => None,
    };
    let mut suffixes = Vec::new();
    while b.get(pos) == Some(&b'_') {
        pos += 1;
        let rest = &s[pos..];
        // `pre` before `p`: the longer name wins.
        let rank = PRE
            .iter()
            .enumerate()
            .map(|(i, name)| (i as i8 - PRE.len() as i8, name))
            .chain(POST.iter().enumerate().map(|(i, name)| (i as i8 + 1, name)))
            .filter(|(_, name)| rest.starts_with(**name))
            .max_by_key(|(_, name)| name.len())?;
        pos += rank.1.len();
        let n = run(pos);
        let number = if n == 0 {
            Num::ZERO
        } else {
            Num::from_digits(&s[pos..pos + n])
        };
        pos += n;
        suffixes.push((rank.0, number));
    }
    let revision = if b[pos..].starts_with(b"-r") {
        pos += 2;
        let n = run(pos);
        if n == 0 {
            return None;
        }
        pos += n;
        Num::from_digits(&s[pos - n..pos])
    } else {
        Num::ZERO
    };
    if pos != b.len() {
        return None;
    }
    Some(Apk {
        text: s.into(),
        numbers: numbers.into_boxed_slice(),
        letter,
        suffixes: suffixes.into_boxed_slice(),
        revision,
    })
}

fn strip_trailing_zeros(s: &[u8]) -> &[u8] {
    let end = s.iter().rposition(|&c| c != b'0').map_or(0, |i| i + 1);
    &s[..end]
}

fn cmp_number(a: &[u8], b: &[u8], first: bool) -> Ordering {
    if !first && (a.starts_with(b"0") || b.starts_with(b"0")) {
        strip_trailing_zeros(a).cmp(strip_trailing_zeros(b))
    } else {
        cmp_digits(a, b)
    }
}

impl Ord for Apk {
    fn cmp(&self, other: &Self) -> Ordering {
        let common = self.numbers.len().min(other.numbers.len());
        for i in 0..common {
            let ord = cmp_number(self.number(i), other.number(i), i == 0);
            if ord != Ordering::Equal {
                return ord;
            }
        }
        self.numbers
            .len()
            .cmp(&other.numbers.len())
            .then_with(|| self.letter.cmp(&other.letter))
            .then_with(|| {
                for i in 0..self.suffixes.len().max(other.suffixes.len()) {
                    let ord = match (self.suffixes.get(i), other.suffixes.get(i)) {
                        (Some(a), Some(b)) => a.cmp(b),
                        (Some((rank, _)), None) => rank.cmp(&0),
                        (None, Some((rank, _))) => 0.cmp(rank),
                        (None, None) => Ordering::Equal,
                    };
                    if ord != Ordering::Equal {
                        return ord;
                    }
                }
                Ordering::Equal
            })
            .then_with(|| self.revision.cmp(&other.revision))
    }
}

impl PartialOrd for Apk {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Apk {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Apk {}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use crate::Scheme;

    #[test]
    fn suffixes_letters_and_revisions() {
        let ordered = [
            "1.0_alpha",
            "1.0_alpha1",
            "1.0_beta",
            "1.0_pre1",
            "1.0_rc1",
            "1.0",
            "1.0-r1",
            "1.0_cvs",
            "1.0_git20240101",
            "1.0_p1",
            "1.0a",
            "1.0.1",
        ];
        for w in ordered.windows(2) {
            assert_eq!(Scheme::Apk.compare(w[0], w[1]), Ok(Ordering::Less), "{w:?}");
        }
        assert_eq!(Scheme::Apk.compare("1.0-r0", "1.0"), Ok(Ordering::Equal));
        for bad in [
            "", "a", "1.0bc", "1.0_foo", "1.0-r", "1.0-1", "1..0", "1.0~abc", "1.0A",
        ] {
            assert!(Scheme::Apk.parse(bad).is_err(), "{bad:?}");
        }
    }
}
