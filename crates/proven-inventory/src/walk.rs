//! The tree walk: one parallel, .gitignore-aware pass that hands each recognised file to its parser.

use std::path::Path;
use std::sync::Mutex;

use ignore::overrides::{Override, OverrideBuilder};
use ignore::{WalkBuilder, WalkState};
use proven_model::{Diagnostic, Hash, HashAlg, Inventory, Location};
use sha2::{Digest, Sha256, Sha512};

use crate::merge::{merge, FileResult};
use crate::parsers::{find_parser_for_path, Input, ParseFailure, ParserDef};

/// Folders of vendored or built code, skipped unless asked for.
pub const VENDORED_DIRS: &[&str] = &[
    "node_modules",
    "target",
    ".venv",
    "venv",
    "vendor",
    "bower_components",
    "__pycache__",
    ".tox",
    ".git",
    ".hg",
    ".svn",
];

/// How to walk.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// Also walk into [`VENDORED_DIRS`] (version-control folders are always skipped).
    pub include_vendored: bool,
    /// Files larger than this are not read; the run is marked incomplete.
    pub max_file_size: u64,
    /// Worker threads; 0 picks the number of cores.
    pub threads: usize,
    /// Gitignore-style globs of paths not to walk (`**/tests/fixtures/**`).
    pub exclude: Vec<String>,
    /// How much the inventory records beyond its components.
    pub detail: Detail,
}

/// How much an inventory records beyond its components and where they were found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Detail {
    /// What SBOMs and the evidence need: the SHA-256 and SHA-512 of every manifest read, each
    /// manifest's components, root and direct dependencies, and the dependency graph.
    #[default]
    Full,
    /// What a vulnerability scan reports: the components and where they were found; of each
    /// manifest, its path, format and completeness.
    Components,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            include_vendored: false,
            max_file_size: 512 << 20,
            threads: 0,
            exclude: Vec::new(),
            detail: Detail::Full,
        }
    }
}

/// A file met by the walk, read once for every visitor that wants it.
#[derive(Debug)]
pub struct WalkedFile<'a> {
    /// Path relative to the walk root, forward slashes.
    pub rel: &'a str,
    /// Size in bytes, as the tree records it (also when the bytes were not read).
    pub size: u64,
    /// The bytes; `Err` says why they were not read (over the size limit, unreadable).
    pub bytes: Result<&'a [u8], &'a str>,
    /// The tree the file is in, for companion files (`go.sum` beside `go.mod`).
    pub tree: &'a dyn Tree,
}

/// Where walked files live: a folder on disk, or the filesystem of a container image.
pub trait Tree: Sync + std::fmt::Debug {
    /// The regular file at `rel` (relative to the root, forward slashes), if it is there and no
    /// larger than `max` bytes. Never reads outside the root's own files.
    fn read(&self, rel: &str, max: u64) -> Option<Vec<u8>>;
}

/// A folder on disk as a [`Tree`].
#[derive(Debug)]
pub struct DiskTree<'a> {
    pub root: &'a Path,
}

impl Tree for DiskTree<'_> {
    fn read(&self, rel: &str, max: u64) -> Option<Vec<u8>> {
        let path = self.root.join(rel);
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > max {
            return None;
        }
        std::fs::read(path).ok()
    }
}

/// Something that looks at files during the one walk of a tree: the inventory, each scanner.
pub trait Visitor: Sync {
    /// Whether this visitor wants the file, judged from its relative path, name and size.
    fn wants(&self, rel: &str, name: &str, size: u64) -> bool;
    /// Looks at a wanted file.
    fn visit(&self, file: &WalkedFile<'_>);
}

/// Walks `root` once, in parallel, and hands each file to every visitor that wants it; a file is
/// read at most once. Returns problems of the walk itself (unreadable folders, bad globs).
pub fn walk(root: &Path, options: &WalkOptions, visitors: &[&dyn Visitor]) -> Vec<Diagnostic> {
    let walk_errors = Mutex::new(Vec::new());
    let include_vendored = options.include_vendored;
    let mut overrides = OverrideBuilder::new(root);
    for glob in &options.exclude {
        if let Err(e) = overrides.add(&format!("!{glob}")) {
            lock(&walk_errors).push(Diagnostic::error(
                Location::file(""),
                format!("bad exclude glob: {e}"),
            ));
        }
    }
    let overrides = overrides.build().unwrap_or_else(|_| Override::empty());
    // In an installed file system, node_modules and virtualenvs are what is installed, not
    // vendored copies of what a lockfile already lists.
    let include_vendored = include_vendored || is_installed_root(root);
    WalkBuilder::new(root)
        .overrides(overrides)
        .hidden(false)
        .follow_links(false)
        .threads(options.threads)
        .filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            let name = e.file_name().to_string_lossy();
            !(is_dir && e.depth() > 0 && matches!(name.as_ref(), ".git" | ".hg" | ".svn")
                || is_dir
                    && e.depth() > 0
                    && !include_vendored
                    && VENDORED_DIRS.contains(&name.as_ref()))
        })
        .build_parallel()
        .run(|| {
            let walk_errors = &walk_errors;
            Box::new(move |entry| {
                match entry {
                    Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                        visit_file(root, e.path(), options.max_file_size, visitors);
                    }
                    Ok(_) => {}
                    Err(err) => lock(walk_errors).push(walk_error(root, &err)),
                }
                WalkState::Continue
            })
        });
    walk_errors.into_inner().unwrap_or_else(|p| p.into_inner())
}

