//! The image as a tree for the walk's visitors: the inventory and every scanner see the image's
//! final files exactly as they see the files of a folder.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

use ignore::overrides::{Override, OverrideBuilder};
use proven_inventory::{Tree, Visitor, WalkOptions, WalkedFile};
use proven_model::{Diagnostic, Inventory, Location};

use crate::error::{ErrorKind, ImageError};
use crate::fs::FileSystem;
use crate::layer::{self, Compression, LayerScan, Totals};
use crate::layout::Image;

/// The component property naming the diff id of the layer that put the component's file in the
/// image.
pub const LAYER_PROPERTY: &str = "proven:layer";

/// Files sent from the reader to the visiting threads at most at once.
const QUEUE: usize = 8;

/// What a walk of an image leaves: its filesystem, and problems that did not stop it.
#[derive(Debug)]
pub struct ImageWalk {
    pub fs: FileSystem,
    pub diagnostics: Vec<Diagnostic>,
}

impl ImageWalk {
    /// Sets [`LAYER_PROPERTY`] on every component found in a file of the image: the diff id of
    /// the layer that put that file there (several, space-separated, when the component was
    /// found in files of several layers).
    pub fn annotate(&self, inventory: &mut Inventory) {
        for c in &mut inventory.components {
            let layers: BTreeSet<&str> = c
                .locations
                .iter()
                .filter_map(|l| self.fs.layer_of(&l.path))
                .collect();
            if !layers.is_empty() {
                let joined = layers.into_iter().collect::<Vec<_>>().join(" ");
                c.properties.insert(LAYER_PROPERTY.to_string(), joined);
            }
        }
    }
}

