//! The input schema of a model this build does not know, from the service's
//! catalog (`GET /v1/models/{model_id}`, schema included).
//!
//! The refresh rule: the catalog is always asked first, so that the schema
//! an input is checked with is the one the service checks it with today
//! (the answer is kept in the cache, rewritten only when its hash changed);
//! only when the catalog cannot be reached (a transport error, the service
//! unavailable, an answer this build cannot use) is the cached copy used,
//! and it is said when it was fetched. A catalog that has no such model,
//! or refuses the token, ends the command.

use runcomfy::{Client, Error};
use serde_json::Value;

use crate::cache;
use crate::catalog::schema_cache::{self, CachedSchema};
use crate::catalog::suggest;
use crate::clock;
use crate::exit::CliError;
use crate::output::Output;

/// A schema to check an input with, or why there is none.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// The catalog's schema (fresh, or cached when it cannot be reached).
    Found(Value),
    /// Neither the catalog nor the cache can give one: why.
    Unavailable(String),
}

/// The input schema of `model_id` (which this build does not know) from the
/// catalog of `client`'s service, else from the cache; what was used is
/// said on stderr.
pub(crate) async fn input_schema(
    client: &Client,
    output: &Output,
    model_id: &str,
) -> Result<Lookup, CliError> {
    let dir =
        cache::user_cache_dir().map(|cache| schema_cache::schemas_dir(&cache, client.base_url()));
    let reason = match fetch(client, model_id).await? {
        Ok(schema) => {
            output.detail(format!("the schema of {model_id}: the service's catalog"));
            if let Some(dir) = &dir {
                keep(dir, model_id, &schema, output);
            }
            return Ok(Lookup::Found(schema));
        }
        Err(reason) => reason,
    };
    match dir
        .as_deref()
        .and_then(|dir| schema_cache::read(dir, model_id))
    {
        Some(cached) => {
            output.say(format!(
                "the catalog cannot give the schema of {model_id} ({reason}); \
                 checking with the copy cached at {}",
                clock::utc(cached.fetched_at)
            ));
            Ok(Lookup::Found(cached.schema))
        }
        None => Ok(Lookup::Unavailable(reason)),
    }
}

/// The catalog's schema, `Err(reason)` when the catalog cannot be reached
/// or gives none this build can use; a model the catalog does not have and
/// a refused token are the command's errors.
async fn fetch(client: &Client, model_id: &str) -> Result<Result<Value, String>, CliError> {
    let record = match client.model(model_id).await {
        Ok(record) => record,
        Err(Error::NotFound { .. }) => {
            return Err(CliError::Usage(suggest::unknown_model(
                model_id,
                ": neither this build nor the service's catalog knows it",
            )));
        }
        Err(
            error @ (Error::MissingToken | Error::Authentication { .. } | Error::Permission { .. }),
        ) => {
            return Err(error.into());
        }
        Err(other) => return Ok(Err(other.to_string())),
    };
    let Some(schema) = record.input_schema.filter(Value::is_object) else {
        return Ok(Err("its record has no input schema".to_owned()));
    };
    if let Err(e) = runcomfy_validate::Validator::new(&schema) {
        return Ok(Err(format!(
            "its schema cannot be used: {} at `{}`",
            e.reason, e.pointer
        )));
    }
    Ok(Ok(schema))
}

/// Keeps the catalog's schema unless the cache holds it already; a cache
/// that cannot be written is said, and the command goes on.
fn keep(dir: &std::path::Path, model_id: &str, schema: &Value, output: &Output) {
    let entry = CachedSchema::new(model_id, schema.clone(), clock::now());
    if schema_cache::read(dir, model_id).is_some_and(|cached| cached.sha256 == entry.sha256) {
        return;
    }
    if let Err(error) = schema_cache::write(dir, &entry) {
        output.detail(format!(
            "the schema of {model_id} is not cached ({}): {error}",
            dir.display()
        ));
    }
}
