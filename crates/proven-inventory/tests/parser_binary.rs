//! Executables: Go build information (both layouts) and cargo-auditable's dependency list, on
//! binaries the real toolchains built (cached by scripts/make-rootfs-fixtures.sh) and on small ELF
//! files built here byte by byte.

use std::io::Write;
use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, ComponentKind, HashAlg, Inventory, Scope};

/// A little-endian ELF64 file with the given sections (name, virtual address, contents).
fn elf(sections: &[(&str, u64, &[u8])]) -> Vec<u8> {
    let mut out = vec![0u8; 64];
    out[..4].copy_from_slice(b"\x7fELF");
    out[4] = 2; // 64-bit
    out[5] = 1; // little-endian
    let mut placed = Vec::new();
    for (_, _, data) in sections {
        placed.push((out.len() as u64, data.len() as u64));
        out.extend_from_slice(data);
    }
    let mut strtab = vec![0u8];
    let mut names = Vec::new();
    for (name, _, _) in sections.iter().chain([&(".shstrtab", 0, &[][..])]) {
        names.push(strtab.len() as u32);
        strtab.extend_from_slice(name.as_bytes());
        strtab.push(0);
    }
    let strtab_at = out.len() as u64;
    out.extend_from_slice(&strtab);
    let shoff = out.len() as u64;
    let header = |name: u32, addr: u64, offset: u64, size: u64| {
        let mut h = vec![0u8; 64];
        h[..4].copy_from_slice(&name.to_le_bytes());
        h[4..8].copy_from_slice(&1u32.to_le_bytes());
        h[0x10..0x18].copy_from_slice(&addr.to_le_bytes());
        h[0x18..0x20].copy_from_slice(&offset.to_le_bytes());
        h[0x20..0x28].copy_from_slice(&size.to_le_bytes());
        h
    };
    out.extend(vec![0u8; 64]); // the null section
    for (i, (_, addr, _)) in sections.iter().enumerate() {
        out.extend(header(names[i], *addr, placed[i].0, placed[i].1));
    }
    out.extend(header(
        names[sections.len()],
        0,
        strtab_at,
        strtab.len() as u64,
    ));
    out[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
    out[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
    out[0x3c..0x3e].copy_from_slice(&(sections.len() as u16 + 2).to_le_bytes());
    out[0x3e..0x40].copy_from_slice(&(sections.len() as u16 + 1).to_le_bytes());
    out
}

const MODINFO: &str = "path\texample.com/tool\nmod\texample.com/tool\tv1.2.0\th1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\ndep\tgolang.org/x/text\tv0.3.7\th1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=\ndep\tgithub.com/old/mod\tv1.0.0\n=>\tgithub.com/new/mod\tv1.1.0\th1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\ndep\texample.com/local\tv0.0.0\n=>\t../local\t\t\nbuild\t-compiler=gc\n";

/// The module information as the linker writes it: wrapped in 16-byte sentinels.
fn wrapped() -> Vec<u8> {
    let mut m = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6".to_vec();
    m.extend_from_slice(MODINFO.as_bytes());
    m.extend_from_slice(b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2");
    m
}

fn header(flags: u8) -> Vec<u8> {
    let mut h = b"\xff Go buildinf:".to_vec();
    h.push(8);
    h.push(flags);
    h.resize(32, 0);
    h
}

fn check_go(inv: &Inventory) {
    let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:golang/example.com/local@v0.0.0",
            "pkg:golang/example.com/tool@v1.2.0",
            "pkg:golang/github.com/new/mod@v1.1.0",
            "pkg:golang/golang.org/x/text@v0.3.7",
            "pkg:golang/stdlib@v1.17.13",
        ]
    );
    let c = |i: usize| &inv.components[i];
    assert_eq!(
        c(0).properties["proven:origin"],
        "path",
        "replaced by a local folder"
    );
    assert_eq!(c(1).kind, ComponentKind::Application);
    assert_eq!(c(2).properties["proven:replaces"], "github.com/old/mod");
    assert_eq!(c(3).hashes[0].alg, HashAlg::Sha256);
    assert_eq!(inv.dependencies[&c(1).id].len(), 4);
    assert_eq!(inv.manifests[0].format, "Go build info");
}

#[test]
fn go_build_info_inline_since_1_18() {
    let mut data = header(2);
    data.push(9);
    data.extend_from_slice(b"go1.17.13");
    let m = wrapped();
    data.push((m.len() & 0x7f) as u8 | 0x80);
    data.push((m.len() >> 7) as u8);
    data.extend_from_slice(&m);
    let bin = elf(&[(".go.buildinfo", 0x1000, &data)]);
    check_go(&parse_bytes("binary", "usr/bin/tool", &bin).expect("parser"));
}

#[test]
fn go_build_info_pointers_before_1_18() {
    // .data at 0x2000: two Go string headers (pointer, length), then the strings.
    let version = b"go1.17.13";
    let m = wrapped();
    let mut data = Vec::new();
    let strings = 0x2000u64 + 32;
    for (at, len) in [
        (strings, version.len()),
        (strings + version.len() as u64, m.len()),
    ] {
        data.extend_from_slice(&at.to_le_bytes());
        data.extend_from_slice(&(len as u64).to_le_bytes());
    }
    data.extend_from_slice(version);
    data.extend_from_slice(&m);
    let mut info = header(0);
    info[16..24].copy_from_slice(&0x2000u64.to_le_bytes());
    info[24..32].copy_from_slice(&0x2010u64.to_le_bytes());
    let bin = elf(&[(".go.buildinfo", 0x1000, &info), (".data", 0x2000, &data)]);
    check_go(&parse_bytes("binary", "usr/bin/tool", &bin).expect("parser"));

    // A pointer that leads outside every section is an error, not a crash.
    info[16..24].copy_from_slice(&0x9000u64.to_le_bytes());
    let bin = elf(&[(".go.buildinfo", 0x1000, &info), (".data", 0x2000, &data)]);
    let inv = parse_bytes("binary", "usr/bin/tool", &bin).expect("parser");
    assert!(inv.components.is_empty());
    assert!(
        inv.diagnostics[0].message.contains("leads nowhere"),
        "{:?}",
        inv.diagnostics
    );
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
}

#[test]
fn cargo_auditable_section() {
    let json = br#"{"packages":[{"name":"app","version":"0.1.0","source":"local","dependencies":[1,2],"root":true},{"name":"itoa","version":"1.0.11","source":"crates.io"},{"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"}]}"#;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(json).expect("compress");
    let bin = elf(&[(".dep-v0", 0, &z.finish().expect("compress"))]);
    let inv = parse_bytes("binary", "app/server", &bin).expect("parser");
    let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:cargo/app@0.1.0",
            "pkg:cargo/cc@1.0.83",
            "pkg:cargo/itoa@1.0.11"
        ]
    );
    assert_eq!(inv.components[0].kind, ComponentKind::Application);
    assert_eq!(
        inv.components[1].scope,
        Scope::Dev,
        "build dependencies are not shipped"
    );
    assert_eq!(inv.manifests[0].direct.len(), 2);

    let bin = elf(&[(".dep-v0", 0, b"not zlib")]);
    let inv = parse_bytes("binary", "app/server", &bin).expect("parser");
    assert!(
        inv.diagnostics[0].message.contains("zlib"),
        "{:?}",
        inv.diagnostics
    );
}

