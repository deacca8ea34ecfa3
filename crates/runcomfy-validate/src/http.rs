//! HTTP facts the media probe, the client's downloads and the emulator share:
//! which hosts are this machine, which URL is really requested, and what a
//! `Content-Range` header says.
//!
//! Each rule has one home here so that two places never disagree on it (a
//! download and a probe reading the same `Content-Range` differently, or a
//! base URL and a media fetch disagreeing on what is loopback).

use reqwest::header::{CONTENT_RANGE, HeaderMap};
use url::{Host, Url};

/// Whether a URL's host is this machine: `localhost`, 127.0.0.0/8, `::1`,
/// or an IPv4-mapped loopback address. The one definition of "loopback" for
/// the client's base URL, its downloads and the emulator's media fetches.
pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => std::net::IpAddr::V6(ip).to_canonical().is_loopback(),
        None => false,
    }
}

/// Whether `reference` is an `http` or `https` URL whose host is loopback
/// ([`is_loopback_host`]): what a process that may fetch only from this
/// machine is allowed to fetch.
pub fn is_loopback_url(reference: &str) -> bool {
    Url::parse(reference)
        .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && is_loopback_host(&url))
}

/// The URL to send: user information removed, because reqwest would turn it
/// into an `Authorization` header, and the fragment removed, because it is
/// never part of a request.
pub fn request_url(url: &Url) -> Url {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);
    url
}

/// A `Content-Range` header of a byte range: `bytes first-last/total`,
/// `bytes first-last/*` (total unknown) or `bytes */total` (an unsatisfied
/// range).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentRange {
    /// The first and last byte served, inclusive.
    pub range: Option<(u64, u64)>,
    /// The size of the whole file, when the server said it.
    pub total: Option<u64>,
}

impl ContentRange {
    /// Parses a header value strictly: a range must have first <= last, and
    /// last < total when the total is known; `bytes */*`, another unit or
    /// anything malformed is `None` ("unknown"), never a guess.
    ///
    /// ```
    /// use runcomfy_validate::http::ContentRange;
    ///
    /// let served = ContentRange::parse("bytes 0-1023/5000").expect("valid");
    /// assert_eq!((served.range, served.total), (Some((0, 1023)), Some(5000)));
    /// assert_eq!(ContentRange::parse("bytes 0-5000/5000"), None);
    /// ```
    pub fn parse(value: &str) -> Option<Self> {
        let spec = value.trim().strip_prefix("bytes")?.trim_start();
        let (range, total) = spec.split_once('/')?;
        let total = match total.trim() {
            "*" => None,
            total => Some(total.parse().ok()?),
        };
        let range = match range.trim() {
            "*" => None,
            range => {
                let (first, last) = range.split_once('-')?;
                let (first, last): (u64, u64) =
                    (first.trim().parse().ok()?, last.trim().parse().ok()?);
                if first > last || total.is_some_and(|t| last >= t) {
                    return None;
                }
                Some((first, last))
            }
        };
        if range.is_none() && total.is_none() {
            return None;
        }
        Some(Self { range, total })
    }

    /// The `Content-Range` of an answer, when it has a valid one.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        Self::parse(headers.get(CONTENT_RANGE)?.to_str().ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_this_machine_only() {
        for url in [
            "http://localhost/a",
            "http://LOCALHOST:9/a",
            "http://127.0.0.1/a",
            "http://127.8.9.10/a",
            "http://[::1]/a",
            "http://[::ffff:127.0.0.1]/a",
        ] {
            assert!(is_loopback_host(&Url::parse(url).expect("url")), "{url}");
        }
        for url in [
            "http://10.0.0.1/a",
            "http://example.com/a",
            "http://[::2]/a",
            "http://localhost.example.com/a",
            "data:,x",
        ] {
            assert!(!is_loopback_host(&Url::parse(url).expect("url")), "{url}");
        }
    }

    #[test]
    fn loopback_urls_are_http_or_https_to_this_machine() {
        assert!(is_loopback_url("http://127.0.0.1:8080/a.png"));
        assert!(is_loopback_url("http://localhost/a.png"));
        assert!(is_loopback_url("https://[::1]:9/a.png"));
        assert!(!is_loopback_url("https://example.com/a.png"));
        assert!(!is_loopback_url("http://10.0.0.1/a.png"));
        assert!(!is_loopback_url("ftp://127.0.0.1/a.png"));
        assert!(!is_loopback_url("file:///etc/passwd"));
        assert!(!is_loopback_url("not a url"));
    }

    #[test]
    fn request_url_has_no_credentials() {
        let url = Url::parse("https://user:pw@host.example/a.png").expect("valid URL");
        assert_eq!(request_url(&url).as_str(), "https://host.example/a.png");
        let url = Url::parse("https://host.example/a.png?sig=1#part").expect("valid URL");
        assert_eq!(
            request_url(&url).as_str(),
            "https://host.example/a.png?sig=1",
            "the query is part of the request"
        );
    }

    #[test]
    fn content_range_parsing() {
        let r = ContentRange::parse("bytes 0-1023/5000000").expect("valid");
        assert_eq!(r.range, Some((0, 1023)));
        assert_eq!(r.total, Some(5_000_000));
        let r = ContentRange::parse("bytes 0-9/*").expect("valid");
        assert_eq!(r.range, Some((0, 9)));
        assert_eq!(r.total, None);
        let r = ContentRange::parse("bytes */0").expect("valid");
        assert_eq!(r.range, None);
        assert_eq!(r.total, Some(0));
        assert_eq!(ContentRange::parse("items 0-1/2"), None);
    }

    /// The client's downloads read these headers strictly and this crate's
    /// probe leniently; the one parser is the strict one, so what the lenient
    /// reading guessed from is now "unknown".
    #[test]
    fn a_content_range_that_breaks_the_grammar_is_unknown() {
        let range = |first, last, total| ContentRange {
            range: Some((first, last)),
            total,
        };
        assert_eq!(
            ContentRange::parse("bytes 100-199/1000"),
            Some(range(100, 199, Some(1000)))
        );
        assert_eq!(
            ContentRange::parse(" bytes  100 - 199 / * "),
            Some(range(100, 199, None))
        );
        assert_eq!(
            ContentRange::parse("bytes */1000"),
            Some(ContentRange {
                range: None,
                total: Some(1000)
            })
        );
        for broken in [
            "bytes */*",
            "bytes 200-100/1000",
            "bytes 0-1000/1000",
            "bytes 5-9",
            "bytes x-9/10",
            "bytes 0-9/ten",
            "BYTES 0-9/10",
            "",
        ] {
            assert_eq!(ContentRange::parse(broken), None, "{broken:?}");
        }
    }

    #[test]
    fn a_content_range_is_read_from_the_headers() {
        let mut headers = HeaderMap::new();
        assert_eq!(ContentRange::from_headers(&headers), None);
        headers.insert(CONTENT_RANGE, "bytes 0-9/10".parse().expect("header value"));
        assert_eq!(
            ContentRange::from_headers(&headers),
            Some(ContentRange {
                range: Some((0, 9)),
                total: Some(10)
            })
        );
    }
}
