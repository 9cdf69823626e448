//! Our orderings against the vectors in `tests/vectors/`, which `generate.sh` made by
//! running each ecosystem's reference implementation (see `tests/vectors/README.md`).

use std::cmp::Ordering;
use std::path::Path;

use proven_version::Scheme;

/// Checks every line of `<name>.tsv` and reports all disagreements at once.
fn check(scheme: Scheme, name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(format!("{name}.tsv"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut failures = Vec::new();
    let mut checked = 0;
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        checked += 1;
        let fields: Vec<&str> = line.split('\t').collect();
        let failure = match fields[..] {
            [a, "invalid"] => scheme
                .parse(a)
                .ok()
                .map(|_| format!("{a:?} parsed, the reference rejects it")),
            [a, b, expected] => {
                let expected = match expected {
                    "-1" => Ordering::Less,
                    "0" => Ordering::Equal,
                    "1" => Ordering::Greater,
                    other => panic!("{}:{}: bad result {other:?}", path.display(), n + 1),
                };
                match scheme.compare(a, b) {
                    Ok(got) if got == expected => None,
                    Ok(got) => Some(format!(
                        "{a:?} vs {b:?}: got {got:?}, reference {expected:?}"
                    )),
                    Err(e) => Some(format!("{a:?} vs {b:?}: {e}")),
                }
            }
            _ => panic!("{}:{}: malformed line {line:?}", path.display(), n + 1),
        };
        if let Some(f) = failure {
            failures.push(format!("line {}: {f}", n + 1));
        }
    }
    assert!(checked > 100, "{}: only {checked} vectors", path.display());
    assert!(
        failures.is_empty(),
        "{} of {checked} {name} vectors disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn semver() {
    check(Scheme::SemVer, "semver");
}

#[test]
fn go() {
    check(Scheme::Go, "go");
}

#[test]
fn pep440() {
    check(Scheme::Pep440, "pep440");
}

#[test]
fn maven() {
    check(Scheme::Maven, "maven");
}

#[test]
fn nuget() {
    check(Scheme::NuGet, "nuget");
}

#[test]
fn rubygems() {
    check(Scheme::RubyGems, "rubygems");
}

#[test]
fn packagist() {
    check(Scheme::Packagist, "packagist");
}

#[test]
fn dpkg() {
    check(Scheme::Dpkg, "dpkg");
}

#[test]
fn rpm() {
    check(Scheme::Rpm, "rpm");
}

#[test]
fn apk() {
    check(Scheme::Apk, "apk");
}
