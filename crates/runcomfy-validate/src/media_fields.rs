//! Where a schema's media rules and unvalidated inputs are: each field with
//! `validations` (on an array, each of its items), with the kind its media
//! `format` names and its rules; each input marked `x-runcomfy-unvalidated`.
//! And the schema as it is compiled: each array's media `format` and
//! `validations` moved onto its items, so that every error names the item
//! (`/images/2`), not the array.

use serde_json::{Map, Value, json};

use crate::field::{SchemaError, child_pointer};
use crate::keywords::media_format;
use crate::media::MediaKind;
use crate::rules::{KEYWORD, MediaRules};

/// The marker of an input whose shape is not public: any value is accepted
/// and passed through, with a warning.
pub(crate) const UNVALIDATED: &str = "x-runcomfy-unvalidated";

/// One step from an instance to a part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// The member of an object.
    Property(String),
    /// Each item of an array.
    EachItem,
}

/// One place in the input where media rules apply.
#[derive(Debug)]
pub(crate) struct MediaSite {
    /// From the input to each reference the rules apply to.
    pub(crate) path: Vec<Step>,
    /// From the input to the field (`path` without its last item step).
    pub(crate) field_path: Vec<Step>,
    /// The field's pointer as the schema names it (`/images`).
    pub(crate) field: String,
    /// The kind its media `format` names (`None` for `format: uri`).
    pub(crate) kind: Option<MediaKind>,
    /// Its rules, as they apply to that kind.
    pub(crate) rules: MediaRules,
    /// Where its `validations` keyword is in the schema.
    pub(crate) schema_pointer: String,
}

/// The media sites and unvalidated inputs of a schema.
#[derive(Debug, Default)]
pub(crate) struct SchemaMap {
    pub(crate) sites: Vec<MediaSite>,
    pub(crate) unvalidated: Vec<Vec<Step>>,
}

fn is_array(node: &Map<String, Value>) -> bool {
    node.get("type").and_then(Value::as_str) == Some("array")
}

/// The pointer a path names, item steps left out.
fn field_pointer(path: &[Step]) -> String {
    path.iter().fold(String::new(), |pointer, step| match step {
        Step::Property(name) => child_pointer(&pointer, name),
        Step::EachItem => pointer,
    })
}

impl SchemaMap {
    /// Finds the media sites (parsing their rules, strictly but for rules
    /// this build does not know) and the unvalidated inputs under
    /// `properties` and `items`, recursively.
    pub(crate) fn of(schema: &Value) -> Result<Self, SchemaError> {
        let mut map = Self::default();
        map.walk(schema, &mut Vec::new(), "")?;
        Ok(map)
    }

    fn walk(
        &mut self,
        schema: &Value,
        path: &mut Vec<Step>,
        pointer: &str,
    ) -> Result<(), SchemaError> {
        let Some(node) = schema.as_object() else {
            return Ok(());
        };
        if node.get(UNVALIDATED) == Some(&Value::Bool(true)) {
            self.unvalidated.push(path.clone());
        }
        if let Some(value) = node.get(KEYWORD) {
            self.add_site(node, value, path, pointer)?;
        }
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                path.push(Step::Property(name.clone()));
                let at = child_pointer(&format!("{pointer}/properties"), name);
                self.walk(property, path, &at)?;
                path.pop();
            }
        }
        if let Some(items) = node.get("items").filter(|items| items.is_object()) {
            path.push(Step::EachItem);
            self.walk(items, path, &format!("{pointer}/items"))?;
            path.pop();
        }
        Ok(())
    }

    fn add_site(
        &mut self,
        node: &Map<String, Value>,
        rules: &Value,
        path: &[Step],
        pointer: &str,
    ) -> Result<(), SchemaError> {
        let rules = MediaRules::read(rules).map_err(|e| SchemaError {
            pointer: format!("{pointer}/{KEYWORD}{}", e.pointer),
            reason: e.reason,
        })?;
        let array = is_array(node);
        let items_format = || {
            node.get("items")
                .and_then(Value::as_object)
                .and_then(media_format)
        };
        let kind = media_format(node)
            .or_else(|| array.then(items_format).flatten())
            .map(|(kind, _)| kind);
        let mut site_path = path.to_vec();
        if array {
            site_path.push(Step::EachItem);
        }
        let mut field_path = site_path.clone();
        if field_path.last() == Some(&Step::EachItem) {
            field_path.pop();
        }
        self.sites.push(MediaSite {
            field: field_pointer(&field_path),
            path: site_path,
            field_path,
            kind,
            rules: rules.for_kind(kind),
            schema_pointer: format!("{pointer}/{KEYWORD}"),
        });
        Ok(())
    }
}

