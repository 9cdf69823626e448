//! The parser seam: one module per file format, each exposing a [`ParserDef`] listed in [`PARSERS`].

use proven_model::{Component, Diagnostic, Ecosystem};

use crate::walk::Detail;

mod apk;
mod binary;
mod bun_lock;
mod cargo;
mod cargo_manifest;
mod composer_lock;
mod conan_lock;
mod dpkg;
mod gemfile_lock;
mod gemspec;
mod go_mod;
mod gradle_lockfile;
mod jar;
mod mix_lock;
mod node_modules;
mod npm_common;
mod nuget_lock;
mod os_release;
mod package_lock;
mod package_resolved;
mod pdm;
mod pip_requirements;
mod pipfile_lock;
mod pnpm_lock;
mod poetry;
mod pom_xml;
mod pubspec_lock;
mod pylock;
mod python;
mod python_installed;
mod rpmdb;
mod uv;
mod yarn_lock;

/// What a parser is given: one file, already read and decoded.
pub struct Input<'a> {
    /// Path relative to the scan root, forward slashes; used in locations and diagnostics.
    pub path: &'a str,
    /// The file's text; empty for [`ParserDef::binary`] formats, which read `bytes`.
    pub text: &'a str,
    /// The file's bytes as read.
    pub bytes: &'a [u8],
    /// Reads a companion file in the same folder by name (`go.sum` beside `go.mod`), if present.
    pub sibling: &'a dyn Fn(&str) -> Option<String>,
    /// How much the caller keeps: without the graph ([`Detail::Components`]) a parser may leave
    /// [`Parsed::edges`] empty.
    pub detail: Detail,
}

impl std::fmt::Debug for Input<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// What a parser found in one file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The format and its version as people name it (`Cargo.lock v3`).
    pub format: String,
    /// Components; each `id` is a key unique within this file (the merge assigns global ids).
    pub components: Vec<Component>,
    /// Dependency edges between local ids, `from → to`.
    pub edges: Vec<(String, String)>,
    /// The local id of the project the file describes, when it names it.
    pub root: Option<String>,
    /// Local ids the project depends on directly.
    pub direct: Vec<String>,
    /// Problems met; the file is still used.
    pub diagnostics: Vec<Diagnostic>,
    /// Why the component list is not whole (`None` when it is).
    pub incomplete: Option<String>,
    /// What the file says about the installed file system it sits in (its distribution, the
    /// files its OS packages own), for the merge to combine with the other files of that root.
    pub installed: Option<crate::rootfs::Facts>,
    /// The file turned out to list nothing of its own (an executable without build information,
    /// a file that only adds [`Parsed::installed`] facts): it gets no manifest entry unless
    /// problems were met.
    pub not_a_manifest: bool,
}

/// A file that could not be read at all: where and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseFailure {
    /// 1-based line of the problem, when known.
    pub line: Option<u32>,
    /// What was wrong and what was expected.
    pub message: String,
}

impl ParseFailure {
    /// A failure at a line.
    pub fn at(line: u32, message: impl Into<String>) -> Self {
        ParseFailure {
            line: Some(line),
            message: message.into(),
        }
    }

    /// A failure of a JSON document, with serde_json's line.
    pub fn json(err: &serde_json::Error, expected: &str) -> Self {
        ParseFailure::at(
            u32::try_from(err.line()).unwrap_or(u32::MAX),
            format!("{err}; expected {expected}"),
        )
    }

    /// A failure of a TOML document, with the line of the span.
    pub fn toml(text: &str, err: &toml::de::Error, expected: &str) -> Self {
        let line = err.span().map(|s| crate::text::line_of(text, s.start));
        ParseFailure {
            line,
            message: format!("{}; expected {expected}", err.message()),
        }
    }
}

/// One supported format.
#[derive(Debug)]
pub struct ParserDef {
    /// Stable name of the format (`cargo-lock`).
    pub name: &'static str,
    pub ecosystem: Ecosystem,
    /// Whether a file with this name (and path, for formats that need it) is this format.
    pub matches: fn(file_name: &str) -> bool,
    /// Parses the file. `Err` only when nothing could be read; otherwise problems go in
    /// [`Parsed::diagnostics`] and [`Parsed::incomplete`].
    pub parse: fn(&Input<'_>) -> Result<Parsed, ParseFailure>,
    /// For formats known by their place in an installed file system rather than by their name
    /// alone (`var/lib/dpkg/status`, `node_modules/x/package.json`): whether a path relative to
    /// the scan root is one. Tried after every parser's `matches`; must be cheap, it sees every
    /// walked path.
    pub at_path: Option<fn(path: &str) -> bool>,
    /// Reads [`Input::bytes`] (databases, archives, executables): the bytes are not decoded as
    /// text.
    pub binary: bool,
}

/// Every supported format, in the order they are tried.
pub static PARSERS: &[&ParserDef] = &[
    &cargo::PARSER,
    &go_mod::PARSER,
    &gemfile_lock::PARSER,
    &composer_lock::PARSER,
    &nuget_lock::PARSER,
    &gradle_lockfile::PARSER,
    &pom_xml::PARSER,
    &mix_lock::PARSER,
    &package_lock::PARSER,
    &yarn_lock::PARSER,
    &pnpm_lock::PARSER,
    &bun_lock::PARSER,
    &pip_requirements::PARSER,
    &poetry::PARSER,
    &pipfile_lock::PARSER,
    &uv::PARSER,
    &pdm::PARSER,
    &pylock::PARSER,
    &pubspec_lock::PARSER,
    &conan_lock::PARSER,
    &package_resolved::PARSER,
    &os_release::PARSER,
    &dpkg::PARSER,
    &dpkg::LIST_PARSER,
    &apk::PARSER,
    &rpmdb::PARSER,
    &node_modules::PARSER,
    &python_installed::PARSER,
    &gemspec::PARSER,
    &jar::PARSER,
    &binary::PARSER,
];

/// The parser for a file name, if any.
pub fn find_parser(file_name: &str) -> Option<&'static ParserDef> {
    PARSERS.iter().copied().find(|p| (p.matches)(file_name))
}

/// The parser for a file in a folder (the folder's own name, not its path): by the file's name,
/// else by the folder for formats whose files are named freely inside a conventional folder
/// (`requirements/main.txt`).
pub fn find_parser_in(folder: &str, file_name: &str) -> Option<&'static ParserDef> {
    find_parser(file_name).or_else(|| {
        pip_requirements::in_requirements_folder(folder, file_name)
            .then_some(&pip_requirements::PARSER)
    })
}

/// The parser for a file at a path (forward slashes): by its name and its folder's, else by its
/// place in an installed file system.
pub fn find_parser_for_path(path: &str) -> Option<&'static ParserDef> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let folder = dir.rsplit('/').next().unwrap_or(dir);
    find_parser_in(folder, name).or_else(|| find_parser_at(path))
}

/// The parser of a format known by its place in an installed file system, for a path.
pub(crate) fn find_parser_at(path: &str) -> Option<&'static ParserDef> {
    PARSERS
        .iter()
        .copied()
        .find(|p| p.at_path.is_some_and(|at| at(path)))
}
