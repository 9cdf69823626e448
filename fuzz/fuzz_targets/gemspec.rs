#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = proven_inventory::parse_bytes("gemspec", "specifications/demo-1.0.gemspec", data);
});
