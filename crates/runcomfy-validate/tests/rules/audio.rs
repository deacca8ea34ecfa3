//! Audio is judged by its size only: `file_size_mb<` from a `data:` URI's
//! length or an HTTP server's headers; a rule that reads pixels is not
//! applied to audio, and says so as a warning.

use runcomfy_validate::fixtures::{data_uri, wav};
use serde_json::json;

use crate::schema::{broke, rule, validator, verdict};
use crate::servers::{ranged_server, requests};

#[tokio::test]
async fn an_audio_files_size_is_below_its_megabytes() {
    let small = validator("audio_uri", vec![rule("file_size_mb<", json!(1))]);
    let uri = data_uri("audio/wav", &wav(999_000));
    assert_eq!(verdict(&small, &uri).await, []);
    let uri = data_uri("audio/wav", &wav(1_000_000));
    assert_eq!(verdict(&small, &uri).await, broke("broke file_size_mb<"));
}

#[tokio::test]
async fn over_http_only_the_size_is_asked_for() {
    let server = ranged_server(wav(2_000_000), true).await;
    let url = server.url("/voice.wav");
    let limit = validator("audio_uri", vec![rule("file_size_mb<", json!(2))]);
    assert_eq!(verdict(&limit, &url).await, broke("broke file_size_mb<"));
    assert_eq!(requests(&server), [("HEAD".to_owned(), None)]);
    assert_eq!(server.body_bytes_sent(), 0);
}

#[tokio::test]
async fn pixel_rules_on_audio_are_warnings_and_the_size_still_applies() {
    let rules = vec![
        rule("width_pixels>", json!(300)),
        rule("file_size_mb<", json!(1)),
    ];
    let field = validator("audio_uri", rules);
    let uri = data_uri("audio/wav", &wav(1_500_000));
    assert_eq!(verdict(&field, &uri).await, broke("broke file_size_mb<"));
    let warnings = field.warnings(&json!({"media": uri}));
    let said: Vec<(&str, &str)> = warnings
        .iter()
        .map(|w| (w.pointer.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        said,
        [(
            "/media",
            "validations rule `width_pixels>` was not checked: audio has no width or height"
        )]
    );
}
