//! Package URLs (purl-spec), built and printed in canonical form.
//!
//! Canonical form: type lowercase; per-type name normalisation; every component percent-encoded
//! except the unreserved characters and `:`; qualifiers sorted by key, empty values dropped.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A parsed package URL. Fields are normalised on construction so that equal packages compare equal.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Purl {
    ty: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: BTreeMap<String, String>,
    subpath: Option<String>,
}

/// Why a string is not a valid package URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PurlError {
    #[error("a package URL starts with `pkg:`")]
    Scheme,
    #[error("the package URL has no type")]
    MissingType,
    #[error("the package URL type `{0}` has characters outside a-z, 0-9, `.`, `+`, `-`")]
    BadType(String),
    #[error("the package URL has no name")]
    MissingName,
    #[error("invalid percent-encoding in `{0}`")]
    BadEncoding(String),
    #[error("invalid qualifier `{0}`")]
    BadQualifier(String),
}

impl Purl {
    /// Builds a purl, applying the per-type normalisation rules of the purl spec.
    pub fn new(ty: &str, namespace: Option<&str>, name: &str, version: Option<&str>) -> Self {
        let ty = ty.to_ascii_lowercase();
        let mut namespace = namespace
            .map(|n| n.trim_matches('/').to_string())
            .filter(|n| !n.is_empty());
        let mut name = name.to_string();
        match ty.as_str() {
            "pypi" => name = name.to_ascii_lowercase().replace('_', "-"),
            "composer" | "hex" | "pub" | "bitbucket" | "github" => {
                name = name.to_ascii_lowercase();
                namespace = namespace.map(|n| n.to_ascii_lowercase());
            }
            _ => {}
        }
        Purl {
            ty,
            namespace,
            name,
            version: version.filter(|v| !v.is_empty()).map(str::to_string),
            qualifiers: BTreeMap::new(),
            subpath: None,
        }
    }

    /// Adds a qualifier (key lowercased; an empty value is dropped, as the spec says).
    pub fn with_qualifier(mut self, key: &str, value: &str) -> Self {
        if !value.is_empty() {
            self.qualifiers
                .insert(key.to_ascii_lowercase(), value.to_string());
        }
        self
    }

    /// Sets the subpath.
    pub fn with_subpath(mut self, subpath: &str) -> Self {
        let clean: Vec<&str> = subpath
            .split('/')
            .filter(|s| !s.is_empty() && *s != "." && *s != "..")
            .collect();
        self.subpath = (!clean.is_empty()).then(|| clean.join("/"));
        self
    }

    /// The same purl with another version (or none).
    pub fn with_version(mut self, version: Option<&str>) -> Self {
        self.version = version.filter(|v| !v.is_empty()).map(str::to_string);
        self
    }

    /// The package type (`cargo`, `npm`, `pypi`, ...).
    pub fn ty(&self) -> &str {
        &self.ty
    }
    /// The namespace (npm scope with its `@`, Maven groupId, Go module path prefix, ...).
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }
    /// The package name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The version, if any.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }
    /// Qualifiers, sorted by key.
    pub fn qualifiers(&self) -> &BTreeMap<String, String> {
        &self.qualifiers
    }
    /// The subpath, if any.
    pub fn subpath(&self) -> Option<&str> {
        self.subpath.as_deref()
    }

    /// The canonical string, as `to_string` gives it but built directly, without the formatting
    /// machinery (inventories make one for every component).
    pub fn canonical(&self) -> String {
        let mut s = String::with_capacity(
            8 + self.ty.len() + self.name.len() + self.version.as_ref().map_or(0, String::len),
        );
        s.push_str("pkg:");
        s.push_str(&self.ty);
        s.push('/');
        if let Some(ns) = &self.namespace {
            for seg in ns.split('/').filter(|p| !p.is_empty()) {
                encode(&mut s, seg);
                s.push('/');
            }
        }
        encode(&mut s, &self.name);
        if let Some(v) = &self.version {
            s.push('@');
            encode(&mut s, v);
        }
        for (i, (k, v)) in self.qualifiers.iter().enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            s.push_str(k);
            s.push('=');
            encode(&mut s, v);
        }
        if let Some(sp) = &self.subpath {
            s.push('#');
            for (i, seg) in sp.split('/').enumerate() {
                if i > 0 {
                    s.push('/');
                }
                encode(&mut s, seg);
            }
        }
        s
    }
}

/// Characters that stay literal in every purl component.
fn is_literal(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b':')
}

/// Appends `s` percent-encoded: runs of literal characters in one piece, since most purls are
/// nothing else.
fn encode(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // A run of literal (ASCII) bytes starts and ends on character boundaries.
        let run = bytes[at..].iter().take_while(|&&b| is_literal(b)).count();
        if run > 0 {
            out.push_str(&s[at..at + run]);
            at += run;
            continue;
        }
        let b = bytes[at];
        let hex = b"0123456789ABCDEF";
        out.push('%');
        out.push(char::from(hex[usize::from(b >> 4)]));
        out.push(char::from(hex[usize::from(b & 15)]));
        at += 1;
    }
}

