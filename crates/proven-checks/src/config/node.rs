//! One tree for every configuration format: YAML documents, HCL bodies and `.tf.json` all become
//! [`Node`]s that remember the line they start on, so rules read typed values, never raw text.

/// A value with the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub line: u32,
    pub value: Value,
}

/// The value of a node.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in document order; duplicate keys keep every entry, lookups see the last.
    Map(Vec<(String, Node)>),
    /// A Terraform reference (`var.region`, `local.tags`), resolved when the module is evaluated.
    Ref(String),
    /// An expression whose value is not known statically (a function call, a resource attribute).
    Unknown,
}

impl Node {
    /// A node on a line.
    pub fn new(line: u32, value: Value) -> Node {
        Node { line, value }
    }

    /// The entry under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a path of mapping keys.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    /// The string under `key` (scalars of other types are rendered as YAML would write them).
    pub fn str_of(&self, key: &str) -> Option<String> {
        self.get(key).and_then(Node::as_string)
    }

    /// This scalar as a string.
    pub fn as_string(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Num(n) => Some(if n.fract() == 0.0 && n.abs() < 1e15 {
                format!("{}", *n as i64)
            } else {
                n.to_string()
            }),
            _ => None,
        }
    }

    /// This scalar as a boolean (YAML 1.1 words too, since compose and Kubernetes accept them).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Some(true),
                "false" | "no" | "off" | "0" => Some(false),
                _ => None,
            },
            Value::Num(n) => Some(*n != 0.0),
            _ => None,
        }
    }

    /// True when `key` holds a true boolean.
    pub fn is_true(&self, key: &str) -> bool {
        self.get(key).and_then(Node::as_bool) == Some(true)
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(s) => s,
            _ => &[],
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    /// The string items of a sequence, or the one string of a scalar.
    pub fn strings(&self) -> Vec<String> {
        match &self.value {
            Value::Seq(s) => s.iter().filter_map(Node::as_string).collect(),
            _ => self.as_string().into_iter().collect(),
        }
    }
}
