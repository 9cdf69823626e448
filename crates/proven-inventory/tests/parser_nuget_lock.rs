//! packages.lock.json fixtures, written by hand (fixtures/nuget-lock/README.md says why).

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, DiagnosticLevel, HashAlg, Scope};

fn fixture(name: &str) -> proven_model::Inventory {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/nuget-lock")
        .join(name);
    inventory_tree(&dir, &WalkOptions::default())
}

#[test]
fn frameworks_runtimes_and_projects() {
    let inv = fixture("v1");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let m = &inv.manifests[0];
    assert_eq!(m.format, "packages.lock.json v1");
    let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:nuget/Demo.Core#packages.lock.json",
            "pkg:nuget/Newtonsoft.Json@13.0.3",
            "pkg:nuget/Serilog.Sinks.Console@5.0.1",
            "pkg:nuget/Serilog@3.1.1",
            "pkg:nuget/System.Runtime@4.3.0",
            "pkg:nuget/runtime.linux-x64.Demo.Native@1.0.0",
            "pkg:nuget/xunit.assert@2.6.2",
            "pkg:nuget/xunit@2.6.2",
        ],
        "Newtonsoft.Json under net8.0 and net6.0 is one component"
    );
    let get = |id: &str| inv.component(id).unwrap_or_else(|| panic!("{id}"));
    let json = get("pkg:nuget/Newtonsoft.Json@13.0.3");
    assert_eq!(
        json.locations,
        [proven_model::Location::line("packages.lock.json", 5)]
    );
    assert_eq!(json.hashes.len(), 1);
    assert_eq!(json.hashes[0].alg, HashAlg::Sha512);
    assert!(json.hashes[0].value.starts_with("8148c2e8ec66ac2c"));
    assert_eq!(json.properties["proven:origin"], "registry");
    let project = get("pkg:nuget/Demo.Core#packages.lock.json");
    assert_eq!(project.version, None);
    assert_eq!(project.properties["proven:origin"], "path");
    assert_eq!(project.locations[0].line, Some(44));
    assert!(inv.dependencies[&project.id].contains(json.id.as_str()));
    // A runtime section's dependency resolves under its framework.
    assert!(
        inv.dependencies["pkg:nuget/runtime.linux-x64.Demo.Native@1.0.0"]
            .contains("pkg:nuget/System.Runtime@4.3.0")
    );
    assert_eq!(
        m.direct.iter().map(String::as_str).collect::<Vec<_>>(),
        [
            "pkg:nuget/Newtonsoft.Json@13.0.3",
            "pkg:nuget/Serilog.Sinks.Console@5.0.1",
            "pkg:nuget/xunit@2.6.2",
        ]
    );
    assert!(inv.components.iter().all(|c| c.scope == Scope::Required));
}

#[test]
fn central_package_management() {
    let inv = fixture("v2");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert_eq!(inv.manifests[0].format, "packages.lock.json v2");
    assert_eq!(inv.components.len(), 2);
    assert!(
        inv.dependencies["pkg:nuget/Microsoft.Extensions.Logging@8.0.0"]
            .contains("pkg:nuget/Microsoft.Extensions.Logging.Abstractions@8.0.1")
    );
    assert_eq!(inv.manifests[0].direct.len(), 1);
}

#[test]
fn missing_dependency_and_truncation() {
    let text = r#"{"version": 1, "dependencies": {"net8.0": {"A": {"type": "Direct", "resolved": "1.0.0", "dependencies": {"B": "1.0.0"}}}}}"#;
    let inv = parse_bytes("nuget-lock", "packages.lock.json", text.as_bytes()).expect("parser");
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Error);
    assert!(!inv.manifests[0].completeness.is_complete());

    let text = "{\n  \"version\": 1,\n  \"dependencies\": {\n    \"net8.0\": {\n      \"A\": {\n        \"type\": ";
    let inv = parse_bytes("nuget-lock", "packages.lock.json", text.as_bytes()).expect("parser");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(6));
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
}
