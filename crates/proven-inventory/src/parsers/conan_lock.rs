//! Conan's `conan.lock`: Conan 2 lockfiles (`"version": "0.5"`) and Conan 1 graph lockfiles
//! (`graph_lock`, versions 0.1 to 0.4).
//!
//! A Conan 2 lockfile is four lists of recipe references, `name/version[@user[/channel]]#rrev%time`,
//! with no edges and no root. `requires` (the host context: what is linked into the product; Conan
//! puts `test_requires` there too, and the file does not tell them apart) are required;
//! `build_requires` (tools run at build time, `tool_requires`), `python_requires` (recipe code) and
//! `config_requires` (Conan configuration) do not ship and are dev.
//!
//! A Conan 1 lockfile is a graph: nodes keyed by id, each with a `ref` (or a `pref` with the binary
//! after `:`) and `requires`/`build_requires` lists of node ids, and `python_requires` references.
//! The node with a `path` is the consumer conanfile; it is the root when it has a reference of its
//! own (a `conanfile.py` with name and version). What the consumer reaches through `requires`
//! alone is required; what is reached only through a build or python requirement is dev.
//!
//! The purl carries `user` and `channel` (unless `_`, Conan 1's "none") and the recipe revision as
//! `rrev`. The revision is a hash of the recipe's files (or an scm commit), not of anything that
//! ships, so it is not recorded as a component hash.

use std::collections::{HashMap, HashSet};

use proven_model::{Component, ComponentKind, Diagnostic, Ecosystem, Location, Scope};
use serde_json::{Map, Value};

use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::text::LineIndex;

pub(super) static PARSER: ParserDef = ParserDef {
    name: "conan-lock",
    ecosystem: Ecosystem::Conan,
    matches: |name| name == "conan.lock",
    parse,
    at_path: None,
    binary: false,
};

/// A parsed recipe reference.
#[derive(Debug, PartialEq, Eq)]
struct Ref<'a> {
    name: &'a str,
    version: &'a str,
    user: Option<&'a str>,
    channel: Option<&'a str>,
    rrev: Option<&'a str>,
    /// From a Conan 1 `pref`: `package_id#prev` after the `:`.
    package: Option<&'a str>,
}

/// Splits `name/version[@user[/channel]][#rrev[%timestamp]][:package_id[#prev]]`.
fn parse_ref<'a>(s: &'a str) -> Option<Ref<'a>> {
    let (recipe, package) = match s.split_once(':') {
        Some((r, p)) => (r, Some(p).filter(|p| !p.is_empty())),
        None => (s, None),
    };
    let (recipe, rrev) = match recipe.split_once('#') {
        Some((r, rev)) => {
            let rev = rev.split('%').next().unwrap_or(rev);
            (r, Some(rev).filter(|r| !r.is_empty()))
        }
        None => (recipe, None),
    };
    let (nv, uc) = match recipe.split_once('@') {
        Some((nv, uc)) => (nv, Some(uc)),
        None => (recipe, None),
    };
    let (name, version) = nv.split_once('/')?;
    let (name, version) = (name.trim(), version.trim());
    if name.is_empty() || version.is_empty() || version.contains('/') {
        return None;
    }
    let none_if_underscore = |s: &'a str| Some(s).filter(|s| !s.is_empty() && *s != "_");
    let (user, channel) = match uc {
        Some(uc) => match uc.split_once('/') {
            Some((u, c)) => (none_if_underscore(u), none_if_underscore(c)),
            None => (none_if_underscore(uc), None),
        },
        None => (None, None),
    };
    Some(Ref {
        name,
        version,
        user,
        channel,
        rrev,
        package,
    })
}

const EXPECTED: &str =
    "a conan.lock object with `requires` lists (Conan 2) or `graph_lock.nodes` (Conan 1)";

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let doc: Value =
        serde_json::from_str(input.text).map_err(|e| ParseFailure::json(&e, EXPECTED))?;
    let Some(obj) = doc.as_object() else {
        return Err(ParseFailure::at(1, format!("expected {EXPECTED}")));
    };
    let version = obj.get("version").and_then(Value::as_str).unwrap_or("?");
    let mut reader = Reader {
        input,
        lines: LineIndex::new(input.text),
        cursor: 0,
        parsed: Parsed::default(),
    };
    if let Some(graph) = obj.get("graph_lock") {
        reader.parsed.format = format!("conan.lock v{version} (Conan 1)");
        reader.graph(graph);
    } else if obj.contains_key("requires") || version.starts_with("0.5") {
        reader.parsed.format = format!("conan.lock v{version}");
        reader.lists(obj);
    } else {
        return Err(ParseFailure::at(1, format!("expected {EXPECTED}")));
    }
    Ok(reader.parsed)
}

