//! Terraform: HCL (through hcl-edit, which keeps spans) and `.tf.json`, turned into blocks of
//! [`Node`]s; a module (one folder) is evaluated as a whole so `var.` and `local.` references
//! resolve to their static values wherever there is one.

use std::collections::HashMap;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span;
use proven_model::{Diagnostic, Location};

use super::node::{Node, Value};
use super::suppress::{self, Directive};
use super::{secret_name, Emitter};
use crate::mask::mask_secret;
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
    for s in body.iter() {
        if let Structure::Block(b) = s {
            blocks.push(Block {
                kind: b.ident.as_str().to_string(),
                labels: b.labels.iter().map(|l| l.as_str().to_string()).collect(),
                line: lines.of(b.span().map_or(0, |r| r.start)),
                end: lines.of(b.span().map_or(0, |r| r.end.saturating_sub(1))),
                body: body_node(&b.body, text, &lines, b.span().map_or(0, |r| r.start)),
            });
        }
    }
    Ok(TfFile {
        path: rel.to_string(),
        directives: suppress::parse(text),
        blocks,
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

fn reference(src: &str) -> Value {
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    match src.split_once('.') {
        Some((base @ ("var" | "local"), name)) if ok(name) => Value::Ref(format!("{base}.{name}")),
        _ => Value::Unknown,
    }
}

/// Parses a `.tf.json` file.
pub fn parse_json(rel: &str, text: &str) -> Result<TfFile, Diagnostic> {
    let root: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Diagnostic::error(
            Location::line(rel, u32::try_from(e.line()).unwrap_or(1).max(1)),
            format!("invalid JSON: {e}; the file was not checked"),
        )
    })?;
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
                    _ => None,
                };
                return match found {
                    Some(v) => Node::new(n.line, self.resolve(v, depth + 1).value),
                    None => Node::new(n.line, Value::Unknown),
                };
            }
            Value::Ref(_) => Value::Unknown,
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
    let module_has = |ty: &str| {
        files
            .iter()
            .flat_map(|f| &f.blocks)
            .any(|b| b.kind == "resource" && b.labels.first().map(String::as_str) == Some(ty))
    };
    let s3_logging = module_has("aws_s3_bucket_logging");
    for f in files {
        let mut out = Emitter::new(&f.path, &f.directives);
        for b in &f.blocks {
            let body = scope.resolve(&b.body, 0);
            out.scope_end = b.end;
            let ty = b.labels.first().cloned().unwrap_or_default();
            let name = b.labels.get(1).cloned().unwrap_or_default();
            let mut c = Check {
                out: &mut out,
                anchor: b.line,
                id: format!("{ty}.{name}"),
            };
            match b.kind.as_str() {
                "resource" => resource(&mut c, &ty, &body, s3_logging),
                "data" if ty == "aws_iam_policy_document" => {
                    for st in body.get("statement").map(Node::items).unwrap_or(&[]) {
                        statement(&mut c, st, "actions", "resources");
                    }
                }
                "provider" => {
                    let provider = format!("provider.{ty}");
                    c.id = provider;
                    for (k, v) in body.entries() {
                        if matches!(
                            k.as_str(),
                            "access_key"
                                | "secret_key"
                                | "token"
                                | "client_secret"
                                | "password"
                                | "client_certificate_password"
                        ) {
                            literal_secret(&mut c, k, v);
                        }
                    }
                }
                _ => {}
            }
        }
        out.flush(sink);
    }
}

struct Check<'a, 'b> {
    out: &'a mut Emitter<'b>,
    anchor: u32,
    id: String,
}

impl Check<'_, '_> {
    fn hit(&mut self, rule: &str, line: u32, what: &str, detail: String) {
        self.out.hit(
            rule,
            line.max(self.anchor),
            self.anchor,
            format!("{}/{what}", self.id),
            format!("{}: {detail}", self.id),
        );
    }
}

fn s(n: &Node, k: &str) -> Option<String> {
    n.str_of(k)
}

fn line(n: &Node, k: &str) -> u32 {
    n.get(k).map_or(n.line, |x| x.line)
}

fn literal_secret(c: &mut Check<'_, '_>, k: &str, v: &Node) {
    if let Value::Str(text) = &v.value {
        if !text.is_empty() && !text.contains("${") {
            c.hit(
                "tf-hardcoded-secret",
                v.line,
                k,
                format!("{k} = {}", mask_secret(text)),
            );
        }
    }
}

