//! The provider's `validations` keyword: media rules attached to a URL field.
//!
//! A rule reads `{"validation_rule": "width_pixels>", "validation_value": 300,
//! "validation_error": "…"}`. Parsing is strict (an unknown rule is a schema
//! error, never silently ignored); evaluating needs [`MediaFacts`], which only
//! the async media step can learn, so the synchronous keyword here checks only
//! that the value is a reference the service can fetch.

use std::fmt;

use jsonschema::{Keyword, ValidationError, paths::Location};
use serde_json::{Map, Value};

use crate::media::{MediaFacts, Needs};
use crate::scheme::{MAX_QUOTED_SCHEME, scheme_of};

/// The name of the provider's keyword in a schema.
pub(crate) const KEYWORD: &str = "validations";

/// Schemes the service can fetch a media reference from.
const FETCHABLE_SCHEMES: [&str; 3] = ["https", "http", "data"];

/// One media constraint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MediaRule {
    /// `width_pixels>`: the width must exceed this many pixels.
    WidthAbove(u32),
    /// `height_pixels>`: the height must exceed this many pixels.
    HeightAbove(u32),
    /// `file_size_mb<`: the file must be smaller than this many megabytes
    /// (decimal: 10 MB is 10,000,000 bytes, the stricter reading, so a file we
    /// accept is accepted under either reading).
    SizeBelowMb(f64),
    /// `aspect_ratio>=`: width / height must be at least this.
    AspectAtLeast(f64),
    /// `aspect_ratio<=`: width / height must be at most this.
    AspectAtMost(f64),
}

impl MediaRule {
    /// Every rule name this crate understands, as written in schemas.
    pub const NAMES: [&'static str; 5] = [
        "width_pixels>",
        "height_pixels>",
        "file_size_mb<",
        "aspect_ratio>=",
        "aspect_ratio<=",
    ];

    fn parse(name: &str, value: f64) -> Result<Self, String> {
        let pixels = || {
            if value.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&value) {
                Ok(value as u32)
            } else {
                Err(format!(
                    "`{name}` takes a whole number of pixels, not {value}"
                ))
            }
        };
        let positive = || {
            if value > 0.0 && value.is_finite() {
                Ok(value)
            } else {
                Err(format!("`{name}` takes a positive number, not {value}"))
            }
        };
        match name {
            "width_pixels>" => pixels().map(Self::WidthAbove),
            "height_pixels>" => pixels().map(Self::HeightAbove),
            "file_size_mb<" => positive().map(Self::SizeBelowMb),
            "aspect_ratio>=" => positive().map(Self::AspectAtLeast),
            "aspect_ratio<=" => positive().map(Self::AspectAtMost),
            other => Err(format!(
                "unknown validation_rule `{other}`; supported: {}",
                Self::NAMES.join(", ")
            )),
        }
    }

    /// Whether the facts break this rule. Unknown facts break nothing.
    fn is_broken_by(&self, facts: &MediaFacts) -> bool {
        let aspect = match (facts.width, facts.height) {
            (Some(w), Some(h)) if h > 0 => Some(f64::from(w) / f64::from(h)),
            _ => None,
        };
        match *self {
            Self::WidthAbove(min) => facts.width.is_some_and(|w| w <= min),
            Self::HeightAbove(min) => facts.height.is_some_and(|h| h <= min),
            Self::SizeBelowMb(mb) => facts
                .size_bytes
                .is_some_and(|bytes| bytes as f64 >= mb * 1_000_000.0),
            Self::AspectAtLeast(min) => aspect.is_some_and(|a| a < min),
            Self::AspectAtMost(max) => aspect.is_some_and(|a| a > max),
        }
    }
}

/// The rules of one field, each with the message to show when it is broken.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MediaRules {
    rules: Vec<(MediaRule, String)>,
}

/// A `validations` value that is not a list of rules this crate understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {reason}")]
pub struct RuleError {
    /// JSON pointer of the offending part, relative to the `validations` value.
    pub pointer: String,
    /// What is wrong and what is allowed.
    pub reason: String,
}

/// The field of a rule at `pointer` (`/validation_rule`), read by `read`;
/// when it is missing or `read` finds no value, the error saying it must be
/// `what`.
fn rule_field<'v, T>(
    rule: &'v Map<String, Value>,
    pointer: &'static str,
    read: impl FnOnce(&'v Value) -> Option<T>,
    what: &str,
) -> Result<T, (&'static str, String)> {
    let key = pointer.trim_start_matches('/');
    rule.get(key)
        .and_then(read)
        .ok_or_else(|| (pointer, format!("`{key}` must be {what}")))
}

