//! Semantic Versioning 2.0.0 (<https://semver.org>), and Go module versions, which are
//! SemVer behind a `v` with `golang.org/x/mod/semver`'s shorthands `vX` and `vX.Y`.
//!
//! Build metadata (Go's `+incompatible` included) takes no part in ordering. Go
//! pseudo-versions need no rule of their own: they are pre-releases built so that
//! SemVer precedence puts them where Go wants them.

use std::cmp::Ordering;

use crate::num::{cmp_digits, Num};

#[derive(Clone, Debug)]
pub(crate) struct SemVer {
    major: Num,
    minor: Num,
    patch: Num,
    /// The pre-release identifiers, dot-separated and already validated.
    pre: Option<Box<str>>,
}

const EXPECTED: &str = "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] with numbers without leading zeros";
const EXPECTED_GO: &str =
    "vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]] with numbers without leading zeros";

impl SemVer {
    pub(crate) fn parse(s: &str) -> Result<SemVer, &'static str> {
        parse(s, false).ok_or(EXPECTED)
    }

    pub(crate) fn parse_go(s: &str) -> Result<SemVer, &'static str> {
        s.strip_prefix('v')
            .and_then(|rest| parse(rest, true))
            .ok_or(EXPECTED_GO)
    }

    pub(crate) fn is_prerelease(&self) -> bool {
        self.pre.is_some()
    }
}

fn parse(s: &str, go_shorthand: bool) -> Option<SemVer> {
    let (rest, build) = match s.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let mut parts = core.split('.');
    let major = number(parts.next()?)?;
    let minor = parts.next().map(number);
    let patch = parts.next().map(number);
    if parts.next().is_some() {
        return None;
    }
    let (minor, patch) = match (minor, patch) {
        (Some(minor), Some(patch)) => (minor?, patch?),
        // `v1` and `v1.2` are Go shorthands for v1.0.0 and v1.2.0, never with a suffix.
        (minor, None) if go_shorthand && pre.is_none() && build.is_none() => {
            (minor.unwrap_or(Some(Num::ZERO))?, Num::ZERO)
        }
        _ => return None,
    };
    if let Some(pre) = pre {
        if !pre.split('.').all(pre_identifier) {
            return None;
        }
    }
    if let Some(build) = build {
        if !build
            .split('.')
            .all(|id| !id.is_empty() && id.bytes().all(ident_byte))
        {
            return None;
        }
    }
    Some(SemVer {
        major,
        minor,
        patch,
        pre: pre.map(Into::into),
    })
}

fn number(s: &str) -> Option<Num> {
    let ok =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    ok.then(|| Num::from_digits(s))
}

fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn pre_identifier(id: &str) -> bool {
    if id.is_empty() || !id.bytes().all(ident_byte) {
        return false;
    }
    let numeric = id.bytes().all(|b| b.is_ascii_digit());
    !numeric || id == "0" || !id.starts_with('0')
}

/// SemVer 2.0.0 §11: identifiers left to right, numeric ones numerically and below
/// alphanumeric ones, which compare in ASCII order; a longer list wins a tie.
pub(crate) fn cmp_prerelease(a: &str, b: &str, fold_case: bool) -> Ordering {
    let mut a = a.split('.');
    let mut b = b.split('.');
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = cmp_identifier(x, y, fold_case);
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

fn cmp_identifier(x: &str, y: &str, fold_case: bool) -> Ordering {
    let x_num = x.bytes().all(|b| b.is_ascii_digit());
    let y_num = y.bytes().all(|b| b.is_ascii_digit());
    match (x_num, y_num) {
        (true, true) => cmp_digits(x.as_bytes(), y.as_bytes()),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) if fold_case => x
            .bytes()
            .map(|b| b.to_ascii_uppercase())
            .cmp(y.bytes().map(|b| b.to_ascii_uppercase())),
        (false, false) => x.cmp(y),
    }
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        self.major
            .cmp(&other.major)
            .then_with(|| self.minor.cmp(&other.minor))
            .then_with(|| self.patch.cmp(&other.patch))
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => cmp_prerelease(a, b, false),
            })
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SemVer {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SemVer {}

#[cfg(test)]
mod tests {
    use crate::Scheme;

    #[test]
    fn spec_precedence_example() {
        // SemVer 2.0.0 §11.
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for w in ordered.windows(2) {
            assert_eq!(
                Scheme::SemVer.compare(w[0], w[1]),
                Ok(std::cmp::Ordering::Less),
                "{w:?}"
            );
        }
        assert_eq!(
            Scheme::SemVer.compare("1.0.0+a", "1.0.0+b"),
            Ok(std::cmp::Ordering::Equal)
        );
    }

    #[test]
    fn rejects_what_the_spec_rejects() {
        for bad in [
            "",
            "1",
            "1.2",
            "v1.2.3",
            "01.2.3",
            "1.2.3-01",
            "1.2.3-",
            "1.2.3+",
            "1.2.3-a..b",
            " 1.2.3",
        ] {
            assert!(Scheme::SemVer.parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn go_pseudo_versions_sort_between_their_neighbours() {
        let ordered = [
            "v0.0.0-20191109021931-daa7c04131f5",
            "v1.2.3",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v1.2.4-pre",
            "v1.2.4-pre.0.20191109021931-daa7c04131f5",
            "v1.2.4",
            "v2.0.0+incompatible",
        ];
        for w in ordered.windows(2) {
            assert_eq!(
                Scheme::Go.compare(w[0], w[1]),
                Ok(std::cmp::Ordering::Less),
                "{w:?}"
            );
        }
        assert_eq!(
            Scheme::Go.compare("v1.2", "v1.2.0"),
            Ok(std::cmp::Ordering::Equal)
        );
        for bad in ["1.2.3", "v1.2-pre", "v1.2.3.4", "V1.2.3", "v"] {
            assert!(Scheme::Go.parse(bad).is_err(), "{bad:?}");
        }
    }
}
