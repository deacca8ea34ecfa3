//! Inputs are checked before anything is sent, and a checked input is
//! submitted without a second media fetch.

use std::sync::Arc;

use runcomfy::Error;
use runcomfy::models::kling::kling_1_6::pro::image_to_video::Input;
use serde_json::json;

use crate::common::{client, emulator, png};

#[tokio::test]
async fn invalid_input_is_refused_before_anything_is_sent() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let too_small: Input = Input::builder()
        .image_url(png(250, 250))
        .cfg_scale(3.0)
        .try_into()
        .expect("types allow it");
    match client.submit(&too_small).await {
        Err(Error::InvalidInput { model_id, errors }) => {
            assert_eq!(model_id, "kling/kling-1-6/pro/image-to-video");
            let fields: Vec<String> = errors.iter().map(|e| e.field()).collect();
            assert_eq!(
                fields,
                ["cfg_scale", "image_url"],
                "schema and media errors, all at once"
            );
        }
        other => panic!("expected invalid input, got {other:?}"),
    }
    let small: Input = Input::builder()
        .image_url(png(250, 250))
        .try_into()
        .expect("input");
    match client.submit(&small).await {
        Err(Error::InvalidInput { errors, .. }) => {
            assert_eq!(
                errors[0].message,
                "The uploaded image width and height must both exceed 300 pixels."
            );
        }
        other => panic!("expected invalid media, got {other:?}"),
    }
    assert_eq!(emulator.stats().requests(), 0, "nothing was sent");
}

#[tokio::test]
async fn a_checked_input_is_submitted_without_checking_its_media_again() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let fetches = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let counter = fetches.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut request = [0u8; 2048];
                let _ = socket.read(&mut request).await;
                let image = runcomfy_emulator::fixtures::png_header(800, 600);
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    image.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&image).await;
            });
        }
    });
    let emulator = emulator().await;
    let client = client(&emulator);
    let input = json!({"image_url": format!("http://{address}/start.png")});
    let model = "kling/kling-1-6/pro/image-to-video";
    let checked = client.check(model, input.clone()).await.expect("valid");
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "the check reads the image once"
    );
    // The service (emulator) reads it too, for its own rules and to render
    // the video; only the difference between the two submits is the client's.
    client.submit_checked(&checked).await.expect("submitted");
    let by_service = fetches.load(Ordering::SeqCst) - 1;
    assert!(by_service >= 1, "the service reads the image");
    client.submit_json(model, &input).await.expect("submitted");
    assert_eq!(
        fetches.load(Ordering::SeqCst) - 1 - by_service,
        by_service + 1,
        "submit_json checks once more; submit_checked did not"
    );
}