impl MediaRules {
    /// Parses the value of a `validations` keyword.
    pub fn parse(value: &Value) -> Result<Self, RuleError> {
        let items = value.as_array().ok_or_else(|| RuleError {
            pointer: String::new(),
            reason: "`validations` must be an array of rules".into(),
        })?;
        let rules = items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                Self::parse_one(item).map_err(|(field, reason)| RuleError {
                    pointer: format!("/{index}{field}"),
                    reason,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { rules })
    }

    fn parse_one(item: &Value) -> Result<(MediaRule, String), (&'static str, String)> {
        let object = item
            .as_object()
            .ok_or(("", "a rule must be an object".to_owned()))?;
        for key in object.keys() {
            if !["validation_rule", "validation_value", "validation_error"].contains(&key.as_str())
            {
                return Err((
                    "",
                    format!(
                        "unknown key `{key}` in a rule; allowed: validation_rule, validation_value, validation_error"
                    ),
                ));
            }
        }
        let name = rule_field(object, "/validation_rule", Value::as_str, "a string")?;
        let value = rule_field(object, "/validation_value", Value::as_f64, "a number")?;
        let message = rule_field(object, "/validation_error", Value::as_str, "a string")?;
        let rule = MediaRule::parse(name, value).map_err(|reason| ("/validation_rule", reason))?;
        Ok((rule, message.to_owned()))
    }

    /// The rules, in schema order.
    pub fn iter(&self) -> impl Iterator<Item = &MediaRule> {
        self.rules.iter().map(|(rule, _)| rule)
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// What must be learned about a file to evaluate these rules.
    pub fn needs(&self) -> Needs {
        Needs {
            dimensions: self
                .iter()
                .any(|rule| !matches!(rule, MediaRule::SizeBelowMb(_))),
            size: self
                .iter()
                .any(|rule| matches!(rule, MediaRule::SizeBelowMb(_))),
        }
    }

    /// The smallest size, in bytes, that breaks a size rule: reading that
    /// many bytes is enough to decide.
    pub fn size_limit(&self) -> Option<u64> {
        self.iter()
            .filter_map(|rule| match rule {
                MediaRule::SizeBelowMb(mb) => Some((mb * 1_000_000.0).ceil() as u64),
                _ => None,
            })
            .min()
    }

    /// The messages of the rules these facts break, each message once.
    pub fn violations(&self, facts: &MediaFacts) -> Vec<&str> {
        let mut messages: Vec<&str> = Vec::new();
        for (rule, message) in &self.rules {
            if rule.is_broken_by(facts) && !messages.contains(&message.as_str()) {
                messages.push(message);
            }
        }
        messages
    }
}

/// Why a value cannot be a media reference the service fetches, if it cannot.
pub(crate) fn unfetchable_reason(reference: &str) -> Option<String> {
    match scheme_of(reference) {
        Some(scheme) if FETCHABLE_SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)) => None,
        // A long "scheme" is text with a colon in it (a pasted base64
        // payload, a sentence): not quoted back.
        Some(scheme) if scheme.len() > MAX_QUOTED_SCHEME => Some(
            "must be an https URL or a data: URI (this is not a URL the service can fetch)"
                .to_owned(),
        ),
        Some(scheme) => Some(format!(
            "must be an https URL or a data: URI (the service cannot fetch `{scheme}:` references)"
        )),
        None => Some(
            "must be an https URL or a data: URI (a local file must be uploaded or sent as a data: URI)"
                .to_owned(),
        ),
    }
}

/// The synchronous side of the keyword: the value must be fetchable.
struct FetchableReference;

impl<'i> Keyword<'i> for FetchableReference {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        match instance.as_str().and_then(unfetchable_reason) {
            Some(reason) => Err(ValidationError::custom(reason)),
            None => Ok(()),
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        instance.as_str().and_then(unfetchable_reason).is_none()
    }
}

/// The factory jsonschema calls for each `validations` keyword: a schema with
/// malformed rules fails to compile, naming where.
pub(crate) fn keyword_factory<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    location: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    match MediaRules::parse(value) {
        Ok(_) => Ok(Box::new(FetchableReference)),
        Err(error) => Err(ValidationError::custom(format!(
            "{}{}: {}",
            location.as_str(),
            error.pointer,
            error.reason
        ))),
    }
}

