//! Typed inputs and outputs of RunComfy Model API models, generated from the
//! JSON Schemas in `schemas/models/` by `cargo xtask codegen`.
//!
//! Each model is a module of [`models`](mod@models) with its `Input` (with a builder),
//! its `Output`, its id and its schemas. The queue's status values are the
//! hand-written [`QueueStatus`], [`ResultStatus`] and [`CancelOutcome`], which
//! accept values this build does not know instead of failing.
//!
//! This crate knows nothing about HTTP, validation or tokens.
//!
//! ```
//! use runcomfy_types::models::kling_1_6_pro_image_to_video::Input;
//! use runcomfy_types::ModelInput;
//!
//! let input: Input = Input::builder()
//!     .image_url("https://example.com/start.png")
//!     .prompt(Some("a slow dolly shot".try_into()?))
//!     .try_into()?;
//! assert_eq!(<Input as ModelInput>::SPEC.id, "kling/kling-1-6/pro/image-to-video");
//! assert_eq!(serde_json::to_value(&input)?["duration"], 5, "the schema's default");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod spec;
mod status;

pub mod models;

pub use spec::{ModelInput, ModelSpec};
pub use status::{CancelOutcome, QueueStatus, ResultStatus};

/// Every model this build knows, sorted by id.
pub fn models() -> &'static [&'static ModelSpec] {
    models::MODELS
}

/// The model with this id, if this build knows it.
pub fn model(id: &str) -> Option<&'static ModelSpec> {
    models::MODELS.iter().copied().find(|spec| spec.id == id)
}
