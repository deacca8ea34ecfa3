//! A scripted HTTP/1.1 server on 127.0.0.1 for tests that need answers no
//! well-behaved server gives: a dropped connection, a stalled or endless
//! body, an ignored `Range`, a wrong length.
//!
//! Each connection carries one request: its head is read and recorded, then
//! handed with the connection to the test's script, which writes exactly the
//! bytes it wants (every answer says `Connection: close`). Dropping the
//! [`ScriptedServer`] stops it and every connection it holds. It depends on
//! no crate of this workspace, so every crate's tests can use it.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// A loopback server that answers each request with a test's script.
#[derive(Debug)]
pub struct ScriptedServer {
    address: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    body_bytes: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl ScriptedServer {
    /// Binds 127.0.0.1 on a free port and answers every connection with
    /// `script(request, connection)`.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound (the test cannot run at all).
    pub async fn start<S, F>(script: S) -> Self
    where
        S: Fn(Request, Connection) -> F + Send + Sync + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let address = listener.local_addr().expect("the bound address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let body_bytes = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(accept_loop(
            listener,
            Arc::new(script),
            requests.clone(),
            body_bytes.clone(),
        ));
        Self {
            address,
            requests,
            body_bytes,
            task,
        }
    }

    /// Where the server listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Every request received so far, in the order their heads arrived.
    pub fn requests(&self) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Body bytes the scripts handed to the connections so far (what was
    /// offered, even where the client hung up before reading it all).
    pub fn body_bytes_sent(&self) -> u64 {
        self.body_bytes.load(Ordering::Relaxed)
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        // The connections are tasks of the accept loop's set: aborting the
        // loop drops the set, which aborts them too.
        self.task.abort();
    }
}

async fn accept_loop<S, F>(
    listener: TcpListener,
    script: Arc<S>,
    requests: Arc<Mutex<Vec<Request>>>,
    body_bytes: Arc<AtomicU64>,
) where
    S: Fn(Request, Connection) -> F + Send + Sync + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let mut connections = JoinSet::new();
    while let Ok((mut stream, _)) = listener.accept().await {
        while connections.try_join_next().is_some() {}
        let script = script.clone();
        let requests = requests.clone();
        let body_bytes = body_bytes.clone();
        connections.spawn(async move {
            let Some(head) = read_head(&mut stream).await else {
                return;
            };
            let request = {
                let mut requests = requests.lock().unwrap_or_else(PoisonError::into_inner);
                let request = Request {
                    index: requests.len(),
                    head,
                };
                requests.push(request.clone());
                request
            };
            script(request, Connection { stream, body_bytes }).await;
        });
    }
}

/// The request head, up to and including the blank line; `None` when the
/// client closes first.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer).await.ok()?;
        head.extend_from_slice(buffer.get(..n).filter(|read| !read.is_empty())?);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// One request as received: its head, and its place among the server's
/// requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    index: usize,
    head: String,
}

impl Request {
    /// 0 for the server's first request, 1 for the next, …
    pub fn index(&self) -> usize {
        self.index
    }

    /// The whole head as received: request line, headers, blank line.
    pub fn head(&self) -> &str {
        &self.head
    }

    /// `GET`, `HEAD`, …
    pub fn method(&self) -> &str {
        self.head.split_whitespace().next().unwrap_or_default()
    }

    /// The request target, e.g. `/out/video.mp4`.
    pub fn target(&self) -> &str {
        self.head.split_whitespace().nth(1).unwrap_or_default()
    }

    /// The value of a header (names compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.head, name)
    }

    /// The `Range` asked for, when it is one `bytes=` range.
    pub fn range(&self) -> Option<RequestedRange> {
        RequestedRange::parse(self.header("range")?)
    }
}

/// The value of a header in a request head (names compared
/// case-insensitively), for heads recorded elsewhere (by a proxy, say).
pub fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// A `Range: bytes=FIRST-` or `bytes=FIRST-LAST` request header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestedRange {
    /// The first byte asked for.
    pub first: usize,
    /// The last byte asked for (inclusive); `None` for "to the end".
    pub last: Option<usize>,
}

