//! What the Python formats share: PEP 503 names, PEP 508 requirements, exact pins, where a
//! package comes from, and the project's own dependencies as `pyproject.toml` declares them.

use std::collections::BTreeSet;

use proven_model::{Component, Ecosystem, Hash, Location, Scope};

/// PyPI's simple index, the default of every Python tool.
pub(super) const PYPI: &str = "https://pypi.org/simple";

/// The PEP 503 normalised form of a name: lowercase, runs of `-`, `_` and `.` as one `-`.
pub(super) fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for ch in name.trim().chars() {
        if matches!(ch, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(ch.to_ascii_lowercase());
        }
    }
    out
}

/// A PyPI component at a line of a file, its display name kept as written.
pub(super) fn component(
    path: &str,
    name: &str,
    version: Option<&str>,
    line: Option<u32>,
) -> Component {
    let location = Location {
        path: path.to_string(),
        line,
        column: None,
    };
    Component::new(Ecosystem::PyPI, None, name, version, location)
}

/// Adds hashes with one sort (`Component::add_hash` sorts once per hash; a package can have
/// hundreds of wheels).
pub(super) fn add_hashes(c: &mut Component, hashes: impl IntoIterator<Item = Hash>) {
    let before = c.hashes.len();
    c.hashes.extend(hashes);
    if c.hashes.len() != before {
        c.hashes.sort();
        c.hashes.dedup();
    }
}

/// A location in the file being parsed.
pub(super) fn at(path: &str, line: Option<u32>) -> Location {
    Location {
        path: path.to_string(),
        line,
        column: None,
    }
}

/// A PEP 508 requirement, borrowed from its text.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Requirement<'a> {
    pub name: &'a str,
    pub extras: Vec<&'a str>,
    /// Version specifiers without surrounding parentheses (`>=1,<2`), empty when there are none.
    pub specifier: &'a str,
    /// The direct reference after `@`.
    pub url: Option<&'a str>,
    pub marker: Option<&'a str>,
}

/// Parses `name[extra,...] specifiers ; marker` or `name[extra] @ url ; marker`. `None` when the
/// text does not start with a project name.
pub(super) fn parse_requirement(text: &str) -> Option<Requirement<'_>> {
    let s = text.trim();
    let name_end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(s.len());
    let name = &s[..name_end];
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut rest = s[name_end..].trim_start();
    let mut extras = Vec::new();
    if let Some(after) = rest.strip_prefix('[') {
        let close = after.find(']')?;
        extras = after[..close]
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        rest = after[close + 1..].trim_start();
    }
    let mut req = Requirement {
        name,
        extras,
        ..Requirement::default()
    };
    if let Some(after) = rest.strip_prefix('@') {
        // A URL may hold `;`; only one after whitespace starts the marker (PEP 508).
        let after = after.trim_start();
        let cut = after
            .char_indices()
            .find(|&(i, c)| c == ';' && after[..i].ends_with(|p: char| p.is_whitespace()))
            .map(|(i, _)| i);
        let (url, marker) = match cut {
            Some(i) => (&after[..i], Some(&after[i + 1..])),
            None => (after, None),
        };
        req.url = Some(url.trim()).filter(|u| !u.is_empty());
        req.marker = marker.map(str::trim).filter(|m| !m.is_empty());
        return Some(req);
    }
    let (spec, marker) = match rest.split_once(';') {
        Some((spec, marker)) => (spec, Some(marker.trim()).filter(|m| !m.is_empty())),
        None => (rest, None),
    };
    let spec = spec.trim();
    let spec = spec
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(spec)
        .trim();
    req.specifier = spec;
    req.marker = marker;
    Some(req)
}

/// The version a specifier set pins exactly: a clause `===v`, or `==v` without a wildcard.
pub(super) fn pinned(specifier: &str) -> Option<&str> {
    specifier.split(',').map(str::trim).find_map(|clause| {
        let v = match clause.strip_prefix("===") {
            Some(v) => v.trim(),
            None => {
                let v = clause.strip_prefix("==")?.trim();
                if v.contains('*') {
                    return None;
                }
                v
            }
        };
        (!v.is_empty()).then_some(v)
    })
}

/// A URL without the credentials it may carry: no user info at all over HTTP(S)
/// (`https://token@host/...`), no password otherwise (`ssh://git@host` keeps its user).
pub(super) fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let scheme = &url[..scheme_end];
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_string();
    };
    let userinfo = &rest[..at];
    let host_and_rest = &rest[at + 1..];
    let http = scheme.ends_with("http") || scheme.ends_with("https");
    match userinfo.split_once(':') {
        _ if http => format!("{scheme}://{host_and_rest}"),
        Some((user, _)) => format!("{scheme}://{user}@{host_and_rest}"),
        None => url.to_string(),
    }
}