struct Reader<'a, 'b> {
    input: &'a Input<'b>,
    lines: LineIndex,
    /// Where the next search for an entry's text starts: entries are read in document order.
    cursor: usize,
    parsed: Parsed,
}

impl Reader<'_, '_> {
    fn loc(&self, line: Option<u32>) -> Location {
        Location {
            path: self.input.path.to_string(),
            line,
            column: None,
        }
    }

    /// The line of the next occurrence of `needle` (a JSON string as written), moving the cursor.
    fn line_of(&mut self, needle: &str) -> Option<u32> {
        let quoted = format!("\"{needle}\"");
        let rel = self.input.text.get(self.cursor..)?.find(&quoted)?;
        let at = self.cursor + rel;
        self.cursor = at + quoted.len();
        Some(self.lines.line(at))
    }

    /// The line of the next object key `key`: the string followed by `:`.
    fn line_of_key(&mut self, key: &str) -> Option<u32> {
        let quoted = format!("\"{key}\"");
        let mut from = self.cursor;
        loop {
            let rel = self.input.text.get(from..)?.find(&quoted)?;
            let at = from + rel;
            from = at + quoted.len();
            let rest = self.input.text.get(from..)?;
            if rest.trim_start().starts_with(':') {
                self.cursor = from;
                return Some(self.lines.line(at));
            }
        }
    }

    fn bad(&mut self, line: Option<u32>, message: String) {
        self.parsed
            .diagnostics
            .push(Diagnostic::error(self.loc(line), message));
        self.parsed.incomplete = Some("an entry could not be read".into());
    }

    /// A component for a reference, or `None` (with an error) when it is not one.
    fn component(&mut self, text: &str, line: Option<u32>) -> Option<Component> {
        let Some(r) = parse_ref(text) else {
            self.bad(
                line,
                format!("`{text}` is not a Conan reference; expected `name/version[@user/channel][#revision]`"),
            );
            return None;
        };
        // Lockfiles hold resolved versions; a range here would be a hand edit.
        let range = r.version.starts_with('[');
        let version = (!range).then_some(r.version);
        let mut c = Component::new(Ecosystem::Conan, None, r.name, version, self.loc(line));
        if range {
            c.requirement = Some(r.version.to_string());
            self.parsed.diagnostics.push(Diagnostic::note(
                self.loc(line),
                format!(
                    "{} is locked to the range {}, not a version",
                    r.name, r.version
                ),
            ));
        }
        c.purl = c.purl.take().map(|mut p| {
            for (k, v) in [("user", r.user), ("channel", r.channel), ("rrev", r.rrev)] {
                if let Some(v) = v {
                    p = p.with_qualifier(k, v);
                }
            }
            p
        });
        if let Some(pkg) = r.package {
            let (id, prev) = pkg.split_once('#').unwrap_or((pkg, ""));
            c.properties
                .insert("proven:conan-package-id".into(), id.to_string());
            if !prev.is_empty() {
                c.properties
                    .insert("proven:conan-package-revision".into(), prev.to_string());
            }
        }
        c.properties
            .insert("proven:origin".into(), "registry".into());
        Some(c)
    }

    /// Conan 2: four lists of references.
    fn lists(&mut self, obj: &Map<String, Value>) {
        let mut seen: HashSet<String> = HashSet::new();
        for (key, value) in obj {
            let scope = match key.as_str() {
                "requires" => Scope::Required,
                "build_requires" | "python_requires" | "config_requires" => Scope::Dev,
                _ => continue,
            };
            let Some(list) = value.as_array() else {
                let line = self.line_of_key(key);
                self.bad(line, format!("`{key}` is not a list of references"));
                continue;
            };
            let key_line = self.line_of_key(key);
            for item in list {
                let Some(text) = item.as_str() else {
                    self.bad(key_line, format!("an entry of `{key}` is not a string"));
                    continue;
                };
                let line = self.line_of(&json_escape(text));
                let Some(mut c) = self.component(text, line) else {
                    continue;
                };
                c.scope = scope;
                c.id = format!("{key} {text}");
                if seen.insert(c.id.clone()) {
                    self.parsed.components.push(c);
                }
            }
        }
    }

