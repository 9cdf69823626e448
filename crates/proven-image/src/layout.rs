//! The metadata of an image: which archive layout it is, its index, manifest and configuration,
//! and its layers with their digests. Every document is checked against its digest.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use proven_model::{ContainerRuntime, Diagnostic, Location, Purl};
use serde::Deserialize;
use sha2::{Digest as _, Sha256, Sha512};

use crate::error::{ErrorKind, ImageError};
use crate::store::{self, Backing, Store};
use crate::Limits;

/// The kinds of archive we read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveFormat {
    /// `docker save` output described by `manifest.json` only (Docker before 25).
    DockerSave,
    /// An OCI image layout tarball (`docker save` of Docker 25 and later, `skopeo copy
    /// oci-archive:`, buildkit's `type=oci`).
    OciTar,
    /// An OCI image layout folder.
    OciDir,
}

impl ArchiveFormat {
    /// How people name it.
    pub fn as_str(self) -> &'static str {
        match self {
            ArchiveFormat::DockerSave => "docker-save archive",
            ArchiveFormat::OciTar => "OCI layout archive",
            ArchiveFormat::OciDir => "OCI layout",
        }
    }
}

/// Where the image came from, as far as the archive says (`RepoTags`, annotations).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reference {
    /// `docker.io/library/debian`, `registry.example.com/team/app`, `app`.
    pub repository: Option<String>,
    pub tag: Option<String>,
}

impl Reference {
    /// Splits `repo[:tag][@digest]`; a bare tag (an OCI `ref.name` of `latest`) is a tag.
    pub(crate) fn parse(s: &str) -> Reference {
        let s = s.split('@').next().unwrap_or(s);
        let (repo, tag) = match s.rsplit_once(':') {
            Some((r, t)) if !t.contains('/') => (r, Some(t)),
            _ => (s, None),
        };
        if tag.is_none() && !s.contains('/') && !s.contains('.') && s.len() <= 128 {
            // `org.opencontainers.image.ref.name` is often the tag alone.
            return Reference {
                repository: None,
                tag: (!s.is_empty()).then(|| s.to_string()),
            };
        }
        Reference {
            repository: (!repo.is_empty()).then(|| repo.to_string()),
            tag: tag.filter(|t| !t.is_empty()).map(str::to_string),
        }
    }
}

/// One layer, bottom first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    /// Digest of the uncompressed tar stream (`sha256:…`), from the configuration.
    pub diff_id: String,
    /// Digest of the blob as stored, when the layout names it.
    pub digest: Option<String>,
    pub media_type: Option<String>,
    /// Size of the blob as stored.
    pub size: u64,
    /// The blob's path in the archive or layout.
    pub(crate) blob: String,
}

impl Layer {
    /// How messages name the layer: its blob digest, else its diff id.
    pub fn name(&self) -> &str {
        self.digest.as_deref().unwrap_or(&self.diff_id)
    }
}

/// An image whose metadata has been read and verified; its layers are read by
/// [`crate::walk_image`].
#[derive(Debug)]
pub struct Image {
    /// The archive or folder, as given.
    pub archive: String,
    pub format: ArchiveFormat,
    pub reference: Reference,
    /// Digest of the image manifest, when the archive holds one (OCI layouts, newer docker save).
    pub manifest_digest: Option<String>,
    /// Digest of the configuration: the image id.
    pub config_digest: String,
    pub os: Option<String>,
    pub architecture: Option<String>,
    pub runtime: ContainerRuntime,
    pub layers: Vec<Layer>,
    /// Problems that did not stop reading (several images in one archive, a media type that
    /// disagrees with the bytes).
    pub notes: Vec<Diagnostic>,
    pub(crate) store: Store,
    pub(crate) limits: Limits,
}

