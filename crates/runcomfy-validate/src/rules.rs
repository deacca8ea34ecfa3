//! The provider's `validations` keyword: media rules attached to a media
//! field (on an array field, to each of its items).
//!
//! A rule reads `{"validation_rule": "width_pixels>", "validation_value": 300,
//! "validation_error": "…"}`. A rule this build does not know is kept, as a
//! [`SkippedRule`], so that an input reaching it is warned about (never a
//! schema that fails to compile, never a silent pass); every other part is
//! parsed strictly. Evaluating needs [`MediaFacts`], which only the async
//! media step can learn.

use std::fmt;

use serde_json::{Map, Value};

use crate::media::{MediaFacts, MediaKind, Needs};

/// The name of the provider's keyword in a schema.
pub(crate) const KEYWORD: &str = "validations";

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
    /// `width/height>`: width / height must exceed this (strict, as the
    /// provider's own nodes apply it: 1:16 breaks `width/height> 0.0625`).
    AspectAbove(f64),
    /// `width/height<`: width / height must be below this (strict).
    AspectBelow(f64),
}

impl MediaRule {
    /// Every rule name this crate understands, as written in schemas.
    pub const NAMES: [&'static str; 7] = [
        "width_pixels>",
        "height_pixels>",
        "file_size_mb<",
        "aspect_ratio>=",
        "aspect_ratio<=",
        "width/height>",
        "width/height<",
    ];

    /// The rule a name and value make; `Ok(None)` for a name this build does
    /// not know.
    fn parse(name: &str, value: f64) -> Result<Option<Self>, String> {
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
        let rule = match name {
            "width_pixels>" => pixels().map(Self::WidthAbove),
            "height_pixels>" => pixels().map(Self::HeightAbove),
            "file_size_mb<" => positive().map(Self::SizeBelowMb),
            "aspect_ratio>=" => positive().map(Self::AspectAtLeast),
            "aspect_ratio<=" => positive().map(Self::AspectAtMost),
            "width/height>" => positive().map(Self::AspectAbove),
            "width/height<" => positive().map(Self::AspectBelow),
            _ => return Ok(None),
        };
        rule.map(Some)
    }

    /// The rule's name as schemas write it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::WidthAbove(_) => "width_pixels>",
            Self::HeightAbove(_) => "height_pixels>",
            Self::SizeBelowMb(_) => "file_size_mb<",
            Self::AspectAtLeast(_) => "aspect_ratio>=",
            Self::AspectAtMost(_) => "aspect_ratio<=",
            Self::AspectAbove(_) => "width/height>",
            Self::AspectBelow(_) => "width/height<",
        }
    }

    /// Whether the rule reads a width and a height (every rule but the size).
    fn needs_dimensions(&self) -> bool {
        !matches!(self, Self::SizeBelowMb(_))
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
            Self::AspectAbove(min) => aspect.is_some_and(|a| a <= min),
            Self::AspectBelow(max) => aspect.is_some_and(|a| a >= max),
        }
    }
}

/// A rule of a schema that this build does not apply, and why: an input
/// that reaches it gets a warning, never a silent pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRule {
    /// Its index in the `validations` array.
    pub index: usize,
    /// The rule as written (`duration_seconds<`).
    pub rule: String,
    /// Why it is not applied (`this build does not know it`).
    pub reason: String,
}

/// The rules of one field, each with the message to show when it is broken,
/// and the rules it gives that are not applied.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MediaRules {
    rules: Vec<Applied>,
    skipped: Vec<SkippedRule>,
}

/// A rule that is applied: what it says, its message, its index in the
/// `validations` array.
#[derive(Debug, Clone, PartialEq)]
struct Applied {
    rule: MediaRule,
    message: String,
    index: usize,
}

/// A `validations` value that is not a list of well-formed rules.
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

/// One entry of a `validations` array: a rule this build applies, or the
/// name of one it does not know.
enum Entry {
    Known(MediaRule, String),
    Unknown(String),
}

impl MediaRules {
    /// Parses the value of a `validations` keyword strictly: a rule this
    /// build does not know is an error here (see [`read`](Self::read) for
    /// the reading that keeps it).
    pub fn parse(value: &Value) -> Result<Self, RuleError> {
        let rules = Self::read(value)?;
        match rules.skipped.first() {
            Some(unknown) => Err(RuleError {
                pointer: format!("/{}/validation_rule", unknown.index),
                reason: format!(
                    "unknown validation_rule `{}`; supported: {}",
                    unknown.rule,
                    MediaRule::NAMES.join(", ")
                ),
            }),
            None => Ok(rules),
        }
    }

    /// Parses the value of a `validations` keyword, keeping each rule this
    /// build does not know as a [`SkippedRule`]; anything malformed (a rule
    /// that is not an object, a missing or mistyped part, a known rule with
    /// a value it cannot take) is still an error.
    pub fn read(value: &Value) -> Result<Self, RuleError> {
        let items = value.as_array().ok_or_else(|| RuleError {
            pointer: String::new(),
            reason: "`validations` must be an array of rules".into(),
        })?;
        let mut rules = Self::default();
        for (index, item) in items.iter().enumerate() {
            let entry = Self::parse_one(item).map_err(|(field, reason)| RuleError {
                pointer: format!("/{index}{field}"),
                reason,
            })?;
            match entry {
                Entry::Known(rule, message) => rules.rules.push(Applied {
                    rule,
                    message,
                    index,
                }),
                Entry::Unknown(rule) => rules.skipped.push(SkippedRule {
                    index,
                    rule,
                    reason: "this build does not know it".to_owned(),
                }),
            }
        }
        Ok(rules)
    }

