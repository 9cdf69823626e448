//! Maven's `pom.xml`: the dependencies a project declares.
//!
//! A POM is not a lockfile: transitive dependencies, and versions managed by a parent POM or an
//! imported BOM, need Maven's resolution against a repository, so the manifest is always marked
//! incomplete. What the file itself says is used: `<properties>` and `${project.*}` /
//! `${project.parent.*}` are resolved, and `<dependencyManagement>` of the same file supplies
//! missing versions. A version still unknown (or a range) gives `version: None`, the requirement
//! as written and a note.
//!
//! Scope: `compile`, `runtime` and `system` ship (required); `test` is dev; `provided` is dev too,
//! because this build does not package it (the runtime environment supplies it, or it is needed
//! only to compile, like Lombok). `<optional>true</optional>` makes a shipped dependency optional,
//! and so do dependencies declared only in a `<profile>`, which apply when the profile is active.
//! The project itself is the root.

use std::collections::HashMap;

use proven_model::{Component, ComponentKind, Diagnostic, Ecosystem, Location, Scope};
use quick_xml::events::Event;
use quick_xml::Reader;

use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::text::LineIndex;

pub(super) static PARSER: ParserDef = ParserDef {
    name: "pom-xml",
    ecosystem: Ecosystem::Maven,
    matches: |name| name == "pom.xml",
    parse,
    at_path: None,
    binary: false,
};

/// Where a `<dependency>` was declared.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Dependencies,
    Managed,
    Profile,
}

#[derive(Default, Clone)]
struct Dep {
    group: Option<String>,
    artifact: Option<String>,
    version: Option<String>,
    scope: Option<String>,
    optional: Option<String>,
    kind: Option<String>,
    classifier: Option<String>,
    line: u32,
}

#[derive(Default)]
struct Pom {
    group: Option<String>,
    artifact: Option<String>,
    version: Option<String>,
    parent_group: Option<String>,
    parent_artifact: Option<String>,
    parent_version: Option<String>,
    properties: HashMap<String, String>,
    deps: Vec<(Place, Dep)>,
}

fn read(text: &str, lines: &LineIndex) -> Result<Pom, ParseFailure> {
    let mut reader = Reader::from_str(text);
    let mut pom = Pom::default();
    let mut path: Vec<String> = Vec::new();
    let mut buf = String::new();
    let mut current: Option<(Place, Dep)> = None;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
            ParseFailure::at(lines.line(at), format!("{e}; expected well-formed XML"))
        })?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                path.push(name);
                buf.clear();
                if path.last().map(String::as_str) == Some("dependency") {
                    let place = match path_str(&path).as_str() {
                        "project/dependencies/dependency" => Some(Place::Dependencies),
                        "project/dependencyManagement/dependencies/dependency" => {
                            Some(Place::Managed)
                        }
                        "project/profiles/profile/dependencies/dependency" => Some(Place::Profile),
                        _ => None,
                    };
                    // The `<` of the element: skip the whitespace before it.
                    let start = text
                        .get(before..)
                        .and_then(|t| t.find('<'))
                        .map_or(before, |i| before + i);
                    current = place.map(|p| {
                        (
                            p,
                            Dep {
                                line: lines.line(start),
                                ..Dep::default()
                            },
                        )
                    });
                }
            }
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::CData(t) => buf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    buf.push(c);
                } else {
                    match r.as_ref() {
                        "amp" => buf.push('&'),
                        "lt" => buf.push('<'),
                        "gt" => buf.push('>'),
                        "quot" => buf.push('"'),
                        "apos" => buf.push('\''),
                        _ => {}
                    }
                }
            }
            Event::End(_) => {
                let value = buf.trim().to_string();
                let p = path_str(&path);
                let parent_is_dep = path.len() >= 2
                    && path.get(path.len() - 2).map(String::as_str) == Some("dependency");
                match p.as_str() {
                    "project/groupId" => pom.group = Some(value),
                    "project/artifactId" => pom.artifact = Some(value),
                    "project/version" => pom.version = Some(value),
                    "project/parent/groupId" => pom.parent_group = Some(value),
                    "project/parent/artifactId" => pom.parent_artifact = Some(value),
                    "project/parent/version" => pom.parent_version = Some(value),
                    _ if path.len() == 3 && p.starts_with("project/properties/") => {
                        if let Some(key) = path.last() {
                            pom.properties.insert(key.clone(), value);
                        }
                    }
                    _ if parent_is_dep => {
                        if let (Some((_, dep)), Some(field)) = (current.as_mut(), path.last()) {
                            let slot = match field.as_str() {
                                "groupId" => Some(&mut dep.group),
                                "artifactId" => Some(&mut dep.artifact),
                                "version" => Some(&mut dep.version),
                                "scope" => Some(&mut dep.scope),
                                "optional" => Some(&mut dep.optional),
                                "type" => Some(&mut dep.kind),
                                "classifier" => Some(&mut dep.classifier),
                                _ => None,
                            };
                            if let Some(slot) = slot {
                                *slot = Some(value);
                            }
                        }
                    }
                    _ => {}
                }
                if path.last().map(String::as_str) == Some("dependency") {
                    if let Some(done) = current.take() {
                        pom.deps.push(done);
                    }
                }
                path.pop();
                buf.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !path.is_empty() {
        return Err(ParseFailure::at(
            lines.line(text.len()),
            format!(
                "the file ends inside <{}>; expected its end tag",
                path.join("><")
            ),
        ));
    }
    if pom.artifact.is_none() {
        return Err(ParseFailure::at(
            1,
            "no <project><artifactId>; expected a Maven POM",
        ));
    }
    Ok(pom)
}