impl Image {
    /// Reads the metadata of a `docker save` archive, an OCI layout tarball or an OCI layout
    /// folder, and checks every document against its digest. Layers are not read yet.
    pub fn open(path: &Path, limits: &Limits) -> Result<Image, ImageError> {
        let archive = path.display().to_string();
        if path.is_dir() {
            if !store::is_oci_dir(path) {
                return Err(ImageError::new(
                    ErrorKind::Format,
                    &archive,
                    "a folder without an `oci-layout` file is not an OCI image layout",
                ));
            }
            return read(
                archive,
                Store::Dir(path.to_path_buf()),
                ArchiveFormat::OciDir,
                limits,
            );
        }
        let mut head = [0u8; 4];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| ImageError::io(&archive, "cannot read the archive", e))?;
        if head[..n].starts_with(&[0x1f, 0x8b]) {
            return Err(ImageError::new(
                ErrorKind::Format,
                &archive,
                "a gzip-compressed archive: decompress it first (`gunzip -k`); layers inside an archive may be compressed, the archive itself may not",
            ));
        }
        open_tar(archive, Backing::File(path.to_path_buf()), limits)
    }

    /// [`Image::open`] of an archive held in memory (tests, fuzzing).
    pub fn from_bytes(name: &str, bytes: Vec<u8>, limits: &Limits) -> Result<Image, ImageError> {
        open_tar(
            name.to_string(),
            Backing::Memory(Arc::from(bytes.into_boxed_slice())),
            limits,
        )
    }

    /// The image as a package URL: `pkg:oci/<name>@<digest>` with `repository_url`, `tag` and
    /// `arch` when known. The digest is the manifest's, else (an old `docker save` archive, which
    /// keeps no manifest) the image id.
    pub fn purl(&self) -> Purl {
        let name = self.name().to_ascii_lowercase();
        let digest = self
            .manifest_digest
            .as_deref()
            .unwrap_or(&self.config_digest);
        let mut purl = Purl::new("oci", None, &name, Some(digest));
        if let Some(r) = &self.reference.repository {
            purl = purl.with_qualifier("repository_url", r);
        }
        if let Some(t) = &self.reference.tag {
            purl = purl.with_qualifier("tag", t);
        }
        if let Some(a) = &self.architecture {
            purl = purl.with_qualifier("arch", a);
        }
        purl
    }

    /// The image's name: the last part of its repository, else the archive's file name without
    /// its extension.
    pub fn name(&self) -> String {
        if let Some(r) = &self.reference.repository {
            return r.rsplit('/').next().unwrap_or(r).to_string();
        }
        let file = self
            .archive
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(&self.archive);
        file.split('.').next().unwrap_or(file).to_string()
    }
}

fn open_tar(archive: String, backing: Backing, limits: &Limits) -> Result<Image, ImageError> {
    let store = Store::tar(backing).map_err(|m| ImageError::new(ErrorKind::Format, &archive, m))?;
    let format = if store.size("oci-layout").is_some() && store.size("index.json").is_some() {
        ArchiveFormat::OciTar
    } else if store.size("manifest.json").is_some() {
        ArchiveFormat::DockerSave
    } else {
        return Err(ImageError::new(
            ErrorKind::Format,
            &archive,
            "a tar archive with neither `manifest.json` (docker save) nor `oci-layout` and `index.json` (OCI layout): not a container image",
        ));
    };
    read(archive, store, format, limits)
}

/// A content digest: `sha256:<64 hex>` or `sha512:<128 hex>`, lowercase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Digest(String);

impl Digest {
    pub(crate) fn parse(s: &str) -> Option<Digest> {
        let (alg, hex) = s.split_once(':')?;
        let len = match alg {
            "sha256" => 64,
            "sha512" => 128,
            _ => return None,
        };
        (hex.len() == len && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Digest(s.to_string()))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// Where an OCI layout keeps the blob.
    fn blob_path(&self) -> String {
        format!("blobs/{}", self.0.replacen(':', "/", 1))
    }

    pub(crate) fn hasher(&self) -> Hasher {
        if self.0.starts_with("sha512:") {
            Hasher::Sha512(Sha512::new())
        } else {
            Hasher::Sha256(Sha256::new())
        }
    }
}

/// A running SHA-256 or SHA-512.
#[derive(Clone, Debug)]
pub(crate) enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    /// The digest in `alg:hex` form.
    pub(crate) fn finish(self) -> String {
        let (alg, bytes) = match self {
            Hasher::Sha256(h) => ("sha256", h.finalize().to_vec()),
            Hasher::Sha512(h) => ("sha512", h.finalize().to_vec()),
        };
        format!("{alg}:{}", proven_model::encoding::hex(&bytes))
    }
}

