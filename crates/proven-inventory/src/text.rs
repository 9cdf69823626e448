//! Small helpers for locating things in text.

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let n = text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

/// Byte offsets of the starts of lines, for repeated look-ups with [`LineIndex::line`].
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes a text.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        let i = self.starts.partition_point(|&s| s <= offset);
        u32::try_from(i.max(1)).unwrap_or(u32::MAX)
    }
}

/// Finds the lines of JSON object keys visited in document order, in one forward pass: each search
/// starts where the previous match ended. For lockfiles read with serde_json (which keeps key order),
/// where the parsed value has no positions.
#[derive(Debug)]
pub struct JsonKeyLines<'a> {
    text: &'a str,
    cursor: usize,
    lines: LineIndex,
    /// Searches that found nothing; each one reads the rest of the text.
    misses: u32,
}

/// After this many keys are not found (written with escapes, say), lines are no longer looked
/// for: each miss reads to the end of the text, and many would make the pass quadratic.
const MAX_MISSES: u32 = 16;

impl<'a> JsonKeyLines<'a> {
    /// Starts at the beginning of a text.
    pub fn new(text: &'a str) -> Self {
        JsonKeyLines {
            text,
            cursor: 0,
            lines: LineIndex::new(text),
            misses: 0,
        }
    }

    /// The line of the next `"key":` whose value starts with `opener` (`{` or `[`), searching from
    /// the previous match. `None` (and the cursor stays) when there is none.
    pub fn next(&mut self, key: &str, opener: u8) -> Option<u32> {
        if self.misses >= MAX_MISSES {
            return None;
        }
        let needle = serde_json::to_string(key).ok()?;
        let bytes = self.text.as_bytes();
        let mut from = self.cursor;
        while let Some(found) = self.text.get(from..).and_then(|t| t.find(&needle)) {
            let start = from + found;
            let mut i = start + needle.len();
            let skip_ws = |i: &mut usize| {
                while bytes.get(*i).is_some_and(u8::is_ascii_whitespace) {
                    *i += 1;
                }
            };
            skip_ws(&mut i);
            if bytes.get(i) == Some(&b':') {
                i += 1;
                skip_ws(&mut i);
                if bytes.get(i) == Some(&opener) {
                    self.cursor = i;
                    return Some(self.lines.line(start));
                }
            }
            from = start + 1;
        }
        self.misses += 1;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keys_in_order() {
        let t = "{\n  \"a\": {\n    \"b\": \"x\"\n  },\n  \"b\": {}\n}";
        let mut k = JsonKeyLines::new(t);
        assert_eq!(k.next("a", b'{'), Some(2));
        assert_eq!(
            k.next("b", b'{'),
            Some(5),
            "a string value is not an object key"
        );
        assert_eq!(k.next("a", b'{'), None, "only forward");
    }

    #[test]
    fn lines() {
        let t = "a\nbc\n\nd";
        assert_eq!(line_of(t, 0), 1);
        assert_eq!(line_of(t, 2), 2);
        assert_eq!(line_of(t, 6), 4);
        let idx = LineIndex::new(t);
        for off in 0..t.len() {
            assert_eq!(idx.line(off), line_of(t, off), "offset {off}");
        }
    }
}
