//! Gemfile.lock fixtures: `real/` from the real bundler (fixtures/gemfile-lock/generate.sh),
//! `handwritten/` for the bundler 2.5 CHECKSUMS section and platform builds.

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, DiagnosticLevel, HashAlg, Scope};

fn fixture(name: &str) -> proven_model::Inventory {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/gemfile-lock")
        .join(name);
    inventory_tree(&dir, &WalkOptions::default())
}

const LOCAL: &str = "?repository_url=http:%2F%2F127.0.0.1:8808%2F";

#[test]
fn real_bundler_lockfile() {
    let inv = fixture("real");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let m = &inv.manifests[0];
    assert_eq!(m.format, "Gemfile.lock (bundler 2.3.7)");
    assert_eq!(m.root, None, "a Gemfile.lock does not name the project");
    let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    let git = "pkg:gem/gitgem@0.3.0?vcs_url=git%2B%2Ftmp%2Fproven-fixture-git%2Fgitgem%403dc7355dc35c84e0648be4be358ee5914e6a33b9";
    assert_eq!(
        ids,
        [
            "pkg:gem/fastlib@1.4.0?platform=x86_64-linux&repository_url=http:%2F%2F127.0.0.1:8808%2F".to_string(),
            format!("pkg:gem/fastlib@1.4.0{LOCAL}"),
            git.to_string(),
            format!("pkg:gem/greeter@2.1.0{LOCAL}"),
            format!("pkg:gem/leftpad@1.0.0{LOCAL}"),
            "pkg:gem/localgem@0.1.0".to_string(),
            format!("pkg:gem/spec-helper@0.9.0{LOCAL}"),
        ]
    );
    let get = |id: &str| inv.component(id).unwrap_or_else(|| panic!("{id}"));
    let fast_linux = get(ids[0]);
    assert_eq!(fast_linux.version.as_deref(), Some("1.4.0"));
    assert_eq!(fast_linux.properties["proven:platform"], "x86_64-linux");
    assert_eq!(fast_linux.locations[0].line, Some(19));
    assert_eq!(get(git).properties["proven:origin"], "git");
    assert_eq!(
        get("pkg:gem/localgem@0.1.0").properties["proven:origin"],
        "path"
    );
    assert_eq!(
        get("pkg:gem/localgem@0.1.0").source.as_deref(),
        Some("gems/localgem")
    );
    let greeter = get(&format!("pkg:gem/greeter@2.1.0{LOCAL}"));
    assert_eq!(greeter.properties["proven:origin"], "registry");
    assert_eq!(greeter.source.as_deref(), Some("http://127.0.0.1:8808/"));

    // Direct: the DEPENDENCIES section, both builds of fastlib.
    assert_eq!(m.direct.len(), 6);
    assert!(!m.direct.contains(&format!("pkg:gem/leftpad@1.0.0{LOCAL}")));
    assert!(inv.dependencies["pkg:gem/localgem@0.1.0"].contains(greeter.id.as_str()));
    assert!(inv.dependencies[git].contains(&format!("pkg:gem/leftpad@1.0.0{LOCAL}")));

    // spec-helper is only in the Gemfile's development/test group; leftpad is also reached from
    // shipped gems.
    assert_eq!(
        get(&format!("pkg:gem/spec-helper@0.9.0{LOCAL}")).scope,
        Scope::Dev
    );
    assert_eq!(
        get(&format!("pkg:gem/leftpad@1.0.0{LOCAL}")).scope,
        Scope::Required
    );
    assert!(
        inv.components.iter().all(|c| c.hashes.is_empty()),
        "bundler 2.3 writes no checksums"
    );
}

#[test]
fn checksums_platforms_and_sources() {
    let inv = fixture("handwritten");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    assert_eq!(inv.manifests[0].format, "Gemfile.lock (bundler 2.5.4)");
    assert_eq!(inv.components.len(), 7);
    assert!(inv
        .components
        .iter()
        .all(|c| c.hashes.len() == 1 && c.hashes[0].alg == HashAlg::Sha256));
    let get = |id: &str| inv.component(id).unwrap_or_else(|| panic!("{id}"));
    let linux = get("pkg:gem/nokogiri@1.16.0?platform=x86_64-linux");
    assert_eq!(
        linux.hashes[0].value,
        "d18108ed9efcdc4bb426b9e10df7c6e483ce657943a07ac990d916c9ebfe8a11"
    );
    assert_eq!(linux.locations[0].line, Some(9));
    assert_eq!(
        get("pkg:gem/nokogiri@1.16.0").hashes[0].value,
        "2bc0f077cc72c66444fe0bda838f3c1302bfbf8be84627e8791caebcfbfe305f"
    );
    let acme =
        get("pkg:gem/acme-client@3.2.0?repository_url=https:%2F%2Fgems.example.com%2Fprivate%2F");
    assert_eq!(acme.locations[0].line, Some(18));
    assert_eq!(acme.scope, Scope::Required);
    // `gem "pry", group: :development`, and coderay only through it.
    assert_eq!(get("pkg:gem/pry@0.14.2").scope, Scope::Dev);
    assert_eq!(get("pkg:gem/coderay@1.1.3").scope, Scope::Dev);
    assert_eq!(get("pkg:gem/racc@1.7.3").scope, Scope::Required);
    assert_eq!(
        inv.dependencies["pkg:gem/nokogiri@1.16.0?platform=x86_64-linux"]
            .iter()
            .collect::<Vec<_>>(),
        ["pkg:gem/racc@1.7.3"]
    );
}

#[test]
fn malformed_spec_line_names_the_line() {
    let text = "GEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.0.6)\n    broken (1.0\n\nDEPENDENCIES\n  rake\n";
    let inv = parse_bytes("gemfile-lock", "Gemfile.lock", text.as_bytes()).expect("parser exists");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(5));
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
    assert!(inv.component("pkg:gem/rake@13.0.6").is_some());
}

#[test]
fn not_a_lockfile_fails() {
    let inv = parse_bytes("gemfile-lock", "Gemfile.lock", b"  just text\n").expect("parser exists");
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Error);
    assert_eq!(inv.diagnostics[0].location.line, Some(1));
}
