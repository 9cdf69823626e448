//! pom.xml, written by hand (fixtures/pom-xml/README.md says why).

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{ComponentKind, DiagnosticLevel, Scope};

#[test]
fn declared_dependencies_with_properties_and_management() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pom-xml");
    let inv = inventory_tree(&dir, &WalkOptions::default());
    let m = &inv.manifests[0];
    assert_eq!(m.format, "pom.xml");
    assert!(
        !m.completeness.is_complete(),
        "a POM never lists transitive dependencies"
    );
    assert!(inv
        .diagnostics
        .iter()
        .all(|d| d.level == DiagnosticLevel::Note));
    let notes: Vec<Option<u32>> = inv.diagnostics.iter().map(|d| d.location.line).collect();
    assert_eq!(
        notes,
        [Some(40), Some(64), Some(82)],
        "{:?}",
        inv.diagnostics
    );

    let rows: Vec<(&str, Scope, Option<u32>)> = inv
        .components
        .iter()
        .map(|c| (c.id.as_str(), c.scope, c.locations[0].line))
        .collect();
    assert_eq!(
        rows,
        [
            ("pkg:maven/com.example.demo/demo-app@1.4.0-SNAPSHOT", Scope::Required, Some(2)),
            ("pkg:maven/com.example.demo/demo-model@1.4.0-SNAPSHOT", Scope::Required, Some(48)),
            ("pkg:maven/com.example/legacy#pom.xml", Scope::Required, Some(82)),
            ("pkg:maven/com.google.guava/guava@33.2.1-jre", Scope::Required, Some(44)),
            ("pkg:maven/com.h2database/h2#pom.xml", Scope::Optional, Some(64)),
            (
                "pkg:maven/io.netty/netty-transport-native-epoll@4.1.111.Final?classifier=linux-x86_64",
                Scope::Required,
                Some(57)
            ),
            ("pkg:maven/org.apache.commons/commons-lang3@3.14.0", Scope::Required, Some(52)),
            ("pkg:maven/org.junit.jupiter/junit-jupiter@5.10.2", Scope::Dev, Some(76)),
            ("pkg:maven/org.postgresql/postgresql@42.7.3", Scope::Optional, Some(109)),
            ("pkg:maven/org.projectlombok/lombok@1.18.32", Scope::Dev, Some(70)),
            ("pkg:maven/org.springframework.boot/spring-boot-starter-web#pom.xml", Scope::Required, Some(40)),
        ],
        "plugin dependencies are not components"
    );
    let root = inv
        .component("pkg:maven/com.example.demo/demo-app@1.4.0-SNAPSHOT")
        .expect("root");
    assert_eq!(root.kind, ComponentKind::Application);
    assert_eq!(m.root.as_deref(), Some(root.id.as_str()));
    assert_eq!(m.direct.len(), 10);
    assert_eq!(inv.dependencies[&root.id].len(), 10);
    let h2 = inv
        .component("pkg:maven/com.h2database/h2#pom.xml")
        .expect("h2");
    assert_eq!(h2.version, None);
    assert_eq!(h2.requirement.as_deref(), Some("[2.2,2.3)"));
    let legacy = inv
        .component("pkg:maven/com.example/legacy#pom.xml")
        .expect("legacy");
    assert_eq!(legacy.requirement.as_deref(), Some("${legacy.version}"));
}

#[test]
fn unclosed_element_names_the_line() {
    let text = "<project>\n  <artifactId>a</artifactId>\n  <dependencies>\n    <dependency>\n";
    let inv = parse_bytes("pom-xml", "pom.xml", text.as_bytes()).expect("parser");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(5));
    assert!(!inv.manifests[0].completeness.is_complete());

    let text = "<project>\n  <artifactId>a</artifactId>\n  <dependencies>\n  </dependency>\n";
    let inv = parse_bytes("pom-xml", "pom.xml", text.as_bytes()).expect("parser");
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Error);
    assert_eq!(inv.diagnostics[0].location.line, Some(4));
}

#[test]
fn property_cycles_stop() {
    let text = "<project><artifactId>a</artifactId><properties><x>${y}</x><y>${x}</y></properties><dependencies><dependency><groupId>g</groupId><artifactId>b</artifactId><version>${x}</version></dependency></dependencies></project>";
    let inv = parse_bytes("pom-xml", "pom.xml", text.as_bytes()).expect("parser");
    assert_eq!(inv.components.len(), 2);
    assert!(inv
        .components
        .iter()
        .any(|c| c.requirement.as_deref() == Some("${x}")));
}
