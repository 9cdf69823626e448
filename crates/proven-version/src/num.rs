//! Non-negative integers of any size, as version schemes spell them.

use std::cmp::Ordering;

/// A non-negative integer: inline when it fits a `u64`, else its digits without leading zeros.
///
/// Every `Big` is larger than every `Small`, so the derived order of the two variants
/// (`Small` first) is the numeric order.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Num {
    Small(u64),
    Big(BigDigits),
}

/// Decimal digits of a number above `u64::MAX`, without leading zeros.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct BigDigits(Box<str>);

impl Ord for BigDigits {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for BigDigits {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Num {
    pub(crate) const ZERO: Num = Num::Small(0);

    /// Parses ASCII digits (the caller has checked there is at least one and nothing else).
    pub(crate) fn from_digits(digits: &str) -> Num {
        debug_assert!(!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
        match digits.parse::<u64>() {
            Ok(n) => Num::Small(n),
            Err(_) => Num::Big(BigDigits(digits.trim_start_matches('0').into())),
        }
    }

    pub(crate) fn is_zero(&self) -> bool {
        *self == Num::ZERO
    }
}

impl std::fmt::Debug for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Num::Small(n) => write!(f, "{n}"),
            Num::Big(d) => f.write_str(&d.0),
        }
    }
}

/// Compares two runs of ASCII digits numerically, ignoring leading zeros, without parsing.
pub(crate) fn cmp_digits(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn strip_zeros(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b'0').unwrap_or(s.len());
    &s[start..]
}

/// The length of the run of ASCII digits at the start of `s`.
pub(crate) fn digit_run(s: &[u8]) -> usize {
    s.iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_numerically_at_any_size() {
        let nums = [
            "0",
            "7",
            "18446744073709551615",
            "18446744073709551616",
            "000099999999999999999999",
            "100000000000000000000",
        ];
        for w in nums.windows(2) {
            assert!(Num::from_digits(w[0]) < Num::from_digits(w[1]), "{w:?}");
            assert_eq!(
                cmp_digits(w[0].as_bytes(), w[1].as_bytes()),
                Ordering::Less,
                "{w:?}"
            );
        }
        assert_eq!(Num::from_digits("000"), Num::ZERO);
        assert_eq!(
            Num::from_digits("0100000000000000000000"),
            Num::from_digits("100000000000000000000")
        );
    }
}
