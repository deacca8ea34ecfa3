//! Validators for RunComfy Model API inputs.
//!
//! The model schemas in `schemas/` are the authority: generated Rust types
//! cannot express every constraint (numeric bounds, formats, the provider's
//! `validations` keyword), so every path to a submit goes through a
//! [`Validator`] compiled from the same schema.
//!
//! - [`Validator::validate`] checks everything that needs no I/O and returns
//!   every error, each with its JSON pointer and a message.
//! - [`Validator::validate_media`] checks the provider's media rules (pixel
//!   bounds, width/height ratios, file size) on images, videos and audio,
//!   reading only what each rule needs from `https`/`http` URLs, `data:`
//!   URIs or local files ([`media::MediaProbe`]): an image's header bytes,
//!   a video's MP4 header (`moov`, through bounded ranged reads), a size.
//! - [`Validator::warnings`] says what an input reaches that goes unchecked
//!   ([`FieldWarning`]: an `x-runcomfy-unvalidated` input, passed through as
//!   given; a `validations` rule this build does not know), never a reason
//!   to refuse it; [`Validator::schema_warnings`] says the same of a schema.
//!
//! A media field's reference must be of its kind: a `data:` URI's media
//! type says it (`image/*`, `video/*`, `audio/*`), a URL's path extension
//! when it is a known one; a URL with no known extension is not judged by
//! kind until a rule reads its bytes.
//!
//! This crate never prints and never knows about the API client or tokens.
//!
//! It is the lowest crate of the workspace that the client, the emulator and
//! the CLI all depend on, so the rules they must agree on live here:
//! [`text`] (how messages cut text and join error causes), [`http`]
//! (loopback hosts, the URL really requested, `Content-Range`), [`redact`]
//! (how URLs are shown) and [`fixtures`] (test images whose header says a
//! size).
//!
//! ```
//! use runcomfy_validate::Validator;
//! use serde_json::json;
//!
//! let schema = json!({
//!     "type": "object",
//!     "required": ["image_url"],
//!     "properties": {"duration": {"type": "integer", "enum": [5, 10]}, "image_url": {"type": "string"}}
//! });
//! let validator = Validator::new(&schema)?;
//! let errors = validator.validate(&json!({"duration": 7})).unwrap_err().errors;
//! assert_eq!(errors.len(), 2);
//! assert_eq!(errors[0].field(), "image_url");
//! assert_eq!(errors[1].field(), "duration");
//! # Ok::<(), runcomfy_validate::SchemaError>(())
//! ```
//!
//! ```
//! use runcomfy_validate::Validator;
//! use serde_json::json;
//!
//! let schema = json!({"type": "object", "properties": {"keyframes": {"x-runcomfy-unvalidated": true}}});
//! let validator = Validator::new(&schema)?;
//! let input = json!({"keyframes": [{"image": "https://example.com/a.png"}]});
//! assert!(validator.validate(&input).is_ok());
//! let warnings = validator.warnings(&input);
//! assert_eq!(warnings[0].pointer, "/keyframes");
//! assert!(warnings[0].to_string().starts_with("keyframes: was passed through unvalidated"));
//! # Ok::<(), runcomfy_validate::SchemaError>(())
//! ```

mod field;
pub mod fixtures;
pub mod http;
mod keywords;
pub mod media;
mod media_fields;
mod media_step;
pub mod redact;
mod reference;
mod rules;
mod scheme;
pub mod text;
mod validator;
mod validators;

pub use field::{FieldError, FieldWarning, InvalidInput, SchemaError};
pub use media::{MediaError, MediaFacts, MediaKind, MediaProbe, MediaSource};
pub use rules::{MediaRule, MediaRules, RuleError, SkippedRule};
pub use validator::Validator;
pub use validators::Validators;
