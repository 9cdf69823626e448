//! One streaming pass over a layer: the blob hashed as it is read, decompressed (gzip, zstd or
//! none, told from the first bytes), the tar stream hashed and metered against the limits, and
//! each entry handed to the caller.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use proven_model::{Diagnostic, Location};

use crate::error::{ErrorKind, ImageError};
use crate::layout::{expected_compression, Digest, Hasher, Image};
use crate::store::Span;
use crate::tarwalk::{self, Kind, TarEntry, TarError};

/// How a layer blob is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// Bytes of the uncompressed stream decoded and hashed at a time.
const STREAM_BUFFER: usize = 256 << 10;

/// Tells the compression from a blob's first bytes.
fn detect(head: &[u8]) -> Result<Compression, &'static str> {
    match head {
        [0x1f, 0x8b, ..] => Ok(Compression::Gzip),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Ok(Compression::Zstd),
        [0x50..=0x5f, 0x2a, 0x4d, 0x18, ..] => Ok(Compression::Zstd),
        [b'B', b'Z', b'h', ..] => Err("bzip2"),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => Err("xz"),
        _ => Ok(Compression::None),
    }
}

/// What an entry of a layer does to the filesystem, its path normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    File,
    Dir,
    Symlink(String),
    /// A hard link to another path of the image.
    Hardlink(String),
    /// `.wh.<name>`: removes this path of the layers below.
    Whiteout(String),
    /// `.wh..wh..opq`: removes everything under this folder in the layers below.
    Opaque(String),
    /// A device, FIFO or sparse file: shadows what was there, holds nothing we read.
    Special,
}

/// One entry of a layer.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    pub path: String,
    pub change: Change,
    pub mode: u32,
    pub size: u64,
    /// Where the data starts in the uncompressed layer stream.
    pub offset: u64,
}

/// What the first pass learnt of a layer.
#[derive(Debug)]
pub(crate) struct LayerScan {
    pub records: Vec<Record>,
    /// Bytes of wanted files, by data offset.
    pub captured: HashMap<u64, Vec<u8>>,
    pub compression: Compression,
    pub diagnostics: Vec<Diagnostic>,
}

/// Counters shared by the layers of one image, read in parallel.
#[derive(Debug, Default)]
pub(crate) struct Totals {
    pub uncompressed: AtomicU64,
    pub entries: AtomicUsize,
    pub captured: AtomicU64,
}

/// The first pass over layer `index`: every entry recorded, wanted files' bytes kept while the
/// capture budget lasts.
pub(crate) fn scan(
    image: &Image,
    index: usize,
    want: &(dyn Fn(&str, u64) -> bool + Sync),
    totals: &Totals,
) -> Result<LayerScan, ImageError> {
    let layer_name = image.layers.get(index).map(|l| l.name()).unwrap_or("");
    let mut records = Vec::new();
    let mut captured = HashMap::new();
    let mut diagnostics = Vec::new();
    let mut problems = Vec::new();
    let limits = &image.limits;
    let compression = stream(image, index, totals, &mut diagnostics, |e, data| {
        if totals.entries.fetch_add(1, Ordering::Relaxed) >= limits.max_entries {
            return Err(TarError {
                entry: Some(e.display()),
                message: format!(
                    "more than {} entries in the image's layers",
                    limits.max_entries
                ),
                io: None,
                too_large: true,
            });
        }
        let Some(record) = record(e, |message| {
            problems.push(Diagnostic::error(
                Location::file(&image.archive),
                format!(
                    "{}: layer {layer_name}: entry `{}`: {message}; the entry was ignored",
                    image.archive,
                    e.display()
                ),
            ));
        }) else {
            return Ok(());
        };
        if record.change == Change::File && want(&record.path, record.size) {
            let used = totals.captured.fetch_add(record.size, Ordering::Relaxed);
            if used + record.size <= limits.capture_budget {
                let mut bytes = Vec::with_capacity(usize::try_from(record.size).unwrap_or(0));
                data.read_to_end(&mut bytes).map_err(|e| TarError {
                    entry: Some(record.path.clone()),
                    message: "cannot read the entry's data".into(),
                    io: Some(e),
                    too_large: false,
                })?;
                captured.insert(record.offset, bytes);
            } else {
                totals.captured.fetch_sub(record.size, Ordering::Relaxed);
            }
        }
        records.push(record);
        Ok(())
    })?;
    diagnostics.append(&mut problems);
    Ok(LayerScan {
        records,
        captured,
        compression,
        diagnostics,
    })
}