/// Walks the final filesystem of `image` and hands each regular file to every visitor that wants
/// it, as [`proven_inventory::walk`] does for a folder: paths are relative to the image root
/// (`var/lib/dpkg/status`), `options.exclude` applies, vendored folders are walked (in an image
/// they are what ships). Each layer is streamed once (in parallel), verified and applied; wanted
/// files are kept from that pass while [`crate::Limits::capture_budget`] lasts, the others read
/// again afterwards, one at a time.
pub fn walk_image(
    image: &Image,
    options: &WalkOptions,
    visitors: &[&dyn Visitor],
) -> Result<ImageWalk, ImageError> {
    let mut diagnostics = image.notes.clone();
    let excluded = Excludes::new(&options.exclude, &mut diagnostics);
    let max_file = options.max_file_size;
    let want = |path: &str, size: u64| {
        let name = path.rsplit('/').next().unwrap_or(path);
        size <= max_file
            && visitors.iter().any(|v| v.wants(path, name, size))
            && !excluded.matches(path)
    };
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let scans = scan_layers(image, &want, threads)?;
    let mut fs = FileSystem::new(image.layers.iter().map(|l| l.diff_id.clone()).collect());
    let mut captures = Vec::with_capacity(scans.len());
    let mut compressions = Vec::with_capacity(scans.len());
    for (i, scan) in scans.into_iter().enumerate() {
        diagnostics.extend(scan.diagnostics);
        let layer = image.layers.get(i).map(|l| l.name()).unwrap_or("");
        fs.apply(i, &scan.records, &mut |r, message| {
            diagnostics.push(Diagnostic::error(
                Location::file(&image.archive),
                format!(
                    "{}: layer {layer}: entry `{}`: {message}; the entry was ignored",
                    image.archive, r.path
                ),
            ));
        });
        captures.push(scan.captured);
        compressions.push(scan.compression);
    }

    // Every wanted final file, by the layer holding its bytes and their offset.
    let mut wanted: BTreeMap<(usize, u64), Vec<(String, u64)>> = BTreeMap::new();
    for (path, node) in fs.iter() {
        let Some((layer, offset, size)) = node.bytes() else {
            continue;
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        if visitors.iter().any(|v| v.wants(path, name, size)) && !excluded.matches(path) {
            wanted
                .entry((layer, offset))
                .or_default()
                .push((path.to_string(), size));
        }
    }

    let tree = ImageTree {
        image,
        fs: &fs,
        compressions: &compressions,
    };
    let (tx, rx) = mpsc::sync_channel::<Job>(QUEUE);
    let rx = Mutex::new(rx);
    let read = std::thread::scope(|s| {
        for _ in 0..threads.saturating_sub(1).max(1) {
            s.spawn(|| visit_jobs(&rx, visitors, &tree));
        }
        let result = send_files(image, &compressions, &mut captures, wanted, max_file, &tx);
        drop(tx);
        result
    });
    read?;
    diagnostics.sort();
    diagnostics.dedup();
    Ok(ImageWalk { fs, diagnostics })
}

/// One file for the visitors.
struct Job {
    rel: String,
    size: u64,
    bytes: Result<Vec<u8>, String>,
}

fn visit_jobs(rx: &Mutex<mpsc::Receiver<Job>>, visitors: &[&dyn Visitor], tree: &ImageTree<'_>) {
    loop {
        let job = match rx.lock().unwrap_or_else(|p| p.into_inner()).recv() {
            Ok(j) => j,
            Err(_) => return,
        };
        let name = job.rel.rsplit('/').next().unwrap_or(&job.rel);
        let file = WalkedFile {
            rel: &job.rel,
            size: job.size,
            bytes: job.bytes.as_deref().map_err(String::as_str),
            tree,
        };
        for v in visitors {
            if v.wants(&job.rel, name, job.size) {
                v.visit(&file);
            }
        }
    }
}

/// Streams every layer once, `threads` at a time, largest first; results in layer order, the first
/// error (by layer) wins.
fn scan_layers(
    image: &Image,
    want: &(dyn Fn(&str, u64) -> bool + Sync),
    threads: usize,
) -> Result<Vec<LayerScan>, ImageError> {
    let totals = Totals::default();
    // Largest layers first, so that one big layer does not start last and run alone.
    let mut order: Vec<usize> = (0..image.layers.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(image.layers.get(i).map_or(0, |l| l.size)));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<LayerScan, ImageError>>>> =
        Mutex::new((0..image.layers.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, image.layers.len().max(1)) {
            s.spawn(|| loop {
                let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                    return;
                };
                let r = layer::scan(image, i, want, &totals);
                let failed = r.is_err();
                if let Some(slot) = results.lock().unwrap_or_else(|p| p.into_inner()).get_mut(i) {
                    *slot = Some(r);
                }
                if failed {
                    // No point reading further layers of an image that cannot be trusted.
                    next.store(usize::MAX / 2, Ordering::Relaxed);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    // Layers after a failure are not read: the failure (of the lowest layer) is the answer.
    let mut out = Vec::with_capacity(results.len());
    let mut unread = false;
    for r in results {
        match r {
            Some(Ok(scan)) => out.push(scan),
            Some(Err(e)) => return Err(e),
            None => unread = true,
        }
    }
    if unread {
        return Err(ImageError::new(
            ErrorKind::Corrupt,
            &image.archive,
            "a layer was not read",
        ));
    }
    Ok(out)
}

/// Sends every wanted file to the visitors: kept bytes first, then the rest layer by layer, by
/// seeking (plain layers) or by one more decompression pass (compressed layers).
fn send_files(
    image: &Image,
    compressions: &[Compression],
    captures: &mut [HashMap<u64, Vec<u8>>],
    wanted: BTreeMap<(usize, u64), Vec<(String, u64)>>,
    max_file: u64,
    tx: &mpsc::SyncSender<Job>,
) -> Result<(), ImageError> {
    let send = |rel: String, size: u64, bytes: Result<Vec<u8>, String>| {
        // A closed channel means the visitors are gone; nothing left to do.
        let _ = tx.send(Job { rel, size, bytes });
    };
    let mut rest: BTreeMap<usize, Vec<(u64, u64, Vec<String>)>> = BTreeMap::new();
    for ((layer, offset), paths) in wanted {
        let size = paths.first().map_or(0, |p| p.1);
        if size > max_file {
            for (rel, size) in paths {
                let why = format!(
                    "the file is {size} bytes, over the {max_file}-byte limit; it was not read"
                );
                send(rel, size, Err(why));
            }
            continue;
        }
        match captures.get_mut(layer).and_then(|c| c.remove(&offset)) {
            Some(bytes) => send_all(&send, paths, bytes),
            None => rest.entry(layer).or_default().push((
                offset,
                size,
                paths.into_iter().map(|p| p.0).collect(),
            )),
        }
    }
    for (layer, files) in rest {
        let compression = compressions
            .get(layer)
            .copied()
            .unwrap_or(Compression::None);
        let ranges: Vec<(u64, u64)> = files.iter().map(|f| (f.0, f.1)).collect();
        let names: Vec<String> = files.iter().map(|f| f.2.join(", ")).collect();
        let mut files = files.into_iter();
        read_ranges(image, layer, compression, &ranges, &mut |bytes| {
            if let Some((_, size, paths)) = files.next() {
                send_all(&send, paths.into_iter().map(|p| (p, size)).collect(), bytes);
            }
        })
        .map_err(|(i, e)| {
            let entry = names.get(i).cloned().unwrap_or_default();
            ImageError::io(&image.archive, "cannot read the file again", e)
                .in_layer(image.layers.get(layer).map_or("", |l| l.name()))
                .at_entry(&entry)
        })?;
    }
    Ok(())
}

fn send_all(
    send: &impl Fn(String, u64, Result<Vec<u8>, String>),
    paths: Vec<(String, u64)>,
    bytes: Vec<u8>,
) {
    let n = paths.len();
    for (i, (rel, size)) in paths.into_iter().enumerate() {
        if i + 1 == n {
            send(rel, size, Ok(bytes));
            return;
        }
        send(rel, size, Ok(bytes.clone()));
    }
}

/// Reads byte ranges (in offset order) of one layer's uncompressed tar stream, calling `got` with
/// each: plain layers by seeking, compressed layers by decompressing once more from the start and
/// skipping what is not wanted. Only ranges the first pass recorded (and verified) are read, so no
/// limit can be crossed here. An error says which range failed.
fn read_ranges(
    image: &Image,
    layer: usize,
    compression: Compression,
    ranges: &[(u64, u64)],
    got: &mut dyn FnMut(Vec<u8>),
) -> Result<(), (usize, io::Error)> {
    let blob = image.layers.get(layer).map_or("", |l| l.blob.as_str());
    let mut span = image.store.open(blob).map_err(|e| (0, e))?;
    if compression == Compression::None {
        for (i, &(offset, size)) in ranges.iter().enumerate() {
            let bytes = span
                .seek(SeekFrom::Start(offset))
                .and_then(|_| read_exactly(&mut span, size))
                .map_err(|e| (i, e))?;
            got(bytes);
        }
        return Ok(());
    }
    let mut reader = decoded(&mut span, compression, 0).map_err(|e| (0, e))?;
    let mut pos = 0u64;
    for (i, &(offset, size)) in ranges.iter().enumerate() {
        let bytes = skip(&mut reader, offset.saturating_sub(pos))
            .and_then(|()| read_exactly(&mut reader, size))
            .map_err(|e| (i, e))?;
        pos = offset + size;
        got(bytes);
    }
    Ok(())
}

fn skip(reader: &mut dyn Read, n: u64) -> io::Result<()> {
    let skipped = io::copy(&mut reader.take(n), &mut io::sink())?;
    if skipped < n {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the layer ends before the file",
        ));
    }
    Ok(())
}

fn read_exactly(reader: &mut dyn Read, size: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(64 << 20));
    reader.take(size).read_to_end(&mut bytes)?;
    if (bytes.len() as u64) < size {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the layer ends inside the file",
        ));
    }
    Ok(bytes)
}

