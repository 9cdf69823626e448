//! pylock.toml (PEP 751) written by real tools: `uv export --format pylock.toml` and pdm's native
//! pylock lock format (fixtures/uv-lock/generate.sh, fixtures/pdm-lock/generate.sh).

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, ComponentKind, DiagnosticLevel, HashAlg, Inventory, Scope};

fn fixture(dir: &str) -> Inventory {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pylock")
        .join(dir);
    inventory_tree(&dir, &WalkOptions::default())
}

#[test]
fn uv_export() {
    let inv = fixture("uv");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let m = &inv.manifests[0];
    assert_eq!(m.format, "pylock.toml v1.0");
    assert_eq!(
        inv.components.len(),
        20,
        "the uv.lock's 20 packages, exported"
    );
    // `directory = { path = "." }`: the project, without a version (none is written).
    let root = m.root.as_deref().expect("a root");
    let demo = inv.component(root).expect("demo");
    assert_eq!(demo.name, "demo");
    assert_eq!(demo.kind, ComponentKind::Application);
    assert_eq!(demo.version, None);
    assert_eq!(demo.locations[0].line, Some(35));
    // uv exports the install set of every extra and group flat: no markers say why.
    assert!(inv.components.iter().all(|c| c.scope == Scope::Required));
    assert!(inv.dependencies.is_empty(), "uv writes no `dependencies`");
    let pytest = inv.component("pkg:pypi/pytest@8.3.3").expect("pytest");
    assert_eq!(pytest.hashes.len(), 2);
    assert!(pytest.hashes.iter().all(|h| h.alg == HashAlg::Sha256));
    assert_eq!(pytest.source.as_deref(), Some("https://pypi.org/simple"));
    assert_eq!(pytest.locations[0].line, Some(113));
    assert!(inv.component("pkg:pypi/iniconfig@2.1.0").is_some());
    assert!(inv.component("pkg:pypi/iniconfig@2.3.1").is_some());
    let helper = inv
        .components
        .iter()
        .find(|c| c.name == "helper")
        .expect("helper");
    assert_eq!(helper.properties["proven:origin"], "path");
    assert_eq!(helper.properties["proven:editable"], "true");
}

#[test]
fn pdm_native() {
    let inv = fixture("pdm");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    assert_eq!(inv.components.len(), 16);
    assert_eq!(inv.manifests[0].root, None);
    let scope = |id: &str| inv.component(id).map(|c| c.scope);
    assert_eq!(
        scope("pkg:pypi/requests@2.25.1"),
        Some(Scope::Required),
        "\"default\" in dependency_groups, a default group"
    );
    assert_eq!(
        scope("pkg:pypi/click@8.1.7"),
        Some(Scope::Optional),
        "\"cli\" in extras"
    );
    assert_eq!(scope("pkg:pypi/pytest@8.3.3"), Some(Scope::Dev));
    assert_eq!(
        scope("pkg:pypi/tomli@2.5.0"),
        Some(Scope::Dev),
        "python_version < \"3.11\" and \"dev\" in dependency_groups"
    );
    assert_eq!(
        scope("pkg:pypi/colorama@0.4.6"),
        Some(Scope::Optional),
        "an extra or a dev group"
    );
    // pdm records edges under [packages.tool.pdm].
    assert!(inv.dependencies["pkg:pypi/pytest@8.3.3"].contains("pkg:pypi/pluggy@1.6.0"));
    assert!(inv.dependencies["pkg:pypi/requests@2.25.1"].contains("pkg:pypi/idna@2.10"));
    let helper = inv.component("pkg:pypi/helper@0.1.0").expect("helper");
    assert_eq!(helper.properties["proven:origin"], "path");
    assert_eq!(helper.locations[0].line, Some(13));
}

#[test]
fn vcs_archive_and_dependencies_tables() {
    let text = r#"lock-version = "1.0"
created-by = "hand"

[[packages]]
name = "app"
directory = { path = "." }
dependencies = [{ name = "attrs" }, { name = "tool", version = "2.0" }]

[[packages]]
name = "attrs"
vcs = { type = "git", url = "https://github.com/python-attrs/attrs.git", requested-revision = "main", commit-id = "a2ba8bd3b6a3e6cc3e2a1ae5f06cd6e5cfb1ebc6" }

[[packages]]
name = "tool"
version = "2.0"
archive = { url = "https://files.example.org/tool-2.0.tar.gz", hashes = { sha256 = "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254" } }

[[packages]]
name = "tool"
version = "1.0"
index = "https://corp.example/simple"
sdist = { url = "https://corp.example/tool-1.0.tar.gz", hashes = { sha256 = "1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926" } }
"#;
    let inv = parse_bytes("pylock", "pylock.dev.toml", text.as_bytes()).expect("parser exists");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert_eq!(inv.components.len(), 4);
    let root = inv.manifests[0].root.clone().expect("root");
    let attrs = inv
        .components
        .iter()
        .find(|c| c.name == "attrs")
        .expect("attrs");
    assert_eq!(attrs.properties["proven:origin"], "git");
    assert_eq!(
        attrs.source.as_deref(),
        Some("git+https://github.com/python-attrs/attrs.git@a2ba8bd3b6a3e6cc3e2a1ae5f06cd6e5cfb1ebc6")
    );
    let tool2 = inv
        .components
        .iter()
        .find(|c| c.name == "tool" && c.version.as_deref() == Some("2.0"))
        .expect("tool 2.0");
    assert_eq!(tool2.properties["proven:origin"], "url");
    assert_eq!(tool2.hashes.len(), 1);
    let tool1 = inv
        .component("pkg:pypi/tool@1.0?repository_url=https:%2F%2Fcorp.example%2Fsimple")
        .expect("tool 1.0 from another index");
    assert_eq!(tool1.hashes.len(), 1);
    let deps = &inv.dependencies[&root];
    assert!(deps.contains(&tool2.id), "{deps:?}");
    assert!(!deps.contains(&tool1.id), "`version` picks one of two");
    assert!(deps.contains(&attrs.id));
    let direct: Vec<&String> = inv.manifests[0].direct.iter().collect();
    assert_eq!(direct.len(), 2);
}

#[test]
fn truncated_lockfile_names_the_line() {
    let text = "lock-version = \"1.0\"\n\n[[packages]]\nname = \"a\"\nversion = \"1.0\"\nwheels = [{ name = \"a-1.0-py3-none-any.whl\", hashes = {";
    let inv = parse_bytes("pylock", "pylock.toml", text.as_bytes()).expect("parser exists");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(6));
    assert!(
        d.message.contains("expected a pylock.toml"),
        "{}",
        d.message
    );
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
}
