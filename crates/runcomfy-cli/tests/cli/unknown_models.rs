//! A model this build does not know: its schema comes from the service's
//! catalog, is cached (with its hash) for when the catalog cannot be
//! reached, and checks the input of `validate` and `run`; without either,
//! `run` says the input is sent unvalidated and `validate` fails. A
//! mistyped id is answered with the closest ids, not the whole list.

use std::path::Path;

use crate::common::catalog_stub::{self, ACME, REQUEST_ID};
use crate::common::command::{Outcome, command, finish, runcomfy};

/// `runcomfy ARGS` against `base`, with `cache` as the cache directory.
async fn with_cache(base: &str, cache: &Path, args: &[&str]) -> Outcome {
    let mut command = command(Some(base), args);
    command.env("RUNCOMFY_CACHE_DIR", cache);
    finish(command).await
}

/// A base URL where nothing listens.
fn unreachable_base() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{address}/v1")
}

const VALID: [&str; 8] = [
    "--set",
    "prompt=a fox",
    "--set",
    "duration=5",
    "--set",
    "steps=20",
    "--set",
    "loop=true",
];

fn args<'a>(command: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![command, ACME];
    args.extend_from_slice(extra);
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalogs_schema_checks_the_input_and_is_cached_with_its_hash() {
    let stub = catalog_stub::start(Vec::new()).await;
    let base = stub.url("/v1");
    let cache = tempfile::tempdir().expect("dir");
    let valid = with_cache(&base, cache.path(), &args("validate", &VALID)).await;
    valid.assert_says(0, &format!("valid input for {ACME}"));
    let invalid = with_cache(
        &base,
        cache.path(),
        &args("validate", &["--set", "prompt=x", "--set", "duration=7"]),
    )
    .await;
    invalid.assert_says(65, "duration: \"7\" is not one of \"5\" or \"10\"");

    let folder = cache
        .path()
        .join("schemas")
        .join(format!("127.0.0.1_{}", stub.address().port()));
    let files: Vec<_> = std::fs::read_dir(&folder)
        .expect("the origin's folder")
        .collect();
    assert_eq!(files.len(), 1, "one file a model");
    let path = files[0].as_ref().expect("entry").path();
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    assert_eq!(cached["model_id"], ACME);
    assert_eq!(cached["schema"], catalog_stub::acme_schema());
    assert_eq!(cached["sha256"].as_str().map(str::len), Some(64));

    let run = with_cache(
        &base,
        cache.path(),
        &args(
            "run",
            &["--set", "prompt=x", "--set", "steps=99", "--no-wait"],
        ),
    )
    .await;
    run.assert_says(65, "nothing was sent");
    assert!(
        stub.requests().iter().all(|r| r.method() == "GET"),
        "no submit"
    );
    let mut submit = args("run", &VALID);
    submit.extend(["--no-wait", "--json"]);
    let run = with_cache(&base, cache.path(), &submit).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    assert_eq!(run.json()["request_id"], REQUEST_ID);

    // The catalog gone: the cached copy checks the input, and says so.
    drop(stub);
    let offline = with_cache(&base, cache.path(), &args("validate", &VALID)).await;
    offline.assert_says(0, "checking with the copy cached at");
    let edited = std::fs::read_to_string(&path)
        .expect("read")
        .replace("maxLength", "minLength");
    std::fs::write(&path, edited).expect("edit");
    let tampered = with_cache(&base, cache.path(), &args("validate", &VALID)).await;
    tampered.assert_says(
        69,
        "cannot validate the input of `acme/acme-1/text-to-video`",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_catalog_or_cache_run_sends_unvalidated_and_validate_fails() {
    let base = unreachable_base();
    let cache = tempfile::tempdir().expect("dir");
    let mut run = args("run", &VALID);
    run.push("--no-wait");
    let validate = args("validate", &VALID);
    let (validate, run) = tokio::join!(
        with_cache(&base, cache.path(), &validate),
        with_cache(&base, cache.path(), &run),
    );
    validate.assert_says(69, "nor cached");
    assert!(
        validate
            .stderr
            .contains("this build does not know the model"),
        "{}",
        validate.explain()
    );
    assert!(
        run.stderr.contains("its schema cannot be had (")
            && run.stderr.contains("the input is sent unvalidated"),
        "{}",
        run.explain()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mistyped_id_is_answered_with_the_closest_ids_not_the_whole_list() {
    let typo = runcomfy(None, &["schema", "kling/kling-1-6/pro/image-to-vidoe"]).await;
    typo.assert_says(
        64,
        "run `runcomfy models` to list the models this build knows",
    );
    assert!(
        typo.stderr
            .contains("closest: kling/kling-1-6/pro/image-to-video"),
        "{}",
        typo.stderr
    );
    assert!(
        !typo.stderr.contains("wan-ai/"),
        "not every id: {}",
        typo.stderr
    );

    let stub = catalog_stub::start(Vec::new()).await;
    let unknown = runcomfy(
        Some(&stub.url("/v1")),
        &[
            "validate",
            "kling/kling-1-6/pro/image-to-vidoe",
            "--set",
            "prompt=x",
        ],
    )
    .await;
    unknown.assert_says(64, "neither this build nor the service's catalog knows it");
    assert!(
        unknown
            .stderr
            .contains("closest: kling/kling-1-6/pro/image-to-video"),
        "{}",
        unknown.stderr
    );
}
