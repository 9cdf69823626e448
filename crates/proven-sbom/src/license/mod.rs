//! SPDX licence expressions: parsing, normalising to the licence list's spelling, and turning what
//! is not a valid expression into `LicenseRef-` ids, so that no licence string can make an SBOM
//! invalid.

mod ids;

use std::fmt;

/// A licence string as it will be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct License {
    /// A valid SPDX expression: ids from the licence list, `LicenseRef-` ids, operators in capitals.
    pub expression: String,
    /// True when the input was already a valid expression over known ids (apart from spelling);
    /// false when ids had to be replaced by `LicenseRef-` ones.
    pub is_spdx: bool,
    /// `LicenseRef-` ids used in `expression` with the text they stand for.
    pub refs: Vec<(String, String)>,
}

/// Version of the SPDX licence list known to this build.
pub(crate) const LIST_VERSION: &str = ids::LIST_VERSION;

fn find(table: &'static [&'static str], id: &str) -> Option<&'static str> {
    table
        .binary_search_by(|probe| {
            probe
                .bytes()
                .map(|b| b.to_ascii_lowercase())
                .cmp(id.bytes().map(|b| b.to_ascii_lowercase()))
        })
        .ok()
        .map(|i| table[i])
}

/// The licence-list spelling of a licence id, if it is one.
pub(crate) fn known_license(id: &str) -> Option<&'static str> {
    find(ids::LICENSES, id)
}

/// Parses and normalises a licence string. Never fails: what cannot be written as an SPDX
/// expression becomes one `LicenseRef-` id standing for the whole text.
pub(crate) fn normalise(text: &str) -> License {
    let text = text.trim();
    match Parser::new(text).and_then(|mut p| p.parse()) {
        Some(expr) => {
            let mut refs = Vec::new();
            let mut is_spdx = true;
            let expr = expr.resolve(&mut refs, &mut is_spdx);
            License {
                expression: expr.to_string(),
                is_spdx,
                refs,
            }
        }
        None => {
            let id = license_ref(text);
            License {
                expression: id.clone(),
                is_spdx: false,
                refs: vec![(id, text.to_string())],
            }
        }
    }
}

/// A `LicenseRef-` id for arbitrary text: characters SPDX ids cannot hold become `-`.
pub(crate) fn license_ref(text: &str) -> String {
    let mut id = String::with_capacity(text.len() + 11);
    id.push_str("LicenseRef-");
    let mut dash = true;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            id.push(c);
            dash = false;
        } else if !dash {
            id.push('-');
            dash = true;
        }
    }
    while id.ends_with('-') {
        id.pop();
    }
    if id.len() == "LicenseRef".len() {
        id.push_str("-unnamed");
    }
    id
}

#[derive(Debug)]
enum Expr {
    Id {
        id: String,
        plus: bool,
    },
    With {
        license: Box<Expr>,
        exception: String,
    },
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

impl Expr {
    /// Replaces ids by their list spelling and unknown ids by `LicenseRef-` ids.
    fn resolve(self, refs: &mut Vec<(String, String)>, is_spdx: &mut bool) -> Expr {
        match self {
            Expr::Id { id, plus } => {
                // A `DocumentRef-…:LicenseRef-…` would need the other document named too, so it
                // falls through to a local LicenseRef- below.
                if id.starts_with("LicenseRef-") {
                    if !refs.iter().any(|(r, _)| *r == id) {
                        refs.push((id.clone(), id.clone()));
                    }
                    return Expr::Id { id, plus };
                }
                match known_license(&id) {
                    Some(known) => Expr::Id {
                        id: known.to_string(),
                        plus,
                    },
                    None => {
                        *is_spdx = false;
                        let original = if plus { format!("{id}+") } else { id };
                        let r = license_ref(&original);
                        if !refs.iter().any(|(x, _)| *x == r) {
                            refs.push((r.clone(), original));
                        }
                        Expr::Id { id: r, plus: false }
                    }
                }
            }
            Expr::With { license, exception } => Expr::With {
                license: Box::new(license.resolve(refs, is_spdx)),
                exception,
            },
            Expr::And(xs) => Expr::And(xs.into_iter().map(|x| x.resolve(refs, is_spdx)).collect()),
            Expr::Or(xs) => Expr::Or(xs.into_iter().map(|x| x.resolve(refs, is_spdx)).collect()),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Id { id, plus } => write!(f, "{id}{}", if *plus { "+" } else { "" }),
            Expr::With { license, exception } => write!(f, "{license} WITH {exception}"),
            Expr::And(xs) => {
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" AND ")?;
                    }
                    if matches!(x, Expr::Or(_)) {
                        write!(f, "({x})")?;
                    } else {
                        write!(f, "{x}")?;
                    }
                }
                Ok(())
            }
            Expr::Or(xs) => {
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" OR ")?;
                    }
                    write!(f, "{x}")?;
                }
                Ok(())
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    Open,
    Close,
    And,
    Or,
    With,
    Word(&'a str),
}

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    pos: usize,
}

