//! The test of every typed module, `runcomfy-types`' `tests/every_model.rs`:
//! a test a model, in which its `Input` round-trips a valid input built
//! from its schema. Compiled only with the `all-models` feature.

use super::format::header;
use crate::models::Model;

/// The generated test file.
pub const ROUND_TRIP_FILE: &str = "crates/runcomfy-types/tests/every_model.rs";

/// The test file: one test a model, named by the model's flat name.
pub fn round_trip_tests(models: &[Model]) -> String {
    let mut text = header("schemas/models/");
    text.push_str(
        "//! Every model's typed `Input` round-trips a valid input built from its\n\
         //! schema (`cargo test -p runcomfy-types --features all-models`).\n\
         #![cfg(feature = \"all-models\")]\n\n\
         mod round_trip;\n",
    );
    for model in models {
        text.push_str(&format!(
            "\n#[test]\nfn {name}() {{\n    round_trip::check::<runcomfy_types::models::{path}::Input>();\n}}\n",
            name = model.flat_name(),
            path = model.path.join("::"),
        ));
    }
    text
}
