//! A minimal HTTP/1.1 client for the emulator's job listing: one `GET` on
//! loopback and the answer's status and body (chunked bodies decoded).

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

/// A minimal HTTP/1.1 answer: status and body (chunked bodies decoded).
pub fn parse_http(raw: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of headers in the answer")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let body = &raw[split + 4..];
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("no status in `{}`", head.lines().next().unwrap_or("")))?;
    let chunked = head.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    });
    if !chunked {
        return Ok((status, body.to_vec()));
    }
    let (mut decoded, mut rest) = (Vec::new(), body);
    loop {
        let end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a chunk size line has no end")?;
        let size_text = String::from_utf8_lossy(&rest[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| format!("bad chunk size `{size_text}`"))?;
        rest = &rest[end + 2..];
        if size == 0 {
            return Ok((status, decoded));
        }
        let chunk = rest.get(..size).ok_or("a chunk is cut short")?;
        decoded.extend_from_slice(chunk);
        rest = rest.get(size + 2..).ok_or("a chunk has no end")?;
    }
}

/// `GET path` on loopback, as JSON (one request, `Connection: close`).
pub(super) fn get_json(address: &str, path: &str) -> Result<Value, String> {
    let fail = |e: std::io::Error| format!("GET http://{address}{path}: {e}");
    let mut stream = TcpStream::connect(address).map_err(fail)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(300)))
        .map_err(fail)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )
    .map_err(fail)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(fail)?;
    let (status, body) = parse_http(&raw)?;
    if status != 200 {
        return Err(format!(
            "GET http://{address}{path}: HTTP {status}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    serde_json::from_slice(&body).map_err(|e| format!("GET http://{address}{path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_answers_parse_plain_and_chunked() {
        assert_eq!(
            parse_http(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi").expect("plain"),
            (200, b"hi".to_vec())
        );
        assert_eq!(
            parse_http(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
                .expect("chunked"),
            (200, b"abcde".to_vec())
        );
        assert!(parse_http(b"garbage").is_err());
    }
}