/// Reads `size` bytes at `offset` of layer `layer`'s uncompressed tar stream.
fn read_range(
    image: &Image,
    layer: usize,
    compression: Compression,
    offset: u64,
    size: u64,
) -> io::Result<Vec<u8>> {
    let blob = image.layers.get(layer).map_or("", |l| l.blob.as_str());
    let mut span = image.store.open(blob)?;
    let mut reader = decoded(&mut span, compression, offset)?;
    read_exactly(&mut reader, size)
}

/// The uncompressed stream of a layer blob, positioned at `offset`.
fn decoded<'a>(
    span: &'a mut crate::store::Span,
    compression: Compression,
    offset: u64,
) -> io::Result<Box<dyn Read + 'a>> {
    let mut reader: Box<dyn Read + 'a> = match compression {
        Compression::None => {
            span.seek(SeekFrom::Start(offset))?;
            return Ok(Box::new(span));
        }
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(BufReader::new(span))),
        Compression::Zstd => layer::zstd_reader(BufReader::new(span))?,
    };
    skip(&mut reader, offset)?;
    Ok(reader)
}

/// The image's files for companion-file lookups (`go.sum` beside `go.mod`).
#[derive(Debug)]
struct ImageTree<'a> {
    image: &'a Image,
    fs: &'a FileSystem,
    compressions: &'a [Compression],
}

impl Tree for ImageTree<'_> {
    fn read(&self, rel: &str, max: u64) -> Option<Vec<u8>> {
        let (layer, offset, size) = self.fs.resolve(rel)?.1.bytes()?;
        if size > max {
            return None;
        }
        read_range(
            self.image,
            layer,
            *self.compressions.get(layer)?,
            offset,
            size,
        )
        .ok()
    }
}

/// `--exclude` globs over image paths; a path is excluded when it or a folder above it matches.
struct Excludes(Option<Override>);

impl Excludes {
    fn new(globs: &[String], diagnostics: &mut Vec<Diagnostic>) -> Self {
        if globs.is_empty() {
            return Excludes(None);
        }
        let mut b = OverrideBuilder::new("/");
        for g in globs {
            if let Err(e) = b.add(&format!("!{g}")) {
                diagnostics.push(Diagnostic::error(
                    Location::file(""),
                    format!("bad exclude glob: {e}"),
                ));
            }
        }
        Excludes(b.build().ok())
    }

    fn matches(&self, path: &str) -> bool {
        let Some(o) = &self.0 else { return false };
        if o.matched(path, false).is_ignore() {
            return true;
        }
        let mut dir = path;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if o.matched(parent, true).is_ignore() {
                return true;
            }
            dir = parent;
        }
        false
    }
}
