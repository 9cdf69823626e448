//! Writing results: to a file or stdout, and plain-text tables.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Writes bytes to the file, or to stdout when none is given.
pub fn write(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match path {
        Some(p) => {
            std::fs::write(p, bytes).with_context(|| format!("cannot write {}", p.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Writes a value as pretty JSON and a final newline to the file, or to stdout when none is
/// given, as it is serialized: a large report is never held as one string as well.
pub fn write_json<T: serde::Serialize>(path: Option<&Path>, value: &T) -> Result<()> {
    fn to<W: Write>(w: W, value: &impl serde::Serialize) -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(w);
        serde_json::to_writer_pretty(&mut w, value)?;
        w.write_all(b"\n")?;
        w.flush()
    }
    match path {
        Some(p) => std::fs::File::create(p)
            .and_then(|f| to(f, value))
            .with_context(|| format!("cannot write {}", p.display())),
        None => Ok(to(std::io::stdout().lock(), value)?),
    }
}

/// A left-aligned table with a header row; columns sized to their widest cell.
pub fn table<S: AsRef<str>, const N: usize>(header: &[&str; N], rows: &[[S; N]]) -> String {
    let mut widths: [usize; N] = header.map(|h| h.chars().count());
    let mut last = header.last().map_or(0, |h| h.len());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.as_ref().chars().count());
        }
        last += row.last().map_or(0, |c| c.as_ref().len());
    }
    // Each line pads every cell but the last to its column: the size is known up front (for
    // ASCII; a longer text just grows the string).
    let padded: usize = widths.iter().take(N.saturating_sub(1)).map(|w| w + 2).sum();
    let mut out = String::with_capacity((padded + 1) * (rows.len() + 1) + last);
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            out.push_str(cell);
            if i + 1 < N {
                let mut pad = widths[i].saturating_sub(cell.chars().count());
                while pad > 0 {
                    let n = pad.min(SPACES.len());
                    out.push_str(&SPACES[..n]);
                    pad -= n;
                }
            }
        }
        out.truncate(out.trim_end_matches(' ').len());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(AsRef::as_ref));
    }
    out
}

/// Padding is copied from here, a slice at a time.
const SPACES: &str = "                                                                ";
