//! SBOM writers and readers.
