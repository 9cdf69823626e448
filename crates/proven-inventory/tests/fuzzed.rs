//! Inputs that once crashed or hung a parser, replayed on every run: `fixtures/fuzzed/<parser>/*`.

use std::path::Path;

use proven_inventory::{parse_bytes, PARSERS};

#[test]
fn fuzzed_inputs_do_not_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzzed");
    let mut replayed = 0;
    for dir in std::fs::read_dir(&root)
        .expect("fuzzed fixtures folder")
        .flatten()
    {
        let parser = dir.file_name().to_string_lossy().into_owned();
        assert!(
            PARSERS.iter().any(|p| p.name == parser),
            "fixtures/fuzzed/{parser} names no parser"
        );
        for file in std::fs::read_dir(dir.path()).expect("readable").flatten() {
            let bytes = std::fs::read(file.path()).expect("readable");
            let name = file.file_name().to_string_lossy().into_owned();
            parse_bytes(&parser, &path_for(&parser, &name), &bytes).expect("parser exists");
            replayed += 1;
        }
    }
    eprintln!("{replayed} fuzzed inputs replayed");
}

/// Formats known by their place in a file system are replayed at the place their fuzz target
/// gives them (`fuzz/fuzz_targets/<target>.rs`); the others under the input's own name.
fn path_for(parser: &str, name: &str) -> String {
    match parser {
        "os-release" => "etc/os-release",
        "dpkg-status" => "var/lib/dpkg/status",
        "dpkg-list" => "var/lib/dpkg/info/libc6:amd64.list",
        "apk-installed" => "lib/apk/db/installed",
        "rpmdb" => "var/lib/rpm/rpmdb.sqlite",
        "node-modules" => "node_modules/@scope/pkg/package.json",
        "python-installed" => "site-packages/demo-1.0.dist-info/METADATA",
        "gemspec" => "specifications/demo-1.0.gemspec",
        "jar" => "lib/demo.jar",
        "binary" => "usr/bin/demo",
        _ => name,
    }
    .to_string()
}
