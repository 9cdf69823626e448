//! gradle.lockfile, written by hand (fixtures/gradle-lockfile/README.md says why).

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, DiagnosticLevel, Scope};

#[test]
fn configurations_give_the_scope() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gradle-lockfile");
    let inv = inventory_tree(&dir, &WalkOptions::default());
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    assert_eq!(inv.manifests[0].format, "gradle.lockfile");
    let scopes: Vec<(&str, Scope, Option<u32>)> = inv
        .components
        .iter()
        .map(|c| (c.id.as_str(), c.scope, c.locations[0].line))
        .collect();
    assert_eq!(
        scopes,
        [
            (
                "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.17.1",
                Scope::Required,
                Some(4)
            ),
            (
                "pkg:maven/com.github.spotbugs/spotbugs@4.8.5",
                Scope::Dev,
                Some(9)
            ),
            (
                "pkg:maven/com.google.errorprone/error_prone_annotations@2.27.0",
                Scope::Dev,
                Some(5)
            ),
            // A custom configuration we cannot see into counts as shipped.
            (
                "pkg:maven/io.example/agent-bootstrap@1.0.0",
                Scope::Required,
                Some(10)
            ),
            ("pkg:maven/junit/junit@4.13.2", Scope::Dev, Some(6)),
            (
                "pkg:maven/org.hamcrest/hamcrest-core@1.3",
                Scope::Dev,
                Some(7)
            ),
            (
                "pkg:maven/org.slf4j/slf4j-api@2.0.13",
                Scope::Required,
                Some(8)
            ),
        ]
    );
    let slf4j = inv
        .component("pkg:maven/org.slf4j/slf4j-api@2.0.13")
        .expect("slf4j");
    assert_eq!(slf4j.group.as_deref(), Some("org.slf4j"));
    assert_eq!(slf4j.full_name(), "org.slf4j:slf4j-api");
    assert!(inv.dependencies.is_empty(), "the lockfile records no edges");
}

#[test]
fn buildscript_lockfile_is_dev() {
    let text = "org.jetbrains.kotlin:kotlin-gradle-plugin:2.0.0=classpath\n";
    let inv = parse_bytes(
        "gradle-lockfile",
        "buildscript-gradle.lockfile",
        text.as_bytes(),
    )
    .expect("parser");
    assert_eq!(inv.components[0].scope, Scope::Dev);
}

#[test]
fn malformed_line_names_the_line() {
    let text = "# header\na:b:1.0=compileClasspath\na:b=runtimeClasspath\n";
    let inv = parse_bytes("gradle-lockfile", "gradle.lockfile", text.as_bytes()).expect("parser");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(3));
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
    assert_eq!(inv.components.len(), 1);
}
