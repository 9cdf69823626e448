//! What the Cargo.lock scopes need from the root's Cargo.toml, read from the TOML parser's events
//! without building the document (a workspace manifest is mostly tables of no interest here:
//! building them took as long as reading the whole lockfile).

use std::borrow::Cow;
use std::collections::BTreeMap;

use toml_parser::decoder::{Encoding, ScalarKind};
use toml_parser::parser::{EventReceiver, RecursionGuard, ValidateWhitespace};
use toml_parser::{ErrorSink, ParseError, Raw, Source, Span};

/// The package's name and the packages its dependency tables name (under their `package = "..."`
/// name when renamed).
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Manifest {
    pub name: Option<String>,
    /// From `[dependencies]` and `[build-dependencies]`.
    pub required: Vec<String>,
    /// From `[dev-dependencies]`.
    pub dev: Vec<String>,
}

/// Nesting deeper than this is an error (as in the `toml` crate).
const MAX_DEPTH: u32 = 80;

/// The manifest, or `None` when the text is not valid TOML.
pub(super) fn read(text: &str) -> Option<Manifest> {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut reader = Reader {
        source,
        header: None,
        path: Vec::new(),
        open: Vec::new(),
        key: Vec::new(),
        name: None,
        dependencies: BTreeMap::new(),
        failed: false,
    };
    let mut error: Option<ParseError> = None;
    let mut whitespace = ValidateWhitespace::new(&mut reader, source);
    let mut guarded = RecursionGuard::new(&mut whitespace, MAX_DEPTH);
    toml_parser::parser::parse_document(&tokens, &mut guarded, &mut error);
    if error.is_some() || reader.failed {
        return None;
    }
    let mut manifest = Manifest {
        name: reader.name,
        ..Manifest::default()
    };
    for ((section, key), package) in reader.dependencies {
        let list = match section {
            Section::Dev => &mut manifest.dev,
            Section::Normal | Section::Build => &mut manifest.required,
        };
        list.push(package.unwrap_or_else(|| key.into_owned()));
    }
    Some(manifest)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Normal,
    Build,
    Dev,
}

impl Section {
    fn of(table: &str) -> Option<Section> {
        match table {
            "dependencies" => Some(Section::Normal),
            "build-dependencies" => Some(Section::Build),
            "dev-dependencies" => Some(Section::Dev),
            _ => None,
        }
    }
}

/// A key path element that no path of interest has: what an array's elements and the tables of an
/// array of tables sit under.
const IN_ARRAY: Cow<'static, str> = Cow::Borrowed("[]");

struct Reader<'i> {
    source: Source<'i>,
    /// The keys of the `[table]` or `[[array]]` header being read.
    header: Option<Vec<Cow<'i, str>>>,
    /// Where values go now: the current table, then the keys of each open inline table or array.
    path: Vec<Cow<'i, str>>,
    /// The length of `path` before each open inline table or array.
    open: Vec<usize>,
    /// The (dotted) key of the value being read, relative to `path`.
    key: Vec<Cow<'i, str>>,
    name: Option<String>,
    /// (section, key) → the `package` it names, if renamed.
    dependencies: BTreeMap<(Section, Cow<'i, str>), Option<String>>,
    failed: bool,
}

impl<'i> Reader<'i> {
    fn raw(&self, span: Span, encoding: Option<Encoding>) -> Raw<'i> {
        let text = self
            .source
            .input()
            .get(span.start()..span.end())
            .unwrap_or("");
        Raw::new_unchecked(text, encoding, span)
    }

    /// Something is defined at `path` + `key`: a scalar (`value`) or a table or array (`None`).
    /// Every scalar is decoded, so that a bad one fails the read; only strings of interest are
    /// kept.
    fn define(&mut self, value: Option<Raw<'i>>, error: &mut dyn ErrorSink) {
        let mut keys = self.path.iter().chain(&self.key);
        let (first, second) = (keys.next(), keys.next());
        let (third, deeper) = (keys.next(), keys.next().is_some());
        let string = |wanted: bool, error: &mut dyn ErrorSink| {
            let raw = value?;
            if !wanted {
                let _ = raw.decode_scalar(&mut (), error);
                return None;
            }
            let mut text = String::new();
            (raw.decode_scalar(&mut text, error) == ScalarKind::String).then_some(text)
        };
        let (Some(first), Some(second)) = (first, second) else {
            string(false, error);
            return;
        };
        if first == "package" && second == "name" && third.is_none() {
            self.name = string(true, error);
            return;
        }
        let Some(section) = Section::of(first) else {
            string(false, error);
            return;
        };
        let renamed = string(third.is_some_and(|k| k == "package") && !deeper, error);
        let package = self
            .dependencies
            .entry((section, second.clone()))
            .or_default();
        if renamed.is_some() {
            *package = renamed;
        }
    }

    fn close(&mut self) {
        let len = self.open.pop().unwrap_or(0);
        self.path.truncate(len);
        self.key.clear();
    }
}

