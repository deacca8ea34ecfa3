//! Whether a value can be a media reference the service fetches, judged
//! without I/O: its scheme (`https`, `http` or `data`), and for a field of a
//! media kind, the kind its `data:` media type or its URL's extension says.
//! A URL whose path has no extension this crate knows is not judged by kind
//! here: its bytes decide, when a rule reads them.

use url::Url;

use crate::media::{DataUri, MediaKind};
use crate::scheme::{MAX_QUOTED_SCHEME, scheme_of, starts_with_ignore_case};
use crate::text::ellipsize;

/// Schemes the service can fetch a media reference from.
const FETCHABLE_SCHEMES: [&str; 3] = ["https", "http", "data"];

/// The longest media type a message quotes (it is the user's text).
const MAX_QUOTED_MEDIA_TYPE: usize = 64;

/// Why a value cannot be a media reference the service fetches, if it cannot.
pub(crate) fn unfetchable_reason(reference: &str) -> Option<String> {
    scheme_reason(reference, "must be an https URL or a data: URI")
}

/// Why `reference` cannot be a reference the service fetches to a file of
/// `kind`, if it cannot: another scheme, a URL that is not one, a `data:`
/// URI that is malformed or holds another kind, a URL whose file name says
/// another kind.
pub(crate) fn reference_problem(reference: &str, kind: MediaKind) -> Option<String> {
    let must = format!("must be an https URL or a data: URI of {}", kind.noun());
    if let Some(reason) = scheme_reason(reference, &must) {
        return Some(reason);
    }
    if starts_with_ignore_case(reference, "data:") {
        return data_uri_problem(reference, kind, &must);
    }
    url_problem(reference, kind, &must)
}

/// `must`, and why, when the scheme is not one the service fetches.
fn scheme_reason(reference: &str, must: &str) -> Option<String> {
    match scheme_of(reference) {
        Some(scheme)
            if FETCHABLE_SCHEMES
                .iter()
                .any(|s| s.eq_ignore_ascii_case(scheme)) =>
        {
            None
        }
        // A long "scheme" is text with a colon in it (a pasted base64
        // payload, a sentence): not quoted back.
        Some(scheme) if scheme.len() > MAX_QUOTED_SCHEME => {
            Some(format!("{must} (this is not a URL the service can fetch)"))
        }
        Some(scheme) => Some(format!(
            "{must} (the service cannot fetch `{scheme}:` references)"
        )),
        None => Some(format!(
            "{must} (a local file must be uploaded or sent as a data: URI)"
        )),
    }
}

fn data_uri_problem(reference: &str, kind: MediaKind, must: &str) -> Option<String> {
    let data = match DataUri::parse(reference) {
        Ok(data) => data,
        Err(error) => return Some(format!("{must} ({error})")),
    };
    let media_type = ellipsize(data.mime_type(), MAX_QUOTED_MEDIA_TYPE);
    match MediaKind::of_mime_type(data.mime_type()) {
        Some(found) if found == kind => None,
        Some(found) => Some(format!(
            "must be {}, but this data: URI holds {} ({media_type})",
            kind.noun(),
            found.noun()
        )),
        None => Some(format!(
            "must be {}, but this data: URI's media type is {media_type}",
            kind.noun()
        )),
    }
}

fn url_problem(reference: &str, kind: MediaKind, must: &str) -> Option<String> {
    if !(starts_with_ignore_case(reference, "http://")
        || starts_with_ignore_case(reference, "https://"))
    {
        return Some(format!("{must} (`//` and a host must follow the scheme)"));
    }
    if reference
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Some(format!(
            "{must} (a URL has no spaces or control characters: percent-encode them, a space as %20)"
        ));
    }
    let url = match Url::parse(reference) {
        Ok(url) => url,
        Err(error) => return Some(format!("{must} (this is not a valid URL: {error})")),
    };
    if url.host_str().is_none_or(str::is_empty) {
        return Some(format!("{must} (the URL has no host)"));
    }
    match MediaKind::of_extension(url.path()) {
        Some((found, extension)) if found != kind => Some(format!(
            "must be {}, but the URL's file name ends in `.{extension}` ({})",
            kind.noun(),
            found.noun()
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fetchable_schemes_pass() {
        assert_eq!(unfetchable_reason("https://example.com/a.png"), None);
        assert_eq!(unfetchable_reason("HTTP://127.0.0.1/a.png"), None);
        assert_eq!(unfetchable_reason("data:image/png;base64,AAAA"), None);
        assert!(unfetchable_reason("ftp://host/a.png").is_some_and(|r| r.contains("`ftp:`")));
        assert!(unfetchable_reason("./start.png").is_some_and(|r| r.contains("local file")));
        assert!(
            unfetchable_reason("C:\\images\\a.png").is_some(),
            "a drive letter is no scheme we fetch"
        );
    }

    /// Fuzz finding (`fuzz/`, target `validator`): a base64 payload pasted
    /// without `data:` and followed by a colon read as a scheme of
    /// thousands of characters, and the message quoted all of it.
    #[test]
    fn a_long_scheme_is_not_quoted_back() {
        let payload = "iVBORw0KGgoAAAANSUhEUgAA".repeat(200);
        let reason = unfetchable_reason(&format!("{payload}:x")).expect("not fetchable");
        assert!(!reason.contains("iVBOR"), "{reason}");
        assert!(reason.len() < 100, "{reason}");
        let short = "s".repeat(MAX_QUOTED_SCHEME);
        let reason = unfetchable_reason(&format!("{short}://x")).expect("not fetchable");
        assert!(reason.contains(&format!("`{short}:`")), "{reason}");
    }

    #[test]
    fn a_media_field_judges_the_kind_a_reference_says() {
        let image = MediaKind::Image;
        assert_eq!(reference_problem("https://example.com/a.png", image), None);
        assert_eq!(
            reference_problem("https://example.com/a", image),
            None,
            "no extension: not judged"
        );
        assert_eq!(
            reference_problem("https://example.com/a.PNG?x=1.wav", image),
            None
        );
        assert_eq!(
            reference_problem("https://example.com/a.wav", image).as_deref(),
            Some("must be an image, but the URL's file name ends in `.wav` (an audio file)")
        );
        assert_eq!(reference_problem("data:image/png;base64,AAAA", image), None);
        assert_eq!(
            reference_problem("data:audio/wav;base64,AAAA", image).as_deref(),
            Some("must be an image, but this data: URI holds an audio file (audio/wav)")
        );
        assert_eq!(
            reference_problem("data:,hello", MediaKind::Video).as_deref(),
            Some("must be a video, but this data: URI's media type is text/plain")
        );
        let bad = reference_problem("data:image/png;base64,@@", image).expect("bad base64");
        assert!(bad.contains("not valid base64"), "{bad}");
        let local = reference_problem("./a.mp4", MediaKind::Video).expect("a path");
        assert!(
            local.starts_with("must be an https URL or a data: URI of a video ("),
            "{local}"
        );
        for not_a_url in [
            "http:foo",
            "https://",
            "https://a b/c.png",
            "https://[::1/a.png",
        ] {
            assert!(reference_problem(not_a_url, image).is_some(), "{not_a_url}");
        }
    }
}