/// Whether a folder is the root of an installed file system (a machine's or an unpacked image's).
pub fn is_installed_root(root: &Path) -> bool {
    [
        "etc/os-release",
        "usr/lib/os-release",
        "var/lib/dpkg/status",
        "lib/apk/db/installed",
    ]
    .iter()
    .any(|p| root.join(p).symlink_metadata().is_ok())
}

fn visit_file(root: &Path, path: &Path, max: u64, visitors: &[&dyn Visitor]) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let rel = relative(root, path);
    let size = std::fs::symlink_metadata(path)
        .map(|m| m.len())
        .unwrap_or(0);
    let wanting: Vec<&&dyn Visitor> = visitors
        .iter()
        .filter(|v| v.wants(&rel, &name, size))
        .collect();
    if wanting.is_empty() {
        return;
    }
    // Each walk thread reads into one buffer it keeps: a fresh allocation per file would be memory
    // the allocator hands back to the kernel between files and the kernel zeroes again for the next.
    let mut buffer = READ_BUFFER.take();
    buffer.clear();
    let read = if size > max {
        Err(format!(
            "the file is {size} bytes, over the {max}-byte limit; it was not read"
        ))
    } else {
        read_into(path, size, &mut buffer).map_err(|e| format!("cannot read: {e}"))
    };
    let file = WalkedFile {
        rel: &rel,
        size,
        bytes: read
            .as_ref()
            .map(|()| buffer.as_slice())
            .map_err(String::as_str),
        tree: &DiskTree { root },
    };
    for v in wanting {
        v.visit(&file);
    }
    // One large file should not hold its memory for the rest of the walk.
    if buffer.capacity() <= KEPT_BUFFER {
        READ_BUFFER.set(buffer);
    }
}

/// The largest read buffer a walk thread keeps between files.
const KEPT_BUFFER: usize = 8 << 20;

thread_local! {
    static READ_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

fn read_into(path: &Path, size: u64, buffer: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read as _;
    buffer.reserve(usize::try_from(size).unwrap_or(0));
    std::fs::File::open(path)?.read_to_end(buffer)?;
    Ok(())
}

/// The inventory as a walk visitor: parses every recognised lockfile and manifest.
#[derive(Debug, Default)]
pub struct InventoryVisitor {
    results: Mutex<Vec<FileResult>>,
    /// The parser for every visited file, whatever its path ([`inventory_file_as`]).
    forced: Option<&'static ParserDef>,
    detail: Detail,
}

impl Visitor for InventoryVisitor {
    fn wants(&self, rel: &str, _name: &str, _size: u64) -> bool {
        self.forced.is_some() || find_parser_for_path(rel).is_some()
    }

    fn visit(&self, file: &WalkedFile<'_>) {
        let Some(parser) = self.forced.or_else(|| find_parser_for_path(file.rel)) else {
            return;
        };
        let result = match file.bytes {
            Ok(bytes) => {
                let dir = file.rel.rsplit_once('/').map(|(d, _)| d);
                let max = (bytes.len() as u64).max(64 << 20);
                let sibling = |name: &str| -> Option<String> {
                    let rel = match dir {
                        Some(d) => format!("{d}/{name}"),
                        None => name.to_string(),
                    };
                    String::from_utf8(file.tree.read(&rel, max)?).ok()
                };
                let rel = file.rel.to_string();
                let result = parse_file(parser, rel, bytes, &sibling, self.detail);
                match self.detail {
                    Detail::Full => with_hashes(result, bytes),
                    Detail::Components => result,
                }
            }
            Err(why) => FileResult {
                path: file.rel.to_string(),
                parser,
                size: file.size,
                hashes: Vec::new(),
                diagnostics: Vec::new(),
                incomplete: None,
                outcome: Err(ParseFailure {
                    line: None,
                    message: why.to_string(),
                }),
            },
        };
        lock(&self.results).push(result);
    }
}

impl InventoryVisitor {
    /// A visitor that records as much as the options say.
    pub fn new(options: &WalkOptions) -> Self {
        InventoryVisitor {
            detail: options.detail,
            ..InventoryVisitor::default()
        }
    }

    /// The inventory of everything visited, with the walk's own problems added.
    pub fn finish(self, walk_problems: Vec<Diagnostic>) -> Inventory {
        let results = self.results.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut inventory = merge(results, self.detail);
        if !walk_problems.is_empty() {
            inventory.diagnostics.extend(walk_problems);
            inventory.diagnostics.sort();
        }
        inventory
    }
}

/// Inventories every recognised file under `root`.
pub fn inventory_tree(root: &Path, options: &WalkOptions) -> Inventory {
    let visitor = InventoryVisitor::new(options);
    let problems = walk(root, options, &[&visitor]);
    visitor.finish(problems)
}

/// Inventories one file, which must be a recognised format.
pub fn inventory_file(path: &Path, options: &WalkOptions) -> Option<Inventory> {
    inventory_file_as(path, &path.to_string_lossy().replace('\\', "/"), options)
}

/// Inventories one file, recognised as if it were at `as_path` (forward slashes): for a file kept
/// away from its project, such as a corpus file whose upstream path was `requirements/main.txt`.
pub fn inventory_file_as(path: &Path, as_path: &str, options: &WalkOptions) -> Option<Inventory> {
    let visitor = InventoryVisitor {
        forced: Some(find_parser_for_path(as_path)?),
        ..InventoryVisitor::new(options)
    };
    let root = path.parent().unwrap_or(Path::new(""));
    visit_file(root, path, options.max_file_size, &[&visitor]);
    Some(visitor.finish(Vec::new()))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        s
    }
}

