//! Installed file systems (a container image's root, a machine's): which distribution a root is
//! and which files its OS packages own.
//!
//! Parsers see one file at a time, so each says what it knows as [`Facts`] about the root it sits
//! in (the folder its conventional path starts at: `img/` for `img/var/lib/dpkg/status`). The merge
//! then combines them per root: [`resolve_distros`] names the distribution of every OS package
//! (ecosystem, purl namespace, `distro` qualifier, the OSV release in `proven:release`) before
//! components get their global ids, and [`Installed::mark_owned`] marks language packages whose
//! files an OS package installed (`proven:owned-by`, plus an edge from the OS package) so that
//! one piece of software is not matched twice: a `python3-yaml` deb's `PyYAML` dist-info is
//! Debian's build, with Debian's backported fixes under the upstream version number, and its
//! advisories are Debian's. Such components stay in the inventory (the SBOM lists what is there);
//! the vulnerability matcher skips them with that reason.
//!
//! An OS package whose root has no os-release (or other release file) keeps the package manager's
//! default ecosystem and no release: it is listed, and the matcher reports it unmatched rather
//! than checking it against records of an unknown release.

use std::collections::HashMap;

use proven_model::{Component, Ecosystem, Purl};

use crate::merge::FileResult;
use crate::parsers::find_parser_at;

/// What one file says about the installed file system it sits in.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Facts {
    /// The scan-relative folder the file system starts at, ending in `/` (empty when the scan
    /// root is the file system's root).
    pub root: String,
    /// The distribution, from an os-release or release file.
    pub distro: Option<Distro>,
    /// Set by OS package databases: the file's components are the root's OS packages.
    pub packages: Option<PackageManager>,
    /// Files installed by OS packages, kept only where another parser reads the path.
    pub owned: Vec<OwnedFile>,
}

/// The package manager whose database a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageManager {
    Dpkg,
    Apk,
    Rpm,
}

/// A distribution as its release files name it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Distro {
    /// os-release `ID`, lowercase: `debian`, `ubuntu`, `alpine`, `rhel`, `rocky`.
    pub id: String,
    /// os-release `ID_LIKE`, lowercase.
    pub id_like: Vec<String>,
    /// os-release `VERSION_ID` or the release file's version: `12`, `22.04`, `3.20.3`, `9.4`.
    pub version: Option<String>,
    /// os-release `VERSION_CODENAME`.
    pub codename: Option<String>,
    /// How far the source is trusted: `/etc/os-release` highest, `/etc/lsb-release` lowest.
    pub rank: u8,
}

/// A file an OS package installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedFile {
    /// The owning package's name.
    pub package: String,
    /// Its architecture, where the database tells packages of one name apart by it.
    pub arch: Option<String>,
    /// The absolute path in the file system (`/usr/lib/python3/dist-packages/...`).
    pub path: String,
}

/// The root of a file at `path` whose place in the file system is `suffix`
/// (`var/lib/dpkg/status`): the part of `path` before it, `None` when the path does not end so.
pub fn root_of(path: &str, suffix: &str) -> Option<String> {
    if path == suffix {
        return Some(String::new());
    }
    let prefix = path.strip_suffix(suffix)?;
    prefix.ends_with('/').then(|| prefix.to_string())
}

/// Whether an OS package's file at `path` (absolute in its file system) is one the inventory
/// reads as a language package, so worth remembering for [`Installed::mark_owned`].
pub fn worth_owning(path: &str) -> bool {
    let rel = path.trim_start_matches('/');
    !rel.is_empty() && find_parser_at(rel).is_some()
}

/// Names the distribution of every OS package, root by root, before global ids are made.
pub(crate) fn resolve_distros(files: &mut [FileResult]) {
    let mut distros: HashMap<String, Distro> = HashMap::new();
    let mut found: Vec<(&str, &Distro)> = files
        .iter()
        .filter_map(|f| {
            let facts = f.outcome.as_ref().ok()?.installed.as_ref()?;
            Some((facts.root.as_str(), facts.distro.as_ref()?))
        })
        .collect();
    found.sort_by_key(|(_, d)| std::cmp::Reverse(d.rank));
    for (root, d) in found {
        match distros.get_mut(root) {
            None => {
                distros.insert(root.to_string(), d.clone());
            }
            // A lower-ranked file fills in what the better one left out, for the same distribution
            // (Debian testing's os-release has no VERSION_ID; /etc/debian_version does).
            Some(best) if best.id == d.id => {
                if best.version.is_none() {
                    best.version.clone_from(&d.version);
                }
                if best.codename.is_none() {
                    best.codename.clone_from(&d.codename);
                }
            }
            Some(_) => {}
        }
    }
    for file in files.iter_mut() {
        let Ok(parsed) = file.outcome.as_mut() else {
            continue;
        };
        let Some((manager, root)) = parsed
            .installed
            .as_ref()
            .and_then(|f| Some((f.packages?, f.root.clone())))
        else {
            continue;
        };
        let distro = distros.get(&root);
        for c in &mut parsed.components {
            qualify(c, manager, distro);
        }
    }
}

