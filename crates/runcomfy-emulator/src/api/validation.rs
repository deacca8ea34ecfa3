//! The check of a submitted input: every schema error, then the media rules
//! for the references the emulator may fetch (`data:` URIs and loopback
//! URLs; any http(s) URL once told to fetch remote media), answered as the
//! documented 422 with one `detail` entry per failing field.

use hyper::StatusCode;
use runcomfy_validate::http::is_loopback_url;
use runcomfy_validate::{FieldError, MediaProbe, Validator};
use serde_json::{Value, json};

use crate::api::reply::Reply;

/// Every schema error, then the media rules for the references the
/// emulator may fetch: `data:` URIs and loopback URLs, like the real
/// service fetches public ones; anything else cannot be fetched from here
/// unless `fetch_remote` says so.
pub(crate) async fn input_errors(
    validator: &Validator,
    probe: &MediaProbe,
    input: &Value,
    fetch_remote: bool,
) -> Vec<FieldError> {
    let mut errors = validator.errors(input);
    if !errors.is_empty() {
        return errors;
    }
    let mut fetchable = input.clone();
    for (pointer, _) in validator.media_rules() {
        let Some(reference) = input.pointer(pointer).and_then(Value::as_str) else {
            continue;
        };
        if fetch_remote || reference.starts_with("data:") || is_loopback_url(reference) {
            continue;
        }
        errors.push(FieldError {
            pointer: pointer.to_owned(),
            keyword: "validations".into(),
            message: format!(
                "could not fetch {}: the emulator fetches only loopback URLs and data: URIs unless started with --fetch-remote",
                short(reference)
            ),
        });
        if let Some(object) = fetchable.as_object_mut() {
            object.remove(pointer.trim_start_matches('/'));
        }
    }
    if let Err(invalid) = validator.validate_media(&fetchable, probe).await {
        errors.extend(invalid.errors);
    }
    errors
}

/// The documented 422: a count in the message, an entry per error in `detail`.
pub(crate) fn validation_failed(errors: &[FieldError]) -> Reply {
    let detail: Vec<Value> = errors
        .iter()
        .map(|e| json!({"field": e.field(), "pointer": e.pointer, "keyword": e.keyword, "message": e.message}))
        .collect();
    let count = errors.len();
    Reply::error(
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(422001),
        format!(
            "input failed validation ({count} error{})",
            if count == 1 { "" } else { "s" }
        ),
        Some(Value::Array(detail)),
    )
}

/// A reference short enough for a message (URLs may carry long queries).
fn short(reference: &str) -> String {
    let cut: String = reference.chars().take(120).collect();
    if cut.len() < reference.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls_are_fetched() {
        let fetched = [
            "http://127.0.0.1:8080/a.png",
            "http://localhost/a.png",
            "http://[::1]:9/a.png",
        ];
        for url in fetched {
            assert!(is_loopback_url(url), "{url}");
        }
        let refused = [
            "https://example.com/a.png",
            "http://10.0.0.1/a.png",
            "ftp://127.0.0.1/a.png",
        ];
        for url in refused {
            assert!(!is_loopback_url(url), "{url}");
        }
    }
}
