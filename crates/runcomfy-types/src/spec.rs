//! What a generated model module is: its [`ModelSpec`] (id and schemas) and
//! the [`ModelInput`] trait its typed input implements.

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
