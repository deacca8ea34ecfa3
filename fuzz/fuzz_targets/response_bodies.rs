//! Every response body the client decodes, through the client's own code
//! (`runcomfy::__fuzz`): status, result (typed and untyped), cancel, submit,
//! and the classification of error answers.
//!
//! Input: one byte choosing an HTTP status (and a `Retry-After`), then the
//! body. The same body is fed to every endpoint twice: with the endpoint's
//! success status, and with the chosen status.

#![no_main]

use std::sync::LazyLock;

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use runcomfy::__fuzz::{self, Answer};
use runcomfy::models::kling::kling_1_6::pro::image_to_video::Output;
use runcomfy::{Error, ResultState};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// A JSON object's members as sent, duplicates kept.
struct Pairs(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Pairs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
});

/// Statuses the service answers with, and a few it should not.
const STATUSES: [u16; 24] = [
    200, 201, 202, 204, 301, 304, 400, 401, 402, 403, 404, 405, 408, 409, 413, 418, 422, 429, 500,
    501, 502, 503, 504, 599,
];
const RETRY_AFTER: [Option<&str>; 4] = [None, Some("3"), Some(" 120 "), Some("soon")];

/// Renders an error as the caller sees it; the message must be bounded
/// when it quotes the body.
fn check_error(error: &Error) {
    let text = error.to_string();
    if let Error::UnexpectedResponse { excerpt, .. } = error {
        assert!(
            excerpt.chars().count() <= 201 || excerpt.starts_with("the output"),
            "an excerpt is at most 200 characters and an ellipsis"
        );
    }
    assert!(!text.is_empty());
}

fn check<T>(result: &Result<T, Error>) {
    if let Err(error) = result {
        check_error(error);
    }
}

fn run(answer: &Answer) {
    RUNTIME.block_on(async {
        let status = __fuzz::status(answer).await;
        check(&status);
        let typed = __fuzz::result::<Output>(answer).await;
        check(&typed);
        let untyped = __fuzz::result::<Value>(answer).await;
        check(&untyped);
        if let Ok(state) = &untyped {
            let urls = __fuzz::file_urls(state);
            if let ResultState::Succeeded(output) = state {
                // Every URL is one the output holds.
                let sent = serde_json::to_string(&output.raw_output).expect("serializes");
                for url in urls {
                    let quoted = serde_json::to_string(&url).expect("serializes");
                    assert!(sent.contains(&quoted), "{url} is not in the output");
                }
            }
        }
        check(&__fuzz::cancel(answer).await);
        check(&__fuzz::submit(answer).await);
        check_error(&__fuzz::classify(answer));

        // A well-formed answer of the expected status always decodes: unknown
        // status values never fail it. (A duplicated key does: serde's
        // derive rejects it, and the answer is an unexpected one.)
        let body: Option<Pairs> = serde_json::from_slice(&answer.body).ok();
        let has_strings = |keys: &[&str]| {
            body.as_ref().is_some_and(|Pairs(pairs)| {
                pairs.len() == keys.len()
                    && keys.iter().all(|k| {
                        pairs.iter().filter(|(name, _)| name == k).count() == 1
                            && pairs.iter().any(|(name, v)| name == k && v.is_string())
                    })
            })
        };
        if answer.status == 200 && has_strings(&["request_id", "status"]) {
            assert!(status.is_ok(), "a minimal status answer fails: {status:?}");
        }
        if answer.status == 202 && has_strings(&["request_id", "outcome"]) {
            let cancel = __fuzz::cancel(answer).await;
            assert!(cancel.is_ok(), "a minimal cancel answer fails: {cancel:?}");
        }
    });
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let body = Bytes::copy_from_slice(body);
    let chosen = STATUSES[usize::from(selector) % STATUSES.len()];
    let retry_after =
        RETRY_AFTER[usize::from(selector >> 5) % RETRY_AFTER.len()].map(str::to_owned);
    for status in [200, 202, chosen] {
        run(&Answer {
            status,
            retry_after: retry_after.clone(),
            body: body.clone(),
        });
    }
});
