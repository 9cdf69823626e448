//! Where an image's files (`manifest.json`, `index.json`, blobs) are: a folder, or the entries of
//! an uncompressed tar archive read in place.

use std::collections::HashMap;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::tarwalk::{self, Kind};

/// A source of bytes that each reader opens afresh, so that threads read independently.
#[derive(Clone, Debug)]
pub(crate) enum Backing {
    File(PathBuf),
    /// Bytes in memory (tests, fuzzing).
    Memory(Arc<[u8]>),
}

pub(crate) trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

impl Backing {
    fn open(&self) -> io::Result<Box<dyn ReadSeek>> {
        Ok(match self {
            Backing::File(p) => Box::new(std::fs::File::open(p)?),
            Backing::Memory(b) => Box::new(Cursor::new(Arc::clone(b))),
        })
    }
}

/// A window `[start, start + len)` of a reader, itself readable and seekable.
pub(crate) struct Span {
    inner: Box<dyn ReadSeek>,
    start: u64,
    len: u64,
    pos: u64,
}

impl Span {
    fn new(mut inner: Box<dyn ReadSeek>, start: u64, len: u64) -> io::Result<Span> {
        inner.seek(SeekFrom::Start(start))?;
        Ok(Span {
            inner,
            start,
            len,
            pos: 0,
        })
    }

    pub(crate) fn len(&self) -> u64 {
        self.len
    }
}

impl Read for Span {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.len.saturating_sub(self.pos);
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        if want == 0 {
            return Ok(0);
        }
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the blob ends {left} bytes early"),
            ));
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Span {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
        };
        let target = target
            .filter(|t| *t <= self.len)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek outside the blob"))?;
        self.inner.seek(SeekFrom::Start(self.start + target))?;
        self.pos = target;
        Ok(target)
    }
}

/// The files of an image archive or layout.
#[derive(Debug)]
pub(crate) enum Store {
    Dir(PathBuf),
    Tar {
        backing: Backing,
        /// Regular files: normalised path → (data offset, size).
        files: HashMap<String, (u64, u64)>,
        /// Symbolic links (older `docker save` links duplicate layers): path → target path.
        links: HashMap<String, String>,
    },
}

impl Store {
    /// Indexes the entries of a tar archive (headers only, data skipped by seeking).
    pub(crate) fn tar(backing: Backing) -> Result<Store, String> {
        let reader = backing
            .open()
            .map_err(|e| format!("cannot open the archive: {e}"))?;
        let mut files = HashMap::new();
        let mut links = HashMap::new();
        tarwalk::for_each_seek(BufReader::new(reader), u64::MAX, |e, _| {
            let Some(path) = clean(&e.display()) else {
                return Ok(());
            };
            match e.kind {
                Kind::File => {
                    files.insert(path, (e.offset, e.size));
                }
                Kind::Symlink | Kind::Hardlink => {
                    let target = e
                        .link
                        .as_deref()
                        .map(String::from_utf8_lossy)
                        .unwrap_or_default();
                    let base = match (e.kind, path.rsplit_once('/')) {
                        (Kind::Symlink, Some((dir, _))) => format!("{dir}/{target}"),
                        _ => target.into_owned(),
                    };
                    if let Some(t) = clean(&base) {
                        links.insert(path, t);
                    }
                }
                _ => {}
            }
            Ok(())
        })
        .map_err(|e| {
            let at = e.entry.map(|p| format!(" at `{p}`")).unwrap_or_default();
            let io = e.io.map(|e| format!(": {e}")).unwrap_or_default();
            format!("not a readable tar archive{at}: {}{io}", e.message)
        })?;
        Ok(Store::Tar {
            backing,
            files,
            links,
        })
    }

    /// The size of a file, or `None` when the store has no such regular file.
    pub(crate) fn size(&self, rel: &str) -> Option<u64> {
        match self {
            Store::Dir(root) => {
                let meta = std::fs::symlink_metadata(root.join(clean(rel)?)).ok()?;
                meta.is_file().then_some(meta.len())
            }
            Store::Tar { files, .. } => files.get(&self.resolve(rel)?).map(|f| f.1),
        }
    }

    /// Opens a file of the store. Paths never leave the store: `..` and absolute paths are
    /// refused, links are followed only to other entries of the same archive.
    pub(crate) fn open(&self, rel: &str) -> io::Result<Span> {
        let missing = || io::Error::new(io::ErrorKind::NotFound, format!("no file `{rel}`"));
        match self {
            Store::Dir(root) => {
                let path = root.join(clean(rel).ok_or_else(missing)?);
                // Symbolic links are not followed: a blob must be a regular file of the layout.
                let meta = std::fs::symlink_metadata(&path)?;
                if !meta.is_file() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("`{rel}` is not a regular file"),
                    ));
                }
                Span::new(Box::new(std::fs::File::open(path)?), 0, meta.len())
            }
            Store::Tar { backing, files, .. } => {
                let (offset, size) = self
                    .resolve(rel)
                    .and_then(|p| files.get(&p).copied())
                    .ok_or_else(missing)?;
                Span::new(backing.open()?, offset, size)
            }
        }
    }

    /// An archive path with its links followed (a few hops at most).
    fn resolve(&self, rel: &str) -> Option<String> {
        let Store::Tar { links, .. } = self else {
            return clean(rel);
        };
        let mut path = clean(rel)?;
        for _ in 0..8 {
            match links.get(&path) {
                Some(t) => path = t.clone(),
                None => return Some(path),
            }
        }
        None
    }
}

/// A relative path with `.` and empty parts dropped; `None` when it is absolute in a way that
/// climbs (`..` past the top) or is empty.
pub(crate) fn clean(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Whether a folder is an OCI layout (has `oci-layout`).
pub(crate) fn is_oci_dir(path: &Path) -> bool {
    path.join("oci-layout").is_file()
}
