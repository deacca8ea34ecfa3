//! Typed inputs and outputs of RunComfy Model API models, and the catalog
//! data of every model, generated from the JSON Schemas in
//! `schemas/models/` by `cargo xtask codegen`.
//!
//! Two trees of the same names:
//! - [`catalog`] is data, compiled in whatever the cargo features: a
//!   [`ModelSpec`] a model (id, display name, output kind, categories,
//!   price when known, input and output schemas, unvalidated inputs), read
//!   through [`models()`] and [`model`].
//! - [`models`](mod@models) holds the typed modules, a module a segment of
//!   the model id, each segment lower-cased with `.` and `-` as `_` and a
//!   `_` before one that starts with a digit
//!   (`kling/kling-video-o3/4K/text-to-video` is
//!   `models::kling::kling_video_o3::_4k::text_to_video`). Each has its
//!   `Input` (with a builder), its `Output`, and its catalog entry
//!   (`MODEL_ID`, `INPUT_SCHEMA`, `OUTPUT_SCHEMA`, `SPEC`). A provider's
//!   modules are behind the cargo feature of its name (`kling`, `wan-ai`,
//!   `bytedance`, ...; `kling` by default), and `all-models` turns on
//!   every one.
//!
//! The queue's status values are the hand-written [`QueueStatus`],
//! [`ResultStatus`] and [`CancelOutcome`], which accept values this build
//! does not know instead of failing.
//!
//! This crate knows nothing about HTTP, validation or tokens.
//!
//! ```
//! use runcomfy_types::models::kling::kling_1_6::pro::image_to_video::Input;
//! use runcomfy_types::{ModelInput, OutputKind};
//!
//! let input: Input = Input::builder()
//!     .image_url("https://example.com/start.png")
//!     .prompt(Some("a slow dolly shot".try_into()?))
//!     .try_into()?;
//! assert_eq!(<Input as ModelInput>::SPEC.id, "kling/kling-1-6/pro/image-to-video");
//! assert_eq!(serde_json::to_value(&input)?["duration"], 5, "the schema's default");
//!
//! // The data of every model, whatever the features.
//! let seedance = runcomfy_types::model("bytedance/seedance-2.5/text-to-video/720p");
//! assert_eq!(seedance.map(|spec| spec.output_kind), Some(OutputKind::Video));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod spec;
mod status;

pub mod catalog;
pub mod models;

pub use spec::{BasePrice, ModelInput, ModelSpec, OutputKind, PriceUnit};
pub use status::{CancelOutcome, QueueStatus, ResultStatus};

/// Every model this build knows, sorted by id, whatever the cargo features.
pub fn models() -> &'static [&'static ModelSpec] {
    catalog::MODELS
}

/// The model with this id, if this build knows it (whatever the features).
pub fn model(id: &str) -> Option<&'static ModelSpec> {
    let models = catalog::MODELS;
    models
        .binary_search_by(|spec| spec.id.cmp(id))
        .ok()
        .and_then(|at| models.get(at).copied())
}
