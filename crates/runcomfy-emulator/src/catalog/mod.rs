//! The models this emulator serves and how the catalog is queried:
//! `entry` holds each model's record ([`CatalogModel`], read from the
//! types crate's catalog data, made of `schemas/models/`), and `query`
//! selects a page of them (search, category, kind, paging).
//!
//! Imports go one way: `query` reads `entry`.

mod entry;
mod query;

pub(crate) use entry::{CatalogModel, catalog, catalog_model, input_schema_of};
pub(crate) use query::{CatalogQuery, all_categories};
