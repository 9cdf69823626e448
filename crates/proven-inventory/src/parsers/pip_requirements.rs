//! pip requirements files: `requirements.txt` and its kin, hand-written or `pip-compile` output.
//!
//! Which files: any `*.txt` whose name contains `requirements` (`requirements.txt`,
//! `requirements-dev.txt`, `dev-requirements.txt`, `requirements_test.txt`), and any `*.txt` in a
//! folder named `requirements` (`requirements/main.txt`, see [`in_requirements_folder`]).
//! Not `*.in` files: they are the inputs of `pip-compile`, ranges whose pins are in the `.txt`
//! beside them. Not `constraints.txt`: a constraints file limits versions but installs nothing; it
//! is read when a requirements file names it with `-c`.
//!
//! Counted as one component per distinct requirement, those of `-r` includes in the same folder
//! included. A requirement pinned with `==`/`===` (or by a `-c` constraints file) has a version;
//! anything else (a range, a bare name, a VCS branch) is listed with `version: None` and its
//! requirement, never guessed, and the file is marked incomplete. `pip-compile`'s `# via` comments
//! give the dependency edges and, through `-r file.in`, the direct dependencies. Files whose name
//! or folder says they are for development (`requirements-dev.txt`, `requirements/tests.txt`,
//! `docs/requirements.txt`: a `dev`, `test(s)`, `doc(s)`, `lint` or `ci` word) give dev-scoped
//! components. `--index-url` is the index of every requirement of the file (pip applies it to
//! the whole install, whatever its line); `--extra-index-url` and `--find-links` are kept as a
//! property of each registry component, since its files may come from any of them.

use std::collections::HashMap;

use proven_model::{Component, ComponentKind, Diagnostic, Ecosystem, Hash, Scope};

use super::python::{self, at, classify_url, normalize, parse_requirement, pinned};
use super::{Input, ParseFailure, Parsed, ParserDef};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "pip-requirements",
    ecosystem: Ecosystem::PyPI,
    matches: is_requirements_file,
    parse,
    at_path: None,
    binary: false,
};

/// How deep `-r` includes are followed (a guard against include cycles as well).
const MAX_INCLUDE_DEPTH: usize = 8;

fn is_requirements_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".txt") && lower.contains("requirements")
}

/// True for a `*.txt` file in a folder named `requirements` (`requirements/main.txt`), the other
/// common layout, which the file name alone cannot tell.
pub(super) fn in_requirements_folder(folder: &str, name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let prose = ["readme", "license", "licence", "notice", "changelog"]
        .iter()
        .any(|p| lower.starts_with(p));
    folder.eq_ignore_ascii_case("requirements") && lower.ends_with(".txt") && !prose
}

/// Words of a file name that mark a development-only requirements file.
const DEV_WORDS: &[&str] = &[
    "dev",
    "develop",
    "development",
    "test",
    "tests",
    "testing",
    "doc",
    "docs",
    "lint",
    "linting",
    "ci",
    "typing",
];

/// Dev when the file's name or its folder's says so (`requirements-dev.txt`,
/// `requirements/tests.txt`, `docs/requirements.txt`).
fn scope_of_file(path: &str) -> Scope {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.rsplit('/');
    let name = parts.next().unwrap_or("");
    let folder = parts.next().unwrap_or("");
    let stem = name.strip_suffix(".txt").unwrap_or(name);
    let dev = stem
        .split(['-', '_', '.'])
        .chain(folder.split(['-', '_', '.']))
        .any(|w| DEV_WORDS.contains(&w));
    if dev {
        Scope::Dev
    } else {
        Scope::Required
    }
}

/// One logical line (continuations joined) or one comment line.
enum Event<'a> {
    Line { line: u32, text: String },
    Comment(&'a str),
}

/// Splits a file into logical lines the way pip does: a line ending in `\` continues on the next
/// one, unless that one is a comment, which ends it.
fn events(text: &str) -> Vec<Event<'_>> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut start = 0u32;
    let mut pending = false;
    for (i, raw) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim_start();
        if trimmed.starts_with('#') {
            if pending {
                out.push(Event::Line {
                    line: start,
                    text: std::mem::take(&mut buf),
                });
                pending = false;
            }
            out.push(Event::Comment(trimmed));
            continue;
        }
        if !pending {
            start = n;
        }
        match raw.strip_suffix('\\') {
            Some(head) => {
                buf.push_str(head);
                pending = true;
            }
            None => {
                buf.push_str(raw);
                out.push(Event::Line {
                    line: start,
                    text: std::mem::take(&mut buf),
                });
                pending = false;
            }
        }
    }
    if pending {
        out.push(Event::Line {
            line: start,
            text: buf,
        });
    }
    out
}

