//! The drift gate and the generator's failure modes.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::{CodegenError, check, generate, regenerate, repository_root};

use crate::common::copy_tree;

const KLING_INPUT: &str = "schemas/models/kling/kling-1-6/pro/image-to-video/input.json";
const KLING_MODULE: &str = "crates/runcomfy-types/src/models/kling_1_6_pro_image_to_video.rs";

/// `cargo test` alone catches a forgotten `cargo xtask codegen`.
#[test]
fn checked_in_generated_files_match_the_schemas() {
    let root = repository_root();
    let files = generate(&root).unwrap_or_else(|e| panic!("{e}"));
    let stale = check(&root, &files);
    let diffs: String = stale.iter().map(|s| s.diff.as_str()).collect();
    assert!(
        stale.is_empty(),
        "stale generated files; run `cargo xtask codegen`:\n{diffs}"
    );
    for file in &files {
        // Rust files start with a comment; JSON has none, so its first key says it.
        let first = file.contents.lines().take(2).collect::<Vec<_>>().join(" ");
        let names_the_command = first.contains("cargo xtask codegen");
        assert!(
            names_the_command,
            "{} does not start with the command that made it: {first}",
            file.path.display()
        );
    }
}

/// A copy of the repository parts the generator reads and writes.
fn sandbox() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    let real = repository_root();
    copy_tree(&real.join("schemas"), &root.join("schemas"));
    copy_tree(
        &real.join("crates/runcomfy-types/src/models"),
        &root.join("crates/runcomfy-types/src/models"),
    );
    fs::create_dir_all(root.join("crates/runcomfy-api/src")).expect("mkdir");
    fs::copy(
        real.join("crates/runcomfy-api/src/generated.rs"),
        root.join("crates/runcomfy-api/src/generated.rs"),
    )
    .expect("copy");
    (dir, root)
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} does not contain {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn a_one_line_constraint_change_without_regenerating_is_stale() {
    let (_dir, sandbox) = sandbox();
    edit(
        &sandbox,
        KLING_INPUT,
        "\"maxLength\": 1391",
        "\"maxLength\": 1390",
    );
    let files = generate(&sandbox).unwrap_or_else(|e| panic!("{e}"));
    // Compared with what the real repository has checked in.
    let stale = check(&repository_root(), &files);
    let paths: Vec<String> = stale.iter().map(|s| s.path.display().to_string()).collect();
    assert!(paths.contains(&KLING_MODULE.to_owned()), "{paths:?}");
    assert!(
        paths.contains(&"schemas/openapi.json".to_owned()),
        "{paths:?}"
    );
    let module_diff = &stale
        .iter()
        .find(|s| s.path.ends_with("kling_1_6_pro_image_to_video.rs"))
        .expect("diff")
        .diff;
    assert!(
        module_diff.contains("-      \"maxLength\": 1391,")
            && module_diff.contains("+      \"maxLength\": 1390,"),
        "{module_diff}"
    );
    assert!(
        module_diff.contains("1390usize"),
        "the generated Prompt check changes too:\n{module_diff}"
    );
}

fn failure(root: &Path) -> CodegenError {
    generate(root).expect_err("the schema is broken")
}

#[test]
fn malformed_json_names_the_file_and_position() {
    let (_dir, root) = sandbox();
    edit(
        &root,
        KLING_INPUT,
        "\"maxLength\": 1391,",
        "\"maxLength\": 1391,,",
    );
    let error = failure(&root);
    assert_eq!(error.file, Path::new(KLING_INPUT));
    assert!(
        error
            .pointer
            .as_deref()
            .is_some_and(|p| p.starts_with("line ")),
        "{error}"
    );
    assert!(error.to_string().contains("not valid JSON"), "{error}");
}

#[test]
fn unsupported_schemas_name_the_file_the_pointer_and_the_reason() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "\"type\": \"integer\"",
            "\"type\": \"int\"",
            "/properties/duration/type",
            "must be one of",
        ),
        (
            "\"validation_rule\": \"file_size_mb<\"",
            "\"validation_rule\": \"file_size_gb<\"",
            "/properties/image_url/validations/2/validation_rule",
            "unknown validation_rule `file_size_gb<`",
        ),
        (
            "\"maxLength\": 1391",
            "\"maxLength\": \"long\"",
            "/properties/prompt/maxLength",
            "draft-07",
        ),
        (
            "\"maxLength\": 1391",
            "\"$ref\": \"https://example.com/prompt.json\"",
            "/properties/prompt/$ref",
            "`$ref` is not supported",
        ),
        (
            "\"maxLength\": 1391",
            "\"contentEncoding\": \"base64\"",
            "/properties/prompt/contentEncoding",
            "unsupported keyword",
        ),
        (
            "\"format\": \"uri\",\n      \"validations\"",
            "\"format\": \"uri\",\n      \"default\": \"https://a.example/b.png\",\n      \"validations\"",
            "/properties/image_url/default",
            "cannot have a default",
        ),
        (
            "\"title\": \"Input\"",
            "\"title\": \"KlingInput\"",
            "/title",
            "names the Rust type",
        ),
    ];
    for (from, to, pointer, reason) in cases {
        let (_dir, root) = sandbox();
        edit(&root, KLING_INPUT, from, to);
        let error = failure(&root);
        assert_eq!(error.file, Path::new(KLING_INPUT), "{to}: {error}");
        assert_eq!(error.pointer.as_deref(), Some(*pointer), "{to}: {error}");
        assert!(error.reason.contains(reason), "{to}: {error}");
    }
}