/// Every part of `input` that `path` leads to, with its pointer.
pub(crate) fn resolve<'v>(input: &'v Value, path: &[Step]) -> Vec<(String, &'v Value)> {
    let mut found = vec![(String::new(), input)];
    for step in path {
        found = found
            .into_iter()
            .flat_map(|(pointer, value)| match step {
                Step::Property(name) => value
                    .get(name)
                    .map(|member| (child_pointer(&pointer, name), member))
                    .into_iter()
                    .collect::<Vec<_>>(),
                Step::EachItem => value
                    .as_array()
                    .map(|items| {
                        let item = |(index, item)| (format!("{pointer}/{index}"), item);
                        items.iter().enumerate().map(item).collect()
                    })
                    .unwrap_or_default(),
            })
            .collect();
    }
    found
}

/// The schema as it is compiled: under `properties` and `items`, each
/// array's media `format` (`image_uris`) becomes its items' (`image_uri`;
/// items that a schema leaves out are strings) and its `validations` its
/// items'.
pub(crate) fn item_level(schema: &Value) -> Value {
    let Some(node) = schema.as_object() else {
        return schema.clone();
    };
    let mut node: Map<String, Value> = node
        .iter()
        .map(|(key, value)| {
            let value = match (key.as_str(), value) {
                ("properties", Value::Object(properties)) => Value::Object(
                    properties
                        .iter()
                        .map(|(name, property)| (name.clone(), item_level(property)))
                        .collect(),
                ),
                ("items", items) => item_level(items),
                _ => value.clone(),
            };
            (key.clone(), value)
        })
        .collect();
    if is_array(&node) && node.get("items").is_none_or(Value::is_object) {
        move_onto_items(&mut node);
    }
    Value::Object(node)
}

fn move_onto_items(node: &mut Map<String, Value>) {
    let format = media_format(node).map(|(kind, _)| format!("{}_uri", kind.name()));
    if format.is_some() {
        node.remove("format");
    }
    let rules = node.remove(KEYWORD);
    if format.is_none() && rules.is_none() {
        return;
    }
    let items = node
        .entry("items")
        .or_insert_with(|| json!({"type": "string"}));
    let Some(items) = items.as_object_mut() else {
        return;
    };
    if let Some(format) = format {
        items.entry("format").or_insert(Value::String(format));
    }
    match (items.get_mut(KEYWORD), rules) {
        (Some(Value::Array(existing)), Some(Value::Array(rules))) => existing.extend(rules),
        (_, Some(rules)) => {
            items.insert(KEYWORD.to_owned(), rules);
        }
        (_, None) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arrays_media_keywords_move_onto_its_items() {
        let rules = json!([{"validation_rule": "file_size_mb<", "validation_value": 30, "validation_error": "size"}]);
        let schema = json!({"type": "object", "properties": {
            "image": {"type": "array", "format": "image_uris", "maxItems": 10, "validations": rules},
            "clips": {"type": "array", "format": "video_uris", "items": {"type": "string", "format": "video_uri"}},
            "prompt": {"type": "string", "format": "uri"}
        }});
        let compiled = item_level(&schema);
        assert_eq!(
            compiled["properties"]["image"],
            json!({"type": "array", "maxItems": 10, "items": {"type": "string", "format": "image_uri", "validations": rules}})
        );
        assert_eq!(
            compiled["properties"]["clips"],
            json!({"type": "array", "items": {"type": "string", "format": "video_uri"}})
        );
        assert_eq!(
            compiled["properties"]["prompt"],
            schema["properties"]["prompt"]
        );
    }

    #[test]
    fn sites_lead_to_each_item_and_name_their_field() {
        let rules = json!([{"validation_rule": "width/height>", "validation_value": 0.5, "validation_error": "ratio"}]);
        let schema = json!({"type": "object", "properties": {
            "image": {"type": "array", "format": "image_uris", "validations": rules},
            "a~b": {"type": "string", "format": "audio_uri", "validations": rules},
            "elements": {"x-runcomfy-unvalidated": true}
        }});
        let map = SchemaMap::of(&schema).expect("maps");
        let [image, audio] = &map.sites[..] else {
            panic!("two sites: {:?}", map.sites);
        };
        assert_eq!(
            (image.field.as_str(), image.kind),
            ("/image", Some(MediaKind::Image))
        );
        assert_eq!(image.schema_pointer, "/properties/image/validations");
        let input = json!({"image": ["a", "b"], "a~b": "c"});
        let pointers: Vec<String> = resolve(&input, &image.path)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(pointers, ["/image/0", "/image/1"]);
        assert_eq!(audio.field, "/a~0b");
        assert!(
            audio.rules.is_empty(),
            "an aspect rule does not apply to audio"
        );
        assert_eq!(map.unvalidated, [vec![Step::Property("elements".into())]]);
        let broken = json!({"properties": {"a/b": {"validations": [{"validation_rule": 1}]}}});
        let error = SchemaMap::of(&broken).expect_err("malformed");
        assert_eq!(
            error.pointer,
            "/properties/a~1b/validations/0/validation_rule"
        );
    }
}
