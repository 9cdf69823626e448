//! The database directory: snapshots, the pointer to the live one, the update lock.
//!
//! ```text
//! <dir>/current                          name of the live snapshot (replaced by rename, last)
//! <dir>/snapshots/<name>/snapshot.json   what the snapshot holds and where it came from
//! <dir>/snapshots/<name>/index.bin       the index (see `index.rs`)
//! <dir>/snapshots/<name>/sources/        the files it was built from, kept for incremental
//!                                        updates and for rebuilding without the network:
//!     <Ecosystem>/all.zip                the export as downloaded
//!     <Ecosystem>/updates.zip            records fetched through modified_id.csv since then
//!     kev.json, epss.csv                 the feeds, when given
//! <dir>/downloads/<Ecosystem>/all.zip.part   an interrupted download, resumed next time
//! <dir>/lock                             held by a running update (holds its process id)
//! ```
//!
//! Snapshots are immutable once renamed into place; an update builds the next one in a `tmp-`
//! folder, syncs it, renames it, then replaces `current`. A crash at any point leaves `current`
//! naming a complete snapshot.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use proven_model::date::Timestamp;

/// What a snapshot holds and where it came from (`snapshot.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// SHA-256 of the index file: equal ids mean equal vulnerability data.
    pub id: String,
    /// Index format version.
    pub format: u32,
    /// When this snapshot was built (RFC 3339, UTC).
    pub created: String,
    /// When an update last confirmed it current; later than `created` when nothing had changed.
    pub checked: String,
    /// The OSV base URL or folder.
    pub source: String,
    pub ecosystems: BTreeMap<String, EcosystemSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev: Option<FeedSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epss: Option<FeedSnapshot>,
}

/// One ecosystem of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcosystemSnapshot {
    /// Records indexed (withdrawn ones excluded).
    pub records: u32,
    pub withdrawn: u32,
    /// Records left out because they failed the checks, with the file and reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
    /// The newest `modified` time among the records: the incremental update starts after it.
    pub cursor: Option<String>,
    /// Every source file the data came from, with its SHA-256: `all.zip` first, then
    /// `modified_id.csv` and each `<id>.json` fetched since.
    pub files: Vec<SourceFile>,
}

/// A record that was left out.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Skipped {
    /// `PyPI/all.zip:PYSEC-2024-1.json` or `PyPI/PYSEC-2024-1.json`.
    pub file: String,
    pub reason: String,
}

/// A source file as fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Path relative to the source (`PyPI/all.zip`).
    pub path: String,
    pub sha256: String,
    pub size: u64,
    /// When it was fetched.
    pub fetched: String,
}

/// A feed joined into the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedSnapshot {
    /// URL or path it was read from.
    pub source: String,
    pub sha256: String,
    /// KEV `catalogVersion`, EPSS model version.
    pub version: String,
    /// KEV release date, EPSS score date.
    pub date: String,
    pub entries: u32,
}

impl Snapshot {
    /// The first 12 hex digits of the id, for people.
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }

    /// Time since the data was last confirmed current (`checked`); `None` if that is unreadable.
    pub fn age(&self) -> Option<Duration> {
        Timestamp::parse(&self.checked).map(|t| t.age(Timestamp::now()))
    }

    /// True when the data was last confirmed longer ago than `max_age` (or when unknown).
    pub fn is_stale(&self, max_age: Duration) -> bool {
        self.age().is_none_or(|age| age > max_age)
    }

    /// The time the snapshot was built or last confirmed current.
    pub fn checked_at(&self) -> Option<Timestamp> {
        Timestamp::parse(&self.checked)
    }
}

/// Errors reading or writing the directory.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("no vulnerability database in {0} (run `proven db update`)")]
    Empty(PathBuf),
    #[error("{path}: {problem}")]
    Corrupt { path: PathBuf, problem: String },
    #[error(
        "another update is running (process {pid}, lock file {path}); remove the file if that process is gone"
    )]
    Locked { pid: String, path: PathBuf },
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Paths inside a database directory.
#[derive(Debug, Clone)]
pub struct Layout {
    pub dir: PathBuf,
}

impl Layout {
    pub fn new(dir: &Path) -> Layout {
        Layout {
            dir: dir.to_path_buf(),
        }
    }
    pub fn current(&self) -> PathBuf {
        self.dir.join("current")
    }
    pub fn snapshots(&self) -> PathBuf {
        self.dir.join("snapshots")
    }
    pub fn downloads(&self) -> PathBuf {
        self.dir.join("downloads")
    }
    pub fn lock(&self) -> PathBuf {
        self.dir.join("lock")
    }

    /// The folder of the live snapshot, if there is one.
    pub fn live(&self) -> Result<Option<PathBuf>, StoreError> {
        let path = self.current();
        let name = match fs::read_to_string(&path) {
            Ok(s) => s.trim().to_string(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err(&path)(e)),
        };
        let plain = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !plain {
            return Err(StoreError::Corrupt {
                path,
                problem: format!("names no snapshot folder: {name:?}"),
            });
        }
        Ok(Some(self.snapshots().join(name)))
    }
}

/// Reads `snapshot.json` of a snapshot folder.
pub fn read_snapshot(folder: &Path) -> Result<Snapshot, StoreError> {
    let path = folder.join("snapshot.json");
    let bytes = fs::read(&path).map_err(io_err(&path))?;
    serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
        path,
        problem: e.to_string(),
    })
}

/// Writes a file and flushes it to disk.
pub fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut f = File::create(path).map_err(io_err(path))?;
    f.write_all(bytes).map_err(io_err(path))?;
    f.sync_all().map_err(io_err(path))
}

/// Flushes a directory's entries (new names, renames) to disk where the platform allows it.
pub fn sync_dir(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        File::open(path)
            .and_then(|d| d.sync_all())
            .map_err(io_err(path))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Replaces a file atomically: write a sibling, sync, rename over, sync the folder.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let tmp = path.with_extension("tmp");
    write_synced(&tmp, bytes)?;
    fs::rename(&tmp, path).map_err(io_err(path))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Serializes a snapshot as pretty JSON (stable key order).
pub fn snapshot_json(s: &Snapshot) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(s).expect("a snapshot always serializes");
    out.push(b'\n');
    out
}

/// The update lock: a file created exclusively, removed on drop.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes the lock, clearing one left by a process that no longer runs.
    pub fn acquire(layout: &Layout) -> Result<Lock, StoreError> {
        let path = layout.lock();
        for _ in 0..2 {
            match File::options().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let pid = fs::read_to_string(&path)
                        .unwrap_or_default()
                        .trim()
                        .to_string();
                    if holder_is_gone(&pid) {
                        let _ = fs::remove_file(&path);
                        continue;
                    }
                    return Err(StoreError::Locked { pid, path });
                }
                Err(e) => return Err(io_err(&path)(e)),
            }
        }
        Err(StoreError::Locked {
            pid: "unknown".into(),
            path,
        })
    }
}

/// Whether the process named in a lock file has gone (Linux: no `/proc/<pid>`). Elsewhere a lock
/// is only cleared by hand.
fn holder_is_gone(pid: &str) -> bool {
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    cfg!(target_os = "linux") && !Path::new("/proc").join(pid).exists()
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Sums the sizes of the regular files under a folder.
pub fn folder_size(path: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => folder_size(&e.path()),
            Ok(_) => e.metadata().map(|m| m.len()).unwrap_or(0),
            Err(_) => 0,
        })
        .sum()
}
