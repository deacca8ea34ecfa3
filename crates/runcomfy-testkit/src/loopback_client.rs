//! The raw client of the kit's own unit tests: one request, its answer read.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// A `GET` request head for `target` with extra header lines.
pub(crate) fn get(target: &str, headers: &str) -> String {
    format!("GET {target} HTTP/1.1\r\nHost: x\r\n{headers}\r\n")
}

/// Opens a connection to `address` and sends `request` on it.
pub(crate) async fn send(address: SocketAddr, request: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("send the request");
    stream
}

/// Sends `request` on a new connection and reads the answer to its end.
pub(crate) async fn exchange(address: SocketAddr, request: &str) -> String {
    let mut stream = send(address, request).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}