/// Sets an OS package's ecosystem, purl namespace and `distro` qualifier, and its OSV release.
fn qualify(c: &mut Component, manager: PackageManager, distro: Option<&Distro>) {
    let is = |id: &str| distro.is_some_and(|d| d.id == id || d.id_like.iter().any(|l| l == id));
    let ecosystem = match manager {
        PackageManager::Dpkg if is("ubuntu") => Ecosystem::Ubuntu,
        PackageManager::Dpkg => Ecosystem::Debian,
        PackageManager::Apk => Ecosystem::Alpine,
        PackageManager::Rpm if distro.is_some_and(|d| d.id == "rocky") => Ecosystem::RockyLinux,
        PackageManager::Rpm if distro.is_some_and(|d| d.id == "almalinux") => Ecosystem::AlmaLinux,
        PackageManager::Rpm => Ecosystem::RedHat,
    };
    // The release is only the distribution's own: a derivative (ID_LIKE) numbers its releases
    // its own way.
    let own = match ecosystem {
        Ecosystem::Debian => "debian",
        Ecosystem::Ubuntu => "ubuntu",
        Ecosystem::Alpine => "alpine",
        Ecosystem::RockyLinux => "rocky",
        Ecosystem::AlmaLinux => "almalinux",
        _ => "",
    };
    c.ecosystem = ecosystem;
    let Some(d) = distro else { return };
    let release = d
        .version
        .as_deref()
        .filter(|_| d.id == own)
        .and_then(|v| ecosystem.osv_release(v));
    if let Some(r) = release {
        c.properties.insert("proven:release".into(), r);
    }
    let namespace = if d.id == "rhel" { "redhat" } else { &d.id };
    if let Some(old) = c.purl.take() {
        let mut purl = Purl::new(old.ty(), Some(namespace), old.name(), old.version());
        for (k, v) in old.qualifiers() {
            purl = purl.with_qualifier(k, v);
        }
        if let Some(v) = &d.version {
            purl = purl.with_qualifier("distro", &format!("{}-{v}", d.id));
        }
        c.purl = Some(purl);
    }
}

/// The OS packages and owned files of every root met by the merge.
#[derive(Debug, Default)]
pub(crate) struct Installed {
    /// (root, package name, arch) → global id of the OS package.
    packages: HashMap<(String, String, Option<String>), String>,
    /// Scan-relative path → (root, package, arch) of the owner.
    owned: HashMap<String, (String, String, Option<String>)>,
}

impl Installed {
    /// Records one file's facts; `packages` are its OS packages as (name, arch, global id).
    pub(crate) fn add(&mut self, facts: Facts, packages: Vec<(String, Option<String>, String)>) {
        for (name, arch, id) in packages {
            self.packages.insert((facts.root.clone(), name, arch), id);
        }
        for f in facts.owned {
            let rel = format!("{}{}", facts.root, f.path.trim_start_matches('/'));
            self.owned
                .insert(rel, (facts.root.clone(), f.package, f.arch));
        }
    }

    /// Marks every component declared in a file that an OS package owns. Gives the owners' ids,
    /// each with the position of a component it owns.
    pub(crate) fn mark_owned(&self, components: &mut [Component]) -> Vec<(String, usize)> {
        let mut owned = Vec::new();
        if self.owned.is_empty() {
            return owned;
        }
        let owner_of = |(root, name, arch): &(String, String, Option<String>)| {
            self.packages
                .get(&(root.clone(), name.clone(), arch.clone()))
                .or_else(|| {
                    // dpkg names a package's file list without the architecture unless several
                    // architectures of it can be installed; rpm and apk lists carry theirs.
                    self.packages
                        .iter()
                        .filter(|((r, n, _), _)| r == root && n == name)
                        .map(|(_, id)| id)
                        .min()
                })
        };
        for (at, c) in components.iter_mut().enumerate() {
            if c.ecosystem.is_distro() {
                continue;
            }
            let owner = c
                .locations
                .iter()
                .find_map(|l| self.owned.get(&l.path))
                .and_then(owner_of);
            if let Some(owner) = owner {
                c.properties.insert("proven:owned-by".into(), owner.clone());
                owned.push((owner.clone(), at));
            }
        }
        owned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots() {
        assert_eq!(
            root_of("var/lib/dpkg/status", "var/lib/dpkg/status").as_deref(),
            Some("")
        );
        assert_eq!(
            root_of("img/var/lib/dpkg/status", "var/lib/dpkg/status").as_deref(),
            Some("img/")
        );
        assert_eq!(root_of("xvar/lib/dpkg/status", "var/lib/dpkg/status"), None);
        assert_eq!(root_of("a/status", "var/lib/dpkg/status"), None);
    }
}
