//! The service's catalog as the CLI uses it: the whole list saved page by
//! page (`models --remote`), the schema of a model this build does not know
//! (fetched, cached with its hash), and the ids closest to a mistyped one.

pub(crate) mod listing;
pub(crate) mod remote_schema;
pub(crate) mod schema_cache;
pub(crate) mod suggest;
