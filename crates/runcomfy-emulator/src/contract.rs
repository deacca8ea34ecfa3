//! Holds the emulator to the contract: every JSON answer is checked against
//! the response schema the OpenAPI document gives for its operation and
//! status, and any mismatch is recorded.

use std::collections::BTreeSet;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use serde_json::{Value, json};

use crate::catalog::catalog_model;
use crate::openapi::OPENAPI;

/// An operation: method, path template segments, and a compiled response
/// schema (if it has one) per status key (`200`, `4XX`).
type Operation = (
    String,
    Vec<String>,
    HashMap<String, Option<Arc<jsonschema::Validator>>>,
);

/// Compiled response schemas, by (method, path template, status key).
#[derive(Debug)]
struct Compiled {
    operations: Vec<Operation>,
    /// For paths no operation has (an unknown model's submit): only the
    /// documented error body may answer them.
    error_body: jsonschema::Validator,
}

/// The document compiled once a process: every emulator a test starts
/// shares it (compiling 121 models' operations takes a while).
static COMPILED: LazyLock<Result<Compiled, String>> = LazyLock::new(Compiled::load);

/// The contract an emulator is held to, and what it found.
#[derive(Debug)]
pub(crate) struct Contract {
    compiled: &'static Compiled,
    violations: Mutex<Vec<String>>,
}

impl Contract {
    /// The compiled document (compiled on first use), no violation yet.
    pub(crate) fn load() -> Result<Self, String> {
        let compiled = COMPILED.as_ref().map_err(Clone::clone)?;
        Ok(Self {
            compiled,
            violations: Mutex::new(Vec::new()),
        })
    }
}

impl Compiled {
    /// Compiles the response schemas of every operation in the document.
    fn load() -> Result<Self, String> {
        let document: Value =
            serde_json::from_str(OPENAPI).map_err(|e| format!("schemas/openapi.json: {e}"))?;
        let components = document.get("components").cloned().unwrap_or(Value::Null);
        let mut operations = Vec::new();
        // Many operations answer the same schema (every model's submit):
        // each distinct one compiled once.
        let mut compiled: HashMap<String, Arc<jsonschema::Validator>> = HashMap::new();
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("no paths")?;
        for (path, item) in paths {
            let segments: Vec<String> = path
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            for (method, operation) in item.as_object().into_iter().flatten() {
                let mut responses = HashMap::new();
                for (status, response) in operation
                    .get("responses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let response = resolve(response, &document);
                    let schema = response.pointer("/content/application~1json/schema");
                    let validator = match schema {
                        Some(schema) => {
                            let key = schema.to_string();
                            match compiled.get(&key) {
                                Some(validator) => Some(Arc::clone(validator)),
                                None => {
                                    // With only the components it refers to.
                                    let used = reachable(schema, &components);
                                    let mut root = schema.clone();
                                    if let Some(object) = root.as_object_mut() {
                                        object.insert("components".into(), used);
                                    } else {
                                        root = json!({"allOf": [schema], "components": used});
                                    }
                                    let validator = Arc::new(
                                        jsonschema::options()
                                            .with_draft(jsonschema::Draft::Draft4)
                                            .build(&root)
                                            .map_err(|e| {
                                                format!("{method} {path} {status}: {e}")
                                            })?,
                                    );
                                    compiled.insert(key, Arc::clone(&validator));
                                    Some(validator)
                                }
                            }
                        }
                        None => None,
                    };
                    responses.insert(status.clone(), validator);
                }
                operations.push((method.to_ascii_uppercase(), segments.clone(), responses));
            }
        }
        let error_body = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&json!({"$ref": "#/components/schemas/ErrorBody", "components": components}))
            .map_err(|e| format!("ErrorBody: {e}"))?;
        if !paths.contains_key("/models/categories") {
            operations.push(categories_operation(&components)?);
        }
        Ok(Self {
            operations,
            error_body,
        })
    }
}

impl Contract {
    /// Checks one answer; `path` is relative to the API base (`/requests/x/status`).
    pub(crate) fn check(&self, method: &str, path: &str, status: u16, body: &Value) {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let operation = self
            .compiled
            .operations
            .iter()
            .find(|(m, template, _)| {
                m == method
                    && template.len() == segments.len()
                    && template
                        .iter()
                        .zip(&segments)
                        .all(|(t, s)| t.starts_with('{') || t == s)
            })
            .or_else(|| self.stand_in(method, &segments));
        let problem = match operation {
            None if status >= 400 => {
                let errors: Vec<String> = self
                    .compiled
                    .error_body
                    .iter_errors(body)
                    .map(|e| e.to_string())
                    .collect();
                (!errors.is_empty()).then(|| {
                    format!(
                        "{method} {path} {status}: not the error body: {}",
                        errors.join("; ")
                    )
                })
            }
            None => Some(format!(
                "{method} {path} answered {status}, but the contract has no such operation"
            )),
            Some((_, _, responses)) => {
                let key = [status.to_string(), format!("{}XX", status / 100)];
                match key.iter().find_map(|k| responses.get(k)) {
                    None => Some(format!(
                        "{method} {path} answered {status}, which the contract does not list"
                    )),
                    Some(None) => None,
                    Some(Some(validator)) => {
                        let errors: Vec<String> = validator
                            .iter_errors(body)
                            .map(|e| format!("{}: {e}", e.instance_path()))
                            .collect();
                        (!errors.is_empty()).then(|| {
                            format!("{method} {path} {status}: {} in {body}", errors.join("; "))
                        })
                    }
                }
            }
        };
        if let Some(problem) = problem
            && let Ok(mut violations) = self.violations.lock()
        {
            violations.push(problem);
        }
    }

