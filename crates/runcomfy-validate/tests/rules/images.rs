//! Each rule on an image, from a `data:` URI and over HTTP: the pixel
//! bounds and the width/height ratios are strict, the size is below its
//! megabytes (decimal).

use runcomfy_validate::fixtures::{png_data_uri, png_header};
use serde_json::json;

use crate::schema::{broke, rule, validator, verdict};
use crate::servers::{ranged_server, requests};

#[tokio::test]
async fn pixel_bounds_are_strict() {
    let width = validator("image_uri", vec![rule("width_pixels>", json!(300))]);
    assert_eq!(verdict(&width, &png_data_uri(301, 10)).await, []);
    assert_eq!(
        verdict(&width, &png_data_uri(300, 10)).await,
        broke("broke width_pixels>")
    );
    let height = validator("image_uri", vec![rule("height_pixels>", json!(300))]);
    assert_eq!(verdict(&height, &png_data_uri(10, 301)).await, []);
    assert_eq!(
        verdict(&height, &png_data_uri(10, 300)).await,
        broke("broke height_pixels>")
    );
}

#[tokio::test]
async fn width_over_height_bounds_are_strict() {
    let ratio = validator(
        "image_uri",
        vec![
            rule("width/height>", json!(0.4)),
            rule("width/height<", json!(2.5)),
        ],
    );
    assert_eq!(verdict(&ratio, &png_data_uri(100, 100)).await, []);
    assert_eq!(
        verdict(&ratio, &png_data_uri(40, 100)).await,
        broke("broke width/height>")
    );
    assert_eq!(
        verdict(&ratio, &png_data_uri(250, 100)).await,
        broke("broke width/height<")
    );
}

#[tokio::test]
async fn the_size_of_a_data_uri_is_its_decoded_length() {
    let mut bytes = png_header(10, 10);
    bytes.resize(1_000_000, 0);
    let uri = runcomfy_validate::fixtures::data_uri("image/png", &bytes);
    let exact = validator("image_uri", vec![rule("file_size_mb<", json!(1))]);
    assert_eq!(verdict(&exact, &uri).await, broke("broke file_size_mb<"));
    let roomy = validator("image_uri", vec![rule("file_size_mb<", json!(1.01))]);
    assert_eq!(verdict(&roomy, &uri).await, []);
}

#[tokio::test]
async fn over_http_an_image_is_judged_from_its_header_and_its_size() {
    let mut file = png_header(1200, 800);
    file.resize(3_000_000, 0);
    let server = ranged_server(file, true).await;
    let url = server.url("/photo.png");
    let rules = vec![
        rule("width_pixels>", json!(1200)),
        rule("file_size_mb<", json!(2)),
    ];
    let errors = verdict(&validator("image_uri", rules), &url).await;
    assert_eq!(errors, broke("broke width_pixels> broke file_size_mb<"));
    // The header and the size come from one ranged read, not the whole file.
    let asked = requests(&server);
    assert!(
        asked
            .iter()
            .all(|(method, range)| method == "HEAD" || range.is_some()),
        "{asked:?}"
    );
    assert!(
        server.body_bytes_sent() < 300_000,
        "{}",
        server.body_bytes_sent()
    );
}
