#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = proven_inventory::parse_bytes("dpkg-list", "var/lib/dpkg/info/libc6:amd64.list", data);
});
