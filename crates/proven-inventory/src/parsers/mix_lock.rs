//! Elixir's `mix.lock`: an Elixir map literal from the app name to a tuple.
//!
//! `{:hex, :package, "version", "inner_sha256", [managers], [deps], "repo", "outer_sha256"}`:
//! the outer checksum is the SHA-256 of the package tarball (older lockfiles stop before it and
//! have only the inner one, a hash of the contents, which is kept as a property). `{:git, url,
//! revision, opts}`: the revision is the version. Each dependency `{:app, "requirement", [hex:
//! :package, repo: "hexpm", optional: bool]}` is an edge to the lock entry of that app. The lockfile
//! records no environments: dependencies that the sibling `mix.exs` limits with `only:` to
//! environments other than `:prod`, and what only they reach, are dev.

use std::collections::HashSet;

use proven_model::{Component, Diagnostic, Ecosystem, Hash, HashAlg, Location};

use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::text::LineIndex;

pub(super) static PARSER: ParserDef = ParserDef {
    name: "mix-lock",
    ecosystem: Ecosystem::Hex,
    matches: |name| name == "mix.lock",
    parse,
    at_path: None,
    binary: false,
};

/// An Elixir literal, as far as mix.lock uses them.
#[derive(Debug)]
enum Term {
    Atom(String),
    Str(String),
    Other,
    List(Vec<Term>),
    Tuple(Vec<Term>),
    /// Map entries with the byte offset of each key.
    Map(Vec<(Term, Term, usize)>),
    /// `key: value` inside a list.
    Pair(String, Box<Term>),
}

impl Term {
    fn text(&self) -> Option<&str> {
        match self {
            Term::Atom(s) | Term::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Nesting deeper than this is not a mix.lock; refusing it keeps the recursion bounded.
const MAX_DEPTH: usize = 64;

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

type Fail = (usize, String);

impl<'a> Lexer<'a> {
    fn skip_ws(&mut self) {
        loop {
            let rest = self.src.get(self.pos..).unwrap_or("");
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            if trimmed.starts_with('#') {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return;
            }
        }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..)?.chars().next()
    }

    fn eat(&mut self, s: &str) -> bool {
        self.skip_ws();
        if self.src.get(self.pos..).is_some_and(|r| r.starts_with(s)) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn fail<T>(&self, what: &str) -> Result<T, Fail> {
        Err((self.pos, format!("expected {what}")))
    }

    fn term(&mut self, depth: usize) -> Result<Term, Fail> {
        if depth > MAX_DEPTH {
            return self.fail("less deeply nested terms");
        }
        self.skip_ws();
        match self.peek() {
            Some('%') => {
                self.pos += 1;
                if !self.eat("{") {
                    return self.fail("`{` after `%`");
                }
                let mut entries = Vec::new();
                loop {
                    if self.eat("}") {
                        return Ok(Term::Map(entries));
                    }
                    self.skip_ws();
                    let at = self.pos;
                    // `"key": value` or `key => value`.
                    let (key, value) = match self.term(depth + 1)? {
                        Term::Pair(k, v) => (Term::Str(k), *v),
                        key => {
                            if !self.eat("=>") {
                                return self.fail("`=>` or `key:` in a map");
                            }
                            (key, self.term(depth + 1)?)
                        }
                    };
                    entries.push((key, value, at));
                    if self.eat(",") {
                        continue;
                    }
                    if self.eat("}") {
                        return Ok(Term::Map(entries));
                    }
                    return self.fail("`,` or `}` in a map");
                }
            }
            Some('{') => {
                self.pos += 1;
                self.seq('}', depth).map(Term::Tuple)
            }
            Some('[') => {
                self.pos += 1;
                self.seq(']', depth).map(Term::List)
            }
            Some('"') => {
                let s = self.string()?;
                // `"quoted key": value`
                if self.peek() == Some(':') && !self.rest_starts_with("::") {
                    self.pos += 1;
                    let v = self.term(depth + 1)?;
                    return Ok(Term::Pair(s, Box::new(v)));
                }
                Ok(Term::Str(s))
            }
            Some(':') => {
                self.pos += 1;
                if self.peek() == Some('"') {
                    return self.string().map(Term::Atom);
                }
                let word = self.word();
                if word.is_empty() {
                    return self.fail("an atom name after `:`");
                }
                Ok(Term::Atom(word))
            }
            Some(c) if c.is_alphanumeric() || c == '_' || c == '-' => {
                let word = self.word();
                if self.peek() == Some(':') && !self.rest_starts_with("::") {
                    self.pos += 1;
                    let v = self.term(depth + 1)?;
                    return Ok(Term::Pair(word, Box::new(v)));
                }
                Ok(match word.as_str() {
                    "true" | "false" | "nil" => Term::Atom(word),
                    _ => Term::Other,
                })
            }
            _ => self.fail("a term: map, tuple, list, string, atom or number"),
        }
    }

    fn rest_starts_with(&self, s: &str) -> bool {
        self.src.get(self.pos..).is_some_and(|r| r.starts_with(s))
    }

    fn seq(&mut self, close: char, depth: usize) -> Result<Vec<Term>, Fail> {
        let mut items = Vec::new();
        let close_s = close.to_string();
        loop {
            if self.eat(&close_s) {
                return Ok(items);
            }
            items.push(self.term(depth + 1)?);
            if self.eat(",") {
                continue;
            }
            if self.eat(&close_s) {
                return Ok(items);
            }
            return self.fail(&format!("`,` or `{close}`"));
        }
    }

    fn word(&mut self) -> String {
        let rest = self.src.get(self.pos..).unwrap_or("");
        let end = rest
            .find(|c: char| {
                !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '?' | '!' | '@'))
            })
            .unwrap_or(rest.len());
        self.pos += end;
        rest[..end].to_string()
    }

    fn string(&mut self) -> Result<String, Fail> {
        // At the opening quote.
        self.pos += 1;
        let mut out = String::new();
        let rest = self.src.get(self.pos..).unwrap_or("");
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\\' => {
                    if let Some((_, e)) = chars.next() {
                        out.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                    }
                }
                _ => out.push(c),
            }
        }
        self.pos = self.src.len();
        self.fail("a closing `\"`")
    }
}

