//! What every writer derives from an inventory the same way: the product the SBOM describes, its
//! direct dependencies, and the deployable artefact of each component.

use std::collections::{BTreeMap, BTreeSet};

use proven_model::{Component, ComponentKind, Ecosystem, Inventory};

use crate::SbomMeta;

/// The product an SBOM describes (its `metadata.component` / the package it `DESCRIBES`).
#[derive(Debug)]
pub(crate) struct ProductView {
    /// Reference, unique among the component ids.
    pub id: String,
    pub name: String,
    pub version: Option<String>,
    pub manufacturer: Option<String>,
    pub license: Option<String>,
    pub kind: ComponentKind,
    pub purl: Option<proven_model::Purl>,
    /// Components the product depends on directly.
    pub depends_on: BTreeSet<String>,
}

impl ProductView {
    pub(crate) fn new(inventory: &Inventory, meta: &SbomMeta) -> ProductView {
        let roots: BTreeSet<&str> = inventory
            .manifests
            .iter()
            .filter_map(|m| m.root.as_deref())
            .filter(|id| inventory.component(id).is_some())
            .collect();
        let (name, version, manufacturer, license) = match &meta.product {
            Some(p) => (
                p.name.clone(),
                p.version.clone(),
                p.manufacturer.clone(),
                p.license.clone(),
            ),
            None => match roots.iter().next().and_then(|id| inventory.component(id)) {
                Some(root) if roots.len() == 1 => (
                    root.full_name(),
                    root.version.clone(),
                    root.author.clone(),
                    root.licenses.declared.clone(),
                ),
                _ => (meta.subject.clone(), None, None, None),
            },
        };
        let mut id = format!(
            "product:{name}{}",
            version
                .as_deref()
                .map(|v| format!("@{v}"))
                .unwrap_or_default()
        );
        while inventory.component(&id).is_some() {
            id.push_str("#product");
        }
        let (kind, purl) = match &meta.product {
            Some(p) => (p.kind.unwrap_or(ComponentKind::Application), p.purl.clone()),
            None => (ComponentKind::Application, None),
        };
        ProductView {
            id,
            name,
            version,
            manufacturer,
            license,
            kind,
            purl,
            depends_on: top_level(inventory),
        }
    }
}

/// What the product depends on directly: every manifest's root, or its direct dependencies when
/// it names no root; then whatever those do not reach (components that nothing depends on, and
/// cycles nothing enters), so that every component is reachable from the product.
fn top_level(inventory: &Inventory) -> BTreeSet<String> {
    let known = |id: &String| inventory.component(id).is_some();
    let mut top: BTreeSet<&str> = BTreeSet::new();
    for m in &inventory.manifests {
        match &m.root {
            Some(root) if known(root) => {
                top.insert(root);
            }
            _ => top.extend(m.direct.iter().filter(|id| known(id)).map(String::as_str)),
        }
    }
    let mut reached = BTreeSet::new();
    reach(inventory, top.iter().copied(), &mut reached);
    let has_parent: BTreeSet<&str> = inventory
        .dependencies
        .values()
        .flatten()
        .map(String::as_str)
        .collect();
    let orphans: Vec<&str> = inventory
        .components
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| !reached.contains(id) && !has_parent.contains(id))
        .collect();
    top.extend(&orphans);
    reach(inventory, orphans.into_iter(), &mut reached);
    // Cycles that nothing outside them enters: enter each at its smallest id.
    for c in &inventory.components {
        if !reached.contains(c.id.as_str()) {
            top.insert(&c.id);
            reach(inventory, std::iter::once(c.id.as_str()), &mut reached);
        }
    }
    top.into_iter().map(str::to_string).collect()
}

/// Adds to `seen` everything reachable from `from`.
fn reach<'a>(
    inventory: &'a Inventory,
    from: impl Iterator<Item = &'a str>,
    seen: &mut BTreeSet<&'a str>,
) {
    let mut stack: Vec<&str> = from.collect();
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            if let Some(deps) = inventory.dependencies.get(id) {
                stack.extend(deps.iter().map(String::as_str));
            }
        }
    }
}

