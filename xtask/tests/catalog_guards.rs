//! What an import refuses or warns about: it never overwrites a curated
//! folder; a `validations` rule it does not know is a warning naming the
//! model, the field and the rule, kept in the schema; a record whose output
//! kind cannot be told is an error naming it; a malformed answer is an
//! error naming the file; and on any error nothing is written.

use std::fs;

use serde_json::json;
use xtask::catalog::{Warning, import};

use crate::common::{answer, files_under, schemas_before_import, schemas_copy, snapshot_record};

const KLING: &str = "schemas/models/kling/kling-1-6/pro/image-to-video";

#[test]
fn a_curated_folder_is_never_overwritten() {
    let (dir, root) = schemas_copy();
    let before = files_under(&root.join(KLING));
    let record = snapshot_record(
        "kling/kling-1-6/pro/image-to-video",
        "VIDEO",
        json!({"image_url": {"type": "string", "format": "image_uri"}}),
    );
    let file = answer(dir.path(), "kling.json", &json!([record]));
    let outcome = import(&root, &file, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(files_under(&root.join(KLING)), before);
    assert_eq!(outcome.curated, 1);
    assert!(
        outcome
            .changes
            .iter()
            .all(|c| !c.id.starts_with("kling/kling-1-6"))
    );
    let kept = Warning::CuratedKept {
        model: "kling/kling-1-6/pro/image-to-video".into(),
    };
    assert!(outcome.warnings.contains(&kept), "{:?}", outcome.warnings);
    assert!(kept.to_string().contains("curated"), "{kept}");
}

#[test]
fn an_unknown_validations_rule_is_a_warning_naming_it_and_stays_in_the_schema() {
    let (dir, root) = schemas_before_import();
    let rules = json!([
        {"validation_rule": "duration_seconds<", "validation_value": 30, "validation_error": "Too long."},
        {"validation_rule": "file_size_mb<", "validation_value": 16, "validation_error": "Too big."}
    ]);
    let record = snapshot_record(
        "acme/clip/video-to-video",
        "VIDEO",
        json!({"video_url": {"type": "string", "format": "video_uri", "validations": rules}}),
    );
    let file = answer(dir.path(), "rules.json", &json!([record]));
    let outcome = import(&root, &file, false).unwrap_or_else(|e| panic!("{e}"));
    let warning = Warning::UnknownRule {
        model: "acme/clip/video-to-video".into(),
        field: "video_url".into(),
        rule: "duration_seconds<".into(),
    };
    assert_eq!(outcome.warnings, std::slice::from_ref(&warning));
    assert_eq!(
        warning.to_string(),
        "acme/clip/video-to-video: field `video_url`: validations rule `duration_seconds<` \
         is unknown to this build; kept in the schema, not checked"
    );
    let written =
        fs::read_to_string(root.join("schemas/models/acme/clip/video-to-video/input.json"))
            .expect("written");
    assert!(written.contains("\"duration_seconds<\"") && written.contains("\"file_size_mb<\""));
}

#[test]
fn a_record_whose_output_kind_cannot_be_told_is_an_error_naming_it() {
    let (dir, root) = schemas_before_import();
    let before = files_under(&root.join("schemas"));
    let live = |categories: serde_json::Value| {
        json!({"models": [{
            "model_id": "acme/x/fast", "display_name": "X", "categories": categories,
            "input_schema": {"type": "object", "properties": {}}
        }], "total": 1})
    };
    let file = answer(dir.path(), "live.json", &live(json!([])));
    let error = import(&root, &file, false).expect_err("no kind");
    assert_eq!(error.file, file);
    assert_eq!(error.pointer.as_deref(), Some("/models/0"));
    assert!(
        error.reason.contains("model `acme/x/fast`") && error.reason.contains("cannot be told"),
        "{error}"
    );
    assert_eq!(
        files_under(&root.join("schemas")),
        before,
        "nothing written"
    );

    // Once a folder has a kind, an inference that contradicts it is refused too.
    let first = answer(
        dir.path(),
        "first.json",
        &json!([snapshot_record("acme/x/fast", "VIDEO", json!({}))]),
    );
    import(&root, &first, false).unwrap_or_else(|e| panic!("{e}"));
    let file = answer(dir.path(), "image.json", &live(json!(["text-to-image"])));
    let error = import(&root, &file, false).expect_err("contradiction");
    assert!(
        error
            .reason
            .contains("categories say image but the folder's facts say video"),
        "{error}"
    );
    let file = answer(dir.path(), "video.json", &live(json!([])));
    import(&root, &file, false).unwrap_or_else(|e| panic!("the folder's kind is kept: {e}"));
}

#[test]
fn malformed_answers_are_errors_naming_the_file_and_write_nothing() {
    let (dir, root) = schemas_before_import();
    let before = files_under(&root.join("schemas"));
    let not_json = dir.path().join("cut.json");
    fs::write(&not_json, "{\"models\": [").expect("write");
    let error = import(&root, &not_json, false).expect_err("not JSON");
    assert_eq!(error.file, not_json);
    assert!(error.to_string().contains("not valid JSON"), "{error}");

    let other = answer(dir.path(), "other.json", &json!({"data": []}));
    let error = import(&root, &other, false).expect_err("other shape");
    assert_eq!(error.file, other);

    let good = snapshot_record("acme/good/text-to-image", "IMAGE", json!({}));
    let bad = snapshot_record(
        "acme/bad/text-to-image",
        "IMAGE",
        json!({"x": {"type": "strng"}}),
    );
    let file = answer(dir.path(), "broken.json", &json!([good, bad]));
    let error = import(&root, &file, false).expect_err("bad schema");
    assert_eq!(
        error.file,
        std::path::Path::new("schemas/models/acme/bad/text-to-image/input.json")
    );
    assert_eq!(error.pointer.as_deref(), Some("/properties/x/type"));
    assert_eq!(
        files_under(&root.join("schemas")),
        before,
        "nothing written"
    );
}
