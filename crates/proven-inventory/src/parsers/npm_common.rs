//! What the JavaScript lockfiles (npm, yarn, pnpm, bun) share: package names with scopes, where a
//! package came from, integrity strings and the sibling `package.json`.

use std::collections::HashSet;

use proven_model::{Component, Diagnostic, Ecosystem, Hash, HashAlg, Location};

use super::Input;

/// Registries whose packages need no `repository_url` qualifier: npm's and its yarn mirror.
const DEFAULT_REGISTRIES: &[&str] = &[
    "https://registry.npmjs.org",
    "http://registry.npmjs.org",
    "https://registry.npmjs.com",
    "https://registry.yarnpkg.com",
    "http://registry.yarnpkg.com",
];

/// Where a package comes from, as the `proven:origin` property says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    Registry,
    Git,
    Path,
    Url,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Registry => "registry",
            Origin::Git => "git",
            Origin::Path => "path",
            Origin::Url => "url",
        }
    }
}

/// Splits `@scope/name` into the purl namespace `@scope` and the name.
pub(super) fn split_scope(full: &str) -> (Option<&str>, &str) {
    match full.split_once('/') {
        Some((scope, name)) if scope.starts_with('@') && !name.is_empty() => (Some(scope), name),
        _ => (None, full),
    }
}

/// Splits `name@rest` where the name may be scoped (`@babel/core@^7`): the `@` after the name.
pub(super) fn split_at_name(s: &str) -> Option<(&str, &str)> {
    let first = s.chars().next()?.len_utf8();
    let at = s.get(first..)?.find('@')? + first;
    Some((&s[..at], &s[at + 1..]))
}

/// A component for an npm package at a place in the file, with its purl.
pub(super) fn component(
    full_name: &str,
    version: Option<&str>,
    path: &str,
    line: Option<u32>,
) -> Component {
    let (scope, name) = split_scope(full_name);
    Component::new(
        Ecosystem::Npm,
        scope,
        name,
        version,
        Location {
            path: path.to_string(),
            line,
            column: None,
        },
    )
}

/// Records the origin.
pub(super) fn set_origin(c: &mut Component, origin: Origin) {
    c.properties
        .insert("proven:origin".into(), origin.as_str().into());
}

/// Adds a purl qualifier.
pub(super) fn qualify(c: &mut Component, key: &str, value: &str) {
    c.purl = c.purl.take().map(|p| p.with_qualifier(key, value));
}

/// Whether a spec or URL names a git repository (`git+https://…`, `github:user/repo`, …).
pub(super) fn is_git(spec: &str) -> bool {
    [
        "git+",
        "git://",
        "git@",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
    ]
    .iter()
    .any(|p| spec.starts_with(p))
        || spec.split('#').next().is_some_and(|u| u.ends_with(".git"))
}

/// Whether a spec names a local folder or file (`file:`, `link:`, a relative path).
pub(super) fn is_local(spec: &str) -> bool {
    ["file:", "link:", "portal:", "./", "../", "/"]
        .iter()
        .any(|p| spec.starts_with(p))
}

/// `repo#commit` as the `vcs_url` qualifier wants it: `repo@commit`.
pub(super) fn vcs_url(spec: &str) -> String {
    match spec.split_once('#') {
        Some((url, rev)) if !rev.is_empty() => format!("{url}@{rev}"),
        _ => spec.trim_end_matches('#').to_string(),
    }
}

/// The registry an npm tarball URL was fetched from (`https://r.example/x/-/x-1.0.0.tgz` →
/// `https://r.example`), when the URL has the registry tarball layout.
fn registry_of(url: &str, full_name: &str) -> Option<String> {
    let (before, _) = url.split_once("/-/")?;
    let encoded = full_name.replacen('/', "%2f", 1);
    let base = before
        .strip_suffix(full_name)
        .or_else(|| before.strip_suffix(&encoded))
        .or_else(|| before.strip_suffix(&full_name.replacen('/', "%2F", 1)))
        .unwrap_or(before);
    Some(base.trim_end_matches('/').to_string())
}

/// Sets origin, source and purl qualifiers from a resolved location: a registry tarball, another
/// URL, a git repository or a local path. Returns the origin.
pub(super) fn apply_resolved(c: &mut Component, resolved: &str, full_name: &str) -> Origin {
    let origin = if is_git(resolved) {
        qualify(c, "vcs_url", &vcs_url(resolved));
        Origin::Git
    } else if resolved.starts_with("https://") || resolved.starts_with("http://") {
        // The fragment of a tarball URL is yarn's SHA-1 of it, not part of the location.
        let url = resolved.split('#').next().unwrap_or(resolved);
        c.source = Some(url.to_string());
        match registry_of(url, full_name) {
            Some(registry) => {
                if !DEFAULT_REGISTRIES.contains(&registry.as_str()) {
                    qualify(c, "repository_url", &registry);
                }
                Origin::Registry
            }
            None => {
                qualify(c, "download_url", url);
                Origin::Url
            }
        }
    } else {
        Origin::Path
    };
    c.source.get_or_insert_with(|| resolved.to_string());
    set_origin(c, origin);
    origin
}

/// Decodes `%XX` escapes (yarn berry encodes locators inside `patch:` references).
pub(super) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Adds every hash of an SRI `integrity` string (several may be space-separated). Returns the
/// parts that are not a hash we know.
pub(super) fn add_integrity<'a>(c: &mut Component, integrity: &'a str) -> Vec<&'a str> {
    let mut bad = Vec::new();
    for part in integrity.split_ascii_whitespace() {
        // SRI allows `?options` after the digest.
        let sri = part.split('?').next().unwrap_or(part);
        match Hash::from_sri(sri) {
            Some(h) => c.add_hash(h),
            None => bad.push(part),
        }
    }
    bad
}

