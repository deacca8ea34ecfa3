//! The input schemas of models this build does not know, as the service's
//! catalog last gave them, kept in the user's cache directory:
//! `<cache>/schemas/<origin>/<model id made safe>-<8 hex of its hash>.json`,
//! one JSON file a model holding its id, when it was fetched, the schema
//! and the schema's SHA-256. Files are written whole (a temporary file
//! renamed over the old one); a file whose hash does not match its schema
//! (cut short, edited) is ignored, as if there were none.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cache;

/// One model's cached schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CachedSchema {
    /// The model id.
    pub(crate) model_id: String,
    /// Unix seconds of the catalog answer the schema came from.
    pub(crate) fetched_at: u64,
    /// The SHA-256 of the schema's JSON text (`serde_json::to_string`), hex.
    pub(crate) sha256: String,
    /// The input schema.
    pub(crate) schema: Value,
}

impl CachedSchema {
    /// The entry of `schema`, fetched at `fetched_at`.
    pub(crate) fn new(model_id: &str, schema: Value, fetched_at: u64) -> Self {
        Self {
            model_id: model_id.to_owned(),
            fetched_at,
            sha256: digest(&schema.to_string()),
            schema,
        }
    }

    /// Whether the hash is the schema's.
    fn is_intact(&self) -> bool {
        self.sha256 == digest(&self.schema.to_string())
    }
}

fn digest(text: &str) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, text.as_bytes()))
}

/// Where the schemas of the service at `base_url` are kept.
pub(crate) fn schemas_dir(cache: &Path, base_url: &str) -> PathBuf {
    cache.join("schemas").join(cache::origin_folder(base_url))
}

/// The file of `model_id` in `dir`: its id made safe (readable), and a
/// hash of the id so that two ids never share a file.
pub(crate) fn file_of(dir: &Path, model_id: &str) -> PathBuf {
    let safe = cache::safe_file_name(model_id, 120);
    let tag = digest(model_id);
    dir.join(format!("{safe}-{}.json", &tag[..8]))
}

/// The cached schema of `model_id`, when there is an intact one.
pub(crate) fn read(dir: &Path, model_id: &str) -> Option<CachedSchema> {
    let text = std::fs::read_to_string(file_of(dir, model_id)).ok()?;
    let cached: CachedSchema = serde_json::from_str(&text).ok()?;
    (cached.model_id == model_id && cached.is_intact()).then_some(cached)
}

/// Keeps `entry` in `dir`, replacing the file at once (never a half-written
/// one: a temporary file in the same folder, renamed).
pub(crate) fn write(dir: &Path, entry: &CachedSchema) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let path = file_of(dir, &entry.model_id);
    let temporary = path.with_extension(format!("json.{}.tmp", std::process::id()));
    let text = serde_json::to_string_pretty(entry).map_err(std::io::Error::other)?;
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, &path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_schema_is_kept_per_origin_and_read_back_only_while_intact() {
        let cache = tempfile::tempdir().expect("dir");
        let dir = schemas_dir(cache.path(), "http://127.0.0.1:4010/v1");
        assert_eq!(dir, cache.path().join("schemas/127.0.0.1_4010"));
        let schema = json!({"type": "object", "properties": {"seed": {"type": "integer"}}});
        let entry = CachedSchema::new("acme/new/text-to-video", schema, 1_700_000_000);
        assert_eq!(read(&dir, "acme/new/text-to-video"), None);
        write(&dir, &entry).expect("written");
        assert_eq!(read(&dir, "acme/new/text-to-video"), Some(entry.clone()));
        let file = file_of(&dir, "acme/new/text-to-video");
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        assert!(name.starts_with("acme_new_text-to-video-"), "{name}");
        assert_ne!(file, file_of(&dir, "acme_new/text-to-video"));
        let leftovers = std::fs::read_dir(&dir).expect("list").count();
        assert_eq!(leftovers, 1, "no temporary file is left");

        let edited = std::fs::read_to_string(&file)
            .expect("read")
            .replace("integer", "string");
        std::fs::write(&file, edited).expect("edit");
        assert_eq!(read(&dir, "acme/new/text-to-video"), None, "hash mismatch");
        std::fs::write(&file, "{\"model_id\": ").expect("cut short");
        assert_eq!(read(&dir, "acme/new/text-to-video"), None);
    }
}
