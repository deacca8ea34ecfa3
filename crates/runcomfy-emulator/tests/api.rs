//! The emulator over HTTP: the documented contract, the queue, errors, bad
//! requests and faults. Every emulator here checks each answer against the
//! OpenAPI document and fails the test on drop if one did not match.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use runcomfy_emulator::{Emulator, EmulatorConfig, Fault, Target};
use serde_json::{Value, json};

const KLING: &str = "kling/kling-1-6/pro/image-to-video";
const TOKEN: &str = "test-token-7f3a";

use runcomfy_emulator::fixtures::{png_data_uri as data_uri, png_header as png};

fn input() -> Value {
    json!({"image_url": data_uri(1280, 720), "prompt": "a slow dolly shot"})
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

async fn start(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("starts")
}

async fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request = http().request(method.parse().expect("method"), url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("answer");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn submit(emulator: &Emulator, body: &Value) -> (StatusCode, Value) {
    let (status, _, body) = call(
        "POST",
        &format!("{}/models/{KLING}", emulator.base_url()),
        Some(TOKEN),
        Some(body),
    )
    .await;
    (status, body)
}

async fn status_of(emulator: &Emulator, id: &str) -> Value {
    call(
        "GET",
        &format!("{}/requests/{id}/status", emulator.base_url()),
        Some(TOKEN),
        None,
    )
    .await
    .2
}

async fn wait_for(emulator: &Emulator, id: &str, wanted: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = status_of(emulator, id).await;
        if status["status"] == wanted || Instant::now() > deadline {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_job_goes_through_the_whole_lifecycle_and_its_video_is_served() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let (status, submitted) = submit(&emulator, &input()).await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    let id = submitted["request_id"].as_str().expect("id").to_owned();
    assert_eq!(id.len(), 32, "128 random bits");
    for (key, action) in [
        ("status_url", "status"),
        ("result_url", "result"),
        ("cancel_url", "cancel"),
    ] {
        assert_eq!(
            submitted[key],
            format!("{}/requests/{id}/{action}", emulator.base_url())
        );
    }
    let done = wait_for(&emulator, &id, "completed").await;
    assert_eq!(done["status"], "completed", "{done}");
    let (status, _, result) = call(
        "GET",
        submitted["result_url"].as_str().expect("url"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(result["status"], "succeeded");
    assert!(
        result["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{result}"
    );
    assert!(result["finished_at"].is_string());
    let video = result["output"]["video"]
        .as_str()
        .expect("video url")
        .to_owned();
    assert!(video.starts_with(&format!("http://{}/files/", emulator.address())));

    let file = http().get(&video).send().await.expect("download");
    assert_eq!(file.headers()["content-type"], "video/mp4");
    let bytes = file.bytes().await.expect("bytes");
    assert_eq!(&bytes[4..8], b"ftyp");
    let head = http().head(&video).send().await.expect("head");
    assert_eq!(
        head.headers()["content-length"],
        bytes.len().to_string().as_str()
    );
    let part = http()
        .get(&video)
        .header("Range", "bytes=100-199")
        .send()
        .await
        .expect("range");
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 100-199/{}", bytes.len()).as_str()
    );
    assert_eq!(
        part.bytes().await.expect("bytes"),
        bytes.slice(100..200),
        "same bytes on every download"
    );
    assert_eq!(emulator.stats().submits(), 1);
}

#[tokio::test]
async fn the_served_video_is_an_mp4_of_the_requested_duration_even_padded() {
    let padding = 1024 * 1024;
    let emulator = start(EmulatorConfig {
        output_padding: padding,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let mut body = input();
    body["duration"] = json!(10);
    let bytes = video_of(&emulator, &body).await;
    let free = bytes.len() - padding as usize;
    assert_eq!(
        &bytes[free..free + 8],
        &[0, 0x10, 0, 0, b'f', b'r', b'e', b'e'],
        "a trailing 1 MiB `free` box"
    );
    assert!(bytes[free + 8..].iter().all(|&b| b == 0));
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("output.mp4");
    std::fs::write(&path, &bytes).expect("write");
    let probe = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type,duration",
            "-of",
            "json",
        ])
        .arg(&path)
        .output()
        .expect("ffprobe is installed (.ci/run installs ffmpeg)");
    assert!(
        probe.status.success(),
        "{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let streams: Value = serde_json::from_slice(&probe.stdout).expect("json");
    assert_eq!(streams["streams"][0]["codec_type"], "video");
    let duration: f64 = streams["streams"][0]["duration"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .expect("duration");
    assert!((duration - 10.0).abs() < 0.05, "{duration}");
}

#[tokio::test]
async fn queued_jobs_report_their_position_and_one_worker_runs_them_in_order() {
    let emulator = start(EmulatorConfig {
        workers: 1,
        time_scale: 1.0,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            submit(&emulator, &input()).await.1["request_id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let first = wait_for(&emulator, &ids[0], "in_progress").await;
    assert_eq!(first["status"], "in_progress");
    assert!(first.get("queue_position").is_none());
    assert_eq!(first["instance_id"], "emulator-worker-1");
    assert_eq!(
        status_of(&emulator, &ids[1]).await["queue_position"],
        1,
        "1 means next"
    );
    assert_eq!(status_of(&emulator, &ids[2]).await["queue_position"], 2);
    let result = call(
        "GET",
        &format!("{}/requests/{}/result", emulator.base_url(), ids[2]),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(
        (result.0, result.2["status"].clone()),
        (StatusCode::OK, json!("in_queue")),
        "result before the end is the state"
    );
}

#[tokio::test]
async fn cancel_stops_a_queued_job_but_not_a_running_or_finished_one() {
    let emulator = start(EmulatorConfig {
        workers: 1,
        time_scale: 1.0,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let running = submit(&emulator, &input()).await.1["request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let queued = submit(&emulator, &input()).await.1["request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    wait_for(&emulator, &running, "in_progress").await;
    let cancel = |id: String| {
        let url = format!("{}/requests/{id}/cancel", emulator.base_url());
        async move { call("POST", &url, Some(TOKEN), None).await }
    };
    let (status, _, body) = cancel(queued.clone()).await;
    assert_eq!(
        (status, body["outcome"].clone(), body["status"].clone()),
        (StatusCode::ACCEPTED, json!("cancelled"), json!("cancelled"))
    );
    assert_eq!(status_of(&emulator, &queued).await["status"], "cancelled");
    let result = call(
        "GET",
        &format!("{}/requests/{queued}/result", emulator.base_url()),
        Some(TOKEN),
        None,
    )
    .await
    .2;
    assert_eq!(result["status"], "cancelled");
    let (status, _, body) = cancel(running.clone()).await;
    assert_eq!(
        (status, body["outcome"].clone()),
        (StatusCode::ACCEPTED, json!("not_cancellable"))
    );
    assert_eq!(
        status_of(&emulator, &running).await["status"],
        "in_progress",
        "it runs to completion"
    );
}

#[tokio::test]
async fn a_job_marked_to_fail_fails_with_an_error_object() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let mut body = input();
    body["prompt"] = json!("please emulator:fail this one");
    let id = submit(&emulator, &body).await.1["request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        wait_for(&emulator, &id, "completed").await["status"],
        "completed"
    );
    let result = call(
        "GET",
        &format!("{}/requests/{id}/result", emulator.base_url()),
        Some(TOKEN),
        None,
    )
    .await
    .2;
    assert_eq!(result["status"], "failed");
    assert!(result.get("output").is_none());
    assert_eq!(result["error"]["error_code"], 500001);
}

#[tokio::test]
async fn authentication_ownership_and_unknown_ids_use_the_documented_codes() {
    let emulator = start(EmulatorConfig {
        tokens: Some(vec![TOKEN.into(), "other".into()]),
        ..EmulatorConfig::for_tests()
    })
    .await;
    let base = emulator.base_url();
    let id = submit(&emulator, &input()).await.1["request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let url = format!("{base}/requests/{id}/status");
    let (status, _, body) = call("GET", &url, None, None).await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::UNAUTHORIZED, json!(400004))
    );
    let (status, _, body) = call("GET", &url, Some("not-a-known-token-q8"), None).await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::UNAUTHORIZED, json!(400004))
    );
    assert!(!body.to_string().contains("q8"), "a token is never echoed");
    let (status, _, body) = call("GET", &url, Some("other"), None).await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::FORBIDDEN, json!(403001))
    );
    let (status, _, body) = call(
        "POST",
        &format!("{base}/requests/{id}/cancel"),
        Some("other"),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::FORBIDDEN, json!(403001))
    );
    let (status, _, body) = call(
        "GET",
        &format!("{base}/requests/0000/result"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::NOT_FOUND, json!(404001))
    );
    let (status, _, body) = call(
        "POST",
        &format!("{base}/models/kling/unknown"),
        Some(TOKEN),
        Some(&input()),
    )
    .await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::BAD_REQUEST, json!(400001))
    );
    assert!(
        body["error_message"]
            .as_str()
            .is_some_and(|m| m.contains(KLING)),
        "names the known models"
    );
}

#[tokio::test]
async fn invalid_input_gets_one_detail_entry_per_failing_field() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let (status, body) = submit(
        &emulator,
        &json!({"image_url": data_uri(1280, 720), "duration": 7, "cfg_scale": 2}),
    )
    .await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!(422001))
    );
    let fields: Vec<&str> = body["detail"]
        .as_array()
        .expect("detail")
        .iter()
        .filter_map(|d| d["field"].as_str())
        .collect();
    assert_eq!(fields, ["duration", "cfg_scale"]);

    let (status, body) = submit(&emulator, &json!({"image_url": data_uri(250, 250)})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["detail"][0]["message"],
        "The uploaded image width and height must both exceed 300 pixels."
    );

    let (status, body) = submit(
        &emulator,
        &json!({"image_url": "https://example.com/start.png"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["detail"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("could not fetch https://example.com/start.png")),
        "{body}"
    );
    assert_eq!(emulator.stats().submits(), 0, "nothing invalid was queued");
}

/// A loopback HTTP server that answers every request with the PNG `image`
/// picks for the request's text; returns its address.
async fn serve_images(
    image: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static,
) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let image = std::sync::Arc::new(image);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let image = image.clone();
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut request = [0u8; 2048];
                let n = socket.read(&mut request).await.unwrap_or(0);
                let image = image(&String::from_utf8_lossy(&request[..n]));
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    image.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&image).await;
            });
        }
    });
    address
}

