//! Maven's `ComparableVersion` as of Maven 3.8
//! (<https://maven.apache.org/pom.html#version-order-specification>).
//!
//! A version is a list of items: numbers, qualifiers and sub-lists. `.` separates items
//! of one list; `-` and every transition between digits and letters open a sub-list.
//! Trailing "null" items (`0`, `ga`/`final`/`release`/empty, empty lists) are dropped.
//! Qualifiers order `alpha` < `beta` < `milestone` < `rc` = `cr` < `snapshot` < release
//! < `sp` < any other qualifier (those lexically); `a1`, `b1`, `m1` stand for
//! `alpha-1`, `beta-1`, `milestone-1`. Numbers sort above qualifiers and sub-lists,
//! sub-lists above qualifiers.
//!
//! `ComparableVersion` accepts every string; we reject the empty string and non-ASCII
//! input, whose digits and case folding follow Unicode rules we do not reproduce.
//!
//! Maven's order is not transitive for some odd spellings, and neither is ours, since it
//! follows Maven: `1.0-Final` < `1.0-abc` < `1.0.0.rc.1` < `1.0-Final`. It is for a
//! qualifier followed by a dot, a qualifier after a dot that is not the last part, and a
//! version not starting with a number; `tests/properties.rs` checks the rest.

use std::cmp::Ordering;

use crate::num::Num;

#[derive(Clone, Debug)]
pub(crate) struct Maven {
    items: Box<[Item]>,
}

#[derive(Clone, Debug)]
enum Item {
    Int(Num),
    Str(Qualifier),
    List(Box<[Item]>),
}

/// A qualifier's rank among the known ones, or `UNKNOWN` with its text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Qualifier {
    rank: u8,
    /// Empty for the known qualifiers, which compare by rank alone.
    text: Box<str>,
}

const KNOWN: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE: u8 = 5;
const UNKNOWN: u8 = 7;

impl Qualifier {
    fn new(value: &str, followed_by_digit: bool) -> Qualifier {
        let value = match value {
            "a" if followed_by_digit => "alpha",
            "b" if followed_by_digit => "beta",
            "m" if followed_by_digit => "milestone",
            "ga" | "final" | "release" => "",
            "cr" => "rc",
            other => other,
        };
        match KNOWN.iter().position(|&k| k == value) {
            Some(rank) => Qualifier {
                rank: rank as u8,
                text: "".into(),
            },
            None => Qualifier {
                rank: UNKNOWN,
                text: value.into(),
            },
        }
    }
}

impl Item {
    fn parse(digits: bool, text: &str) -> Item {
        if digits {
            Item::Int(Num::from_digits(text))
        } else {
            Item::Str(Qualifier::new(text, false))
        }
    }

    fn is_null(&self) -> bool {
        match self {
            Item::Int(n) => n.is_zero(),
            Item::Str(q) => q.rank == RELEASE,
            Item::List(items) => items.is_empty(),
        }
    }

    /// How this item compares with a missing one, in the other version's place.
    fn cmp_missing(&self) -> Ordering {
        match self {
            Item::Int(n) if n.is_zero() => Ordering::Equal,
            Item::Int(_) => Ordering::Greater,
            Item::Str(q) => q.rank.cmp(&RELEASE),
            // The whole list, not only its first item (MNG-6964, Maven 3.8).
            Item::List(items) => items
                .iter()
                .map(Item::cmp_missing)
                .find(|&o| o != Ordering::Equal)
                .unwrap_or(Ordering::Equal),
        }
    }

    fn cmp(&self, other: &Item) -> Ordering {
        match (self, other) {
            (Item::Int(a), Item::Int(b)) => a.cmp(b),
            (Item::Str(a), Item::Str(b)) => a.cmp(b),
            (Item::List(a), Item::List(b)) => cmp_lists(a, b),
            (Item::Int(_), _) | (Item::List(_), Item::Str(_)) => Ordering::Greater,
            (Item::Str(_), _) | (Item::List(_), Item::Int(_)) => Ordering::Less,
        }
    }

