//! SBOM writers and readers over the shared model. Knows nothing of vulnerabilities.
//!
//! Each format is one variant of [`Format`] and one module; every writer is deterministic: the same
//! inventory and [`SbomMeta`] give byte-identical output (the CycloneDX `serialNumber`, the SPDX
//! `documentNamespace` and SPDX 3 ids come from a version 5 UUID of the whole input, the time from
//! [`SbomMeta::timestamp`], every list is sorted).
//!
//! - [`write()`]: CycloneDX 1.6 (default) and 1.7 JSON, SPDX 2.3 JSON, SPDX 3.0.1 JSON-LD.
//! - [`read`]: CycloneDX 1.4 to 1.7 JSON and SPDX 2.3 JSON into an [`Inventory`], the format told
//!   from the content.
//! - [`check_bsi`]: which BSI TR-03183-2 v2.1.0 data fields an SBOM carries, per field and
//!   component, with a verdict ([`BsiReport::render_table`], [`BsiReport::render_json`]).
//!
//! What goes where (CycloneDX): the product is `metadata.component` (from [`SbomMeta::product`],
//! else the root of the only manifest that names one); every component has a `dependencies`
//! entry; each manifest read is a `file` component in `formulation` (path, SHA-256, SHA-512,
//! format) and has a `compositions` entry saying `complete` or `incomplete`; scope `dev` is
//! written `excluded`; declared and concluded licences carry their `acknowledgement`; lockfile
//! locations are `evidence.occurrences` with line numbers. Hashes are only those the inventory
//! has. BSI fields use the TR's CycloneDX mapping and the BSI property taxonomy
//! (`bsi:component:filename`, `bsi:component:executable`, `bsi:component:archive`,
//! `bsi:component:structured`): registry packages are archives of named files
//! (`archive`, `structured`) that are not themselves run (`non-executable`); first-party and git
//! components, whose deployable file is not known, get none of these.

mod bsi;
mod cyclonedx;
mod license;
mod read;
mod spdx2;
mod spdx3;
mod util;
mod view;

use std::borrow::Cow;

use proven_model::Inventory;

pub use bsi::{check_bsi, BsiField, BsiLevel, BsiReport};
pub use read::{read, SbomError};

/// An SBOM format we write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// CycloneDX 1.6 JSON, the default.
    #[default]
    CycloneDx16,
    /// CycloneDX 1.7 JSON.
    CycloneDx17,
    /// SPDX 2.3 JSON.
    Spdx23,
    /// SPDX 3.0.1 JSON-LD.
    Spdx3,
}

impl Format {
    /// Every format, the default (CycloneDX 1.6) first.
    pub const ALL: &'static [Format] = &[
        Format::CycloneDx16,
        Format::CycloneDx17,
        Format::Spdx23,
        Format::Spdx3,
    ];

    /// The usual file-name suffix (`.cdx.json`, `.spdx.json`, `.spdx3.json`).
    pub fn file_suffix(self) -> &'static str {
        match self {
            Format::CycloneDx16 | Format::CycloneDx17 => ".cdx.json",
            Format::Spdx23 => ".spdx.json",
            Format::Spdx3 => ".spdx3.json",
        }
    }
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
    /// What the product is (`None`: an application); a container image is `Container`.
    pub kind: Option<proven_model::ComponentKind>,
    /// The product's package URL, when it has one (`pkg:oci/…` for an image).
    pub purl: Option<proven_model::Purl>,
}

/// Document-level facts that do not come from the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SbomMeta {
    /// What the SBOM is about; when `None` the writer takes the root of the only manifest that
    /// names one, else names the scanned folder.
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

/// Writes an inventory as an SBOM. The output ends with a newline and is identical for identical
/// input.
pub fn write(format: Format, inventory: &Inventory, meta: &SbomMeta) -> String {
    let inventory = canonical(inventory);
    let uuid = util::document_uuid(format, &inventory, meta);
    match format {
        Format::CycloneDx16 => cyclonedx::write::write(&inventory, meta, false, &uuid),
        Format::CycloneDx17 => cyclonedx::write::write(&inventory, meta, true, &uuid),
        Format::Spdx23 => spdx2::write::write(&inventory, meta, &uuid),
        Format::Spdx3 => spdx3::write(&inventory, meta, &uuid),
    }
}

/// The inventory with the order its type promises (components sorted by unique id, manifests by
/// path), borrowed when it already has it.
fn canonical(inventory: &Inventory) -> Cow<'_, Inventory> {
    let sorted = inventory.components.windows(2).all(|w| w[0].id < w[1].id)
        && inventory
            .manifests
            .windows(2)
            .all(|w| w[0].path <= w[1].path);
    if sorted {
        return Cow::Borrowed(inventory);
    }
    let mut inv = inventory.clone();
    inv.components.sort_by(|a, b| a.id.cmp(&b.id));
    inv.components.dedup_by(|a, b| a.id == b.id);
    inv.manifests.sort_by(|a, b| a.path.cmp(&b.path));
    Cow::Owned(inv)
}
