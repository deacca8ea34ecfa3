//! `GET /_emulator/jobs`: every job the emulator holds, as the service's
//! side sees it, with the digest of the video each succeeded one serves.

use reqwest::StatusCode;
use ring::digest::{SHA256, digest};
use runcomfy_emulator::fixtures::png_data_uri as data_uri;
use runcomfy_emulator::{EmulatorConfig, Fault, Target};
use serde_json::json;

use crate::common::{KLING, TOKEN, call, get_bytes, http, input, start, submitted_id, wait_for};

#[tokio::test]
async fn the_admin_listing_shows_every_job_with_its_input_and_served_video() {
    // Contract checking is on: the listing lives outside the Model API and
    // must not count as an off-contract answer.
    let emulator = start(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let ok = submitted_id(&emulator, &input()).await;
    let failing = json!({"image_url": data_uri(1280, 720), "prompt": "emulator:fail 2"});
    let failed = submitted_id(&emulator, &failing).await;
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
        hex::encode(digest(&SHA256, input().to_string().as_bytes()))
    );
    let bytes = get_bytes(succeeded["output"]["url"].as_str().expect("url")).await;
    assert_eq!(succeeded["output"]["size"], bytes.len());
    assert_eq!(
        succeeded["output"]["sha256"],
        hex::encode(digest(&SHA256, &bytes)),
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