/// A lock entry's app name, its offset, and its dependencies with whether each is optional.
type EntryDeps = (String, usize, Vec<(String, bool)>);

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let lines = LineIndex::new(input.text);
    let mut lexer = Lexer {
        src: input.text,
        pos: 0,
    };
    let top = lexer.term(0).map_err(|(at, msg)| {
        ParseFailure::at(
            lines.line(at),
            format!("{msg}; expected an Elixir map literal"),
        )
    })?;
    let Term::Map(entries) = top else {
        return Err(ParseFailure::at(1, "expected a map literal `%{...}`"));
    };
    let loc = |at: usize| Location::line(input.path, lines.line(at));
    let mut parsed = Parsed {
        format: "mix.lock".into(),
        ..Parsed::default()
    };
    let mut deps_of: Vec<EntryDeps> = Vec::new();
    for (key, value, at) in &entries {
        let Some(app) = key.text() else { continue };
        let Term::Tuple(items) = value else {
            parsed.diagnostics.push(Diagnostic::error(
                loc(*at),
                format!("`{app}` is not a tuple; expected {{:hex, …}} or {{:git, …}}"),
            ));
            parsed.incomplete = Some("a lock entry could not be read".into());
            continue;
        };
        let kind = items.first().and_then(Term::text);
        let mut c = match kind {
            Some("hex") => {
                let name = items.get(1).and_then(Term::text).unwrap_or(app);
                let Some(version) = items.get(2).and_then(Term::text) else {
                    parsed.diagnostics.push(Diagnostic::error(
                        loc(*at),
                        format!("`{app}` has no version; expected {{:hex, :name, \"version\", …}}"),
                    ));
                    parsed.incomplete = Some("a lock entry could not be read".into());
                    continue;
                };
                let repo = items.get(6).and_then(Term::text).unwrap_or("hexpm");
                // `hexpm:org` is a private organization on hex.pm: the purl namespace.
                let org = repo.strip_prefix("hexpm:");
                let mut c = Component::new(Ecosystem::Hex, org, name, Some(version), loc(*at));
                c.properties
                    .insert("proven:origin".into(), "registry".into());
                if repo != "hexpm" && org.is_none() {
                    c.properties
                        .insert("proven:hex-repo".into(), repo.to_string());
                }
                if let Some(inner) = items.get(3).and_then(Term::text) {
                    c.properties
                        .insert("proven:hex-inner-checksum".into(), inner.to_string());
                }
                if let Some(outer) = items.get(7).and_then(Term::text) {
                    match Hash::from_hex(HashAlg::Sha256, outer) {
                        Some(h) => c.add_hash(h),
                        None => parsed.diagnostics.push(Diagnostic::warning(
                            loc(*at),
                            format!("outer checksum of {app} is not a SHA-256 hex digest"),
                        )),
                    }
                }
                c
            }
            Some("git") => {
                let url = items.get(1).and_then(Term::text).unwrap_or("");
                let rev = items.get(2).and_then(Term::text);
                let mut c = Component::new(Ecosystem::Hex, None, app, rev, loc(*at));
                c.properties.insert("proven:origin".into(), "git".into());
                let vcs = match rev {
                    Some(r) => format!("git+{url}@{r}"),
                    None => format!("git+{url}"),
                };
                c.purl = c.purl.take().map(|p| p.with_qualifier("vcs_url", &vcs));
                c.source = Some(url.to_string());
                c
            }
            other => {
                parsed.diagnostics.push(Diagnostic::warning(
                    loc(*at),
                    format!("`{app}` uses the unknown SCM {other:?}; expected :hex or :git"),
                ));
                parsed.incomplete = Some("a lock entry of an unknown kind".into());
                continue;
            }
        };
        c.id = app.to_string();
        let deps_index = if kind == Some("hex") { 5 } else { usize::MAX };
        let deps: Vec<(String, bool)> = match items.get(deps_index) {
            Some(Term::List(list)) => list
                .iter()
                .filter_map(|d| match d {
                    Term::Tuple(t) => {
                        let name = t.first().and_then(Term::text)?.to_string();
                        let optional = matches!(t.get(2), Some(Term::List(opts)) if opts.iter().any(
                            |o| matches!(o, Term::Pair(k, v) if k == "optional" && v.text() == Some("true"))
                        ));
                        Some((name, optional))
                    }
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        deps_of.push((app.to_string(), *at, deps));
        parsed.components.push(c);
    }
    let known: HashSet<String> = parsed.components.iter().map(|c| c.id.clone()).collect();
    let mut edges = Vec::new();
    for (from, at, deps) in &deps_of {
        for (d, optional) in deps {
            if known.contains(d) {
                edges.push((from.clone(), d.clone()));
            } else if !optional {
                // An optional dependency nothing asks for is rightly not locked; others must be.
                parsed.diagnostics.push(Diagnostic::error(
                    loc(*at),
                    format!("{from} depends on {d}, which is not in the lockfile"),
                ));
                parsed.incomplete = Some("a dependency is not in the lockfile".into());
            }
        }
    }
    parsed.edges = edges;

    if let Some(mix_exs) = (input.sibling)("mix.exs") {
        let (required, dev): (Vec<_>, Vec<_>) = declared_deps(&mix_exs)
            .into_iter()
            .filter(|(name, _)| known.contains(name))
            .partition(|(_, dev)| !dev);
        let required: Vec<String> = required.into_iter().map(|(n, _)| n).collect();
        let dev: Vec<String> = dev.into_iter().map(|(n, _)| n).collect();
        parsed.direct = required.iter().chain(&dev).cloned().collect();
        crate::graph::scopes_from_roots(&mut parsed, &required, &[], &dev);
    }
    Ok(parsed)
}

/// `{:name, …}` tuples of a mix.exs with whether `only:` leaves out `:prod`.
fn declared_deps(mix_exs: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for line in mix_exs.lines() {
        let line = line.split('#').next().unwrap_or(line).trim();
        let Some(rest) = line.strip_prefix("{:") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        let dev = match line.split_once("only:") {
            Some((_, only)) => {
                let only = only.split(['}', ']']).next().unwrap_or(only);
                !only.contains(":prod")
            }
            None => false,
        };
        out.push((name, dev));
    }
    out
}
