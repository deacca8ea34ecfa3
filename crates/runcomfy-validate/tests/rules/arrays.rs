//! A field of several references: its rules apply to every item, and each
//! error names the item (`/media/2`).

use runcomfy_validate::fixtures::png_data_uri;
use serde_json::json;

use crate::loopback::local_probe;
use crate::schema::{media_errors, rule, validator};

#[tokio::test]
async fn each_item_is_judged_and_named() {
    let field = validator("image_uris", vec![rule("width_pixels>", json!(300))]);
    let input = json!({"media": [
        png_data_uri(400, 400),
        png_data_uri(200, 400),
        png_data_uri(500, 400),
        png_data_uri(300, 400),
    ]});
    let errors = media_errors(&field, &input, &local_probe()).await;
    let pointers: Vec<&str> = errors.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pointers, ["/media/1", "/media/3"]);
    assert!(errors.iter().all(|(_, m)| m == "broke width_pixels>"));
}

#[test]
fn an_item_of_the_wrong_kind_is_named_without_io() {
    let field = validator("image_uris", vec![rule("width_pixels>", json!(300))]);
    let input = json!({"media": [png_data_uri(400, 400), "https://example.com/voice.wav"]});
    let errors = field.errors(&input);
    let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(pointers, ["/media/1"], "{errors:?}");
}

#[test]
fn the_count_of_items_is_bounded() {
    let field = validator("image_uris", vec![]);
    let five = json!({"media": vec![png_data_uri(1, 1); 5]});
    let keywords: Vec<String> = field.errors(&five).into_iter().map(|e| e.keyword).collect();
    assert_eq!(keywords, ["maxItems"]);
    let keywords: Vec<String> = field
        .errors(&json!({"media": []}))
        .into_iter()
        .map(|e| e.keyword)
        .collect();
    assert_eq!(keywords, ["minItems"]);
}
