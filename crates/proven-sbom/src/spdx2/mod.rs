//! SPDX 2.3 JSON: the writer and the reader.

pub(crate) mod read;
pub(crate) mod write;
