//! A loopback HTTP/1.1 server for tests: every request is answered 200 with
//! the bytes a function picks from the request's text (a start image, a
//! file to download), then the connection is closed.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// Starts a server on 127.0.0.1 (an ephemeral port) on the current tokio
/// runtime, answering each request with `content_type` and the bytes
/// `body_for` returns for the request's head (its first 2 KiB); returns its
/// address. It serves until the runtime ends.
pub async fn serve(
    content_type: &'static str,
    body_for: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static,
) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let body_for = Arc::new(body_for);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body_for = body_for.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 2048];
                let n = socket.read(&mut request).await.unwrap_or(0);
                let body = body_for(&String::from_utf8_lossy(&request[..n]));
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    address
}
