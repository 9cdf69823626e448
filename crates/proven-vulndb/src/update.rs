//! `update`: fetch or import, verify, build the next snapshot aside, swap it in last.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use proven_model::Ecosystem;
use sha2::{Digest, Sha256};

use crate::archive::{self, ArchiveError};
use crate::build::{build, EcosystemCounts};
use crate::db::hex;
use crate::feeds::{parse_epss, parse_kev, FeedError};
use crate::index::{encode, IndexError, FORMAT};
use crate::osv::{parse_record, Record};
use crate::source::{read_feed, FeedSource, FetchError, Fetcher, Source};
use crate::store::{
    io_err, read_snapshot, replace_file, snapshot_json, sync_dir, write_synced, EcosystemSnapshot,
    FeedSnapshot, Layout, Lock, Skipped, Snapshot, SourceFile, StoreError,
};
use proven_model::date::Timestamp;

/// Receives progress from `update`; the binary draws it. Every method has a silent default.
pub trait Reporter: Sync {
    /// A step starts.
    fn begin(&self, _step: &Step) {}
    /// Units done so far (bytes for downloads, records otherwise), and the total when known.
    fn progress(&self, _step: &Step, _done: u64, _total: Option<u64>) {}
    /// The step is over.
    fn end(&self, _step: &Step) {}
    /// Something the user should know that does not stop the update.
    fn warn(&self, _message: &str) {}
}

/// A reporter that reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoReporter;

impl Reporter for NoReporter {}

/// One step of an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    /// What the step works on (`PyPI/all.zip`, `KEV`).
    pub label: String,
}

/// What sort of step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// Downloading (or copying) an `all.zip`.
    Download,
    /// Fetching records listed in `modified_id.csv`.
    Fetch,
    /// Reading and checking every record of an archive.
    Verify,
    /// Reading a KEV or EPSS feed.
    Feed,
    /// Building and writing the index.
    Index,
}

/// How an update runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateOptions {
    /// Download every `all.zip` again instead of following `modified_id.csv`.
    pub full: bool,
    /// The KEV catalog to join; `None` keeps the one of the previous snapshot, if any.
    pub kev: Option<FeedSource>,
    /// The EPSS file to join; `None` keeps the one of the previous snapshot, if any.
    pub epss: Option<FeedSource>,
    /// Above this many changed records an ecosystem is downloaded whole instead.
    pub max_incremental: usize,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            full: false,
            kev: None,
            epss: None,
            max_incremental: 2000,
        }
    }
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateSummary {
    /// The live snapshot after the update.
    pub snapshot: Snapshot,
    /// The id of the snapshot that was live before, if any.
    pub previous: Option<String>,
    /// False when the data turned out identical (only `checked` moved).
    pub changed: bool,
    pub ecosystems: Vec<EcosystemUpdate>,
}

/// What happened to one ecosystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcosystemUpdate {
    pub name: String,
    pub mode: UpdateMode,
    pub records: u32,
    /// Records left out, with the file and reason.
    pub skipped: Vec<Skipped>,
}

/// How an ecosystem was brought up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateMode {
    /// `all.zip` fetched; `resumed_from` > 0 when an interrupted download was continued.
    Full { bytes: u64, resumed_from: u64 },
    /// Records fetched one by one through `modified_id.csv`.
    Incremental { fetched: usize },
    /// `modified_id.csv` listed nothing newer.
    Unchanged,
    /// Re-indexed from the kept sources, without fetching.
    Rebuilt,
}

/// Why an update failed. The previous snapshot stays live whatever the error.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("no ecosystem to update: name at least one (the database is empty, and the source is not a folder holding <Ecosystem>/all.zip)")]
    NoEcosystems,
    #[error("{0} has no OSV data")]
    Unsupported(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("{source_name}: {error}")]
    Feed {
        source_name: String,
        #[source]
        error: FeedError,
    },
    #[error("writing the index: {0}")]
    Index(#[from] IndexError),
    #[error("{0}: cannot rebuild without the network: the previous snapshot does not keep it")]
    NothingKept(String),
}

/// The most a `modified_id.csv` or one record may weigh.
const MAX_SMALL: u64 = 512 << 20;
/// The most a feed may weigh.
const MAX_FEED: u64 = 512 << 20;

