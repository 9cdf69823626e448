//! PEP 440 (<https://peps.python.org/pep-0440/>), with its normalisations: case,
//! `alpha`/`beta`/`c`/`pre`/`preview` spellings, `-`/`_`/`.` separators, implicit
//! numbers, implicit post-releases (`1.0-1`), a leading `v` and surrounding whitespace.
//! Versions outside the grammar (the old "legacy" versions) are errors.

use std::cmp::Ordering;

use crate::num::{digit_run, Num};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pep440 {
    epoch: Num,
    /// Release numbers with trailing zeros removed: they are insignificant.
    release: Box<[Num]>,
    pre: Option<(PreKind, Num)>,
    post: Option<Num>,
    dev: Option<Num>,
    local: Option<Box<[Local]>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PreKind {
    Alpha,
    Beta,
    Rc,
}

/// A local version segment: any number sorts above any string.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Local {
    Str(Box<str>),
    Num(Num),
}

const EXPECTED: &str =
    "[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local] (PEP 440; legacy versions are not supported)";

impl Pep440 {
    pub(crate) fn parse(s: &str) -> Result<Pep440, &'static str> {
        Parser::new(s).version().ok_or(EXPECTED)
    }

    pub(crate) fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }
}

struct Parser {
    s: Vec<u8>,
    pos: usize,
}

impl Parser {
    fn new(s: &str) -> Parser {
        // Python's str.strip() whitespace, restricted to what a version string can hold.
        let trimmed = s.trim_matches(|c: char| c.is_whitespace());
        Parser {
            s: trimmed.bytes().map(|b| b.to_ascii_lowercase()).collect(),
            pos: 0,
        }
    }

    fn rest(&self) -> &[u8] {
        &self.s[self.pos..]
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.rest().starts_with(word.as_bytes()) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn number(&mut self) -> Option<Num> {
        let n = digit_run(self.rest());
        if n == 0 {
            return None;
        }
        let digits = std::str::from_utf8(&self.rest()[..n]).ok()?;
        let num = Num::from_digits(digits);
        self.pos += n;
        Some(num)
    }

    /// An optional `-`, `_` or `.` separator followed by `what`: consumes both or neither.
    fn separated<T>(&mut self, what: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.pos;
        if matches!(self.rest().first(), Some(b'-' | b'_' | b'.')) {
            self.pos += 1;
        }
        let found = what(self);
        if found.is_none() {
            self.pos = start;
        }
        found
    }

    fn version(mut self) -> Option<Pep440> {
        self.eat("v");
        let first = self.number()?;
        let (epoch, first) = if self.eat("!") {
            (first, self.number()?)
        } else {
            (Num::ZERO, first)
        };
        let mut release = vec![first];
        while self.rest().first() == Some(&b'.')
            && self.rest().get(1).is_some_and(u8::is_ascii_digit)
        {
            self.pos += 1;
            release.push(self.number()?);
        }
        while release.last().is_some_and(Num::is_zero) {
            release.pop();
        }

        let pre = self.separated(|p| {
            // Longest spellings first, so that `alpha` is not read as `a` + garbage.
            let kind = [
                ("alpha", PreKind::Alpha),
                ("a", PreKind::Alpha),
                ("beta", PreKind::Beta),
                ("b", PreKind::Beta),
                ("preview", PreKind::Rc),
                ("pre", PreKind::Rc),
                ("rc", PreKind::Rc),
                ("c", PreKind::Rc),
            ]
            .into_iter()
            .find_map(|(word, kind)| p.eat(word).then_some(kind))?;
            Some((kind, p.optional_number()))
        });

        let post = if self.rest().first() == Some(&b'-')
            && self.rest().get(1).is_some_and(u8::is_ascii_digit)
        {
            self.pos += 1;
            self.number()
        } else {
            self.separated(|p| {
                if !(p.eat("post") || p.eat("rev") || p.eat("r")) {
                    return None;
                }
                Some(p.optional_number())
            })
        };

        let dev = self.separated(|p| p.eat("dev").then(|| p.optional_number()));

        let local = if self.eat("+") {
            let text = std::str::from_utf8(self.rest()).ok()?;
            let mut segments = Vec::new();
            for seg in text.split(['-', '_', '.']) {
                if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return None;
                }
                segments.push(if seg.bytes().all(|b| b.is_ascii_digit()) {
                    Local::Num(Num::from_digits(seg))
                } else {
                    Local::Str(seg.into())
                });
            }
            self.pos = self.s.len();
            Some(segments.into_boxed_slice())
        } else {
            None
        };

        if self.pos != self.s.len() {
            return None;
        }
        Some(Pep440 {
            epoch,
            release: release.into_boxed_slice(),
            pre,
            post,
            dev,
            local,
        })
    }