#[test]
fn a_model_folder_without_an_output_schema_is_named() {
    let (_dir, root) = sandbox();
    fs::remove_file(root.join("schemas/models/kling/kling-1-6/pro/image-to-video/output.json"))
        .expect("rm");
    let error = failure(&root);
    assert_eq!(
        error.file,
        Path::new("schemas/models/kling/kling-1-6/pro/image-to-video/output.json")
    );
    assert!(error.reason.contains("cannot read"), "{error}");
}

#[test]
fn a_failure_anywhere_writes_nothing() {
    let (_dir, root) = sandbox();
    let before = fs::read_to_string(root.join(KLING_MODULE)).expect("read");
    // A real change to one model, and a second model that is broken.
    edit(
        &root,
        KLING_INPUT,
        "\"maxLength\": 1391",
        "\"maxLength\": 1000",
    );
    let broken = root.join("schemas/models/acme/broken");
    fs::create_dir_all(&broken).expect("mkdir");
    fs::write(broken.join("input.json"), r#"{"$schema": "http://json-schema.org/draft-07/schema#", "title": "Input", "type": "object", "properties": {"x": {"type": "strng"}}}"#).expect("write");
    fs::write(broken.join("output.json"), r#"{"$schema": "http://json-schema.org/draft-07/schema#", "title": "Output", "type": "object", "properties": {}}"#).expect("write");
    let error = regenerate(&root).expect_err("broken model");
    assert_eq!(
        error.file,
        Path::new("schemas/models/acme/broken/input.json")
    );
    assert_eq!(
        fs::read_to_string(root.join(KLING_MODULE)).expect("read"),
        before,
        "kling module was rewritten"
    );
    assert!(
        !root
            .join("crates/runcomfy-types/src/models/acme_broken.rs")
            .exists()
    );

    // Once fixed, both models are written and the index lists both.
    edit(
        &root,
        "schemas/models/acme/broken/input.json",
        "strng",
        "string",
    );
    let written = regenerate(&root).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        written.contains(&PathBuf::from(
            "crates/runcomfy-types/src/models/acme_broken.rs"
        )),
        "{written:?}"
    );
    let index =
        fs::read_to_string(root.join("crates/runcomfy-types/src/models/mod.rs")).expect("index");
    assert!(
        index.contains("pub mod acme_broken;") && index.contains("&acme_broken::SPEC"),
        "{index}"
    );
    let openapi = fs::read_to_string(root.join("schemas/openapi.json")).expect("openapi");
    assert!(
        openapi.contains("\"/models/acme/broken\""),
        "adding a model is a folder and one command"
    );
    assert!(
        check(&root, &generate(&root).expect("generates")).is_empty(),
        "regenerating twice changes nothing"
    );
}

#[test]
fn imported_folders_are_generated_only_once_their_facts_say_codegen() {
    let ids = |root: &Path| -> Vec<String> {
        xtask::models::discover(root)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|model| model.id)
            .collect()
    };
    assert_eq!(
        ids(&repository_root()),
        ["kling/kling-1-6/pro/image-to-video"]
    );
    let (_dir, root) = sandbox();
    // A required prompt with a default, as the catalog writes it: an
    // imported folder is linted with the imported profile.
    let facts = "schemas/models/bytedance/seedance-2.5/image-to-video/1080p/model.json";
    edit(&root, facts, "\"codegen\": false", "\"codegen\": true");
    assert_eq!(
        ids(&root),
        [
            "bytedance/seedance-2.5/image-to-video/1080p",
            "kling/kling-1-6/pro/image-to-video"
        ]
    );
}