    fn parse_one(item: &Value) -> Result<Entry, (&'static str, String)> {
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
        if !MediaRule::NAMES.contains(&name) {
            // Its value may be of any shape a future rule takes.
            rule_field(object, "/validation_value", Some, "given")?;
            rule_field(object, "/validation_error", Value::as_str, "a string")?;
            return Ok(Entry::Unknown(name.to_owned()));
        }
        let value = rule_field(object, "/validation_value", Value::as_f64, "a number")?;
        let message = rule_field(object, "/validation_error", Value::as_str, "a string")?;
        match MediaRule::parse(name, value) {
            Ok(Some(rule)) => Ok(Entry::Known(rule, message.to_owned())),
            Ok(None) => Ok(Entry::Unknown(name.to_owned())),
            Err(reason) => Err(("/validation_rule", reason)),
        }
    }

    /// The rules as they apply to a file of `kind`: audio has no width or
    /// height, so a rule that reads them is skipped there, with that reason.
    pub(crate) fn for_kind(mut self, kind: Option<MediaKind>) -> Self {
        if kind == Some(MediaKind::Audio) {
            let (kept, dropped): (Vec<_>, Vec<_>) = self
                .rules
                .into_iter()
                .partition(|applied| !applied.rule.needs_dimensions());
            self.rules = kept;
            self.skipped
                .extend(dropped.into_iter().map(|applied| SkippedRule {
                    index: applied.index,
                    rule: applied.rule.name().to_owned(),
                    reason: "audio has no width or height".to_owned(),
                }));
            self.skipped.sort_by_key(|skipped| skipped.index);
        }
        self
    }

    /// The rules, in schema order.
    pub fn iter(&self) -> impl Iterator<Item = &MediaRule> {
        self.rules.iter().map(|applied| &applied.rule)
    }

    /// The rules of the schema that are not applied, and why.
    pub fn skipped(&self) -> &[SkippedRule] {
        &self.skipped
    }

    /// Whether there are no rules to apply.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// What must be learned about a file to evaluate these rules.
    pub fn needs(&self) -> Needs {
        Needs {
            dimensions: self.iter().any(MediaRule::needs_dimensions),
            size: self.iter().any(|rule| !rule.needs_dimensions()),
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
        for Applied { rule, message, .. } in &self.rules {
            if rule.is_broken_by(facts) && !messages.contains(&message.as_str()) {
                messages.push(message);
            }
        }
        messages
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
            Self::AspectAbove(r) => write!(f, "aspect ratio > {r}"),
            Self::AspectBelow(r) => write!(f, "aspect ratio < {r}"),
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
    fn the_width_over_height_rules_are_strict() {
        let rules = MediaRules::parse(&json!([
            {"validation_rule": "width/height>", "validation_value": 0.0625, "validation_error": "ratio"},
            {"validation_rule": "width/height<", "validation_value": 16, "validation_error": "ratio"}
        ]))
        .expect("rules parse");
        assert_eq!(
            rules.violations(&facts(100, 1600, 1)),
            vec!["ratio"],
            "1:16"
        );
        assert_eq!(
            rules.violations(&facts(1600, 100, 1)),
            vec!["ratio"],
            "16:1"
        );
        assert!(rules.violations(&facts(101, 1600, 1)).is_empty());
        assert!(rules.violations(&facts(1599, 100, 1)).is_empty());
        assert!(rules.needs().dimensions);
        assert_eq!(rules.size_limit(), None);
    }

    #[test]
    fn an_unknown_rule_is_kept_as_skipped_and_the_known_ones_still_apply() {
        let value = json!([
            {"validation_rule": "duration_seconds<", "validation_value": [2, 30], "validation_error": "length"},
            {"validation_rule": "file_size_mb<", "validation_value": 16, "validation_error": "size"}
        ]);
        let rules = MediaRules::read(&value).expect("an unknown rule is kept");
        assert_eq!(
            rules.skipped(),
            [SkippedRule {
                index: 0,
                rule: "duration_seconds<".into(),
                reason: "this build does not know it".into()
            }]
        );
        assert_eq!(rules.violations(&facts(1, 1, 16_000_000)), vec!["size"]);
        let malformed = json!([{"validation_rule": "duration_seconds<", "validation_error": "x"}]);
        let error = MediaRules::read(&malformed).expect_err("no value");
        assert_eq!(error.pointer, "/0/validation_value");
    }

    #[test]
    fn rules_that_read_pixels_do_not_apply_to_audio() {
        let rules = kling_start_image_rules().for_kind(Some(MediaKind::Audio));
        assert_eq!(
            rules.iter().copied().collect::<Vec<_>>(),
            [MediaRule::SizeBelowMb(10.0)]
        );
        let skipped: Vec<(usize, &str)> = rules
            .skipped()
            .iter()
            .map(|s| (s.index, s.rule.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                (0, "width_pixels>"),
                (1, "height_pixels>"),
                (3, "aspect_ratio>="),
                (4, "aspect_ratio<=")
            ]
        );
        assert!(
            rules
                .skipped()
                .iter()
                .all(|s| s.reason == "audio has no width or height")
        );
        assert_eq!(
            kling_start_image_rules().for_kind(Some(MediaKind::Video)),
            kling_start_image_rules()
        );
    }
}
