//! The cargo features of the typed modules: `runcomfy-types` has one a
//! provider (the model id's first segment) plus `all-models`, and
//! `runcomfy` forwards each. Code generation checks both manifests, since a
//! provider without its feature would have typed modules nothing compiles.
//!
//! The manifests' `[features]` tables are read as the house writes them:
//! `name = ["a", "b"]`, an array over one line or several.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::CodegenError;
use crate::files::read_under;

/// The types crate's manifest.
pub const TYPES_MANIFEST: &str = "crates/runcomfy-types/Cargo.toml";
/// The client's manifest, which forwards every feature.
pub const CLIENT_MANIFEST: &str = "crates/runcomfy/Cargo.toml";
/// The feature that turns on every provider.
pub const ALL_MODELS: &str = "all-models";

/// A manifest's features: each name with what it turns on.
pub type Features = BTreeMap<String, Vec<String>>;

/// Checks that both manifests declare the features of exactly these
/// providers; the error names the manifest and what to write.
pub fn check(root: &Path, providers: &BTreeSet<&str>) -> Result<(), CodegenError> {
    let types = features(&read_under(root, Path::new(TYPES_MANIFEST))?);
    let client = features(&read_under(root, Path::new(CLIENT_MANIFEST))?);
    let mut wanted: Vec<(&str, &Features, String, Vec<String>)> = Vec::new();
    for provider in providers {
        wanted.push((TYPES_MANIFEST, &types, (*provider).into(), Vec::new()));
        let forwarded = vec![format!("runcomfy-types/{provider}")];
        wanted.push((CLIENT_MANIFEST, &client, (*provider).into(), forwarded));
    }
    let forwarded = vec![format!("runcomfy-types/{ALL_MODELS}")];
    wanted.push((CLIENT_MANIFEST, &client, ALL_MODELS.into(), forwarded));
    for (manifest, declared, name, enables) in wanted {
        if declared.get(&name) != Some(&enables) {
            let list: Vec<String> = enables.iter().map(|e| format!("\"{e}\"")).collect();
            return Err(CodegenError::file(
                manifest,
                format!(
                    "[features] must say `{name} = [{}]`: the typed modules of each provider are behind its feature",
                    list.join(", ")
                ),
            ));
        }
    }
    let listed: BTreeSet<&str> = types
        .get(ALL_MODELS)
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    if let Some(missing) = providers.difference(&listed).next() {
        return Err(CodegenError::file(
            TYPES_MANIFEST,
            format!("[features] `{ALL_MODELS}` must list `{missing}`, as it lists every provider"),
        ));
    }
    let stale_type = types
        .iter()
        .filter(|(_, enables)| enables.is_empty())
        .map(|(name, _)| name.as_str())
        .chain(listed.iter().copied())
        .find(|name| !providers.contains(name));
    let stale_forward = client
        .values()
        .flatten()
        .filter_map(|enables| enables.strip_prefix("runcomfy-types/"))
        .find(|name| *name != ALL_MODELS && !providers.contains(name));
    let stale = stale_type
        .map(|name| (TYPES_MANIFEST, name))
        .or(stale_forward.map(|name| (CLIENT_MANIFEST, name)));
    if let Some((manifest, name)) = stale {
        return Err(CodegenError::file(
            manifest,
            format!("[features] names `{name}`, a provider no model folder has any more"),
        ));
    }
    Ok(())
}

/// The `[features]` table of a manifest's text.
pub fn features(manifest: &str) -> Features {
    let mut features = Features::new();
    let mut in_table = false;
    let mut pending: Option<(String, String)> = None;
    for line in manifest.lines() {
        let line = line.split_once('#').map_or(line, |(code, _)| code).trim();
        if let Some((name, mut text)) = pending.take() {
            text.push_str(line);
            finish(&mut features, &mut pending, name, text);
            continue;
        }
        if line.starts_with('[') {
            in_table = line == "[features]";
            continue;
        }
        if in_table && let Some((name, value)) = line.split_once('=') {
            finish(
                &mut features,
                &mut pending,
                name.trim().to_owned(),
                value.trim().to_owned(),
            );
        }
    }
    features
}

/// Records a feature whose array is closed, or keeps reading it.
fn finish(
    features: &mut Features,
    pending: &mut Option<(String, String)>,
    name: String,
    text: String,
) {
    if !text.ends_with(']') {
        *pending = Some((name, text));
        return;
    }
    let items = text
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|item| item.trim().trim_matches('"').to_owned())
        .filter(|item| !item.is_empty())
        .collect();
    features.insert(name, items);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_tables_are_read_over_one_line_or_several() {
        let manifest = "[package]\nname = \"x\"\n\n[features]\n# Kling's typed modules.\ndefault = [\"kling\"]\nall-models = [\n    \"kling\", # the seed's\n    \"wan-ai\",\n]\nkling = []\nwan-ai = []\n\n[dependencies]\nserde = \"1\"\n";
        let found = features(manifest);
        let names: Vec<&str> = found.keys().map(String::as_str).collect();
        assert_eq!(names, ["all-models", "default", "kling", "wan-ai"]);
        assert_eq!(found["all-models"], ["kling", "wan-ai"]);
        assert_eq!(found["default"], ["kling"]);
        assert!(found["kling"].is_empty());
    }
}