impl<'a> Parser<'a> {
    /// Tokenises; `None` on a character no expression can hold.
    fn new(text: &'a str) -> Option<Self> {
        let mut tokens = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b' ' | b'\t' | b'\n' | b'\r' => i += 1,
                b'(' => {
                    tokens.push(Token::Open);
                    i += 1;
                }
                b')' => {
                    tokens.push(Token::Close);
                    i += 1;
                }
                b if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'+') => {
                    let start = i;
                    while i < bytes.len()
                        && (bytes[i].is_ascii_alphanumeric()
                            || matches!(bytes[i], b'-' | b'.' | b':' | b'+'))
                    {
                        i += 1;
                    }
                    let word = &text[start..i];
                    tokens.push(match word {
                        w if w.eq_ignore_ascii_case("AND") => Token::And,
                        w if w.eq_ignore_ascii_case("OR") => Token::Or,
                        w if w.eq_ignore_ascii_case("WITH") => Token::With,
                        w => Token::Word(w),
                    });
                }
                _ => return None,
            }
        }
        Some(Parser { tokens, pos: 0 })
    }

    fn parse(&mut self) -> Option<Expr> {
        let e = self.or()?;
        (self.pos == self.tokens.len()).then_some(e)
    }

    fn peek(&self) -> Option<&Token<'a>> {
        self.tokens.get(self.pos)
    }

    fn or(&mut self) -> Option<Expr> {
        let mut xs = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            xs.push(self.and()?);
        }
        Some(if xs.len() == 1 {
            xs.pop()?
        } else {
            Expr::Or(xs)
        })
    }

    fn and(&mut self) -> Option<Expr> {
        let mut xs = vec![self.with()?];
        while self.peek() == Some(&Token::And) {
            self.pos += 1;
            xs.push(self.with()?);
        }
        Some(if xs.len() == 1 {
            xs.pop()?
        } else {
            Expr::And(xs)
        })
    }

    fn with(&mut self) -> Option<Expr> {
        if self.peek() == Some(&Token::Open) {
            self.pos += 1;
            let e = self.or()?;
            if self.peek() != Some(&Token::Close) {
                return None;
            }
            self.pos += 1;
            return Some(e);
        }
        let license = self.simple()?;
        if self.peek() == Some(&Token::With) {
            self.pos += 1;
            let Some(Token::Word(w)) = self.tokens.get(self.pos) else {
                return None;
            };
            self.pos += 1;
            let exception = find(ids::EXCEPTIONS, w)?;
            return Some(Expr::With {
                license: Box::new(license),
                exception: exception.to_string(),
            });
        }
        Some(license)
    }

    fn simple(&mut self) -> Option<Expr> {
        let Some(Token::Word(w)) = self.tokens.get(self.pos) else {
            return None;
        };
        self.pos += 1;
        let (id, plus) = match w.strip_suffix('+') {
            Some(id) => (id, true),
            None => (*w, false),
        };
        let valid_chars = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'))
        };
        let ok = match id.split_once(':') {
            Some((doc, lic)) => {
                doc.starts_with("DocumentRef-")
                    && valid_chars(doc)
                    && lic.starts_with("LicenseRef-")
                    && valid_chars(lic)
            }
            None => valid_chars(id),
        };
        ok.then(|| Expr::Id {
            id: id.to_string(),
            plus,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_expressions_are_normalised() {
        let l = normalise("mit or apache-2.0");
        assert_eq!(l.expression, "MIT OR Apache-2.0");
        assert!(l.is_spdx);
        assert!(l.refs.is_empty());
        let l = normalise("(MIT OR Apache-2.0) AND GPL-2.0-only WITH Classpath-exception-2.0");
        assert_eq!(
            l.expression,
            "(MIT OR Apache-2.0) AND GPL-2.0-only WITH Classpath-exception-2.0"
        );
        assert_eq!(normalise("GPL-2.0+").expression, "GPL-2.0+");
        assert!(normalise("LicenseRef-acme").is_spdx);
        let l = normalise("DocumentRef-other:LicenseRef-x OR MIT");
        assert_eq!(
            l.expression,
            "LicenseRef-DocumentRef-other-LicenseRef-x OR MIT"
        );
    }

    #[test]
    fn unknown_ids_become_license_refs() {
        let l = normalise("MIT OR Acme-Proprietary");
        assert_eq!(l.expression, "MIT OR LicenseRef-Acme-Proprietary");
        assert!(!l.is_spdx);
        assert_eq!(
            l.refs,
            [(
                "LicenseRef-Acme-Proprietary".to_string(),
                "Acme-Proprietary".to_string()
            )]
        );
    }

    #[test]
    fn garbage_becomes_one_license_ref() {
        for text in [
            "MIT/Apache-2.0",
            "MIT OR",
            "(MIT",
            "Ünïcode licence",
            "MIT WITH Foo",
        ] {
            let l = normalise(text);
            assert!(l.expression.starts_with("LicenseRef-"), "{text}");
            assert!(!l.expression.contains(' '), "{text}");
            assert_eq!(l.refs.len(), 1);
            assert_eq!(l.refs[0].1, text);
        }
        assert_eq!(license_ref("ÄÖ"), "LicenseRef-unnamed");
    }
}
