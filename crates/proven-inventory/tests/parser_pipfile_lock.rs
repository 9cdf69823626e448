//! Pipfile.lock written by the real pipenv (fixtures/pipfile-lock/generate.sh).

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, DiagnosticLevel, HashAlg, Scope};

#[test]
fn pipenv_lock() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipfile-lock");
    let inv = inventory_tree(&dir, &WalkOptions::default());
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let m = &inv.manifests[0];
    assert_eq!(m.format, "Pipfile.lock v6");
    let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:pypi/certifi@2026.10.19.post1",
            "pkg:pypi/chardet@4.0.0",
            "pkg:pypi/helper@0.1.0",
            "pkg:pypi/idna@2.10",
            "pkg:pypi/iniconfig@2.3.1",
            "pkg:pypi/packaging@26.4",
            "pkg:pypi/pluggy@1.7.0",
            "pkg:pypi/pysocks@1.7.1",
            "pkg:pypi/pytest@8.3.3",
            "pkg:pypi/requests@2.25.1",
            "pkg:pypi/urllib3@1.26.20",
        ]
    );
    let scope = |id: &str| inv.component(id).map(|c| c.scope);
    assert_eq!(scope("pkg:pypi/requests@2.25.1"), Some(Scope::Required));
    assert_eq!(scope("pkg:pypi/pytest@8.3.3"), Some(Scope::Dev));
    // idna is in `default` and in `develop`: one component, required, both places.
    let idna = inv.component("pkg:pypi/idna@2.10").expect("idna");
    assert_eq!(idna.scope, Scope::Required);
    let lines: Vec<Option<u32>> = idna.locations.iter().map(|l| l.line).collect();
    assert_eq!(lines, [Some(38), Some(77)]);

    let requests = inv.component("pkg:pypi/requests@2.25.1").expect("requests");
    assert_eq!(requests.name, "requests");
    assert_eq!(requests.hashes.len(), 2);
    assert!(requests.hashes.iter().all(|h| h.alg == HashAlg::Sha256));
    assert_eq!(requests.source.as_deref(), Some("https://pypi.org/simple"));
    assert_eq!(requests.properties["proven:extras"], "socks");
    assert!(requests.properties["proven:marker"].starts_with("python_version >= '2.7'"));
    assert_eq!(requests.locations[0].line, Some(56));

    // An editable path: the version is the local project's own.
    let helper = inv.component("pkg:pypi/helper@0.1.0").expect("helper");
    assert_eq!(helper.properties["proven:origin"], "path");
    assert_eq!(helper.properties["proven:editable"], "true");
    assert_eq!(helper.source.as_deref(), Some("./libs/helper"));

    // No edges in Pipfile.lock; the direct dependencies are the Pipfile's.
    assert!(inv.dependencies.is_empty());
    let direct: Vec<&str> = m.direct.iter().map(String::as_str).collect();
    assert_eq!(
        direct,
        [
            "pkg:pypi/helper@0.1.0",
            "pkg:pypi/idna@2.10",
            "pkg:pypi/pysocks@1.7.1",
            "pkg:pypi/pytest@8.3.3",
            "pkg:pypi/requests@2.25.1",
        ]
    );
}

#[test]
fn git_private_index_and_unpinned_entries() {
    let text = r#"{
    "_meta": {
        "pipfile-spec": 6,
        "sources": [
            {"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true},
            {"name": "corp", "url": "https://ci:token@pypi.corp.example/simple", "verify_ssl": true}
        ]
    },
    "default": {
        "attrs": {
            "git": "https://github.com/python-attrs/attrs.git",
            "ref": "a2ba8bd3b6a3e6cc3e2a1ae5f06cd6e5cfb1ebc6"
        },
        "internal-lib": {
            "hashes": ["sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254"],
            "index": "corp",
            "version": "==1.2.0"
        },
        "loose": {
            "version": "*"
        }
    },
    "develop": {}
}"#;
    let inv = parse_bytes("pipfile-lock", "Pipfile.lock", text.as_bytes()).expect("parser exists");
    let attrs = inv
        .components
        .iter()
        .find(|c| c.name == "attrs")
        .expect("attrs");
    assert_eq!(attrs.version, None);
    assert_eq!(attrs.properties["proven:origin"], "git");
    assert_eq!(
        attrs.source.as_deref(),
        Some("git+https://github.com/python-attrs/attrs.git@a2ba8bd3b6a3e6cc3e2a1ae5f06cd6e5cfb1ebc6")
    );
    assert_eq!(attrs.locations[0].line, Some(10));
    let internal = inv
        .component(
            "pkg:pypi/internal-lib@1.2.0?repository_url=https:%2F%2Fpypi.corp.example%2Fsimple",
        )
        .expect("from the corp index, credentials dropped");
    assert_eq!(internal.hashes.len(), 1);
    let loose = inv
        .components
        .iter()
        .find(|c| c.name == "loose")
        .expect("loose");
    assert_eq!(loose.version, None);
    assert_eq!(loose.requirement.as_deref(), Some("*"));
    assert_eq!(inv.diagnostics.len(), 1);
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Note);
    assert_eq!(inv.diagnostics[0].location.line, Some(19));
    assert_eq!(
        inv.manifests[0].completeness,
        Completeness::Incomplete("1 requirement is a range, not a pin".into())
    );
}

#[test]
fn truncated_lockfile_names_the_line() {
    let text = "{\n    \"_meta\": {},\n    \"default\": {\n        \"six\": {\n            \"version\": \"==1.16";
    let inv = parse_bytes("pipfile-lock", "Pipfile.lock", text.as_bytes()).expect("parser exists");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(5));
    assert!(
        d.message.contains("expected a Pipfile.lock"),
        "{}",
        d.message
    );
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
}
