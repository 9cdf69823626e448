//! Terraform: HCL (through hcl-edit, which keeps spans) and `.tf.json`, turned into blocks of
//! [`Node`]s; a module (one folder) is evaluated as a whole so `var.` and `local.` references
//! resolve to their static values wherever there is one. The rules are in [`checks`].

mod checks;

use std::collections::HashMap;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span;
use proven_model::{Diagnostic, Location};

use super::node::{Node, Value};
use super::suppress::{self, Directive};
use super::Emitter;
use crate::scanner::Sink;

/// One top-level block: `resource "aws_s3_bucket" "logs" { ... }`.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub line: u32,
    /// Last line of the block.
    pub end: u32,
    pub body: Node,
}

/// One parsed Terraform file.
#[derive(Debug)]
pub struct TfFile {
    pub path: String,
    pub directives: Vec<Directive>,
    pub blocks: Vec<Block>,
    /// Top-level attributes: the variable values of a `.tfvars` file.
    pub values: Vec<(String, Node)>,
}

struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        Lines(
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        )
    }
    fn of(&self, offset: usize) -> u32 {
        let i = self.0.partition_point(|&s| s <= offset);
        u32::try_from(i.max(1)).unwrap_or(u32::MAX)
    }
}

/// Parses a `.tf` file.
pub fn parse_hcl(rel: &str, text: &str) -> Result<TfFile, Diagnostic> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        Diagnostic::error(
            Location::line(rel, u32::try_from(e.location().line()).unwrap_or(1).max(1)),
            format!("invalid HCL: {}; the file was not checked", e.message()),
        )
    })?;
    let lines = Lines::new(text);
    let mut blocks = Vec::new();
    let mut values = Vec::new();
    for s in body.iter() {
        match s {
            Structure::Block(b) => blocks.push(Block {
                kind: b.ident.as_str().to_string(),
                labels: b.labels.iter().map(|l| l.as_str().to_string()).collect(),
                line: lines.of(b.span().map_or(0, |r| r.start)),
                end: lines.of(b.span().map_or(0, |r| r.end.saturating_sub(1))),
                body: body_node(&b.body, text, &lines, b.span().map_or(0, |r| r.start)),
            }),
            Structure::Attribute(a) => {
                values.push((a.key.as_str().to_string(), expr(&a.value, text, &lines, 0)));
            }
        }
    }
    Ok(TfFile {
        path: rel.to_string(),
        directives: suppress::parse(text),
        blocks,
        values,
    })
}

fn body_node(body: &Body, text: &str, lines: &Lines, start: usize) -> Node {
    let mut entries: Vec<(String, Node)> = Vec::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                entries.push((a.key.as_str().to_string(), expr(&a.value, text, lines, 0)));
            }
            Structure::Block(b) => {
                let at = b.span().map_or(start, |r| r.start);
                let node = body_node(&b.body, text, lines, at);
                let key = b.ident.as_str().to_string();
                match entries
                    .iter_mut()
                    .find(|(k, v)| *k == key && matches!(v.value, Value::Seq(_)))
                {
                    Some((
                        _,
                        Node {
                            value: Value::Seq(items),
                            ..
                        },
                    )) => items.push(node),
                    _ => entries.push((key, Node::new(lines.of(at), Value::Seq(vec![node])))),
                }
            }
        }
    }
    Node::new(lines.of(start), Value::Map(entries))
}

fn expr(e: &Expression, text: &str, lines: &Lines, depth: usize) -> Node {
    let span = e.span();
    let line = lines.of(span.as_ref().map_or(0, |r| r.start));
    let src = span.and_then(|r| text.get(r)).unwrap_or("");
    if depth > 64 {
        return Node::new(line, Value::Unknown);
    }
    let value = match e {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => n.value().as_f64().map_or(Value::Unknown, Value::Num),
        Expression::String(s) => Value::Str(s.value().clone()),
        Expression::Array(a) => {
            Value::Seq(a.iter().map(|x| expr(x, text, lines, depth + 1)).collect())
        }
        Expression::Object(o) => Value::Map(
            o.iter()
                .map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(x) => expr(x, text, lines, depth + 1)
                            .as_string()
                            .unwrap_or_default(),
                    };
                    (key, expr(v.expr(), text, lines, depth + 1))
                })
                .collect(),
        ),
        Expression::Parenthesis(p) => return expr(p.inner(), text, lines, depth + 1),
        Expression::StringTemplate(_) => template(src.trim().trim_matches('"')),
        Expression::HeredocTemplate(_) => {
            let body = src.split_once('\n').map_or("", |(_, b)| b);
            let body = body.rsplit_once('\n').map_or(body, |(b, _)| b);
            template(body)
        }
        Expression::Traversal(_) | Expression::Variable(_) => reference(src),
        Expression::FuncCall(f) if f.name.name.as_str() == "jsonencode" => {
            match f.args.iter().next() {
                Some(a) => return expr(a, text, lines, depth + 1),
                None => Value::Unknown,
            }
        }
        _ => Value::Unknown,
    };
    Node::new(line, value)
}

