//! `runcomfy models` and `runcomfy schema`: what this build knows, and with
//! `models --remote` what the service's catalog lists.
//!
//! Only `models --remote` asks the service.

use serde_json::{Value, json};

use crate::catalog::{listing, suggest};
use crate::context::Context;
use crate::exit::CliError;
use crate::money;
use crate::output::Output;

/// `runcomfy models`: one id a line, or `{"models": [...]}`.
pub(crate) fn models(output: &Output) -> Result<(), CliError> {
    let ids: Vec<&str> = runcomfy_types::models()
        .iter()
        .map(|spec| spec.id)
        .collect();
    output.print(&json!({"models": ids}), || ids.join("\n"));
    Ok(())
}

/// `runcomfy models --remote`: the service's whole catalog, as the import
/// reads it (`--json`) or as a table; nothing is printed unless every page
/// was read and they add up.
pub(crate) async fn remote_models(context: &Context, include_schema: bool) -> Result<(), CliError> {
    let catalog = listing::whole_catalog(&context.client, include_schema).await?;
    context.output.print(&catalog, || table(&catalog));
    Ok(())
}

/// The records as a table for a terminal: id, kind, display name, price.
fn table(catalog: &Value) -> String {
    let records = catalog["models"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let rows: Vec<[String; 4]> = records.iter().map(row).collect();
    let header = ["MODEL", "KIND", "NAME", "PRICE"].map(str::to_owned);
    let widths: Vec<usize> = (0..3)
        .map(|column| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or_default()
        })
        .collect();
    let line = |row: &[String; 4]| {
        let [id, kind, name, price] = row;
        format!(
            "{id:<w0$}  {kind:<w1$}  {name:<w2$}  {price}",
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        )
        .trim_end()
        .to_owned()
    };
    let mut lines: Vec<String> = std::iter::once(&header).chain(&rows).map(line).collect();
    lines.push(format!("{} models", catalog["total"]));
    lines.join("\n")
}

/// One record's row; what the record does not say is `-`.
fn row(record: &Value) -> [String; 4] {
    let text = |key: &str| record.get(key).and_then(Value::as_str).map(str::to_owned);
    let kind = text("output_kind").or_else(|| text("kind"));
    let price = match (
        record.get("base_price_usd").and_then(Value::as_f64),
        text("price_unit"),
    ) {
        (Some(usd), Some(unit)) => format!("{} / {unit}", money::usd(usd)),
        (Some(usd), None) => money::usd(usd),
        (None, _) => "-".to_owned(),
    };
    [
        text("model_id").unwrap_or_default(),
        kind.unwrap_or_else(|| "-".to_owned()),
        text("display_name").unwrap_or_else(|| "-".to_owned()),
        price,
    ]
}

/// `runcomfy schema`: a model's input schema (or output schema) as built in.
pub(crate) fn schema(model_id: &str, output: bool) -> Result<(), CliError> {
    let spec = runcomfy_types::model(model_id)
        .ok_or_else(|| CliError::Usage(suggest::unknown_model(model_id, "")))?;
    print!(
        "{}",
        if output {
            spec.output_schema
        } else {
            spec.input_schema
        }
    );
    Ok(())
}
