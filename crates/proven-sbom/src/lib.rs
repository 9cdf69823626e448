//! SBOM writers and readers over the shared model. Knows nothing of vulnerabilities.
//!
//! Each format is one variant of [`Format`] and one module; every writer is deterministic: the same
//! inventory and [`SbomMeta`] give byte-identical output.

/// An SBOM format we write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CycloneDX 1.6 JSON.
    CycloneDx16,
    /// CycloneDX 1.7 JSON.
    CycloneDx17,
    /// SPDX 2.3 JSON.
    Spdx23,
    /// SPDX 3.0.1 JSON-LD.
    Spdx3,
}

/// The product an SBOM describes (BSI: the "primary component").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Product {
    pub name: String,
    pub version: Option<String>,
    /// Manufacturer or author of the product.
    pub manufacturer: Option<String>,
    /// Product licence, SPDX expression.
    pub license: Option<String>,
}

/// Document-level facts that do not come from the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SbomMeta {
    /// What the SBOM is about; when `None` the writer names the scanned folder.
    pub product: Option<Product>,
    /// Name of the scanned tree or file, used when no product is known.
    pub subject: String,
    /// SBOM creator contact (BSI: e-mail address or URL of the entity that made the SBOM).
    pub creator: String,
    /// Creation time, seconds since the Unix epoch (`SOURCE_DATE_EPOCH` when set).
    pub timestamp: i64,
    /// Name and version of the tool that wrote it.
    pub tool_name: String,
    pub tool_version: String,
}
