//! What an import warns about, each naming the model: a `validations` rule
//! this build does not know (kept in the schema, not checked here), inputs
//! passed through unvalidated, and a curated folder left as it is.

use std::fmt;

/// One warning of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A `validations` rule this build does not know.
    UnknownRule {
        /// The model id.
        model: String,
        /// The field carrying the rule (`image`, `images/items`).
        field: String,
        /// The rule as written.
        rule: String,
    },
    /// Inputs whose shape is not public, accepted and passed through.
    Unvalidated {
        /// The model id.
        model: String,
        /// The inputs' names.
        inputs: Vec<String>,
    },
    /// A record for a curated folder, which the import does not overwrite.
    CuratedKept {
        /// The model id.
        model: String,
    },
}

impl Warning {
    /// The warning's kind, as the import counts them.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::UnknownRule { .. } => "unknown validations rule",
            Self::Unvalidated { .. } => "inputs passed through unvalidated",
            Self::CuratedKept { .. } => "curated folder kept",
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownRule { model, field, rule } => write!(
                f,
                "{model}: field `{field}`: validations rule `{rule}` is unknown to this build; \
                 kept in the schema, not checked"
            ),
            Self::Unvalidated { model, inputs } => {
                let names: Vec<String> = inputs.iter().map(|name| format!("`{name}`")).collect();
                let (noun, verb) = if inputs.len() == 1 {
                    ("input", "is")
                } else {
                    ("inputs", "are")
                };
                write!(
                    f,
                    "{model}: {noun} {} {verb} accepted and passed through unvalidated \
                     (the shape is not public)",
                    names.join(", ")
                )
            }
            Self::CuratedKept { model } => write!(
                f,
                "{model}: the folder is curated; the catalog's record does not overwrite it"
            ),
        }
    }
}
