//! False-positive control: placeholders, documentation examples, hashes and UUIDs, code that only
//! names a secret, lockfiles, test paths, and inline suppression comments.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::rules::Rule;

/// [`PLACEHOLDER_WORDS`] in one automaton: one pass over a candidate instead of one per word.
static PLACEHOLDER_MATCHER: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(PLACEHOLDER_WORDS).expect("plain literals"));

/// Substrings (lowercase) that mark a value as a placeholder or documentation example.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "xxxx",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "redacted",
    "dummy",
    "****",
    "....",
    "<",
    ">",
    "${",
    "{{",
    "$(",
    "insert",
    "replace_with",
    "replace-with",
    "todo",
];

/// Whole values that are placeholders in URLs and generic assignments.
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "secret",
    "pwd",
    "test",
    "admin",
    "user",
    "username",
    "root",
    "changeme",
    "none",
    "null",
    "true",
    "false",
    "undefined",
    "string",
    "foo",
    "bar",
    "foobar",
    "empty",
    "required",
    "optional",
    "default",
    "value",
    "token",
    "apikey",
    "api_key",
    "key",
];

/// Lockfiles and checksum lists: full of hashes, never of hand-written secrets.
const LOCKFILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "Cargo.lock",
    "go.sum",
    "go.work.sum",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "composer.lock",
    "Gemfile.lock",
    "packages.lock.json",
    "gradle.lockfile",
    "mix.lock",
    "flake.lock",
    "Podfile.lock",
    "pubspec.lock",
    "conan.lock",
    "deno.lock",
    "requirements.txt",
];

/// Whether the file is a lockfile (generic rules are skipped there).
pub fn is_lockfile(name: &str) -> bool {
    LOCKFILES.contains(&name) || name.ends_with(".sum") || name.ends_with(".lock")
}

/// Whether the path is test material (fixtures, examples, mocks): findings there drop one tier.
pub fn is_test_path(rel: &str) -> bool {
    rel.to_ascii_lowercase().split('/').any(|part| {
        matches!(
            part,
            "test"
                | "tests"
                | "testdata"
                | "test-data"
                | "fixture"
                | "fixtures"
                | "example"
                | "examples"
                | "mock"
                | "mocks"
                | "spec"
                | "__tests__"
                | "__mocks__"
                | "testing"
        ) || part.contains(".test.")
            || part.contains("_test.")
            || part.contains(".spec.")
            || part.starts_with("test_")
    })
}

/// Why a candidate value is not a secret, if it is not. A value failing several checks gets the
/// reason of the first, in an order that runs the cheap checks first.
pub fn reject(rule: &Rule, secret: &str) -> Option<&'static str> {
    let lower = secret.to_ascii_lowercase();
    if rule.allow.iter().any(|a| secret.contains(a)) {
        return Some("documentation example");
    }
    if rule.generic {
        if let Some(why) = reject_generic(secret, &lower) {
            return Some(why);
        }
    }
    if PLACEHOLDER_MATCHER.is_match(&lower) {
        return Some("placeholder");
    }
    if (secret.starts_with('%') && secret.ends_with('%') && secret.len() > 2)
        || (secret.starts_with('$')
            && secret[1..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    {
        return Some("variable reference");
    }
    let distinct = {
        let mut seen = [false; 256];
        secret
            .bytes()
            .filter(|&b| !std::mem::replace(&mut seen[b as usize], true))
            .count()
    };
    if distinct < 5 {
        return Some("too few distinct characters");
    }
    if !rule.uuid_ok && is_uuid(secret) {
        return Some("UUID");
    }
    if rule.min_entropy > 0.0 && entropy(secret) < rule.min_entropy {
        return Some("low entropy");
    }
    if rule.generic || rule.id.ends_with("-url-password") || rule.id == "http-basic-auth-url" {
        if PLACEHOLDER_VALUES.contains(&lower.as_str()) {
            return Some("placeholder");
        }
        if lower.contains("1234567890") || lower.contains("abcdefgh") || lower.contains("qwerty") {
            return Some("placeholder");
        }
    }
    None
}

fn reject_generic(secret: &str, lower: &str) -> Option<&'static str> {
    // A valid checksummed token is reported by its own rule; one that fails the checksum is not one.
    if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"]
        .iter()
        .any(|p| secret.starts_with(p))
    {
        return Some("fails its provider's checksum");
    }
    if secret.contains("://") {
        return Some("URL");
    }
    if secret.starts_with('/')
        || secret.starts_with("./")
        || secret.starts_with("~/")
        || secret.starts_with("..")
    {
        return Some("path");
    }
    if secret.contains(['(', ')', '[', ']', '{', '}', '\\']) {
        return Some("code");
    }
    if [
        "sha1-", "sha256-", "sha384-", "sha512-", "sha256:", "sha512:", "md5:", "sha1:",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
    {
        return Some("hash");
    }
    let ident = |s: &str| {
        !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !s.as_bytes()[0].is_ascii_digit()
    };
    if secret.contains('.') && secret.split('.').all(ident) {
        return Some("dotted name");
    }
    if secret
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-')
    {
        return Some("word");
    }
    if secret
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b':')
    {
        return Some("number, date or version");
    }
    None
}

/// `8-4-4-4-12` hex.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f32 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f32;
    if n == 0.0 {
        return 0.0;
    }
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f32 / n;
            -p * p.log2()
        })
        .sum()
}

/// Comment markers that suppress a finding on their line or the next one.
const MARKERS: &[&str] = &[
    "gitleaks:allow",
    "pragma: allowlist secret",
    "trufflehog:ignore",
    "nosec",
];

/// The suppression reason when `line` (or the line before it) carries a marker for this rule.
pub fn suppression(rule_id: &str, line: &str, previous: &str) -> Option<String> {
    for text in [line, previous] {
        if let Some(i) = text.find("proven:ignore") {
            let rest = &text[i + "proven:ignore".len()..];
            match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
                Some((ids, _)) => {
                    if ids.split(',').any(|id| id.trim() == rule_id) {
                        return Some(format!("inline proven:ignore[{rule_id}]"));
                    }
                }
                None => return Some("inline proven:ignore".to_string()),
            }
        }
        if let Some(m) = MARKERS.iter().find(|m| text.contains(*m)) {
            return Some(format!("inline {m}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_markers() {
        assert_eq!(
            suppression("github-pat", "t = 'x' # proven:ignore", "").as_deref(),
            Some("inline proven:ignore")
        );
        assert!(suppression(
            "github-pat",
            "t = 'x' # proven:ignore[npm-access-token]",
            ""
        )
        .is_none());
        assert!(suppression(
            "github-pat",
            "x",
            "// proven:ignore[npm-access-token, github-pat]"
        )
        .is_some());
        assert_eq!(
            suppression("jwt", "x = 1  # pragma: allowlist secret", "").as_deref(),
            Some("inline pragma: allowlist secret")
        );
        assert!(suppression("jwt", "key: v # gitleaks:allow", "").is_some());
        assert!(suppression("jwt", "v", "# trufflehog:ignore").is_some());
        assert!(suppression("jwt", "v", "plain").is_none());
    }

    #[test]
    fn test_paths_and_uuids() {
        assert!(is_test_path("src/tests/fixtures/a.env"));
        assert!(is_test_path("pkg/foo_test.go"));
        assert!(!is_test_path("src/contest/a.rs"));
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!is_uuid("123e4567e89b12d3a456426614174000"));
    }
}
