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

mod status;

#[allow(
    missing_docs,
    unreachable_pub,
    dead_code,
    clippy::all,
    clippy::unwrap_used,
    rust_2018_idioms
)]
pub mod models;

pub use status::{CancelOutcome, QueueStatus, ResultStatus};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A model this build knows: its id and its schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelSpec {
    /// The model id, as in the submit path: `kling/kling-1-6/pro/image-to-video`.
    pub id: &'static str,
    /// The input JSON Schema (draft-07, with the provider's `validations` keyword).
    pub input_schema: &'static str,
    /// The JSON Schema of a succeeded result's `output` object.
    pub output_schema: &'static str,
}

/// The typed input of a model: what to submit, and what comes back.
pub trait ModelInput: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// The typed `output` of a succeeded result.
    type Output: Serialize + DeserializeOwned + Clone + Send + Sync + 'static;
    /// The model this input is for.
    const SPEC: &'static ModelSpec;
}

/// Every model this build knows, sorted by id.
pub fn models() -> &'static [&'static ModelSpec] {
    models::MODELS
}

/// The model with this id, if this build knows it.
pub fn model(id: &str) -> Option<&'static ModelSpec> {
    models::MODELS.iter().copied().find(|spec| spec.id == id)
}
