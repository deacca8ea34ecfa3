//! Probing servers on 127.0.0.1 only (no internet, no proxy).

use std::net::SocketAddr;
use std::time::Duration;

use runcomfy_validate::media::{MediaProbe, MediaSource};

/// A probe whose client ignores any proxy settings of the environment, so
/// that requests to 127.0.0.1 really go to the local test server.
pub(crate) fn local_probe() -> MediaProbe {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("test client builds");
    MediaProbe::with_client(client).with_timeout(Duration::from_secs(10))
}

pub(crate) fn http_source(addr: SocketAddr, path: &str) -> MediaSource {
    MediaSource::parse(&format!("http://{addr}{path}")).expect("valid http reference")
}
