//! The scheme of a media reference, read the same way by the synchronous
//! checks (`rules`) and by the media step (`media`), and how much of one a
//! message may quote.

/// The longest scheme a message quotes: a longer "scheme" is pasted text
/// (a base64 payload, a sentence with a colon), not a name.
pub(crate) const MAX_QUOTED_SCHEME: usize = 32;

/// The scheme of a reference, if it has one (`https` in `https://…`).
pub(crate) fn scheme_of(reference: &str) -> Option<&str> {
    let (scheme, _) = reference.split_once(':')?;
    is_scheme_name(scheme).then_some(scheme)
}

/// The scheme of something that looks like `scheme://…`.
pub(crate) fn url_like_scheme(reference: &str) -> Option<&str> {
    let (scheme, _) = reference.split_once("://")?;
    // `C://x` is more likely a Windows path than a URL.
    (is_scheme_name(scheme) && scheme.len() > 1).then_some(scheme)
}

/// Whether `s` starts with `prefix`, ASCII case ignored (schemes are
/// case-insensitive).
pub(crate) fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// RFC 3986: a letter, then letters, digits, `+`, `-` or `.`.
fn is_scheme_name(scheme: &str) -> bool {
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheme_is_a_name_before_a_colon() {
        assert_eq!(scheme_of("https://a"), Some("https"));
        assert_eq!(scheme_of("data:,x"), Some("data"));
        assert_eq!(scheme_of("C:\\a.png"), Some("C"));
        assert_eq!(scheme_of("./a.png"), None);
        assert_eq!(scheme_of("1x:y"), None);
    }

    #[test]
    fn a_url_like_scheme_needs_slashes_and_two_letters() {
        assert_eq!(url_like_scheme("s3://bucket/a"), Some("s3"));
        assert_eq!(url_like_scheme("C://x"), None);
        assert_eq!(url_like_scheme("ftp:host"), None);
        assert!(starts_with_ignore_case("DATA:,x", "data:"));
        assert!(!starts_with_ignore_case("da", "data:"));
    }
}
