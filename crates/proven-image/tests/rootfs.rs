//! Any root filesystem packed as an image (by scripts/make-image-fixtures.py, no Docker daemon)
//! inventories exactly like the folder itself; with a Debian rootfs, the dpkg components are
//! exactly what dpkg-query lists.
//!
//! Runs on the folder named by `PROVEN_ROOTFS` (a debootstrap rootfs, say); without it, on the
//! inventory's own lockfile fixtures.

use std::path::{Path, PathBuf};
use std::process::Command;

use proven_image::{walk_image, Image, Limits};
use proven_inventory::{inventory_tree, InventoryVisitor, WalkOptions};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pack(rootfs: &Path, out: &Path, format: &str, compression: &str) -> bool {
    let status = Command::new("python3")
        .arg(repo().join("scripts/make-image-fixtures.py"))
        .args(["pack", "--rootfs"])
        .arg(rootfs)
        .arg("--out")
        .arg(out)
        .args([
            "--format",
            format,
            "--layers",
            "3",
            "--compression",
            compression,
        ])
        .status();
    match status {
        Ok(s) => s.success(),
        Err(e) => {
            eprintln!("skipped: python3 cannot run ({e})");
            false
        }
    }
}

#[test]
fn a_packed_rootfs_inventories_like_the_folder() {
    let rootfs = std::env::var_os("PROVEN_ROOTFS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("crates/proven-inventory/tests/fixtures"));
    let options = WalkOptions {
        include_vendored: true,
        ..WalkOptions::default()
    };
    let folder = inventory_tree(&rootfs, &options);
    let dir = tempfile::tempdir().expect("tempdir");
    for (format, compression, name) in [
        ("docker", "none", "image.tar"),
        ("oci-dir", "zstd", "oci"),
        ("oci-tar", "gzip", "oci.tar"),
    ] {
        let out = dir.path().join(name);
        if !pack(&rootfs, &out, format, compression) {
            return;
        }
        let image = Image::open(&out, &Limits::default()).expect("the packed image opens");
        let visitor = InventoryVisitor::default();
        let walked = walk_image(&image, &options, &[&visitor]).expect("walks");
        let inventory = visitor.finish(walked.diagnostics);
        let ids = |inv: &proven_model::Inventory| -> Vec<String> {
            inv.components.iter().map(|c| c.id.clone()).collect()
        };
        assert_eq!(ids(&inventory), ids(&folder), "{format}");
        let paths = |inv: &proven_model::Inventory| -> Vec<String> {
            inv.manifests.iter().map(|m| m.path.clone()).collect()
        };
        assert_eq!(paths(&inventory), paths(&folder), "{format}");
        assert!(!inventory.components.is_empty());

        let admindir = rootfs.join("var/lib/dpkg");
        if admindir.join("status").is_file() {
            let listed = Command::new("dpkg-query")
                .arg("-W")
                .arg(format!("--admindir={}", admindir.display()))
                .output()
                .expect("dpkg-query runs");
            let expected = String::from_utf8_lossy(&listed.stdout).lines().count();
            let debs = inventory
                .components
                .iter()
                .filter(|c| c.purl.as_ref().is_some_and(|p| p.ty() == "deb"))
                .count();
            assert_eq!(debs, expected, "dpkg components of the {format} image");
        }
    }
}
