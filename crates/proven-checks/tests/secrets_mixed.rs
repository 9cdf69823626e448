//! The exact findings of the secrets scanner on a generated mixed corpus: every file of the
//! labelled corpus (`tests/fixtures/secrets/corpus`) as it is, and embedded between runs of
//! code-like filler (with near misses: keywords without values, URLs without credentials) at
//! several offsets, so that its secrets sit at many positions in files of many sizes. The anchor
//! pass walks a large file in interleaved parts; a change to the engine that finds one secret more
//! or fewer, on another line or in another tier, changes the snapshot.

use std::collections::BTreeMap;
use std::path::Path;

use proven_checks::scanner::Sink;
use proven_checks::secrets::{SecretsOptions, SecretsScanner};
use proven_model::Status;

const FILLER: &[&str] = &[
    "fn handle(request: &Request) -> Result<Response> {",
    "    let token = session.token().ok_or(Error::Unauthorised)?;",
    "    let url = format!(\"https://api.example.net/v2/items?limit={}\", limit);",
    "    password_field.set_placeholder(\"Password\");",
    "}",
    "# The secret is read from the environment at run time.",
    "SECRET_KEY = os.environ[\"SECRET_KEY\"]",
    "const apiKeyHeader = 'X-Api-Key';",
    "for (let i = 0; i < rows.length; i++) { total += rows[i].amount; }",
    "  - name: token",
    "    valueFrom: { secretKeyRef: { name: app, key: token } }",
    "see http://localhost:8080/health and postgres://db:5432/app for the checks",
    "",
];

/// Filler of exactly `len` bytes ending in a newline (or nothing when `len` is 0).
fn filler(len: usize, seed: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 80);
    let mut i = seed;
    while out.len() < len {
        out.extend_from_slice(FILLER[i % FILLER.len()].as_bytes());
        out.push(b'\n');
        i += 1;
    }
    out.truncate(len);
    if let Some(last) = out.last_mut() {
        *last = b'\n';
    }
    out
}

fn files(dir: &Path, rel: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus folder")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let child = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if path.is_dir() {
            files(&path, &child, out);
        } else {
            out.push((child, std::fs::read(&path).expect("corpus file")));
        }
    }
}

#[test]
fn findings_on_the_mixed_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets/corpus");
    let mut corpus = Vec::new();
    files(&dir, "", &mut corpus);
    assert!(corpus.len() > 30, "{} corpus files", corpus.len());

    let scanner = SecretsScanner::new(SecretsOptions::default());
    let sink = Sink::default();
    let none = BTreeMap::new();
    for (n, (rel, bytes)) in corpus.iter().enumerate() {
        scanner.scan_bytes(rel, rel, bytes, &none, &sink);
        // The same file twice in filler, at offsets that differ from file to file.
        for (k, lead) in [1_000usize, 4_093, 9_000, 30_011].into_iter().enumerate() {
            let lead = lead + 37 * n;
            let mut mixed = filler(lead, n + k);
            mixed.extend_from_slice(bytes);
            mixed.extend(filler(lead / 3 + k, n));
            mixed.extend_from_slice(bytes);
            mixed.extend(filler(lead / 7, k));
            let (parent, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            let mixed_rel = format!("mixed{k}/{parent}/{name}");
            scanner.scan_bytes(&mixed_rel, &mixed_rel, &mixed, &none, &sink);
        }
    }
    let (findings, diagnostics) = sink.into_parts();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let lines: Vec<String> = findings
        .iter()
        .map(|f| {
            let status = match &f.status {
                Status::Suppressed { reason } => format!("suppressed ({reason})"),
                other => format!("{other:?}").to_lowercase(),
            };
            format!(
                "{}:{}:{} {} tier {} {} | {} | {}",
                f.location.path,
                f.location.line.unwrap_or(0),
                f.location.column.unwrap_or(0),
                f.code,
                f.evidence.get("tier").map_or("-", String::as_str),
                status,
                f.title,
                &f.fingerprint[..16],
            )
        })
        .collect();
    assert!(lines.len() > 1000, "{} findings", lines.len());
    insta::assert_snapshot!("secrets_mixed_corpus", lines.join("\n"));
}
