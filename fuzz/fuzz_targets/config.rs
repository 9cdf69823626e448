//! The configuration scanner on arbitrary bytes, as each kind of file it reads: it must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proven_checks::config::ConfigScanner;
use proven_checks::scanner::Sink;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let scanner = ConfigScanner::new();
    let sink = Sink::default();
    for name in [".env", "Dockerfile", "compose.yaml", "main.tf", "main.tf.json"] {
        scanner.check_text(name, &text, &sink);
    }
    scanner.finish(&sink);
});
