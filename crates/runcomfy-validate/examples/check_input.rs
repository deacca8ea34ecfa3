//! Checks a Kling 1.6 Pro image-to-video input file the way a submit will:
//! every schema error, then the media rules (image size, dimensions, aspect
//! ratio) read from the image headers.
//!
//! `cargo run -p runcomfy-validate --example check_input -- INPUT.json`
//!
//! Exit codes: 0 valid, 65 invalid, 66 the file cannot be read, 64 usage.

#![allow(missing_docs, clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use runcomfy_types::models::kling::kling_1_6::pro::image_to_video as kling;
use runcomfy_validate::{MediaProbe, Validator};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: check_input INPUT.json");
        return ExitCode::from(64);
    };
    let input = match std::fs::read_to_string(&path).map(|text| serde_json::from_str(&text)) {
        Ok(Ok(input)) => input,
        Ok(Err(error)) => {
            eprintln!("{path}: not valid JSON: {error}");
            return ExitCode::from(65);
        }
        Err(error) => {
            eprintln!("{path}: {error}");
            return ExitCode::from(66);
        }
    };
    let schema = match serde_json::from_str(kling::INPUT_SCHEMA)
        .map_err(|e| e.to_string())
        .and_then(|schema| Validator::new(&schema).map_err(|e| e.to_string()))
    {
        Ok(validator) => validator,
        Err(error) => {
            eprintln!("the built-in schema does not compile: {error}");
            return ExitCode::FAILURE;
        }
    };
    match schema.validate_all(&input, &MediaProbe::new()).await {
        Ok(()) => {
            println!("{path}: valid input for {}", kling::MODEL_ID);
            ExitCode::SUCCESS
        }
        Err(invalid) => {
            println!("{path}: {invalid}");
            ExitCode::from(65)
        }
    }
}