    /// Conan 1: a graph of nodes.
    fn graph(&mut self, graph: &Value) {
        let Some(nodes) = graph.get("nodes").and_then(Value::as_object) else {
            let line = self.line_of_key("graph_lock");
            self.bad(line, "`graph_lock` has no `nodes` object".into());
            return;
        };
        self.line_of_key("nodes");
        let node_id = |id: &str| format!("node {id}");
        let mut consumers: Vec<&str> = Vec::new();
        let mut emitted: HashSet<String> = HashSet::new();
        let mut python: HashMap<String, String> = HashMap::new();
        let mut host_edges: Vec<(String, String)> = Vec::new();
        for (id, node) in nodes {
            let line = self.line_of_key(id);
            if !node.is_object() {
                self.bad(line, format!("node {id} is not an object"));
                continue;
            }
            let is_consumer = node.get("path").is_some();
            if is_consumer {
                consumers.push(id);
            }
            let reference = node
                .get("ref")
                .or_else(|| node.get("pref"))
                .and_then(Value::as_str);
            match reference {
                Some(text) => {
                    if let Some(mut c) = self.component(text, line) {
                        c.id = node_id(id);
                        if let Some(pid) = node.get("package_id").and_then(Value::as_str) {
                            c.properties
                                .insert("proven:conan-package-id".into(), pid.to_string());
                        }
                        if let Some(prev) = node.get("prev").and_then(Value::as_str) {
                            c.properties
                                .insert("proven:conan-package-revision".into(), prev.to_string());
                        }
                        if is_consumer {
                            c.kind = ComponentKind::Application;
                            c.properties.insert("proven:origin".into(), "path".into());
                            self.parsed.root = Some(c.id.clone());
                        }
                        emitted.insert(c.id.clone());
                        self.parsed.components.push(c);
                    }
                }
                None if is_consumer => {}
                None => self.bad(line, format!("node {id} has no `ref`")),
            }
            for (key, host) in [("requires", true), ("build_requires", false)] {
                for target in node
                    .get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let Some(t) = target.as_str().filter(|t| nodes.contains_key(*t)) else {
                        self.bad(
                            line,
                            format!("node {id} `{key}` names {target}, which is not a node"),
                        );
                        continue;
                    };
                    let edge = (node_id(id), node_id(t));
                    if host {
                        host_edges.push(edge.clone());
                    }
                    self.parsed.edges.push(edge);
                }
            }
            for py in node
                .get("python_requires")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(text) = py.as_str() else {
                    self.bad(
                        line,
                        format!("node {id} has a `python_requires` entry that is not a string"),
                    );
                    continue;
                };
                let py_id = format!("python {text}");
                if !python.contains_key(text) {
                    let py_line = self.line_of(&json_escape(text));
                    if let Some(mut c) = self.component(text, py_line) {
                        c.id = py_id.clone();
                        emitted.insert(c.id.clone());
                        self.parsed.components.push(c);
                    }
                    python.insert(text.to_string(), py_id.clone());
                }
                self.parsed.edges.push((node_id(id), py_id));
            }
        }

        // The consumer's direct dependencies ship when they are `requires`. When no node is the
        // consumer (a lockfile written for one package), the nodes nothing depends on stand in.
        let mut required: Vec<String> = Vec::new();
        if consumers.is_empty() {
            let targets: HashSet<&str> =
                self.parsed.edges.iter().map(|(_, t)| t.as_str()).collect();
            required.extend(
                nodes
                    .keys()
                    .map(|id| node_id(id))
                    .filter(|id| !targets.contains(id.as_str())),
            );
        } else {
            let consumers: HashSet<String> = consumers.iter().map(|id| node_id(id)).collect();
            required.extend(
                host_edges
                    .iter()
                    .filter(|(f, _)| consumers.contains(f))
                    .map(|(_, t)| t.clone()),
            );
            self.parsed.direct.extend(
                self.parsed
                    .edges
                    .iter()
                    .filter(|(f, t)| consumers.contains(f) && emitted.contains(t))
                    .map(|(_, t)| t.clone()),
            );
        }
        self.parsed.direct.sort();
        self.parsed.direct.dedup();
        let root = self.parsed.root.clone();
        for c in &mut self.parsed.components {
            if Some(&c.id) != root.as_ref() {
                c.scope = Scope::Dev;
            }
        }
        // Reachability through `requires` alone decides what ships.
        let all_edges = std::mem::replace(&mut self.parsed.edges, host_edges);
        crate::graph::scopes_from_roots(&mut self.parsed, &required, &[], &[]);
        self.parsed.edges = all_edges;
    }
}

/// A string as JSON writes it between quotes, for finding it in the text.
fn json_escape(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted
        .get(1..quoted.len().saturating_sub(1))
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let r = parse_ref("openssl/3.1.0@user/channel#abc%1700000000.5").expect("valid");
        assert_eq!(
            r,
            Ref {
                name: "openssl",
                version: "3.1.0",
                user: Some("user"),
                channel: Some("channel"),
                rrev: Some("abc"),
                package: None,
            }
        );
        let r = parse_ref("zlib/1.2.13@_/_#rev:pid#prev").expect("valid");
        assert_eq!((r.user, r.channel, r.rrev), (None, None, Some("rev")));
        assert_eq!(r.package, Some("pid#prev"));
        let r = parse_ref("pkg/1.0@only-user").expect("valid");
        assert_eq!((r.user, r.channel), (Some("only-user"), None));
        for bad in ["zlib", "/1.0", "zlib/", "a/b/c", ""] {
            assert!(parse_ref(bad).is_none(), "{bad}");
        }
    }
}
