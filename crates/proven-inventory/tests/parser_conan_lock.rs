//! conan.lock fixtures written by the real Conan 2 and Conan 1 clients
//! (fixtures/conan-lock/generate.sh).

use std::path::Path;

use proven_inventory::{inventory_file, parse_bytes, WalkOptions};
use proven_model::{ComponentKind, DiagnosticLevel, Inventory, Scope};

fn fixture(path: &str) -> Inventory {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/conan-lock")
        .join(path);
    inventory_file(&file, &WalkOptions::default()).expect("conan.lock is claimed")
}

fn rows(inv: &Inventory) -> Vec<(&str, Scope, Option<u32>)> {
    inv.components
        .iter()
        .map(|c| (c.id.as_str(), c.scope, c.locations[0].line))
        .collect()
}

const MYLIB2: &str =
    "pkg:conan/mylib@2.0.0?channel=stable&rrev=ec981ea04c18c3f565a20c2867e6f87e&user=acme";

#[test]
fn conan2_lists() {
    let inv = fixture("conan.lock");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let m = &inv.manifests[0];
    assert_eq!(m.format, "conan.lock v0.5");
    assert_eq!(m.root, None);
    assert!(m.direct.is_empty(), "a Conan 2 lockfile has no graph");
    assert!(inv.dependencies.is_empty());
    assert_eq!(
        rows(&inv),
        [
            (
                "pkg:conan/cmake@3.28.1?rrev=85ed43d99e32c6173cf3df84fb42df2f",
                Scope::Dev,
                Some(11)
            ),
            (
                "pkg:conan/fmt@10.2.1?rrev=be0bd3771e730f8fc800f8cae797baa1",
                Scope::Required,
                Some(8)
            ),
            (
                "pkg:conan/gtest@1.14.0?rrev=109a172e20951a7d270117d756b0a215",
                Scope::Required,
                Some(7)
            ),
            (MYLIB2, Scope::Required, Some(6)),
            (
                "pkg:conan/pyreq@0.1?rrev=12a2247ae806d8dccbc2cdb61120460c",
                Scope::Dev,
                Some(14)
            ),
            (
                "pkg:conan/spdlog@1.13.0?rrev=a483ecfb536182e4109fc33c9b7b06ba",
                Scope::Required,
                Some(5)
            ),
            (
                "pkg:conan/zlib@1.3.1?rrev=1ce5fb073d0365d53265c085815a64e3",
                Scope::Required,
                Some(4)
            ),
        ]
    );
    let mylib = inv.component(MYLIB2).expect("user/channel package");
    assert_eq!(mylib.properties["proven:origin"], "registry");
    assert!(
        mylib.hashes.is_empty(),
        "a recipe revision is not a hash of what ships"
    );
    let purl = mylib.purl.as_ref().expect("purl");
    assert_eq!(purl.qualifiers()["user"], "acme");
    assert_eq!(purl.qualifiers()["channel"], "stable");
}

#[test]
fn conan1_graph() {
    let inv = fixture("v1/conan.lock");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let m = &inv.manifests[0];
    assert_eq!(m.format, "conan.lock v0.4 (Conan 1)");
    assert_eq!(m.root, None, "conanfile.txt has no reference");
    const CMAKE: &str = "pkg:conan/cmake@3.25.1?rrev=90dddf17957977361fca4d0663566d6b";
    const SPDLOG: &str = "pkg:conan/spdlog@1.11.0?rrev=c5957ab2b889bb1f2ab7c6bde0635bd7";
    const MYLIB: &str =
        "pkg:conan/mylib@2.0.0?channel=stable&rrev=af2a8bddc45751ef8d494ae9b06f1d22&user=acme";
    const PYREQ: &str = "pkg:conan/pyreq@0.1?rrev=1d2ac27975f19358ed15ba2f5b98ec54";
    const ZLIB: &str = "pkg:conan/zlib@1.2.13?rrev=eddcddc98ae069a17bd735da8bb24848";
    const FMT: &str = "pkg:conan/fmt@9.1.0?rrev=5b0489b9698298e926de4d32c60b5c81";
    assert_eq!(
        rows(&inv),
        [
            (CMAKE, Scope::Dev, Some(52)),
            (FMT, Scope::Required, Some(28)),
            (MYLIB, Scope::Required, Some(34)),
            (PYREQ, Scope::Dev, Some(39)),
            (SPDLOG, Scope::Required, Some(16)),
            (ZLIB, Scope::Required, Some(46)),
        ]
    );
    // cmake is two nodes (the consumer's tool and spdlog's): one component, both places.
    let cmake = inv.component(CMAKE).expect("cmake");
    let lines: Vec<Option<u32>> = cmake.locations.iter().map(|l| l.line).collect();
    assert_eq!(lines, [Some(52), Some(58)]);
    assert_eq!(
        cmake.properties["proven:conan-package-id"],
        "5ab84d6acfe1f23c4fae0ab88f26e3a396351ac9"
    );
    let direct: Vec<&str> = m.direct.iter().map(String::as_str).collect();
    assert_eq!(direct, [CMAKE, MYLIB, SPDLOG]);
    let deps =
        |id: &str| -> Vec<&str> { inv.dependencies[id].iter().map(String::as_str).collect() };
    assert_eq!(deps(SPDLOG), [CMAKE, FMT]);
    assert_eq!(deps(MYLIB), [PYREQ, ZLIB]);
}

