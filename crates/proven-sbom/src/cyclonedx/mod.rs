//! CycloneDX JSON: the writer (1.6, 1.7) and the reader (1.4 to 1.7).

pub(crate) mod read;
pub(crate) mod write;
