//! Each rule on a real MP4 (made by `ffmpeg`): its width and height from
//! the `moov` box, first or last in the file, read by ranges over HTTP,
//! from a file and from a `data:` URI; a `moov` beyond the bound is an error
//! that says so.

use runcomfy_validate::fixtures::data_uri;
use runcomfy_validate::media::Needs;
use runcomfy_validate::{MediaKind, MediaRules, MediaSource};
use serde_json::json;

use crate::loopback::local_probe;
use crate::schema::{broke, media_errors, rule, validator, verdict};
use crate::servers::ranged_server;
use crate::videos::{Moov, box_offset, hevc_mp4, mp4};

fn dimension_rules() -> Vec<serde_json::Value> {
    vec![
        rule("width_pixels>", json!(640)),
        rule("height_pixels>", json!(300)),
        rule("width/height<", json!(1.7)),
    ]
}

#[tokio::test]
async fn a_videos_dimensions_come_from_its_moov_first_or_last() {
    let field = validator("video_uri", dimension_rules());
    for moov in [Moov::First, Moov::Last] {
        let wide = data_uri("video/mp4", &mp4(656, 368, 1, moov));
        assert_eq!(
            verdict(&field, &wide).await,
            broke("broke width/height<"),
            "{moov:?}"
        );
        let narrow = data_uri("video/mp4", &mp4(640, 480, 1, moov));
        assert_eq!(
            verdict(&field, &narrow).await,
            broke("broke width_pixels>"),
            "{moov:?}"
        );
    }
    let fits = data_uri("video/mp4", &mp4(720, 480, 1, Moov::Last));
    assert_eq!(verdict(&field, &fits).await, []);
}

#[tokio::test]
async fn an_hevc_video_is_read_the_same_way() {
    let field = validator("video_uri", dimension_rules());
    let narrow = data_uri("video/mp4", &hevc_mp4(640, 480));
    assert_eq!(verdict(&field, &narrow).await, broke("broke width_pixels>"));
    let fits = data_uri("video/mp4", &hevc_mp4(720, 480));
    assert_eq!(verdict(&field, &fits).await, []);
}

#[tokio::test]
async fn over_http_a_moov_at_the_end_is_reached_by_a_ranged_jump() {
    let file = mp4(320, 240, 4, Moov::Last);
    let moov_at = box_offset(&file, b"moov").expect("a moov box");
    assert!(
        moov_at > 8192,
        "the media data comes first ({moov_at} bytes)"
    );
    let total = file.len() as u64;
    let server = ranged_server(file, true).await;
    let field = validator("video_uri", vec![rule("width_pixels>", json!(320))]);
    let url = server.url("/clip.mp4");
    assert_eq!(verdict(&field, &url).await, broke("broke width_pixels>"));
    assert!(server.requests().len() >= 2, "a jump to the moov");
    assert!(server.body_bytes_sent() < total, "not the whole file");
}

#[tokio::test]
async fn a_moov_beyond_the_bound_is_an_error_that_says_so() {
    let file = mp4(320, 240, 4, Moov::Last);
    let server = ranged_server(file, true).await;
    let field = validator("video_uri", vec![rule("width_pixels>", json!(100))]);
    let probe = local_probe().with_header_cap(4096);
    let input = json!({"media": server.url("/clip.mp4")});
    let errors = media_errors(&field, &input, &probe).await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "/media");
    assert!(
        errors[0].1.contains("its header (the `moov` box that gives its width and height) was not found within the 4096 bytes read"),
        "{}",
        errors[0].1
    );
}

/// A local file (what a CLI reads before it uploads) is probed by ranges
/// too, its size from its metadata; the rules judge what the probe learns.
#[tokio::test]
async fn a_video_file_is_read_by_ranges_and_its_size_from_metadata() {
    let file = mp4(480, 270, 1, Moov::Last);
    let path = std::env::temp_dir().join(format!("runcomfy-rules-{}.mp4", std::process::id()));
    std::fs::write(&path, &file).expect("a temporary file");
    let source = MediaSource::parse(path.to_str().expect("a UTF-8 path")).expect("a file");
    let needs = Needs {
        dimensions: true,
        size: true,
    };
    let facts = local_probe()
        .probe_as(&source, MediaKind::Video, needs, None)
        .await;
    let _ = std::fs::remove_file(&path);
    let facts = facts.expect("the file's facts");
    assert_eq!((facts.width, facts.height), (Some(480), Some(270)));
    assert_eq!(facts.size_bytes, Some(file.len() as u64));
    let rules = MediaRules::read(&json!([
        rule("height_pixels>", json!(270)),
        rule("file_size_mb<", json!(file.len() as f64 / 1e6)),
    ]))
    .expect("the rules");
    assert_eq!(
        rules.violations(&facts),
        ["broke height_pixels>", "broke file_size_mb<"]
    );
}
