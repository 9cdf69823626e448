//! Debian package versions, as dpkg orders them
//! (<https://www.debian.org/doc/debian-policy/ch-controlfields.html#version>):
//! `[epoch:]upstream_version[-debian_revision]`.
//!
//! Upstream version and revision compare in alternating runs of non-digits and digits.
//! Non-digits compare character by character with `~` before everything (even the end
//! of the run), then the end of the run, then letters, then all other characters;
//! digits compare numerically. Anything dpkg calls bad syntax, even where it only
//! warns (an upstream version not starting with a digit, a stray character), is an error.

use std::cmp::Ordering;

#[derive(Clone, Debug)]
pub(crate) struct Dpkg {
    epoch: u32,
    upstream: Box<str>,
    /// Empty without a revision, which sorts like revision `0`.
    revision: Box<str>,
}

impl Dpkg {
    pub(crate) fn parse(s: &str) -> Result<Dpkg, &'static str> {
        if s.is_empty() {
            return Err("a non-empty version");
        }
        let (epoch, rest) = match s.split_once(':') {
            Some((epoch, rest)) => {
                if epoch.is_empty() || !epoch.bytes().all(|b| b.is_ascii_digit()) {
                    return Err("an epoch of digits before the first ':'");
                }
                let epoch = epoch
                    .parse::<i32>()
                    .map_err(|_| "an epoch of at most 2147483647")?;
                (epoch as u32, rest)
            }
            None => (0, s),
        };
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((upstream, revision)) => {
                if revision.is_empty() {
                    return Err("a revision after the last '-'");
                }
                (upstream, revision)
            }
            None => (rest, ""),
        };
        if !upstream.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            return Err("an upstream version starting with a digit");
        }
        let upstream_ok = |b: u8| b.is_ascii_alphanumeric() || b".+~-:".contains(&b);
        if !upstream.bytes().all(upstream_ok) {
            return Err("an upstream version of letters, digits and . + ~ - :");
        }
        let revision_ok = |b: u8| b.is_ascii_alphanumeric() || b".+~".contains(&b);
        if !revision.bytes().all(revision_ok) {
            return Err("a revision of letters, digits and . + ~");
        }
        Ok(Dpkg {
            epoch,
            upstream: upstream.into(),
            revision: revision.into(),
        })
    }
}

/// The weight of a non-digit character; the end of a run weighs 0.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while a.get(i).is_some_and(|c| !c.is_ascii_digit())
            || b.get(j).is_some_and(|c| !c.is_ascii_digit())
        {
            let (wa, wb) = (weight(a.get(i).copied()), weight(b.get(j).copied()));
            if wa != wb {
                return wa.cmp(&wb);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while a.get(i).is_some_and(u8::is_ascii_digit) && b.get(j).is_some_and(u8::is_ascii_digit) {
            if first_diff == Ordering::Equal {
                first_diff = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if a.get(i).is_some_and(u8::is_ascii_digit) {
            return Ordering::Greater;
        }
        if b.get(j).is_some_and(u8::is_ascii_digit) {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

impl Ord for Dpkg {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| verrevcmp(self.revision.as_bytes(), other.revision.as_bytes()))
    }
}

impl PartialOrd for Dpkg {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Dpkg {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Dpkg {}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use crate::Scheme;

    #[test]
    fn policy_examples() {
        let ordered = [
            "1.0~~", "1.0~~a", "1.0~", "1.0", "1.0-0.1", "1.0a", "1.0+", "1.0.1", "1:0.1",
        ];
        for w in ordered.windows(2) {
            assert_eq!(
                Scheme::Dpkg.compare(w[0], w[1]),
                Ok(Ordering::Less),
                "{w:?}"
            );
        }
        assert_eq!(Scheme::Dpkg.compare("1.0", "0:1.0-0"), Ok(Ordering::Equal));
        assert_eq!(Scheme::Dpkg.compare("2.04", "2.4"), Ok(Ordering::Equal));
        for bad in [
            "",
            "a1.0",
            "1.0-",
            ":1.0",
            "a:1.0",
            "1 0",
            "1.0-1_2",
            "1.0_1",
            "2147483648:1.0",
            "-1",
        ] {
            assert!(Scheme::Dpkg.parse(bad).is_err(), "{bad:?}");
        }
    }
}