/// A template: one `${var.x}` becomes a reference, anything else stays text.
fn template(s: &str) -> Value {
    if let Some(inner) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        if !inner.contains("${") {
            return reference(inner.trim());
        }
    }
    Value::Str(s.to_string())
}

/// `var.x` and `local.x` (resolved later), or another object's attribute (`aws_vpc.main.id`),
/// kept as written so a rule can tell which resource is meant.
fn reference(src: &str) -> Value {
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let traversal = |s: &str| {
        s.contains('.')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.[]*\"".contains(c))
    };
    match src.split_once('.') {
        Some((base @ ("var" | "local"), name)) if ok(name) => Value::Ref(format!("{base}.{name}")),
        Some(("var" | "local", _)) => Value::Unknown,
        _ if traversal(src) => Value::Ref(src.to_string()),
        _ => Value::Unknown,
    }
}

fn json_root(rel: &str, text: &str) -> Result<serde_json::Value, Diagnostic> {
    serde_json::from_str(text).map_err(|e| {
        Diagnostic::error(
            Location::line(rel, u32::try_from(e.line()).unwrap_or(1).max(1)),
            format!("invalid JSON: {e}; the file was not checked"),
        )
    })
}

/// Parses a `.tfvars.json` file: one object of variable values.
pub fn parse_json_vars(rel: &str, text: &str) -> Result<TfFile, Diagnostic> {
    let root = json_root(rel, text)?;
    let values = root
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), json_node(v, 1, 0)))
                .collect()
        })
        .unwrap_or_default();
    Ok(TfFile {
        path: rel.into(),
        directives: Vec::new(),
        blocks: Vec::new(),
        values,
    })
}

/// Parses a `.tf.json` file.
pub fn parse_json(rel: &str, text: &str) -> Result<TfFile, Diagnostic> {
    let root = json_root(rel, text)?;
    let line_of = |needle: &str| -> u32 {
        text.find(&format!("\"{needle}\"")).map_or(1, |i| {
            u32::try_from(text[..i].matches('\n').count() + 1).unwrap_or(1)
        })
    };
    let mut blocks = Vec::new();
    let Some(top) = root.as_object() else {
        return Ok(TfFile {
            path: rel.into(),
            directives: Vec::new(),
            blocks,
            values: Vec::new(),
        });
    };
    for (kind, v) in top {
        let depth = match kind.as_str() {
            "resource" | "data" => 2,
            "variable" | "provider" | "module" | "output" => 1,
            "locals" => 0,
            _ => continue,
        };
        collect_json(kind, v, depth, &mut Vec::new(), &line_of, &mut blocks);
    }
    Ok(TfFile {
        path: rel.into(),
        directives: Vec::new(),
        blocks,
        values: Vec::new(),
    })
}

fn collect_json(
    kind: &str,
    v: &serde_json::Value,
    depth: usize,
    labels: &mut Vec<String>,
    line_of: &dyn Fn(&str) -> u32,
    out: &mut Vec<Block>,
) {
    if depth == 0 {
        let items: Vec<&serde_json::Value> = match v {
            serde_json::Value::Array(a) => a.iter().collect(),
            _ => vec![v],
        };
        for item in items {
            let line = labels.last().map_or_else(|| line_of(kind), |l| line_of(l));
            out.push(Block {
                kind: kind.into(),
                labels: labels.clone(),
                line,
                end: line,
                body: json_node(item, line, 0),
            });
        }
        return;
    }
    if let Some(map) = v.as_object() {
        for (k, inner) in map {
            labels.push(k.clone());
            collect_json(kind, inner, depth - 1, labels, line_of, out);
            labels.pop();
        }
    }
}

fn json_node(v: &serde_json::Value, line: u32, depth: usize) -> Node {
    let value = match v {
        _ if depth > 64 => Value::Unknown,
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n.as_f64().map_or(Value::Unknown, Value::Num),
        serde_json::Value::String(s) => template(s),
        serde_json::Value::Array(a) => {
            Value::Seq(a.iter().map(|x| json_node(x, line, depth + 1)).collect())
        }
        serde_json::Value::Object(o) => Value::Map(
            o.iter()
                .map(|(k, x)| (k.clone(), json_node(x, line, depth + 1)))
                .collect(),
        ),
    };
    Node::new(line, value)
}

struct Scope {
    vars: HashMap<String, Node>,
    locals: HashMap<String, Node>,
}

