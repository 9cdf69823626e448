//! Gradle's dependency lockfile (`gradle.lockfile`, Gradle 6+; `buildscript-gradle.lockfile` and
//! `settings-gradle.lockfile` for the build's own classpath).
//!
//! Each line is `group:artifact:version=configuration,…`; `empty=…` names configurations that
//! resolved to nothing. The file records neither edges nor hashes. Scope comes from the
//! configurations: a module is dev when every configuration it is in is a test configuration
//! (name containing `test`) or a known build-tool one (annotation processors, static analysis,
//! coverage); any other configuration — `compileClasspath`, `runtimeClasspath`, variant classpaths
//! and custom configurations whose use we cannot see — makes it required. The buildscript and
//! settings lockfiles lock build plugins, so everything in them is dev.

use proven_model::{Component, Diagnostic, Ecosystem, Location, Scope};

use super::{Input, ParseFailure, Parsed, ParserDef};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "gradle-lockfile",
    ecosystem: Ecosystem::Maven,
    matches: |name| {
        matches!(
            name,
            "gradle.lockfile" | "buildscript-gradle.lockfile" | "settings-gradle.lockfile"
        )
    },
    parse,
    at_path: None,
    binary: false,
};

/// Configurations of build tools, matched as name prefixes (case-insensitive).
const TOOL_PREFIXES: &[&str] = &[
    "annotationprocessor",
    "kapt",
    "ksp",
    "spotbugs",
    "codenarc",
    "checkstyle",
    "pmd",
    "detekt",
    "jacoco",
    "ktlint",
    "errorprone",
    "lintclasspath",
    "jmh",
];

fn is_dev_configuration(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("test") || TOOL_PREFIXES.iter().any(|p| lower.starts_with(p))
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let build_only = input
        .path
        .rsplit('/')
        .next()
        .is_some_and(|n| n != "gradle.lockfile");
    let mut parsed = Parsed {
        format: "gradle.lockfile".into(),
        ..Parsed::default()
    };
    for (i, raw) in input.text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let text = raw.trim();
        if text.is_empty() || text.starts_with('#') || text.starts_with("empty=") {
            continue;
        }
        let (coords, configurations) = text.split_once('=').unwrap_or((text, ""));
        let parts: Vec<&str> = coords.split(':').collect();
        let [group, artifact, version] = parts.as_slice() else {
            parsed.diagnostics.push(Diagnostic::error(
                Location::line(input.path, line),
                format!("`{coords}` is not `group:artifact:version=configurations`"),
            ));
            parsed.incomplete = Some("a line of the lockfile could not be read".into());
            continue;
        };
        if group.is_empty() || artifact.is_empty() || version.is_empty() {
            parsed.diagnostics.push(Diagnostic::error(
                Location::line(input.path, line),
                format!("`{coords}` has an empty group, artifact or version"),
            ));
            parsed.incomplete = Some("a line of the lockfile could not be read".into());
            continue;
        }
        let mut c = Component::new(
            Ecosystem::Maven,
            Some(group),
            artifact,
            Some(version),
            Location::line(input.path, line),
        );
        c.id = coords.to_string();
        c.properties
            .insert("proven:origin".into(), "registry".into());
        let configurations: Vec<&str> = configurations
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let dev = build_only
            || (!configurations.is_empty()
                && configurations.iter().all(|c| is_dev_configuration(c)));
        c.scope = if dev { Scope::Dev } else { Scope::Required };
        parsed.components.push(c);
    }
    Ok(parsed)
}
