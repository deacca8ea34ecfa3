//! References: each kind of media reference is classified, and what is not
//! a URL the service fetches is never read as a local path.

use std::path::PathBuf;

use runcomfy_types::models::kling::kling_1_6::pro::image_to_video;
use runcomfy_validate::media::{MediaError, MediaProbe, MediaSource};

#[test]
fn parse_each_kind_of_reference() {
    let https = MediaSource::parse("https://cdn.example.com/a.png?w=1").expect("https");
    assert!(
        matches!(&https, MediaSource::Http(u) if u.scheme() == "https" && u.path() == "/a.png")
    );
    assert_eq!(https.to_string(), "https://cdn.example.com/a.png?w=1");
    let http = MediaSource::parse("HTTP://cdn.example.com/b.jpg").expect("http");
    assert!(matches!(&http, MediaSource::Http(u) if u.scheme() == "http"));

    let data = MediaSource::parse("data:image/png;base64,iVBORw0KGgo=").expect("data");
    assert!(matches!(&data, MediaSource::Data(d) if d.mime_type() == "image/png"));
    assert_eq!(data.to_string(), "data: URI (image/png, 8 bytes)");

    let file_url = MediaSource::parse("file:///tmp/some%20dir/x.png").expect("file url");
    assert_eq!(
        file_url,
        MediaSource::File(PathBuf::from("/tmp/some dir/x.png"))
    );
    assert_eq!(file_url.to_string(), "/tmp/some dir/x.png");

    assert_eq!(
        MediaSource::parse("/var/images/c.webp").expect("abs path"),
        MediaSource::File(PathBuf::from("/var/images/c.webp"))
    );
    assert_eq!(
        MediaSource::parse("images/d.png").expect("relative path"),
        MediaSource::File(PathBuf::from("images/d.png"))
    );

    let err = MediaSource::parse("ftp://host/e.png").expect_err("ftp");
    assert!(matches!(err, MediaError::UnsupportedScheme { ref scheme } if scheme == "ftp"));
    let err = MediaSource::parse("").expect_err("empty");
    assert!(
        matches!(err, MediaError::InvalidReference { .. }),
        "{err:?}"
    );
    let err = MediaSource::parse("https://").expect_err("no host");
    assert!(
        matches!(err, MediaError::InvalidReference { .. }),
        "{err:?}"
    );
    let err = MediaSource::parse("data:image/png;base64,@@@").expect_err("bad data");
    assert!(matches!(err, MediaError::InvalidBase64), "{err:?}");
}

/// Fuzz finding (`fuzz/`, target `validator`): `http:foo` is a valid URI
/// with a fetchable scheme, so it passed the checks without I/O, and the
/// media step then read it as a local file path.
#[tokio::test]
async fn an_http_scheme_without_slashes_is_never_a_local_path() {
    for reference in [
        "http:foo",
        "HTTPS:example.com/a.png",
        "https:/a.png",
        "http:\\\\host/a",
    ] {
        let err = MediaSource::parse(reference).expect_err(reference);
        assert!(
            matches!(&err, MediaError::InvalidReference { reason, .. } if reason.contains("//")),
            "{reference}: {err:?}"
        );
    }
    let schema: serde_json::Value =
        serde_json::from_str(image_to_video::INPUT_SCHEMA).expect("schema");
    let validator = runcomfy_validate::Validator::new(&schema).expect("compiles");
    let input = serde_json::json!({"image_url": "http:start.png"});
    assert!(
        validator.validate(&input).is_ok(),
        "a URI with a fetchable scheme"
    );
    let errors = validator
        .validate_all(&input, &MediaProbe::new())
        .await
        .expect_err("not a fetchable URL")
        .errors;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].pointer, "/image_url");
    assert!(errors[0].message.contains("not a valid URL"), "{errors:?}");
}

#[test]
fn an_unsupported_scheme_is_quoted_only_by_its_start() {
    // The fuzzers' echo finding, on the path the validator never takes.
    let long = "a".repeat(5000);
    let err = MediaSource::parse(&format!("{long}://x")).expect_err("unsupported");
    let message = err.to_string();
    assert!(message.len() < 120, "{message}");
    assert!(
        matches!(&err, MediaError::UnsupportedScheme { scheme } if scheme == &format!("{}…", "a".repeat(32))),
        "{err:?}"
    );
    let err = MediaSource::parse("gopher://x").expect_err("unsupported");
    assert!(
        matches!(&err, MediaError::UnsupportedScheme { scheme } if scheme == "gopher"),
        "{err:?}"
    );
}
