//! The rpm database: `rpmdb.sqlite` (rpm 4.16 and later: RHEL 9, Rocky/Alma 9, Fedora 33+,
//! openSUSE) under `var/lib/rpm/` or `usr/lib/sysimage/rpm/`.
//!
//! Each row of the `Packages` table is one installed package's header blob, which is parsed here:
//! an index of (tag, type, offset, count) entries over a data store
//! (<https://rpm-software-management.github.io/rpm/manual/format_header.html>). One component per
//! header except `gpg-pubkey` (imported signing keys, not software): `NAME`, `VERSION`-`RELEASE`
//! with `EPOCH` as `epoch:` prefix of the version and purl qualifier, `ARCH`, `LICENSE`, `VENDOR`
//! as author, `SOURCERPM` as `proven:source-package` and `proven:source-version`. The file list
//! (`DIRNAMES`/`BASENAMES`/`DIRINDEXES`) tells which files another parser reads, so the merge can
//! mark them as the package's. The distribution comes from the root's os-release.
//!
//! The older Berkeley DB (`Packages`) and ndb (`Packages.db`) databases are recognised but not
//! read: they are reported as an incomplete manifest that says so.

use proven_model::{Component, Diagnostic, Ecosystem, Location, Purl};

use super::{Input, ParseFailure, Parsed, ParserDef};
use crate::rootfs::{root_of, worth_owning, Facts, OwnedFile, PackageManager};
use crate::sqlite::{Database, Value};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "rpmdb",
    ecosystem: Ecosystem::RedHat,
    matches: |_| false,
    parse,
    at_path: Some(|path| place(path).is_some()),
    binary: true,
};

const DIRS: &[&str] = &["var/lib/rpm/", "usr/lib/sysimage/rpm/"];

/// The database formats rpm has used, by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sqlite,
    BerkeleyDb,
    Ndb,
}

fn place(path: &str) -> Option<(String, Kind)> {
    let (file, kind) = [
        ("rpmdb.sqlite", Kind::Sqlite),
        ("Packages", Kind::BerkeleyDb),
        ("Packages.db", Kind::Ndb),
    ]
    .into_iter()
    .find(|(f, _)| path.ends_with(f))?;
    DIRS.iter()
        .find_map(|dir| root_of(path, &format!("{dir}{file}")))
        .map(|root| (root, kind))
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let (root, kind) =
        place(input.path).ok_or_else(|| ParseFailure::at(1, "expected an rpm database"))?;
    let facts = Facts {
        root,
        packages: Some(PackageManager::Rpm),
        ..Facts::default()
    };
    if kind != Kind::Sqlite {
        let name = if kind == Kind::Ndb {
            "ndb"
        } else {
            "Berkeley DB"
        };
        let why = format!(
            "rpm {name} databases are not read; only rpmdb.sqlite (rpm 4.16 and later) is, so the \
             packages of this file system are not listed"
        );
        return Ok(Parsed {
            format: format!("rpm {name}"),
            diagnostics: vec![Diagnostic::error(Location::file(input.path), why.clone())],
            incomplete: Some(why),
            installed: Some(facts),
            ..Parsed::default()
        });
    }
    let fail = |e: String| ParseFailure {
        line: None,
        message: format!("{e}; expected rpm's SQLite database"),
    };
    let db = Database::open(input.bytes).map_err(fail)?;
    let table = db
        .table_root("Packages")
        .map_err(fail)?
        .ok_or_else(|| fail("no `Packages` table".into()))?;
    let mut parsed = Parsed {
        format: "rpmdb.sqlite".into(),
        ..Parsed::default()
    };
    let mut owned = Vec::new();
    let mut problems = Vec::new();
    let scanned = db.scan(table, &mut |hnum, cols| {
        let Some(blob) = cols.get(1).and_then(Value::bytes) else {
            problems.push(format!("package row {hnum} has no header blob"));
            return;
        };
        match Header::parse(blob) {
            Ok(h) => add_package(&h, hnum, input.path, &mut parsed, &mut owned),
            Err(e) => problems.push(format!("package row {hnum}: {e}")),
        }
    });
    if let Err(e) = scanned {
        problems.push(e);
    }
    for p in &problems {
        parsed.diagnostics.push(Diagnostic::error(
            Location::file(input.path),
            format!("{p}; expected an rpm header"),
        ));
    }
    if !problems.is_empty() {
        parsed.incomplete = Some(format!("{} rpm database problems", problems.len()));
    }
    parsed.installed = Some(Facts { owned, ..facts });
    Ok(parsed)
}

