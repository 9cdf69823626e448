//! Checking an evidence directory against its manifest: every file re-hashed, nothing missing,
//! nothing added.

use std::collections::BTreeSet;
use std::path::Path;

use sha2::{Digest, Sha256, Sha512};

use crate::evidence::{hex, FileEntry, MANIFEST};

/// One thing that does not match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The manifest itself is missing or unreadable.
    Manifest(String),
    Missing(String),
    /// Present but not listed in the manifest.
    Unlisted(String),
    SizeMismatch {
        path: String,
        expected: u64,
        actual: u64,
    },
    DigestMismatch {
        path: String,
        algorithm: &'static str,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Manifest(why) => write!(f, "{MANIFEST}: {why}"),
            Problem::Missing(p) => write!(f, "{p}: listed in the manifest but missing"),
            Problem::Unlisted(p) => write!(f, "{p}: present but not listed in the manifest"),
            Problem::SizeMismatch {
                path,
                expected,
                actual,
            } => {
                write!(
                    f,
                    "{path}: {actual} bytes, the manifest says {expected}: the file was changed"
                )
            }
            Problem::DigestMismatch { path, algorithm } => {
                write!(
                    f,
                    "{path}: {algorithm} does not match the manifest: the file was changed"
                )
            }
        }
    }
}

#[derive(serde::Deserialize)]
struct ManifestFiles {
    files: Vec<FileEntry>,
}

/// Verifies every file of `dir` against its manifest; returns the files checked and the problems.
pub fn verify_dir(dir: &Path) -> (Vec<FileEntry>, Vec<Problem>) {
    let bytes = match std::fs::read(dir.join(MANIFEST)) {
        Ok(b) => b,
        Err(e) => return (vec![], vec![Problem::Manifest(format!("cannot read: {e}"))]),
    };
    let manifest: ManifestFiles = match serde_json::from_slice(&bytes) {
        Ok(m) => m,
        Err(e) => {
            return (
                vec![],
                vec![Problem::Manifest(format!("not a Proven manifest: {e}"))],
            )
        }
    };
    let mut problems = Vec::new();
    for entry in &manifest.files {
        let path = dir.join(&entry.path);
        let Ok(data) = std::fs::read(&path) else {
            problems.push(Problem::Missing(entry.path.clone()));
            continue;
        };
        if data.len() as u64 != entry.size {
            problems.push(Problem::SizeMismatch {
                path: entry.path.clone(),
                expected: entry.size,
                actual: data.len() as u64,
            });
            continue;
        }
        if hex(&Sha256::digest(&data)) != entry.sha256 {
            problems.push(Problem::DigestMismatch {
                path: entry.path.clone(),
                algorithm: "SHA-256",
            });
        } else if hex(&Sha512::digest(&data)) != entry.sha512 {
            problems.push(Problem::DigestMismatch {
                path: entry.path.clone(),
                algorithm: "SHA-512",
            });
        }
    }
    let listed: BTreeSet<&str> = manifest.files.iter().map(|e| e.path.as_str()).collect();
    let mut present = Vec::new();
    list_files(dir, dir, &mut present);
    for p in present {
        if p != MANIFEST && !listed.contains(p.as_str()) {
            problems.push(Problem::Unlisted(p));
        }
    }
    (manifest.files, problems)
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            list_files(root, &p, out);
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::BuildInfo;
    use crate::evidence::{Evidence, RunInfo, Tool};

    #[test]
    fn every_tampering_is_named() {
        let dir = std::env::temp_dir().join(format!("proven-verify-{}", std::process::id()));
        let mut ev = Evidence::default();
        ev.add("a.json", "application/json", b"{\"a\":1}".to_vec());
        ev.add("sub/b.txt", "text/plain", b"hello".to_vec());
        let run = RunInfo {
            tool: Tool {
                name: "proven".into(),
                version: "0".into(),
            },
            build: BuildInfo::default(),
            started: String::new(),
            finished: String::new(),
            database: None,
            timings: Vec::new(),
        };
        ev.write(&dir, &run).expect("written");
        assert_eq!(verify_dir(&dir).1, vec![], "fresh directory verifies");

        // Flip each byte of each file in turn: always caught, always naming the file.
        for (name, len) in [("a.json", 7), ("sub/b.txt", 5)] {
            for i in 0..len {
                let p = dir.join(name);
                let orig = std::fs::read(&p).expect("read");
                let mut bad = orig.clone();
                bad[i] ^= 0x01;
                std::fs::write(&p, &bad).expect("write");
                let problems = verify_dir(&dir).1;
                assert_eq!(
                    problems,
                    vec![Problem::DigestMismatch {
                        path: name.into(),
                        algorithm: "SHA-256"
                    }]
                );
                std::fs::write(&p, &orig).expect("restore");
            }
        }
        std::fs::write(dir.join("extra.txt"), "x").expect("write");
        std::fs::remove_file(dir.join("a.json")).expect("rm");
        let problems = verify_dir(&dir).1;
        assert!(problems.contains(&Problem::Missing("a.json".into())));
        assert!(problems.contains(&Problem::Unlisted("extra.txt".into())));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