/// The record of a tar entry, or `None` (after `problem`) when the entry cannot be placed in the
/// image: a path or hard link target that climbs out of the root.
fn record(e: &TarEntry, mut problem: impl FnMut(String)) -> Option<Record> {
    let raw = e.display();
    let path = match normalise(&raw) {
        Ok(Some(p)) => p,
        Ok(None) => return None,
        Err(why) => {
            problem(why);
            return None;
        }
    };
    let (dir, name) = match path.rsplit_once('/') {
        Some((d, n)) => (d, n),
        None => ("", path.as_str()),
    };
    let join = |n: &str| {
        if dir.is_empty() {
            n.to_string()
        } else {
            format!("{dir}/{n}")
        }
    };
    let change = if name == ".wh..wh..opq" {
        Change::Opaque(dir.to_string())
    } else if name.starts_with(".wh..wh.") {
        // aufs bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`): not part of the filesystem.
        return None;
    } else if let Some(hidden) = name.strip_prefix(".wh.") {
        Change::Whiteout(join(hidden))
    } else {
        match e.kind {
            Kind::File => Change::File,
            Kind::Dir => Change::Dir,
            Kind::Symlink => Change::Symlink(
                e.link
                    .as_deref()
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .unwrap_or_default(),
            ),
            Kind::Hardlink => {
                let target = e
                    .link
                    .as_deref()
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .unwrap_or_default();
                match normalise(&target) {
                    Ok(Some(t)) => Change::Hardlink(t),
                    Ok(None) => {
                        problem("a hard link to the root folder".into());
                        return None;
                    }
                    Err(why) => {
                        problem(format!("hard link target `{target}`: {why}"));
                        return None;
                    }
                }
            }
            Kind::Special(_) => Change::Special,
        }
    };
    Some(Record {
        path,
        change,
        mode: e.mode,
        size: e.size,
        offset: e.offset,
    })
}

/// A path inside the image: leading `/` and `./` dropped, `..` resolved; an error when `..`
/// climbs above the root; `None` for the root itself.
pub(crate) fn normalise(raw: &str) -> Result<Option<String>, String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in raw.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("the path climbs out of the image root".into());
                }
            }
            p => parts.push(p),
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join("/")))
}

/// Reads layer `index` once from start to end, calling `f` for each tar entry; checks the blob
/// digest, the diff id and the limits. Returns the compression found.
pub(crate) fn stream(
    image: &Image,
    index: usize,
    totals: &Totals,
    diagnostics: &mut Vec<Diagnostic>,
    f: impl FnMut(&TarEntry, &mut dyn Read) -> Result<(), TarError>,
) -> Result<Compression, ImageError> {
    let Some(layer) = image.layers.get(index) else {
        return Err(ImageError::new(
            ErrorKind::Format,
            &image.archive,
            format!("no layer {index}"),
        ));
    };
    let name = layer.name();
    let fail = |kind: ErrorKind, message: String| {
        ImageError::new(kind, &image.archive, message).in_layer(name)
    };
    let span = image
        .store
        .open(&layer.blob)
        .map_err(|e| ImageError::io(&image.archive, "cannot open the layer", e).in_layer(name))?;
    let blob_digest = layer.digest.as_deref().and_then(Digest::parse);
    let read_bytes = Rc::new(Cell::new(0u64));
    let mut raw = BufReader::with_capacity(
        256 << 10,
        Raw {
            inner: span,
            hasher: blob_digest.as_ref().map(Digest::hasher),
            count: Rc::clone(&read_bytes),
        },
    );
    let head = raw
        .fill_buf()
        .map_err(|e| ImageError::io(&image.archive, "cannot read the layer", e).in_layer(name))?;
    let compression = detect(head).map_err(|what| {
        fail(
            ErrorKind::Format,
            format!("a {what}-compressed layer; only gzip, zstd and plain tar are read"),
        )
    })?;
    if let Some(expected) = expected_compression(layer) {
        if expected != compression.name() {
            diagnostics.push(Diagnostic::warning(
                Location::file(&image.archive),
                format!(
                    "{}: layer {name}: the media type says {expected} but the bytes are {}; read as {}",
                    image.archive,
                    compression.name(),
                    compression.name()
                ),
            ));
        }
    }
    if compression == Compression::None && layer.digest.as_deref() == Some(layer.diff_id.as_str()) {
        // A plain layer's blob is its tar stream: one hash checks both digests.
        raw.get_mut().hasher = None;
    }
    let diff = Digest::parse(&layer.diff_id)
        .map(|d| d.hasher())
        .ok_or_else(|| fail(ErrorKind::Format, "the diff id is not a digest".into()))?;
    {
        let decoder: Box<dyn Read + '_> = match compression {
            Compression::None => Box::new(&mut raw),
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(&mut raw)),
            Compression::Zstd => zstd_reader(&mut raw).map_err(|e| {
                ImageError::io(&image.archive, "cannot start the zstd decoder", e).in_layer(name)
            })?,
        };
        let meter = Meter {
            inner: decoder,
            hasher: Some(diff),
            layer_total: 0,
            totals,
            compressed: &read_bytes,
            limits: &image.limits,
            tripped: None,
        };
        // The tar reader skips unread data in 8 KiB reads; the buffer lets the decoder and the
        // hasher work on large blocks instead.
        let stream = BufReader::with_capacity(STREAM_BUFFER, meter);
        let mut stream = match tarwalk::for_each(stream, image.limits.max_entry_size, f) {
            Ok(s) => s,
            Err((s, e)) => {
                return Err(layer_error(&image.archive, name, s.into_inner().tripped, e))
            }
        };
        // The diff id covers the whole stream, padding after the end-of-archive blocks included.
        let drained = io::copy(&mut stream, &mut io::sink());
        let mut meter = stream.into_inner();
        if let Err(e) = drained {
            return Err(match meter.tripped {
                Some(t) => fail(ErrorKind::Limit, t),
                None => fail(
                    ErrorKind::Corrupt,
                    format!("damaged or truncated after the last entry: {e}"),
                ),
            });
        }
        let actual = meter.hasher.take().map(Hasher::finish).unwrap_or_default();
        if actual != layer.diff_id {
            return Err(fail(
                ErrorKind::Digest,
                format!(
                    "the uncompressed layer hashes to {actual}, not to its diff id {}",
                    layer.diff_id
                ),
            ));
        }
    }
    io::copy(&mut raw, &mut io::sink())
        .map_err(|e| ImageError::io(&image.archive, "cannot read the layer", e).in_layer(name))?;
    if let (Some(expected), Some(h)) = (&blob_digest, raw.into_inner().hasher) {
        let actual = h.finish();
        if actual != expected.as_str() {
            return Err(fail(
                ErrorKind::Digest,
                format!(
                    "the blob hashes to {actual}, not to its digest {}",
                    expected.as_str()
                ),
            ));
        }
    }
    Ok(compression)
}