fn add_package(
    h: &Header<'_>,
    hnum: i64,
    path: &str,
    parsed: &mut Parsed,
    owned: &mut Vec<OwnedFile>,
) {
    let (Some(name), Some(version)) = (h.string(NAME), h.string(VERSION)) else {
        parsed.diagnostics.push(Diagnostic::error(
            Location::file(path),
            format!("package row {hnum} has no NAME or VERSION; expected both"),
        ));
        parsed.incomplete = Some("a package header names no package".into());
        return;
    };
    if name == "gpg-pubkey" {
        return;
    }
    let evr = match h.string(RELEASE) {
        Some(r) => format!("{version}-{r}"),
        None => version.to_string(),
    };
    let epoch = h.int32(EPOCH);
    let full = match epoch {
        Some(e) => format!("{e}:{evr}"),
        None => evr.clone(),
    };
    let arch = h.string(ARCH).unwrap_or_default();
    let arch = arch.as_str();
    let mut c = Component::new(
        Ecosystem::RedHat,
        None,
        &name,
        Some(&full),
        Location::file(path),
    );
    let mut purl = Purl::new("rpm", None, &name, Some(&evr)).with_qualifier("arch", arch);
    if let Some(e) = epoch {
        purl = purl.with_qualifier("epoch", &e.to_string());
    }
    c.purl = Some(purl);
    c.id = format!("{name}.{arch}@{full}");
    c.licenses.declared = h.string(LICENSE);
    c.author = h.string(VENDOR);
    if let Some((src, src_version)) = h.string(SOURCERPM).as_deref().and_then(source_rpm) {
        c.properties.insert("proven:source-package".into(), src);
        c.properties
            .insert("proven:source-version".into(), src_version);
    }
    for file in h.files() {
        if worth_owning(&file) {
            owned.push(OwnedFile {
                package: name.to_string(),
                arch: Some(arch.to_string()).filter(|a| !a.is_empty()),
                path: file,
            });
        }
    }
    parsed.components.push(c);
}

/// `openssl-3.0.7-27.el9.src.rpm` → (`openssl`, `3.0.7-27.el9`).
fn source_rpm(s: &str) -> Option<(String, String)> {
    let stem = s
        .strip_suffix(".src.rpm")
        .or_else(|| s.strip_suffix(".nosrc.rpm"))?;
    let (rest, release) = stem.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    (!name.is_empty()).then(|| (name.to_string(), format!("{version}-{release}")))
}

const NAME: u32 = 1000;
const VERSION: u32 = 1001;
const RELEASE: u32 = 1002;
const EPOCH: u32 = 1003;
const VENDOR: u32 = 1011;
const LICENSE: u32 = 1014;
const ARCH: u32 = 1022;
const OLDFILENAMES: u32 = 1027;
const SOURCERPM: u32 = 1044;
const DIRINDEXES: u32 = 1116;
const BASENAMES: u32 = 1117;
const DIRNAMES: u32 = 1118;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// rpm's own ceilings on a header (`hdrchkTags`, `hdrchkData`).
const MAX_TAGS: usize = 0x0000_ffff;
const MAX_DATA: usize = 0x0fff_ffff;

/// One index entry.
struct Entry {
    tag: u32,
    ty: u32,
    offset: usize,
    count: usize,
}

/// A header blob as stored in the database: tag index, then the data store.
pub(super) struct Header<'a> {
    entries: Vec<Entry>,
    data: &'a [u8],
}

impl<'a> Header<'a> {
    pub(super) fn parse(blob: &'a [u8]) -> Result<Header<'a>, String> {
        let word = |at: usize| -> Option<u32> {
            Some(u32::from_be_bytes(blob.get(at..at + 4)?.try_into().ok()?))
        };
        let (il, dl) = match (word(0), word(4)) {
            (Some(il), Some(dl)) => (il as usize, dl as usize),
            _ => return Err("header shorter than its 8-byte preamble".into()),
        };
        if il == 0 || il > MAX_TAGS || dl > MAX_DATA {
            return Err(format!("header claims {il} tags and {dl} data bytes"));
        }
        let start = 8 + 16 * il;
        let data = blob
            .get(start..start + dl)
            .ok_or_else(|| format!("header of {il} tags and {dl} data bytes is truncated"))?;
        let mut entries = Vec::with_capacity(il);
        for i in 0..il {
            let at = 8 + 16 * i;
            let (Some(tag), Some(ty), Some(offset), Some(count)) =
                (word(at), word(at + 4), word(at + 8), word(at + 12))
            else {
                return Err("truncated tag index".into());
            };
            entries.push(Entry {
                tag,
                ty,
                offset: offset as usize,
                count: count as usize,
            });
        }
        Ok(Header { entries, data })
    }

    fn entry(&self, tag: u32) -> Option<&Entry> {
        self.entries.iter().find(|e| e.tag == tag)
    }

    /// The first string of a STRING, I18NSTRING or STRING_ARRAY tag.
    pub(super) fn string(&self, tag: u32) -> Option<String> {
        let e = self.entry(tag)?;
        if !matches!(e.ty, TYPE_STRING | TYPE_I18NSTRING | TYPE_STRING_ARRAY) {
            return None;
        }
        self.strings_at(e.offset, 1).next()
    }

    fn strings(&self, tag: u32) -> Vec<String> {
        match self.entry(tag) {
            Some(e) if e.ty == TYPE_STRING_ARRAY => self.strings_at(e.offset, e.count).collect(),
            _ => Vec::new(),
        }
    }

    /// `count` NUL-terminated strings from `offset`; stops at the end of the data.
    fn strings_at(&self, offset: usize, count: usize) -> impl Iterator<Item = String> + '_ {
        let mut at = offset;
        (0..count).map_while(move |_| {
            let rest = self.data.get(at..)?;
            let end = rest.iter().position(|&b| b == 0)?;
            at += end + 1;
            Some(String::from_utf8_lossy(&rest[..end]).into_owned())
        })
    }

