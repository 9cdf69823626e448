//! uv.lock written by the real uv (fixtures/uv-lock/generate.sh).

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, ComponentKind, DiagnosticLevel, Scope};

#[test]
fn uv_lock() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/uv-lock");
    let inv = inventory_tree(&dir, &WalkOptions::default());
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let m = &inv.manifests[0];
    assert_eq!(m.format, "uv.lock v1");
    let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:pypi/certifi@2026.10.19.post1",
            "pkg:pypi/chardet@4.0.0",
            "pkg:pypi/click@8.1.7",
            "pkg:pypi/colorama@0.4.6",
            "pkg:pypi/demo@0.1.0",
            "pkg:pypi/exceptiongroup@1.3.2",
            "pkg:pypi/helper@0.1.0",
            "pkg:pypi/idna@2.10",
            "pkg:pypi/iniconfig@2.1.0",
            "pkg:pypi/iniconfig@2.3.1",
            "pkg:pypi/packaging@26.3",
            "pkg:pypi/packaging@26.4",
            "pkg:pypi/pluggy@1.6.0",
            "pkg:pypi/pluggy@1.7.0",
            "pkg:pypi/pysocks@1.7.1",
            "pkg:pypi/pytest@8.3.3",
            "pkg:pypi/requests@2.25.1",
            "pkg:pypi/tomli@2.5.0",
            "pkg:pypi/typing-extensions@4.16.0",
            "pkg:pypi/urllib3@1.26.20",
        ]
    );
    // The project is in the lock: the root.
    assert_eq!(m.root.as_deref(), Some("pkg:pypi/demo@0.1.0"));
    let demo = inv.component("pkg:pypi/demo@0.1.0").expect("demo");
    assert_eq!(demo.kind, ComponentKind::Application);
    assert_eq!(demo.properties["proven:origin"], "path");
    assert_eq!(demo.locations[0].line, Some(47), "its [[package]] line");
    let direct: Vec<&str> = m.direct.iter().map(String::as_str).collect();
    assert_eq!(
        direct,
        [
            "pkg:pypi/click@8.1.7",
            "pkg:pypi/helper@0.1.0",
            "pkg:pypi/pytest@8.3.3",
            "pkg:pypi/requests@2.25.1",
        ]
    );

    let scope = |id: &str| inv.component(id).map(|c| c.scope);
    assert_eq!(scope("pkg:pypi/demo@0.1.0"), Some(Scope::Required));
    assert_eq!(scope("pkg:pypi/idna@2.10"), Some(Scope::Required));
    assert_eq!(
        scope("pkg:pypi/pysocks@1.7.1"),
        Some(Scope::Required),
        "through requests' socks extra, which the project asks for"
    );
    assert_eq!(scope("pkg:pypi/click@8.1.7"), Some(Scope::Optional));
    assert_eq!(
        scope("pkg:pypi/colorama@0.4.6"),
        Some(Scope::Optional),
        "reached from click (extra) and pytest (dev): the stronger wins"
    );
    assert_eq!(scope("pkg:pypi/pytest@8.3.3"), Some(Scope::Dev));
    assert_eq!(scope("pkg:pypi/iniconfig@2.1.0"), Some(Scope::Dev));

    // Entries that name `version` and `source` pick one of two locked versions.
    let pytest = &inv.dependencies["pkg:pypi/pytest@8.3.3"];
    for d in [
        "iniconfig@2.1.0",
        "iniconfig@2.3.1",
        "packaging@26.3",
        "packaging@26.4",
        "tomli@2.5.0",
    ] {
        assert!(pytest.contains(&format!("pkg:pypi/{d}")), "pytest → {d}");
    }
    assert!(inv.dependencies["pkg:pypi/requests@2.25.1"].contains("pkg:pypi/pysocks@1.7.1"));
    assert!(inv.dependencies["pkg:pypi/demo@0.1.0"].contains("pkg:pypi/click@8.1.7"));

    let pytest = inv.component("pkg:pypi/pytest@8.3.3").expect("pytest");
    assert_eq!(pytest.hashes.len(), 2, "sdist and wheel");
    assert_eq!(pytest.source.as_deref(), Some("https://pypi.org/simple"));
    assert_eq!(pytest.locations[0].line, Some(190));
    let helper = inv.component("pkg:pypi/helper@0.1.0").expect("helper");
    assert_eq!(helper.properties["proven:origin"], "path");
    assert_eq!(helper.kind, ComponentKind::Library);
}

#[test]
fn virtual_workspace_git_and_dynamic_version() {
    let text = r#"version = 1
revision = 3
requires-python = ">=3.9"

[manifest]
members = ["app", "lib"]

[manifest.dependency-groups]
lint = [{ name = "ruff", specifier = ">=0.5" }]

[[package]]
name = "app"
source = { editable = "packages/app" }
dependencies = [{ name = "lib" }, { name = "pydantic-docs" }]

[[package]]
name = "lib"
version = "0.2.0"
source = { virtual = "packages/lib" }

[[package]]
name = "pydantic-docs"
version = "0.0.1"
source = { git = "https://github.com/pydantic/pydantic-docs?rev=main#6f657b30593b00cf5f7c0b7eca74e83b3b6b7819" }

[[package]]
name = "ruff"
version = "0.6.0"
source = { registry = "https://corp.example/simple" }
sdist = { url = "https://corp.example/ruff-0.6.0.tar.gz", hash = "sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254" }
"#;
    let inv = parse_bytes("uv-lock", "uv.lock", text.as_bytes()).expect("parser exists");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert_eq!(inv.manifests[0].root, None, "no member at `.`");
    let app = inv
        .components
        .iter()
        .find(|c| c.name == "app")
        .expect("app, whose version is dynamic");
    assert_eq!(app.version, None);
    assert_eq!(app.scope, Scope::Required);
    let docs = inv
        .components
        .iter()
        .find(|c| c.name == "pydantic-docs")
        .expect("git package");
    assert_eq!(docs.properties["proven:origin"], "git");
    assert_eq!(
        docs.source.as_deref(),
        Some("git+https://github.com/pydantic/pydantic-docs@6f657b30593b00cf5f7c0b7eca74e83b3b6b7819")
    );
    let ruff = inv
        .component("pkg:pypi/ruff@0.6.0?repository_url=https:%2F%2Fcorp.example%2Fsimple")
        .expect("from another index");
    assert_eq!(
        ruff.scope,
        Scope::Dev,
        "a group of the virtual workspace root"
    );
    assert_eq!(ruff.hashes.len(), 1);
    let direct: Vec<&str> = inv.manifests[0].direct.iter().map(String::as_str).collect();
    assert_eq!(direct.len(), 1, "lib is a member: {direct:?}");
}

#[test]
fn ambiguous_dependency_is_an_error() {
    let text = r#"version = 1

[[package]]
name = "a"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "b" }]

[[package]]
name = "b"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "b"
version = "2.0"
source = { registry = "https://pypi.org/simple" }
"#;
    let inv = parse_bytes("uv-lock", "uv.lock", text.as_bytes()).expect("parser exists");
    assert_eq!(inv.components.len(), 3);
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(3));
    assert!(d.message.contains("`b`"), "{}", d.message);
    assert!(!inv.is_complete());
}

#[test]
fn truncated_lockfile_names_the_line() {
    let text = "version = 1\n\n[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { registry = \"https://pypi.org/simple\"";
    let inv = parse_bytes("uv-lock", "uv.lock", text.as_bytes()).expect("parser exists");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(6));
    assert!(d.message.contains("expected a uv.lock"), "{}", d.message);
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
}
