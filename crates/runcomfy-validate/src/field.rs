//! What a validator says about an input, field by field: [`FieldError`]s
//! (gathered in [`InvalidInput`]), [`FieldWarning`]s, a [`SchemaError`], and
//! how a JSON pointer is written and shown.

use std::fmt;

use serde::Serialize;

/// One reason an input is invalid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// JSON pointer of the offending field in the input (`/image_url`,
    /// `/images/2` for an array's item); empty for the input as a whole.
    pub pointer: String,
    /// The schema keyword that failed (`maxLength`, `required`, `validations`, …).
    pub keyword: String,
    /// What is wrong, in words a user can act on (the provider's own
    /// `validation_error` text for media rules).
    pub message: String,
}

/// `field()` (the pointer as a user writes it) and `Display` (`field:
/// message`) for a report about one field.
macro_rules! about_a_field {
    ($report:ty, $example:literal) => {
        impl $report {
            #[doc = concat!("The field's name as a user writes it: `", $example, "`, `a.b`, or `input`.")]
            pub fn field(&self) -> String {
                field_name(&self.pointer)
            }
        }

        impl fmt::Display for $report {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}: {}", self.field(), self.message)
            }
        }
    };
}

about_a_field!(FieldError, "image_url");

/// Something an input reached that this build accepts without checking: an
/// input whose shape is not public (`x-runcomfy-unvalidated`), or a media
/// rule this build does not know or cannot apply. Never a reason to refuse
/// the input; a client or a CLI shows it so that nothing goes unchecked
/// silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldWarning {
    /// JSON pointer of the field in the input (`/elements`) or, for a
    /// warning about a schema, in the schema (`/properties/image/validations/1`).
    pub pointer: String,
    /// The schema keyword it is about (`x-runcomfy-unvalidated`, `validations`).
    pub keyword: String,
    /// What went unchecked and why.
    pub message: String,
}

about_a_field!(FieldWarning, "elements");

/// An input that breaks its schema: every error, not just the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidInput {
    /// Every failing check, in schema order.
    pub errors: Vec<FieldError>,
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.errors.len();
        write!(
            f,
            "invalid input ({count} error{})",
            if count == 1 { "" } else { "s" }
        )?;
        for error in &self.errors {
            write!(f, "\n  {error}")?;
        }
        Ok(())
    }
}

/// A schema that cannot be compiled into a validator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {reason}")]
pub struct SchemaError {
    /// JSON pointer into the schema.
    pub pointer: String,
    /// What is wrong.
    pub reason: String,
}

/// A pointer's field name as a user writes it: `image_url`, `a.b`, `images.2`,
/// or `input` for the whole input.
fn field_name(pointer: &str) -> String {
    if pointer.is_empty() {
        "input".to_owned()
    } else {
        pointer
            .trim_start_matches('/')
            .split('/')
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// The pointer of `parent`'s member `name` (escaped as RFC 6901 says).
pub(crate) fn child_pointer(parent: &str, name: &str) -> String {
    format!("{parent}/{}", name.replace('~', "~0").replace('/', "~1"))
}
