//! A loopback TCP proxy that records every byte clients send to its upstream.
//!
//! For checking what went on the wire to a server a test does not script
//! (the emulator, say).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// A loopback proxy that forwards each connection to its upstream and keeps
/// what the clients sent. Dropping it stops it and every connection it holds.
#[derive(Debug)]
pub struct RecordingProxy {
    address: SocketAddr,
    sent: Arc<Mutex<Vec<u8>>>,
    task: JoinHandle<()>,
}

impl RecordingProxy {
    /// Binds 127.0.0.1 on a free port and forwards every connection to
    /// `upstream`.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound (the test cannot run at all).
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let address = listener.local_addr().expect("the bound address");
        let sent = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn(accept_loop(listener, upstream, sent.clone()));
        Self {
            address,
            sent,
            task,
        }
    }

    /// Where the proxy listens (put it in a URL instead of the upstream's).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Every byte the clients sent so far, in the order it arrived (the
    /// connections' bytes one after another when they did not overlap).
    pub fn sent(&self) -> Vec<u8> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        // Both directions of every connection are tasks of the accept loop's
        // set: aborting the loop drops the set, which aborts them too.
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, upstream: SocketAddr, sent: Arc<Mutex<Vec<u8>>>) {
    let mut directions = JoinSet::new();
    while let Ok((client, _)) = listener.accept().await {
        while directions.try_join_next().is_some() {}
        let Ok(server) = TcpStream::connect(upstream).await else {
            continue; // the client sees its connection closed
        };
        let (client_read, client_write) = client.into_split();
        let (server_read, server_write) = server.into_split();
        directions.spawn(forward_recording(client_read, server_write, sent.clone()));
        directions.spawn(forward(server_read, client_write));
    }
}

/// Client to upstream, every byte recorded, until the client is done.
async fn forward_recording(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    sent: Arc<Mutex<Vec<u8>>>,
) {
    let mut buffer = [0u8; 8192];
    while let Ok(n @ 1..) = from.read(&mut buffer).await {
        let bytes = buffer.get(..n).unwrap_or_default();
        sent.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        if to.write_all(bytes).await.is_err() {
            break;
        }
    }
}

/// Upstream to client; the client's end is closed when the upstream's is.
async fn forward(mut from: OwnedReadHalf, mut to: OwnedWriteHalf) {
    let _ = tokio::io::copy(&mut from, &mut to).await;
    let _ = to.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_server::ScriptedServer;
    use crate::loopback_client::{exchange, get};

    #[tokio::test]
    async fn what_clients_send_is_forwarded_and_recorded() {
        let server = ScriptedServer::start(|_, connection| async move {
            connection.send_whole(b"hello").await;
        })
        .await;
        let proxy = RecordingProxy::start(server.address()).await;
        assert_ne!(proxy.address(), server.address());
        let first = get("/one", "X-Secret: s\r\n");
        let second = get("/two", "");

        let answer = exchange(proxy.address(), &first).await;
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert!(answer.ends_with("\r\n\r\nhello"), "{answer}");
        exchange(proxy.address(), &second).await;

        assert_eq!(proxy.sent(), format!("{first}{second}").into_bytes());
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].header("x-secret"), Some("s"));
        assert_eq!(requests[1].target(), "/two");
    }
}
