//! What an input asks of its output ([`Asked`]), read with its schema: a
//! field the input leaves out counts as the schema's default, and the
//! same idea under the names models give it (`duration` in seconds or
//! `music_length_ms`; the start image as `image_url`, `image`,
//! `start_image_url`, `first_frame` or the first of `images`).

use serde_json::Value;

use crate::outputs::image_size::ratio;

/// The fields that say how many images to make, in the order looked at.
const COUNT_FIELDS: [&str; 4] = ["num_images", "max_images", "num_outputs", "n"];
/// Words in an image field's name that say it is not the start.
const NOT_THE_START: [&str; 5] = ["end", "last", "tail", "mask", "reference"];
/// Words in an image field's name that say it is the start.
const THE_START: [&str; 2] = ["first", "start"];

/// What an input asks of its output; `None` where neither the input nor
/// the schema's defaults say.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Asked {
    /// The length in seconds: `duration` (a number, or a numeric string;
    /// `auto` is the default's), else `music_length_ms` / 1000.
    pub(crate) seconds: Option<f64>,
    /// How many images (`num_images`, `max_images`, `num_outputs`, `n`).
    pub(crate) count: Option<u32>,
    /// `aspect_ratio`, or a `size` written as a ratio (`16:9`).
    pub(crate) aspect_ratio: Option<String>,
    /// `resolution`: `1K`, `1080p`.
    pub(crate) resolution: Option<String>,
    /// `image_size`: `landscape_16_9`.
    pub(crate) image_size: Option<String>,
    /// `width` in pixels.
    pub(crate) width: Option<u32>,
    /// `height` in pixels.
    pub(crate) height: Option<u32>,
    /// `output_format`: `png`, `jpeg`, `wav_16khz`.
    pub(crate) output_format: Option<String>,
    /// `sample_rate` in Hz.
    pub(crate) sample_rate: Option<u32>,
    /// The start (or source) image's reference, whatever its field is called.
    pub(crate) start: Option<String>,
}

/// What `input` asks, read with `schema` (the model's input schema).
pub(crate) fn asked(schema: &Value, input: &Value) -> Asked {
    let field = Field { schema, input };
    let words = |name: &str| field.value(name).and_then(Value::as_str).map(str::to_owned);
    let pixels = |name: &str| field.whole(name).and_then(|n| u32::try_from(n).ok());
    Asked {
        seconds: field.seconds("duration").or_else(|| {
            field
                .value("music_length_ms")
                .and_then(Value::as_f64)
                .map(|ms| ms / 1000.0)
        }),
        count: COUNT_FIELDS
            .iter()
            .find_map(|name| field.whole(name))
            .and_then(|n| u32::try_from(n).ok()),
        aspect_ratio: words("aspect_ratio")
            .or_else(|| words("size").filter(|size| ratio(size).is_some())),
        resolution: words("resolution"),
        image_size: words("image_size"),
        width: pixels("width"),
        height: pixels("height"),
        output_format: words("output_format"),
        sample_rate: pixels("sample_rate"),
        start: start_field(schema).and_then(|(name, many)| {
            let value = input.get(name)?;
            let reference = if many { value.get(0)? } else { value };
            reference.as_str().map(str::to_owned)
        }),
    }
}

/// One input read with its schema.
struct Field<'a> {
    schema: &'a Value,
    input: &'a Value,
}

impl<'a> Field<'a> {
    /// The input's value of `name`, else the schema's default.
    fn value(&self, name: &str) -> Option<&'a Value> {
        self.input
            .get(name)
            .or_else(|| self.default(name))
            .filter(|value| !value.is_null())
    }

    fn default(&self, name: &str) -> Option<&'a Value> {
        self.schema.get("properties")?.get(name)?.get("default")
    }

    /// A whole number, written as a number or as a numeric string.
    fn whole(&self, name: &str) -> Option<u64> {
        let value = self.value(name)?;
        value
            .as_u64()
            .or_else(|| value.as_str()?.trim().parse().ok())
    }

    /// Seconds, written as a number or a numeric string; a word (`auto`)
    /// is the schema's default.
    fn seconds(&self, name: &str) -> Option<f64> {
        let number = |value: &Value| {
            value
                .as_f64()
                .or_else(|| value.as_str()?.trim().parse().ok())
                .filter(|secs: &f64| secs.is_finite() && *secs > 0.0)
        };
        let value = self.value(name)?;
        number(value).or_else(|| number(self.default(name)?))
    }
}

