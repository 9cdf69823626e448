//! Reading OSV exports (`all.zip`, our `updates.zip`) with verification, and writing `updates.zip`.
//!
//! A damaged archive (bad central directory, a CRC mismatch, a truncated entry) fails as a whole:
//! nothing in it can be trusted. A record that is intact but not valid OSV is left out and
//! reported with its file name, and the rest of the archive is used.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use crate::osv::{parse_record, Record};
use crate::store::Skipped;

/// The largest record we read (the largest real OSV records are a few MiB).
const MAX_RECORD: u64 = 64 << 20;

/// Why an archive could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{path}: not a readable zip archive: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: zip::result::ZipError,
    },
    #[error("{path}: entry {entry:?} is damaged: {detail}")]
    Entry {
        path: PathBuf,
        entry: String,
        detail: String,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// The contents of one archive.
#[derive(Debug, Default)]
pub struct Contents {
    /// Valid records with their entry names.
    pub records: Vec<(String, Record)>,
    pub skipped: Vec<Skipped>,
    /// The raw bytes of each entry, kept only when asked for.
    pub raw: BTreeMap<String, Vec<u8>>,
}

/// Reads every entry of an archive, checking each CRC and each record. `label` names the archive
/// in messages (`PyPI/all.zip`).
pub fn read(
    path: &Path,
    label: &str,
    keep_raw: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Contents, ArchiveError> {
    let file = File::open(path).map_err(|source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut zip =
        zip::ZipArchive::new(BufReader::new(file)).map_err(|source| ArchiveError::Open {
            path: path.to_path_buf(),
            source,
        })?;
    let total = zip.len() as u64;
    let mut out = Contents::default();
    let mut buf = Vec::new();
    for i in 0..zip.len() {
        let damaged = |entry: String, detail: String| ArchiveError::Entry {
            path: path.to_path_buf(),
            entry,
            detail,
        };
        let mut entry = zip
            .by_index(i)
            .map_err(|e| damaged(format!("#{i}"), e.to_string()))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_string();
        buf.clear();
        // Reading to the end makes the zip crate check the CRC.
        let read = (&mut entry).take(MAX_RECORD + 1).read_to_end(&mut buf);
        match read {
            Ok(n) if n as u64 > MAX_RECORD => {
                out.skipped.push(Skipped {
                    file: format!("{label}:{name}"),
                    reason: format!("larger than {MAX_RECORD} bytes"),
                });
                continue;
            }
            Ok(_) => {}
            Err(e) => return Err(damaged(name, e.to_string())),
        }
        progress(i as u64 + 1, total);
        if !name.ends_with(".json") {
            out.skipped.push(Skipped {
                file: format!("{label}:{name}"),
                reason: "not a .json file".into(),
            });
            continue;
        }
        match parse_record(&buf) {
            Ok(r) => {
                if keep_raw {
                    out.raw.insert(name.clone(), buf.clone());
                }
                out.records.push((name, r));
            }
            Err(e) => out.skipped.push(Skipped {
                file: format!("{label}:{name}"),
                reason: e.to_string(),
            }),
        }
    }
    Ok(out)
}

/// Writes the records fetched one by one as a zip (entry names `<id>.json`), synced to disk.
pub fn write(path: &Path, entries: &BTreeMap<String, Vec<u8>>) -> Result<(), ArchiveError> {
    let io_err = |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    };
    let zip_err = |e: zip::result::ZipError| ArchiveError::Io {
        path: path.to_path_buf(),
        source: io::Error::other(e),
    };
    let file = File::create(path).map_err(io_err)?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).map_err(zip_err)?;
        zip.write_all(bytes).map_err(io_err)?;
    }
    let file = zip.finish().map_err(zip_err)?;
    file.sync_all().map_err(io_err)
}