    fn has_prerelease_qualifier(&self) -> bool {
        match self {
            Item::Int(_) => false,
            Item::Str(q) => q.rank < RELEASE,
            Item::List(items) => items.iter().any(Item::has_prerelease_qualifier),
        }
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    for i in 0..a.len().max(b.len()) {
        let ord = match (a.get(i), b.get(i)) {
            (Some(l), Some(r)) => l.cmp(r),
            (Some(l), None) => l.cmp_missing(),
            (None, Some(r)) => r.cmp_missing().reverse(),
            (None, None) => Ordering::Equal,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// Drops trailing null items, looking through (but keeping) non-null sub-lists.
fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

impl Maven {
    pub(crate) fn parse(s: &str) -> Result<Maven, &'static str> {
        if s.is_empty() || !s.is_ascii() {
            return Err("a non-empty ASCII string");
        }
        let v = s.to_ascii_lowercase();
        let bytes = v.as_bytes();
        // The open lists, outermost first: each new list is the last item of its parent.
        let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
        let mut digits = false;
        let mut start = 0;
        for (i, &c) in bytes.iter().enumerate() {
            let list = stack.last_mut().expect("the root list is never popped");
            match c {
                b'.' | b'-' => {
                    if i == start {
                        list.push(Item::Int(Num::ZERO));
                    } else {
                        list.push(Item::parse(digits, &v[start..i]));
                    }
                    start = i + 1;
                    if c == b'-' {
                        stack.push(Vec::new());
                    }
                }
                b'0'..=b'9' => {
                    if !digits && i > start {
                        // "1.0.0.X1" sorts as "1.0.0-X1": a qualifier before a digit opens a list.
                        if !list.is_empty() {
                            stack.push(Vec::new());
                        }
                        let list = stack.last_mut().expect("just checked");
                        list.push(Item::Str(Qualifier::new(&v[start..i], true)));
                        start = i;
                        stack.push(Vec::new());
                    }
                    digits = true;
                }
                _ => {
                    if digits && i > start {
                        list.push(Item::parse(true, &v[start..i]));
                        start = i;
                        stack.push(Vec::new());
                    }
                    digits = false;
                }
            }
        }
        if bytes.len() > start {
            if !digits && !stack.last().is_some_and(Vec::is_empty) {
                stack.push(Vec::new());
            }
            stack
                .last_mut()
                .expect("the root list is never popped")
                .push(Item::parse(digits, &v[start..]));
        }
        let mut inner = stack.pop().expect("the root list is never popped");
        normalize(&mut inner);
        while let Some(mut parent) = stack.pop() {
            parent.push(Item::List(inner.into_boxed_slice()));
            normalize(&mut parent);
            inner = parent;
        }
        Ok(Maven {
            items: inner.into_boxed_slice(),
        })
    }

    pub(crate) fn is_prerelease(&self) -> bool {
        self.items.iter().any(Item::has_prerelease_qualifier)
    }
}

impl Ord for Maven {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.items, &other.items)
    }
}

impl PartialOrd for Maven {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Maven {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Maven {}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use crate::Scheme;

    #[test]
    fn pom_reference_examples() {
        let less = [
            ("1", "1.1"),
            ("1-snapshot", "1"),
            ("1", "1-sp"),
            ("1-foo2", "1-foo10"),
            ("1-foo", "1-1"),
            ("1-1", "1.1"),
            ("1-alpha-1", "1-beta-1"),
            ("1-rc1", "1"),
            ("1-sp", "1-abc"),
            ("1.0-alpha1", "1.0-beta1"),
            ("1-abc", "1-0-abc"),
        ];
        for (a, b) in less {
            assert_eq!(Scheme::Maven.compare(a, b), Ok(Ordering::Less), "{a} < {b}");
        }
        let same = [
            ("1", "1.0.0"),
            ("1.ga", "1-ga"),
            ("1-ga", "1-final"),
            ("1-release", "1"),
            ("1-cr1", "1-rc1"),
            ("1a1", "1-alpha-1"),
            ("1.0-alpha", "1-alpha"),
            ("1.foo", "1-foo"),
        ];
        for (a, b) in same {
            assert_eq!(
                Scheme::Maven.compare(a, b),
                Ok(Ordering::Equal),
                "{a} = {b}"
            );
        }
        assert!(Scheme::Maven.parse("").is_err());
        assert!(Scheme::Maven.parse("1.0-é").is_err());
    }
}