/// Splits `text  # comment` at the first `#` that starts the line or follows whitespace (pip's
/// rule, so `#egg=` and `#sha256=` in URLs stay).
fn split_comment(text: &str) -> (&str, Option<&str>) {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return (&text[..i], Some(&text[i + 1..]));
        }
    }
    (text, None)
}

/// The value of an option at the start of `line` (`--index-url URL`, `--index-url=URL`, `-iURL`).
fn option_value<'a>(line: &'a str, names: &[&str]) -> Option<&'a str> {
    for name in names {
        let Some(rest) = line.strip_prefix(name) else {
            continue;
        };
        let short = !name.starts_with("--");
        let value = if let Some(v) = rest.strip_prefix('=') {
            v
        } else if rest.starts_with(char::is_whitespace) || short && !rest.is_empty() {
            rest
        } else {
            continue;
        };
        return Some(value.trim());
    }
    None
}

/// Options that take no part in what is installed, or that we read elsewhere.
const IGNORED_OPTIONS: &[&str] = &[
    "--no-index",
    "--pre",
    "--prefer-binary",
    "--require-hashes",
    "--only-binary",
    "--no-binary",
    "--trusted-host",
    "--use-feature",
    "--config-settings",
    "--global-option",
    "--install-option",
    "--no-deps",
];

struct State<'a, 'i> {
    input: &'a Input<'i>,
    parsed: Parsed,
    /// Local id → index in `parsed.components`.
    by_id: HashMap<String, usize>,
    /// For each component, the `# via` entries that name its dependants.
    via: Vec<(usize, Vec<String>)>,
    /// Components a `# via -r ...` names as asked for by the project.
    direct: Vec<usize>,
    saw_via: bool,
    /// Components whose source is the index (set once the index is known).
    registry: Vec<usize>,
    index: Option<String>,
    extra_indexes: Vec<String>,
    constraints: HashMap<String, String>,
    unpinned: usize,
    problems: Vec<String>,
    /// Files read so far, by path; a file is read once.
    seen: Vec<String>,
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let mut st = State {
        input,
        parsed: Parsed {
            format: "requirements.txt".into(),
            ..Parsed::default()
        },
        by_id: HashMap::new(),
        via: Vec::new(),
        direct: Vec::new(),
        saw_via: false,
        registry: Vec::new(),
        index: None,
        extra_indexes: Vec::new(),
        constraints: HashMap::new(),
        unpinned: 0,
        problems: Vec::new(),
        seen: vec![input.path.to_string()],
    };
    if input.text.contains("autogenerated by pip-compile") {
        st.parsed.format = "requirements.txt (pip-compile)".into();
    }
    st.read_file(input.path, input.text, 0);
    st.finish();
    Ok(st.parsed)
}

impl State<'_, '_> {
    fn read_file(&mut self, path: &str, text: &str, depth: usize) {
        let scope = scope_of_file(path);
        let mut last: Option<usize> = None;
        let mut in_via = false;
        for event in events(text) {
            match event {
                Event::Comment(text) => {
                    let body = text.trim_start_matches('#');
                    let trimmed = body.trim();
                    if let Some(items) = trimmed.strip_prefix("via ") {
                        self.add_via(last, items.split(','));
                        in_via = false;
                    } else if trimmed == "via" {
                        in_via = last.is_some();
                    } else if in_via && body.starts_with("  ") && !trimmed.is_empty() {
                        self.add_via(last, std::iter::once(trimmed));
                    } else {
                        in_via = false;
                    }
                }
                Event::Line { line, text } => {
                    in_via = false;
                    let (content, comment) = split_comment(&text);
                    let content = content.trim();
                    if content.is_empty() {
                        continue;
                    }
                    last = self.read_line(path, line, content, scope, depth);
                    // Old pip-compile wrote `pkg==1.0  # via parent` on the line itself.
                    if let Some(items) = comment.map(str::trim).and_then(|c| c.strip_prefix("via "))
                    {
                        self.add_via(last, items.split(','));
                    }
                }
            }
        }
    }

