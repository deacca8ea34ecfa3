//! Validating a Kling input without media, side by side with two baselines in
//! the same run: a plain jsonschema validator of the same schema (what our
//! keyword and error shaping cost) and deserializing into the generated type
//! (what a typed-only check costs, though it misses bounds and formats).
//!
//! `cargo bench -p runcomfy-validate --bench validate`

#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use runcomfy_types::models::kling::kling_1_6::pro::image_to_video::{INPUT_SCHEMA, Input};
use runcomfy_validate::Validator;
use serde_json::{Value, json};
use std::hint::black_box;

fn inputs() -> (Value, Value) {
    let valid = json!({
        "prompt": "A pair of stylish round sunglasses rests on a sleek table. A man's hand enters the frame.",
        "image_url": "https://playgrounds-storage-public.runcomfy.net/tools/7002/media-files/usecase3-1-1-input.jpeg",
        "tail_image_url": "https://playgrounds-storage-public.runcomfy.net/tools/7002/media-files/usecase3-1-2-input.jpeg",
        "duration": 10,
        "negative_prompt": "blur, low quality",
        "cfg_scale": 0.7
    });
    let invalid = json!({"duration": 7, "cfg_scale": 2, "prompt": "y".repeat(1500), "extra": true});
    (valid, invalid)
}

/// The valid examples of `schemas/examples`, sorted by file name.
fn valid_examples() -> Vec<Value> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas/examples/kling/kling-1-6/pro/image-to-video/valid");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| serde_json::from_slice(&std::fs::read(path).expect("read")).expect("JSON"))
        .collect()
}

fn bench(c: &mut Criterion) {
    let schema: Value = serde_json::from_str(INPUT_SCHEMA).expect("schema");
    let ours = Validator::new(&schema).expect("compiles");
    // Baseline: the same schema without the provider's keyword, plain jsonschema.
    let mut plain_schema = schema.clone();
    for property in ["image_url", "tail_image_url"] {
        plain_schema["properties"][property]
            .as_object_mut()
            .expect("object")
            .remove("validations");
    }
    let plain = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&plain_schema)
        .expect("compiles");
    let (valid, invalid) = inputs();
    assert!(ours.validate(&valid).is_ok() && plain.is_valid(&valid));
    assert_eq!(ours.errors(&invalid).len(), 5);

    let mut group = c.benchmark_group("kling_input");
    group.bench_function("runcomfy_validate/valid", |b| {
        b.iter(|| ours.validate(black_box(&valid)))
    });
    group.bench_function("baseline_jsonschema_plain/valid", |b| {
        b.iter(|| plain.is_valid(black_box(&valid)))
    });
    group.bench_function("baseline_serde_typed/valid", |b| {
        b.iter(|| serde_json::from_value::<Input>(black_box(valid.clone())))
    });
    group.bench_function("baseline_clone_only/valid", |b| {
        b.iter(|| black_box(valid.clone()))
    });
    // Every valid example, one validation each: the figure `cargo xtask
    // bench` compares with Python's jsonschema on the same files.
    let examples = valid_examples();
    assert!(
        examples
            .iter()
            .all(|example| ours.validate(example).is_ok())
    );
    group.bench_function("runcomfy_validate/valid_examples", |b| {
        b.iter(|| {
            for example in &examples {
                let _ = black_box(ours.validate(black_box(example)));
            }
        })
    });
    group.bench_function("runcomfy_validate/invalid_all_errors", |b| {
        b.iter(|| ours.errors(black_box(&invalid)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