    fn int32s(&self, tag: u32) -> Vec<u32> {
        let Some(e) = self.entry(tag).filter(|e| e.ty == TYPE_INT32) else {
            return Vec::new();
        };
        (0..e.count)
            .map_while(|i| {
                let at = e.offset.checked_add(i.checked_mul(4)?)?;
                Some(u32::from_be_bytes(
                    self.data.get(at..at + 4)?.try_into().ok()?,
                ))
            })
            .collect()
    }

    fn int32(&self, tag: u32) -> Option<u32> {
        self.int32s(tag).first().copied()
    }

    /// Every file path the package installs.
    fn files(&self) -> Vec<String> {
        let basenames = self.strings(BASENAMES);
        if basenames.is_empty() {
            return self.strings(OLDFILENAMES);
        }
        let dirs = self.strings(DIRNAMES);
        let index = self.int32s(DIRINDEXES);
        basenames
            .iter()
            .zip(index)
            .filter_map(|(base, i)| Some(format!("{}{base}", dirs.get(i as usize)?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header blob from (tag, type, count, data) entries.
    fn blob(entries: &[(u32, u32, u32, &[u8])]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, ty, count, bytes) in entries {
            for w in [*tag, *ty, data.len() as u32, *count] {
                index.extend_from_slice(&w.to_be_bytes());
            }
            data.extend_from_slice(bytes);
        }
        let mut out = Vec::new();
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend(index);
        out.extend(data);
        out
    }

    #[test]
    fn header_tags() {
        let b = blob(&[
            (NAME, TYPE_STRING, 1, b"openssl\0"),
            (EPOCH, TYPE_INT32, 1, &1u32.to_be_bytes()),
            (BASENAMES, TYPE_STRING_ARRAY, 2, b"a\0METADATA\0"),
            (
                DIRNAMES,
                TYPE_STRING_ARRAY,
                2,
                b"/usr/\0/usr/lib/x.dist-info/\0",
            ),
            (DIRINDEXES, TYPE_INT32, 2, &[0, 0, 0, 0, 0, 0, 0, 1]),
        ]);
        let h = Header::parse(&b).expect("parses");
        assert_eq!(h.string(NAME).as_deref(), Some("openssl"));
        assert_eq!(h.int32(EPOCH), Some(1));
        assert_eq!(h.string(VERSION), None);
        assert_eq!(h.files(), ["/usr/a", "/usr/lib/x.dist-info/METADATA"]);
    }

    #[test]
    fn damaged_headers() {
        assert!(Header::parse(&[0, 0]).is_err());
        assert!(
            Header::parse(&[0, 0, 0, 9, 0, 0, 0, 0]).is_err(),
            "index runs out"
        );
        let mut b = blob(&[(NAME, TYPE_STRING, 1, b"x")]);
        assert_eq!(
            Header::parse(&b).expect("parses").string(NAME),
            None,
            "no NUL"
        );
        b.truncate(b.len() - 1);
        assert!(Header::parse(&b).is_err());
        let b = blob(&[(DIRINDEXES, TYPE_INT32, 9, &[0, 0, 0, 1])]);
        let h = Header::parse(&b).expect("parses");
        assert_eq!(
            h.int32s(DIRINDEXES),
            [1],
            "count beyond the data stops there"
        );
    }

    #[test]
    fn source_rpms() {
        assert_eq!(
            source_rpm("openssl-3.0.7-27.el9.src.rpm"),
            Some(("openssl".into(), "3.0.7-27.el9".into()))
        );
        assert_eq!(
            source_rpm("python-pip-21.3.1-1.el9.noarch.src.rpm").map(|s| s.0),
            Some("python-pip".into())
        );
        assert_eq!(source_rpm("bad"), None);
    }
}