fn decode(s: &str) -> Result<String, PurlError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| PurlError::BadEncoding(s.to_string()))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PurlError::BadEncoding(s.to_string()))
}

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.canonical())
    }
}

impl FromStr for Purl {
    type Err = PurlError;

    /// Parses a purl following the spec's right-to-left algorithm.
    fn from_str(input: &str) -> Result<Self, PurlError> {
        let rest = input
            .strip_prefix("pkg:")
            .or_else(|| input.strip_prefix("PKG:"))
            .ok_or(PurlError::Scheme)?;
        let rest = rest.trim_start_matches('/');
        let (rest, subpath) = match rest.split_once('#') {
            Some((r, sp)) => (r, Some(sp)),
            None => (rest, None),
        };
        let (rest, qualifiers) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (ty, rest) = rest.split_once('/').ok_or(PurlError::MissingType)?;
        if ty.is_empty() {
            return Err(PurlError::MissingType);
        }
        if !ty
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'))
        {
            return Err(PurlError::BadType(ty.to_string()));
        }
        let rest = rest.trim_end_matches('/');
        let (path, version) = match rest.rfind('@') {
            // An `@` that begins the last segment is an npm scope, not a version separator.
            Some(at) if at > 0 && !rest[..at].ends_with('/') => {
                (&rest[..at], Some(decode(&rest[at + 1..])?))
            }
            _ => (rest, None),
        };
        let mut segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect::<Result<_, _>>()?;
        let name = segments.pop().ok_or(PurlError::MissingName)?;
        if name.is_empty() {
            return Err(PurlError::MissingName);
        }
        let namespace = (!segments.is_empty()).then(|| segments.join("/"));
        let mut purl = Purl::new(ty, namespace.as_deref(), &name, version.as_deref());
        if let Some(q) = qualifiers {
            for pair in q.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair
                    .split_once('=')
                    .ok_or_else(|| PurlError::BadQualifier(pair.to_string()))?;
                if k.is_empty() {
                    return Err(PurlError::BadQualifier(pair.to_string()));
                }
                purl = purl.with_qualifier(k, &decode(v)?);
            }
        }
        if let Some(sp) = subpath {
            purl = purl.with_subpath(&decode(sp)?);
        }
        Ok(purl)
    }
}

impl serde::Serialize for Purl {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Purl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_examples_from_the_spec() {
        let cases = [
            (
                "pkg:npm/%40angular/animation@12.3.1",
                "npm",
                Some("@angular"),
                "animation",
            ),
            (
                "pkg:pypi/django-allauth@0.51.0",
                "pypi",
                None,
                "django-allauth",
            ),
            (
                "pkg:maven/org.apache.commons/io@1.3.4",
                "maven",
                Some("org.apache.commons"),
                "io",
            ),
            (
                "pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c",
                "golang",
                Some("github.com/gorilla"),
                "context",
            ),
            (
                "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
                "deb",
                Some("debian"),
                "curl",
            ),
        ];
        for (text, ty, ns, name) in cases {
            let p: Purl = text.parse().expect("valid purl");
            assert_eq!(p.ty(), ty);
            assert_eq!(p.namespace(), ns);
            assert_eq!(p.name(), name);
            assert_eq!(p.to_string(), text, "round trip of {text}");
        }
    }

    #[test]
    fn per_type_normalisation() {
        assert_eq!(
            Purl::new("PyPI", None, "Django_Allauth", Some("1.0")).to_string(),
            "pkg:pypi/django-allauth@1.0"
        );
        assert_eq!(
            Purl::new(
                "golang",
                Some("github.com/Azure"),
                "go-sdk",
                Some("v1.0.0+incompatible")
            )
            .to_string(),
            "pkg:golang/github.com/Azure/go-sdk@v1.0.0%2Bincompatible"
        );
        let p = Purl::new("npm", None, "x", Some("1"))
            .with_qualifier("Z", "1")
            .with_qualifier("a", "b c")
            .with_qualifier("empty", "");
        assert_eq!(p.to_string(), "pkg:npm/x@1?a=b%20c&z=1");
    }

    #[test]
    fn multibyte_characters_are_encoded_byte_by_byte_and_a_width_pads_the_whole() {
        let p = Purl::new("generic", None, "café/ü x", Some("1.0"));
        assert_eq!(p.to_string(), "pkg:generic/caf%C3%A9%2F%C3%BC%20x@1.0");
        assert_eq!(p.to_string().parse::<Purl>(), Ok(p.clone()));
        let short = Purl::new("cargo", None, "a", Some("1"));
        assert_eq!(format!("[{short:>16}]"), "[   pkg:cargo/a@1]");
    }

    #[test]
    fn scoped_npm_without_version_is_not_a_version() {
        let p: Purl = "pkg:npm/@babel/core".parse().expect("valid");
        assert_eq!(p.namespace(), Some("@babel"));
        assert_eq!(p.name(), "core");
        assert_eq!(p.version(), None);
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!("npm/x".parse::<Purl>(), Err(PurlError::Scheme));
        assert_eq!("pkg:".parse::<Purl>(), Err(PurlError::MissingType));
        assert!("pkg:npm/%zz@1".parse::<Purl>().is_err());
        assert!("pkg:np m/x".parse::<Purl>().is_err());
    }
}