const OPEN: &[&str] = &[
    "0.0.0.0/0",
    "::/0",
    "*",
    "Internet",
    "Any",
    "any",
    "0.0.0.0",
];

fn ports_hit(from: i64, to: i64) -> Option<&'static str> {
    if from <= 0 && to >= 65535 || from == -1 {
        Some("all ports")
    } else if from <= 22 && 22 <= to {
        Some("SSH (22)")
    } else if from <= 3389 && 3389 <= to {
        Some("RDP (3389)")
    } else {
        None
    }
}

fn num(n: &Node, k: &str) -> Option<i64> {
    n.str_of(k)?.parse::<f64>().ok().map(|f| f as i64)
}

fn aws_rule(c: &mut Check<'_, '_>, r: &Node, cidr_keys: &[&str], proto_key: &str) {
    let cidrs: Vec<String> = cidr_keys
        .iter()
        .flat_map(|k| r.get(k).map(Node::strings).unwrap_or_default())
        .collect();
    let Some(open) = cidrs.iter().find(|x| OPEN.contains(&x.as_str())) else {
        return;
    };
    let proto = s(r, proto_key).unwrap_or_default();
    let (from, to) = if proto == "-1" || proto == "all" {
        (0, 65535)
    } else {
        (
            num(r, "from_port").unwrap_or(0),
            num(r, "to_port").unwrap_or(65535),
        )
    };
    if let Some(what) = ports_hit(from, to) {
        c.hit(
            "tf-ssh-rdp-open",
            r.line,
            &format!("{from}-{to}/{open}"),
            format!("ingress {what} from {open}"),
        );
    }
}

fn azure_port_ranges(r: &Node) -> Vec<(i64, i64)> {
    let mut ranges: Vec<String> = r
        .get("destination_port_range")
        .map(Node::strings)
        .unwrap_or_default();
    ranges.extend(
        r.get("destination_port_ranges")
            .map(Node::strings)
            .unwrap_or_default(),
    );
    ranges
        .iter()
        .map(|p| {
            if p == "*" {
                return (0, 65535);
            }
            let (a, b) = p.split_once('-').unwrap_or((p, p));
            (
                a.trim().parse().unwrap_or(-2),
                b.trim().parse().unwrap_or(-2),
            )
        })
        .collect()
}

fn azure_rule(c: &mut Check<'_, '_>, r: &Node) {
    let inbound = s(r, "direction").is_none_or(|d| d.eq_ignore_ascii_case("inbound"));
    let allow = s(r, "access").is_none_or(|d| d.eq_ignore_ascii_case("allow"));
    let mut sources = r
        .get("source_address_prefix")
        .map(Node::strings)
        .unwrap_or_default();
    sources.extend(
        r.get("source_address_prefixes")
            .map(Node::strings)
            .unwrap_or_default(),
    );
    let Some(open) = sources.iter().find(|x| OPEN.contains(&x.as_str())) else {
        return;
    };
    if !(inbound && allow) {
        return;
    }
    for (from, to) in azure_port_ranges(r) {
        if from < -1 {
            continue;
        }
        if let Some(what) = ports_hit(from, to) {
            c.hit(
                "tf-ssh-rdp-open",
                r.line,
                &format!("{from}-{to}/{open}"),
                format!("inbound {what} from {open}"),
            );
        }
    }
}

fn statement(c: &mut Check<'_, '_>, st: &Node, actions_key: &str, resources_key: &str) {
    let effect = st
        .str_of("effect")
        .or_else(|| st.str_of("Effect"))
        .unwrap_or_else(|| "Allow".into());
    if !effect.eq_ignore_ascii_case("allow") {
        return;
    }
    let actions = st
        .get(actions_key)
        .or_else(|| st.get("Action"))
        .map(Node::strings)
        .unwrap_or_default();
    let resources = st
        .get(resources_key)
        .or_else(|| st.get("Resource"))
        .map(Node::strings)
        .unwrap_or_default();
    let all_resources = resources.iter().any(|r| r == "*");
    if let Some(a) = actions
        .iter()
        .find(|a| *a == "*" || a.ends_with(":*") && all_resources)
    {
        c.hit(
            "tf-iam-wildcard",
            st.line,
            &format!("action/{a}"),
            format!("allows `{a}` on {}", resources.join(", ")),
        );
    }
}