impl RequestedRange {
    /// Parses a `Range` header value; `None` for anything but one byte range
    /// with a first byte.
    pub fn parse(value: &str) -> Option<Self> {
        let (first, last) = value.trim().strip_prefix("bytes=")?.split_once('-')?;
        let last = match last.trim() {
            "" => None,
            last => Some(last.parse().ok()?),
        };
        Some(Self {
            first: first.trim().parse().ok()?,
            last,
        })
    }

    /// The bytes of `file` this range selects (the last byte clamped to the
    /// file's end), or `None` when it starts at or past the end.
    pub fn within(self, file_len: usize) -> Option<(usize, usize)> {
        let end = file_len.checked_sub(1)?;
        (self.first <= end).then(|| (self.first, self.last.map_or(end, |last| last.min(end))))
    }
}

/// The connection of one request, for the script to answer on.
#[derive(Debug)]
pub struct Connection {
    stream: TcpStream,
    body_bytes: Arc<AtomicU64>,
}

impl Connection {
    /// Writes `HTTP/1.1 {status}`, `Connection: close`, then each header
    /// line (`"Content-Length: 10"`) and the blank line.
    pub async fn write_head(&mut self, status: &str, headers: &[String]) {
        let mut text = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
        for header in headers {
            text.push_str(header);
            text.push_str("\r\n");
        }
        text.push_str("\r\n");
        let _ = self.stream.write_all(text.as_bytes()).await;
    }

    /// Writes a head announcing a chunked body (no `Content-Length`).
    pub async fn write_chunked_head(&mut self, status: &str) {
        self.write_head(status, &["Transfer-Encoding: chunked".to_owned()])
            .await;
    }

    /// Writes body bytes as they are; `false` once the client is gone.
    pub async fn write_body(&mut self, bytes: &[u8]) -> bool {
        self.count(bytes.len());
        self.stream.write_all(bytes).await.is_ok()
    }

    /// Writes one chunk of a chunked body; `false` once the client is gone.
    pub async fn write_chunk(&mut self, bytes: &[u8]) -> bool {
        if bytes.is_empty() {
            return true; // an empty chunk would end the body
        }
        let size = format!("{:x}\r\n", bytes.len());
        self.count(bytes.len());
        self.stream.write_all(size.as_bytes()).await.is_ok()
            && self.stream.write_all(bytes).await.is_ok()
            && self.stream.write_all(b"\r\n").await.is_ok()
    }

    /// Ends a chunked body and closes the connection.
    pub async fn end_chunks(mut self) {
        let _ = self.stream.write_all(b"0\r\n\r\n").await;
        self.finish().await;
    }

    /// Closes the connection cleanly (everything written is delivered).
    pub async fn finish(mut self) {
        let _ = self.stream.shutdown().await;
    }

    /// Sends nothing more and keeps the connection open until the client
    /// closes it: a server that never answers, or a body that stalls.
    pub async fn hold(mut self) {
        let mut buffer = [0u8; 1024];
        while matches!(self.stream.read(&mut buffer).await, Ok(n) if n > 0) {}
    }

    /// Answers with a status and an empty body.
    pub async fn send_status(mut self, status: &str) {
        self.write_head(status, &["Content-Length: 0".to_owned()])
            .await;
        self.finish().await;
    }

    /// `200` with `Content-Length` and the whole file.
    pub async fn send_whole(mut self, file: &[u8]) {
        self.write_head("200 OK", &[format!("Content-Length: {}", file.len())])
            .await;
        self.write_body(file).await;
        self.finish().await;
    }

