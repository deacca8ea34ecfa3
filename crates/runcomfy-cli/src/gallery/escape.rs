//! Text from inputs and the service made safe inside HTML text and attributes.
//!
//! Every prompt, error, id and file name goes through [`html`]: with `&`,
//! `<`, `>`, `"` and `'` escaped, no text can open a tag or leave an
//! attribute's quotes, so markup in a prompt is shown, never run.

/// `text` escaped for HTML text and for a quoted attribute value.
pub(crate) fn html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// One path segment percent-encoded for a relative URL: only unreserved
/// characters are kept, so `#`, `?`, `%` and spaces in a file name stay in
/// the name.
pub(crate) fn url_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_text() {
        assert_eq!(
            html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            html(r#""><img src=x onerror="document.body.dataset.pwned=1">"#),
            "&quot;&gt;&lt;img src=x onerror=&quot;document.body.dataset.pwned=1&quot;&gt;"
        );
        assert_eq!(html("it's & that"), "it&#39;s &amp; that");
        assert_eq!(
            html("&amp;"),
            "&amp;amp;",
            "escaped once more, shown as typed"
        );
        assert_eq!(html("plain, ünïcode ✓"), "plain, ünïcode ✓");
    }

    #[test]
    fn a_segment_keeps_its_characters_in_the_name() {
        assert_eq!(url_segment("clip 1.mp4"), "clip%201.mp4");
        assert_eq!(url_segment("a#b?c%d"), "a%23b%3Fc%25d");
        assert_eq!(url_segment("\"onerror=x"), "%22onerror%3Dx");
        assert_eq!(url_segment("é"), "%C3%A9");
    }
}
