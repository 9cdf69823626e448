//! History scan against a real repository built with the git CLI: a secret added in one commit and
//! removed in the next is found in the history, not in the tree, and every blob is read once.

use std::path::{Path, PathBuf};
use std::process::Command;

use proven_checks::scanner::ScannerRun;
use proven_checks::secrets::history::scan_history;
use proven_checks::secrets::{SecretsOptions, SecretsScanner};
use proven_inventory::{walk, WalkOptions};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@localhost",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A GitHub token with a valid checksum, built here so no token sits in this file.
fn github_token() -> String {
    let random = "Zq3xV7bN1mK5tR9wY2cF6hJ8pL4sD0";
    let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = u64::from(crc32fast_hash(random.as_bytes()));
    let mut check = Vec::new();
    for _ in 0..6 {
        check.push(alphabet[(n % 62) as usize]);
        n /= 62;
    }
    check.reverse();
    format!("ghp_{random}{}", String::from_utf8(check).expect("ascii"))
}

fn crc32fast_hash(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn temp_repo() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("proven-secrets-history-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    git(&dir, &["init", "-q", "-b", "main"]);
    dir
}

#[test]
fn removed_secret_is_found_in_history_only_and_blobs_are_read_once() {
    let dir = temp_repo();
    std::fs::write(dir.join("README.md"), "# app\n").expect("write");
    std::fs::write(
        dir.join("config.env"),
        format!("PORT=8080\nGITHUB_TOKEN={}\n", github_token()),
    )
    .expect("write");
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "add config"]);
    let introducing = git(&dir, &["rev-parse", "HEAD"]);
    std::fs::write(
        dir.join("config.env"),
        "PORT=8080\nGITHUB_TOKEN=${GITHUB_TOKEN}\n",
    )
    .expect("write");
    git(
        &dir,
        &["commit", "-q", "-am", "read the token from the environment"],
    );
    // The same content under a second path is one blob, scanned once.
    std::fs::write(dir.join("README.copy.md"), "# app\n").expect("write");
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "copy"]);

    let scanner = SecretsScanner::new(SecretsOptions::default());
    let run = ScannerRun::new(&scanner);
    walk(&dir, &WalkOptions::default(), &[&run]);
    let (tree, _) = run.sink.into_parts();
    assert!(tree.is_empty(), "{tree:?}");

    let scanner = SecretsScanner::new(SecretsOptions::default());
    let run = ScannerRun::new(&scanner);
    let stats = scan_history(&dir, None, &scanner, &run.sink).expect("history scan");
    let (found, diagnostics) = run.sink.into_parts();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(f.code, "github-pat");
    assert_eq!(
        f.location.path,
        format!("config.env@{}", &introducing[..12])
    );
    assert_eq!(f.location.line, Some(2));
    assert_eq!(f.evidence.get("commit"), Some(&introducing));

    let blobs = git(&dir, &["rev-list", "--objects", "--all"])
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|id| git(&dir, &["cat-file", "-t", id]) == "blob")
        .count();
    assert_eq!(
        stats.blobs as usize, blobs,
        "each distinct blob scanned exactly once"
    );
    assert_eq!(blobs, 3);
    assert_eq!(stats.commits, 3);

    // --since the introducing commit: only the later commits, so nothing.
    let scanner = SecretsScanner::new(SecretsOptions::default());
    let run = ScannerRun::new(&scanner);
    let stats = scan_history(&dir, Some(&introducing), &scanner, &run.sink).expect("history scan");
    assert_eq!(stats.commits, 2);
    assert!(run.sink.into_parts().0.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
