#![no_main]
//! The image reader on arbitrary bytes as a docker-save or OCI layout tarball: opening it and
//! walking every layer must never panic, whatever the archive holds.

use proven_image::{walk_image, Image, Limits};
use proven_inventory::{Visitor, WalkOptions, WalkedFile};

struct ReadsAll;

impl Visitor for ReadsAll {
    fn wants(&self, _rel: &str, _name: &str, _size: u64) -> bool {
        true
    }

    fn visit(&self, file: &WalkedFile<'_>) {
        // Companion-file lookups go through symlink resolution inside the image.
        let _ = file.tree.read("../../etc/passwd", 1 << 20);
        let _ = file.tree.read(file.rel, 1 << 20);
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_total_size: 64 << 20,
        max_entry_size: 16 << 20,
        max_entries: 100_000,
        capture_budget: 1 << 20,
        ..Limits::default()
    };
    let Ok(image) = Image::from_bytes("fuzz.tar", data.to_vec(), &limits) else {
        return;
    };
    let _ = image.purl();
    let options = WalkOptions {
        threads: 1,
        ..WalkOptions::default()
    };
    if let Ok(walked) = walk_image(&image, &options, &[&ReadsAll]) {
        for (path, _) in walked.fs.iter() {
            let _ = walked.fs.resolve(path);
        }
    }
});