/// The input field holding the start (or source) image, and whether it is
/// a list (whose first item counts): an image field whose name says
/// `first` or `start`, else a single image field, else a list of images;
/// never an end, last, tail, mask or reference image.
pub(crate) fn start_field(schema: &Value) -> Option<(&str, bool)> {
    let properties = schema.get("properties")?.as_object()?;
    let mut best: Option<(u8, &str, bool)> = None;
    for (name, property) in properties {
        let lower = name.to_ascii_lowercase();
        let many = match property.get("format").and_then(Value::as_str) {
            Some("image_uri") => false,
            Some("uri") if lower.contains("image") => false,
            Some("image_uris") => true,
            _ => continue,
        };
        if NOT_THE_START.iter().any(|word| lower.contains(word)) {
            continue;
        }
        let rank = if THE_START.iter().any(|word| lower.contains(word)) {
            0
        } else if many {
            2
        } else {
            1
        };
        if best.is_none_or(|(best_rank, ..)| rank < best_rank) {
            best = Some((rank, name, many));
        }
    }
    best.map(|(_, name, many)| (name, many))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A schema of `properties`.
    fn schema(properties: Value) -> Value {
        json!({"type": "object", "properties": properties})
    }

    #[test]
    fn the_start_image_is_found_whatever_its_field_is_called() {
        let image = json!({"type": "string", "format": "image_uri"});
        let images = json!({"type": "array", "format": "image_uris"});
        for (properties, start) in [
            (
                json!({"image_url": image, "end_image_url": image}),
                Some(("image_url", false)),
            ),
            (
                json!({"end_image": image, "image": image}),
                Some(("image", false)),
            ),
            (
                json!({"first_frame": image, "last_frame": image}),
                Some(("first_frame", false)),
            ),
            (
                json!({"image_url": image, "start_image_url": image}),
                Some(("start_image_url", false)),
            ),
            (json!({"images": images}), Some(("images", true))),
            (
                json!({"image_urls": images, "mask_url": image}),
                Some(("image_urls", true)),
            ),
            (
                json!({"image_url": {"type": "string", "format": "uri"}, "tail_image_url": {"type": "string", "format": "uri"}}),
                Some(("image_url", false)),
            ),
            (json!({"reference_images": images}), None),
            (
                json!({"prompt": {"type": "string"}, "video_url": {"format": "video_uri"}}),
                None,
            ),
        ] {
            assert_eq!(
                start_field(&schema(properties.clone())),
                start,
                "{properties}"
            );
        }
    }

    #[test]
    fn what_the_input_leaves_out_is_the_schemas_default() {
        let schema = schema(json!({
            "duration": {"type": "string", "enum": ["auto", "6", "10"], "default": "10"},
            "aspect_ratio": {"type": "string", "default": "16:9"},
            "num_images": {"type": "integer", "default": 1},
            "output_format": {"type": "string", "default": "jpeg"},
            "images": {"type": "array", "format": "image_uris"},
        }));
        let asked = asked(
            &schema,
            &json!({"images": ["data:a", "data:b"], "num_images": 3}),
        );
        assert_eq!(asked.seconds, Some(10.0));
        assert_eq!(asked.aspect_ratio.as_deref(), Some("16:9"));
        assert_eq!(asked.count, Some(3));
        assert_eq!(asked.output_format.as_deref(), Some("jpeg"));
        assert_eq!(asked.start.as_deref(), Some("data:a"));
        let auto = super::asked(&schema, &json!({"duration": "auto"}));
        assert_eq!(auto.seconds, Some(10.0), "auto is the default");
        let six = super::asked(&schema, &json!({"duration": "6"}));
        assert_eq!(six.seconds, Some(6.0));
        assert_eq!(super::asked(&json!({}), &json!({})), Asked::default());
    }

    #[test]
    fn lengths_come_in_seconds_or_milliseconds_and_sizes_in_words_or_pixels() {
        let music = schema(json!({"music_length_ms": {"type": "integer", "default": 40000}}));
        assert_eq!(asked(&music, &json!({})).seconds, Some(40.0));
        assert_eq!(
            asked(&music, &json!({"music_length_ms": 12500})).seconds,
            Some(12.5)
        );
        let seconds = schema(json!({"duration": {"type": "integer", "default": 60}}));
        assert_eq!(asked(&seconds, &json!({"duration": 7})).seconds, Some(7.0));
        let sized = asked(
            &json!({}),
            &json!({"size": "3:4", "width": 640, "height": 480, "resolution": "2K", "sample_rate": 16000}),
        );
        assert_eq!(sized.aspect_ratio.as_deref(), Some("3:4"));
        assert_eq!((sized.width, sized.height), (Some(640), Some(480)));
        assert_eq!(sized.resolution.as_deref(), Some("2K"));
        assert_eq!(sized.sample_rate, Some(16_000));
        assert_eq!(
            asked(&json!({}), &json!({"size": "large"})).aspect_ratio,
            None
        );
    }
}
