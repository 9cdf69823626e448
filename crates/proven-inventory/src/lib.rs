//! Inventory.