/// An OCI content descriptor.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    #[serde(default)]
    media_type: Option<String>,
    digest: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    platform: Option<Platform>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct Platform {
    #[serde(default)]
    architecture: String,
    #[serde(default)]
    os: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OciLayoutFile {
    image_layout_version: String,
}

/// An image index or an image manifest (told apart by `manifests` versus `layers`).
#[derive(Debug, Deserialize)]
struct IndexOrManifest {
    #[serde(default)]
    manifests: Option<Vec<Descriptor>>,
    #[serde(default)]
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Option<Vec<Descriptor>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DockerManifest {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    #[serde(default)]
    architecture: Option<String>,
    #[serde(default)]
    os: Option<String>,
    #[serde(default)]
    config: Option<RawRuntime>,
    rootfs: RootFs,
}

#[derive(Debug, Default, Deserialize)]
struct RootFs {
    #[serde(default)]
    diff_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawRuntime {
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    exposed_ports: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default)]
    env: Option<Vec<String>>,
    #[serde(default)]
    entrypoint: Option<Vec<String>>,
    #[serde(default)]
    cmd: Option<Vec<String>>,
    #[serde(default)]
    working_dir: Option<String>,
    #[serde(default)]
    healthcheck: Option<RawHealthcheck>,
    #[serde(default)]
    labels: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawHealthcheck {
    #[serde(default)]
    test: Option<Vec<String>>,
}

/// Reading one image's metadata out of a store.
struct Reader<'a> {
    archive: &'a str,
    store: &'a Store,
    limits: &'a Limits,
}

impl Reader<'_> {
    fn err(&self, kind: ErrorKind, message: impl Into<String>) -> ImageError {
        ImageError::new(kind, self.archive, message)
    }

    /// Reads a metadata file whole (bounded), checking it against `digest` when given.
    fn read(&self, rel: &str, digest: Option<&Digest>) -> Result<Vec<u8>, ImageError> {
        let missing =
            |e: std::io::Error| ImageError::io(self.archive, "cannot read", e).at_entry(rel);
        let mut span = self.store.open(rel).map_err(missing)?;
        let max = self.limits.max_metadata_size;
        if span.len() > max {
            return Err(self
                .err(
                    ErrorKind::Limit,
                    format!(
                        "{} bytes, over the {max}-byte limit for metadata documents",
                        span.len()
                    ),
                )
                .at_entry(rel));
        }
        let mut bytes = Vec::new();
        span.read_to_end(&mut bytes).map_err(missing)?;
        if let Some(d) = digest {
            let mut h = d.hasher();
            h.update(&bytes);
            let actual = h.finish();
            if actual != d.as_str() {
                return Err(self
                    .err(
                        ErrorKind::Digest,
                        format!(
                            "digest mismatch: expected {}, the bytes hash to {actual}",
                            d.0
                        ),
                    )
                    .at_entry(rel));
            }
        }
        Ok(bytes)
    }

    fn json<T: serde::de::DeserializeOwned>(
        &self,
        rel: &str,
        digest: Option<&Digest>,
        what: &str,
    ) -> Result<T, ImageError> {
        let bytes = self.read(rel, digest)?;
        serde_json::from_slice(&bytes).map_err(|e| {
            self.err(
                ErrorKind::Format,
                format!("line {}: {e}; expected {what}", e.line()),
            )
            .at_entry(rel)
        })
    }

    fn digest(&self, s: &str, rel: &str) -> Result<Digest, ImageError> {
        Digest::parse(s).ok_or_else(|| {
            self.err(
                ErrorKind::Format,
                format!("`{s}` is not a digest (expected sha256:<64 hex digits> or sha512:<128>)"),
            )
            .at_entry(rel)
        })
    }

    /// Follows an OCI index down to one image manifest: the only one, else linux/amd64.
    fn manifest(
        &self,
        descriptors: Vec<Descriptor>,
        from: &str,
        depth: usize,
    ) -> Result<(Digest, IndexOrManifest), ImageError> {
        if depth > 4 {
            return Err(self
                .err(ErrorKind::Format, "image indexes nested more than 4 deep")
                .at_entry(from));
        }
        let candidates: Vec<Descriptor> = descriptors
            .into_iter()
            .filter(|d| {
                d.annotations
                    .get("vnd.docker.reference.type")
                    .is_none_or(|t| t != "attestation-manifest")
                    && d.platform.as_ref().is_none_or(|p| p.os != "unknown")
            })
            .collect();
        let count = candidates.len();
        let chosen = if count == 1 {
            candidates.into_iter().next()
        } else {
            candidates.into_iter().find(|d| {
                d.platform
                    .as_ref()
                    .is_some_and(|p| p.os == "linux" && p.architecture == "amd64")
            })
        };
        let Some(chosen) = chosen else {
            return Err(self
                .err(
                    ErrorKind::Format,
                    format!("{count} image manifests and none for linux/amd64; which one to read is not clear"),
                )
                .at_entry(from));
        };
        let digest = self.digest(&chosen.digest, from)?;
        let rel = digest.blob_path();
        self.check_size(&rel, chosen.size)?;
        let doc: IndexOrManifest = self.json(&rel, Some(&digest), "an image manifest or index")?;
        match doc.manifests {
            Some(inner) if doc.layers.is_none() => self.manifest(inner, &rel, depth + 1),
            _ => Ok((digest, doc)),
        }
    }

    fn check_size(&self, rel: &str, expected: Option<u64>) -> Result<u64, ImageError> {
        let actual = self.store.size(rel).ok_or_else(|| {
            self.err(
                ErrorKind::Format,
                "the blob is not in the archive (a foreign or non-distributable layer?)",
            )
            .at_entry(rel)
        })?;
        match expected {
            Some(e) if e != actual => Err(self
                .err(
                    ErrorKind::Digest,
                    format!("the descriptor says {e} bytes, the blob has {actual}"),
                )
                .at_entry(rel)),
            _ => Ok(actual),
        }
    }
}

