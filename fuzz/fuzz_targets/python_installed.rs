#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = proven_inventory::parse_bytes("python-installed", "site-packages/demo-1.0.dist-info/METADATA", data);
});
