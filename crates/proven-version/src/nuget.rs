//! NuGet's `NuGetVersion` (NuGet.Versioning): SemVer 2.0.0 with one to four numbers
//! (missing ones are 0) that may have leading zeros and fit a 32-bit signed integer,
//! pre-release labels compared case-insensitively, and metadata ignored.

use std::cmp::Ordering;

use crate::semver::cmp_prerelease;

#[derive(Clone, Debug)]
pub(crate) struct NuGet {
    numbers: [u32; 4],
    pre: Option<Box<str>>,
}

const EXPECTED: &str =
    "N[.N[.N[.N]]][-LABEL(.LABEL)*][+METADATA] with N at most 2147483647 and no leading zeros in numeric labels";

impl NuGet {
    pub(crate) fn parse(s: &str) -> Result<NuGet, &'static str> {
        parse(s).ok_or(EXPECTED)
    }

    pub(crate) fn is_prerelease(&self) -> bool {
        self.pre.is_some()
    }
}

fn label(s: &str, leading_zeros: bool) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && (leading_zeros
            || !(s.len() > 1 && s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit())))
}

fn parse(s: &str) -> Option<NuGet> {
    let (rest, metadata) = match s.split_once('+') {
        Some((rest, metadata)) => (rest, Some(metadata)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let mut numbers = [0; 4];
    for (i, part) in core.split('.').enumerate() {
        if i == 4 || part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        numbers[i] = part.parse::<i32>().ok()? as u32;
    }
    if let Some(pre) = pre {
        if !pre.split('.').all(|l| label(l, false)) {
            return None;
        }
    }
    if let Some(metadata) = metadata {
        if !metadata.split('.').all(|l| label(l, true)) {
            return None;
        }
    }
    Some(NuGet {
        numbers,
        pre: pre.map(Into::into),
    })
}

impl Ord for NuGet {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers
            .cmp(&other.numbers)
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => cmp_prerelease(a, b, true),
            })
    }
}

impl PartialOrd for NuGet {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for NuGet {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for NuGet {}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use crate::Scheme;

    #[test]
    fn four_parts_case_and_metadata() {
        let same = [
            ("1", "1.0.0.0"),
            ("01.002.0003", "1.2.3"),
            ("1.0.0-ALPHA", "1.0.0-alpha"),
            ("1.0.0+a", "1.0.0+b"),
        ];
        for (a, b) in same {
            assert_eq!(Scheme::NuGet.compare(a, b), Ok(Ordering::Equal), "{a} {b}");
        }
        let less = [
            ("1.0.0", "1.0.0.1"),
            ("1.0.0-alpha.2", "1.0.0-Alpha.10"),
            ("1.0.0-rc.1", "1.0.0"),
            ("1.0.0-9", "1.0.0-a"),
        ];
        for (a, b) in less {
            assert_eq!(Scheme::NuGet.compare(a, b), Ok(Ordering::Less), "{a} {b}");
        }
        for bad in [
            "",
            "1.2.3.4.5",
            "v1.0",
            "1.0.0-01",
            "2147483648.0",
            "1..0",
            "[1.0]",
        ] {
            assert!(Scheme::NuGet.parse(bad).is_err(), "{bad:?}");
        }
    }
}