    /// The number after a pre/post/dev label: optional, after an optional separator, 0 if absent.
    fn optional_number(&mut self) -> Num {
        self.separated(Parser::number).unwrap_or(Num::ZERO)
    }
}

/// Where a version's pre-release part puts it among the releases of the same numbers.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum PreKey<'a> {
    /// A dev release of the final version (`1.0.dev1`) sorts before its pre-releases.
    DevOnly,
    Pre(PreKind, &'a Num),
    Final,
}

impl Pep440 {
    fn pre_key(&self) -> PreKey<'_> {
        match &self.pre {
            Some((kind, n)) => PreKey::Pre(*kind, n),
            None if self.post.is_none() && self.dev.is_some() => PreKey::DevOnly,
            None => PreKey::Final,
        }
    }
}

impl Ord for Pep440 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            // Without trailing zeros, a plain lexicographic order is the zero-padded one.
            .then_with(|| self.release.cmp(&other.release))
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            // No post-release sorts first; no dev release sorts last.
            .then_with(|| self.post.cmp(&other.post))
            .then_with(|| match (&self.dev, &other.dev) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
            // No local version sorts first; segments compare left to right, shorter first.
            .then_with(|| self.local.cmp(&other.local))
    }
}

impl PartialOrd for Pep440 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use crate::Scheme;

    #[test]
    fn pep_440_summary_of_permitted_suffixes_and_relative_ordering() {
        let ordered = [
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
        ];
        for w in ordered.windows(2) {
            assert_eq!(
                Scheme::Pep440.compare(w[0], w[1]),
                Ok(Ordering::Less),
                "{w:?}"
            );
        }
    }

    #[test]
    fn normalisation() {
        let same = [
            ("1.0", "1.0.0.0"),
            ("v1.0", "1.0"),
            (" 1.0\n", "1.0"),
            ("1.0ALPHA1", "1.0a1"),
            ("1.0-beta.1", "1.0b1"),
            ("1.0c1", "1.0rc1"),
            ("1.0pre1", "1.0rc1"),
            ("1.0preview1", "1.0rc1"),
            ("1.0a", "1.0a0"),
            ("1.0-1", "1.0.post1"),
            ("1.0-r1", "1.0.post1"),
            ("1.0rev", "1.0.post0"),
            ("1.0-dev", "1.0.dev0"),
            ("1.0+ubuntu-1", "1.0+ubuntu.1"),
            ("1.0+01", "1.0+1"),
            ("0!1.0", "1.0"),
            ("0", "0.0.0"),
        ];
        for (a, b) in same {
            assert_eq!(Scheme::Pep440.compare(a, b), Ok(Ordering::Equal), "{a} {b}");
        }
        assert_eq!(
            Scheme::Pep440.compare("1!0.1", "2.0"),
            Ok(Ordering::Greater)
        );
        assert_eq!(Scheme::Pep440.compare("1.0+a", "1.0+0"), Ok(Ordering::Less));
    }

    #[test]
    fn rejects_legacy_versions() {
        for bad in [
            "",
            "latest",
            "1.0.x",
            "1.0-SNAPSHOT",
            "1.0+",
            "1.0+a..b",
            "1..0",
            "1.0.",
            "a1.0",
            "1.0-",
            "1.0+loc@l",
        ] {
            assert!(Scheme::Pep440.parse(bad).is_err(), "{bad:?}");
        }
    }
}
