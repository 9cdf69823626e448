//! A minimal read-only reader of SQLite database files: the rows of one table, found by name in
//! the schema. Written for rpm's `rpmdb.sqlite` (one `Packages` table of header blobs) instead of
//! linking the SQLite C library: the inventory reads untrusted files and must never panic, and a
//! table scan needs only the file format's b-tree pages, records and overflow chains
//! (<https://www.sqlite.org/fileformat2.html>). Every offset is bounds-checked, every page
//! number is checked against the file, and a walk visits each page at most once, so a damaged or
//! hostile file gives an error, never a loop. What is not read: a write-ahead log beside the
//! file (`-wal`; rpm checkpoints it when it closes the database), indexes, and free pages.

use std::collections::HashSet;

/// A column value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(Vec<u8>),
    Blob(Vec<u8>),
}

impl Value {
    /// The bytes of a text or blob value.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Text(b) | Value::Blob(b) => Some(b),
            _ => None,
        }
    }
}

/// An opened database file (the bytes are borrowed, nothing is decoded up front).
#[derive(Debug)]
pub struct Database<'a> {
    bytes: &'a [u8],
    page_size: usize,
    /// Page size less the bytes each page reserves at its end.
    usable: usize,
    pages: u32,
}

const MAGIC: &[u8] = b"SQLite format 3\0";

impl<'a> Database<'a> {
    /// Checks the header.
    pub fn open(bytes: &'a [u8]) -> Result<Database<'a>, String> {
        if bytes.get(..16) != Some(MAGIC) {
            return Err("not an SQLite database (no `SQLite format 3` header)".into());
        }
        let raw = be(bytes, 16, 2).ok_or("truncated header")?;
        let page_size = if raw == 1 { 65536 } else { raw as usize };
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(format!(
                "page size {page_size} is not a power of two from 512 to 65536"
            ));
        }
        let reserved = usize::from(*bytes.get(20).ok_or("truncated header")?);
        let usable = page_size.saturating_sub(reserved);
        if usable < 480 {
            return Err(format!(
                "{reserved} reserved bytes leave too little of each page"
            ));
        }
        let pages = u32::try_from(bytes.len() / page_size).unwrap_or(u32::MAX);
        Ok(Database {
            bytes,
            page_size,
            usable,
            pages,
        })
    }

    /// The root page of a table, from the schema table.
    pub fn table_root(&self, table: &str) -> Result<Option<u32>, String> {
        let mut root = None;
        self.scan(1, &mut |_, cols| {
            let is = |i: usize, want: &[u8]| cols.get(i).and_then(Value::bytes) == Some(want);
            if root.is_none() && is(0, b"table") && is(1, table.as_bytes()) {
                if let Some(Value::Integer(n)) = cols.get(3) {
                    root = u32::try_from(*n).ok();
                }
            }
        })?;
        Ok(root)
    }

    /// Calls `row` with the rowid and columns of every row of the table whose b-tree starts at
    /// `root`, in rowid order.
    pub fn scan(&self, root: u32, row: &mut dyn FnMut(i64, Vec<Value>)) -> Result<(), String> {
        let mut seen: HashSet<u32> = HashSet::new();
        let mut stack = vec![root];
        while let Some(page_no) = stack.pop() {
            if !seen.insert(page_no) {
                return Err(format!(
                    "page {page_no} is reached twice; the b-tree is damaged"
                ));
            }
            let page = self.page(page_no)?;
            // Page 1 starts with the 100-byte file header.
            let h = if page_no == 1 { 100 } else { 0 };
            let kind = *page.get(h).ok_or("truncated page")?;
            let cells = be(page, h + 3, 2).ok_or("truncated page header")? as usize;
            let (header_len, interior) = match kind {
                0x0d => (8, false),
                0x05 => (12, true),
                other => {
                    return Err(format!(
                        "page {page_no} is of type {other:#04x}; expected a table b-tree page"
                    ))
                }
            };
            let mut children = Vec::new();
            for i in 0..cells {
                let at =
                    be(page, h + header_len + 2 * i, 2).ok_or("truncated cell pointers")? as usize;
                if interior {
                    let child = be(page, at, 4).ok_or("truncated interior cell")?;
                    children.push(u32::try_from(child).unwrap_or(0));
                } else {
                    let (rowid, cols) = self.leaf_cell(page, at)?;
                    row(rowid, cols);
                }
            }
            if interior {
                let right = be(page, h + 8, 4).ok_or("truncated interior page header")?;
                children.push(u32::try_from(right).unwrap_or(0));
                // Popped last-first: push right to left so rows come in rowid order.
                stack.extend(children.into_iter().rev());
            }
        }
        Ok(())
    }