/// Brings the database in `dir` up to date from `source` for `ecosystems` (empty: the ecosystems
/// of the live snapshot). The next snapshot is built aside and swapped in last: on any error, or
/// if the process dies, the previous snapshot stays live and usable.
pub fn update(
    dir: &Path,
    source: &Source,
    ecosystems: &[Ecosystem],
    options: &UpdateOptions,
    reporter: &dyn Reporter,
) -> Result<UpdateSummary, UpdateError> {
    run(dir, Some(source), ecosystems, options, reporter)
}

/// Re-indexes the live snapshot from the sources it keeps, without the network (after an
/// upgrade that changed the index format, or to repair a damaged index).
pub fn rebuild(dir: &Path, reporter: &dyn Reporter) -> Result<UpdateSummary, UpdateError> {
    run(dir, None, &[], &UpdateOptions::default(), reporter)
}

struct Previous {
    folder: PathBuf,
    snapshot: Snapshot,
}

struct Gathered {
    records: Vec<Record>,
    counts: EcosystemCounts,
    snapshot: EcosystemSnapshot,
    report: EcosystemUpdate,
}

fn run(
    dir: &Path,
    source: Option<&Source>,
    ecosystems: &[Ecosystem],
    options: &UpdateOptions,
    reporter: &dyn Reporter,
) -> Result<UpdateSummary, UpdateError> {
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let layout = Layout::new(dir);
    let _lock = Lock::acquire(&layout)?;
    clean_leftovers(&layout);

    // A live snapshot that cannot be read is treated as absent: everything is fetched again.
    let previous = match layout.live() {
        Ok(Some(folder)) => read_snapshot(&folder)
            .ok()
            .map(|snapshot| Previous { folder, snapshot }),
        _ => None,
    };
    if source.is_none() && previous.is_none() {
        return Err(StoreError::Empty(dir.to_path_buf()).into());
    }

    let mut names: BTreeSet<String> = BTreeSet::new();
    for e in ecosystems {
        if *e == Ecosystem::Generic {
            return Err(UpdateError::Unsupported(e.osv_name().to_string()));
        }
        names.insert(e.osv_name().to_string());
    }
    if names.is_empty() {
        if let Some(p) = &previous {
            names.extend(p.snapshot.ecosystems.keys().cloned());
        }
    }
    if names.is_empty() {
        if let Some(Source::Dir(folder)) = source {
            names.extend(folder_ecosystems(folder));
        }
    }
    if names.is_empty() {
        return Err(UpdateError::NoEcosystems);
    }

    let now = Timestamp::now();
    let tmp = layout
        .dir
        .join(format!("tmp-{}-{}", std::process::id(), now.unix_seconds()));
    let result = build_snapshot(
        &layout,
        &tmp,
        source,
        &names,
        options,
        previous.as_ref(),
        now,
        reporter,
    );
    match result {
        Ok(summary) => Ok(summary),
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

/// The ecosystems a local folder in the OSV layout holds: its subfolders that are named as an
/// OSV ecosystem and have an `all.zip`. A bucket over HTTP cannot be listed: there they must be
/// named.
fn folder_ecosystems(folder: &Path) -> BTreeSet<String> {
    let Ok(entries) = fs::read_dir(folder) else {
        return BTreeSet::new();
    };
    entries
        .flatten()
        .filter(|e| e.path().join("all.zip").is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        // `Debian:12/` and the like hold a slice of `Debian/`: only whole ecosystems count.
        .filter(|name| {
            Ecosystem::from_osv_name(name)
                .is_some_and(|e| e != Ecosystem::Generic && e.osv_name() == name)
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn build_snapshot(
    layout: &Layout,
    tmp: &Path,
    source: Option<&Source>,
    names: &BTreeSet<String>,
    options: &UpdateOptions,
    previous: Option<&Previous>,
    now: Timestamp,
    reporter: &dyn Reporter,
) -> Result<UpdateSummary, UpdateError> {
    let sources = tmp.join("sources");
    fs::create_dir_all(&sources).map_err(io_err(&sources))?;
    let fetcher = source.map(Fetcher::new);
    let source_text = match (source, previous) {
        (Some(s), _) => s.describe(),
        (None, Some(p)) => p.snapshot.source.clone(),
        (None, None) => String::new(),
    };

    let mut gathered: BTreeMap<String, Gathered> = BTreeMap::new();
    for name in names {
        let eco_dir = sources.join(name);
        fs::create_dir_all(&eco_dir).map_err(io_err(&eco_dir))?;
        let prev = previous.and_then(|p| {
            let kept = p.snapshot.ecosystems.get(name)?;
            let same_source = source.is_none_or(|s| s.describe() == p.snapshot.source);
            same_source.then_some((p, kept))
        });
        let g = match (&fetcher, prev) {
            (None, Some((p, kept))) => {
                reuse(name, &eco_dir, p, kept, UpdateMode::Rebuilt, reporter)?
            }
            (None, None) => return Err(UpdateError::NothingKept(name.clone())),
            (Some(f), Some((p, kept))) if !options.full => {
                incremental(f, name, &eco_dir, p, kept, options, now, layout, reporter)?
            }
            (Some(f), _) => full(f, name, &eco_dir, layout, now, reporter)?,
        };
        gathered.insert(name.clone(), g);
    }

    let agent = fetcher.as_ref().map(Fetcher::agent);
    let (kev, kev_meta) = feed(
        "kev.json",
        options.kev.as_ref().filter(|_| source.is_some()),
        previous,
        previous.and_then(|p| p.snapshot.kev.as_ref()),
        &sources,
        agent.as_ref(),
        reporter,
        |bytes| {
            let k = parse_kev(bytes)?;
            let meta = (k.version.clone(), k.released.clone(), k.entries.len());
            Ok((k, meta))
        },
    )?;
    let (epss, epss_meta) = feed(
        "epss.csv",
        options.epss.as_ref().filter(|_| source.is_some()),
        previous,
        previous.and_then(|p| p.snapshot.epss.as_ref()),
        &sources,
        agent.as_ref(),
        reporter,
        |bytes| {
            let text = String::from_utf8_lossy(bytes);
            let t = parse_epss(&text)?;
            let meta = (t.model.clone(), t.score_date.clone(), t.scores.len());
            Ok((t, meta))
        },
    )?;

    let step = Step {
        kind: StepKind::Index,
        label: "index".into(),
    };
    reporter.begin(&step);
    let mut records: BTreeMap<String, Record> = BTreeMap::new();
    let mut counts = BTreeMap::new();
    for (name, g) in &mut gathered {
        counts.insert(name.clone(), g.counts.clone());
        for r in std::mem::take(&mut g.records) {
            merge(&mut records, r);
        }
    }
    let parts = build(&records, &counts, kev.as_ref(), epss.as_ref());
    let bytes = encode(&parts)?;
    let id = hex(&Sha256::digest(&bytes));
    reporter.end(&step);

    let snapshot = Snapshot {
        id: id.clone(),
        format: FORMAT,
        created: now.to_string(),
        checked: now.to_string(),
        source: source_text,
        ecosystems: gathered
            .iter()
            .map(|(n, g)| (n.clone(), g.snapshot.clone()))
            .collect(),
        kev: kev_meta,
        epss: epss_meta,
    };
    let reports: Vec<EcosystemUpdate> = gathered.into_values().map(|g| g.report).collect();

    if let Some(p) = previous {
        if same_data(&p.snapshot, &snapshot) && p.folder.join("index.bin").exists() {
            // Nothing changed: keep the live snapshot, record that it was confirmed current.
            let mut kept = p.snapshot.clone();
            kept.checked = now.to_string();
            replace_file(&p.folder.join("snapshot.json"), &snapshot_json(&kept))?;
            let _ = fs::remove_dir_all(tmp);
            return Ok(UpdateSummary {
                snapshot: kept,
                previous: Some(p.snapshot.id.clone()),
                changed: false,
                ecosystems: reports,
            });
        }
    }

    write_synced(&tmp.join("index.bin"), &bytes)?;
    write_synced(&tmp.join("snapshot.json"), &snapshot_json(&snapshot))?;
    for name in names {
        sync_dir(&sources.join(name))?;
    }
    sync_dir(&sources)?;
    sync_dir(tmp)?;

    let snapshots = layout.snapshots();
    fs::create_dir_all(&snapshots).map_err(io_err(&snapshots))?;
    let mut folder_name = format!("{}-{}", now.unix_seconds(), &id[..12]);
    let mut n = 1;
    while snapshots.join(&folder_name).exists() {
        n += 1;
        folder_name = format!("{}-{}-{n}", now.unix_seconds(), &id[..12]);
    }
    let folder = snapshots.join(&folder_name);
    fs::rename(tmp, &folder).map_err(io_err(&folder))?;
    sync_dir(&snapshots)?;
    // The switch: until this rename, the previous snapshot is the live one.
    replace_file(&layout.current(), format!("{folder_name}\n").as_bytes())?;

    // Keep the new snapshot and the one before it; older ones go.
    let keep: BTreeSet<PathBuf> = std::iter::once(folder.clone())
        .chain(previous.map(|p| p.folder.clone()))
        .collect();
    if let Ok(entries) = fs::read_dir(&snapshots) {
        for e in entries.flatten() {
            if !keep.contains(&e.path()) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
    Ok(UpdateSummary {
        snapshot,
        previous: previous.map(|p| p.snapshot.id.clone()),
        changed: true,
        ecosystems: reports,
    })
}

/// Whether two snapshots hold the same index built from the same source files.
fn same_data(a: &Snapshot, b: &Snapshot) -> bool {
    let files = |s: &Snapshot| -> Vec<(String, String, String)> {
        s.ecosystems
            .iter()
            .flat_map(|(n, e)| {
                e.files
                    .iter()
                    .map(move |f| (n.clone(), f.path.clone(), f.sha256.clone()))
            })
            .collect()
    };
    let feed = |f: &Option<FeedSnapshot>| f.as_ref().map(|f| f.sha256.clone());
    a.id == b.id
        && a.format == b.format
        && a.source == b.source
        && files(a) == files(b)
        && feed(&a.kev) == feed(&b.kev)
        && feed(&a.epss) == feed(&b.epss)
}

/// Keeps the newest version of a record seen under several ecosystems or sources.
fn merge(records: &mut BTreeMap<String, Record>, r: Record) {
    match records.get(&r.id) {
        Some(old) if old.modified > r.modified => {}
        _ => {
            records.insert(r.id.clone(), r);
        }
    }
}

/// Removes build folders of updates that died.
fn clean_leftovers(layout: &Layout) {
    if let Ok(entries) = fs::read_dir(&layout.dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with("tmp-") {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

fn sha256_file(path: &Path) -> Result<(String, u64), StoreError> {
    let mut f = fs::File::open(path).map_err(io_err(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex(&hasher.finalize()), size))
}

/// Hard-links a kept source into the new snapshot (sources never change once written), copying
/// where links are not possible.
fn link_or_copy(from: &Path, to: &Path) -> Result<(), StoreError> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to).map_err(io_err(from))?;
    Ok(())
}

/// Reads and checks an archive, with progress.
fn read_archive(
    path: &Path,
    label: &str,
    keep_raw: bool,
    reporter: &dyn Reporter,
) -> Result<archive::Contents, ArchiveError> {
    let step = Step {
        kind: StepKind::Verify,
        label: label.to_string(),
    };
    reporter.begin(&step);
    let contents = archive::read(path, label, keep_raw, &mut |done, total| {
        if done % 256 == 0 || done == total {
            reporter.progress(&step, done, Some(total));
        }
    })?;
    reporter.end(&step);
    for s in &contents.skipped {
        reporter.warn(&format!("{}: left out: {}", s.file, s.reason));
    }
    Ok(contents)
}

fn counts_of(records: &[Record], skipped: usize) -> EcosystemCounts {
    let withdrawn = records.iter().filter(|r| r.withdrawn).count();
    EcosystemCounts {
        records: u32::try_from(records.len() - withdrawn).unwrap_or(u32::MAX),
        withdrawn: u32::try_from(withdrawn).unwrap_or(u32::MAX),
        skipped: u32::try_from(skipped).unwrap_or(u32::MAX),
    }
}

fn cursor_of(records: &[Record]) -> Option<String> {
    records
        .iter()
        .map(|r| r.modified)
        .max()
        .map(|t| t.to_string())
}

/// Downloads, verifies and keeps `all.zip`.
fn full(
    fetcher: &Fetcher,
    name: &str,
    eco_dir: &Path,
    layout: &Layout,
    now: Timestamp,
    reporter: &dyn Reporter,
) -> Result<Gathered, UpdateError> {
    let label = format!("{name}/all.zip");
    let downloads = layout.downloads().join(name);
    fs::create_dir_all(&downloads).map_err(io_err(&downloads))?;
    let part = downloads.join("all.zip.part");
    let step = Step {
        kind: StepKind::Download,
        label: label.clone(),
    };
    reporter.begin(&step);
    let got = fetcher.download(&[name, "all.zip"], &part, &mut |done, total| {
        reporter.progress(&step, done, total)
    })?;
    reporter.end(&step);

    let contents = match read_archive(&part, &label, false, reporter) {
        Ok(c) => c,
        Err(e) => {
            // A complete download that is damaged must not be resumed: start over next time.
            let _ = fs::remove_file(&part);
            let _ = fs::remove_file(part.with_extension("part.validator"));
            return Err(e.into());
        }
    };
    let (sha256, size) = sha256_file(&part)?;
    let kept = eco_dir.join("all.zip");
    fs::rename(&part, &kept).map_err(io_err(&kept))?;
    let _ = fs::remove_file(part.with_extension("part.validator"));

    let mut records: Vec<Record> = Vec::with_capacity(contents.records.len());
    for (_, r) in contents.records {
        records.push(r);
    }
    let counts = counts_of(&records, contents.skipped.len());
    Ok(Gathered {
        snapshot: EcosystemSnapshot {
            records: counts.records,
            withdrawn: counts.withdrawn,
            skipped: contents.skipped.clone(),
            cursor: cursor_of(&records),
            files: vec![SourceFile {
                path: label,
                sha256,
                size,
                fetched: now.to_string(),
            }],
        },
        report: EcosystemUpdate {
            name: name.to_string(),
            mode: UpdateMode::Full {
                bytes: got.size,
                resumed_from: got.resumed_from,
            },
            records: counts.records,
            skipped: contents.skipped,
        },
        counts,
        records,
    })
}

/// Reads the kept `all.zip` and `updates.zip` of the previous snapshot (linked into the new one).
fn reuse(
    name: &str,
    eco_dir: &Path,
    prev: &Previous,
    kept: &EcosystemSnapshot,
    mode: UpdateMode,
    reporter: &dyn Reporter,
) -> Result<Gathered, UpdateError> {
    let Kept {
        records, skipped, ..
    } = read_kept(name, eco_dir, prev, reporter, false)?;
    let counts = counts_of(&records, skipped.len());
    Ok(Gathered {
        snapshot: EcosystemSnapshot {
            records: counts.records,
            withdrawn: counts.withdrawn,
            skipped: skipped.clone(),
            cursor: cursor_of(&records),
            files: kept.files.clone(),
        },
        report: EcosystemUpdate {
            name: name.to_string(),
            mode,
            records: counts.records,
            skipped,
        },
        counts,
        records,
    })
}

/// What a previous snapshot kept for one ecosystem.
struct Kept {
    /// Newest version of each record, updates over the base.
    records: Vec<Record>,
    skipped: Vec<Skipped>,
    /// The raw entries of `updates.zip`, when asked for.
    raw: BTreeMap<String, Vec<u8>>,
}

/// Links the kept archives into `eco_dir` and reads them.
fn read_kept(
    name: &str,
    eco_dir: &Path,
    prev: &Previous,
    reporter: &dyn Reporter,
    keep_raw: bool,
) -> Result<Kept, UpdateError> {
    let from = prev.folder.join("sources").join(name);
    let base = eco_dir.join("all.zip");
    link_or_copy(&from.join("all.zip"), &base)?;
    let mut contents = read_archive(&base, &format!("{name}/all.zip"), false, reporter)?;
    let mut raw = BTreeMap::new();
    let updates = from.join("updates.zip");
    if updates.exists() {
        let mine = eco_dir.join("updates.zip");
        link_or_copy(&updates, &mine)?;
        let u = read_archive(&mine, &format!("{name}/updates.zip"), keep_raw, reporter)?;
        contents.records.extend(u.records);
        contents.skipped.extend(u.skipped);
        raw = u.raw;
    }
    Ok(Kept {
        records: newest_per_id(contents.records.into_iter().map(|(_, r)| r)),
        skipped: contents.skipped,
        raw,
    })
}

fn newest_per_id(records: impl Iterator<Item = Record>) -> Vec<Record> {
    let mut by_id: BTreeMap<String, Record> = BTreeMap::new();
    for r in records {
        merge(&mut by_id, r);
    }
    by_id.into_values().collect()
}

/// Follows `modified_id.csv` from the previous cursor; falls back to a full download when the
/// file is missing or lists too much.
#[allow(clippy::too_many_arguments)]
fn incremental(
    fetcher: &Fetcher,
    name: &str,
    eco_dir: &Path,
    prev: &Previous,
    kept: &EcosystemSnapshot,
    options: &UpdateOptions,
    now: Timestamp,
    layout: &Layout,
    reporter: &dyn Reporter,
) -> Result<Gathered, UpdateError> {
    let cursor = kept.cursor.as_deref().and_then(Timestamp::parse);
    let csv = match (cursor, fetcher.get(&[name, "modified_id.csv"], MAX_SMALL)?) {
        (Some(c), Some(bytes)) => Some((c, bytes)),
        _ => None,
    };
    let Some((cursor, csv)) = csv else {
        return full(fetcher, name, eco_dir, layout, now, reporter);
    };
    let changed = match newer_ids(&csv, cursor) {
        Ok(ids) => ids,
        Err(problem) => {
            reporter.warn(&format!(
                "{name}/modified_id.csv: {problem}; downloading all.zip instead"
            ));
            return full(fetcher, name, eco_dir, layout, now, reporter);
        }
    };
    if changed.len() > options.max_incremental {
        return full(fetcher, name, eco_dir, layout, now, reporter);
    }
    if changed.is_empty() {
        return reuse(name, eco_dir, prev, kept, UpdateMode::Unchanged, reporter);
    }

    let Kept {
        records: kept_records,
        skipped: kept_skipped,
        mut raw,
    } = read_kept(name, eco_dir, prev, reporter, true)?;
    let mut files: BTreeMap<String, SourceFile> = kept
        .files
        .iter()
        .skip(1)
        .map(|f| (f.path.clone(), f.clone()))
        .collect();
    let csv_path = format!("{name}/modified_id.csv");
    files.insert(
        csv_path.clone(),
        SourceFile {
            path: csv_path,
            sha256: hex(&Sha256::digest(&csv)),
            size: csv.len() as u64,
            fetched: now.to_string(),
        },
    );
    let step = Step {
        kind: StepKind::Fetch,
        label: format!("{name}: {} changed records", changed.len()),
    };
    reporter.begin(&step);
    let mut skipped = kept_skipped;
    let mut fetched = Vec::new();
    for (i, id) in changed.iter().enumerate() {
        let file = format!("{id}.json");
        let path = format!("{name}/{file}");
        let keep_previous = |reason: String| Skipped {
            file: path.clone(),
            reason: format!("{reason}; the previous version is kept"),
        };
        match fetcher.get(&[name, &file], MAX_SMALL)? {
            None => skipped.push(keep_previous(
                "listed in modified_id.csv but not found".into(),
            )),
            Some(bytes) => match parse_record(&bytes) {
                Ok(record) => {
                    files.insert(
                        path.clone(),
                        SourceFile {
                            path: path.clone(),
                            sha256: hex(&Sha256::digest(&bytes)),
                            size: bytes.len() as u64,
                            fetched: now.to_string(),
                        },
                    );
                    raw.insert(file, bytes);
                    fetched.push(record);
                }
                Err(e) => skipped.push(keep_previous(e.to_string())),
            },
        }
        reporter.progress(&step, i as u64 + 1, Some(changed.len() as u64));
    }
    reporter.end(&step);
    for s in skipped.iter().filter(|s| !s.file.contains(".zip:")) {
        reporter.warn(&format!("{}: left out: {}", s.file, s.reason));
    }
    let updates = eco_dir.join("updates.zip");
    // The linked file belongs to the previous snapshot too: unlink, never write through it.
    let _ = fs::remove_file(&updates);
    archive::write(&updates, &raw)?;

    let records = newest_per_id(kept_records.into_iter().chain(fetched));
    let counts = counts_of(&records, skipped.len());
    let mut file_list = vec![kept.files[0].clone()];
    file_list.extend(files.into_values());
    Ok(Gathered {
        snapshot: EcosystemSnapshot {
            records: counts.records,
            withdrawn: counts.withdrawn,
            skipped: skipped.clone(),
            cursor: cursor_of(&records),
            files: file_list,
        },
        report: EcosystemUpdate {
            name: name.to_string(),
            mode: UpdateMode::Incremental {
                fetched: changed.len(),
            },
            records: counts.records,
            skipped,
        },
        counts,
        records,
    })
}

/// The ids of `modified_id.csv` (`<RFC 3339 time>,<id>` per line) modified after `cursor`.
fn newer_ids(csv: &[u8], cursor: Timestamp) -> Result<Vec<String>, String> {
    let text = std::str::from_utf8(csv).map_err(|_| "not UTF-8".to_string())?;
    let mut ids = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (time, id) = line
            .split_once(',')
            .ok_or_else(|| format!("line {}: expected `<time>,<id>`", i + 1))?;
        let t = Timestamp::parse(time.trim())
            .ok_or_else(|| format!("line {}: {time:?} is not an RFC 3339 time", i + 1))?;
        let id = id.trim();
        let plain = !id.is_empty()
            && !id.starts_with('.')
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
        if !plain {
            return Err(format!("line {}: {id:?} is not a record id", i + 1));
        }
        if t > cursor {
            ids.insert(id.to_string());
        }
    }
    Ok(ids.into_iter().collect())
}

/// Reads a feed (fresh from `given`, else the previous snapshot's kept copy) and keeps it.
#[allow(clippy::too_many_arguments)]
fn feed<T>(
    file: &str,
    given: Option<&FeedSource>,
    previous: Option<&Previous>,
    previous_meta: Option<&FeedSnapshot>,
    sources: &Path,
    agent: Option<&ureq::Agent>,
    reporter: &dyn Reporter,
    parse: impl Fn(&[u8]) -> Result<(T, (String, String, usize)), FeedError>,
) -> Result<(Option<T>, Option<FeedSnapshot>), UpdateError> {
    let kept = sources.join(file);
    let (bytes, source_name) = match (given, previous, previous_meta) {
        (Some(g), _, _) => {
            let step = Step {
                kind: StepKind::Feed,
                label: g.describe(),
            };
            reporter.begin(&step);
            let agent = agent
                .cloned()
                .unwrap_or_else(|| Fetcher::new(&Source::Url(String::new())).agent());
            let bytes = read_feed(g, &agent, MAX_FEED)?;
            reporter.end(&step);
            (decompress(bytes, &g.describe())?, g.describe())
        }
        (None, Some(p), Some(meta)) => {
            let from = p.folder.join("sources").join(file);
            let bytes = fs::read(&from).map_err(io_err(&from))?;
            (bytes, meta.source.clone())
        }
        _ => return Ok((None, None)),
    };
    let (value, (version, date, entries)) = parse(&bytes).map_err(|error| UpdateError::Feed {
        source_name: source_name.clone(),
        error,
    })?;
    write_synced(&kept, &bytes)?;
    Ok((
        Some(value),
        Some(FeedSnapshot {
            source: source_name,
            sha256: hex(&Sha256::digest(&bytes)),
            version,
            date,
            entries: u32::try_from(entries).unwrap_or(u32::MAX),
        }),
    ))
}

/// EPSS files are published gzip-compressed; accept them either way.
fn decompress(bytes: Vec<u8>, name: &str) -> Result<Vec<u8>, UpdateError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .take(MAX_FEED)
        .read_to_end(&mut out)
        .map_err(|e| UpdateError::Feed {
            source_name: name.to_string(),
            error: FeedError::Epss {
                line: 0,
                problem: format!("gzip: {e}"),
            },
        })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_csv_after_cursor() {
        let cursor = Timestamp::parse("2024-01-02T00:00:00Z").expect("valid");
        let ids = newer_ids(
            b"2024-01-03T00:00:00Z,B-2\n2024-01-02T00:00:00Z,A-1\n2024-01-01T00:00:00Z,C-3\n",
            cursor,
        )
        .expect("valid");
        assert_eq!(ids, ["B-2"]);
        assert!(newer_ids(b"yesterday,A-1\n", cursor).is_err());
        assert!(newer_ids(b"2024-01-03T00:00:00Z,../etc\n", cursor).is_err());
    }

    #[test]
    fn gzip_feeds_are_unpacked() {
        use std::io::Write;
        let text = b"cve,epss,percentile\nCVE-2024-0001,0.5,0.9\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text).expect("compress");
        let packed = gz.finish().expect("compress");
        assert_eq!(decompress(packed, "epss.csv.gz").expect("gunzip"), text);
        assert_eq!(decompress(text.to_vec(), "epss.csv").expect("plain"), text);
    }
}
