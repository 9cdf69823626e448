//! Every lockfile of the shared corpus is inventoried with no error, and its component count equals
//! the count in `corpus_counts.tsv`, obtained independently (the last column says how).

use std::collections::HashMap;
use std::path::PathBuf;

use proven_inventory::{inventory_file_as, WalkOptions};
use proven_model::DiagnosticLevel;

fn testdata() -> Option<PathBuf> {
    match std::env::var_os("PROVEN_TESTDATA") {
        Some(d) => Some(PathBuf::from(d)),
        None => {
            eprintln!("skipped: PROVEN_TESTDATA is not set (point it at the shared folder)");
            None
        }
    }
}

#[test]
fn corpus_counts_match() {
    let Some(data) = testdata() else { return };
    let table = include_str!("corpus_counts.tsv");
    // Corpus files are kept flat; each is recognised by the path it had upstream
    // (`requirements/main.txt` is a requirements file, `main.txt` alone is not).
    let sources =
        std::fs::read_to_string(data.join("corpus/lockfiles/SOURCES.tsv")).expect("SOURCES.tsv");
    let upstream: HashMap<&str, &str> = sources
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split('\t');
            Some((cols.next()?, cols.nth(2)?))
        })
        .collect();
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut cols = line.split('\t');
        let (Some(path), Some(expected), Some(completeness)) =
            (cols.next(), cols.next(), cols.next())
        else {
            panic!("bad line in corpus_counts.tsv: {line}");
        };
        let expected: usize = expected.parse().expect("count is a number");
        let file = data.join("corpus/lockfiles").join(path);
        let as_path = upstream.get(path).copied().unwrap_or(path);
        let inv = inventory_file_as(&file, as_path, &WalkOptions::default())
            .unwrap_or_else(|| panic!("{path}: no parser claims this file"));
        let manifest = &inv.manifests[0];
        // Notes record what a file cannot say offline (a version managed by an unreadable parent
        // POM); only errors and warnings mean the parser misread the file.
        let problems: Vec<_> = inv
            .diagnostics
            .iter()
            .filter(|d| d.level != DiagnosticLevel::Note)
            .collect();
        if !problems.is_empty() {
            failures.push(format!("{path}: diagnostics {problems:#?}"));
        }
        // Formats that cannot be complete offline (pom.xml: no transitive dependencies) say so.
        let want_complete = match completeness {
            "complete" => true,
            "incomplete" => false,
            other => panic!("{path}: third column must be complete or incomplete, not {other}"),
        };
        if manifest.completeness.is_complete() != want_complete {
            failures.push(format!(
                "{path}: {:?}, expected {completeness}",
                manifest.completeness
            ));
        }
        if manifest.components.len() != expected {
            failures.push(format!(
                "{path}: {} components, expected {expected}",
                manifest.components.len()
            ));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{checked} corpus lockfiles checked");
}

/// Every lockfile in the corpus has a line in the table, so none is forgotten.
#[test]
fn corpus_is_fully_listed() {
    let Some(data) = testdata() else { return };
    let table = include_str!("corpus_counts.tsv");
    let listed: Vec<&str> = table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .collect();
    let root = data.join("corpus/lockfiles");
    let sources = std::fs::read_to_string(root.join("SOURCES.tsv")).expect("SOURCES.tsv");
    let mut missing = Vec::new();
    for line in sources.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (path, note) = (cols[0], cols.get(6).copied().unwrap_or(""));
        // go.sum is read through the go.mod beside it.
        let alias = path
            .strip_suffix("go.sum")
            .map(|dir| format!("{dir}go.mod"));
        let is_listed =
            listed.contains(&path) || alias.is_some_and(|a| listed.contains(&a.as_str()));
        if note != "companion manifest" && !is_listed {
            missing.push(path);
        }
    }
    assert!(
        missing.is_empty(),
        "corpus lockfiles with no expected count: {missing:?}"
    );
}
