//! Inventory: every lockfile and manifest in a tree, parsed into components and a dependency graph.
//!
//! Parsers read untrusted bytes and must never panic; each is one module in [`parsers`] listed once
//! in [`parsers::PARSERS`]. The tree walk ([`walk`]) classifies each file once and hands it to the
//! parser that claims it; [`merge`] folds the per-file results into one [`proven_model::Inventory`].

mod elf;
pub mod graph;
pub mod json;
pub mod merge;
pub mod parsers;
pub mod rootfs;
mod sqlite;
pub mod text;
pub mod walk;
pub mod yaml;

pub use parsers::{
    find_parser, find_parser_for_path, find_parser_in, Input, ParseFailure, Parsed, ParserDef,
    PARSERS,
};
pub use walk::{
    inventory_file, inventory_file_as, inventory_tree, walk, Detail, DiskTree, InventoryVisitor,
    Tree, Visitor, WalkOptions, WalkedFile,
};

/// Parses bytes as the named format, the way the walk does, and merges the result. For fuzz targets
/// and tests: `None` when no parser has that name.
pub fn parse_bytes(parser: &str, file_name: &str, bytes: &[u8]) -> Option<proven_model::Inventory> {
    parse_bytes_beside(parser, file_name, bytes, &[])
}

/// [`parse_bytes`] with files beside it (name, text), such as the Cargo.toml of a Cargo.lock.
pub fn parse_bytes_beside(
    parser: &str,
    file_name: &str,
    bytes: &[u8],
    siblings: &[(&str, &str)],
) -> Option<proven_model::Inventory> {
    let def = PARSERS.iter().copied().find(|p| p.name == parser)?;
    let sibling = |name: &str| {
        let found = siblings.iter().find(|(n, _)| *n == name);
        found.map(|(_, text)| text.to_string())
    };
    Some(walk::parse_in_memory(def, file_name, bytes, &sibling))
}
