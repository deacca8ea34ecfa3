//! The token never shows in `Debug`, errors or logs, and spans and events
//! carry the request id. Its own test binary: tracing caches which callsites
//! are enabled per process, so a capturing subscriber must not share the
//! process with other tests.

use std::sync::{Arc, Mutex};

use runcomfy::Client;
use runcomfy_emulator::{Fault, Target};

mod common;
use common::{TOKEN, client, emulator_with, input};

#[tokio::test]
async fn the_token_never_appears_in_debug_errors_or_logs() {
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber)
        .expect("the only subscriber of this binary");

    let emulator = emulator_with(|config| config.tokens = Some(vec![TOKEN.into()])).await;
    let client = client(&emulator);
    let mut seen = vec![format!("{client:?}")];
    let job = client.submit(&input()).await.expect("submitted");
    emulator.faults().push(Target::Status, Fault::Status(503));
    let output = job.wait().await.expect("done");
    seen.push(format!("{job:?} {output:?}"));
    for _ in 0..6 {
        emulator
            .faults()
            .push(Target::Status, Fault::ResetBeforeAnswer);
    }
    let error = job.status().await.expect_err("transport");
    seen.push(format!("{error} {error:?}"));
    let wrong = Client::builder()
        .base_url(emulator.base_url())
        .token(format!("{TOKEN}x"))
        .build()
        .expect("client");
    let error = wrong.submit(&input()).await.expect_err("401");
    seen.push(format!("{error} {error:?} {wrong:?}"));
    seen.push(String::from_utf8_lossy(&capture.0.lock().expect("lock")).into_owned());
    assert!(
        seen.last()
            .is_some_and(|logs| logs.contains(job.request_id())),
        "spans and events carry the request id"
    );
    for text in seen {
        assert!(!text.contains("SECRET"), "the token leaked: {text}");
    }
}
