//! Index keys: (ecosystem, release, canonical name), computed the same way for OSV records and for
//! inventory components.

use proven_model::{Component, Ecosystem};

/// Splits an OSV ecosystem string into its base and release (`Debian:12` → `Debian`, `12`;
/// `Ubuntu:Pro:18.04:LTS` → `Ubuntu`, `Pro:18.04:LTS`).
pub fn split_ecosystem(s: &str) -> (&str, &str) {
    s.split_once(':').unwrap_or((s, ""))
}

/// The name under which a package is indexed in its ecosystem.
pub fn canonical_name(base_ecosystem: &str, name: &str) -> String {
    match base_ecosystem {
        "PyPI" => pep503(name),
        "NuGet" | "Packagist" => name.to_lowercase(),
        _ => name.to_string(),
    }
}

/// PEP 503 normalisation: lowercase, every run of `-`, `_`, `.` becomes one `-`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

/// The key bytes: `ecosystem NUL release NUL name`. Sorting these sorts by the triple.
pub fn key(base_ecosystem: &str, release: &str, canonical: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(base_ecosystem.len() + release.len() + canonical.len() + 2);
    k.extend_from_slice(base_ecosystem.as_bytes());
    k.push(0);
    k.extend_from_slice(release.as_bytes());
    k.push(0);
    k.extend_from_slice(canonical.as_bytes());
    k
}

/// The package name OSV would use for a component (`@scope/name`, `groupId:artifactId`, the Go
/// module path; the source package for Debian, Ubuntu and Alpine packages when the inventory
/// recorded it, since their advisories name source packages; rpm distributions' advisories name
/// the binary packages).
pub fn component_name(c: &Component) -> String {
    if matches!(
        c.ecosystem,
        Ecosystem::Debian | Ecosystem::Ubuntu | Ecosystem::Alpine
    ) {
        if let Some(src) = c.properties.get("proven:source-package") {
            return src.clone();
        }
    }
    match (&c.group, c.ecosystem) {
        (Some(g), Ecosystem::Npm) if !g.starts_with('@') => format!("@{g}/{}", c.name),
        _ => c.full_name(),
    }
}

/// The version OSV would compare for a component: the source package's version where
/// [`component_name`] names the source package and the inventory recorded its version (a binary
/// package can carry its own epoch or binNMU suffix: `bsdutils 1:2.38.1-5` is built from
/// `util-linux 2.38.1-5`), else the component's own.
pub fn component_version(c: &Component) -> Option<&str> {
    let by_source = matches!(
        c.ecosystem,
        Ecosystem::Debian | Ecosystem::Ubuntu | Ecosystem::Alpine
    ) && c.properties.contains_key("proven:source-package");
    by_source
        .then(|| {
            c.properties
                .get("proven:source-version")
                .map(String::as_str)
        })
        .flatten()
        .or(c.version.as_deref())
}

/// The OSV release a component belongs to: the `proven:release` property when the inventory set
/// one (exactly as OSV writes it, `12`, `v3.20`, `22.04:LTS`), else derived from the purl's
/// `distro` qualifier for OS packages (`debian-12.5` → `12`, `alpine-3.20.1` → `v3.20`,
/// `ubuntu-22.04` → `22.04:LTS`, see [`Ecosystem::osv_release`]). Empty for language ecosystems
/// and when nothing says which release an OS package belongs to.
pub fn component_release(c: &Component) -> String {
    if let Some(r) = c.properties.get("proven:release") {
        return r.clone();
    }
    let distro = c
        .purl
        .as_ref()
        .and_then(|p| p.qualifiers().get("distro").cloned());
    let Some(distro) = distro else {
        return String::new();
    };
    let version = distro.rsplit_once('-').map_or(distro.as_str(), |(_, v)| v);
    c.ecosystem.osv_release(version).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proven_model::{Location, Purl};

    #[test]
    fn canonical_names() {
        assert_eq!(
            canonical_name("PyPI", "Django_REST.framework"),
            "django-rest-framework"
        );
        assert_eq!(canonical_name("PyPI", "a--_b"), "a-b");
        assert_eq!(
            canonical_name("NuGet", "Newtonsoft.Json"),
            "newtonsoft.json"
        );
        assert_eq!(canonical_name("crates.io", "Inflector"), "Inflector");
        assert_eq!(split_ecosystem("Debian:12"), ("Debian", "12"));
        assert_eq!(
            split_ecosystem("Ubuntu:Pro:18.04:LTS"),
            ("Ubuntu", "Pro:18.04:LTS")
        );
        assert_eq!(split_ecosystem("Go"), ("Go", ""));
    }

    #[test]
    fn component_names_and_releases() {
        let loc = Location::file("x");
        let npm = Component::new(
            Ecosystem::Npm,
            Some("@babel"),
            "core",
            Some("7.0.0"),
            loc.clone(),
        );
        assert_eq!(component_name(&npm), "@babel/core");
        let mvn = Component::new(
            Ecosystem::Maven,
            Some("org.slf4j"),
            "slf4j-api",
            None,
            loc.clone(),
        );
        assert_eq!(component_name(&mvn), "org.slf4j:slf4j-api");
        let go = Component::new(Ecosystem::Go, Some("github.com/a"), "b", None, loc.clone());
        assert_eq!(component_name(&go), "github.com/a/b");

        let mut deb = Component::new(
            Ecosystem::Debian,
            None,
            "libssl3",
            Some("3.0.11-1"),
            loc.clone(),
        );
        deb.purl = Some(
            Purl::new("deb", Some("debian"), "libssl3", Some("3.0.11-1"))
                .with_qualifier("distro", "debian-12.5"),
        );
        deb.properties
            .insert("proven:source-package".into(), "openssl".into());
        assert_eq!(component_release(&deb), "12");
        assert_eq!(component_name(&deb), "openssl");
        let mut ubu = Component::new(Ecosystem::Ubuntu, None, "curl", Some("1"), loc.clone());
        ubu.purl = Some(
            Purl::new("deb", Some("ubuntu"), "curl", Some("1"))
                .with_qualifier("distro", "ubuntu-22.04"),
        );
        assert_eq!(component_release(&ubu), "22.04:LTS");
        let mut apk = Component::new(Ecosystem::Alpine, None, "musl", Some("1"), loc);
        apk.purl = Some(
            Purl::new("apk", Some("alpine"), "musl", Some("1"))
                .with_qualifier("distro", "alpine-3.20.1"),
        );
        assert_eq!(component_release(&apk), "v3.20");
    }
}
