//! The provider CLI's token file (`runcomfy login` writes it) end to end.
//!
//! Read after `RUNCOMFY_API_TOKEN` and `RUNCOMFY_TOKEN`, from
//! `$RUNCOMFY_CONFIG_DIR`, else `$XDG_CONFIG_HOME/runcomfy`; `-v` says which
//! source the token came from; an expired or malformed file exits 77 naming
//! it; a file others can read is a warning; the file is never written and
//! its token never shown.

use std::path::{Path, PathBuf};

use runcomfy_emulator::Emulator;

use crate::common::command::{KLING, Outcome, TOKEN, command, emulator_with, finish, start_image};

/// The token the file holds; `finish` fails when an output shows `SECRET`.
const FILE_TOKEN: &str = "tok-SECRET-file-1";

/// An emulator that takes the file's token only.
async fn guarded() -> Emulator {
    emulator_with(|config| config.tokens = Some(vec![FILE_TOKEN.into()])).await
}

/// Writes `token.json` in `dir` with `text` and the permission `mode`.
fn token_file(dir: &Path, text: &str, mode: u32) -> PathBuf {
    std::fs::create_dir_all(dir).expect("dir");
    let path = dir.join("token.json");
    std::fs::write(&path, text).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    let _ = mode;
    path
}

/// A token file without an expiry.
fn plain_token_file() -> String {
    format!(r#"{{"access_token": "{FILE_TOKEN}"}}"#)
}

/// The guarded emulator, and a folder holding a token file of `text`.
async fn with_token_file(text: &str, mode: u32) -> (Emulator, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("dir");
    let path = token_file(dir.path(), text, mode);
    (guarded().await, dir, path)
}

/// A `--json` submit with a token file of `text`, which must exit 77 before
/// any request: the file's path and the error document.
async fn refused_file(text: &str) -> (PathBuf, serde_json::Value) {
    let (emulator, dir, path) = with_token_file(text, 0o600).await;
    let outcome = submit(&emulator, dir.path(), &["--json"]).await;
    assert_eq!(outcome.code, 77, "{}", outcome.explain());
    assert_eq!(emulator.stats().requests(), 0, "nothing was sent");
    (path, outcome.error_document())
}

/// `runcomfy FLAGS run KLING --no-wait`, the token variable still set.
fn submit_command(emulator: &Emulator, flags: &[&str]) -> tokio::process::Command {
    let image = format!("image_url=@{}", start_image());
    let mut args = flags.to_vec();
    args.extend(["run", KLING, "--set", &image, "--no-wait"]);
    command(Some(&emulator.base_url()), &args)
}

/// `runcomfy FLAGS run KLING --no-wait` with no token variable and the
/// token file looked for in `config_dir`.
async fn submit(emulator: &Emulator, config_dir: &Path, flags: &[&str]) -> Outcome {
    let mut command = submit_command(emulator, flags);
    command
        .env_remove("RUNCOMFY_API_TOKEN")
        .env("RUNCOMFY_CONFIG_DIR", config_dir);
    finish(command).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_variable_the_files_token_is_used_and_v_says_so() {
    let text = format!(r#"{{"access_token": "{FILE_TOKEN}", "expires_at": 4102444800}}"#);
    let (emulator, dir, path) = with_token_file(&text, 0o600).await;
    let before = std::fs::metadata(&path)
        .expect("metadata")
        .modified()
        .expect("mtime");

    let outcome = submit(&emulator, dir.path(), &["-v"]).await;
    assert_eq!(outcome.code, 0, "{}", outcome.explain());
    let said = format!(
        "token: from the provider CLI's token file {}",
        path.display()
    );
    assert!(outcome.stderr.contains(&said), "{}", outcome.explain());
    assert!(!outcome.stderr.contains("warning"), "{}", outcome.explain());
    assert_eq!(emulator.stats().submits(), 1);

    let quiet = submit(&emulator, dir.path(), &[]).await;
    assert_eq!(quiet.code, 0, "{}", quiet.explain());
    assert!(
        !quiet.stderr.contains("token:"),
        "only -v says it: {}",
        quiet.explain()
    );

    // Read only: the file is as it was, and nothing was added beside it.
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    let after = std::fs::metadata(&path)
        .expect("metadata")
        .modified()
        .expect("mtime");
    assert_eq!(before, after, "never written");
    let names: Vec<_> = std::fs::read_dir(dir.path()).expect("ls").collect();
    assert_eq!(names.len(), 1, "nothing created beside it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_variables_come_before_the_file() {
    let (emulator, dir, _) = with_token_file(&plain_token_file(), 0o600).await;
    let mut with_variable = submit_command(&emulator, &["-v"]);
    with_variable.env("RUNCOMFY_CONFIG_DIR", dir.path());
    let outcome = finish(with_variable).await;
    assert_eq!(
        outcome.code,
        77,
        "the variable's token is rejected: {}",
        outcome.explain()
    );
    assert!(
        outcome.stderr.contains("token: from RUNCOMFY_API_TOKEN"),
        "{}",
        outcome.explain()
    );
    assert!(!outcome.stderr.contains(TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_exits_77_saying_so_before_any_request() {
    let text = format!(r#"{{"access_token": "{FILE_TOKEN}", "expires_at": 1}}"#);
    let (path, error) = refused_file(&text).await;
    assert_eq!(error["kind"], "token_expired");
    let message = error["message"].as_str().expect("message");
    let expected = format!(
        "the token in {} (the provider CLI's login) expired at 1970-01-01 00:00:01 UTC (",
        path.display()
    );
    assert!(message.starts_with(&expected), "{message}");
    assert!(
        message.ends_with(
            "log in again with the provider's CLI (`runcomfy login`), or set RUNCOMFY_API_TOKEN"
        ),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_file_exits_77_naming_it_without_showing_the_token() {
    // A parser's message would quote the value it choked on: here, the token.
    let text = format!(r#"{{"access_token": "{FILE_TOKEN}", "expires_at": "{FILE_TOKEN}"}}"#);
    let (path, error) = refused_file(&text).await;
    assert_eq!(error["kind"], "token_file");
    let message = error["message"].as_str().expect("message");
    assert!(
        message.starts_with(&format!(
            "the token file {} is not one the provider's CLI writes: its `expires_at` is not a number of unix seconds;",
            path.display()
        )),
        "{message}"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_others_can_read_is_used_with_a_warning() {
    let (emulator, dir, path) = with_token_file(&plain_token_file(), 0o644).await;
    let outcome = submit(&emulator, dir.path(), &[]).await;
    assert_eq!(outcome.code, 0, "{}", outcome.explain());
    let warning = format!(
        "warning: the token file {} can be read by other users (mode 644); it holds a secret: chmod 600 {}",
        path.display(),
        path.display()
    );
    assert!(outcome.stderr.contains(&warning), "{}", outcome.explain());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_runcomfy_config_dir_the_file_is_in_xdg_config_home() {
    let emulator = guarded().await;
    let xdg = tempfile::tempdir().expect("dir");
    let path = token_file(&xdg.path().join("runcomfy"), &plain_token_file(), 0o600);
    let mut command = submit_command(&emulator, &["-v"]);
    command
        .env_remove("RUNCOMFY_API_TOKEN")
        .env_remove("RUNCOMFY_CONFIG_DIR")
        .env("XDG_CONFIG_HOME", xdg.path());
    let outcome = finish(command).await;
    assert_eq!(outcome.code, 0, "{}", outcome.explain());
    assert!(
        outcome.stderr.contains(&path.display().to_string()),
        "{}",
        outcome.explain()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_token_anywhere_the_error_names_every_source() {
    let emulator = guarded().await;
    let empty = tempfile::tempdir().expect("dir");
    let outcome = submit(&emulator, empty.path(), &["-v"]).await;
    assert_eq!(outcome.code, 77, "{}", outcome.explain());
    let none = format!(
        "token: none (RUNCOMFY_API_TOKEN and RUNCOMFY_TOKEN are not set, and there is no token file at {})",
        empty.path().join("token.json").display()
    );
    assert!(outcome.stderr.contains(&none), "{}", outcome.explain());
    assert!(
        outcome
            .stderr
            .contains("set RUNCOMFY_API_TOKEN (or RUNCOMFY_TOKEN)")
            && outcome.stderr.contains("`runcomfy login`"),
        "{}",
        outcome.explain()
    );
}
