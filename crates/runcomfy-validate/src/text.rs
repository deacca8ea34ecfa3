//! Text for messages: shortened user text and one-line error causes.
//!
//! Messages name what went wrong in one line, never the whole of a value a
//! user pasted, so every crate that builds a message cuts and joins text the
//! same way through these functions.

use std::error::Error;
use std::fmt::Write as _;

/// At most `max_chars` characters of `text`, with `…` appended when something
/// was cut (so the result may be one character longer than `max_chars`).
///
/// ```
/// use runcomfy_validate::text::ellipsize;
///
/// assert_eq!(ellipsize("gopher", 10), "gopher");
/// assert_eq!(ellipsize("gopher", 3), "gop…");
/// ```
pub fn ellipsize(text: &str, max_chars: usize) -> String {
    let mut chars = text.chars();
    let mut cut: String = chars.by_ref().take(max_chars).collect();
    if chars.next().is_some() {
        cut.push('…');
    }
    cut
}

/// The error and all its sources on one line, joined by `": "`.
///
/// ```
/// use runcomfy_validate::text::error_chain;
///
/// let error = std::io::Error::other("disk full");
/// assert_eq!(error_chain(&error), "disk full");
/// ```
pub fn error_chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let _ = write!(text, ": {inner}");
        cause = inner.source();
    }
    text
}

/// The message of the innermost cause (the error itself when it has no
/// source), without the ` (os error N)` suffix: the part a user can act on,
/// such as `Connection refused`.
pub fn innermost_reason(error: &dyn Error) -> String {
    let mut innermost = error;
    while let Some(inner) = innermost.source() {
        innermost = inner;
    }
    strip_os_error(&innermost.to_string()).to_owned()
}

/// `"Connection refused (os error 111)"` -> `"Connection refused"`: the
/// error number says nothing to a user and differs between systems.
pub fn strip_os_error(message: &str) -> &str {
    match message.find(" (os error ") {
        Some(at) => message.get(..at).unwrap_or(message),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error with one source, like a transport error over an I/O error.
    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("error sending request")
        }
    }

    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    fn refused() -> Outer {
        Outer(std::io::Error::from_raw_os_error(111))
    }

    #[test]
    fn ellipsize_counts_characters_and_marks_a_cut() {
        assert_eq!(ellipsize("", 0), "");
        assert_eq!(ellipsize("abc", 0), "…");
        assert_eq!(ellipsize("abc", 3), "abc");
        assert_eq!(ellipsize("abcd", 3), "abc…");
        assert_eq!(ellipsize("ééééé", 2), "éé…", "characters, not bytes");
    }

    #[test]
    fn the_chain_names_every_cause_in_order() {
        let error = refused();
        let chain = error_chain(&error);
        assert!(chain.starts_with("error sending request: "), "{chain}");
        assert!(chain.ends_with("(os error 111)"), "{chain}");
        assert_eq!(chain.matches(": ").count(), 1, "{chain}");
    }

    #[test]
    fn the_innermost_reason_has_no_os_error_number() {
        let error = refused();
        let reason = innermost_reason(&error);
        assert!(!reason.contains("os error"), "{reason}");
        assert!(!reason.contains("sending"), "{reason}");
        let alone = std::io::Error::other("no route");
        assert_eq!(innermost_reason(&alone), "no route");
    }

    #[test]
    fn os_error_suffix_is_removed() {
        assert_eq!(
            strip_os_error("Connection refused (os error 111)"),
            "Connection refused"
        );
        assert_eq!(strip_os_error("timed out"), "timed out");
    }
}