fn layer_error(archive: &str, layer: &str, tripped: Option<String>, e: TarError) -> ImageError {
    let (kind, message) = match tripped {
        Some(t) => (ErrorKind::Limit, t),
        None if e.too_large => (ErrorKind::Limit, e.message),
        None => (
            ErrorKind::Corrupt,
            match &e.io {
                Some(io) => format!("{}: {io}", e.message),
                None => e.message,
            },
        ),
    };
    let err = ImageError::new(kind, archive, message).in_layer(layer);
    match e.entry {
        Some(entry) => err.at_entry(&entry),
        None => err,
    }
}

/// The blob as stored: hashed and counted as it is read.
struct Raw {
    inner: Span,
    hasher: Option<Hasher>,
    count: Rc<Cell<u64>>,
}

impl Read for Raw {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// The uncompressed stream: hashed for the diff id, and stopped when a limit is crossed.
struct Meter<'a, R> {
    inner: R,
    hasher: Option<Hasher>,
    layer_total: u64,
    totals: &'a Totals,
    compressed: &'a Cell<u64>,
    limits: &'a crate::Limits,
    tripped: Option<String>,
}

impl<R: Read> Read for Meter<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        self.layer_total += n as u64;
        let all = self
            .totals
            .uncompressed
            .fetch_add(n as u64, Ordering::Relaxed)
            + n as u64;
        let l = self.limits;
        let ratio = self.layer_total / self.compressed.get().max(1);
        let tripped = if all > l.max_total_size {
            Some(format!(
                "the layers decompress to more than {} bytes (the limit for the whole image)",
                l.max_total_size
            ))
        } else if self.layer_total > l.ratio_floor && ratio > l.max_ratio {
            Some(format!(
                "the layer decompresses to more than {}× its compressed size (a decompression bomb?)",
                l.max_ratio
            ))
        } else {
            None
        };
        if let Some(t) = tripped {
            self.tripped = Some(t.clone());
            return Err(io::Error::other(t));
        }
        Ok(n)
    }
}

/// A reader of a zstd stream of one or more frames (skippable frames skipped), each frame's
/// checksum checked, windows over libzstd's default limit (128 MiB) refused.
pub(crate) fn zstd_reader<'a, R: BufRead + 'a>(src: R) -> io::Result<Box<dyn Read + 'a>> {
    Ok(Box::new(zstd::stream::read::Decoder::with_buffer(src)?))
}
