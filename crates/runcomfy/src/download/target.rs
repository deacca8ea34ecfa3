//! [`Target`]: an output URL checked before any request (https, or http to
//! loopback; no user info) and how errors and logs show it.

use url::Url;

use crate::error::{Error, Result};

/// A URL that was checked, and how it is shown.
#[derive(Debug)]
pub(crate) struct Target<'a> {
    /// As given (for [`DownloadedFile::url`]).
    pub(crate) given: &'a str,
    /// What is requested: user-info and fragment removed.
    pub(crate) url: Url,
    /// What errors and logs show: no user-info, query or fragment.
    pub(crate) shown: String,
    pub(crate) request_id: Option<&'a str>,
}

impl<'a> Target<'a> {
    pub(crate) fn new(given: &'a str, request_id: Option<&'a str>) -> Result<Self> {
        let mut url = Url::parse(given).map_err(|error| {
            Error::Configuration(format!(
                "output URL {} is not a valid URL: {error}",
                shown_raw(given)
            ))
        })?;
        if !allowed(&url) {
            let why = match url.scheme() {
                "http" => "plain http is only allowed to a loopback host (127.0.0.0/8, ::1, localhost); use https".to_owned(),
                scheme => format!("the scheme {scheme:?} is not allowed; only https (or http to a loopback host)"),
            };
            return Err(Error::Configuration(format!(
                "output URL {} refused: {why}",
                shown(&url)
            )));
        }
        // Never sent: user-info would become an Authorization header.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_fragment(None);
        Ok(Self {
            given,
            shown: shown(&url),
            url,
            request_id,
        })
    }

    pub(crate) fn fail(&self, reason: String) -> Error {
        Error::Download {
            request_id: self.request_id.map(str::to_owned),
            url: self.shown.clone(),
            reason,
        }
    }
}

/// `https` anywhere, `http` only to loopback.
pub(crate) fn allowed(url: &Url) -> bool {
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => runcomfy_validate::media::is_loopback_host(url),
        _ => false,
    }
}

/// A URL without user-info, query or fragment: safe for errors and logs.
pub(crate) fn shown(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

/// The same for text that is not a URL: cut at `?` or `#`, user-info dropped.
fn shown_raw(raw: &str) -> String {
    let end = raw.find(['?', '#']).unwrap_or(raw.len());
    let raw = &raw[..end];
    let (scheme, rest) = raw.split_once("://").unwrap_or(("", raw));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let rest = match rest[..authority_end].rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    if scheme.is_empty() {
        rest.to_owned()
    } else {
        format!("{scheme}://{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_is_allowed() {
        let ok = |u: &str| allowed(&Url::parse(u).expect("url"));
        assert!(ok("https://cdn.example/a.mp4"));
        assert!(ok("http://127.0.0.1:8080/a.mp4"));
        assert!(ok("http://127.9.9.9/a.mp4"));
        assert!(ok("http://[::1]/a.mp4"));
        assert!(ok("http://[::ffff:127.0.0.1]/a.mp4"));
        assert!(ok("http://LOCALHOST/a.mp4"));
        assert!(!ok("http://example.invalid/a.mp4"));
        assert!(!ok("http://10.0.0.1/a.mp4"));
        assert!(!ok("http://localhost.example/a.mp4"));
        assert!(!ok("ftp://127.0.0.1/a.mp4"));
        assert!(!ok("file:///etc/passwd"));
        assert!(!ok("data:video/mp4;base64,AAAA"));
    }

    #[test]
    fn urls_are_shown_without_secrets() {
        let url = Url::parse("https://u:p@cdn.example/a/b.mp4?X-Sig=secret#frag").expect("url");
        assert_eq!(shown(&url), "https://cdn.example/a/b.mp4");
        assert_eq!(
            shown_raw("https://u:p@cdn example/a?sig=secret"),
            "https://cdn example/a"
        );
        assert_eq!(shown_raw("not a url?sig=secret"), "not a url");
    }
}
