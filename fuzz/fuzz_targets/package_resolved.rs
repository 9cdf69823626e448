#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = proven_inventory::parse_bytes("package-resolved", "Package.resolved", data);
});
