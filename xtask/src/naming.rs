//! The Rust names a model id gets: its module path (a module a segment),
//! and the flat name of its OpenAPI operations and component schemas.
//!
//! The module rule: the id is split at `/`; each segment is lower-cased,
//! its `.` and `-` become `_`, and a segment that then starts with a digit
//! or is a Rust keyword gets a leading `_` (`4K` → `_4k`, `1080p` →
//! `_1080p`). So `kling/kling-3.0/pro/image-to-video` is
//! `kling::kling_3_0::pro::image_to_video`. A segment that makes no
//! identifier, a segment named like an item typify writes into every model
//! module (`builder`, `defaults`, `error`), and two ids with the same path
//! are errors naming the ids.

use std::collections::BTreeMap;

/// Names typify gives modules inside each model module, which a child
/// model's module would clash with.
const TYPIFY_MODULES: [&str; 3] = ["builder", "defaults", "error"];

/// Rust's strict and reserved keywords (edition 2024), which a module name
/// cannot be.
const KEYWORDS: [&str; 51] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// The module of one id segment (`kling-3.0` → `kling_3_0`, `4K` → `_4k`).
pub fn module_segment(segment: &str) -> String {
    let name: String = segment
        .chars()
        .map(|c| match c {
            '.' | '-' => '_',
            other => other.to_ascii_lowercase(),
        })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_digit()) || KEYWORDS.contains(&name.as_str()) {
        format!("_{name}")
    } else {
        name
    }
}

/// The module path of a model id, a module a segment; the error says why
/// a segment makes none.
pub fn module_path(id: &str) -> Result<Vec<String>, String> {
    let mut path = Vec::new();
    for segment in id.split('/') {
        let name = module_segment(segment);
        let identifier = name.chars().any(|c| c != '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !identifier {
            return Err(format!(
                "segment `{segment}` of `{id}` makes no Rust identifier (`{name}`)"
            ));
        }
        if !path.is_empty() && TYPIFY_MODULES.contains(&name.as_str()) {
            return Err(format!(
                "segment `{segment}` of `{id}` would be a module `{name}`, which every model module already has"
            ));
        }
        path.push(name);
    }
    Ok(path)
}

/// The id's words in order, with a word repeated right after itself
/// dropped (`kling/kling-1-6` is `kling 1 6`, not `kling kling 1 6`).
fn words(id: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_ascii_lowercase();
        if words.last() != Some(&word) {
            words.push(word);
        }
    }
    words
}

/// The flat name of the model's OpenAPI operations (`submit_<name>`):
/// `kling_1_6_pro_image_to_video`.
pub fn flat_name(id: &str) -> String {
    let name = words(id).join("_");
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("m_{name}")
    } else {
        name
    }
}

/// The prefix of the model's OpenAPI component names: `Kling16ProImageToVideo`.
pub fn type_prefix(id: &str) -> String {
    let prefix: String = words(id)
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if prefix.starts_with(|c: char| c.is_ascii_digit()) {
        format!("M{prefix}")
    } else {
        prefix
    }
}

/// The first two ids (in order) that `name` maps to the same value, with
/// that value.
pub fn first_clash<'a>(
    ids: impl IntoIterator<Item = &'a str>,
    name: impl Fn(&str) -> String,
) -> Option<(&'a str, &'a str, String)> {
    let mut seen: BTreeMap<String, &'a str> = BTreeMap::new();
    for id in ids {
        let value = name(id);
        if let Some(first) = seen.get(&value) {
            return Some((first, id, value));
        }
        seen.insert(value, id);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_a_segment_by_one_rule() {
        let path = |id: &str| module_path(id).expect("a path").join("::");
        assert_eq!(
            path("kling/kling-1-6/pro/image-to-video"),
            "kling::kling_1_6::pro::image_to_video"
        );
        assert_eq!(
            path("kling/kling-video-o3/4K/text-to-video"),
            "kling::kling_video_o3::_4k::text_to_video"
        );
        assert_eq!(
            path("bytedance/seedance-2.5/image-to-video/1080p"),
            "bytedance::seedance_2_5::image_to_video::_1080p"
        );
        assert_eq!(path("acme/type/v1.2"), "acme::_type::v1_2");
    }

    #[test]
    fn segments_that_make_no_module_are_errors_naming_the_id() {
        let error = module_path("acme/--").expect_err("no identifier");
        assert!(error.contains("`--` of `acme/--`"), "{error}");
        let error = module_path("acme/m/builder").expect_err("clashes with typify");
        assert!(error.contains("`builder`"), "{error}");
    }

    #[test]
    fn clashes_name_both_ids() {
        let ids = ["kling/kling-3.0/pro", "kling/kling-3-0/pro", "kling/other"];
        let clash = first_clash(ids, |id| module_path(id).expect("path").join("::"));
        assert_eq!(
            clash,
            Some((
                "kling/kling-3.0/pro",
                "kling/kling-3-0/pro",
                "kling::kling_3_0::pro".to_owned()
            ))
        );
    }

    #[test]
    fn flat_names_come_from_the_id_without_stutter() {
        let kling = "kling/kling-1-6/pro/image-to-video";
        assert_eq!(flat_name(kling), "kling_1_6_pro_image_to_video");
        assert_eq!(type_prefix(kling), "Kling16ProImageToVideo");
        assert_eq!(flat_name("3d/mesh"), "m_3d_mesh");
        assert_eq!(type_prefix("Flux/dev"), "FluxDev");
    }
}
