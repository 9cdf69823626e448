//! One pass over a tar stream, headers only unless the caller reads an entry's data.
//!
//! The tar crate runs in raw mode: GNU long names and PAX records are handled here, so that their
//! sizes are bounded before anything is read into memory.

use std::io::{Read, Seek};

use tar::EntryType;

/// Longest GNU long name or link we read (Linux's PATH_MAX is 4096).
const MAX_LONG_NAME: u64 = 64 << 10;
/// Largest PAX extended header we read.
const MAX_PAX: u64 = 1 << 20;

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Dir,
    Symlink,
    Hardlink,
    /// Character or block device, FIFO, GNU sparse file: no bytes we would scan.
    Special(&'static str),
}

/// One entry of the stream, long names and PAX paths applied.
#[derive(Debug)]
pub(crate) struct TarEntry {
    /// The path as stored (not yet normalised).
    pub path: Vec<u8>,
    pub link: Option<Vec<u8>>,
    pub kind: Kind,
    pub size: u64,
    /// Where the entry's data starts in the stream.
    pub offset: u64,
    pub mode: u32,
}

impl TarEntry {
    /// The path for messages.
    pub(crate) fn display(&self) -> String {
        String::from_utf8_lossy(&self.path).into_owned()
    }
}

/// Why a tar stream could not be read.
#[derive(Debug)]
pub(crate) struct TarError {
    /// The entry it happened at, when known.
    pub entry: Option<String>,
    pub message: String,
    pub io: Option<std::io::Error>,
    /// An entry over `max_entry` bytes (a limit, not damage).
    pub too_large: bool,
}

/// Calls `f` with each entry (and a reader of its data) in order; returns the stream, positioned
/// after the last entry, so that the caller can read it to the end.
pub(crate) fn for_each<R: Read>(
    stream: R,
    max_entry: u64,
    mut f: impl FnMut(&TarEntry, &mut dyn Read) -> Result<(), TarError>,
) -> Result<R, (R, TarError)> {
    let mut archive = tar::Archive::new(stream);
    let result = match archive.entries() {
        Ok(entries) => walk_entries(entries, max_entry, &mut f),
        Err(e) => Err(io_error(&None, e)),
    };
    let stream = archive.into_inner();
    match result {
        Ok(()) => Ok(stream),
        Err(e) => Err((stream, e)),
    }
}

/// [`for_each`] over a seekable stream: entry data that is not read is skipped by seeking.
pub(crate) fn for_each_seek<R: Read + Seek>(
    stream: R,
    max_entry: u64,
    mut f: impl FnMut(&TarEntry, &mut dyn Read) -> Result<(), TarError>,
) -> Result<(), TarError> {
    let mut archive = tar::Archive::new(stream);
    let entries = archive
        .entries_with_seek()
        .map_err(|e| io_error(&None, e))?;
    walk_entries(entries, max_entry, &mut f)
}

fn io_error(last: &Option<String>, e: std::io::Error) -> TarError {
    TarError {
        entry: last.clone(),
        message: "the tar stream cannot be read".into(),
        io: Some(e),
        too_large: false,
    }
}

fn walk_entries<R: Read>(
    entries: tar::Entries<'_, R>,
    max_entry: u64,
    f: &mut dyn FnMut(&TarEntry, &mut dyn Read) -> Result<(), TarError>,
) -> Result<(), TarError> {
    let io = io_error;
    let mut last: Option<String> = None;
    let entries = entries.raw(true);
    let mut long_path: Option<Vec<u8>> = None;
    let mut long_link: Option<Vec<u8>> = None;
    let mut pax_size: Option<u64> = None;
    for entry in entries {
        let mut entry = entry.map_err(|e| io(&last, e))?;
        let ty = entry.header().entry_type();
        let size = entry.size();
        let path = long_path
            .take()
            .unwrap_or_else(|| entry.path_bytes().into_owned());
        let shown = String::from_utf8_lossy(&path).into_owned();
        let fail = |message: String, too_large: bool| TarError {
            entry: Some(shown.clone()),
            message,
            io: None,
            too_large,
        };
        if size > max_entry {
            return Err(fail(
                format!("the entry is {size} bytes, over the {max_entry}-byte limit"),
                true,
            ));
        }
        match ty {
            EntryType::GNULongName | EntryType::GNULongLink => {
                if size > MAX_LONG_NAME {
                    return Err(fail(format!("a GNU long name of {size} bytes"), false));
                }
                let mut name = Vec::new();
                entry.read_to_end(&mut name).map_err(|e| io(&last, e))?;
                while name.last() == Some(&0) {
                    name.pop();
                }
                if ty == EntryType::GNULongName {
                    long_path = Some(name);
                } else {
                    long_link = Some(name);
                }
                continue;
            }
            EntryType::XHeader | EntryType::XGlobalHeader => {
                if size > MAX_PAX {
                    return Err(fail(format!("a PAX header of {size} bytes"), false));
                }
                let mut data = Vec::new();
                entry.read_to_end(&mut data).map_err(|e| io(&last, e))?;
                if ty == EntryType::XHeader {
                    for ext in tar::PaxExtensions::new(&data).flatten() {
                        match ext.key_bytes() {
                            b"path" => long_path = Some(ext.value_bytes().to_vec()),
                            b"linkpath" => long_link = Some(ext.value_bytes().to_vec()),
                            b"size" => {
                                pax_size = ext.value().ok().and_then(|v| v.parse().ok());
                            }
                            _ => {}
                        }
                    }
                }
                continue;
            }
            _ => {}
        }
        if pax_size.take().is_some_and(|s| s != size) {
            return Err(fail(
                "a PAX size record that differs from the header's size is not supported".into(),
                false,
            ));
        }
        let kind = match ty {
            EntryType::Regular | EntryType::Continuous => Kind::File,
            EntryType::Directory => Kind::Dir,
            EntryType::Symlink => Kind::Symlink,
            EntryType::Link => Kind::Hardlink,
            EntryType::Char => Kind::Special("character device"),
            EntryType::Block => Kind::Special("block device"),
            EntryType::Fifo => Kind::Special("FIFO"),
            EntryType::GNUSparse => Kind::Special("GNU sparse file"),
            _ => Kind::Special("entry of an unknown type"),
        };
        let link = long_link
            .take()
            .or_else(|| entry.link_name_bytes().map(|l| l.into_owned()));
        let record = TarEntry {
            path,
            link,
            kind,
            size,
            offset: entry.raw_file_position(),
            mode: entry.header().mode().unwrap_or(0o644),
        };
        last = Some(shown);
        f(&record, &mut entry)?;
    }
    Ok(())
}
