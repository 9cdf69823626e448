//! The evidence directory: every file the build produced, and `manifest.json` naming each with its
//! size, SHA-256, SHA-512 and media type.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256, Sha512};

use crate::build::BuildInfo;

/// The name of the manifest inside the directory.
pub const MANIFEST: &str = "manifest.json";

/// Files collected in memory before they are written together.
#[derive(Debug, Default)]
pub struct Evidence {
    files: BTreeMap<String, (String, Vec<u8>)>,
}

/// One line of the manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
    pub sha512: String,
    pub media_type: String,
}

/// Facts about the run recorded beside the file list.
#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    pub tool: Tool,
    pub build: BuildInfo,
    /// RFC 3339 times of the start and end of the run.
    pub started: String,
    pub finished: String,
    /// The vulnerability database snapshot the findings were matched against.
    #[serde(
        rename = "vulnerabilityDatabase",
        skip_serializing_if = "Option::is_none"
    )]
    pub database: Option<serde_json::Value>,
    /// Wall-clock seconds of each stage of the run, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub timings: Vec<StageTime>,
}

/// How long one stage of the run took.
#[derive(Clone, Debug, Serialize)]
pub struct StageTime {
    pub stage: String,
    pub seconds: f64,
}

/// The tool that wrote the evidence.
#[derive(Clone, Debug, Serialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Serialize)]
struct ManifestDoc<'a> {
    #[serde(rename = "manifestVersion")]
    manifest_version: u32,
    #[serde(flatten)]
    run: &'a RunInfo,
    files: &'a [FileEntry],
}

impl Evidence {
    /// Adds (or replaces) a file at a relative path.
    pub fn add(&mut self, path: impl Into<String>, media_type: &str, bytes: Vec<u8>) {
        self.files
            .insert(path.into(), (media_type.to_string(), bytes));
    }

    /// The bytes of a file added earlier.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|(_, b)| b.as_slice())
    }

    /// The manifest entries of every file so far, sorted by path.
    pub fn entries(&self) -> Vec<FileEntry> {
        self.files
            .iter()
            .map(|(path, (media_type, bytes))| FileEntry {
                path: path.clone(),
                size: bytes.len() as u64,
                sha256: hex(&Sha256::digest(bytes)),
                sha512: hex(&Sha512::digest(bytes)),
                media_type: media_type.clone(),
            })
            .collect()
    }

    /// Writes every file and `manifest.json` into `dir`, replacing what was there: the new
    /// directory is built beside it and renamed into place, so a reader never sees a mix.
    pub fn write(&self, dir: &Path, run: &RunInfo) -> io::Result<Vec<FileEntry>> {
        let entries = self.entries();
        let doc = ManifestDoc {
            manifest_version: 1,
            run,
            files: &entries,
        };
        let manifest = serde_json::to_vec_pretty(&doc).map_err(io::Error::other)?;
        let staging = sibling(dir, "tmp");
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging)?;
        for (path, (_, bytes)) in &self.files {
            let target = staging.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(target, bytes)?;
        }
        std::fs::write(
            staging.join(MANIFEST),
            [manifest.as_slice(), b"\n"].concat(),
        )?;
        if dir.exists() {
            let old = sibling(dir, "old");
            let _ = std::fs::remove_dir_all(&old);
            std::fs::rename(dir, &old)?;
            std::fs::rename(&staging, dir)?;
            let _ = std::fs::remove_dir_all(&old);
        } else {
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::rename(&staging, dir)?;
        }
        Ok(entries)
    }
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "evidence".into());
    dir.with_file_name(format!(".{name}.{suffix}-{}", std::process::id()))
}

pub use proven_model::encoding::hex;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_files_and_manifest() {
        let dir = std::env::temp_dir()
            .join(format!("proven-ev-{}", std::process::id()))
            .join("out");
        let mut ev = Evidence::default();
        ev.add("b.json", "application/json", b"{}".to_vec());
        ev.add("attestations/a.json", "application/json", b"[]".to_vec());
        let run = RunInfo {
            tool: Tool {
                name: "proven".into(),
                version: "0".into(),
            },
            build: BuildInfo::default(),
            started: "2026-01-01T00:00:00Z".into(),
            finished: "2026-01-01T00:00:01Z".into(),
            database: None,
            timings: Vec::new(),
        };
        let entries = ev.write(&dir, &run).expect("written");
        assert_eq!(entries[0].path, "attestations/a.json", "sorted");
        assert_eq!(
            entries[1].sha256, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            "sha256 of {{}}"
        );
        // Writing again replaces the directory whole.
        let mut ev2 = Evidence::default();
        ev2.add("c.json", "application/json", b"1".to_vec());
        ev2.write(&dir, &run).expect("rewritten");
        assert!(!dir.join("b.json").exists());
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(MANIFEST)).expect("manifest"))
                .expect("json");
        assert_eq!(manifest["files"][0]["path"], "c.json");
        assert_eq!(manifest["tool"]["name"], "proven");
        let _ = std::fs::remove_dir_all(dir.parent().expect("parent"));
    }
}
