//! What a `run` learns of a model's run times is kept in the user's cache
//! directory, per service, for the next run.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::command::{
    KLING, command, emulator_with, finish, output_dir, run_args, start_image,
};

/// The files under `dir`, at any depth.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_run_adds_what_it_learned_to_a_file_of_the_model_per_service() {
    // Jobs of about half a second: polls every 50 ms see them run.
    let emulator = emulator_with(|config| config.time_scale = 0.002).await;
    let base = emulator.base_url();
    let authority = base
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("an authority");
    let port = authority.rsplit(':').next().expect("a port");
    let cache = tempfile::tempdir().expect("dir");
    let image = format!("image_url=@{}", start_image());
    for runs in [1, 2] {
        let (_dir, out) = output_dir();
        let mut run = command(Some(&base), &run_args(&image, &out));
        run.env("RUNCOMFY_CACHE_DIR", cache.path());
        let outcome = finish(run).await;
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        // Beside the model's file, the lock its writers take.
        let kept: Vec<PathBuf> = files(cache.path())
            .into_iter()
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        assert_eq!(kept.len(), 1, "one file, of the one model: {kept:?}");
        let folder = kept[0].parent().expect("a folder");
        assert_eq!(
            folder.strip_prefix(cache.path()).expect("inside"),
            Path::new("run-times").join(format!("127.0.0.1_{port}")),
            "kept per service origin"
        );
        let stored: Value =
            serde_json::from_str(&std::fs::read_to_string(&kept[0]).expect("reads")).expect("json");
        assert_eq!(stored["model_id"], KLING);
        let times = stored["runs"].as_array().expect("runs");
        assert_eq!(times.len(), runs, "{stored}");
        assert!(
            times
                .iter()
                .all(|t| t.as_f64().is_some_and(|t| t > 0.0 && t < 30.0)),
            "{stored}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_on_the_built_in_emulator_keeps_nothing() {
    let cache = tempfile::tempdir().expect("dir");
    let image = format!("image_url=@{}", start_image());
    let (_dir, out) = output_dir();
    let mut run = command(None, &run_args(&image, &out));
    run.env("RUNCOMFY_CACHE_DIR", cache.path())
        .arg("--emulator");
    let outcome = finish(run).await;
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(files(cache.path()).is_empty(), "{:?}", files(cache.path()));
}