fn walk_error(root: &Path, err: &ignore::Error) -> Diagnostic {
    let path = match err {
        ignore::Error::WithPath { path, .. } => relative(root, path),
        ignore::Error::WithDepth { err, .. } => return walk_error(root, err),
        _ => String::new(),
    };
    Diagnostic::warning(Location::file(path), format!("could not walk: {err}"))
}

/// Parses bytes already in memory as one merged inventory (fuzzing, tests, files inside images).
pub(crate) fn parse_in_memory(
    parser: &'static ParserDef,
    rel: &str,
    bytes: &[u8],
    sibling: &dyn Fn(&str) -> Option<String>,
) -> Inventory {
    let result = parse_file(parser, rel.to_string(), bytes, sibling, Detail::Full);
    merge(vec![with_hashes(result, bytes)], Detail::Full)
}

fn parse_file(
    parser: &'static ParserDef,
    rel: String,
    bytes: &[u8],
    sibling: &dyn Fn(&str) -> Option<String>,
    detail: Detail,
) -> FileResult {
    let mut result = FileResult {
        path: rel.clone(),
        parser,
        size: bytes.len() as u64,
        hashes: Vec::new(),
        diagnostics: Vec::new(),
        incomplete: None,
        outcome: Err(ParseFailure {
            line: None,
            message: String::new(),
        }),
    };
    let text = if parser.binary {
        std::borrow::Cow::Borrowed("")
    } else {
        match std::str::from_utf8(bytes) {
            Ok(t) => std::borrow::Cow::Borrowed(t),
            Err(e) => {
                let bad = e.valid_up_to();
                let line = crate::text::line_of(&String::from_utf8_lossy(&bytes[..bad]), bad);
                result.diagnostics.push(Diagnostic::error(
                    Location::line(rel.clone(), line),
                    format!(
                        "not UTF-8 text at byte {bad}; expected a UTF-8 {}",
                        parser.name
                    ),
                ));
                result.incomplete = Some("the file is not valid UTF-8".into());
                String::from_utf8_lossy(bytes)
            }
        }
    };
    let input = Input {
        path: &rel,
        text: &text,
        bytes,
        sibling,
        detail,
    };
    result.outcome = (parser.parse)(&input);
    result
}

/// Adds the hashes of the file's bytes, unless it turned out to list nothing (most executables):
/// such a file gets no manifest entry.
fn with_hashes(mut result: FileResult, bytes: &[u8]) -> FileResult {
    let listed = result
        .outcome
        .as_ref()
        .map_or(true, |p| !p.not_a_manifest || !p.components.is_empty());
    if listed {
        result.hashes = file_hashes(bytes);
    }
    result
}

/// SHA-256 and SHA-512 of a file's bytes.
pub fn file_hashes(bytes: &[u8]) -> Vec<Hash> {
    let mut out = Vec::with_capacity(2);
    out.extend(Hash::from_bytes(HashAlg::Sha256, &Sha256::digest(bytes)));
    out.extend(Hash::from_bytes(HashAlg::Sha512, &Sha512::digest(bytes)));
    out
}