#[tokio::test]
async fn images_on_loopback_are_fetched_like_the_service_fetches_urls() {
    let address = serve_images(|request| {
        if request.contains("/wide.png") {
            png(2000, 400)
        } else {
            png(800, 600)
        }
    })
    .await;
    let emulator = start(EmulatorConfig::for_tests()).await;
    let (status, body) = submit(
        &emulator,
        &json!({"image_url": format!("http://{address}/start.png")}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = submit(
        &emulator,
        &json!({"image_url": format!("http://{address}/wide.png")}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["detail"][0]["message"],
        "The uploaded image must have an aspect ratio between 2:5 and 5:2."
    );
}

#[tokio::test]
async fn bad_requests_get_the_documented_error_body() {
    let emulator = start(EmulatorConfig {
        body_limit: 4096,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let url = format!("{}/models/{KLING}", emulator.base_url());
    let client = http();
    let send = |request: reqwest::RequestBuilder| async move {
        let response = request.bearer_auth(TOKEN).send().await.expect("answer");
        let status = response.status();
        let allow = response
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap_or("").to_owned());
        let body: Value = response.json().await.expect("a JSON error body");
        assert!(body["error_message"].is_string(), "{body}");
        (status, allow)
    };
    assert_eq!(
        send(
            client
                .post(&url)
                .header("content-type", "text/plain")
                .body("{}")
        )
        .await
        .0,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        send(
            client
                .post(&url)
                .header("content-type", "application/json")
                .body("{not json")
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    let huge = json!({"image_url": "x".repeat(10_000)});
    assert_eq!(
        send(client.post(&url).json(&huge)).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let status_url = format!("{}/requests/abc/status", emulator.base_url());
    assert_eq!(
        send(client.delete(&status_url)).await,
        (StatusCode::METHOD_NOT_ALLOWED, Some("GET,HEAD".into()))
    );
    assert_eq!(
        send(client.get(format!("{}/nothing", emulator.base_url())))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn each_fault_can_be_injected() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let id = submit(&emulator, &input()).await.1["request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let status_url = format!("{base}/requests/{id}/status");
    let faults = emulator.faults();

    faults.push(
        Target::Status,
        Fault::RateLimited {
            retry_after_secs: 7,
        },
    );
    let (status, headers, body) = call("GET", &status_url, Some(TOKEN), None).await;
    assert_eq!(
        (status, headers["retry-after"].to_str().ok()),
        (StatusCode::TOO_MANY_REQUESTS, Some("7"))
    );
    assert!(body["error_message"].is_string());

    for code in [500u16, 502, 503, 504] {
        faults.push(Target::Status, Fault::Status(code));
        assert_eq!(
            call("GET", &status_url, Some(TOKEN), None).await.0.as_u16(),
            code
        );
    }

    faults.push(Target::Status, Fault::ResetBeforeAnswer);
    assert!(
        http()
            .get(&status_url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .is_err(),
        "no answer"
    );

    faults.push(Target::Status, Fault::Slow(Duration::from_millis(300)));
    let started = Instant::now();
    assert_eq!(
        call("GET", &status_url, Some(TOKEN), None).await.0,
        StatusCode::OK
    );
    assert!(started.elapsed() >= Duration::from_millis(300));

    faults.push(Target::Result, Fault::MalformedJson);
    let (status, _, body) = call(
        "GET",
        &format!("{base}/requests/{id}/result"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_string(), "not JSON: {body}");

    faults.push(Target::Status, Fault::ErrorIn200);
    let (status, _, body) = call("GET", &status_url, Some(TOKEN), None).await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::OK, json!(500001))
    );

    faults.push(Target::Submit, Fault::ResetAfterProcessing);
    let lost = http()
        .post(format!("{base}/models/{KLING}"))
        .bearer_auth(TOKEN)
        .json(&input())
        .send()
        .await;
    assert!(lost.is_err(), "the answer is lost");
    assert_eq!(emulator.stats().submits(), 2, "but the job exists");
    assert_eq!(faults.pending(), 0);
}

#[tokio::test]
async fn a_truncated_download_stops_short_and_a_planned_job_failure_fails() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    emulator.faults().push(Target::Submit, Fault::JobFails);
    let failing = submit(&emulator, &input()).await.1["request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let id = submit(&emulator, &input()).await.1["request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    wait_for(&emulator, &failing, "completed").await;
    wait_for(&emulator, &id, "completed").await;
    let result = |id: String| {
        let url = format!("{}/requests/{id}/result", emulator.base_url());
        async move { call("GET", &url, Some(TOKEN), None).await.2 }
    };
    assert_eq!(result(failing).await["status"], "failed");
    let video = result(id).await["output"]["video"]
        .as_str()
        .expect("url")
        .to_owned();
    emulator.faults().push(Target::Media, Fault::TruncatedMedia);
    let response = http().get(&video).send().await.expect("headers arrive");
    let announced: usize = response.headers()["content-length"]
        .to_str()
        .expect("len")
        .parse()
        .expect("number");
    assert!(response.bytes().await.is_err(), "the body ends early");
    let whole = http()
        .get(&video)
        .send()
        .await
        .expect("get")
        .bytes()
        .await
        .expect("whole");
    assert_eq!(whole.len(), announced);
}

#[tokio::test]
async fn the_job_cap_answers_503_and_finished_jobs_expire() {
    let emulator = start(EmulatorConfig {
        max_jobs: 1,
        job_ttl: Duration::from_millis(200),
        ..EmulatorConfig::for_tests()
    })
    .await;
    let id = submit(&emulator, &input()).await.1["request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let full = call(
        "POST",
        &format!("{}/models/{KLING}", emulator.base_url()),
        Some(TOKEN),
        Some(&input()),
    )
    .await;
    assert_eq!(full.0, StatusCode::SERVICE_UNAVAILABLE);
    assert!(full.1.contains_key("retry-after"));
    wait_for(&emulator, &id, "completed").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (status, _, body) = call(
        "GET",
        &format!("{}/requests/{id}/status", emulator.base_url()),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::NOT_FOUND, json!(404001)),
        "expired"
    );
    assert_eq!(
        submit(&emulator, &input()).await.0,
        StatusCode::OK,
        "room again"
    );
}

#[tokio::test]
async fn the_catalog_lists_the_models_with_their_schemas() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let (status, _, list) = call(
        "GET",
        &format!("{}/models?include_schema=true", emulator.base_url()),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 1);
    assert_eq!(list["models"][0]["model_id"], KLING);
    assert_eq!(
        list["models"][0]["input_schema"]["properties"]["prompt"]["maxLength"],
        1391
    );
    let (_, _, none) = call(
        "GET",
        &format!("{}/models?search=flux", emulator.base_url()),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(none["models"], json!([]));
    let (status, _, one) = call(
        "GET",
        &format!("{}/models/{KLING}", emulator.base_url()),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(
        (status, one["model_id"].clone()),
        (StatusCode::OK, json!(KLING))
    );
    assert!(one["output_schema"]["properties"]["video"].is_object());
}

#[test]
fn a_background_emulator_serves_synchronous_callers_and_stops_on_drop() {
    use std::io::{Read as _, Write as _};
    let emulator = Emulator::start_in_background(EmulatorConfig::for_tests()).expect("starts");
    let address = emulator
        .base_url()
        .trim_start_matches("http://")
        .trim_end_matches("/v1")
        .to_owned();
    let mut socket = std::net::TcpStream::connect(&address).expect("connects");
    write!(socket, "GET /v1/models HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n").expect("request");
    let mut answer = String::new();
    socket.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(KLING));
    drop(emulator);
    assert!(
        std::net::TcpStream::connect(&address).is_err(),
        "stopped on drop"
    );
}

#[tokio::test]
async fn the_admin_listing_shows_every_job_with_its_input_and_served_video() {
    // Contract checking is on: the listing lives outside the Model API and
    // must not count as an off-contract answer.
    let emulator = start(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let ok = submit(&emulator, &input()).await.1["request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let failing = json!({"image_url": data_uri(1280, 720), "prompt": "emulator:fail 2"});
    let failed = submit(&emulator, &failing).await.1["request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    // A submit whose answer is lost still shows: the service's side knows.
    emulator
        .faults()
        .push(Target::Submit, Fault::ResetAfterProcessing);
    let lost = json!({"image_url": data_uri(1280, 720), "prompt": "lost 3"});
    assert!(
        http()
            .post(format!("{base}/models/{KLING}"))
            .bearer_auth(TOKEN)
            .json(&lost)
            .send()
            .await
            .is_err()
    );
    wait_for(&emulator, &ok, "completed").await;
    wait_for(&emulator, &failed, "completed").await;

    let listing_url = format!("http://{}/_emulator/jobs", emulator.address());
    let (status, _, listing) = call("GET", &listing_url, None, None).await;
    assert_eq!(status, StatusCode::OK, "no token needed: {listing}");
    assert_eq!(listing["submits"], 3);
    let jobs = listing["jobs"].as_array().expect("jobs");
    assert_eq!(jobs.len(), 3, "{listing}");
    let by_prompt = |prompt: &str| {
        jobs.iter()
            .find(|job| job["prompt"] == prompt)
            .unwrap_or_else(|| panic!("no job for {prompt}: {listing}"))
            .clone()
    };
    let succeeded = by_prompt("a slow dolly shot");
    assert_eq!(
        (
            succeeded["request_id"].as_str(),
            succeeded["state"].as_str()
        ),
        (Some(ok.as_str()), Some("succeeded"))
    );
    assert_eq!(succeeded["model_id"], KLING);
    assert_eq!(
        succeeded["input_sha256"],
        hex::encode(ring::digest::digest(
            &ring::digest::SHA256,
            input().to_string().as_bytes()
        ))
    );
    let bytes = http()
        .get(succeeded["output"]["url"].as_str().expect("url"))
        .send()
        .await
        .expect("download")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(succeeded["output"]["size"], bytes.len());
    assert_eq!(
        succeeded["output"]["sha256"],
        hex::encode(ring::digest::digest(&ring::digest::SHA256, &bytes)),
        "the digest of what a download gets"
    );
    let failed_job = by_prompt("emulator:fail 2");
    assert_eq!(
        (
            failed_job["request_id"].as_str(),
            failed_job["state"].as_str()
        ),
        (Some(failed.as_str()), Some("failed"))
    );
    assert!(failed_job.get("output").is_none(), "{failed_job}");
    let lost_job = by_prompt("lost 3");
    assert!(lost_job["request_id"].is_string(), "{lost_job}");
    assert!(emulator.contract_violations().is_empty());
}

/// A PNG whose left half is red and right half blue.
fn red_blue_png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, _| {
        image::Rgb(if x < width / 2 {
            [255, 0, 0]
        } else {
            [0, 0, 255]
        })
    });
    let mut bytes = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("encodes");
    bytes
}

/// The first frame of an MP4, decoded by ffmpeg: `(width, height, rgb24)`.
fn first_frame(mp4: &[u8]) -> (u64, u64, Vec<u8>) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("output.mp4");
    std::fs::write(&path, mp4).expect("write");
    let probe = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=width,height",
            "-of",
            "json",
        ])
        .arg(&path)
        .output()
        .expect("ffprobe is installed (.ci/run installs ffmpeg)");
    let streams: Value = serde_json::from_slice(&probe.stdout).expect("json");
    let size = |key: &str| streams["streams"][0][key].as_u64().expect("size");
    let frame = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&path)
        .args(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg is installed (.ci/run installs it)");
    assert!(
        frame.status.success(),
        "{}",
        String::from_utf8_lossy(&frame.stderr)
    );
    (size("width"), size("height"), frame.stdout)
}

async fn video_of(emulator: &Emulator, body: &Value) -> Vec<u8> {
    let (status, submitted) = submit(emulator, body).await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    let id = submitted["request_id"].as_str().expect("id");
    wait_for(emulator, id, "completed").await;
    let result = call(
        "GET",
        &format!("{}/requests/{id}/result", emulator.base_url()),
        Some(TOKEN),
        None,
    )
    .await
    .2;
    http()
        .get(result["output"]["video"].as_str().expect("url"))
        .send()
        .await
        .expect("get")
        .bytes()
        .await
        .expect("bytes")
        .to_vec()
}

#[tokio::test]
async fn the_video_shows_the_start_image_at_its_aspect_ratio() {
    use base64::Engine as _;
    // A portrait image on a loopback server, a landscape one as a data: URI.
    let portrait = red_blue_png(480, 640);
    let address = serve_images(move |_| portrait.clone()).await;
    let emulator = start(EmulatorConfig::for_tests()).await;
    let landscape = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(red_blue_png(640, 480))
    );
    for (image_url, size) in [
        (landscape, (320, 240)),
        (format!("http://{address}/start.png"), (240, 320)),
    ] {
        let mp4 = video_of(&emulator, &json!({ "image_url": image_url })).await;
        let (width, height, rgb) = first_frame(&mp4);
        assert_eq!((width, height), size, "the image's aspect ratio");
        let pixel = |x: u64, y: u64| {
            let at = ((y * width + x) * 3) as usize;
            [rgb[at], rgb[at + 1], rgb[at + 2]]
        };
        let near =
            |got: [u8; 3], want: [u8; 3]| got.iter().zip(want).all(|(g, w)| g.abs_diff(w) <= 24);
        let (left, right) = (
            pixel(width / 4, height / 2),
            pixel(3 * width / 4, height / 2),
        );
        assert!(near(left, [255, 0, 0]), "left half red: {left:?}");
        assert!(near(right, [0, 0, 255]), "right half blue: {right:?}");
    }
    // An image read from its header only (not decodable) gets the pattern.
    let mp4 = video_of(&emulator, &input()).await;
    assert_eq!(first_frame(&mp4).0, 320);
}
