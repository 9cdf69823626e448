//! The tree walk on awkward trees: vendored folders, .gitignore, symlink loops, huge and non-UTF-8
//! files. Each test builds its tree in a fresh temporary folder.

use std::path::{Path, PathBuf};

use proven_inventory::{inventory_tree, Detail, WalkOptions};
use proven_model::DiagnosticLevel;

const LOCK: &str = "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

struct Tree(PathBuf);

impl Tree {
    fn new(name: &str) -> Tree {
        let dir = std::env::temp_dir().join(format!("proven-walk-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Tree(dir)
    }

    fn file(&self, rel: &str, bytes: &[u8]) -> &Tree {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
        self
    }

    fn paths(&self, options: &WalkOptions) -> Vec<String> {
        inventory_tree(&self.0, options)
            .manifests
            .into_iter()
            .map(|m| m.path)
            .collect()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn vendored_folders_are_skipped_unless_asked() {
    let t = Tree::new("vendored");
    t.file("Cargo.lock", LOCK.as_bytes())
        .file("node_modules/x/Cargo.lock", LOCK.as_bytes())
        .file("target/debug/Cargo.lock", LOCK.as_bytes())
        .file("sub/Cargo.lock", LOCK.as_bytes());
    assert_eq!(
        t.paths(&WalkOptions::default()),
        ["Cargo.lock", "sub/Cargo.lock"]
    );
    let all = WalkOptions {
        include_vendored: true,
        ..WalkOptions::default()
    };
    assert_eq!(
        t.paths(&all),
        [
            "Cargo.lock",
            "node_modules/x/Cargo.lock",
            "sub/Cargo.lock",
            "target/debug/Cargo.lock"
        ]
    );
}

#[test]
fn gitignore_is_honoured_in_a_git_repository() {
    let t = Tree::new("gitignore");
    let ok = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&t.0)
        .status()
        .expect("git runs");
    assert!(ok.success());
    t.file(".gitignore", b"ignored/\n")
        .file("ignored/Cargo.lock", LOCK.as_bytes())
        .file("kept/Cargo.lock", LOCK.as_bytes());
    assert_eq!(t.paths(&WalkOptions::default()), ["kept/Cargo.lock"]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_end() {
    let t = Tree::new("loop");
    t.file("a/Cargo.lock", LOCK.as_bytes());
    std::os::unix::fs::symlink(t.0.join("a"), t.0.join("a/loop")).expect("symlink");
    std::os::unix::fs::symlink(Path::new("/"), t.0.join("root")).expect("symlink");
    assert_eq!(t.paths(&WalkOptions::default()), ["a/Cargo.lock"]);
}

#[test]
fn huge_files_are_not_read_and_the_run_is_incomplete() {
    let t = Tree::new("huge");
    t.file("big/Cargo.lock", &vec![b'#'; 4096])
        .file("ok/Cargo.lock", LOCK.as_bytes());
    let inv = inventory_tree(
        &t.0,
        &WalkOptions {
            max_file_size: 1024,
            ..WalkOptions::default()
        },
    );
    assert_eq!(inv.components.len(), 1, "the other lockfile is still read");
    assert!(!inv.is_complete());
    let d = inv
        .diagnostics
        .iter()
        .find(|d| d.location.path == "big/Cargo.lock")
        .expect("diagnostic");
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert!(d.message.contains("limit"), "{}", d.message);
}

#[test]
fn non_utf8_is_reported_with_its_line_and_the_rest_is_read() {
    let t = Tree::new("latin1");
    let mut bytes = LOCK.as_bytes().to_vec();
    bytes.extend_from_slice(b"# caf\xe9\n");
    t.file("Cargo.lock", &bytes);
    let inv = inventory_tree(&t.0, &WalkOptions::default());
    assert_eq!(inv.components.len(), 1, "what is readable is kept");
    let d = &inv.diagnostics[0];
    assert_eq!(d.location.line, Some(7));
    assert!(d.message.contains("UTF-8"));
    assert!(!inv.is_complete());
}

#[test]
fn identical_trees_give_identical_inventories() {
    let t = Tree::new("determinism");
    for i in 0..20 {
        t.file(&format!("p{i}/Cargo.lock"), LOCK.as_bytes());
    }
    let a = serde_json::to_string(&inventory_tree(&t.0, &WalkOptions::default())).expect("json");
    let b = serde_json::to_string(&inventory_tree(&t.0, &WalkOptions::default())).expect("json");
    assert_eq!(a, b);
}

#[test]
fn exclude_globs() {
    let t = Tree::new("exclude");
    t.file("Cargo.lock", LOCK.as_bytes())
        .file("tests/fixtures/a/Cargo.lock", LOCK.as_bytes())
        .file("crates/x/tests/fixtures/b/Cargo.lock", LOCK.as_bytes());
    let options = WalkOptions {
        exclude: vec!["**/tests/fixtures/**".into()],
        ..WalkOptions::default()
    };
    assert_eq!(t.paths(&options), ["Cargo.lock"]);
}

#[test]
fn manifests_are_hashed_and_read_buffers_do_not_leak_between_files() {
    // A large file first, then a small one on the same walk thread: the kept read buffer must
    // hand the second file only its own bytes.
    let big = format!("{LOCK}{}", "# padding\n".repeat(20_000));
    let t = Tree::new("hashes");
    t.file("a/Cargo.lock", big.as_bytes())
        .file("b/Cargo.lock", LOCK.as_bytes());
    let one_thread = WalkOptions {
        threads: 1,
        ..WalkOptions::default()
    };
    let inv = inventory_tree(&t.0, &one_thread);
    let sizes: Vec<(String, u64, usize)> = inv
        .manifests
        .iter()
        .map(|m| (m.path.clone(), m.size, m.hashes.len()))
        .collect();
    assert_eq!(
        sizes,
        [
            ("a/Cargo.lock".to_string(), big.len() as u64, 2),
            ("b/Cargo.lock".to_string(), LOCK.len() as u64, 2)
        ]
    );
    use sha2::{Digest, Sha256};
    let sha256 = proven_model::encoding::hex(&Sha256::digest(LOCK.as_bytes()));
    assert_eq!(
        inv.manifests[1].hashes[0].value, sha256,
        "the hash of b's bytes alone"
    );
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
}

#[test]
fn components_only_detail_leaves_out_hashes_component_lists_direct_and_the_graph() {
    // The project `app` depends on `a`, which depends on `b`.
    let lock = format!(
        "{LOCK}dependencies = [\n \"b\",\n]\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"a\",\n]\n\n[[package]]\nname = \"b\"\nversion = \"2.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
    );
    let t = Tree::new("detail");
    t.file("x/Cargo.lock", lock.as_bytes())
        .file("y/Cargo.lock", lock.as_bytes());
    let full = inventory_tree(&t.0, &WalkOptions::default());
    let scan = inventory_tree(
        &t.0,
        &WalkOptions {
            detail: Detail::Components,
            ..WalkOptions::default()
        },
    );
    assert_eq!(full.components.len(), 3, "the same packages in both files");
    assert_eq!(full.dependencies.len(), 2, "app on a, a on b");
    assert!(full
        .manifests
        .iter()
        .all(|m| m.hashes.len() == 2 && m.components.len() == 3));

    assert_eq!(scan.components, full.components, "with the same locations");
    assert!(scan.dependencies.is_empty());
    assert_eq!(scan.manifests.len(), 2);
    assert!(full.manifests.iter().all(|m| m.direct.len() == 1));
    assert!(scan
        .manifests
        .iter()
        .all(|m| m.hashes.is_empty() && m.components.is_empty() && m.direct.is_empty()));
    assert!(scan.is_complete(), "{:?}", scan.diagnostics);
}
