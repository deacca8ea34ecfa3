//! The drift gate and the generator's failure modes.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::{CodegenError, check, generate, regenerate, repository_root};

use crate::common::copy_tree;

const KLING_INPUT: &str = "schemas/models/kling/kling-1-6/pro/image-to-video/input.json";
const KLING_MODULE: &str = "crates/runcomfy-types/src/models/kling/kling_1_6/pro/image_to_video.rs";
/// The catalog data of every Kling model, its schemas among them.
const KLING_CATALOG: &str = "crates/runcomfy-types/src/catalog/kling.rs";

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
    for generated in ["models", "catalog"] {
        let dir = format!("crates/runcomfy-types/src/{generated}");
        copy_tree(&real.join(&dir), &root.join(&dir));
    }
    for file in [
        "crates/runcomfy-api/src/generated.rs",
        "crates/runcomfy-types/Cargo.toml",
        "crates/runcomfy/Cargo.toml",
    ] {
        let target = root.join(file);
        fs::create_dir_all(target.parent().expect("a folder")).expect("mkdir");
        fs::copy(real.join(file), target).expect("copy");
    }
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
    assert!(paths.contains(&KLING_CATALOG.to_owned()), "{paths:?}");
    assert!(
        paths.contains(&"schemas/openapi.json".to_owned()),
        "{paths:?}"
    );
    let diff_of = |file: &str| {
        &stale
            .iter()
            .find(|s| s.path == Path::new(file))
            .expect("diff")
            .diff
    };
    let schema_diff = diff_of(KLING_CATALOG);
    assert!(
        schema_diff.contains("-      \"maxLength\": 1391,")
            && schema_diff.contains("+      \"maxLength\": 1390,"),
        "{schema_diff}"
    );
    let module_diff = diff_of(KLING_MODULE);
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

/// Declares a new provider's cargo features in both manifests, as a new
/// provider's first model needs.
fn declare_provider(root: &Path, provider: &str) {
    let types = "crates/runcomfy-types/Cargo.toml";
    let listed = format!("all-models = [\n    \"{provider}\",\n");
    edit(root, types, "all-models = [\n", &listed);
    edit(
        root,
        types,
        "\nkling = []",
        &format!("\n{provider} = []\nkling = []"),
    );
    let forwarded = format!("\n{provider} = [\"runcomfy-types/{provider}\"]\nkling =");
    edit(root, "crates/runcomfy/Cargo.toml", "\nkling =", &forwarded);
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
    fs::write(broken.join("model.json"), r#"{"model_id": "acme/broken", "display_name": "Acme", "output_kind": "image", "curated": true, "codegen": true, "source": {"file": "by hand", "shape": "seed", "output_kind_from": "curated"}}"#).expect("write");
    declare_provider(&root, "acme");
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
            .join("crates/runcomfy-types/src/models/acme/broken.rs")
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
            "crates/runcomfy-types/src/models/acme/broken.rs"
        )),
        "{written:?}"
    );
    let read = |file: &str| fs::read_to_string(root.join(file)).expect("index");
    let index = read("crates/runcomfy-types/src/models/mod.rs");
    let catalog = read("crates/runcomfy-types/src/catalog/mod.rs");
    assert!(
        index.contains("#[cfg(feature = \"acme\")]\npub mod acme;")
            && catalog.contains("&acme::broken::SPEC"),
        "{index}\n{catalog}"
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

/// `discover` lints each schema and compiles it with the real validator.
#[test]
fn every_model_folder_lints_and_compiles() {
    let root = repository_root();
    let every = xtask::models::folder_ids(&root).expect("folders");
    assert_eq!(every.len(), 121, "120 imported models and Kling 1.6");
    let taken: Vec<String> = xtask::models::discover(&root)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|model| model.id)
        .collect();
    assert_eq!(taken, every);
}

#[test]
fn two_ids_with_one_module_path_are_an_error_naming_both() {
    let (_dir, root) = sandbox();
    let from = root.join("schemas/models/kling/kling-3.0/pro/image-to-video");
    let twin = root.join("schemas/models/kling/kling-3-0/pro/image-to-video");
    copy_tree(&from, &twin);
    edit(
        &root,
        "schemas/models/kling/kling-3-0/pro/image-to-video/model.json",
        "kling/kling-3.0/pro",
        "kling/kling-3-0/pro",
    );
    let error = failure(&root);
    assert!(
        error
            .reason
            .contains("`kling/kling-3-0/pro/image-to-video`")
            && error
                .reason
                .contains("`kling/kling-3.0/pro/image-to-video`")
            && error
                .reason
                .contains("`kling::kling_3_0::pro::image_to_video`"),
        "{error}"
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
    let (_dir, root) = sandbox();
    // A folder whose facts say `false` is left out of code generation.
    let facts = "schemas/models/bytedance/seedance-2.5/image-to-video/1080p/model.json";
    edit(&root, facts, "\"codegen\": true", "\"codegen\": false");
    let taken = ids(&root);
    assert_eq!(taken.len(), 120);
    assert!(!taken.contains(&"bytedance/seedance-2.5/image-to-video/1080p".to_owned()));
}

#[test]
fn a_provider_without_its_cargo_feature_is_an_error_naming_the_manifest() {
    let (_dir, root) = sandbox();
    let from = root.join("schemas/models/runwayml/runway-aleph-2/video-to-video");
    copy_tree(&from, &root.join("schemas/models/acme/video-to-video"));
    edit(
        &root,
        "schemas/models/acme/video-to-video/model.json",
        "runwayml/runway-aleph-2/video-to-video",
        "acme/video-to-video",
    );
    let error = failure(&root);
    assert_eq!(error.file, Path::new("crates/runcomfy-types/Cargo.toml"));
    assert!(error.reason.contains("`acme = []`"), "{error}");
    declare_provider(&root, "acme");
    generate(&root).unwrap_or_else(|e| panic!("{e}"));
}
