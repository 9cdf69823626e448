//! The one error of this crate: what went wrong, in which archive, layer and entry.

use std::fmt;

/// What kind of problem stopped the image from being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The archive or a blob could not be read from disk.
    Io,
    /// Not an image archive or layout we know, or its metadata is not what the spec says.
    Format,
    /// A blob's bytes do not hash to its digest, or a layer's to its diff id.
    Digest,
    /// A limit of [`crate::Limits`] was crossed.
    Limit,
    /// A layer's compression or tar stream is damaged or truncated.
    Corrupt,
}

/// A problem that stops the image from being read, naming the archive, the layer and the entry.
#[derive(Debug, thiserror::Error)]
pub struct ImageError {
    pub kind: ErrorKind,
    /// The archive or layout, as given.
    pub archive: String,
    /// The layer's digest (or the blob's name when no digest is known).
    pub layer: Option<String>,
    /// The entry inside the layer or the archive.
    pub entry: Option<String>,
    pub message: String,
    #[source]
    pub source: Option<std::io::Error>,
}

impl ImageError {
    pub(crate) fn new(kind: ErrorKind, archive: &str, message: impl Into<String>) -> Self {
        ImageError {
            kind,
            archive: archive.to_string(),
            layer: None,
            entry: None,
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn io(archive: &str, what: impl Into<String>, err: std::io::Error) -> Self {
        ImageError {
            source: Some(err),
            ..ImageError::new(ErrorKind::Io, archive, what)
        }
    }

    pub(crate) fn in_layer(mut self, layer: &str) -> Self {
        self.layer.get_or_insert_with(|| layer.to_string());
        self
    }

    pub(crate) fn at_entry(mut self, entry: &str) -> Self {
        self.entry.get_or_insert_with(|| entry.to_string());
        self
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.archive)?;
        if let Some(l) = &self.layer {
            write!(f, ": layer {l}")?;
        }
        if let Some(e) = &self.entry {
            write!(f, ": entry `{e}`")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(s) = &self.source {
            write!(f, ": {s}")?;
        }
        Ok(())
    }
}
