//! [`Target`]: an output URL checked before any request (https, or http to
//! loopback; no user info) and how errors and logs show it.

use runcomfy_validate::http::{is_loopback_host, request_url};
use runcomfy_validate::redact::{reference_without_query as shown_raw, url_without_query};
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
        let url = Url::parse(given).map_err(|error| {
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
                url_without_query(&url)
            )));
        }
        // Never sent: user-info would become an Authorization header.
        let url = request_url(&url);
        Ok(Self {
            given,
            shown: url_without_query(&url),
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
/// Where a redirect went, as errors and logs show it.
pub(crate) fn shown(url: &Url) -> String {
    url_without_query(url)
}

pub(crate) fn allowed(url: &Url) -> bool {
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => is_loopback_host(url),
        _ => false,
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
        assert_eq!(url_without_query(&url), "https://cdn.example/a/b.mp4");
        assert_eq!(
            shown_raw("https://u:p@cdn example/a?sig=secret"),
            "https://cdn example/a"
        );
        assert_eq!(shown_raw("not a url?sig=secret"), "not a url");
    }
}
