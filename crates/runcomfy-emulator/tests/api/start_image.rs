//! The start image as the video's picture: decoded from a `data:` URI or a
//! loopback URL, at its own aspect ratio; an image known only by its header
//! leaves the seeded pattern.

use base64::Engine as _;
use runcomfy_emulator::EmulatorConfig;
use runcomfy_testkit::images::halves_png;
use runcomfy_testkit::loopback;
use serde_json::json;

use crate::common::{input, start, video_of};
use crate::ffmpeg::first_frame;

/// A PNG whose left half is red and right half blue.
fn red_blue_png(width: u32, height: u32) -> Vec<u8> {
    halves_png(width, height, [255, 0, 0], [0, 0, 255])
}

#[tokio::test]
async fn the_video_shows_the_start_image_at_its_aspect_ratio() {
    // A portrait image on a loopback server, a landscape one as a data: URI.
    let portrait = red_blue_png(480, 640);
    let address = loopback::serve("image/png", move |_| portrait.clone()).await;
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
