//! History scan: every blob reachable from any ref, scanned once, attributed to the commit that
//! introduced it.
//!
//! This drives the `git` CLI in batch mode rather than linking `gix`: one `git log --raw` lists, in
//! topological order from the roots, each commit's new blob ids and paths (the first sighting of a
//! blob is the commit that introduced it), and one `git cat-file --batch` process streams the
//! contents of the distinct blobs. Two processes in all, however long the history; `gix` would add
//! about a hundred crates to the build for the same two operations, and `git` is present wherever
//! there is a repository to scan.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Mutex};

use super::SecretsScanner;
use crate::scanner::Sink;

/// What a history scan covered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HistoryStats {
    /// Commits walked.
    pub commits: u64,
    /// Distinct blobs whose contents were scanned (each once).
    pub blobs: u64,
}

/// A history scan that could not run.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot run git in {repo}: {source}")]
    Spawn {
        repo: String,
        #[source]
        source: std::io::Error,
    },
    #[error("git {what} failed in {repo}: {message}")]
    Git {
        what: &'static str,
        repo: String,
        message: String,
    },
}

/// A blob to scan: its id, the path and commit that introduced it.
#[derive(Debug, Clone)]
struct Blob {
    id: String,
    path: String,
    commit: String,
}

/// Scans the history of the repository at `repo` (commits reachable from every ref, or only those
/// not reachable from `since`).
pub fn scan_history(
    repo: &Path,
    since: Option<&str>,
    scanner: &SecretsScanner,
    sink: &Sink,
) -> Result<HistoryStats, HistoryError> {
    let repo_s = repo.display().to_string();
    let mut args: Vec<&str> = vec![
        "log",
        "--all",
        "--reverse",
        "--topo-order",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--diff-merges=first-parent",
        "--format=%x00%H",
    ];
    if let Some(rev) = since {
        args.extend(["--not", rev]);
    }
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .map_err(|source| HistoryError::Spawn {
            repo: repo_s.clone(),
            source,
        })?;
    if !out.status.success() {
        return Err(HistoryError::Git {
            what: "log",
            repo: repo_s,
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    let (blobs, commits) = parse_log(&out.stdout);
    let mut stats = HistoryStats { commits, blobs: 0 };
    if blobs.is_empty() {
        return Ok(stats);
    }

    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|source| HistoryError::Spawn {
            repo: repo_s.clone(),
            source,
        })?;
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let stdout = child.stdout.take().expect("stdout was piped");
    let ids: Vec<String> = blobs.iter().map(|b| b.id.clone()).collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let max = scanner.options().max_file_size;
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<u8>)>(workers * 4);
    let rx = Mutex::new(rx);
    let result = std::thread::scope(|s| {
        s.spawn(move || {
            for id in ids {
                if writeln!(stdin, "{id}").is_err() {
                    break;
                }
            }
        });
        for _ in 0..workers {
            let rx = &rx;
            let blobs = &blobs;
            s.spawn(move || loop {
                let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                let Ok((i, bytes)) = next else { break };
                let b = &blobs[i];
                let short = &b.commit[..b.commit.len().min(12)];
                let mut extra = BTreeMap::new();
                extra.insert("commit".to_string(), b.commit.clone());
                scanner.scan_bytes(
                    &b.path,
                    &format!("{}@{short}", b.path),
                    &bytes,
                    &extra,
                    sink,
                );
            });
        }
        let mut reader = BufReader::new(stdout);
        let mut header = String::new();
        let mut scanned = 0u64;
        for i in 0..blobs.len() {
            header.clear();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return Err(format!(
                    "git cat-file ended early, at blob {i} of {}",
                    blobs.len()
                ));
            }
            let mut parts = header.split_whitespace();
            let (_, kind, size) = (parts.next(), parts.next(), parts.next());
            let Some(size) = size.and_then(|s| s.parse::<u64>().ok()) else {
                continue; // "<id> missing"
            };
            if kind != Some("blob") || size > max {
                std::io::copy(&mut (&mut reader).take(size + 1), &mut std::io::sink())
                    .map_err(|e| e.to_string())?;
                continue;
            }
            let mut buf = vec![0u8; size as usize + 1];
            reader.read_exact(&mut buf).map_err(|e| e.to_string())?;
            buf.pop();
            scanned += 1;
            if tx.send((i, buf)).is_err() {
                break;
            }
        }
        drop(tx);
        Ok(scanned)
    });
    let _ = child.wait();
    stats.blobs = result.map_err(|message| HistoryError::Git {
        what: "cat-file",
        repo: repo_s,
        message,
    })?;
    Ok(stats)
}

/// Blobs in order of first appearance, each with the commit and path that introduced it.
fn parse_log(out: &[u8]) -> (Vec<Blob>, u64) {
    let mut seen = HashSet::new();
    let mut blobs = Vec::new();
    let mut commit = String::new();
    let mut commits = 0;
    for line in out.split(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(b"\0") {
            commit = String::from_utf8_lossy(rest).trim().to_string();
            commits += 1;
            continue;
        }
        if !line.starts_with(b":") {
            continue;
        }
        let text = String::from_utf8_lossy(line);
        let Some((meta, path)) = text.split_once('\t') else {
            continue;
        };
        let f: Vec<&str> = meta.split_whitespace().collect();
        if f.len() < 5
            || f[1] == "160000"
            || f[4].starts_with('D')
            || f[3].bytes().all(|b| b == b'0')
        {
            continue;
        }
        if seen.insert(f[3].to_string()) {
            blobs.push(Blob {
                id: f[3].to_string(),
                path: unquote(path),
                commit: commit.clone(),
            });
        }
    }
    (blobs, commits)
}

/// git quotes paths with unusual characters (`"a\tb"`); the common escapes are undone.
fn unquote(p: &str) -> String {
    let Some(inner) = p.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return p.to_string();
    };
    inner
        .replace("\\\"", "\"")
        .replace("\\t", "\t")
        .replace("\\n", "\n")
        .replace("\\\\", "\\")
}
