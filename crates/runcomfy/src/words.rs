//! The service's own words from an error value of any shape: a string, an
//! object (`error_message`, `message`, `error`, `detail`, as the provider's
//! MCP server reads them, with its code), an array of such (each item's
//! words), or anything else as JSON.

use serde_json::Value;

/// The fields that hold an error's text, in the order the provider's own
/// clients read them.
const TEXT_FIELDS: [&str; 4] = ["error_message", "message", "error", "detail"];

/// The fields that hold an error's code.
const CODE_FIELDS: [&str; 3] = ["error_code", "errorCode", "code"];

/// What the service said about a failure, as one line of its own words:
/// `null` says that it gave no reason.
///
/// ```
/// use serde_json::json;
/// use runcomfy::service_message;
///
/// assert_eq!(service_message(&json!("GPU out of memory")), "GPU out of memory");
/// assert_eq!(
///     service_message(&json!({"error_code": 500001, "error_message": "internal error"})),
///     "internal error (error_code 500001)"
/// );
/// assert_eq!(
///     service_message(&json!([{"errorCode": "E1", "error": "bad frame"}, {"error": "no audio"}])),
///     "bad frame (error_code \"E1\"); no audio"
/// );
/// ```
pub fn service_message(error: &Value) -> String {
    match error {
        Value::Null => "the service gave no reason".to_owned(),
        Value::String(text) if text.trim().is_empty() => "the service gave no reason".to_owned(),
        Value::String(text) => text.clone(),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(service_message)
            .collect::<Vec<_>>()
            .join("; "),
        Value::Object(fields) => object_words(fields).unwrap_or_else(|| error.to_string()),
        other => other.to_string(),
    }
}

/// The words of an error object (its first text field), without its code.
pub(crate) fn text_of(fields: &serde_json::Map<String, Value>) -> Option<String> {
    TEXT_FIELDS.iter().find_map(|key| match fields.get(*key)? {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        nested @ (Value::Object(_) | Value::Array(_)) => Some(service_message(nested)),
        _ => None,
    })
}

/// The text of an error object and its code, when it has a text field.
fn object_words(fields: &serde_json::Map<String, Value>) -> Option<String> {
    let text = text_of(fields)?;
    let code = CODE_FIELDS.iter().find_map(|key| fields.get(*key));
    Some(match code {
        Some(code) => format!("{text} (error_code {code})"),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_shape_gives_the_services_own_words() {
        assert_eq!(service_message(&json!("out of memory")), "out of memory");
        assert_eq!(
            service_message(&json!({"message": "bad prompt", "detail": "ignored"})),
            "bad prompt"
        );
        assert_eq!(
            service_message(&json!({"error": {"message": "nested words"}})),
            "nested words"
        );
        assert_eq!(
            service_message(&json!({"detail": "only a detail", "code": 7})),
            "only a detail (error_code 7)"
        );
        assert_eq!(
            service_message(&json!({"status": "broken"})),
            r#"{"status":"broken"}"#,
            "an object without words is shown whole"
        );
        assert_eq!(service_message(&json!([1, "two"])), "1; two");
        assert_eq!(service_message(&json!([])), "[]");
        assert_eq!(service_message(&Value::Null), "the service gave no reason");
        assert_eq!(service_message(&json!(42)), "42");
    }
}
