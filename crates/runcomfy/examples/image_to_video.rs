//! One Kling 1.6 Pro image-to-video job, end to end, against the local
//! emulator: validate, submit, follow the queue, wait, download the MP4.
//!
//! `cargo run -p runcomfy --example image_to_video [OUTPUT_DIR]`
//!
//! Against the real service, drop the emulator and use `Client::from_env()`
//! with `RUNCOMFY_API_TOKEN` set.

#![allow(missing_docs, clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use runcomfy::models::kling::kling_1_6::pro::image_to_video::Input;
use runcomfy::{Client, QueueStatus};
use runcomfy_emulator::{Emulator, EmulatorConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).unwrap_or_else(|| "out".into());
    // Jobs take ~1% of their real time (a few seconds instead of minutes).
    let emulator = Emulator::start(EmulatorConfig {
        time_scale: 0.01,
        ..EmulatorConfig::default()
    })
    .await?;
    let client = Client::builder()
        .base_url(emulator.base_url())
        .token("any-token-works-here")
        .build()?;

    // A 1280×720 PNG header is all the media checks read.
    let image = runcomfy_emulator::fixtures::png_data_uri(1280, 720);
    let input: Input = Input::builder()
        .image_url(image)
        .prompt(Some(
            "A pair of stylish round sunglasses rests on a sleek table.".try_into()?,
        ))
        .duration(5)
        .try_into()?;

    let job = client.submit(&input).await?;
    println!(
        "submitted {} (resume with this id if the process dies)",
        job.request_id()
    );
    let started = Instant::now();
    // One wait: its callback hears every change of state or queue position.
    let output = job
        .wait()
        .timeout(Duration::from_secs(60))
        .on_status(|status| match (&status.state, status.queue_position) {
            (QueueStatus::InQueue, Some(position)) => {
                println!("{:>6.1?}  in queue, position {position}", started.elapsed())
            }
            (state, _) => println!("{:>6.1?}  {state}", started.elapsed()),
        })
        .await?;
    for file in job.download(&output, &out).await? {
        println!("saved {} ({} bytes)", file.path.display(), file.bytes);
    }
    Ok(())
}