fn is_pypi(index: &str) -> bool {
    let i = index.trim_end_matches('/');
    matches!(
        i,
        "https://pypi.org/simple" | "https://pypi.python.org/simple" | "https://pypi.org/pypi"
    )
}

/// Marks a component as fetched from a package index (PyPI when `None`); another index is named
/// in the purl as `repository_url`.
pub(super) fn set_registry(c: &mut Component, index: Option<&str>) {
    c.properties
        .insert("proven:origin".into(), "registry".into());
    match index.map(redact_url) {
        Some(i) if !is_pypi(&i) => {
            c.purl = c
                .purl
                .take()
                .map(|p| p.with_qualifier("repository_url", &i));
            c.source = Some(i);
        }
        _ => c.source = Some(PYPI.into()),
    }
}

/// Marks a component as fetched from git at `url`, at `commit` when known.
pub(super) fn set_git(c: &mut Component, url: &str, commit: Option<&str>) {
    let url = redact_url(url);
    let prefixed = ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|p| url.starts_with(p));
    let base = if prefixed { url } else { format!("git+{url}") };
    let vcs = match commit.filter(|r| !r.is_empty()) {
        Some(rev) => format!("{base}@{rev}"),
        None => base,
    };
    c.properties.insert("proven:origin".into(), "git".into());
    c.purl = c.purl.take().map(|p| p.with_qualifier("vcs_url", &vcs));
    c.source = Some(vcs);
}

/// Marks a component as downloaded from an archive URL.
pub(super) fn set_url(c: &mut Component, url: &str) {
    let url = redact_url(url);
    c.properties.insert("proven:origin".into(), "url".into());
    c.purl = c
        .purl
        .take()
        .map(|p| p.with_qualifier("download_url", &url));
    c.source = Some(url);
}

/// Marks a component as a local folder or file (first-party or vendored code).
pub(super) fn set_path(c: &mut Component, path: &str) {
    c.properties.insert("proven:origin".into(), "path".into());
    c.source = Some(path.to_string());
}

/// Where a direct reference (`name @ URL`, `-e URL`) points: `(origin, url, commit)`.
pub(super) fn classify_url(url: &str) -> (&'static str, &str, Option<&str>) {
    let vcs = ["git+", "hg+", "svn+", "bzr+"];
    if vcs.iter().any(|p| url.starts_with(p)) {
        // `git+https://host/repo.git@rev#egg=name`: the revision follows the last `@` of the path.
        let no_fragment = url.split('#').next().unwrap_or(url);
        let after_scheme = no_fragment.find("://").map_or(0, |i| i + 3);
        let path_start = no_fragment[after_scheme..]
            .find('/')
            .map_or(no_fragment.len(), |i| after_scheme + i);
        return match no_fragment[path_start..].rfind('@') {
            Some(at) => {
                let at = path_start + at;
                ("git", &no_fragment[..at], Some(&no_fragment[at + 1..]))
            }
            None => ("git", no_fragment, None),
        };
    }
    if url.starts_with("file:") || !url.contains("://") {
        return ("path", url, None);
    }
    ("url", url, None)
}

/// Name and version of a local project folder below the manifest's (`./libs/helper`), from its
/// `pyproject.toml` (`[project]` or `[tool.poetry]`). Folders outside it are not read.
pub(super) fn local_project(
    sibling: &dyn Fn(&str) -> Option<String>,
    dir: &str,
) -> Option<(String, Option<String>)> {
    let dir = dir.strip_prefix("file:").unwrap_or(dir);
    let dir = dir.trim_start_matches("./").trim_end_matches('/');
    if dir.starts_with('/') || dir.contains('\\') || dir.split('/').any(|seg| seg == "..") {
        return None;
    }
    let file = if dir.is_empty() || dir == "." {
        "pyproject.toml".to_string()
    } else {
        format!("{dir}/pyproject.toml")
    };
    let doc: toml::Table = toml::from_str(&sibling(&file)?).ok()?;
    let table = doc
        .get("project")
        .or_else(|| doc.get("tool").and_then(|t| t.get("poetry")))?;
    let name = table.get("name")?.as_str()?.to_string();
    let version = table
        .get("version")
        .and_then(toml::Value::as_str)
        .map(str::to_string);
    Some((name, version))
}

