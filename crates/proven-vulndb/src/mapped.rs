//! The index file mapped read-only into memory: a scan reads the key table and the few entries its
//! components name, so mapping touches a few hundred pages where reading copied the whole file.
#![allow(unsafe_code)]

use std::fs::File;
use std::io;

use memmap2::Mmap;

/// Maps a whole file read-only.
///
/// A mapping is sound only while no one truncates or rewrites the file. Index files are written
/// once, into a fresh snapshot folder, synced, and never opened for writing again: an update
/// writes a new snapshot and moves the `current` pointer, and removing an old snapshot unlinks
/// files without changing a mapped one.
pub fn map(file: &File) -> io::Result<Mmap> {
    // SAFETY: see above; the file is an immutable snapshot file.
    unsafe { Mmap::map(file) }
}
