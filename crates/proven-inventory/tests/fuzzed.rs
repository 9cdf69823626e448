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
            parse_bytes(&parser, &name, &bytes).expect("parser exists");
            replayed += 1;
        }
    }
    eprintln!("{replayed} fuzzed inputs replayed");
}
