//! Media references for generated inputs: URLs and `data:` URIs that pass
//! (of the right kind, for a media field), ones that fail whatever the
//! reading (not URIs, another kind), and tricky ones whose verdict depends
//! on the reading.

use proptest::prelude::*;
use runcomfy_validate::MediaKind;
use runcomfy_validate::fixtures::{data_uri, mp4_header, png_data_uri, wav};

use super::text::text;

fn host() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec![
        "example.com",
        "cdn.example.com:8443",
        "127.0.0.1:8080",
        "[::1]",
        "xn--bcher-kva.example",
    ])
}

fn query() -> impl Strategy<Value = Option<&'static str>> {
    proptest::option::of(proptest::sample::select(vec![
        "w=1",
        "X-Amz-Signature=abc&x=1",
        "a=%2F",
    ]))
}

/// An https/http URL whose path's last segment is one of `names`.
fn url(names: Vec<&'static str>) -> impl Strategy<Value = String> {
    let dirs = proptest::collection::vec(
        proptest::sample::select(vec!["a", "%20x", "~u", "c-d_e", "v1.2"]),
        0..3,
    );
    (
        proptest::sample::select(vec!["https", "http", "HTTPS"]),
        host(),
        dirs,
        proptest::sample::select(names),
        query(),
    )
        .prop_map(|(scheme, host, dirs, name, query)| {
            let mut url = format!("{scheme}://{host}/");
            for dir in dirs {
                url.push_str(dir);
                url.push('/');
            }
            url.push_str(name);
            if let Some(query) = query {
                url.push('?');
                url.push_str(query);
            }
            url
        })
}

/// URLs the service can fetch (valid under `format: uri` and the
/// provider's `validations` keyword without I/O).
pub(crate) fn valid_uri() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => url(vec!["", "a", "b.png", "f.jpeg", "x.wav"]),
        // An image over the Kling rules' 300 px minimum.
        1 => Just(png_data_uri(320, 320)),
        1 => Just("data:,hello".to_owned()),
    ]
}

/// A `data:` URI holding a small file of `kind`, its media type saying so.
pub(crate) fn data_of(kind: MediaKind) -> String {
    match kind {
        MediaKind::Image => png_data_uri(320, 320),
        MediaKind::Video => data_uri("video/mp4", &mp4_header(640, 360)),
        MediaKind::Audio => data_uri("audio/wav", &wav(16)),
    }
}

fn names_of(kind: MediaKind) -> Vec<&'static str> {
    match kind {
        MediaKind::Image => vec!["a.png", "b.JPG", "c.webp", "d"],
        MediaKind::Video => vec!["a.mp4", "b.MOV", "c.webm", "d"],
        MediaKind::Audio => vec!["a.wav", "b.MP3", "c.m4a", "d"],
    }
}

/// A reference to a file of `kind`: a `data:` URI of its media type, or a
/// URL whose name says the kind or says nothing.
pub(crate) fn media(kind: MediaKind) -> BoxedStrategy<String> {
    prop_oneof![
        2 => url(names_of(kind)),
        1 => Just(data_of(kind)),
    ]
    .boxed()
}

/// The other kinds than `kind`.
pub(crate) fn others(kind: MediaKind) -> Vec<MediaKind> {
    [MediaKind::Image, MediaKind::Video, MediaKind::Audio]
        .into_iter()
        .filter(|other| *other != kind)
        .collect()
}

/// A reference that says another kind than `kind`: a `data:` URI of
/// another media type, a URL whose name ends in another kind's extension.
pub(crate) fn wrong_kind(kind: MediaKind) -> BoxedStrategy<String> {
    let others = others(kind);
    let named: Vec<&'static str> = others
        .iter()
        .flat_map(|other| names_of(*other))
        .filter(|name| name.contains('.'))
        .collect();
    prop_oneof![
        proptest::sample::select(others).prop_map(data_of),
        url(named),
        Just("data:,hello".to_owned()),
    ]
    .boxed()
}

/// Not URIs at all: every validator rejects these under `format: uri` and
/// the media formats.
pub(crate) fn bad_uri() -> impl Strategy<Value = String> {
    proptest::sample::select(vec![
        "",
        "not a url",
        "./start.png",
        "start.png",
        "/abs/start.png",
        "https://exa mple.com/a.png",
        "://no-scheme",
        "1http://x",
    ])
    .prop_map(str::to_owned)
}

/// References whose verdict depends on the validator's reading of URIs and
/// media references: schemes the service cannot fetch, `data:` URIs with bad
/// payloads, odd but legal URIs.
pub(crate) fn tricky_uri() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "ftp://host/a.png",
            "file:///etc/passwd",
            "s3://bucket/key.png",
            "http:foo",
            "HTTPS:example.com/a.png",
            "https://",
            "https:///a.png",
            "https://user:pw@example.com/a.png",
            "https://example.com/a b.png",
            "https://example.com/%zz",
            "https://[::1/a.png",
            "https://example.com/\u{e9}.png",
            "data:image/png;base64,@@@",
            "data:image/png;base64,",
            "data:image/png;base64,Q",
            "data:;base64,QUJD",
            "data:",
            "DATA:image/png,abc",
            "data:video/mp4;base64,AAAA",
            "data:audio/wav,abc",
            "C:\\images\\a.png",
            "mailto:someone@example.com",
            "urn:isbn:0451450523",
            "https://example.com/a.png#frag",
            "https://example.com:99999/a.png",
        ])
        .prop_map(str::to_owned),
        text(0, 24).prop_map(|tail| format!("https://{tail}")),
        text(0, 24).prop_map(|tail| format!("data:{tail}")),
        text(0, 24),
    ]
}
