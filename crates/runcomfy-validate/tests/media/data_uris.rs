//! `data:` URIs: parsed and measured from their base64 length, only a
//! prefix decoded for the dimensions, and never shown with their payload.

use crate::images::{jpeg, png};
use crate::needs::{BOTH, DIMS, all_known};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use runcomfy_validate::media::{DataUri, MediaError, MediaProbe, MediaSource};

fn data_uri(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", STANDARD.encode(bytes))
}

#[tokio::test]
async fn data_uri_png_dimensions_and_exact_size() {
    // 1 MiB + 1 byte, so the base64 text has padding and is much longer than
    // the header cap.
    let bytes = png(512, 1280, 1024 * 1024 + 1);
    let uri = data_uri("image/png", &bytes);
    let source = MediaSource::parse(&uri).expect("parse data uri");
    let MediaSource::Data(data) = &source else {
        panic!("expected a data source, got {source}");
    };
    assert_eq!(data.mime_type(), "image/png");
    assert_eq!(data.decoded_len(), bytes.len() as u64);

    let facts = MediaProbe::new()
        .probe(&source, BOTH, Some(10 * 1024 * 1024))
        .await
        .expect("probe data uri");
    assert_eq!(facts, all_known(512, 1280, bytes.len()));

    // Display and Debug never contain the payload.
    let payload_sample = &uri[uri.len() - 40..];
    let shown = source.to_string();
    assert_eq!(
        shown,
        format!("data: URI (image/png, {} bytes)", bytes.len())
    );
    let debug = format!("{data:?} {source:?}");
    assert!(!debug.contains(payload_sample), "{debug}");
    assert!(debug.len() < 300, "{debug}");
    assert!(debug.contains("image/png"), "{debug}");
}

#[tokio::test]
async fn data_uri_jpeg_dimensions() {
    let bytes = jpeg(301, 302, 2);
    let source = MediaSource::parse(&data_uri("image/jpeg", &bytes)).expect("parse");
    let facts = MediaProbe::new()
        .probe(&source, BOTH, None)
        .await
        .expect("probe");
    assert_eq!(facts, all_known(301, 302, bytes.len()));
}

#[test]
fn data_uri_decoded_len_handles_padding() {
    let len = |s: &str| DataUri::parse(s).expect("valid data uri").decoded_len();
    assert_eq!(len("data:text/plain;base64,QUJD"), 3); // no padding
    assert_eq!(len("data:text/plain;base64,QUI="), 2); // one '='
    assert_eq!(len("data:text/plain;base64,QQ=="), 1); // two '='
    assert_eq!(len("data:text/plain;base64,QUJDRA=="), 4);
    assert_eq!(len("data:text/plain;base64,QUI"), 2); // padding omitted
    assert_eq!(len("data:;base64,"), 0);
    assert_eq!(len("data:text/plain;base64,QU%3D%3D"), 1); // percent-encoded padding
    assert_eq!(len("data:,hello%20world"), 11); // not base64: percent-decoded
    // For every length, the computed size matches a real encoding.
    for n in 0..64 {
        let bytes = vec![7_u8; n];
        assert_eq!(len(&data_uri("application/octet-stream", &bytes)), n as u64);
    }
}

#[test]
fn data_uri_parse_details_and_errors() {
    let plain = DataUri::parse("data:,abc").expect("no media type");
    assert_eq!(plain.mime_type(), "text/plain");
    let with_params = DataUri::parse("DATA:image/png;name=x.png;base64,iVBORw==").expect("params");
    assert_eq!(with_params.mime_type(), "image/png");
    assert_eq!(with_params.decoded_len(), 4);

    let err = DataUri::parse("data:image/png;base64,not*base64!").expect_err("bad base64");
    assert!(matches!(err, MediaError::InvalidBase64));
    assert_eq!(err.to_string(), "data: URI is not valid base64");

    let err = DataUri::parse("data:image/png;base64").expect_err("no comma");
    assert!(
        matches!(err, MediaError::MalformedDataUri { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("data: URI is malformed"),
        "{err}"
    );
}

#[tokio::test]
async fn data_uri_that_is_not_an_image() {
    let source = MediaSource::parse(&data_uri(
        "text/plain",
        b"this is a plain text file, definitely not an image",
    ))
    .expect("parse");
    let err = MediaProbe::new()
        .probe(&source, DIMS, None)
        .await
        .expect_err("not an image");
    assert!(matches!(err, MediaError::NotAnImage { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with("data: URI (text/plain, "), "{msg}");
    assert!(msg.contains("is not an image"), "{msg}");
}
