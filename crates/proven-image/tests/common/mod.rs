//! Builds image archives in memory for the tests: layers with any entry (hostile ones included),
//! docker save archives (legacy layout), OCI layouts as file lists, folders or tarballs.
#![allow(dead_code)]

use std::io::Write;
use std::sync::Mutex;

use proven_inventory::{Visitor, WalkedFile};
use serde_json::json;
use sha2::{Digest, Sha256};
use tar::{EntryType, Header};

/// One entry of a test layer.
#[derive(Clone, Debug)]
pub enum E<'a> {
    File(&'a str, &'a [u8]),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
    Fifo(&'a str),
    Char(&'a str),
}

fn header(path: &str, ty: EntryType, size: u64, link: Option<&str>) -> Header {
    let mut h = Header::new_ustar();
    {
        let u = h.as_ustar_mut().expect("ustar");
        let p = path.as_bytes();
        u.name[..p.len()].copy_from_slice(p);
        if let Some(l) = link {
            u.linkname[..l.len()].copy_from_slice(l.as_bytes());
        }
    }
    h.set_entry_type(ty);
    h.set_size(size);
    h.set_mode(if ty == EntryType::Directory {
        0o755
    } else {
        0o644
    });
    h.set_mtime(0);
    h.set_cksum();
    h
}

/// An uncompressed layer tar holding exactly these entries, paths written as given.
pub fn layer(entries: &[E<'_>]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let (h, data): (Header, &[u8]) = match e {
            E::File(p, d) => (header(p, EntryType::Regular, d.len() as u64, None), d),
            E::Dir(p) => (header(p, EntryType::Directory, 0, None), &[]),
            E::Symlink(p, t) => (header(p, EntryType::Symlink, 0, Some(t)), &[]),
            E::Hardlink(p, t) => (header(p, EntryType::Link, 0, Some(t)), &[]),
            E::Fifo(p) => (header(p, EntryType::Fifo, 0, None), &[]),
            E::Char(p) => (header(p, EntryType::Char, 0, None), &[]),
        };
        b.append(&h, data).expect("in memory");
    }
    b.into_inner().expect("in memory")
}

pub fn sha256(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    format!(
        "sha256:{}",
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

fn hex(digest: &str) -> &str {
    digest.trim_start_matches("sha256:")
}

/// How a test layer is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comp {
    None,
    Gzip,
    Zstd,
}

pub fn compress(tar: &[u8], c: Comp) -> Vec<u8> {
    match c {
        Comp::None => tar.to_vec(),
        Comp::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(tar).expect("in memory");
            e.finish().expect("in memory")
        }
        Comp::Zstd => zstd::encode_all(tar, 1).expect("in memory"),
    }
}

/// The image configuration for these uncompressed layers.
pub fn config(layers: &[Vec<u8>], runtime: serde_json::Value) -> Vec<u8> {
    let diff_ids: Vec<String> = layers.iter().map(|l| sha256(l)).collect();
    serde_json::to_vec(&json!({
        "architecture": "amd64",
        "os": "linux",
        "config": runtime,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }))
    .expect("json")
}

/// A tar archive of these files, in order.
pub fn tar_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut h = Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(EntryType::Regular);
        b.append_data(&mut h, path, data.as_slice())
            .expect("in memory");
    }
    b.into_inner().expect("in memory")
}

/// The files of a legacy `docker save` archive: `<n>/layer.tar`, `<config hex>.json`,
/// `manifest.json`.
pub fn docker_save_files(
    layers: &[Vec<u8>],
    runtime: serde_json::Value,
    tag: Option<&str>,
) -> Vec<(String, Vec<u8>)> {
    let cfg = config(layers, runtime);
    let cfg_name = format!("{}.json", hex(&sha256(&cfg)));
    let mut files = vec![(cfg_name.clone(), cfg)];
    let mut paths = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        let p = format!("layer{i}/layer.tar");
        files.push((p.clone(), l.clone()));
        paths.push(p);
    }
    let manifest = json!([{
        "Config": cfg_name,
        "RepoTags": tag.map(|t| vec![t]).unwrap_or_default(),
        "Layers": paths,
    }]);
    files.push((
        "manifest.json".into(),
        serde_json::to_vec(&manifest).expect("json"),
    ));
    files
}

/// A legacy `docker save` archive.
pub fn docker_save(layers: &[Vec<u8>], runtime: serde_json::Value, tag: Option<&str>) -> Vec<u8> {
    tar_of(&docker_save_files(layers, runtime, tag))
}

