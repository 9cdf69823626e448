//! Small helpers every writer shares: content-derived ids and contacts.

use std::io;

use proven_model::Inventory;
use sha1::{Digest, Sha1};

use crate::{Format, SbomMeta};

/// Feeds everything written into a SHA-1.
struct HashWriter(Sha1);

impl io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The RFC 9562 URL namespace for name-based UUIDs.
const NAMESPACE_URL: [u8; 16] = [
    0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
];

/// A name-based (version 5) UUID of the whole input of a writer: the inventory, the metadata and
/// the format. The same input gives the same id; any change gives another.
pub(crate) fn document_uuid(format: Format, inventory: &Inventory, meta: &SbomMeta) -> String {
    let mut w = HashWriter(Sha1::new());
    w.0.update(NAMESPACE_URL);
    w.0.update(b"https://proven.dev/sbom/");
    // Spelled out rather than `Debug`, whose output may change between compilers.
    let product = meta.product.as_ref();
    let fields = [
        Some(format!("{format:?}")),
        product.map(|p| p.name.clone()),
        product.and_then(|p| p.version.clone()),
        product.and_then(|p| p.manufacturer.clone()),
        product.and_then(|p| p.license.clone()),
        Some(meta.subject.clone()),
        Some(meta.creator.clone()),
        Some(meta.timestamp.to_string()),
        Some(meta.tool_name.clone()),
        Some(meta.tool_version.clone()),
    ];
    serde_json::to_writer(&mut w, &fields).expect("strings always serialize");
    serde_json::to_writer(&mut w, inventory).expect("an inventory always serializes");
    let digest = w.0.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = crate::util::hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

pub(crate) use proven_model::encoding::hex;

/// A person or organisation as written in manifests: `Name <mail> (url)`, a bare address or URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
}

impl Contact {
    /// Splits npm/Cargo-style author strings; anything else is a name.
    pub(crate) fn parse(text: &str) -> Contact {
        let mut rest = text.trim().to_string();
        let mut c = Contact::default();
        if let (Some(open), Some(close)) = (rest.find('<'), rest.rfind('>')) {
            if open < close {
                let inner = rest[open + 1..close].trim().to_string();
                rest = format!("{} {}", &rest[..open], &rest[close + 1..]);
                if is_email(&inner) {
                    c.email = Some(inner);
                } else if is_url(&inner) {
                    c.url = Some(inner);
                }
            }
        }
        if let (Some(open), Some(close)) = (rest.find('('), rest.rfind(')')) {
            if open < close && is_url(rest[open + 1..close].trim()) {
                c.url = Some(rest[open + 1..close].trim().to_string());
                rest = format!("{} {}", &rest[..open], &rest[close + 1..]);
            }
        }
        let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
        if c.email.is_none() && c.url.is_none() {
            if is_email(&rest) {
                c.email = Some(rest);
                return c;
            }
            if is_url(&rest) {
                c.url = Some(rest);
                return c;
            }
        }
        c.name = (!rest.is_empty()).then_some(rest);
        c
    }

    /// The name, else the address, else the URL.
    pub(crate) fn label(&self) -> Option<&str> {
        self.name
            .as_deref()
            .or(self.email.as_deref())
            .or(self.url.as_deref())
    }
}

/// Looks like `local@domain.tld`, with nothing a mail address cannot hold.
pub(crate) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | ','))
        && !domain.contains('@')
}

/// An absolute http(s) URL without spaces.
pub(crate) fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() > "https://".len()
        && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts() {
        let c = Contact::parse("Jane Doe <jane@example.org> (https://jane.example.org)");
        assert_eq!(c.name.as_deref(), Some("Jane Doe"));
        assert_eq!(c.email.as_deref(), Some("jane@example.org"));
        assert_eq!(c.url.as_deref(), Some("https://jane.example.org"));
        let c = Contact::parse("sbom@acme.example");
        assert_eq!(c.email.as_deref(), Some("sbom@acme.example"));
        assert_eq!(c.name, None);
        let c = Contact::parse("https://acme.example");
        assert_eq!(c.url.as_deref(), Some("https://acme.example"));
        let c = Contact::parse("The Rust Project Developers");
        assert_eq!(c.label(), Some("The Rust Project Developers"));
        assert_eq!(c.email, None);
    }
}
