//! Installed Ruby gems: `specifications/<name>-<version>[-<platform>].gemspec` (and Ruby's own
//! default gems in `specifications/default/`), as RubyGems writes them on install.
//!
//! One component per file: `s.name`, `s.version` (`"1.2.3"` or `Gem::Version.new("1.2.3")`),
//! `s.licenses`/`s.license` and `s.authors` from the generated Ruby; where the file does not say,
//! the name and version come from the file name. The code is read as text, never run.

use proven_model::{Component, Ecosystem, Location};

use super::{Input, ParseFailure, Parsed, ParserDef};

pub(super) static PARSER: ParserDef = ParserDef {
    name: "gemspec",
    ecosystem: Ecosystem::RubyGems,
    matches: |_| false,
    parse,
    at_path: Some(|path| stem(path).is_some()),
    binary: false,
};

/// The file name without `.gemspec`, for files in a `specifications` folder.
fn stem(path: &str) -> Option<&str> {
    let (dir, name) = path.rsplit_once('/')?;
    let stem = name.strip_suffix(".gemspec")?;
    let folder = dir.rsplit('/').next()?;
    let installed = folder == "specifications" || dir.ends_with("specifications/default");
    (installed && !stem.is_empty()).then_some(stem)
}

/// `nokogiri-1.15.4-x86_64-linux` → (`nokogiri`, `1.15.4`, `x86_64-linux`): the version starts at
/// the last `-` followed by a digit (gem versions have no `-`).
fn split_stem(stem: &str) -> Option<(&str, &str, Option<&str>)> {
    let at = stem
        .match_indices('-')
        .filter(|(i, _)| stem[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
        .map(|(i, _)| i)
        .next_back()?;
    let rest = &stem[at + 1..];
    let (version, platform) = match rest.split_once('-') {
        Some((v, p)) => (v, Some(p)),
        None => (rest, None),
    };
    Some((&stem[..at], version, platform))
}

/// The string literals of a line, in order (`"a".freeze, 'b'`).
fn strings(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = &rest[start..=start];
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

fn parse(input: &Input<'_>) -> Result<Parsed, ParseFailure> {
    let stem = stem(input.path)
        .ok_or_else(|| ParseFailure::at(1, "expected specifications/<name>-<version>.gemspec"))?;
    let from_file = split_stem(stem);
    let mut parsed = Parsed {
        format: "installed gemspec".into(),
        ..Parsed::default()
    };
    let (mut name, mut version, mut line) = (None, None, None);
    let (mut licenses, mut authors) = (Vec::new(), Vec::new());
    for (n, l) in input.text.lines().enumerate() {
        let t = l.trim_start();
        let Some(field) = t.strip_prefix("s.") else {
            continue;
        };
        let key = field.split([' ', '=']).next().unwrap_or("");
        let values = strings(field);
        match key {
            "name" if name.is_none() => {
                name = values.first().copied();
                line = u32::try_from(n + 1).ok();
            }
            "version" if version.is_none() => version = values.first().copied(),
            "licenses" | "license" => licenses.extend(values),
            "authors" | "author" => authors.extend(values),
            _ => {}
        }
    }
    let name = name.or(from_file.map(|f| f.0));
    let version = version.or(from_file.map(|f| f.1));
    let (Some(name), Some(version)) = (name, version) else {
        return Err(ParseFailure::at(
            1,
            "no gem name and version in the file or its name; expected `s.name` and `s.version`",
        ));
    };
    let mut c = Component::new(
        Ecosystem::RubyGems,
        None,
        name,
        Some(version),
        Location {
            path: input.path.to_string(),
            line: line.or(Some(1)),
            column: None,
        },
    );
    c.id = format!("{name}@{version}");
    if let Some(platform) = from_file.and_then(|f| f.2) {
        c.purl = c
            .purl
            .take()
            .map(|p| p.with_qualifier("platform", platform));
    }
    if !licenses.is_empty() {
        c.licenses.declared = Some(licenses.join(" OR "));
    }
    if !authors.is_empty() {
        c.author = Some(authors.join(", "));
    }
    c.properties
        .insert("proven:origin".into(), "registry".into());
    parsed.components.push(c);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            stem("usr/local/bundle/specifications/rake-13.0.6.gemspec"),
            Some("rake-13.0.6")
        );
        assert_eq!(
            stem("x/specifications/default/json-2.6.3.gemspec"),
            Some("json-2.6.3")
        );
        assert_eq!(stem("rake.gemspec"), None);
        assert_eq!(
            split_stem("net-http-0.4.1"),
            Some(("net-http", "0.4.1", None))
        );
        assert_eq!(
            split_stem("nokogiri-1.15.4-x86_64-linux"),
            Some(("nokogiri", "1.15.4", Some("x86_64-linux")))
        );
        assert_eq!(split_stem("nodigits"), None);
    }

    #[test]
    fn literals() {
        assert_eq!(
            strings(r#"licenses = ["MIT".freeze, 'Ruby'.freeze]"#),
            ["MIT", "Ruby"]
        );
        assert_eq!(strings(r#"x = "unclosed"#), Vec::<&str>::new());
    }
}
