//! The on-disk index: one file, mapped read-only, looked up in place.
//!
//! ```text
//! header (48 bytes, little-endian u32s after the 8-byte magic)
//!   magic "PRVNVDB\0" | format | meta off,len | keys n,off | vulns n,off | clusters n,off | file len
//! key table      n × (name off, name len, entries off, entries len)  sorted by key bytes
//! vuln table     n × (off, len)                                      sorted by record id
//! cluster table  n × (off, len)
//! heap           key bytes and postcard blobs
//! ```
//!
//! Opening maps the file and checks the header: no record is decoded. A lookup binary-searches
//! the key table over borrowed bytes and decodes only the entries of that one package; a hit
//! decodes one vulnerability and one cluster. Keys are `ecosystem NUL release NUL name`.
//! Every read is bounds-checked, so a damaged file gives an error, never a panic.

use serde::{Deserialize, Serialize};

use std::borrow::Cow;

use crate::osv::{EventKind, RangeKind, Score};

const MAGIC: &[u8; 8] = b"PRVNVDB\0";
/// Bumped whenever the layout or a blob type changes; an index of another format is rebuilt
/// from the snapshot's kept sources.
pub const FORMAT: u32 = 1;
const HEADER_LEN: usize = 48;

/// Why an index file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("not a Proven vulnerability index (bad magic)")]
    Magic,
    #[error("index format {found} (this build reads format {FORMAT})")]
    Format { found: u32 },
    #[error("index is truncated or damaged ({0})")]
    Damaged(&'static str),
    #[error("index entry does not decode: {0}")]
    Decode(String),
    #[error("index would exceed 4 GiB")]
    TooLarge,
}

/// Facts about the index as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// The ecosystems whose data is loaded, sorted by name.
    pub ecosystems: Vec<EcosystemMeta>,
    pub kev: Option<FeedMeta>,
    pub epss: Option<FeedMeta>,
}

/// One loaded ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcosystemMeta {
    pub name: String,
    /// Records indexed (withdrawn ones excluded).
    pub records: u32,
    pub withdrawn: u32,
    /// Records that failed the checks and were left out.
    pub skipped: u32,
}

/// A KEV catalog or an EPSS file that was joined in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedMeta {
    /// KEV `catalogVersion`, EPSS `model_version`.
    pub version: String,
    /// KEV `dateReleased`, EPSS `score_date`.
    pub date: String,
    pub entries: u32,
}

/// One `affected[]` entry of one record, under one key. Strings borrow from the index file when
/// read, so a lookup allocates only the vectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageEntry<'a> {
    pub vuln: u32,
    /// Position in the record's `affected[]`.
    pub affected: u32,
    /// `versions[]` that parse under the ecosystem's ordering, sorted by it, one per line: a
    /// lookup borrows the whole list as one string instead of allocating hundreds.
    #[serde(borrow)]
    pub versions: Cow<'a, str>,
    /// `versions[]` that do not parse, matched by exact string only; sorted, one per line.
    #[serde(borrow)]
    pub raw_versions: Cow<'a, str>,
    #[serde(borrow)]
    pub ranges: Vec<CompiledRange<'a>>,
    pub severity: Vec<Score>,
    pub rating: Option<String>,
    pub informational: Option<String>,
}

/// A range, ready to evaluate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CompiledRange<'a> {
    /// SEMVER or ECOSYSTEM: `introduced`/`fixed`/`last_affected` events sorted by the ordering
    /// (record order kept between equal versions), `limit` events apart (`*` dropped, since an
    /// infinite limit lifts every other one).
    Ordered {
        kind: RangeKind,
        #[serde(borrow)]
        events: Vec<IndexEvent<'a>>,
        #[serde(borrow)]
        limits: Vec<Cow<'a, str>>,
        unlimited: bool,
    },
    /// A GIT range: needs the repository's commit graph, never matches a version string.
    Git {
        #[serde(borrow)]
        repo: Cow<'a, str>,
    },
    /// A range whose versions do not parse under the ordering.
    Unevaluable {
        kind: RangeKind,
        #[serde(borrow)]
        reason: Cow<'a, str>,
    },
}

