//! Inputs that once crashed or hung the configuration scanner, replayed on every run the way the
//! `config` fuzz target feeds them: `fixtures/fuzzed/config/*`, each as every kind of file.

use std::path::Path;

use proven_checks::config::ConfigScanner;
use proven_checks::scanner::Sink;

#[test]
fn fuzzed_config_inputs_do_not_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzzed/config");
    let mut replayed = 0;
    for file in std::fs::read_dir(&dir)
        .expect("fuzzed fixtures folder")
        .flatten()
    {
        let bytes = std::fs::read(file.path()).expect("readable");
        let text = String::from_utf8_lossy(&bytes);
        let scanner = ConfigScanner::new();
        let sink = Sink::default();
        for name in ["Dockerfile", "compose.yaml", "main.tf", "main.tf.json"] {
            scanner.check_text(name, &text, &sink);
        }
        scanner.finish(&sink);
        replayed += 1;
    }
    assert!(replayed > 0, "no inputs under {}", dir.display());
    eprintln!("{replayed} fuzzed inputs replayed");
}