    fn page(&self, n: u32) -> Result<&'a [u8], String> {
        if n == 0 || n > self.pages {
            return Err(format!(
                "page {n} is outside the file's {} pages",
                self.pages
            ));
        }
        let start = (n as usize - 1) * self.page_size;
        self.bytes
            .get(start..start + self.page_size)
            .ok_or_else(|| format!("page {n} is truncated"))
    }

    /// A table leaf cell: rowid and the decoded record, following overflow pages.
    fn leaf_cell(&self, page: &[u8], at: usize) -> Result<(i64, Vec<Value>), String> {
        let (size, n1) = varint(page, at).ok_or("truncated cell")?;
        let (rowid, n2) = varint(page, at + n1).ok_or("truncated cell")?;
        let size = usize::try_from(size)
            .ok()
            .filter(|s| *s <= self.bytes.len())
            .ok_or("a record is larger than the file")?;
        let start = at + n1 + n2;
        let u = self.usable;
        let max_local = u - 35;
        let local = if size <= max_local {
            size
        } else {
            let min_local = (u - 12) * 32 / 255 - 23;
            let k = min_local + (size - min_local) % (u - 4);
            if k <= max_local {
                k
            } else {
                min_local
            }
        };
        let mut payload = Vec::with_capacity(size);
        payload.extend_from_slice(page.get(start..start + local).ok_or("truncated cell")?);
        if local < size {
            let mut next = be(page, start + local, 4).ok_or("truncated overflow pointer")?;
            let mut seen = HashSet::new();
            while payload.len() < size {
                let n = u32::try_from(next).unwrap_or(0);
                if !seen.insert(n) {
                    return Err(format!("overflow page {n} is reached twice"));
                }
                let p = self.page(n)?;
                let take = (size - payload.len()).min(u - 4);
                payload.extend_from_slice(p.get(4..4 + take).ok_or("truncated overflow page")?);
                next = be(p, 0, 4).ok_or("truncated overflow page")?;
            }
        }
        Ok((rowid as i64, record(&payload)?))
    }
}

/// Decodes a record: a header of serial types, then the values.
fn record(payload: &[u8]) -> Result<Vec<Value>, String> {
    let (header_len, mut at) = varint(payload, 0).ok_or("truncated record header")?;
    let header_len = usize::try_from(header_len).unwrap_or(usize::MAX);
    if header_len > payload.len() {
        return Err("record header runs past the record".into());
    }
    let mut body = header_len;
    let mut out = Vec::new();
    while at < header_len {
        let (ty, n) = varint(payload, at).ok_or("truncated record header")?;
        at += n;
        let (len, value): (usize, fn(&[u8]) -> Value) = match ty {
            0 => (0, |_| Value::Null),
            1..=4 => (ty as usize, int),
            5 => (6, int),
            6 => (8, int),
            7 => (8, |b| {
                Value::Real(f64::from_bits(
                    b.iter().fold(0u64, |a, &x| a << 8 | u64::from(x)),
                ))
            }),
            8 => (0, |_| Value::Integer(0)),
            9 => (0, |_| Value::Integer(1)),
            n if n >= 12 && n % 2 == 0 => ((n as usize - 12) / 2, |b| Value::Blob(b.to_vec())),
            n if n >= 13 => ((n as usize - 13) / 2, |b| Value::Text(b.to_vec())),
            n => return Err(format!("serial type {n} is reserved")),
        };
        let bytes = payload
            .get(body..body.saturating_add(len))
            .ok_or("a value runs past the record")?;
        out.push(value(bytes));
        body += len;
    }
    Ok(out)
}

/// A big-endian two's-complement integer of 1 to 8 bytes.
fn int(b: &[u8]) -> Value {
    let neg = b.first().is_some_and(|x| x & 0x80 != 0);
    let mut v: i64 = if neg { -1 } else { 0 };
    for &x in b {
        v = v << 8 | i64::from(x);
    }
    Value::Integer(v)
}

/// A big-endian unsigned integer of `n` bytes at `at`.
fn be(b: &[u8], at: usize, n: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(n)?)?;
    Some(s.iter().fold(0u64, |a, &x| a << 8 | u64::from(x)))
}

/// SQLite's varint: 1 to 9 bytes, big-endian, 7 bits a byte (all 8 in the ninth). Returns the
/// value and its length.
fn varint(b: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let x = *b.get(at + i)?;
        if i == 8 {
            return Some((v << 8 | u64::from(x), 9));
        }
        v = v << 7 | u64::from(x & 0x7f);
        if x & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        assert_eq!(varint(&[0x05], 0), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00], 0), Some((128, 2)));
        assert_eq!(varint(&[0xff; 9], 0), Some((u64::MAX, 9)));
        assert_eq!(varint(&[0x81], 0), None);
    }

    #[test]
    fn records() {
        // Header of 4 bytes: NULL, 1-byte int, 3-byte text; values -1 and "abc".
        let rec = [4, 0, 1, 19, 0xff, b'a', b'b', b'c'];
        assert_eq!(
            record(&rec),
            Ok(vec![
                Value::Null,
                Value::Integer(-1),
                Value::Text(b"abc".to_vec())
            ])
        );
        assert!(record(&[4, 0, 1, 19, 0xff, b'a']).is_err());
        assert!(record(&[9, 0]).is_err());
    }

    #[test]
    fn rejects_what_is_not_sqlite() {
        assert!(Database::open(b"hello").is_err());
        let mut header = MAGIC.to_vec();
        header.extend_from_slice(&[0x03, 0x00]);
        header.resize(100, 0);
        assert!(Database::open(&header).is_err(), "page size 768");
    }
}