/// One event of a compiled range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEvent<'a> {
    pub kind: EventKind,
    #[serde(borrow)]
    pub version: Cow<'a, str>,
}

/// One record's reporting details (strings borrowed from the index file when read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VulnEntry<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub modified: Cow<'a, str>,
    #[serde(borrow)]
    pub published: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub title: Cow<'a, str>,
    #[serde(borrow)]
    pub aliases: Vec<Cow<'a, str>>,
    pub severity: Vec<Score>,
    #[serde(borrow)]
    pub rating: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub cwe: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    pub references: Vec<Cow<'a, str>>,
    pub cluster: u32,
}

/// A set of ids naming one vulnerability, with the feeds joined by CVE id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterEntry {
    pub primary: String,
    /// Every id, the primary included, sorted.
    pub ids: Vec<String>,
    pub kev: Option<KevMark>,
    pub epss: Option<EpssMark>,
}

/// The KEV entry of a cluster's CVE (the earliest added, when several are listed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevMark {
    pub cve: String,
    pub date_added: String,
    pub due_date: Option<String>,
    pub ransomware: Option<String>,
}

/// The EPSS score of a cluster's CVE (the highest, when several are scored), as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpssMark {
    pub cve: String,
    pub score: String,
    pub percentile: String,
}

/// Everything that goes into one index file.
#[derive(Debug, Default)]
pub struct IndexParts {
    pub meta: Meta,
    /// Sorted by key, each key's entries sorted by (vuln, affected).
    pub packages: Vec<(Vec<u8>, Vec<PackageEntry<'static>>)>,
    pub vulns: Vec<VulnEntry<'static>>,
    pub clusters: Vec<ClusterEntry>,
}

fn u32_of(n: usize) -> Result<u32, IndexError> {
    u32::try_from(n).map_err(|_| IndexError::TooLarge)
}

/// Serializes the parts; the same parts always give the same bytes.
pub fn encode(parts: &IndexParts) -> Result<Vec<u8>, IndexError> {
    let mut heap: Vec<u8> = Vec::new();
    let push = |heap: &mut Vec<u8>, bytes: &[u8]| -> Result<(u32, u32), IndexError> {
        let off = u32_of(heap.len())?;
        heap.extend_from_slice(bytes);
        Ok((off, u32_of(bytes.len())?))
    };
    let meta = push(&mut heap, &blob(&parts.meta)?)?;
    let mut keys = Vec::with_capacity(parts.packages.len());
    for (key, entries) in &parts.packages {
        let name = push(&mut heap, key)?;
        let blob = push(&mut heap, &blob(entries)?)?;
        keys.push([name.0, name.1, blob.0, blob.1]);
    }
    let mut vulns = Vec::with_capacity(parts.vulns.len());
    for v in &parts.vulns {
        vulns.push(push(&mut heap, &blob(v)?)?);
    }
    let mut clusters = Vec::with_capacity(parts.clusters.len());
    for c in &parts.clusters {
        clusters.push(push(&mut heap, &blob(c)?)?);
    }

    let keys_off = HEADER_LEN;
    let vulns_off = keys_off + keys.len() * 16;
    let clusters_off = vulns_off + vulns.len() * 8;
    let heap_off = clusters_off + clusters.len() * 8;
    let total = heap_off + heap.len();
    let base = u32_of(heap_off)?;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(MAGIC);
    for n in [
        FORMAT,
        base + meta.0,
        meta.1,
        u32_of(keys.len())?,
        u32_of(keys_off)?,
        u32_of(vulns.len())?,
        u32_of(vulns_off)?,
        u32_of(clusters.len())?,
        u32_of(clusters_off)?,
        u32_of(total)?,
    ] {
        out.extend_from_slice(&n.to_le_bytes());
    }
    debug_assert_eq!(out.len(), HEADER_LEN);
    for k in &keys {
        for n in [base + k[0], k[1], base + k[2], k[3]] {
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
    for (off, len) in vulns.iter().chain(&clusters) {
        out.extend_from_slice(&(base + off).to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
    }
    out.extend_from_slice(&heap);
    Ok(out)
}

fn blob<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, IndexError> {
    postcard::to_allocvec(value).map_err(|e| IndexError::Decode(e.to_string()))
}

/// The bytes of an index: built in memory, or the file mapped ([`crate::mapped`]).
#[derive(Debug)]
pub enum IndexBytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for IndexBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            IndexBytes::Owned(v) => v,
            IndexBytes::Mapped(m) => m,
        }
    }
}

impl From<Vec<u8>> for IndexBytes {
    fn from(v: Vec<u8>) -> Self {
        IndexBytes::Owned(v)
    }
}

impl From<memmap2::Mmap> for IndexBytes {
    fn from(m: memmap2::Mmap) -> Self {
        IndexBytes::Mapped(m)
    }
}

/// An index file, in memory or mapped.
#[derive(Debug)]
pub struct Index {
    bytes: IndexBytes,
    meta: Meta,
    n_keys: usize,
    keys_off: usize,
    n_vulns: usize,
    vulns_off: usize,
    n_clusters: usize,
    clusters_off: usize,
}

fn read_u32(bytes: &[u8], at: usize) -> Result<u32, IndexError> {
    let b = bytes
        .get(at..at + 4)
        .ok_or(IndexError::Damaged("read past the end"))?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl Index {
    /// Checks the header and table bounds; decodes only the small meta blob.
    pub fn from_bytes(bytes: impl Into<IndexBytes>) -> Result<Index, IndexError> {
        let bytes = bytes.into();
        if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
            return Err(IndexError::Magic);
        }
        let h = |i: usize| read_u32(&bytes, 8 + 4 * i).map(|n| n as usize);
        let format = read_u32(&bytes, 8)?;
        if format != FORMAT {
            return Err(IndexError::Format { found: format });
        }
        let (meta_off, meta_len) = (h(1)?, h(2)?);
        let (n_keys, keys_off) = (h(3)?, h(4)?);
        let (n_vulns, vulns_off) = (h(5)?, h(6)?);
        let (n_clusters, clusters_off) = (h(7)?, h(8)?);
        if h(9)? != bytes.len() {
            return Err(IndexError::Damaged("length differs from the header"));
        }
        let fits = |off: usize, len: usize| off.checked_add(len).is_some_and(|e| e <= bytes.len());
        if !fits(keys_off, n_keys.saturating_mul(16))
            || !fits(vulns_off, n_vulns.saturating_mul(8))
            || !fits(clusters_off, n_clusters.saturating_mul(8))
            || !fits(meta_off, meta_len)
        {
            return Err(IndexError::Damaged("a table lies outside the file"));
        }
        let meta = decode(&bytes[meta_off..meta_off + meta_len])?;
        Ok(Index {
            bytes,
            meta,
            n_keys,
            keys_off,
            n_vulns,
            vulns_off,
            n_clusters,
            clusters_off,
        })
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Facts about the whole index.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    fn slice(&self, off: u32, len: u32) -> Result<&[u8], IndexError> {
        let (off, len) = (off as usize, len as usize);
        off.checked_add(len)
            .and_then(|end| self.bytes.get(off..end))
            .ok_or(IndexError::Damaged("an entry lies outside the file"))
    }

    fn key_at(&self, i: usize) -> Result<&[u8], IndexError> {
        let at = self.keys_off + i * 16;
        self.slice(read_u32(&self.bytes, at)?, read_u32(&self.bytes, at + 4)?)
    }

    /// The entries stored under a key, if any.
    pub fn lookup(&self, key: &[u8]) -> Result<Option<Vec<PackageEntry<'_>>>, IndexError> {
        let (mut lo, mut hi) = (0, self.n_keys);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.key_at(mid)?.cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let at = self.keys_off + mid * 16;
                    let blob = self.slice(
                        read_u32(&self.bytes, at + 8)?,
                        read_u32(&self.bytes, at + 12)?,
                    )?;
                    return decode(blob).map(Some);
                }
            }
        }
        Ok(None)
    }

    fn table_entry(&self, off: usize, n: usize, i: u32) -> Result<&[u8], IndexError> {
        let i = i as usize;
        if i >= n {
            return Err(IndexError::Damaged("an index refers past its table"));
        }
        let at = off + i * 8;
        self.slice(read_u32(&self.bytes, at)?, read_u32(&self.bytes, at + 4)?)
    }

    /// The record at a position.
    pub fn vuln(&self, i: u32) -> Result<VulnEntry<'_>, IndexError> {
        decode(self.table_entry(self.vulns_off, self.n_vulns, i)?)
    }

    /// The cluster at a position.
    pub fn cluster(&self, i: u32) -> Result<ClusterEntry, IndexError> {
        decode(self.table_entry(self.clusters_off, self.n_clusters, i)?)
    }

    /// Every key with its entries, in key order (for tests and measurements).
    #[cfg(test)]
    pub fn packages(
        &self,
    ) -> impl Iterator<Item = Result<(Vec<u8>, Vec<PackageEntry<'_>>), IndexError>> + '_ {
        (0..self.n_keys).map(move |i| {
            let key = self.key_at(i)?.to_vec();
            let entries = self
                .lookup(&key)?
                .ok_or(IndexError::Damaged("a key is not found by its own search"))?;
            Ok((key, entries))
        })
    }
}

fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, IndexError> {
    postcard::from_bytes(bytes).map_err(|e| IndexError::Decode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> IndexParts {
        let entry = |vuln| PackageEntry {
            vuln,
            affected: 0,
            versions: Cow::Borrowed("1.0"),
            raw_versions: Cow::Borrowed(""),
            ranges: vec![CompiledRange::Ordered {
                kind: RangeKind::Ecosystem,
                events: vec![IndexEvent {
                    kind: EventKind::Introduced,
                    version: Cow::Borrowed("0"),
                }],
                limits: vec![],
                unlimited: true,
            }],
            severity: vec![],
            rating: None,
            informational: None,
        };
        let vuln = |id: &'static str| VulnEntry {
            id: Cow::Borrowed(id),
            modified: Cow::Borrowed("2024-01-01T00:00:00Z"),
            published: None,
            title: Cow::Borrowed("t"),
            aliases: vec![],
            severity: vec![],
            rating: None,
            cwe: vec![],
            references: vec![],
            cluster: 0,
        };
        IndexParts {
            meta: Meta::default(),
            packages: vec![
                (b"PyPI\0\0a".to_vec(), vec![entry(0)]),
                (b"PyPI\0\0b".to_vec(), vec![entry(0), entry(1)]),
            ],
            vulns: vec![vuln("A-1"), vuln("A-2")],
            clusters: vec![ClusterEntry {
                primary: "A-1".into(),
                ids: vec!["A-1".into(), "A-2".into()],
                kev: None,
                epss: None,
            }],
        }
    }

    #[test]
    fn round_trips_and_looks_up() {
        let bytes = encode(&parts()).expect("encodes");
        let index = Index::from_bytes(bytes.clone()).expect("opens");
        assert_eq!(
            index
                .lookup(b"PyPI\0\0b")
                .expect("reads")
                .expect("found")
                .len(),
            2
        );
        assert!(index.lookup(b"PyPI\0\0c").expect("reads").is_none());
        assert!(index.lookup(b"PyPI\0\0").expect("reads").is_none());
        assert_eq!(index.vuln(1).expect("reads").id, "A-2");
        assert!(index.vuln(2).is_err());
        assert_eq!(index.cluster(0).expect("reads").primary, "A-1");
        assert_eq!(encode(&parts()).expect("encodes"), bytes, "deterministic");
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let bytes = encode(&parts()).expect("encodes");
        assert_eq!(
            Index::from_bytes(b"nope".to_vec()).expect_err("not an index"),
            IndexError::Magic
        );
        let mut short = bytes.clone();
        short.truncate(bytes.len() - 3);
        assert!(Index::from_bytes(short).is_err());
        // Flip every byte in turn: opening and reading either works or fails cleanly.
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xff;
            if let Ok(index) = Index::from_bytes(b) {
                let _ = index.lookup(b"PyPI\0\0b");
                let _ = index.vuln(1);
                let _ = index.cluster(0);
            }
        }
    }
}