fn policy(c: &mut Check<'_, '_>, body: &Node) {
    let Some(p) = body.get("policy") else { return };
    let doc = match &p.value {
        Value::Map(_) => p.clone(),
        Value::Str(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => json_node(&v, p.line, 0),
            Err(_) => return,
        },
        _ => return,
    };
    let statements = doc.get("Statement").map(|st| match &st.value {
        Value::Seq(items) => items.clone(),
        _ => vec![st.clone()],
    });
    for st in statements.unwrap_or_default() {
        let st = Node::new(p.line.max(st.line), st.value);
        statement(c, &st, "Action", "Resource");
    }
}

fn not_true(n: &Node, k: &str) -> bool {
    n.get(k).and_then(Node::as_bool) != Some(true)
}

fn is_false(n: &Node, k: &str) -> bool {
    n.get(k).and_then(Node::as_bool) == Some(false)
}

fn resource(c: &mut Check<'_, '_>, ty: &str, b: &Node, s3_logging: bool) {
    let first = |k: &str| b.get(k).and_then(|x| x.items().first().cloned());
    match ty {
        "aws_security_group" => {
            for r in b.get("ingress").map(Node::items).unwrap_or(&[]) {
                aws_rule(c, r, &["cidr_blocks", "ipv6_cidr_blocks"], "protocol");
            }
        }
        "aws_security_group_rule" if s(b, "type").as_deref() == Some("ingress") => {
            aws_rule(c, b, &["cidr_blocks", "ipv6_cidr_blocks"], "protocol");
        }
        "aws_vpc_security_group_ingress_rule" => {
            aws_rule(c, b, &["cidr_ipv4", "cidr_ipv6"], "ip_protocol")
        }
        "azurerm_network_security_rule" => azure_rule(c, b),
        "azurerm_network_security_group" => {
            for r in b.get("security_rule").map(Node::items).unwrap_or(&[]) {
                azure_rule(c, r);
            }
        }
        "google_compute_firewall" => {
            let ingress = s(b, "direction").is_none_or(|d| d == "INGRESS");
            let sources = b
                .get("source_ranges")
                .map(Node::strings)
                .unwrap_or_default();
            if let (true, Some(open)) =
                (ingress, sources.iter().find(|x| OPEN.contains(&x.as_str())))
            {
                for a in b.get("allow").map(Node::items).unwrap_or(&[]) {
                    let proto = s(a, "protocol").unwrap_or_default();
                    let ports = a.get("ports").map(Node::strings).unwrap_or_default();
                    let ranges: Vec<(i64, i64)> = if proto == "all" || ports.is_empty() {
                        vec![(0, 65535)]
                    } else {
                        ports
                            .iter()
                            .map(|p| {
                                let (x, y) = p.split_once('-').unwrap_or((p, p));
                                (x.parse().unwrap_or(-2), y.parse().unwrap_or(-2))
                            })
                            .collect()
                    };
                    for (from, to) in ranges {
                        if let Some(what) = ports_hit(from, to).filter(|_| from >= -1) {
                            c.hit(
                                "tf-ssh-rdp-open",
                                a.line,
                                &format!("{from}-{to}/{open}"),
                                format!("firewall allows {what} from {open}"),
                            );
                        }
                    }
                }
            }
        }
        "aws_s3_bucket" | "aws_s3_bucket_acl" => {
            if let Some(acl) = s(b, "acl").filter(|a| {
                matches!(
                    a.as_str(),
                    "public-read" | "public-read-write" | "authenticated-read" | "website"
                )
            }) {
                c.hit(
                    "tf-public-storage",
                    line(b, "acl"),
                    "acl",
                    format!("acl = {acl}"),
                );
            }
            if ty == "aws_s3_bucket" && b.get("logging").is_none() && !s3_logging {
                c.hit(
                    "tf-audit-logging-disabled",
                    b.line,
                    "logging",
                    "no access logging (logging block or aws_s3_bucket_logging)".into(),
                );
            }
        }
        "aws_s3_bucket_public_access_block" => {
            for k in [
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            ] {
                if is_false(b, k) {
                    c.hit("tf-public-storage", line(b, k), k, format!("{k} = false"));
                }
            }
        }
        "azurerm_storage_container" => {
            if let Some(t) =
                s(b, "container_access_type").filter(|t| t == "blob" || t == "container")
            {
                c.hit(
                    "tf-public-storage",
                    line(b, "container_access_type"),
                    "access",
                    format!("container_access_type = {t}"),
                );
            }
        }
        "azurerm_storage_account" => {
            for k in [
                "allow_nested_items_to_be_public",
                "allow_blob_public_access",
            ] {
                if b.is_true(k) {
                    c.hit("tf-public-storage", line(b, k), k, format!("{k} = true"));
                }
            }
            if let Some(v) = s(b, "min_tls_version").filter(|v| v == "TLS1_0" || v == "TLS1_1") {
                c.hit(
                    "tf-weak-tls",
                    line(b, "min_tls_version"),
                    "tls",
                    format!("min_tls_version = {v}"),
                );
            }
        }
        "google_storage_bucket_iam_member"
        | "google_storage_bucket_iam_binding"
        | "google_storage_bucket_access_control" => {
            let mut members = b.get("members").map(Node::strings).unwrap_or_default();
            members.extend(s(b, "member"));
            members.extend(s(b, "entity"));
            if let Some(m) = members
                .iter()
                .find(|m| m.contains("allUsers") || m.contains("allAuthenticatedUsers"))
            {
                c.hit(
                    "tf-public-storage",
                    b.line,
                    "member",
                    format!("grants access to {m}"),
                );
            }
        }
        "aws_db_instance" | "aws_rds_cluster" => {
            if not_true(b, "storage_encrypted") {
                c.hit(
                    "tf-storage-unencrypted",
                    line(b, "storage_encrypted"),
                    "storage_encrypted",
                    "storage_encrypted is not true".into(),
                );
            }
            if b.is_true("publicly_accessible") {
                c.hit(
                    "tf-database-public",
                    line(b, "publicly_accessible"),
                    "public",
                    "publicly_accessible = true".into(),
                );
            }
            for k in ["password", "master_password"] {
                if let Some(v) = b.get(k) {
                    literal_secret(c, k, v);
                }
            }
        }
        "aws_ebs_volume" if not_true(b, "encrypted") => {
            c.hit(
                "tf-storage-unencrypted",
                line(b, "encrypted"),
                "encrypted",
                "encrypted is not true".into(),
            );
        }
        "aws_instance" | "aws_launch_configuration" | "aws_launch_template" => {
            for k in ["root_block_device", "ebs_block_device"] {
                for d in b.get(k).map(Node::items).unwrap_or(&[]) {
                    if not_true(d, "encrypted") {
                        c.hit(
                            "tf-storage-unencrypted",
                            d.line,
                            k,
                            format!("{k} is not encrypted"),
                        );
                    }
                }
            }
            if ty != "aws_launch_configuration" {
                let tokens = first("metadata_options").and_then(|m| s(&m, "http_tokens"));
                if tokens.as_deref() != Some("required") {
                    c.hit(
                        "tf-imdsv1",
                        line(b, "metadata_options"),
                        "imds",
                        format!(
                            "metadata_options.http_tokens is {}",
                            tokens.as_deref().unwrap_or("not set (optional)")
                        ),
                    );
                }
            }
            if let Some(Value::Str(ud)) = b.get("user_data").map(|n| &n.value) {
                let upper = ud.to_ascii_uppercase();
                if [
                    "AWS_SECRET_ACCESS_KEY",
                    "PASSWORD=",
                    "PASSWD=",
                    "TOKEN=",
                    "SECRET=",
                ]
                .iter()
                .any(|w| upper.contains(w))
                {
                    c.hit(
                        "tf-hardcoded-secret",
                        line(b, "user_data"),
                        "user_data",
                        "user_data sets a credential".into(),
                    );
                }
            }
        }
        "azurerm_managed_disk"
            if first("encryption_settings").is_some_and(|e| is_false(&e, "enabled")) =>
        {
            c.hit(
                "tf-storage-unencrypted",
                line(b, "encryption_settings"),
                "encryption",
                "encryption_settings.enabled = false".into(),
            );
        }
        "aws_elasticache_replication_group" if not_true(b, "at_rest_encryption_enabled") => {
            c.hit(
                "tf-storage-unencrypted",
                b.line,
                "at_rest",
                "at_rest_encryption_enabled is not true".into(),
            );
        }
        "aws_redshift_cluster" if not_true(b, "encrypted") => {
            c.hit(
                "tf-storage-unencrypted",
                b.line,
                "encrypted",
                "encrypted is not true".into(),
            );
        }
        "azurerm_mssql_server"
        | "azurerm_sql_server"
        | "azurerm_postgresql_server"
        | "azurerm_mysql_server"
        | "azurerm_postgresql_flexible_server"
        | "azurerm_mysql_flexible_server" => {
            if b.is_true("public_network_access_enabled") {
                c.hit(
                    "tf-database-public",
                    line(b, "public_network_access_enabled"),
                    "public",
                    "public_network_access_enabled = true".into(),
                );
            }
            for k in ["administrator_login_password", "admin_password"] {
                if let Some(v) = b.get(k) {
                    literal_secret(c, k, v);
                }
            }
            let tls =
                s(b, "minimum_tls_version").or_else(|| s(b, "ssl_minimal_tls_version_enforced"));
            if let Some(v) = tls.filter(|v| {
                matches!(
                    v.as_str(),
                    "1.0" | "1.1" | "TLS1_0" | "TLS1_1" | "TLSEnforcementDisabled"
                )
            }) {
                c.hit("tf-weak-tls", b.line, "tls", format!("minimum TLS {v}"));
            }
        }
        t if t.starts_with("azurerm_") && t.ends_with("_firewall_rule") => {
            let start = s(b, "start_ip_address").unwrap_or_default();
            let end = s(b, "end_ip_address").unwrap_or_default();
            if start == "0.0.0.0" && end == "255.255.255.255" {
                c.hit(
                    "tf-database-public",
                    b.line,
                    "firewall",
                    "firewall rule allows 0.0.0.0-255.255.255.255".into(),
                );
            }
        }
        "google_sql_database_instance" => {
            let ipc = first("settings").and_then(|st| {
                st.get("ip_configuration")
                    .and_then(|x| x.items().first().cloned())
            });
            for n in ipc
                .as_ref()
                .and_then(|i| i.get("authorized_networks"))
                .map(Node::items)
                .unwrap_or(&[])
            {
                if s(n, "value").is_some_and(|v| OPEN.contains(&v.as_str())) {
                    c.hit(
                        "tf-database-public",
                        n.line,
                        "authorized",
                        "authorized_networks includes 0.0.0.0/0".into(),
                    );
                }
            }
        }
        "aws_iam_policy"
        | "aws_iam_role_policy"
        | "aws_iam_user_policy"
        | "aws_iam_group_policy" => policy(c, b),
        "azurerm_role_definition" => {
            for p in b.get("permissions").map(Node::items).unwrap_or(&[]) {
                if p.get("actions")
                    .map(Node::strings)
                    .unwrap_or_default()
                    .iter()
                    .any(|a| a == "*")
                {
                    c.hit(
                        "tf-iam-wildcard",
                        p.line,
                        "actions",
                        "permissions.actions = [\"*\"]".into(),
                    );
                }
            }
        }
        "google_project_iam_member"
        | "google_project_iam_binding"
        | "google_organization_iam_member"
        | "google_folder_iam_member" => {
            if let Some(role) = s(b, "role").filter(|r| r == "roles/owner" || r == "roles/editor") {
                c.hit(
                    "tf-iam-wildcard",
                    line(b, "role"),
                    "role",
                    format!("grants {role}"),
                );
            }
        }
        "aws_cloudtrail" => {
            if is_false(b, "enable_logging") {
                c.hit(
                    "tf-audit-logging-disabled",
                    line(b, "enable_logging"),
                    "enable_logging",
                    "enable_logging = false".into(),
                );
            }
            if not_true(b, "is_multi_region_trail") {
                c.hit(
                    "tf-audit-logging-disabled",
                    b.line,
                    "multi_region",
                    "is_multi_region_trail is not true".into(),
                );
            }
        }
        "aws_eks_cluster" => {
            if b.get("enabled_cluster_log_types")
                .is_none_or(|l| l.items().is_empty())
            {
                c.hit(
                    "tf-audit-logging-disabled",
                    b.line,
                    "logs",
                    "no enabled_cluster_log_types".into(),
                );
            }
            let vpc = first("vpc_config");
            let public = vpc
                .as_ref()
                .is_none_or(|v| !is_false(v, "endpoint_public_access"));
            let cidrs = vpc
                .as_ref()
                .and_then(|v| v.get("public_access_cidrs"))
                .map(Node::strings);
            if public
                && cidrs
                    .as_ref()
                    .is_none_or(|c| c.iter().any(|x| x == "0.0.0.0/0"))
            {
                c.hit(
                    "tf-k8s-public-endpoint",
                    line(b, "vpc_config"),
                    "endpoint",
                    "public API endpoint open to 0.0.0.0/0".into(),
                );
            }
        }
        "azurerm_kubernetes_cluster" => {
            let ranges = first("api_server_access_profile")
                .and_then(|p| p.get("authorized_ip_ranges").map(Node::strings))
                .or_else(|| b.get("api_server_authorized_ip_ranges").map(Node::strings))
                .unwrap_or_default();
            if not_true(b, "private_cluster_enabled") && ranges.is_empty() {
                c.hit(
                    "tf-k8s-public-endpoint",
                    b.line,
                    "endpoint",
                    "neither private nor restricted to authorised IP ranges".into(),
                );
            }
            if b.get("oms_agent").is_none() {
                c.hit(
                    "tf-audit-logging-disabled",
                    b.line,
                    "oms",
                    "no oms_agent (monitoring) block".into(),
                );
            }
        }
        "google_container_cluster" => {
            let private = first("private_cluster_config")
                .is_some_and(|p| p.is_true("enable_private_endpoint"));
            if b.get("master_authorized_networks_config").is_none() && !private {
                c.hit(
                    "tf-k8s-public-endpoint",
                    b.line,
                    "endpoint",
                    "no master_authorized_networks_config and no private endpoint".into(),
                );
            }
            if s(b, "logging_service").as_deref() == Some("none") {
                c.hit(
                    "tf-audit-logging-disabled",
                    line(b, "logging_service"),
                    "logging",
                    "logging_service = none".into(),
                );
            }
        }
        "aws_lb_listener" | "aws_alb_listener" => {
            const OLD: &[&str] = &[
                "ELBSecurityPolicy-2016-08",
                "ELBSecurityPolicy-TLS-1-0-2015-04",
                "ELBSecurityPolicy-TLS-1-1-2017-01",
                "ELBSecurityPolicy-2015-05",
                "ELBSecurityPolicy-FS-2018-06",
                "ELBSecurityPolicy-FS-1-1-2019-08",
            ];
            if let Some(p) = s(b, "ssl_policy").filter(|p| OLD.contains(&p.as_str())) {
                c.hit(
                    "tf-weak-tls",
                    line(b, "ssl_policy"),
                    "ssl_policy",
                    format!("ssl_policy = {p} allows TLS below 1.2"),
                );
            }
        }
        "aws_cloudfront_distribution" => {
            if let Some(v) = first("viewer_certificate")
                .and_then(|v| s(&v, "minimum_protocol_version"))
                .filter(|v| !v.starts_with("TLSv1.2") && !v.starts_with("TLSv1.3"))
            {
                c.hit(
                    "tf-weak-tls",
                    line(b, "viewer_certificate"),
                    "viewer",
                    format!("minimum_protocol_version = {v}"),
                );
            }
        }
        "azurerm_app_service"
        | "azurerm_linux_web_app"
        | "azurerm_windows_web_app"
        | "azurerm_function_app"
        | "azurerm_linux_function_app" => {
            let sc = first("site_config");
            let v = sc
                .as_ref()
                .and_then(|x| s(x, "min_tls_version").or_else(|| s(x, "minimum_tls_version")));
            if let Some(v) = v.filter(|v| v == "1.0" || v == "1.1") {
                c.hit(
                    "tf-weak-tls",
                    line(b, "site_config"),
                    "tls",
                    format!("minimum TLS {v}"),
                );
            }
        }
        "google_compute_ssl_policy" => {
            let v = s(b, "min_tls_version").unwrap_or_else(|| "TLS_1_0 (default)".into());
            if v.starts_with("TLS_1_0") || v == "TLS_1_1" {
                c.hit(
                    "tf-weak-tls",
                    line(b, "min_tls_version"),
                    "tls",
                    format!("min_tls_version = {v}"),
                );
            }
        }
        "aws_elasticsearch_domain" | "aws_opensearch_domain" => {
            let p = first("domain_endpoint_options").and_then(|d| s(&d, "tls_security_policy"));
            if p.as_deref().is_none_or(|p| p.contains("TLS-1-0")) {
                c.hit(
                    "tf-weak-tls",
                    b.line,
                    "tls",
                    format!(
                        "tls_security_policy {}",
                        p.as_deref().unwrap_or("not set (TLS 1.0 allowed)")
                    ),
                );
            }
        }
        _ => {}
    }
    if !ty.starts_with("aws_iam") {
        for (k, v) in b.entries() {
            if secret_name(k)
                && !k.contains("rotation")
                && !k.contains("version")
                && !k.contains("length")
            {
                literal_secret(c, k, v);
            }
        }
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
        let err = parse_hcl("bad.tf", "resource \"x\" {\n  a = \n}\n").expect_err("invalid");
        assert_eq!(err.location.path, "bad.tf");
        assert!(err.location.line.is_some());
    }
}
