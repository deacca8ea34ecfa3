//! How URLs are shown in messages and logs. A signed URL's query is a
//! credential (`X-Amz-Signature=…`), and user information in a URL is a
//! password, so neither is ever shown as given.
//!
//! Two policies are in use, side by side:
//!
//! - **Secrets masked** ([`url_with_secrets_masked`],
//!   [`reference_with_query_elided`]): for media references in validation
//!   messages, where the rest of the query helps a user find the file. User
//!   information and the fragment are removed and the values of
//!   secret-looking query parameters become `***`. A reference that is not a
//!   URL cannot be split into parameters safely, so its query is cut and
//!   marked with `?…`, and it is cut to 200 characters.
//! - **Query removed** ([`url_without_query`], [`reference_without_query`]):
//!   for downloaded outputs, whose query is nothing but a signature. User
//!   information, the query and the fragment are removed.
//!
//! Each policy has a function for a parsed [`Url`] and one for a reference
//! that did not parse as a URL.

use url::Url;

use crate::http::request_url;
use crate::text::ellipsize;

/// Query parameter names whose values are treated as secrets in messages.
const SECRET_PARAM_HINTS: [&str; 9] = [
    "sig", "token", "key", "auth", "cred", "secret", "pass", "session", "policy",
];

/// The longest unparsed reference a message quotes, in characters.
const MAX_REFERENCE_CHARS: usize = 200;

/// The URL without user information or fragment, with the values of
/// signature-like query parameters replaced by `***`.
///
/// ```
/// use runcomfy_validate::redact::url_with_secrets_masked;
///
/// let url = url::Url::parse("https://u:p@cdn.example/a.png?X-Amz-Signature=abc&w=1#f").expect("a valid URL");
/// assert_eq!(url_with_secrets_masked(&url), "https://cdn.example/a.png?X-Amz-Signature=***&w=1");
/// ```
pub fn url_with_secrets_masked(url: &Url) -> String {
    let mut shown = request_url(url);
    let Some(query) = shown.query().map(mask_query) else {
        return shown.to_string();
    };
    shown.set_query(Some(&query));
    shown.to_string()
}

/// A reference that did not parse as a URL, made safe to show: user
/// information removed, everything from `?` or `#` replaced by `?…`, and at
/// most 200 characters (then `…`).
///
/// ```
/// use runcomfy_validate::redact::reference_with_query_elided;
///
/// assert_eq!(reference_with_query_elided("https://u:p@bad host/x?token=1"), "https://bad host/x?…");
/// ```
pub fn reference_with_query_elided(reference: &str) -> String {
    let mut shown = reference.to_owned();
    if let Some(scheme_end) = shown.find("://") {
        let authority_start = scheme_end + 3;
        let authority_end = shown
            .get(authority_start..)
            .and_then(|rest| rest.find(['/', '?', '#']))
            .map_or(shown.len(), |i| authority_start + i);
        if let Some(at) = shown
            .get(authority_start..authority_end)
            .and_then(|authority| authority.rfind('@'))
        {
            shown.replace_range(authority_start..=authority_start + at, "");
        }
    }
    if let Some(q) = shown.find(['?', '#']) {
        shown.truncate(q);
        shown.push_str("?…");
    }
    ellipsize(&shown, MAX_REFERENCE_CHARS)
}

/// The URL without user information, query or fragment.
///
/// ```
/// use runcomfy_validate::redact::url_without_query;
///
/// let url = url::Url::parse("https://u:p@cdn.example/b.mp4?X-Sig=secret#f").expect("a valid URL");
/// assert_eq!(url_without_query(&url), "https://cdn.example/b.mp4");
/// ```
pub fn url_without_query(url: &Url) -> String {
    let mut url = request_url(url);
    url.set_query(None);
    url.to_string()
}

/// A reference that did not parse as a URL, cut at `?` or `#`, with user
/// information removed.
///
/// ```
/// use runcomfy_validate::redact::reference_without_query;
///
/// assert_eq!(reference_without_query("https://u:p@cdn example/a?sig=1"), "https://cdn example/a");
/// ```
pub fn reference_without_query(reference: &str) -> String {
    let end = reference.find(['?', '#']).unwrap_or(reference.len());
    let raw = reference.get(..end).unwrap_or(reference);
    let (scheme, rest) = raw.split_once("://").unwrap_or(("", raw));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let rest = match rest.get(..authority_end).and_then(|a| a.rfind('@')) {
        Some(at) => rest.get(at + 1..).unwrap_or(rest),
        None => rest,
    };
    if scheme.is_empty() {
        rest.to_owned()
    } else {
        format!("{scheme}://{rest}")
    }
}

fn mask_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_secret_param(name) => format!("{name}=***"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn is_secret_param(name: &str) -> bool {
    let name = percent_encoding::percent_decode_str(name)
        .decode_utf8_lossy()
        .to_ascii_lowercase();
    SECRET_PARAM_HINTS.iter().any(|hint| name.contains(hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("valid URL")
    }

    #[test]
    fn urls_are_redacted_for_display() {
        let url = url(
            "https://user:pw@host.example/a.png?X-Amz-Signature=abc&X-Amz-Credential=k&name=x#frag",
        );
        let shown = url_with_secrets_masked(&url);
        assert_eq!(
            shown,
            "https://host.example/a.png?X-Amz-Signature=***&X-Amz-Credential=***&name=x"
        );
        assert_eq!(
            reference_with_query_elided("https://user:pw@bad host/x?token=1"),
            "https://bad host/x?…"
        );
    }

    #[test]
    fn secret_names_are_found_in_any_case_and_percent_encoding() {
        let shown =
            url_with_secrets_masked(&url("https://h.example/a?Session%49d=1&TOKEN=2&w=3&flag"));
        assert_eq!(
            shown,
            "https://h.example/a?Session%49d=***&TOKEN=***&w=3&flag"
        );
        assert_eq!(
            url_with_secrets_masked(&url("https://h.example/a")),
            "https://h.example/a"
        );
    }

    #[test]
    fn an_unparsed_reference_is_cut_to_200_characters() {
        let long = format!("x{}", "y".repeat(300));
        let shown = reference_with_query_elided(&long);
        assert_eq!(shown.chars().count(), 201);
        assert!(shown.ends_with('…'), "{shown}");
        assert_eq!(reference_with_query_elided("a.png#part"), "a.png?…");
        assert_eq!(reference_with_query_elided("a.png"), "a.png");
    }

    #[test]
    fn urls_are_shown_without_secrets() {
        let url = url("https://u:p@cdn.example/a/b.mp4?X-Sig=secret#frag");
        assert_eq!(url_without_query(&url), "https://cdn.example/a/b.mp4");
        assert_eq!(
            reference_without_query("https://u:p@cdn example/a?sig=secret"),
            "https://cdn example/a"
        );
        assert_eq!(reference_without_query("not a url?sig=secret"), "not a url");
    }

    #[test]
    fn the_two_policies_differ_only_in_the_query() {
        let url = url("https://u:p@cdn.example/a.png?w=1&sig=2#f");
        assert_eq!(
            url_with_secrets_masked(&url),
            "https://cdn.example/a.png?w=1&sig=***"
        );
        assert_eq!(url_without_query(&url), "https://cdn.example/a.png");
        let raw = "https://u:p@cdn example/a.png?w=1";
        assert_eq!(
            reference_with_query_elided(raw),
            "https://cdn example/a.png?…"
        );
        assert_eq!(reference_without_query(raw), "https://cdn example/a.png");
        assert_eq!(reference_without_query("u@host/a"), "host/a");
    }
}
