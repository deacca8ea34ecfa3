//! A model's input schema as this build's validator can check it: the
//! schema itself, or, when it carries media rules (`validations`) that
//! the validator does not know yet (the imported models' `width/height>`,
//! say), the schema without those rules, so that every other rule still
//! holds. A schema broken in any other way is left as it is, and the
//! emulator's start reports it.

use runcomfy_validate::Validator;
use serde_json::Value;

/// At most this many unknown rules are left out of one schema.
const MAX_LEFT_OUT: usize = 64;

/// `schema` (JSON text) without the media rules the validator refuses,
/// and the pointers of the rules left out.
pub(crate) fn checkable(schema: &str) -> (String, Vec<String>) {
    let Ok(mut value) = serde_json::from_str::<Value>(schema) else {
        return (schema.to_owned(), Vec::new());
    };
    let mut left_out = Vec::new();
    while left_out.len() < MAX_LEFT_OUT {
        let Err(error) = Validator::new(&value) else {
            break;
        };
        match rule_of(&error.pointer) {
            Some((list, index)) if remove(&mut value, list, index) => {
                left_out.push(format!("{list}/{index}"));
            }
            _ => break,
        }
    }
    if left_out.is_empty() {
        (schema.to_owned(), left_out)
    } else {
        (value.to_string(), left_out)
    }
}

/// The `validations` list and the index of the rule `pointer` is in.
fn rule_of(pointer: &str) -> Option<(&str, usize)> {
    let at = pointer.rfind("/validations/")?;
    let list = &pointer[..at + "/validations".len()];
    let index = pointer[at + "/validations/".len()..]
        .split('/')
        .next()?
        .parse()
        .ok()?;
    Some((list, index))
}

/// Removes item `index` of the list at `list`; whether it was there.
fn remove(schema: &mut Value, list: &str, index: usize) -> bool {
    match schema.pointer_mut(list).and_then(Value::as_array_mut) {
        Some(rules) if index < rules.len() => {
            rules.remove(index);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_unknown_media_rules_are_left_out() {
        let schema = json!({
            "type": "object",
            "properties": {"image": {"type": "string", "format": "image_uri", "validations": [
                {"validation_rule": "file_size_mb<", "validation_value": 10, "validation_error": "too big"},
                {"validation_rule": "no-such-rule>", "validation_value": 1, "validation_error": "?"},
            ]}},
        })
        .to_string();
        let (checked, left_out) = checkable(&schema);
        assert_eq!(left_out, ["/properties/image/validations/1"]);
        let checked: Value = serde_json::from_str(&checked).expect("JSON");
        let rules = &checked["properties"]["image"]["validations"];
        assert_eq!(rules.as_array().map(Vec::len), Some(1));
        assert_eq!(rules[0]["validation_rule"], "file_size_mb<");
        let plain = json!({"type": "object"}).to_string();
        assert_eq!(checkable(&plain), (plain, Vec::new()));
        assert_eq!(
            rule_of("/properties/a/validations/12/validation_rule"),
            Some(("/properties/a/validations", 12))
        );
        assert_eq!(rule_of("/properties/a/type"), None);
    }
}