impl Scope {
    fn resolve(&self, n: &Node, depth: usize) -> Node {
        let value = match &n.value {
            Value::Ref(r) if depth < 16 => {
                let found = match r.split_once('.') {
                    Some(("var", name)) => self.vars.get(name),
                    Some(("local", name)) => self.locals.get(name),
                    _ => return n.clone(),
                };
                return match found {
                    Some(v) => Node::new(n.line, self.resolve(v, depth + 1).value),
                    None => Node::new(n.line, Value::Unknown),
                };
            }
            Value::Ref(r) if r.starts_with("var.") || r.starts_with("local.") => Value::Unknown,
            Value::Seq(s) => Value::Seq(s.iter().map(|x| self.resolve(x, depth + 1)).collect()),
            Value::Map(m) => Value::Map(
                m.iter()
                    .map(|(k, x)| (k.clone(), self.resolve(x, depth + 1)))
                    .collect(),
            ),
            other => other.clone(),
        };
        Node::new(n.line, value)
    }
}

/// Evaluates and checks every file of one module folder.
pub fn check_module(files: &[TfFile], sink: &Sink) {
    let mut scope = Scope {
        vars: HashMap::new(),
        locals: HashMap::new(),
    };
    for b in files.iter().flat_map(|f| &f.blocks) {
        match b.kind.as_str() {
            "variable" => {
                if let (Some(name), Some(d)) = (b.labels.first(), b.body.get("default")) {
                    scope.vars.insert(name.clone(), d.clone());
                }
            }
            "locals" => {
                for (k, v) in b.body.entries() {
                    scope.locals.insert(k.clone(), v.clone());
                }
            }
            _ => {}
        }
    }
    // Values Terraform loads on its own override the defaults: terraform.tfvars, then its JSON
    // form, then *.auto.tfvars(.json) in name order.
    let mut var_files: Vec<&TfFile> = files.iter().filter(|f| !f.values.is_empty()).collect();
    var_files.sort_by_key(|f| {
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        (
            name.contains(".auto."),
            name.ends_with(".json"),
            name.to_string(),
        )
    });
    for f in var_files {
        for (k, v) in &f.values {
            scope.vars.insert(k.clone(), v.clone());
        }
    }
    let resolved: Vec<Vec<Node>> = files
        .iter()
        .map(|f| f.blocks.iter().map(|b| scope.resolve(&b.body, 0)).collect())
        .collect();
    let facts = checks::Facts::gather(
        files
            .iter()
            .zip(&resolved)
            .flat_map(|(f, bodies)| f.blocks.iter().zip(bodies)),
    );
    for (f, bodies) in files.iter().zip(&resolved) {
        let mut out = Emitter::new(&f.path, &f.directives);
        for (b, body) in f.blocks.iter().zip(bodies) {
            checks::block(&mut out, b, body, &facts);
        }
        out.flush(sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_resolve_across_files() {
        let a = parse_hcl("m/main.tf", "resource \"aws_db_instance\" \"db\" {\n  publicly_accessible = var.public\n  storage_encrypted = local.enc\n}\n").expect("valid");
        let b = parse_hcl(
            "m/vars.tf",
            "variable \"public\" {\n  default = true\n}\nlocals {\n  enc = true\n}\n",
        )
        .expect("valid");
        let sink = Sink::default();
        check_module(&[a, b], &sink);
        let (f, _) = sink.into_parts();
        let codes: Vec<&str> = f.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["tf-database-public"]);
        assert_eq!(f[0].location.line, Some(2));
        // terraform.tfvars overrides the default, *.auto.tfvars overrides terraform.tfvars.
        let a = parse_hcl("m/main.tf", "resource \"aws_db_instance\" \"db\" {\n  publicly_accessible = var.public\n  storage_encrypted = var.enc\n}\nvariable \"public\" {\n  default = false\n}\nvariable \"enc\" {\n  default = true\n}\n").expect("valid");
        let tfvars =
            parse_hcl("m/terraform.tfvars", "public = false\nenc = false\n").expect("valid");
        let auto = parse_json_vars("m/prod.auto.tfvars.json", "{\"public\": true}").expect("valid");
        let sink = Sink::default();
        check_module(&[auto, a, tfvars], &sink);
        let (f, _) = sink.into_parts();
        let mut codes: Vec<&str> = f.iter().map(|f| f.code.as_str()).collect();
        codes.sort();
        assert_eq!(codes, ["tf-database-public", "tf-storage-unencrypted"]);
        let err = parse_hcl("bad.tf", "resource \"x\" {\n  a = \n}\n").expect_err("invalid");
        assert_eq!(err.location.path, "bad.tf");
        assert!(err.location.line.is_some());
    }
}