    fn add_via<'t>(&mut self, last: Option<usize>, items: impl Iterator<Item = &'t str>) {
        let Some(idx) = last else { return };
        self.saw_via = true;
        let mut names = Vec::new();
        for item in items.map(str::trim).filter(|i| !i.is_empty()) {
            if item.starts_with("-r ") || item.starts_with("--requirement") {
                self.direct.push(idx);
            } else if item.starts_with('-') {
                // `-c constraints.txt`: a constraint, not a reason to install.
            } else if let Some((_, origin)) = item.split_once(" (") {
                // `demo (pyproject.toml)`: asked for by the project itself.
                if origin.starts_with("pyproject.toml")
                    || origin.starts_with("setup.")
                    || origin.ends_with(".in)")
                {
                    self.direct.push(idx);
                }
            } else if let Some(r) = parse_requirement(item) {
                names.push(normalize(r.name));
            }
        }
        if !names.is_empty() {
            self.via.push((idx, names));
        }
    }

    /// Reads one logical line; returns the component it declared, if any.
    fn read_line(
        &mut self,
        path: &str,
        line: u32,
        content: &str,
        scope: Scope,
        depth: usize,
    ) -> Option<usize> {
        if !content.starts_with('-') {
            let (req, options) = split_args(content);
            return self.add_requirement(path, line, req, options, scope, false);
        }
        if let Some(v) = option_value(content, &["-r", "--requirement"]) {
            self.include(path, line, v, depth, false);
        } else if let Some(v) = option_value(content, &["-c", "--constraint"]) {
            self.include(path, line, v, depth, true);
        } else if let Some(v) = option_value(content, &["-e", "--editable"]) {
            let (req, options) = split_args(v);
            return self.add_requirement(path, line, req, options, scope, true);
        } else if let Some(v) = option_value(content, &["-i", "--index-url"]) {
            self.index = Some(python::redact_url(first_word(v)));
        } else if let Some(v) = option_value(content, &["--extra-index-url"]) {
            self.extra_indexes.push(python::redact_url(first_word(v)));
        } else if let Some(v) = option_value(content, &["-f", "--find-links"]) {
            self.extra_indexes.push(python::redact_url(first_word(v)));
        } else if !IGNORED_OPTIONS
            .iter()
            .any(|o| option_value(content, &[o]).is_some() || content == *o)
        {
            self.parsed.diagnostics.push(Diagnostic::note(
                at(path, Some(line)),
                format!(
                    "option `{}` is not understood; ignored",
                    first_word(content)
                ),
            ));
        }
        None
    }

    /// Follows `-r file` (and reads `-c file` for its pins) when the file is in the same folder.
    fn include(&mut self, path: &str, line: u32, target: &str, depth: usize, constraint: bool) {
        let target = first_word(target);
        let name = target.strip_prefix("./").unwrap_or(target);
        let what = if constraint {
            "constraints file"
        } else {
            "included file"
        };
        let local = !name.is_empty() && !name.contains(['/', '\\']) && !name.contains("://");
        let text = if local {
            (self.input.sibling)(name)
        } else {
            None
        };
        let Some(text) = text else {
            let why = if local {
                "was not found beside it"
            } else {
                "is not in the same folder and was not read"
            };
            self.parsed.diagnostics.push(Diagnostic::warning(
                at(path, Some(line)),
                format!("{what} `{target}` {why}"),
            ));
            self.problems
                .push(format!("{what} `{target}` was not read"));
            return;
        };
        let sub_path = match self.input.path.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{name}"),
            None => name.to_string(),
        };
        if self.seen.contains(&sub_path) || depth >= MAX_INCLUDE_DEPTH {
            return;
        }
        self.seen.push(sub_path.clone());
        if constraint {
            self.read_constraints(&text);
        } else {
            self.read_file(&sub_path, &text, depth + 1);
        }
    }

    fn read_constraints(&mut self, text: &str) {
        for event in events(text) {
            let Event::Line { text, .. } = event else {
                continue;
            };
            let (content, _) = split_comment(&text);
            let (req, _) = split_args(content.trim());
            if let Some(r) = parse_requirement(req) {
                if let Some(v) = pinned(r.specifier) {
                    self.constraints.insert(normalize(r.name), v.to_string());
                }
            }
        }
    }

    fn add_requirement(
        &mut self,
        path: &str,
        line: u32,
        req: &str,
        options: &str,
        scope: Scope,
        editable: bool,
    ) -> Option<usize> {
        let hashes = self.hashes(path, line, options);
        let named = parse_requirement(req).filter(|r| {
            let archive = [".whl", ".tar.gz", ".zip", ".tar.bz2"]
                .iter()
                .any(|s| r.name.ends_with(s));
            r.url.is_some()
                || !archive
                    && (r.specifier.is_empty()
                        || r.specifier.starts_with(['=', '<', '>', '!', '~', '(']))
        });
        let (mut c, id) = match named {
            Some(r) => self.named(path, line, &r)?,
            None => self.unnamed(path, line, req)?,
        };
        c.scope = scope;
        if editable {
            c.properties.insert("proven:editable".into(), "true".into());
        }
        python::add_hashes(&mut c, hashes);
        Some(self.push(id, c))
    }

    /// A `name[extras] specifiers ; marker` or `name @ url` requirement.
    fn named(
        &mut self,
        path: &str,
        line: u32,
        r: &python::Requirement<'_>,
    ) -> Option<(Component, String)> {
        let norm = normalize(r.name);
        if let Some(url) = r.url {
            let mut c = python::component(path, r.name, None, Some(line));
            self.direct_reference(&mut c, path, line, url);
            set_common(&mut c, r);
            return Some((c, format!("{norm} @ {url}")));
        }
        let pin = pinned(r.specifier).map(str::to_string);
        let constrained = self.constraints.get(&norm).cloned();
        let version = pin.clone().or(constrained.clone());
        let mut c = python::component(path, r.name, version.as_deref(), Some(line));
        set_common(&mut c, r);
        self.registry.push(self.parsed.components.len());
        let id = match (&pin, &constrained) {
            (Some(v), _) => format!("{norm}@{v}"),
            (None, Some(v)) => {
                c.requirement = Some(spec_or_any(r.specifier));
                c.properties
                    .insert("proven:pinned-by".into(), "constraints file".into());
                format!("{norm}@{v}")
            }
            (None, None) => {
                let spec = spec_or_any(r.specifier);
                self.parsed.diagnostics.push(Diagnostic::note(
                    at(path, Some(line)),
                    format!(
                        "`{}` is not pinned (`{spec}`); its version is not known",
                        r.name
                    ),
                ));
                self.unpinned += 1;
                let id = format!("{norm} {spec}");
                c.requirement = Some(spec);
                id
            }
        };
        Some((c, id))
    }

    /// A requirement that is only a URL or a path (`-e ./lib`, `git+https://...#egg=x`,
    /// `./dist/pkg-1.0-py3-none-any.whl`).
    fn unnamed(&mut self, path: &str, line: u32, req: &str) -> Option<(Component, String)> {
        let fragment_name = req
            .split_once('#')
            .and_then(|(_, f)| f.split('&').find_map(|kv| kv.strip_prefix("egg=")))
            .filter(|n| !n.is_empty());
        let file = req
            .split(['#', '?'])
            .next()
            .unwrap_or(req)
            .trim_end_matches('/');
        let archive = [".whl", ".tar.gz", ".zip", ".tar.bz2"]
            .iter()
            .any(|s| file.ends_with(s));
        let path_like = archive
            || req.contains("://")
            || req.starts_with(['.', '/', '~'])
            || req.contains(['/', '\\'])
            || req.starts_with("file:");
        if !path_like {
            self.parsed.diagnostics.push(Diagnostic::error(
                at(path, Some(line)),
                format!("`{req}` is not a requirement; expected `name==version`, `name @ URL`, a URL or a path"),
            ));
            self.problems.push(format!("line {line} could not be read"));
            return None;
        }
        let file_name = file.rsplit('/').next().unwrap_or(file);
        // A wheel's file name spells out name and version exactly.
        let wheel = file_name
            .strip_suffix(".whl")
            .and_then(|stem| stem.split_once('-'))
            .and_then(|(n, rest)| Some((n, rest.split('-').next()?)));
        let local_project = (classify_url(req).0 == "path")
            .then(|| python::local_project(self.input.sibling, file))
            .flatten();
        let (name, version) = match (fragment_name, wheel, &local_project) {
            (Some(n), _, _) => (n.to_string(), None),
            (None, Some((n, v)), _) => (n.to_string(), Some(v.to_string())),
            (None, None, Some((n, v))) => (n.clone(), v.clone()),
            (None, None, None) => {
                let local = classify_url(req).0 == "path";
                if local {
                    self.parsed.diagnostics.push(Diagnostic::note(
                        at(path, Some(line)),
                        format!("`{req}` is a local folder whose project name was not found; not listed"),
                    ));
                } else {
                    self.parsed.diagnostics.push(Diagnostic::warning(
                        at(path, Some(line)),
                        format!("`{req}` names no package (add `#egg=name` or write `name @ URL`)"),
                    ));
                    self.problems
                        .push(format!("a requirement names no package ({req})"));
                }
                return None;
            }
        };
        let mut c = python::component(path, &name, version.as_deref(), Some(line));
        if version.is_none() {
            self.direct_reference(&mut c, path, line, req);
        } else {
            match classify_url(req).0 {
                "path" => python::set_path(&mut c, req),
                _ => python::set_url(&mut c, req),
            }
        }
        let is_root = matches!(file, "." | "./" | "file:.");
        if is_root && local_project.is_some() {
            c.kind = ComponentKind::Application;
        }
        let id = format!("{} @ {req}", normalize(&name));
        if is_root && local_project.is_some() {
            self.parsed.root = Some(id.clone());
        }
        Some((c, id))
    }

    /// Source, origin and requirement of a `name @ URL` or `-e URL` requirement, whose version is
    /// not known.
    fn direct_reference(&mut self, c: &mut Component, path: &str, line: u32, url: &str) {
        let (origin, base, rev) = classify_url(url);
        c.requirement = Some(url.to_string());
        match origin {
            "git" => {
                python::set_git(c, base, rev);
                if !rev.is_some_and(python::is_commit) {
                    self.parsed.diagnostics.push(Diagnostic::note(
                        at(path, Some(line)),
                        format!("`{url}` is not pinned to a commit; its version is not known"),
                    ));
                    self.unpinned += 1;
                }
            }
            "path" => python::set_path(c, url),
            _ => python::set_url(c, url),
        }
    }

    fn hashes(&mut self, path: &str, line: u32, options: &str) -> Vec<Hash> {
        let mut out = Vec::new();
        let mut words = options.split_whitespace();
        while let Some(w) = words.next() {
            let value = match w.strip_prefix("--hash") {
                Some("") => words.next(),
                Some(v) => v.strip_prefix('='),
                None => None,
            };
            let Some(value) = value else { continue };
            match Hash::from_prefixed_hex(value) {
                Some(h) => out.push(h),
                None => self.parsed.diagnostics.push(Diagnostic::warning(
                    at(path, Some(line)),
                    format!("`--hash={value}` is not an algorithm:hex digest"),
                )),
            }
        }
        out
    }

    fn push(&mut self, id: String, c: Component) -> usize {
        if let Some(&i) = self.by_id.get(&id) {
            if let Some(existing) = self.parsed.components.get_mut(i) {
                existing.scope = existing.scope.strongest(c.scope);
                python::add_hashes(existing, c.hashes);
            }
            // The registry entry pushed for the duplicate refers to the existing one.
            if self.registry.last() == Some(&self.parsed.components.len()) {
                self.registry.pop();
            }
            return i;
        }
        let mut c = c;
        c.id = id.clone();
        let i = self.parsed.components.len();
        self.by_id.insert(id, i);
        self.parsed.components.push(c);
        i
    }

    fn finish(&mut self) {
        for &i in &self.registry {
            if let Some(c) = self.parsed.components.get_mut(i) {
                python::set_registry(c, self.index.as_deref());
                if !self.extra_indexes.is_empty() {
                    c.properties.insert(
                        "proven:extra-index-urls".into(),
                        self.extra_indexes.join(" "),
                    );
                }
            }
        }
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in self.parsed.components.iter().enumerate() {
            by_name.entry(normalize(&c.name)).or_default().push(i);
        }
        let id = |i: usize| self.parsed.components[i].id.clone();
        let mut edges = Vec::new();
        for (child, parents) in &self.via {
            for parent in parents {
                for &p in by_name.get(parent).into_iter().flatten() {
                    if p != *child {
                        edges.push((id(p), id(*child)));
                    }
                }
            }
        }
        let mut direct: Vec<String> = if self.saw_via {
            self.direct.iter().map(|&i| id(i)).collect()
        } else {
            // A hand-written file lists what the project asks for.
            self.parsed
                .components
                .iter()
                .map(|c| c.id.clone())
                .collect()
        };
        if let Some(root) = &self.parsed.root {
            direct.retain(|d| d != root);
            for d in &direct {
                edges.push((root.clone(), d.clone()));
            }
        }
        direct.sort();
        direct.dedup();
        edges.sort();
        edges.dedup();
        self.parsed.edges = edges;
        self.parsed.direct = direct;
        if self.unpinned > 0 {
            let n = self.unpinned;
            self.problems.insert(
                0,
                if n == 1 {
                    "1 requirement is a range, not a pin".to_string()
                } else {
                    format!("{n} requirements are ranges, not pins")
                },
            );
        }
        if !self.problems.is_empty() {
            self.parsed.incomplete = Some(self.problems.join("; "));
        }
    }
}

