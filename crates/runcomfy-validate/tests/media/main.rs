//! The media probe, one module a behaviour: local files, `data:` URIs,
//! references, HTTP reads and errors, credentials, the probe as a value.
//! One test binary, so that the suite links once.

#[path = "../support/images.rs"]
mod images;
#[path = "../support/loopback.rs"]
mod loopback;
#[path = "../support/needs.rs"]
mod needs;
#[path = "../support/servers.rs"]
mod servers;

mod credentials;
mod data_uris;
mod files;
mod http_errors;
mod http_reads;
mod probe;
mod references;
