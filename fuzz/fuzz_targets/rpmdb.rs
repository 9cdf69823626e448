#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = proven_inventory::parse_bytes("rpmdb", "var/lib/rpm/rpmdb.sqlite", data);
});
