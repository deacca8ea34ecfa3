//! A reference of another kind than its field asks for: said by a `data:`
//! URI's media type and a URL's extension without I/O, by the bytes when a
//! rule reads the file; a URL with no known extension is not judged by kind
//! until its bytes are read.

use runcomfy_validate::fixtures::{data_uri, png_data_uri, wav};
use serde_json::json;

use crate::schema::{rule, validator, verdict};
use crate::servers::ranged_server;

fn messages(field: &runcomfy_validate::Validator, reference: &str) -> Vec<String> {
    field
        .errors(&json!({"media": reference}))
        .into_iter()
        .map(|e| e.message)
        .collect()
}

#[test]
fn a_wav_given_to_an_image_field_is_an_error_that_says_so() {
    let field = validator("image_uri", vec![]);
    let said = messages(&field, &data_uri("audio/wav", &wav(16)));
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("audio") && said[0].contains("image"),
        "{said:?}"
    );
    let said = messages(&field, "https://example.com/a/voice.WAV?sig=1");
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("image"), "{said:?}");
    assert_eq!(messages(&field, &png_data_uri(1, 1)), Vec::<String>::new());
}

#[test]
fn a_url_without_a_known_extension_is_not_judged_by_kind() {
    let field = validator("video_uri", vec![]);
    for url in [
        "https://example.com/media/12345",
        "https://example.com/a.bin",
    ] {
        assert_eq!(messages(&field, url), Vec::<String>::new(), "{url}");
    }
    assert_eq!(messages(&field, "https://example.com/a.png").len(), 1);
}

#[tokio::test]
async fn when_a_rule_reads_the_file_its_bytes_decide() {
    let server = ranged_server(wav(4000), true).await;
    let field = validator("image_uri", vec![rule("width_pixels>", json!(10))]);
    let errors = verdict(&field, &server.url("/upload/12345")).await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].1.contains("not an image"), "{}", errors[0].1);
}