    /// `200` announcing the whole file, then half of it and a dropped
    /// connection.
    pub async fn send_half_and_drop(mut self, file: &[u8]) {
        self.write_head("200 OK", &[format!("Content-Length: {}", file.len())])
            .await;
        self.write_body(file.get(..file.len() / 2).unwrap_or_default())
            .await;
        let _ = self.stream.flush().await;
        // A moment for the half to leave before the connection goes.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    /// `200` announcing `length` body bytes, then `prefix` and nothing more
    /// until the client hangs up: a body that stalls (or is far longer than
    /// what ever arrives).
    pub async fn send_stalled(mut self, length: u64, prefix: &[u8]) {
        self.write_head("200 OK", &[format!("Content-Length: {length}")])
            .await;
        self.write_body(prefix).await;
        self.hold().await;
    }

    /// `206` with `Content-Range: bytes FIRST-LAST/TOTAL` for the range the
    /// request asks for, or the whole file ([`send_whole`](Self::send_whole))
    /// without a satisfiable range.
    pub async fn send_range(mut self, file: &[u8], request: &Request) {
        let Some((first, last)) = request.range().and_then(|r| r.within(file.len())) else {
            return self.send_whole(file).await;
        };
        let part = file.get(first..=last).unwrap_or_default();
        self.write_head(
            "206 Partial Content",
            &[
                format!("Content-Length: {}", part.len()),
                format!("Content-Range: bytes {first}-{last}/{}", file.len()),
            ],
        )
        .await;
        self.write_body(part).await;
        self.finish().await;
    }

    fn count(&self, bytes: usize) {
        self.body_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::loopback_client::{get, send};

    /// Sends `request` on a new connection and reads the answer to its end.
    async fn exchange(server: &ScriptedServer, request: &str) -> String {
        crate::loopback_client::exchange(server.address(), request).await
    }

    fn request_line(request: &Request) -> (usize, &str, &str) {
        (request.index(), request.method(), request.target())
    }

    const FILE: &[u8] = b"0123456789";

    async fn ranged_server() -> ScriptedServer {
        ScriptedServer::start(|request, connection| async move {
            connection.send_range(FILE, &request).await;
        })
        .await
    }

    #[tokio::test]
    async fn requests_are_recorded_in_order_with_their_headers() {
        let server = ranged_server().await;
        assert!(server.url("/a").starts_with("http://127.0.0.1:"));
        exchange(&server, &get("/first", "Range: bytes=2-4\r\n")).await;
        exchange(&server, "HEAD /second HTTP/1.1\r\nX-Token: t\r\n\r\n").await;
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(request_line(&requests[0]), (0, "GET", "/first"));
        assert_eq!(requests[0].header("RANGE"), Some("bytes=2-4"));
        assert_eq!(request_line(&requests[1]), (1, "HEAD", "/second"));
        assert_eq!(requests[1].header("x-token"), Some("t"));
        assert_eq!(requests[1].header("range"), None);
        assert!(requests[1].head().ends_with("\r\n\r\n"));
    }

    #[tokio::test]
    async fn a_range_is_served_as_206_and_anything_else_whole() {
        let server = ranged_server().await;
        let part = exchange(&server, &get("/f", "Range: bytes=2-4\r\n")).await;
        assert!(
            part.starts_with("HTTP/1.1 206 Partial Content\r\n"),
            "{part}"
        );
        assert!(part.contains("Content-Range: bytes 2-4/10\r\n"), "{part}");
        assert!(part.ends_with("\r\n\r\n234"), "{part}");
        let tail = exchange(&server, &get("/f", "Range: bytes=7-\r\n")).await;
        assert!(tail.contains("Content-Range: bytes 7-9/10\r\n"), "{tail}");
        assert!(tail.ends_with("\r\n\r\n789"), "{tail}");
        let clamped = exchange(&server, &get("/f", "Range: bytes=8-99\r\n")).await;
        assert!(clamped.ends_with("\r\n\r\n89"), "{clamped}");
        for headers in ["", "Range: bytes=10-\r\n", "Range: items=1-2\r\n"] {
            let whole = exchange(&server, &get("/f", headers)).await;
            assert!(whole.starts_with("HTTP/1.1 200 OK\r\n"), "{whole}");
            assert!(whole.contains("Content-Length: 10\r\n"), "{whole}");
            assert!(whole.ends_with("\r\n\r\n0123456789"), "{whole}");
        }
        assert_eq!(server.body_bytes_sent(), 3 + 3 + 2 + 3 * 10);
    }

    #[tokio::test]
    async fn a_chunked_body_is_framed_and_ended() {
        let server = ScriptedServer::start(|_, mut connection| async move {
            connection.write_chunked_head("200 OK").await;
            for chunk in [&b"hello"[..], b"", b" world"] {
                connection.write_chunk(chunk).await;
            }
            connection.end_chunks().await;
        })
        .await;
        let answer = exchange(&server, &get("/c", "")).await;
        assert!(
            answer.contains("Transfer-Encoding: chunked\r\n"),
            "{answer}"
        );
        assert!(!answer.contains("Content-Length"), "{answer}");
        assert!(
            answer.ends_with("\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
            "{answer:?}"
        );
        assert_eq!(server.body_bytes_sent(), 11);
    }

    #[tokio::test]
    async fn half_a_body_then_a_dropped_connection() {
        let server = ScriptedServer::start(|_, connection| async move {
            connection.send_half_and_drop(FILE).await;
        })
        .await;
        let answer = exchange(&server, &get("/h", "")).await;
        assert!(answer.contains("Content-Length: 10\r\n"), "{answer}");
        assert!(answer.ends_with("\r\n\r\n01234"), "{answer}");
        let status = ScriptedServer::start(|_, connection| async move {
            connection.send_status("404 Not Found").await;
        })
        .await;
        let answer = exchange(&status, &get("/missing", "")).await;
        assert_eq!(
            answer,
            "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        );
    }

    #[tokio::test]
    async fn a_held_connection_ends_when_the_server_is_dropped() {
        let server = ScriptedServer::start(|_, connection| connection.hold()).await;
        let mut stream = send(server.address(), &get("/slow", "")).await;
        let mut byte = [0u8; 1];
        let silent = tokio::time::timeout(Duration::from_millis(100), stream.read(&mut byte)).await;
        assert!(silent.is_err(), "no answer while held");
        while server.requests().is_empty() {
            tokio::task::yield_now().await;
        }
        drop(server);
        let closed = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut byte))
            .await
            .expect("closed soon after the server is dropped");
        assert!(matches!(closed, Ok(0) | Err(_)), "{closed:?}");
    }

    #[tokio::test]
    async fn a_stalled_body_sends_its_prefix_and_then_nothing() {
        let server = ScriptedServer::start(|_, connection| async move {
            connection.send_stalled(10_000, FILE).await;
        })
        .await;
        let mut stream = send(server.address(), &get("/stall", "")).await;
        let mut answer = Vec::new();
        while !answer.ends_with(FILE) {
            let mut buffer = [0u8; 1024];
            let n = stream.read(&mut buffer).await.expect("read");
            assert!(n > 0, "closed early: {answer:?}");
            answer.extend_from_slice(&buffer[..n]);
        }
        let answer = String::from_utf8_lossy(&answer).into_owned();
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert!(answer.contains("Content-Length: 10000\r\n"), "{answer}");
        let mut byte = [0u8; 1];
        let silent = tokio::time::timeout(Duration::from_millis(100), stream.read(&mut byte)).await;
        assert!(silent.is_err(), "nothing after the prefix");
        assert_eq!(server.body_bytes_sent(), 10);
    }

    #[test]
    fn requested_ranges_parse_and_clamp() {
        let range = |first, last| RequestedRange { first, last };
        assert_eq!(
            RequestedRange::parse("bytes=0-262143"),
            Some(range(0, Some(262_143)))
        );
        assert_eq!(
            RequestedRange::parse("bytes=150000-"),
            Some(range(150_000, None))
        );
        assert_eq!(RequestedRange::parse("bytes=-500"), None, "a suffix range");
        assert_eq!(RequestedRange::parse("items=0-1"), None);
        assert_eq!(range(0, Some(0)).within(10), Some((0, 0)));
        assert_eq!(range(5, None).within(10), Some((5, 9)));
        assert_eq!(range(5, Some(50)).within(10), Some((5, 9)));
        assert_eq!(range(10, None).within(10), None);
        assert_eq!(range(0, None).within(0), None);
        assert_eq!(
            header("GET / HTTP/1.1\r\nrange: bytes=1-\r\n\r\n", "Range"),
            Some("bytes=1-")
        );
    }
}