/// A warning that an integrity string could not be read.
pub(super) fn bad_integrity<S: AsRef<str>>(
    path: &str,
    line: Option<u32>,
    who: &str,
    parts: &[S],
) -> Diagnostic {
    Diagnostic::warning(
        Location {
            path: path.to_string(),
            line,
            column: None,
        },
        format!(
            "integrity of {who} is not a Subresource Integrity hash we know: {}; expected `sha512-<base64>`",
            parts.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(" ")
        ),
    )
}

/// The SHA-1 in the `#fragment` of a registry tarball URL (yarn classic), if it is one.
pub(super) fn url_sha1(url: &str) -> Option<Hash> {
    let (_, fragment) = url.split_once('#')?;
    Hash::from_hex(HashAlg::Sha1, fragment)
}

/// The parts of a `package.json` the lockfile parsers need.
#[derive(Debug, Default)]
pub(super) struct PackageJson {
    pub name: Option<String>,
    pub version: Option<String>,
    pub dependencies: Vec<(String, String)>,
    pub dev_dependencies: Vec<(String, String)>,
    pub optional_dependencies: Vec<(String, String)>,
    pub peer_dependencies: Vec<(String, String)>,
    /// yarn `resolutions`: pattern → replacement range.
    pub resolutions: Vec<(String, String)>,
}

impl PackageJson {
    /// Reads the `package.json` beside the lockfile; `None` when there is none or it is not JSON.
    pub fn sibling(input: &Input<'_>) -> Option<PackageJson> {
        let text = (input.sibling)("package.json")?;
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        let string = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let deps = |k: &str| -> Vec<(String, String)> {
            value
                .get(k)
                .and_then(|v| v.as_object())
                .map(|m| {
                    m.iter()
                        .map(|(n, r)| (n.clone(), r.as_str().unwrap_or("").to_string()))
                        .collect()
                })
                .unwrap_or_default()
        };
        Some(PackageJson {
            name: string("name"),
            version: string("version"),
            dependencies: deps("dependencies"),
            dev_dependencies: deps("devDependencies"),
            optional_dependencies: deps("optionalDependencies"),
            peer_dependencies: deps("peerDependencies"),
            resolutions: deps("resolutions"),
        })
    }
}

/// Local ids that first-party components (root, workspaces, links) depend on directly, sorted and
/// without first-party ones: the project's direct dependencies.
pub(super) fn direct_from_first_party(
    edges: &[(String, String)],
    first_party: &HashSet<String>,
) -> Vec<String> {
    let mut direct: Vec<String> = edges
        .iter()
        .filter(|(from, to)| first_party.contains(from) && !first_party.contains(to))
        .map(|(_, to)| to.clone())
        .collect();
    direct.sort();
    direct.dedup();
    direct
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(split_scope("@babel/core"), (Some("@babel"), "core"));
        assert_eq!(split_scope("lodash"), (None, "lodash"));
        assert_eq!(split_scope("@odd"), (None, "@odd"));
        assert_eq!(split_at_name("@babel/core@^7"), Some(("@babel/core", "^7")));
        assert_eq!(split_at_name("a@npm:b@1"), Some(("a", "npm:b@1")));
        assert_eq!(split_at_name("@"), None);
        assert_eq!(split_at_name("é@1"), Some(("é", "1")));
    }

    #[test]
    fn resolved_locations() {
        let mut c = component("@s/x", Some("1.0.0"), "f", None);
        let o = apply_resolved(
            &mut c,
            "https://registry.npmjs.org/@s/x/-/x-1.0.0.tgz",
            "@s/x",
        );
        assert_eq!(o, Origin::Registry);
        assert_eq!(
            c.purl.as_ref().map(ToString::to_string).as_deref(),
            Some("pkg:npm/%40s/x@1.0.0")
        );

        let mut c = component("x", Some("1.0.0"), "f", None);
        apply_resolved(&mut c, "https://npm.example.com/x/-/x-1.0.0.tgz", "x");
        assert_eq!(
            c.purl
                .as_ref()
                .and_then(|p| p.qualifiers().get("repository_url"))
                .map(String::as_str),
            Some("https://npm.example.com")
        );

        let mut c = component("x", Some("1.0.0"), "f", None);
        let o = apply_resolved(&mut c, "git+ssh://git@github.com/a/x.git#abc123", "x");
        assert_eq!(o, Origin::Git);
        assert_eq!(
            c.purl
                .as_ref()
                .and_then(|p| p.qualifiers().get("vcs_url"))
                .map(String::as_str),
            Some("git+ssh://git@github.com/a/x.git@abc123")
        );

        let mut c = component("x", Some("1.0.0"), "f", None);
        assert_eq!(
            apply_resolved(&mut c, "https://example.com/x.tgz", "x"),
            Origin::Url
        );
        let mut c = component("x", None, "f", None);
        assert_eq!(apply_resolved(&mut c, "file:../x", "x"), Origin::Path);
    }

    #[test]
    fn integrity_with_several_hashes() {
        let mut c = component("x", Some("1"), "f", None);
        let bad = add_integrity(
            &mut c,
            "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk= sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg== md5-x",
        );
        assert_eq!(c.hashes.len(), 2);
        assert_eq!(bad, ["md5-x"]);
    }
}