#[test]
fn other_files_list_nothing() {
    for bytes in [
        &b"#!/bin/sh\necho hi\n"[..],
        &elf(&[(".text", 0x1000, b"\x90\x90")]),
    ] {
        let inv = parse_bytes("binary", "usr/bin/x", bytes).expect("parser");
        assert!(inv.components.is_empty());
        assert!(inv.manifests.is_empty(), "no manifest entry for {bytes:?}");
    }
    let inv = parse_bytes("binary", "usr/bin/x", b"\x7fELF").expect("parser");
    assert!(inv.components.is_empty());
    assert!(inv.diagnostics[0]
        .message
        .contains("expected an ELF executable"));
}

#[test]
fn binaries_built_by_the_real_toolchains() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.cache/rootfs");
    for (dir, want) in [
        (
            "go",
            &[
                "pkg:golang/example.com/greet@v0.1.0",
                "pkg:golang/example.com/hello#hello",
                "pkg:golang/stdlib@v1.19.8",
            ][..],
        ),
        (
            "rust",
            &["pkg:cargo/hello@0.1.0", "pkg:cargo/itoa@1.0.11"][..],
        ),
    ] {
        if !root.join(dir).join(".done").exists() {
            eprintln!(
                "skipped: .cache/rootfs/{dir} is not built; run scripts/make-rootfs-fixtures.sh"
            );
            continue;
        }
        let inv = inventory_tree(&root.join(dir), &WalkOptions::default());
        let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, want);
        assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    }
}
