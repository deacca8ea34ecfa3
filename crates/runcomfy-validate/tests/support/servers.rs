//! HTTP servers on 127.0.0.1 that serve a file as a well-behaved server
//! does, and what they were asked.

use std::sync::Arc;

use runcomfy_testkit::http_server::ScriptedServer;

/// Serves `file`, honouring a single `Range: bytes=A-B` with a 206 and a
/// `Content-Range` that carries the total. HEAD gets only `Content-Length`
/// (or 405 when not allowed).
pub(crate) async fn ranged_server(file: Vec<u8>, head_allowed: bool) -> ScriptedServer {
    let file = Arc::new(file);
    ScriptedServer::start(move |request, mut connection| {
        let file = file.clone();
        async move {
            if request.method() != "HEAD" {
                connection.send_range(&file, &request).await;
            } else if head_allowed {
                let length = format!("Content-Length: {}", file.len());
                connection.write_head("200 OK", &[length]).await;
                connection.finish().await;
            } else {
                connection.send_status("405 Method Not Allowed").await;
            }
        }
    })
    .await
}

/// (method, Range header) per request.
pub(crate) fn requests(server: &ScriptedServer) -> Vec<(String, Option<String>)> {
    server
        .requests()
        .iter()
        .map(|r| (r.method().to_owned(), r.header("range").map(str::to_owned)))
        .collect()
}