/// One layer of an OCI layout: the uncompressed tar, how it is stored, and the blob bytes when
/// a test wants them different from `compress(tar)` (damaged on purpose).
pub struct OciLayer {
    pub tar: Vec<u8>,
    pub comp: Comp,
    pub blob: Option<Vec<u8>>,
}

impl OciLayer {
    pub fn new(tar: Vec<u8>, comp: Comp) -> Self {
        OciLayer {
            tar,
            comp,
            blob: None,
        }
    }
}

fn media_type(c: Comp) -> &'static str {
    match c {
        Comp::None => "application/vnd.oci.image.layer.v1.tar",
        Comp::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
        Comp::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
    }
}

fn blob(files: &mut Vec<(String, Vec<u8>)>, bytes: Vec<u8>) -> (String, usize) {
    let d = sha256(&bytes);
    let len = bytes.len();
    let path = format!("blobs/sha256/{}", hex(&d));
    if !files.iter().any(|f| f.0 == path) {
        files.push((path, bytes));
    }
    (d, len)
}

/// The files of an OCI layout; with `multi`, index.json points to an image index holding the
/// linux/amd64 manifest and an arm64 one (whose layers are not in the layout).
pub fn oci_files(
    layers: &[OciLayer],
    runtime: serde_json::Value,
    ref_name: Option<&str>,
    multi: bool,
) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        "oci-layout".to_string(),
        br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
    )];
    let tars: Vec<Vec<u8>> = layers.iter().map(|l| l.tar.clone()).collect();
    let (cfg_digest, cfg_len) = blob(&mut files, config(&tars, runtime));
    let mut descs = Vec::new();
    for l in layers {
        let bytes = l.blob.clone().unwrap_or_else(|| compress(&l.tar, l.comp));
        let (d, len) = blob(&mut files, bytes);
        descs.push(json!({"mediaType": media_type(l.comp), "digest": d, "size": len}));
    }
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg_digest, "size": cfg_len},
        "layers": descs,
    });
    let (m_digest, m_len) = blob(&mut files, serde_json::to_vec(&manifest).expect("json"));
    let annotations = match ref_name {
        Some(r) => json!({"org.opencontainers.image.ref.name": r}),
        None => json!({}),
    };
    let top = if multi {
        let index = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [
                {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "digest": format!("sha256:{}", "0".repeat(64)), "size": 10,
                 "platform": {"architecture": "arm64", "os": "linux"}},
                {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "digest": m_digest, "size": m_len,
                 "platform": {"architecture": "amd64", "os": "linux"}},
            ],
        });
        let (i_digest, i_len) = blob(&mut files, serde_json::to_vec(&index).expect("json"));
        json!({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": i_digest, "size": i_len, "annotations": annotations})
    } else {
        json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": m_digest, "size": m_len, "annotations": annotations})
    };
    let index = json!({"schemaVersion": 2, "manifests": [top]});
    files.push((
        "index.json".into(),
        serde_json::to_vec(&index).expect("json"),
    ));
    files
}

/// Writes a file list as a folder.
pub fn write_dir(dir: &std::path::Path, files: &[(String, Vec<u8>)]) {
    for (p, d) in files {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, d).expect("write");
    }
}

/// A file a visitor was given: its path and bytes (or why they were not read).
pub type Seen = (String, Result<Vec<u8>, String>);

/// A visitor that wants files by a predicate and records what it was given.
pub struct Recorder<F: Fn(&str) -> bool + Sync> {
    pub wants: F,
    pub seen: Mutex<Vec<Seen>>,
}

impl<F: Fn(&str) -> bool + Sync> Recorder<F> {
    pub fn new(wants: F) -> Self {
        Recorder {
            wants,
            seen: Mutex::new(Vec::new()),
        }
    }

    /// What was seen, sorted by path.
    pub fn seen(&self) -> Vec<Seen> {
        let mut v = self.seen.lock().expect("lock").clone();
        v.sort();
        v
    }

    /// Paths and texts of what was seen.
    pub fn texts(&self) -> Vec<(String, String)> {
        self.seen()
            .into_iter()
            .map(|(p, b)| {
                (
                    p,
                    String::from_utf8_lossy(&b.unwrap_or_default()).into_owned(),
                )
            })
            .collect()
    }
}

impl<F: Fn(&str) -> bool + Sync> Visitor for Recorder<F> {
    fn wants(&self, rel: &str, _name: &str, _size: u64) -> bool {
        (self.wants)(rel)
    }

    fn visit(&self, file: &WalkedFile<'_>) {
        let bytes = file.bytes.map(<[u8]>::to_vec).map_err(str::to_string);
        self.seen
            .lock()
            .expect("lock")
            .push((file.rel.to_string(), bytes));
    }
}
