//! Vulnerability data for Proven: OSV download, import and incremental update, the on-disk index,
//! the matcher, alias clustering, KEV and EPSS. Only [`update`] touches the network.
//!
//! ```no_run
//! # use proven_vulndb::*;
//! # use proven_model::{Ecosystem, Inventory};
//! let dir = default_db_dir().expect("a home or cache directory");
//! update(&dir, &Source::osv(), &[Ecosystem::PyPI], &UpdateOptions::default(), &NoReporter)?;
//! let db = Database::open(&dir)?;
//! let report = db.match_inventory(&Inventory::default());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod archive;
mod build;
mod db;
mod eval;
mod feeds;
mod index;
mod mapped;
#[cfg(test)]
mod measure;
mod names;
mod order;
mod osv;
mod severity;
mod source;
mod store;
mod update;

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

pub use archive::ArchiveError;
pub use db::{Database, DbError, MatchReport, Unmatched, VulnEvidence, EPSS, EPSS_PERCENTILE, KEV};
pub use feeds::FeedError;
pub use index::IndexError;
pub use source::{FeedSource, FetchError, Source, DEFAULT_KEV_URL, DEFAULT_OSV_BASE};
pub use store::{EcosystemSnapshot, FeedSnapshot, Skipped, Snapshot, SourceFile, StoreError};
pub use update::{
    rebuild, update, EcosystemUpdate, NoReporter, Reporter, Step, StepKind, UpdateError,
    UpdateMode, UpdateOptions, UpdateSummary,
};

/// The database directory: `$PROVEN_DB_DIR`, else `$XDG_CACHE_HOME/proven/db`, else
/// `~/.cache/proven/db` (`%LOCALAPPDATA%\proven\db` on Windows).
pub fn default_db_dir() -> Option<PathBuf> {
    default_db_dir_from(|k| std::env::var_os(k))
}

fn default_db_dir_from(env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let var = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("PROVEN_DB_DIR") {
        return Some(dir);
    }
    if let Some(cache) = var("XDG_CACHE_HOME") {
        return Some(cache.join("proven").join("db"));
    }
    if cfg!(windows) {
        if let Some(local) = var("LOCALAPPDATA") {
            return Some(local.join("proven").join("db"));
        }
    }
    var("HOME").map(|home| home.join(".cache").join("proven").join("db"))
}

/// The state of a database directory, for `proven db status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub dir: PathBuf,
    /// The live snapshot, `None` when there is none yet.
    pub snapshot: Option<Snapshot>,
    /// Size of the index file in bytes.
    pub index_size: u64,
    /// Size of everything in the directory (kept sources, previous snapshot, downloads).
    pub disk_size: u64,
    /// Whether the index hashes to the snapshot id.
    pub intact: bool,
    /// Why the live snapshot cannot be used, if it cannot.
    pub problem: Option<String>,
    /// Interrupted downloads that the next update resumes.
    pub partial_downloads: Vec<String>,
}

/// Reads the state of a database directory without changing it.
pub fn status(dir: &Path) -> Result<Status, StoreError> {
    let layout = store::Layout::new(dir);
    let mut st = Status {
        dir: dir.to_path_buf(),
        snapshot: None,
        index_size: 0,
        disk_size: store::folder_size(dir),
        intact: false,
        problem: None,
        partial_downloads: Vec::new(),
    };
    if let Ok(entries) = fs::read_dir(layout.downloads()) {
        for e in entries.flatten() {
            let part = e.path().join("all.zip.part");
            if let Ok(m) = fs::metadata(&part) {
                st.partial_downloads.push(format!(
                    "{}/all.zip ({} bytes)",
                    e.file_name().to_string_lossy(),
                    m.len()
                ));
            }
        }
        st.partial_downloads.sort();
    }
    match Database::open(dir) {
        Ok(db) => {
            st.index_size = db.index_len();
            st.intact = db.verify();
            if !st.intact {
                st.problem = Some("the index does not hash to the snapshot id".into());
            }
            st.snapshot = Some(db.snapshot().clone());
        }
        Err(DbError::Store(StoreError::Empty(_))) => {}
        Err(e) => {
            st.problem = Some(e.to_string());
            if let Ok(Some(folder)) = layout.live() {
                st.snapshot = store::read_snapshot(&folder).ok();
            }
        }
    }
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_dir_precedence() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        assert_eq!(
            default_db_dir_from(env(&[("PROVEN_DB_DIR", "/x"), ("HOME", "/h")])),
            Some(PathBuf::from("/x"))
        );
        assert_eq!(
            default_db_dir_from(env(&[
                ("PROVEN_DB_DIR", ""),
                ("XDG_CACHE_HOME", "/c"),
                ("HOME", "/h")
            ])),
            Some(PathBuf::from("/c/proven/db"))
        );
        assert_eq!(
            default_db_dir_from(env(&[("HOME", "/h")])),
            Some(PathBuf::from("/h/.cache/proven/db"))
        );
        assert_eq!(default_db_dir_from(env(&[])), None);
    }
}
