//! YAML into [`Node`]s with line numbers, through yaml-rust2's event parser.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::node::{Node, Value};

/// More nodes than this (alias expansion included) and the document is refused: a guard against
/// "billion laughs" alias bombs.
const MAX_NODES: usize = 1_000_000;

/// A YAML stream that could not be parsed.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct YamlError {
    pub line: u32,
    pub message: String,
}

/// Parses every document of a YAML stream.
pub fn parse(text: &str) -> Result<Vec<Node>, YamlError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, true).map_err(|e| YamlError {
        line: u32::try_from(e.marker().line()).unwrap_or(u32::MAX),
        message: e.info().to_string(),
    })?;
    if builder.too_big {
        return Err(YamlError {
            line: 1,
            message: format!("more than {MAX_NODES} nodes after alias expansion"),
        });
    }
    Ok(builder.docs)
}

enum Open {
    Seq(Node, usize),
    Map(Node, usize, Option<String>),
}

#[derive(Default)]
struct Builder {
    docs: Vec<Node>,
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    count: usize,
    too_big: bool,
}

impl Builder {
    fn add(&mut self, node: Node) {
        self.count = self.count.saturating_add(1);
        if self.count > MAX_NODES {
            self.too_big = true;
            return;
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Open::Seq(seq, _)) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Open::Map(map, _, key)) => match key.take() {
                None => *key = Some(node.as_string().unwrap_or_default()),
                Some(k) => {
                    if let Value::Map(entries) = &mut map.value {
                        if k == "<<" {
                            // Merge keys: entries of the merged mapping(s) not already set.
                            let merged: Vec<&Node> = match &node.value {
                                Value::Seq(s) => s.iter().collect(),
                                _ => vec![&node],
                            };
                            for m in merged {
                                for (mk, mv) in m.entries() {
                                    if !entries.iter().any(|(e, _)| e == mk) {
                                        entries.push((mk.clone(), mv.clone()));
                                    }
                                }
                            }
                        } else {
                            entries.push((k, node));
                        }
                    }
                }
            },
        }
    }

    fn size(node: &Node) -> usize {
        1 + match &node.value {
            Value::Seq(s) => s.iter().map(Builder::size).sum(),
            Value::Map(m) => m.iter().map(|(_, v)| 1 + Builder::size(v)).sum(),
            _ => 0,
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.too_big {
            return;
        }
        let line = u32::try_from(mark.line()).unwrap_or(u32::MAX);
        match ev {
            Event::Scalar(text, style, anchor, _) => {
                let value = if style == TScalarStyle::Plain {
                    plain(&text)
                } else {
                    Value::Str(text)
                };
                let node = Node::new(line, value);
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.add(node);
            }
            Event::SequenceStart(anchor, _) => {
                self.stack
                    .push(Open::Seq(Node::new(line, Value::Seq(Vec::new())), anchor));
            }
            Event::MappingStart(anchor, _) => {
                self.stack.push(Open::Map(
                    Node::new(line, Value::Map(Vec::new())),
                    anchor,
                    None,
                ));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Open::Seq(n, a)) | Some(Open::Map(n, a, _)) => (n, a),
                    None => return,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.add(node);
            }
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .unwrap_or(Node::new(line, Value::Null));
                self.count = self.count.saturating_add(Builder::size(&node));
                self.add(node);
            }
            _ => {}
        }
    }
}

fn plain(text: &str) -> Value {
    match text {
        "~" | "null" | "Null" | "NULL" | "" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => {
            let numeric = text
                .trim_start_matches(['-', '+'])
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.')
                && text.chars().any(|c| c.is_ascii_digit())
                && text.matches('.').count() <= 1;
            match text.parse::<f64>() {
                Ok(n) if numeric => Value::Num(n),
                _ => Value::Str(text.to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_documents_and_merge_keys() {
        let docs =
            parse("a: 1\n---\nbase: &b\n  x: yes\nm:\n  <<: *b\n  y: [1, two]\n").expect("valid");
        assert_eq!(docs.len(), 2);
        let m = docs[1].get("m").expect("m");
        assert_eq!(m.line, 6);
        assert_eq!(m.str_of("x").as_deref(), Some("yes"));
        assert_eq!(
            m.get("y").map(Node::strings),
            Some(vec!["1".into(), "two".into()])
        );
        let err = parse("a: [1,\nb: c: d\n").expect_err("invalid");
        assert!(err.line >= 1);
    }
}