impl fmt::Display for MediaRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WidthAbove(px) => write!(f, "width > {px} px"),
            Self::HeightAbove(px) => write!(f, "height > {px} px"),
            Self::SizeBelowMb(mb) => write!(f, "size < {mb} MB"),
            Self::AspectAtLeast(r) => write!(f, "aspect ratio >= {r}"),
            Self::AspectAtMost(r) => write!(f, "aspect ratio <= {r}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kling_start_image_rules() -> MediaRules {
        MediaRules::parse(&json!([
            {"validation_rule": "width_pixels>", "validation_value": 300, "validation_error": "px"},
            {"validation_rule": "height_pixels>", "validation_value": 300, "validation_error": "px"},
            {"validation_rule": "file_size_mb<", "validation_value": 10, "validation_error": "size"},
            {"validation_rule": "aspect_ratio>=", "validation_value": 0.4, "validation_error": "ratio"},
            {"validation_rule": "aspect_ratio<=", "validation_value": 2.5, "validation_error": "ratio"}
        ]))
        .expect("rules parse")
    }

    fn facts(width: u32, height: u32, size: u64) -> MediaFacts {
        MediaFacts {
            width: Some(width),
            height: Some(height),
            size_bytes: Some(size),
        }
    }

    #[test]
    fn boundaries_follow_the_provider_wording() {
        let rules = kling_start_image_rules();
        assert_eq!(
            rules.violations(&facts(301, 301, 9_999_999)),
            Vec::<&str>::new()
        );
        assert_eq!(
            rules.violations(&facts(300, 600, 1)),
            vec!["px"],
            "300 does not exceed 300"
        );
        assert_eq!(rules.violations(&facts(600, 300, 1)), vec!["px"]);
        assert_eq!(rules.violations(&facts(400, 400, 10_000_000)), vec!["size"]);
        // 2:5 and 5:2 themselves are allowed.
        assert!(rules.violations(&facts(400, 1000, 1)).is_empty());
        assert!(rules.violations(&facts(1000, 400, 1)).is_empty());
        assert_eq!(rules.violations(&facts(399, 1000, 1)), vec!["ratio"]);
        assert_eq!(rules.violations(&facts(1001, 400, 1)), vec!["ratio"]);
        assert_eq!(
            rules.violations(&facts(250, 250, 20_000_000)),
            vec!["px", "size"],
            "each message once"
        );
    }

    #[test]
    fn unknown_facts_break_nothing_and_needs_are_derived() {
        let rules = kling_start_image_rules();
        assert!(rules.violations(&MediaFacts::default()).is_empty());
        assert_eq!(
            rules.needs(),
            Needs {
                dimensions: true,
                size: true
            }
        );
        assert_eq!(rules.size_limit(), Some(10_000_000));
    }

    #[test]
    fn malformed_rules_name_where_and_what_is_allowed() {
        let error = MediaRules::parse(&json!([
            {"validation_rule": "width_pixels>", "validation_value": 300, "validation_error": "x"},
            {"validation_rule": "duration_seconds<", "validation_value": 3, "validation_error": "x"}
        ]))
        .expect_err("unknown rule");
        assert_eq!(error.pointer, "/1/validation_rule");
        assert!(
            error.reason.contains("duration_seconds<") && error.reason.contains("width_pixels>")
        );

        let error = MediaRules::parse(&json!([{"validation_rule": "width_pixels>", "validation_value": "300", "validation_error": "x"}]))
            .expect_err("string value");
        assert_eq!(error.pointer, "/0/validation_value");
        let error = MediaRules::parse(&json!([{"validation_rule": "width_pixels>", "validation_value": 30.5, "validation_error": "x"}]))
            .expect_err("fractional pixels");
        assert!(error.reason.contains("whole number"));
        assert!(MediaRules::parse(&json!({"validation_rule": "x"})).is_err());
    }

    #[test]
    fn only_fetchable_schemes_pass() {
        assert_eq!(unfetchable_reason("https://example.com/a.png"), None);
        assert_eq!(unfetchable_reason("HTTP://127.0.0.1/a.png"), None);
        assert_eq!(unfetchable_reason("data:image/png;base64,AAAA"), None);
        assert!(unfetchable_reason("ftp://host/a.png").is_some_and(|r| r.contains("`ftp:`")));
        assert!(unfetchable_reason("./start.png").is_some_and(|r| r.contains("local file")));
        assert!(
            unfetchable_reason("C:\\images\\a.png").is_some(),
            "a drive letter is no scheme we fetch"
        );
    }

    /// Fuzz finding (`fuzz/`, target `validator`): a base64 payload pasted
    /// without `data:` and followed by a colon read as a scheme of
    /// thousands of characters, and the message quoted all of it.
    #[test]
    fn a_long_scheme_is_not_quoted_back() {
        let payload = "iVBORw0KGgoAAAANSUhEUgAA".repeat(200);
        let reason = unfetchable_reason(&format!("{payload}:x")).expect("not fetchable");
        assert!(!reason.contains("iVBOR"), "{reason}");
        assert!(reason.len() < 100, "{reason}");
        let short = "s".repeat(MAX_QUOTED_SCHEME);
        let reason = unfetchable_reason(&format!("{short}://x")).expect("not fetchable");
        assert!(reason.contains(&format!("`{short}:`")), "{reason}");
    }
}