/// Extras and marker as properties.
fn set_common(c: &mut Component, r: &python::Requirement<'_>) {
    if !r.extras.is_empty() {
        c.properties
            .insert("proven:extras".into(), r.extras.join(","));
    }
    if let Some(m) = r.marker {
        c.properties.insert("proven:marker".into(), m.to_string());
    }
}

fn spec_or_any(spec: &str) -> String {
    if spec.is_empty() {
        "*".to_string()
    } else {
        spec.to_string()
    }
}

fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

/// Splits a requirement line into the requirement and its per-requirement options (`--hash=...`),
/// at the first word that starts with `-`, as pip does.
fn split_args(line: &str) -> (&str, &str) {
    let mut offset = 0;
    for word in line.split(' ') {
        if word.starts_with('-') {
            return (line[..offset].trim(), line[offset..].trim());
        }
        offset += word.len() + 1;
    }
    (line.trim(), "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        for yes in [
            "requirements.txt",
            "requirements-dev.txt",
            "dev-requirements.txt",
            "Requirements_Test.txt",
        ] {
            assert!(is_requirements_file(yes), "{yes}");
        }
        for no in [
            "requirements.in",
            "constraints.txt",
            "main.txt",
            "requirements.txt.bak",
        ] {
            assert!(!is_requirements_file(no), "{no}");
        }
        assert!(in_requirements_folder("requirements", "main.txt"));
        assert!(!in_requirements_folder("reqs", "main.txt"));
        assert!(!in_requirements_folder("requirements", "README.txt"));
        assert_eq!(scope_of_file("requirements/tests.txt"), Scope::Dev);
        assert_eq!(scope_of_file("dev-requirements.txt"), Scope::Dev);
        assert_eq!(scope_of_file("requirements.txt"), Scope::Required);
        assert_eq!(scope_of_file("requirements/main.txt"), Scope::Required);
        assert_eq!(scope_of_file("docs/requirements.txt"), Scope::Dev);
        assert_eq!(scope_of_file("src/requirements.txt"), Scope::Required);
    }

    #[test]
    fn options_and_args() {
        assert_eq!(option_value("-r base.txt", &["-r"]), Some("base.txt"));
        assert_eq!(option_value("-rbase.txt", &["-r"]), Some("base.txt"));
        assert_eq!(
            option_value("--index-url=https://x", &["--index-url"]),
            Some("https://x")
        );
        assert_eq!(option_value("--index-urlx", &["--index-url"]), None);
        assert_eq!(
            split_args("a==1 ; python_version < \"3\" --hash=sha256:00"),
            ("a==1 ; python_version < \"3\"", "--hash=sha256:00")
        );
        assert_eq!(
            split_comment("x @ https://h/x.zip#egg=x  # via y"),
            ("x @ https://h/x.zip#egg=x  ", Some(" via y"))
        );
    }

    #[test]
    fn continuation_ends_at_a_comment() {
        let ev = events("a==1 \\\n    --hash=sha256:00 \\\n    # via b\nc==2\n");
        let lines: Vec<(u32, String)> = ev
            .iter()
            .filter_map(|e| match e {
                Event::Line { line, text } => Some((*line, text.clone())),
                Event::Comment(_) => None,
            })
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].0, 1);
        assert!(lines[0].1.contains("--hash=sha256:00"));
        assert_eq!(lines[1], (4, "c==2".to_string()));
    }
}