/// Layer media types we read, and the compression each names.
fn layer_media_type(mt: &str) -> Option<Option<&'static str>> {
    let base = mt
        .replace(".nondistributable", "")
        .replace("rootfs.foreign.diff", "rootfs.diff");
    match base.as_str() {
        "application/vnd.oci.image.layer.v1.tar"
        | "application/vnd.docker.image.rootfs.diff.tar" => Some(None),
        "application/vnd.oci.image.layer.v1.tar+gzip"
        | "application/vnd.docker.image.rootfs.diff.tar.gzip" => Some(Some("gzip")),
        "application/vnd.oci.image.layer.v1.tar+zstd" => Some(Some("zstd")),
        _ => None,
    }
}

/// The compression a layer's media type names (`None` for plain tar or no media type).
pub(crate) fn expected_compression(layer: &Layer) -> Option<&'static str> {
    layer
        .media_type
        .as_deref()
        .and_then(layer_media_type)
        .flatten()
}

fn read(
    archive: String,
    store: Store,
    format: ArchiveFormat,
    limits: &Limits,
) -> Result<Image, ImageError> {
    let r = Reader {
        archive: &archive,
        store: &store,
        limits,
    };
    let mut notes = Vec::new();
    let mut reference = Reference::default();
    let mut docker_layers: Option<Vec<String>> = None;
    let mut manifest_digest = None;
    let mut oci_layers: Option<Vec<Descriptor>> = None;
    let config_digest;
    if store.size("manifest.json").is_some() {
        let list: Vec<DockerManifest> = r.json(
            "manifest.json",
            None,
            "a docker save manifest (a JSON array)",
        )?;
        if list.len() > 1 {
            notes.push(Diagnostic::warning(
                Location::file(format!("{archive}:manifest.json")),
                format!(
                    "the archive holds {} images; only the first is read",
                    list.len()
                ),
            ));
        }
        if let Some(first) = list.into_iter().next() {
            if let Some(tag) = first.repo_tags.as_ref().and_then(|t| t.first()) {
                reference = Reference::parse(tag);
            }
            if format == ArchiveFormat::DockerSave {
                config_digest = Some(config_digest_of(&r, &first.config)?);
                docker_layers = Some(first.layers);
            } else {
                config_digest = None;
            }
        } else if format == ArchiveFormat::DockerSave {
            return Err(r
                .err(ErrorKind::Format, "the manifest lists no image")
                .at_entry("manifest.json"));
        } else {
            config_digest = None;
        }
    } else {
        config_digest = None;
    }
    let config_digest = match config_digest {
        Some(d) => d,
        None => {
            let layout: OciLayoutFile =
                r.json("oci-layout", None, "{\"imageLayoutVersion\": …}")?;
            if !layout.image_layout_version.starts_with("1.") {
                return Err(r
                    .err(
                        ErrorKind::Format,
                        format!(
                            "image layout version {} (expected 1.x)",
                            layout.image_layout_version
                        ),
                    )
                    .at_entry("oci-layout"));
            }
            let index: IndexOrManifest = r.json("index.json", None, "an OCI image index")?;
            let descriptors = index.manifests.unwrap_or_default();
            if let Some(d) = descriptors.first() {
                let name = d
                    .annotations
                    .get("io.containerd.image.name")
                    .or_else(|| d.annotations.get("org.opencontainers.image.ref.name"));
                if let (Some(n), None) = (name, &reference.repository) {
                    let parsed = Reference::parse(n);
                    reference.repository = parsed.repository;
                    reference.tag = reference.tag.take().or(parsed.tag);
                }
            }
            let (digest, manifest) = r.manifest(descriptors, "index.json", 0)?;
            manifest_digest = Some(digest.0);
            let config = manifest
                .config
                .ok_or_else(|| r.err(ErrorKind::Format, "the image manifest has no config"))?;
            oci_layers = Some(manifest.layers.unwrap_or_default());
            let d = r.digest(&config.digest, "the manifest's config")?;
            r.check_size(&d.blob_path(), config.size)?;
            d
        }
    };
    let config_path = match &docker_layers {
        Some(_) => docker_config_path(&r, &config_digest)?,
        None => config_digest.blob_path(),
    };
    let config: RawConfig = r.json(&config_path, Some(&config_digest), "an image configuration")?;
    let count = docker_layers
        .as_ref()
        .map(Vec::len)
        .or(oci_layers.as_ref().map(Vec::len))
        .unwrap_or(0);
    if count > limits.max_layers {
        return Err(r.err(
            ErrorKind::Limit,
            format!("{count} layers, over the limit of {}", limits.max_layers),
        ));
    }
    if count != config.rootfs.diff_ids.len() {
        return Err(r
            .err(
                ErrorKind::Format,
                format!(
                    "the manifest lists {count} layers but the configuration {} diff ids",
                    config.rootfs.diff_ids.len()
                ),
            )
            .at_entry(&config_path));
    }
    let mut layers = Vec::with_capacity(count);
    for (i, diff_id) in config.rootfs.diff_ids.iter().enumerate() {
        let diff_id = r.digest(diff_id, &config_path)?.0;
        let layer = match (&docker_layers, &oci_layers) {
            (Some(paths), _) => {
                let blob = store::clean(paths.get(i).map(String::as_str).unwrap_or(""))
                    .unwrap_or_default();
                let size = r.check_size(&blob, None)?;
                Layer {
                    diff_id,
                    digest: digest_of_path(&blob).map(|d| d.0),
                    media_type: None,
                    size,
                    blob,
                }
            }
            (None, Some(descs)) => {
                let Some(d) = descs.get(i) else { break };
                let digest = r.digest(&d.digest, "the manifest's layers")?;
                let blob = digest.blob_path();
                let size = r.check_size(&blob, d.size)?;
                if let Some(mt) = &d.media_type {
                    if layer_media_type(mt).is_none() {
                        return Err(r
                            .err(
                                ErrorKind::Format,
                                format!("layer media type `{mt}` is not one we read (plain, gzip or zstd tar)"),
                            )
                            .in_layer(digest.as_str()));
                    }
                }
                Layer {
                    diff_id,
                    digest: Some(digest.0),
                    media_type: d.media_type.clone(),
                    size,
                    blob,
                }
            }
            (None, None) => break,
        };
        layers.push(layer);
    }
    let runtime = runtime(config.config.unwrap_or_default());
    Ok(Image {
        format,
        reference,
        manifest_digest,
        config_digest: config_digest.0,
        os: config.os,
        architecture: config.architecture,
        runtime,
        layers,
        notes,
        store,
        limits: limits.clone(),
        archive,
    })
}

