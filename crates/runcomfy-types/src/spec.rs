//! What the catalog says of a model: its [`ModelSpec`] (id, display name,
//! output kind, categories, price, schemas, unvalidated inputs), and the
//! [`ModelInput`] trait a typed module's input implements.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A model this build knows, as data: compiled in whatever the cargo
/// features (the typed modules are the ones behind features).
///
/// More facts may be added: the struct is `#[non_exhaustive]`, so it is
/// read field by field and only this crate makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelSpec {
    /// The model id, as in the submit path: `kling/kling-1-6/pro/image-to-video`.
    pub id: &'static str,
    /// The catalog's name for people: `Kling 1.6 Pro Image to Video`.
    pub display_name: &'static str,
    /// What a succeeded result's `output` carries.
    pub output_kind: OutputKind,
    /// The live catalog's categories (`image-to-video`); empty when the
    /// source the model was imported from gives none.
    pub categories: &'static [&'static str],
    /// The catalog's base price, when the source gives it.
    pub price: Option<BasePrice>,
    /// The input JSON Schema (draft-07, with the provider's `validations`
    /// keyword): the validator compiles it, and it is the authority on
    /// what an input may be.
    pub input_schema: &'static str,
    /// The JSON Schema of a succeeded result's `output` object.
    pub output_schema: &'static str,
    /// The inputs whose shape is not public (marked
    /// `x-runcomfy-unvalidated` in the input schema): any value is passed
    /// through unchecked, and tools say so.
    pub unvalidated_inputs: &'static [&'static str],
}

/// What a model's result carries in its `output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutputKind {
    /// `video` (one URL) or `videos`.
    Video,
    /// `image` (one URL) or `images`.
    Image,
    /// `audio` (one URL or a list).
    Audio,
}

impl OutputKind {
    /// The kind as the catalog writes it: `video`, `image` or `audio`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Image => "image",
            Self::Audio => "audio",
        }
    }
}

/// A model's base price in the catalog, exact to a millionth of a dollar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BasePrice {
    /// The price in millionths of a US dollar per [`BasePrice::unit`].
    pub micro_usd: u64,
    /// What the price is charged per.
    pub unit: PriceUnit,
    /// The catalog's words on the price, when it has some.
    pub note: Option<&'static str>,
}

impl BasePrice {
    /// The price in US dollars.
    pub fn usd(&self) -> f64 {
        self.micro_usd as f64 / 1_000_000.0
    }
}

/// What a base price is charged per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PriceUnit {
    /// Each output (a video, an image, a clip).
    Output,
    /// Each second of output.
    Second,
}

/// The typed input of a model: what to submit, and what comes back.
pub trait ModelInput: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// The typed `output` of a succeeded result.
    type Output: Serialize + DeserializeOwned + Clone + Send + Sync + 'static;
    /// The model this input is for.
    const SPEC: &'static ModelSpec;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_exact_millionths_and_kinds_read_as_the_catalog_writes_them() {
        let price = BasePrice {
            micro_usd: 490_000,
            unit: PriceUnit::Second,
            note: None,
        };
        assert_eq!(price.usd(), 0.49);
        let kinds = [OutputKind::Video, OutputKind::Image, OutputKind::Audio];
        assert_eq!(kinds.map(OutputKind::as_str), ["video", "image", "audio"]);
    }
}
