//! A user's program: one typed Kling 1.6 Pro job through the client, against
//! the emulator (offline, seconds instead of minutes), its video downloaded.
//! Point `RUNCOMFY_MODEL_API_BASE` elsewhere and set a token for the real
//! service.

use std::time::Duration;

use runcomfy::Client;
use runcomfy::models::kling::kling_1_6::pro::image_to_video::Input;
use runcomfy_emulator::{Emulator, EmulatorConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(EmulatorConfig {
        time_scale: 0.005,
        ..EmulatorConfig::default()
    })
    .await?;
    let client = Client::builder()
        .base_url(emulator.base_url())
        .token("the emulator takes any token")
        .build()?;
    let input: Input = Input::builder()
        .image_url(runcomfy_emulator::fixtures::png_data_uri(1280, 720))
        .prompt(Some("a paper boat on a puddle".try_into()?))
        .duration(5)
        .try_into()?;
    let job = client.submit(&input).await?;
    let output = job.wait().timeout(Duration::from_secs(60)).await?;
    let dir = std::env::temp_dir().join(format!("runcomfy-consumer-{}", std::process::id()));
    let files = job.download(&output, &dir).await?;
    let video = files.first().ok_or("the job gave no file")?;
    let head = std::fs::read(&video.path)?;
    if head.get(4..8) != Some(b"ftyp".as_slice()) {
        return Err(format!("{} is not an MP4", video.path.display()).into());
    }
    println!(
        "{}: {} bytes of MP4 from job {}",
        video.path.display(),
        video.bytes,
        job.request_id()
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