/// The digest of a blob named `blobs/<alg>/<hex>`.
fn digest_of_path(path: &str) -> Option<Digest> {
    let rest = path.strip_prefix("blobs/")?;
    let (alg, hex) = rest.split_once('/')?;
    Digest::parse(&format!("{alg}:{hex}"))
}

/// The config digest of a docker save manifest entry: `blobs/sha256/<hex>` or `<hex>.json`.
fn config_digest_of(r: &Reader<'_>, config: &str) -> Result<Digest, ImageError> {
    let path = store::clean(config).unwrap_or_default();
    digest_of_path(&path)
        .or_else(|| Digest::parse(&format!("sha256:{}", path.strip_suffix(".json")?)))
        .ok_or_else(|| {
            r.err(
                ErrorKind::Format,
                format!("cannot tell the configuration's digest from its name `{config}`"),
            )
            .at_entry("manifest.json")
        })
}

/// Where a docker save archive keeps the configuration of this digest.
fn docker_config_path(r: &Reader<'_>, digest: &Digest) -> Result<String, ImageError> {
    let hex = digest.0.split_once(':').map(|(_, h)| h).unwrap_or("");
    let legacy = format!("{hex}.json");
    [digest.blob_path(), legacy]
        .into_iter()
        .find(|p| r.store.size(p).is_some())
        .ok_or_else(|| {
            r.err(ErrorKind::Format, "the configuration is not in the archive")
                .at_entry(digest.as_str())
        })
}