/// True for a full 40- or 64-hex commit id, which pins a git revision exactly.
pub(super) fn is_commit(rev: &str) -> bool {
    matches!(rev.len(), 40 | 64) && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Byte offsets → 1-based lines of every line that is exactly `header` (`[[package]]`), in order.
pub(super) fn header_lines(text: &str, header: &str) -> Vec<u32> {
    let lines = crate::text::LineIndex::new(text);
    text.match_indices(header)
        .filter(|(off, _)| {
            let starts_line = *off == 0 || text.as_bytes().get(off - 1) == Some(&b'\n');
            let end = off + header.len();
            let ends_line = matches!(text.as_bytes().get(end), None | Some(b'\n' | b'\r' | b' '));
            starts_line && ends_line
        })
        .map(|(off, _)| lines.line(off))
        .collect()
}

/// The first-party project's dependencies by scope (PEP 503 names), from `pyproject.toml`:
/// `[project]`, PEP 735 `[dependency-groups]`, and the poetry, pdm and uv tables.
#[derive(Debug, Default)]
pub(super) struct ProjectDeps {
    pub name: Option<String>,
    pub required: BTreeSet<String>,
    pub optional: BTreeSet<String>,
    pub dev: BTreeSet<String>,
    /// Names of `[project.optional-dependencies]` extras (poetry: `[tool.poetry.extras]`).
    pub extras: BTreeSet<String>,
    /// Names of development groups (PEP 735, poetry, pdm).
    pub dev_groups: BTreeSet<String>,
}

impl ProjectDeps {
    /// Reads a `pyproject.toml`; `None` when it is not TOML.
    pub fn read(text: &str) -> Option<ProjectDeps> {
        let doc: toml::Table = toml::from_str(text).ok()?;
        let mut deps = ProjectDeps::default();
        let project = doc.get("project").and_then(toml::Value::as_table);
        let tool = doc.get("tool").and_then(toml::Value::as_table);
        let poetry = tool
            .and_then(|t| t.get("poetry"))
            .and_then(toml::Value::as_table);
        deps.name = project
            .and_then(|p| p.get("name"))
            .or_else(|| poetry.and_then(|p| p.get("name")))
            .and_then(toml::Value::as_str)
            .map(normalize);
        if let Some(project) = project {
            deps.required
                .extend(requirement_names(project.get("dependencies")));
            if let Some(extras) = project
                .get("optional-dependencies")
                .and_then(toml::Value::as_table)
            {
                for (extra, list) in extras {
                    deps.extras.insert(extra.clone());
                    deps.optional.extend(requirement_names(Some(list)));
                }
            }
        }
        if let Some(groups) = doc.get("dependency-groups").and_then(toml::Value::as_table) {
            for (group, list) in groups {
                deps.dev_groups.insert(group.clone());
                deps.dev.extend(requirement_names(Some(list)));
            }
        }
        if let Some(poetry) = poetry {
            deps.read_poetry(poetry);
        }
        let pdm_dev = tool
            .and_then(|t| t.get("pdm"))
            .and_then(|p| p.get("dev-dependencies"))
            .and_then(toml::Value::as_table);
        for (group, list) in pdm_dev.into_iter().flatten() {
            deps.dev_groups.insert(group.clone());
            deps.dev.extend(requirement_names(Some(list)));
        }
        let uv_dev = tool
            .and_then(|t| t.get("uv"))
            .and_then(|u| u.get("dev-dependencies"));
        deps.dev.extend(requirement_names(uv_dev));
        if let Some(own) = &deps.name {
            for set in [&mut deps.required, &mut deps.optional, &mut deps.dev] {
                set.remove(own);
            }
        }
        Some(deps)
    }

    fn read_poetry(&mut self, poetry: &toml::Table) {
        let table_names = |t: Option<&toml::Value>| -> Vec<(String, bool)> {
            t.and_then(toml::Value::as_table)
                .into_iter()
                .flatten()
                .filter(|(k, _)| k.as_str() != "python")
                .map(|(k, v)| {
                    let optional = v
                        .get("optional")
                        .and_then(toml::Value::as_bool)
                        .unwrap_or(false);
                    (normalize(k), optional)
                })
                .collect()
        };
        for (name, optional) in table_names(poetry.get("dependencies")) {
            if optional {
                self.optional.insert(name);
            } else {
                self.required.insert(name);
            }
        }
        for (name, _) in table_names(poetry.get("dev-dependencies")) {
            self.dev.insert(name);
        }
        if let Some(extras) = poetry.get("extras").and_then(toml::Value::as_table) {
            self.extras.extend(extras.keys().cloned());
        }
        let groups = poetry.get("group").and_then(toml::Value::as_table);
        for (group, table) in groups.into_iter().flatten() {
            let names = table_names(table.get("dependencies"));
            if group == "main" {
                self.required.extend(names.into_iter().map(|(n, _)| n));
            } else {
                self.dev_groups.insert(group.clone());
                self.dev.extend(names.into_iter().map(|(n, _)| n));
            }
        }
    }

    /// Every direct dependency, whatever its scope.
    /// Sets the lockfile's direct dependencies from the project's, and, when the lockfile says
    /// nothing of scope, every component's scope from what each of the project's groups reaches.
    /// `by_name` maps a PEP 503 name to indices into `parsed.components`.
    pub fn apply(
        &self,
        parsed: &mut super::Parsed,
        by_name: &std::collections::HashMap<String, Vec<usize>>,
        derive_scopes: bool,
    ) {
        let to_ids = |names: &mut dyn Iterator<Item = &String>| -> Vec<String> {
            names
                .filter_map(|n| by_name.get(n))
                .flatten()
                .map(|&i| parsed.components[i].id.clone())
                .collect()
        };
        let required = to_ids(&mut self.required.iter());
        let optional = to_ids(&mut self.optional.iter());
        let dev = to_ids(&mut self.dev.iter());
        let mut direct = to_ids(&mut self.all());
        direct.sort();
        direct.dedup();
        parsed.direct = direct;
        if derive_scopes {
            crate::graph::scopes_from_roots(parsed, &required, &optional, &dev);
        }
    }

    pub fn all(&self) -> impl Iterator<Item = &String> {
        self.required.iter().chain(&self.optional).chain(&self.dev)
    }

    /// The scope of a named group or extra (pdm groups, PEP 751 `dependency_groups`/`extras`).
    pub fn group_scope(&self, group: &str) -> Scope {
        if group == "default" || group == "main" {
            Scope::Required
        } else if self.dev_groups.contains(group) {
            Scope::Dev
        } else {
            Scope::Optional
        }
    }
}

/// PEP 503 names of a list of PEP 508 strings (tables such as `{include-group = "x"}` skipped).
fn requirement_names(list: Option<&toml::Value>) -> impl Iterator<Item = String> + '_ {
    list.and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .filter_map(|s| parse_requirement(s).map(|r| normalize(r.name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503() {
        assert_eq!(normalize("Zope.SQLAlchemy"), "zope-sqlalchemy");
        assert_eq!(normalize("a__b-.c"), "a-b-c");
        assert_eq!(normalize("PySocks"), "pysocks");
    }

    #[test]
    fn requirements() {
        let r = parse_requirement("requests[socks, security] >=2.8, <3 ; python_version < \"3.8\"")
            .expect("valid");
        assert_eq!(r.name, "requests");
        assert_eq!(r.extras, ["socks", "security"]);
        assert_eq!(r.specifier, ">=2.8, <3");
        assert_eq!(r.marker, Some("python_version < \"3.8\""));
        let r = parse_requirement("pip @ https://h/p.zip#sha1=x ; sys_platform == 'win32'")
            .expect("valid");
        assert_eq!(r.url, Some("https://h/p.zip#sha1=x"));
        assert_eq!(r.marker, Some("sys_platform == 'win32'"));
        let r =
            parse_requirement("cffi (>=1.17,<2.0) ; platform_python_implementation != \"PyPy\"")
                .expect("valid");
        assert_eq!(r.specifier, ">=1.17,<2.0");
        assert!(parse_requirement("-e .").is_none());
        assert!(parse_requirement("foo[bar").is_none());
    }

    #[test]
    fn pins() {
        assert_eq!(pinned("==1.2.3"), Some("1.2.3"));
        assert_eq!(pinned("===1.0-odd"), Some("1.0-odd"));
        assert_eq!(pinned(">=1, ==1.4"), Some("1.4"));
        assert_eq!(pinned("==1.*"), None);
        assert_eq!(pinned(">=1"), None);
        assert_eq!(pinned(""), None);
    }

    #[test]
    fn urls() {
        assert_eq!(
            redact_url("https://user:tok@example.org/simple"),
            "https://example.org/simple"
        );
        assert_eq!(
            redact_url("https://example.org/a@b"),
            "https://example.org/a@b"
        );
        assert_eq!(redact_url("git+https://tok@h/r.git"), "git+https://h/r.git");
        assert_eq!(redact_url("ssh://git:pw@h/r"), "ssh://git@h/r");
        assert_eq!(redact_url("ssh://git@h/r"), "ssh://git@h/r");
        assert_eq!(
            classify_url("git+https://github.com/a/b.git@v1.0#egg=b"),
            ("git", "git+https://github.com/a/b.git", Some("v1.0"))
        );
        assert_eq!(
            classify_url("git+ssh://git@github.com/a/b.git"),
            ("git", "git+ssh://git@github.com/a/b.git", None)
        );
        assert_eq!(classify_url("./libs/x").0, "path");
        assert_eq!(classify_url("https://h/x-1.0.tar.gz").0, "url");
    }

    #[test]
    fn headers() {
        let t = "[[package]]\nname = 1\n[[package]] \n[[package]]x\n\n[[package]]";
        assert_eq!(header_lines(t, "[[package]]"), [1, 3, 6]);
    }
}