#[test]
fn conan1_consumer_with_a_reference_is_the_root() {
    let inv = fixture("v1-app/conan.lock");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    let m = &inv.manifests[0];
    const APP: &str = "pkg:conan/app@1.0?channel=testing&user=acme";
    assert_eq!(m.root.as_deref(), Some(APP));
    let app = inv.component(APP).expect("root");
    assert_eq!(app.kind, ComponentKind::Application);
    assert_eq!(app.properties["proven:origin"], "path");
    assert_eq!(
        rows(&inv),
        [
            (APP, Scope::Required, Some(4)),
            ("pkg:conan/zlib@1.2.13", Scope::Required, Some(13)),
        ]
    );
    let direct: Vec<&str> = m.direct.iter().map(String::as_str).collect();
    assert_eq!(direct, ["pkg:conan/zlib@1.2.13"], "revisions off: no rrev");
}

#[test]
fn truncated_lock_names_the_line() {
    let text = "{\n    \"version\": \"0.5\",\n    \"requires\": [\n        \"zlib/1.3.1#abc%1\",\n        \"fmt/10.2";
    let inv = parse_bytes("conan-lock", "conan.lock", text.as_bytes()).expect("parser");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(5));
    assert!(!inv.manifests[0].completeness.is_complete());
}

#[test]
fn bad_references_and_dangling_nodes_are_errors() {
    let text = r#"{
 "version": "0.5",
 "requires": ["zlib/1.3.1", "not-a-reference", 7],
 "build_requires": []
}"#;
    let inv = parse_bytes("conan-lock", "conan.lock", text.as_bytes()).expect("parser");
    assert_eq!(inv.components.len(), 1);
    let errors: Vec<Option<u32>> = inv
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .map(|d| d.location.line)
        .collect();
    assert_eq!(errors, [Some(3), Some(3)]);
    assert!(!inv.manifests[0].completeness.is_complete());

    let text = r#"{"graph_lock": {"nodes": {
  "0": {"path": "conanfile.txt", "requires": ["1", "9"]},
  "1": {"ref": "zlib/1.2.13@_/_#r1"}
}}, "version": "0.4"}"#;
    let inv = parse_bytes("conan-lock", "conan.lock", text.as_bytes()).expect("parser");
    assert_eq!(
        inv.components[0].id, "pkg:conan/zlib@1.2.13?rrev=r1",
        "`_` user and channel are not qualifiers"
    );
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Error);
    assert_eq!(inv.diagnostics[0].location.line, Some(2));
    assert!(!inv.manifests[0].completeness.is_complete());
}

#[test]
fn other_json_is_not_a_lockfile() {
    let inv = parse_bytes("conan-lock", "conan.lock", b"[1, 2]").expect("parser");
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Error);
    let inv = parse_bytes("conan-lock", "conan.lock", br#"{"a": 1}"#).expect("parser");
    assert_eq!(inv.diagnostics[0].level, DiagnosticLevel::Error);
}