fn runtime(raw: RawRuntime) -> ContainerRuntime {
    let mut exposed_ports: Vec<String> =
        raw.exposed_ports.unwrap_or_default().into_keys().collect();
    exposed_ports.sort();
    ContainerRuntime {
        user: raw.user,
        exposed_ports,
        env: raw
            .env
            .unwrap_or_default()
            .into_iter()
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (kv, String::new()),
            })
            .collect(),
        entrypoint: raw.entrypoint.unwrap_or_default(),
        cmd: raw.cmd.unwrap_or_default(),
        working_dir: raw.working_dir.filter(|w| !w.is_empty()),
        healthcheck: raw.healthcheck.and_then(|h| h.test),
        labels: raw.labels.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let r = |s: &str| {
            let r = Reference::parse(s);
            (r.repository, r.tag)
        };
        let s = |v: &str| Some(v.to_string());
        assert_eq!(r("debian:bookworm"), (s("debian"), s("bookworm")));
        assert_eq!(
            r("registry.example.com:5000/team/app"),
            (s("registry.example.com:5000/team/app"), None)
        );
        assert_eq!(
            r("registry.example.com:5000/team/app:1.2@sha256:abc"),
            (s("registry.example.com:5000/team/app"), s("1.2"))
        );
        assert_eq!(r("latest"), (None, s("latest")));
        assert_eq!(r("docker.io/library/x"), (s("docker.io/library/x"), None));
    }

    #[test]
    fn digests() {
        let hex = "a".repeat(64);
        assert!(Digest::parse(&format!("sha256:{hex}")).is_some());
        assert!(Digest::parse(&format!("sha256:{}", "A".repeat(64))).is_none());
        assert!(Digest::parse(&format!("sha256:{hex}a")).is_none());
        assert!(Digest::parse(&format!("md5:{hex}")).is_none());
        assert!(Digest::parse("sha256:../../etc").is_none());
        assert_eq!(
            digest_of_path(&format!("blobs/sha256/{hex}")).map(|d| d.0),
            Some(format!("sha256:{hex}"))
        );
    }
}
