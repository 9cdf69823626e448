#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = proven_inventory::parse_bytes("os-release", "etc/os-release", data);
});