fn path_str(path: &[String]) -> String {
    path.join("/")
}

impl Pom {
    /// Replaces `${…}` from the file's properties and project coordinates; `None` when a
    /// reference stays unresolved.
    fn interpolate(&self, value: &str) -> Option<String> {
        let mut out = value.to_string();
        // Properties may refer to properties; a few rounds settle real POMs, and a cycle stops.
        for _ in 0..8 {
            let Some(start) = out.find("${") else {
                return Some(out);
            };
            let end = start + out.get(start..)?.find('}')?;
            let key = out.get(start + 2..end)?;
            let replacement = self.lookup(key)?;
            out.replace_range(start..=end, &replacement);
        }
        (!out.contains("${")).then_some(out)
    }

    fn lookup(&self, key: &str) -> Option<String> {
        let direct = match key {
            "project.version" | "pom.version" | "version" => {
                self.version.clone().or_else(|| self.parent_version.clone())
            }
            "project.groupId" | "pom.groupId" | "groupId" => {
                self.group.clone().or_else(|| self.parent_group.clone())
            }
            "project.artifactId" | "pom.artifactId" | "artifactId" => self.artifact.clone(),
            "project.parent.version" | "parent.version" => self.parent_version.clone(),
            "project.parent.groupId" | "parent.groupId" => self.parent_group.clone(),
            "project.parent.artifactId" | "parent.artifactId" => self.parent_artifact.clone(),
            _ => None,
        };
        direct.or_else(|| self.properties.get(key).cloned())
    }
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let lines = LineIndex::new(input.text);
    let pom = read(input.text, &lines)?;
    let loc = |line: u32| Location::line(input.path, line);
    let mut parsed = Parsed {
        format: "pom.xml".into(),
        incomplete: Some(
            "declared dependencies only; transitive dependencies need Maven resolution".into(),
        ),
        ..Parsed::default()
    };
    let project_line = input.text.find("<project").map_or(1, |off| lines.line(off));

    let group = pom
        .group
        .as_deref()
        .or(pom.parent_group.as_deref())
        .and_then(|g| pom.interpolate(g));
    let artifact = pom.artifact.as_deref().and_then(|a| pom.interpolate(a));
    let version = pom
        .version
        .as_deref()
        .or(pom.parent_version.as_deref())
        .and_then(|v| pom.interpolate(v));
    let mut root = Component::new(
        Ecosystem::Maven,
        group.as_deref(),
        artifact.as_deref().unwrap_or(""),
        version.as_deref(),
        loc(project_line),
    );
    root.id = "(project)".into();
    root.kind = ComponentKind::Application;
    root.properties
        .insert("proven:origin".into(), "path".into());
    parsed.root = Some(root.id.clone());
    parsed.components.push(root);

    let parent = match (&pom.parent_group, &pom.parent_artifact, &pom.parent_version) {
        (Some(g), Some(a), Some(v)) => Some(format!("{g}:{a}:{v}")),
        _ => None,
    };
    // groupId:artifactId[:type[:classifier]] → managed version, as written.
    let mut managed: HashMap<String, &Dep> = HashMap::new();
    for (place, dep) in &pom.deps {
        if *place == Place::Managed {
            managed.entry(dep_key(&pom, dep)).or_insert(dep);
        }
    }

