//! Agreement with the reference implementation on every vector of `tests/vectors/*.tsv`, which
//! `tests/vectors/generate.py` scored with the `cvss` package from PyPI.

use std::fmt::Write as _;

/// Checks every line of a vectors file; returns a description of each disagreement.
fn disagreements(tsv: &str) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (number, line) in tsv.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        checked += 1;
        let columns: Vec<&str> = line.split('\t').collect();
        let [vector, base, severity, temporal, environmental, normalised] = columns[..] else {
            wrong.push(format!("line {}: expected 6 columns: {line}", number + 1));
            continue;
        };
        let cvss = match proven_cvss::parse(vector) {
            Ok(cvss) => cvss,
            Err(error) => {
                wrong.push(format!("line {}: {error}", number + 1));
                continue;
            }
        };
        let mut problems = String::new();
        let expect_score = |column: &str| -> Option<f64> {
            (column != "-").then(|| column.parse().expect("the generator writes scores"))
        };
        if Some(cvss.base_score()) != expect_score(base) {
            write!(problems, " base {} != {base};", cvss.base_score()).expect("to a String");
        }
        if cvss.severity().as_str() != severity {
            write!(problems, " severity {} != {severity};", cvss.severity()).expect("to a String");
        }
        if cvss.temporal_score() != expect_score(temporal) {
            write!(
                problems,
                " temporal {:?} != {temporal};",
                cvss.temporal_score()
            )
            .expect("to a String");
        }
        if cvss.environmental_score() != expect_score(environmental) {
            write!(
                problems,
                " environmental {:?} != {environmental};",
                cvss.environmental_score()
            )
            .expect("to a String");
        }
        let expected_display = if normalised == "-" {
            vector
        } else {
            normalised
        };
        let display = cvss.to_string();
        if display != expected_display {
            write!(problems, " normalised {display} != {expected_display};").expect("to a String");
        }
        match proven_cvss::parse(&display) {
            Ok(again) => {
                if again.to_string() != display
                    || again.base_score() != cvss.base_score()
                    || again.temporal_score() != cvss.temporal_score()
                    || again.environmental_score() != cvss.environmental_score()
                {
                    write!(problems, " normalised vector does not round-trip;")
                        .expect("to a String");
                }
            }
            Err(error) => {
                write!(problems, " normalised vector rejected: {error};").expect("to a String")
            }
        }
        if !problems.is_empty() {
            wrong.push(format!("line {}: {vector}:{problems}", number + 1));
        }
    }
    (checked, wrong)
}

fn assert_agrees(name: &str, tsv: &str, at_least: usize) {
    let (checked, wrong) = disagreements(tsv);
    assert!(
        wrong.is_empty(),
        "{name}: {} of {checked} vectors disagree with the reference, first ones:\n{}",
        wrong.len(),
        wrong
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(checked >= at_least, "{name}: only {checked} vectors");
}

#[test]
fn cvss2_agrees_with_reference() {
    assert_agrees("cvss2.tsv", include_str!("vectors/cvss2.tsv"), 3000);
}

#[test]
fn cvss3_agrees_with_reference() {
    assert_agrees("cvss3.tsv", include_str!("vectors/cvss3.tsv"), 9000);
}

#[test]
fn cvss4_agrees_with_reference() {
    assert_agrees("cvss4.tsv", include_str!("vectors/cvss4.tsv"), 6000);
}

/// The large files of `generate.py --exhaustive DIR`, too large to commit: run with
/// `PROVEN_CVSS_EXHAUSTIVE=DIR cargo test -p proven-cvss -- --ignored`.
#[test]
#[ignore = "needs the files of generate.py --exhaustive in PROVEN_CVSS_EXHAUSTIVE"]
fn exhaustive() {
    let dir = std::env::var("PROVEN_CVSS_EXHAUSTIVE").expect("PROVEN_CVSS_EXHAUSTIVE is set");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("PROVEN_CVSS_EXHAUSTIVE is a readable folder")
        .map(|entry| entry.expect("readable folder entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "tsv"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .tsv files in {dir}");
    for path in files {
        let tsv = std::fs::read_to_string(&path).expect("readable vectors file");
        let (checked, wrong) = disagreements(&tsv);
        eprintln!(
            "{}: {checked} vectors, {} disagree",
            path.display(),
            wrong.len()
        );
        assert!(
            wrong.is_empty(),
            "{}:\n{}",
            path.display(),
            wrong
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
