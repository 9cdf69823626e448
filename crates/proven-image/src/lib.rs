//! Container images read in place: `docker save` archives (the legacy `<id>/layer.tar` layout and
//! the `blobs/sha256/…` layout of newer Docker), OCI image layout folders and OCI layout tarballs.
//!
//! Nothing is unpacked to disk. [`Image::open`] reads and verifies the metadata (index, manifest,
//! config); [`walk_image`] streams each layer once, checking every blob against its digest and
//! every uncompressed layer against its diff id, applies whiteouts and opaque folders in layer
//! order into a [`FileSystem`] (path → layer, offset, size, mode, link target), and hands the
//! final files that some [`Visitor`](proven_inventory::Visitor) wants to those visitors, exactly
//! as the tree walk does. The bytes of wanted files are kept from that first pass up to a memory
//! budget; the rest are read again by seeking (uncompressed layers) or by one more streaming pass
//! over the layers that hold them (compressed layers), one file at a time.
//!
//! Every input is untrusted: entry paths that climb out of the root are rejected with a
//! diagnostic naming layer and entry, symlinks are resolved inside the image's root only, hard
//! links inside the image's own files, devices and FIFOs are ignored, and [`Limits`] bound the
//! layer count, entry sizes, total uncompressed size and compression ratio.

mod error;
mod fs;
mod layer;
mod layout;
mod store;
mod tarwalk;
mod walk;

pub use error::{ErrorKind, ImageError};
pub use fs::{FileSystem, Node, NodeKind};
pub use layout::{ArchiveFormat, Image, Layer, Reference};
pub use walk::{walk_image, ImageWalk, LAYER_PROPERTY};

/// Bounds on what an image may make us read, against decompression bombs and hostile archives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most layers an image may have.
    pub max_layers: usize,
    /// Largest single entry (file) in a layer, in bytes.
    pub max_entry_size: u64,
    /// Most uncompressed bytes of all layers together.
    pub max_total_size: u64,
    /// Largest uncompressed-to-compressed ratio of a layer, checked once a layer has produced
    /// more than [`Limits::ratio_floor`] bytes.
    pub max_ratio: u64,
    /// Uncompressed bytes a layer may produce before the ratio is checked.
    pub ratio_floor: u64,
    /// Most entries of all layers together.
    pub max_entries: usize,
    /// Largest index, manifest or config document, in bytes.
    pub max_metadata_size: u64,
    /// Bytes of wanted files kept from the first pass over the layers (the rest are read again).
    pub capture_budget: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_layers: 256,
            max_entry_size: 4 << 30,
            max_total_size: 32 << 30,
            max_ratio: 200,
            ratio_floor: 64 << 20,
            max_entries: 4_000_000,
            max_metadata_size: 16 << 20,
            capture_budget: 128 << 20,
        }
    }
}

/// Whether `path` looks like an image this crate reads: a folder with an `oci-layout` file, or a
/// tar archive (judged from its first header). [`Image::open`] says precisely what is wrong.
pub fn looks_like_image(path: &std::path::Path) -> bool {
    if path.is_dir() {
        return path.join("oci-layout").is_file();
    }
    let mut head = [0u8; 512];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && head.get(257..262) == Some(b"ustar".as_slice())
}