    /// For a served model the document has no path for yet (it holds the
    /// models `cargo xtask codegen` was run for): a documented model's
    /// operation of the same method, since every model's submit and record
    /// answers share one schema.
    fn stand_in(&self, method: &str, segments: &[&str]) -> Option<&Operation> {
        let id = match segments {
            ["models", id @ ..] if id.len() > 1 => id.join("/"),
            _ => return None,
        };
        catalog_model(&id)?;
        self.compiled.operations.iter().find(|(m, template, _)| {
            m == method
                && template.len() > 2
                && template[0] == "models"
                && template.iter().all(|t| !t.starts_with('{'))
        })
    }

    /// Every mismatch recorded so far.
    pub(crate) fn violations(&self) -> Vec<String> {
        self.violations
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default()
    }
}

/// `GET /models/categories` while the document does not list it: a list
/// of category names, or the documented error body.
fn categories_operation(components: &Value) -> Result<Operation, String> {
    let build = |schema: Value| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&schema)
            .map_err(|e| format!("GET /models/categories: {e}"))
    };
    let list = json!({
        "type": "object",
        "required": ["categories"],
        "properties": {"categories": {"type": "array", "items": {"type": "string"}}},
    });
    let error = json!({"$ref": "#/components/schemas/ErrorBody", "components": components});
    let responses = HashMap::from([
        ("200".to_owned(), Some(Arc::new(build(list)?))),
        ("4XX".to_owned(), Some(Arc::new(build(error)?))),
    ]);
    Ok((
        "GET".to_owned(),
        vec!["models".to_owned(), "categories".to_owned()],
        responses,
    ))
}

/// The part of `components` that `schema` refers to, directly or through
/// other components: `{"schemas": {...}}` with only those schemas.
fn reachable(schema: &Value, components: &Value) -> Value {
    let schemas = components.get("schemas").and_then(Value::as_object);
    let mut seen = BTreeSet::new();
    let mut pending = Vec::new();
    refs(schema, &mut pending);
    while let Some(name) = pending.pop() {
        if seen.insert(name.clone())
            && let Some(found) = schemas.and_then(|all| all.get(&name))
        {
            refs(found, &mut pending);
        }
    }
    let used: serde_json::Map<String, Value> = seen
        .into_iter()
        .filter_map(|name| {
            let found = schemas?.get(&name)?.clone();
            Some((name, found))
        })
        .collect();
    json!({"schemas": used})
}

/// The component schema names `value` refers to (`#/components/schemas/X`).
fn refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(name) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                into.push(name.to_owned());
            }
            object.values().for_each(|v| refs(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, into)),
        _ => {}
    }
}

/// Follows a `$ref` to `#/components/...` once.
fn resolve<'a>(value: &'a Value, document: &'a Value) -> &'a Value {
    match value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(pointer) => document.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatches_are_recorded_and_matches_are_not() {
        let contract = Contract::load().expect("loads");
        contract.check(
            "GET",
            "/requests/abc/status",
            200,
            &json!({"request_id": "abc", "status": "in_queue", "queue_position": 2}),
        );
        contract.check(
            "POST",
            "/requests/abc/cancel",
            202,
            &json!({"request_id": "abc", "outcome": "cancelled"}),
        );
        contract.check(
            "GET",
            "/requests/abc/status",
            404,
            &json!({"error_code": 404001, "error_message": "not found"}),
        );
        assert!(
            contract.violations().is_empty(),
            "{:?}",
            contract.violations()
        );

        contract.check(
            "GET",
            "/requests/abc/status",
            200,
            &json!({"request_id": "abc", "status": "sleeping"}),
        );
        contract.check(
            "GET",
            "/requests/abc/status",
            200,
            &json!({"status": "in_queue"}),
        );
        contract.check(
            "GET",
            "/requests/abc/status",
            404,
            &json!({"error_code": "404001"}),
        );
        contract.check("DELETE", "/requests/abc", 200, &json!({}));
        contract.check(
            "POST",
            "/models/acme/unknown",
            400,
            &json!({"error_code": 400001, "error_message": "unknown model"}),
        );
        contract.check(
            "POST",
            "/models/acme/unknown",
            400,
            &json!({"error_code": "x"}),
        );
        assert_eq!(
            contract.violations().len(),
            5,
            "{:?}",
            contract.violations()
        );
    }
}
