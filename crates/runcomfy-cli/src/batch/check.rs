//! The local checks of every input a batch run may submit, before anything is sent.
//!
//! Schema and media rules; the checked inputs are submitted later without
//! a second check.

use std::collections::BTreeMap;

use futures::StreamExt as _;
use runcomfy::{CheckedInput, Error, FieldError};

use crate::batch::inputs::Input;
use crate::batch::plan::Plan;
use crate::context::Context;
use crate::exit::CliError;

/// The inputs that passed, by line, and the errors of those that did not.
pub(crate) type Checked = (BTreeMap<usize, CheckedInput>, Vec<(usize, Vec<FieldError>)>);

/// Checks the input of each line planned for a submit; nothing is sent.
pub(crate) async fn check(
    context: &Context,
    model_id: &str,
    inputs: &BTreeMap<usize, Input>,
    plans: &[(usize, Plan)],
) -> Result<Checked, CliError> {
    let to_submit = plans
        .iter()
        .filter(|(_, plan)| matches!(plan, Plan::Submit { .. }))
        .map(|(line, _)| &inputs[line]);
    let checks = futures::stream::iter(to_submit)
        .map(|input| async move {
            let checked = match &input.value {
                Err(reason) => Err(vec![FieldError {
                    pointer: String::new(),
                    keyword: "json".into(),
                    message: reason.clone(),
                }]),
                Ok(value) => match context.client.check(model_id, value.clone()).await {
                    Ok(checked) => Ok(checked),
                    Err(Error::InvalidInput { errors, .. }) => Err(errors),
                    Err(other) => return Err(CliError::from(other)),
                },
            };
            Ok((input.number, checked))
        })
        .buffered(8)
        .collect::<Vec<_>>()
        .await;
    let mut passed = BTreeMap::new();
    let mut invalid = Vec::new();
    for check in checks {
        match check? {
            (line, Ok(input)) => {
                passed.insert(line, input);
            }
            (line, Err(errors)) => invalid.push((line, errors)),
        }
    }
    Ok((passed, invalid))
}