/// The file a component is delivered as, where it can be told from the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Deployable {
    /// File name, no path (BSI: filename of the component).
    pub filename: String,
    /// Where it is downloaded from, when known (BSI: URI of the deployable form).
    pub url: Option<String>,
}

/// Package archives every registry serves: a tarball or zip of files with their names kept.
const ARCHIVE_SUFFIXES: &[&str] = &[
    ".crate", ".tgz", ".tar.gz", ".tar", ".tar.bz2", ".tar.xz", ".zip", ".whl", ".gem", ".nupkg",
    ".jar", ".deb", ".apk", ".rpm",
];

/// The deployable artefact of a registry package: the file named by its download URL, or the
/// file name the registry's convention gives (`name-version.crate`, `name-version.tgz`, ...).
/// `None` for first-party code, git checkouts and packages whose file name varies (PyPI wheels
/// versus sdists) unless the input names the file.
pub(crate) fn deployable(c: &Component) -> Option<Deployable> {
    if !matches!(c.kind, ComponentKind::Library | ComponentKind::Framework) {
        return None;
    }
    let source = c.source.as_deref();
    if let Some(url) = source.filter(|s| crate::util::is_url(s)) {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        let last = path.rsplit('/').next().unwrap_or_default();
        if ARCHIVE_SUFFIXES.iter().any(|s| last.ends_with(s)) && last.len() > 4 {
            return Some(Deployable {
                filename: last.to_string(),
                url: Some(url.to_string()),
            });
        }
    }
    if source.is_some_and(|s| s.starts_with("git+") || s.starts_with("path+")) {
        return None;
    }
    if c.properties.get("proven:origin").map(String::as_str) == Some("path") {
        return None;
    }
    let version = c.version.as_deref()?;
    let name = &c.name;
    match c.ecosystem {
        Ecosystem::Cargo => {
            let filename = format!("{name}-{version}.crate");
            let url = (source == Some("https://crates.io"))
                .then(|| format!("https://static.crates.io/crates/{name}/{filename}"));
            Some(Deployable { filename, url })
        }
        Ecosystem::Npm => Some(Deployable {
            filename: format!("{name}-{version}.tgz"),
            url: None,
        }),
        Ecosystem::RubyGems => Some(Deployable {
            filename: format!("{name}-{version}.gem"),
            url: None,
        }),
        Ecosystem::NuGet => Some(Deployable {
            filename: format!("{}.{version}.nupkg", name.to_ascii_lowercase()),
            url: None,
        }),
        Ecosystem::Go => Some(Deployable {
            filename: format!("{version}.zip"),
            url: None,
        }),
        Ecosystem::Hex => Some(Deployable {
            filename: format!("{name}-{version}.tar"),
            url: None,
        }),
        _ => None,
    }
}

/// The BSI TR-03183-2 file properties of a package archive, in property-name order. A registry
/// package is an archive of files whose names and layout are kept (structured), and the archive
/// itself is not run (non-executable), whatever code it holds.
pub(crate) const ARCHIVE_FILE_PROPERTIES: [(&str, &str); 3] = [
    ("bsi:component:archive", "archive"),
    ("bsi:component:executable", "non-executable"),
    ("bsi:component:structured", "structured"),
];

/// Ids of the components each manifest lists, for components listed by none.
pub(crate) fn unlisted(inventory: &Inventory) -> Vec<&str> {
    let listed: BTreeSet<&str> = inventory
        .manifests
        .iter()
        .flat_map(|m| m.components.iter().map(String::as_str))
        .collect();
    inventory
        .components
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| !listed.contains(id))
        .collect()
}

/// Edges whose both ends are components, sorted: writers never emit a dangling reference.
pub(crate) fn edges(inventory: &Inventory) -> BTreeMap<&str, Vec<&str>> {
    inventory
        .components
        .iter()
        .map(|c| {
            let deps = inventory
                .dependencies
                .get(&c.id)
                .map(|d| {
                    d.iter()
                        .map(String::as_str)
                        .filter(|id| inventory.component(id).is_some())
                        .collect()
                })
                .unwrap_or_default();
            (c.id.as_str(), deps)
        })
        .collect()
}
