//! A YAML reader for lockfiles that keeps the line of every mapping key.
//!
//! Built on the event parser of `yaml-rust2`, driven in a loop (no recursion, so no stack overflow
//! on deep nesting) into a small tree. Aliases are refused: no lockfile uses them, and expanding
//! them is how a few bytes of YAML become gigabytes.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

/// Nesting deeper than this is not a lockfile.
const MAX_DEPTH: usize = 128;

/// A YAML value. Scalars keep their text as written: `5.4`, `true` and `'6.0'` are all strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A scalar; `plain` when it was not quoted (so `~`, `null` and the empty plain scalar are null).
    Scalar {
        value: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Entries in document order.
    Map(Vec<Entry>),
}

/// One key of a mapping, with the line the key is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    /// 1-based.
    pub line: u32,
    pub value: Node,
}

/// Why a text is not YAML we can read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// 1-based.
    pub line: u32,
    pub message: String,
}

static EMPTY: [Entry; 0] = [];

impl Node {
    /// The value of a key of a mapping (first match; `None` for other nodes).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }

    /// The entries of a mapping; empty for other nodes.
    pub fn entries(&self) -> &[Entry] {
        match self {
            Node::Map(m) => m,
            _ => &EMPTY,
        }
    }

    /// The text of a non-null scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, plain } => {
                let null = *plain && matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL");
                (!null).then_some(value.as_str())
            }
            _ => None,
        }
    }

    /// True for the plain scalar `true`.
    pub fn is_true(&self) -> bool {
        matches!(self, Node::Scalar { value, plain: true } if matches!(value.as_str(), "true" | "True" | "TRUE"))
    }
}

enum Frame {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        key: Option<(String, u32)>,
    },
}

/// Parses every document of a YAML stream.
pub fn parse(text: &str) -> Result<Vec<Node>, Error> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        let (event, mark) = parser.next_token().map_err(|e| Error {
            line: line_u32(e.marker().line()),
            message: e.info().to_string(),
        })?;
        let line = line_u32(mark.line());
        let node = match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {
                continue
            }
            Event::Alias(_) => {
                return Err(Error {
                    line,
                    message: "a YAML alias; lockfiles do not use anchors and aliases".into(),
                })
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(Error {
                        line,
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                    });
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(Vec::new())
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        key: None,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(items)) => Node::Seq(items),
                Some(Frame::Map { entries, .. }) => Node::Map(entries),
                None => continue,
            },
            Event::Scalar(value, style, ..) => Node::Scalar {
                value,
                plain: style == TScalarStyle::Plain,
            },
        };
        match stack.last_mut() {
            None => docs.push(node),
            Some(Frame::Seq(items)) => items.push(node),
            Some(Frame::Map { entries, key }) => match key.take() {
                Some((key, key_line)) => entries.push(Entry {
                    key,
                    line: key_line,
                    value: node,
                }),
                None => {
                    // A complex (non-scalar) key is never used in a lockfile; it keeps an empty name.
                    let k = match node {
                        Node::Scalar { value, .. } => value,
                        _ => String::new(),
                    };
                    *key = Some((k, line));
                }
            },
        }
    }
    Ok(docs)
}

fn line_u32(line: usize) -> u32 {
    u32::try_from(line.max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_lines() {
        let docs = parse("a: 1\nb:\n  c: 'x'\n  d: [1, 2]\ne: ~\n").expect("valid");
        let root = &docs[0];
        let lines: Vec<(&str, u32)> = root
            .entries()
            .iter()
            .map(|e| (e.key.as_str(), e.line))
            .collect();
        assert_eq!(lines, [("a", 1), ("b", 2), ("e", 5)]);
        let b = root.get("b").expect("b");
        assert_eq!(b.entries()[1].line, 4);
        assert_eq!(b.get("c").and_then(Node::as_str), Some("x"));
        assert_eq!(root.get("e").and_then(Node::as_str), None);
        assert_eq!(root.get("a").and_then(Node::as_str), Some("1"));
    }

    #[test]
    fn aliases_and_errors_name_a_line() {
        let e = parse("a: &x 1\nb: *x\n").expect_err("alias");
        assert_eq!(e.line, 2);
        let e = parse("a: 1\nb: [\n").expect_err("unclosed");
        assert!(e.line >= 2, "{e:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(200);
        assert!(parse(&text).is_err());
    }
}