impl<'i> EventReceiver for Reader<'i> {
    fn std_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.header = Some(Vec::new());
    }

    fn std_table_close(&mut self, _span: Span, error: &mut dyn ErrorSink) {
        self.path = self.header.take().unwrap_or_default();
        self.key.clear();
        // `[dependencies.foo]` declares `foo` even when nothing follows.
        self.define(None, error);
    }

    fn array_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.header = Some(Vec::new());
    }

    fn array_table_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.path = self.header.take().unwrap_or_default();
        self.path.push(IN_ARRAY);
        self.key.clear();
    }

    fn inline_table_open(&mut self, _span: Span, error: &mut dyn ErrorSink) -> bool {
        self.define(None, error);
        self.open.push(self.path.len());
        self.path.append(&mut self.key);
        true
    }

    fn inline_table_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.close();
    }

    fn array_open(&mut self, _span: Span, error: &mut dyn ErrorSink) -> bool {
        self.define(None, error);
        self.open.push(self.path.len());
        self.path.append(&mut self.key);
        self.path.push(IN_ARRAY);
        true
    }

    fn array_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.close();
    }

    fn simple_key(&mut self, span: Span, encoding: Option<Encoding>, error: &mut dyn ErrorSink) {
        let mut key = Cow::Borrowed("");
        self.raw(span, encoding).decode_key(&mut key, error);
        match &mut self.header {
            Some(header) => header.push(key),
            None => self.key.push(key),
        }
    }

    fn scalar(&mut self, span: Span, encoding: Option<Encoding>, error: &mut dyn ErrorSink) {
        let raw = self.raw(span, encoding);
        self.define(Some(raw), error);
        self.key.clear();
    }

    fn error(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.failed = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the `toml` crate gives for the same fields: the reference the reader must agree with.
    fn with_toml(text: &str) -> Option<Manifest> {
        #[derive(serde::Deserialize)]
        struct Full {
            package: Option<Package>,
            #[serde(default)]
            dependencies: toml::Table,
            #[serde(default, rename = "build-dependencies")]
            build_dependencies: toml::Table,
            #[serde(default, rename = "dev-dependencies")]
            dev_dependencies: toml::Table,
        }
        #[derive(serde::Deserialize)]
        struct Package {
            name: Option<String>,
        }
        let full: Full = toml::from_str(text).ok()?;
        let names = |table: &toml::Table| -> Vec<(String, String)> {
            table
                .iter()
                .map(|(key, spec)| {
                    let package = spec.get("package").and_then(toml::Value::as_str);
                    (key.clone(), package.unwrap_or(key).to_string())
                })
                .collect()
        };
        // In the reader's order: by section, then key.
        let mut required = names(&full.dependencies);
        required.extend(names(&full.build_dependencies));
        Some(Manifest {
            name: full.package.and_then(|p| p.name),
            required: required.into_iter().map(|(_, name)| name).collect(),
            dev: names(&full.dev_dependencies)
                .into_iter()
                .map(|(_, name)| name)
                .collect(),
        })
    }

    #[track_caller]
    fn agrees(text: &str) -> Manifest {
        let read = read(text);
        assert_eq!(read, with_toml(text), "{text}");
        read.unwrap_or_default()
    }

    #[test]
    fn every_way_of_writing_a_dependency() {
        let m = agrees(
            r#"
# A comment
[package]
name = "app" # trailing comment
version = "0.1.0"
metadata.docs = { features = ["a", "b"], x = [{ package = "not-a-dependency" }] }

[dependencies]
plain = "1"
table = { version = "1", features = ["x"] }
renamed = { package = "real-name", version = "2" }
"quoted-key" = '1'
dotted.version = "1"
dotted-rename.package = "dotted-real"
dotted-rename.version = "3"

[dependencies.headed]
version = "1"

[dependencies.headed-rename]
package = "headed-real"

[build-dependencies]
cc = "1"

[dev-dependencies]
criterion = { version = "0.5" }
dev-renamed = { package = "dev-real", version = "1" }

[[bench]]
name = "not-the-package"

[target.'cfg(unix)'.dependencies]
libc = "0.2"

[workspace.dependencies]
serde = "1"
"#,
        );
        assert_eq!(m.name.as_deref(), Some("app"));
        assert_eq!(
            m.required,
            [
                "dotted",
                "dotted-real",
                "headed",
                "headed-real",
                "plain",
                "quoted-key",
                "real-name",
                "table",
                "cc"
            ]
        );
        assert_eq!(m.dev, ["criterion", "dev-real"]);
    }

    #[test]
    fn root_level_dotted_keys_and_inline_tables() {
        let m = agrees(
            "package.name = \"app\"\ndependencies.a = \"1\"\ndev-dependencies = { b = { package = \"c\" } }\n",
        );
        assert_eq!(m.name.as_deref(), Some("app"));
        assert_eq!((m.required, m.dev), (vec!["a".into()], vec!["c".into()]));
        let m = agrees("package = { name = \"app\" }\n[dependencies]\n\"a\\u0062\" = \"1\"\n");
        assert_eq!(
            (m.name.as_deref(), m.required),
            (Some("app"), vec!["ab".into()])
        );
    }

    #[test]
    fn a_virtual_manifest_has_no_package() {
        let m = agrees(
            "[workspace]\nmembers = [\"a\", \"b\"]\n\n[workspace.dependencies]\nx = \"1\"\n",
        );
        assert_eq!(m, Manifest::default());
    }

    #[test]
    fn invalid_toml_gives_none() {
        for text in [
            "[package\nname = \"x\"",
            "a = ",
            "a = \"\\q\"",
            "a = 1\n# \u{7}\n",
            &format!("a = {}1{}", "[".repeat(200), "]".repeat(200)),
        ] {
            assert_eq!(read(text), None, "{text:?}");
            assert!(with_toml(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn the_corpus_manifests_read_as_with_the_toml_crate() {
        for (_, text) in super::super::cargo::corpus_files("Cargo.toml").unwrap_or_default() {
            agrees(&text);
        }
    }
}