    let mut seen: HashMap<String, usize> = HashMap::new();
    for (place, dep) in &pom.deps {
        if *place == Place::Managed {
            continue;
        }
        let (Some(g), Some(a)) = (
            dep.group.as_deref().and_then(|g| pom.interpolate(g)),
            dep.artifact.as_deref().and_then(|a| pom.interpolate(a)),
        ) else {
            parsed.diagnostics.push(Diagnostic::warning(
                loc(dep.line),
                "a <dependency> without a resolvable groupId and artifactId; expected both",
            ));
            continue;
        };
        let key = dep_key(&pom, dep);
        let managed_dep = managed.get(&key).copied();
        let written = dep
            .version
            .as_deref()
            .or_else(|| managed_dep.and_then(|m| m.version.as_deref()));
        let scope_written = dep
            .scope
            .as_deref()
            .or_else(|| managed_dep.and_then(|m| m.scope.as_deref()))
            .unwrap_or("compile");
        let resolved = written.and_then(|w| pom.interpolate(w));
        let (version, requirement) = match (&resolved, written) {
            (Some(v), _) if !is_range(v) => (Some(v.clone()), None),
            (Some(v), _) => {
                parsed.diagnostics.push(Diagnostic::note(
                    loc(dep.line),
                    format!("{g}:{a} asks for the range {v}; Maven picks the version"),
                ));
                (None, Some(v.clone()))
            }
            (None, Some(w)) => {
                parsed.diagnostics.push(Diagnostic::note(
                    loc(dep.line),
                    format!("the version of {g}:{a} is `{w}`, defined outside this file"),
                ));
                (None, Some(w.to_string()))
            }
            (None, None) => {
                let from = parent
                    .as_deref()
                    .map_or("an imported BOM".to_string(), |p| {
                        format!("the parent {p} or a BOM")
                    });
                parsed.diagnostics.push(Diagnostic::note(
                    loc(dep.line),
                    format!("the version of {g}:{a} is managed by {from}, not read offline"),
                ));
                (None, None)
            }
        };
        let mut c = Component::new(
            Ecosystem::Maven,
            Some(&g),
            &a,
            version.as_deref(),
            loc(dep.line),
        );
        c.requirement = requirement;
        let kind = dep.kind.as_deref().and_then(|k| pom.interpolate(k));
        let classifier = dep.classifier.as_deref().and_then(|k| pom.interpolate(k));
        if let Some(k) = kind.as_deref().filter(|k| *k != "jar") {
            c.purl = c.purl.take().map(|p| p.with_qualifier("type", k));
        }
        if let Some(cl) = classifier.as_deref() {
            c.purl = c.purl.take().map(|p| p.with_qualifier("classifier", cl));
        }
        let optional = dep
            .optional
            .as_deref()
            .or_else(|| managed_dep.and_then(|m| m.optional.as_deref()))
            == Some("true");
        c.scope = match scope_written {
            "test" | "provided" => Scope::Dev,
            _ if optional || *place == Place::Profile => Scope::Optional,
            _ => Scope::Required,
        };
        c.properties.insert(
            "proven:origin".into(),
            if scope_written == "system" {
                "path"
            } else {
                "registry"
            }
            .into(),
        );
        c.properties
            .insert("proven:maven-scope".into(), scope_written.to_string());
        c.id = format!(
            "{g}:{a}:{}:{}",
            kind.as_deref().unwrap_or("jar"),
            classifier.as_deref().unwrap_or("")
        );
        match seen.get(&c.id) {
            // Declared again (in a profile, say): the scope that ships wins.
            Some(&i) => {
                if let Some(first) = parsed.components.get_mut(i) {
                    first.scope = first.scope.strongest(c.scope);
                }
            }
            None => {
                seen.insert(c.id.clone(), parsed.components.len());
                parsed.direct.push(c.id.clone());
                parsed.edges.push(("(project)".into(), c.id.clone()));
                parsed.components.push(c);
            }
        }
    }
    Ok(parsed)
}

fn dep_key(pom: &Pom, dep: &Dep) -> String {
    let part = |v: &Option<String>| {
        v.as_deref()
            .map(|s| pom.interpolate(s).unwrap_or_else(|| s.to_string()))
            .unwrap_or_default()
    };
    let kind = dep.kind.as_deref().unwrap_or("jar");
    format!(
        "{}:{}:{kind}:{}",
        part(&dep.group),
        part(&dep.artifact),
        part(&dep.classifier)
    )
}

/// Maven version ranges: `[1.0,2.0)`, `(,1.0]`, `[1.5]`.
fn is_range(v: &str) -> bool {
    v.starts_with('[') || v.starts_with('(')
}
