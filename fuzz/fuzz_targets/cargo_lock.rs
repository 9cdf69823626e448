#![no_main]
// A Cargo.lock, then (after the first NUL byte, if any) the Cargo.toml beside it.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (lock, manifest) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], Some(String::from_utf8_lossy(&data[at + 1..]))),
        None => (data, None),
    };
    let siblings: Vec<(&str, &str)> = manifest
        .iter()
        .map(|m| ("Cargo.toml", m.as_ref()))
        .collect();
    let _ = proven_inventory::parse_bytes_beside("cargo-lock", "Cargo.lock", lock, &siblings);
});
