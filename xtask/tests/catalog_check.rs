//! `--check` names each model an import would add, remove or change, and
//! what changed in each, and writes nothing; `cargo xtask catalog import
//! FILE --check` exits 1 when anything would change, 0 when nothing would.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use xtask::catalog::{Change, ModelChange, import, report};
use xtask::repository_root;

use crate::common::{answer, files_under, schemas_before_import, snapshot, snapshot_record};

fn first() -> Value {
    json!([
        snapshot_record(
            "acme/a/text-to-video",
            "VIDEO",
            json!({
                "prompt": {"type": "string", "default": "", "maxLength": 2500},
                "duration": {"type": "integer", "enum": [5, 10], "default": 5},
                "negative_prompt": {"type": "string"}
            })
        ),
        snapshot_record(
            "acme/b/text-to-image",
            "IMAGE",
            json!({"prompt": {"type": "string"}})
        ),
        snapshot_record(
            "acme/c/text-to-audio",
            "AUDIO",
            json!({"lyrics": {"type": "string"}})
        )
    ])
}

/// `a` changed, `b` the same, `c` gone, `d` new.
fn second() -> Value {
    json!([
        snapshot_record(
            "acme/a/text-to-video",
            "VIDEO",
            json!({
                "prompt": {"type": "string", "default": "", "maxLength": 2000},
                "duration": {"type": "integer", "enum": [5, 10, 15], "default": 5},
                "seed": {"type": "integer", "minimum": -1}
            })
        ),
        snapshot_record(
            "acme/b/text-to-image",
            "IMAGE",
            json!({"prompt": {"type": "string"}})
        ),
        snapshot_record(
            "acme/d/image-to-video",
            "VIDEO",
            json!({"image": {"type": "string", "format": "image_uri"}})
        )
    ])
}

#[test]
fn check_names_an_added_a_removed_and_a_changed_model_and_writes_nothing() {
    let (dir, root) = schemas_before_import();
    // The same file saved again, as a catalog is refreshed.
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    fs::create_dir_all(&old)
        .and_then(|()| fs::create_dir_all(&new))
        .expect("mkdir");
    let first = answer(&old, "catalog.json", &first());
    import(&root, &first, false).unwrap_or_else(|e| panic!("{e}"));
    let before = files_under(&root.join("schemas"));

    let second = answer(&new, "catalog.json", &second());
    let outcome = import(&root, &second, true).unwrap_or_else(|e| panic!("{e}"));
    let changed = vec![
        "prompt: maxLength 2500 -> 2000".to_owned(),
        "duration: enum [5,10] -> [5,10,15]".to_owned(),
        "seed: added".to_owned(),
        "negative_prompt: removed".to_owned(),
    ];
    assert_eq!(
        outcome.changes,
        [
            ModelChange {
                id: "acme/a/text-to-video".into(),
                change: Change::Changed(changed),
            },
            ModelChange {
                id: "acme/c/text-to-audio".into(),
                change: Change::Removed,
            },
            ModelChange {
                id: "acme/d/image-to-video".into(),
                change: Change::Added,
            },
        ]
    );
    assert_eq!(outcome.written, Vec::<std::path::PathBuf>::new());
    assert_eq!(
        files_under(&root.join("schemas")),
        before,
        "--check writes nothing"
    );
    let text = report::changes(&outcome.changes);
    assert!(
        text.starts_with(
            "changed acme/a/text-to-video\n  prompt: maxLength 2500 -> 2000\n  duration: enum"
        ) && text.contains("\nremoved acme/c/text-to-audio\nadded acme/d/image-to-video\n"),
        "{text}"
    );
    assert!(
        report::summary(&outcome).contains("1 added, 1 removed, 1 changed, 1 unchanged"),
        "{}",
        report::summary(&outcome)
    );
}

/// `cargo xtask catalog import FILE --check` on the real tree (the flag
/// first or last): its exit code and what it printed on stdout and stderr.
fn check(file: &Path, flag_first: bool) -> (Option<i32>, String, String) {
    let file = file.to_str().expect("utf-8");
    let args = if flag_first {
        ["catalog", "import", "--check", file]
    } else {
        ["catalog", "import", file, "--check"]
    };
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (run.status.code(), text(&run.stdout), text(&run.stderr))
}

#[test]
fn the_command_exits_1_when_anything_would_change_and_0_when_nothing_would() {
    let dir = tempfile::tempdir().expect("temp dir");
    let second = answer(dir.path(), "second.json", &second());
    let before = files_under(&repository_root().join("schemas"));
    let (code, stdout, _) = check(&second, false);
    assert_eq!(code, Some(1), "{stdout}");
    for named in [
        "added acme/d/image-to-video\n",
        "removed openai/gpt-image-2/edit\n",
        "3 added, 120 removed, 0 changed",
    ] {
        assert!(stdout.contains(named), "{named}: {stdout}");
    }
    assert_eq!(files_under(&repository_root().join("schemas")), before);

    let (code, stdout, stderr) = check(&snapshot(), true);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("0 added, 0 removed, 0 changed, 120 unchanged"),
        "{stdout}"
    );
    assert!(stderr.contains("15 warnings"), "{stderr}");

    let (code, _, stderr) = check(&dir.path().join("missing.json"), false);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("missing.json: cannot read"), "{stderr}");
}
