//! The media step of a [`Validator`]: each reference its media rules apply
//! to (an array's items one by one) read by a [`MediaProbe`] for only what
//! its rules need, concurrently, and the rules it breaks said at its
//! pointer.

use serde_json::Value;

use crate::field::{FieldError, InvalidInput};
use crate::media::{MediaKind, MediaProbe, MediaSource};
use crate::rules::{self, MediaRules};
use crate::validator::Validator;

impl Validator {
    /// Checks the media rules of every media reference present in the input
    /// (each item of an array field), concurrently, reading only what each
    /// rule needs: an image's dimensions from its header bytes, a video's
    /// from its MP4 header, a size from the headers or metadata; audio only
    /// ever its size. A reference that cannot be read is an error on its
    /// pointer (`/images/2`) that says why; one whose bytes are of another
    /// kind than its field asks for says so.
    pub async fn validate_media(
        &self,
        input: &Value,
        probe: &MediaProbe,
    ) -> Result<(), InvalidInput> {
        let checks =
            self.readable_references(input)
                .into_iter()
                .map(|(site, pointer, reference)| {
                    let kind = site.kind.unwrap_or(MediaKind::Image);
                    check_media(pointer, &site.rules, kind, reference, probe)
                });
        let errors: Vec<FieldError> = futures::future::join_all(checks)
            .await
            .into_iter()
            .flatten()
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(InvalidInput { errors })
        }
    }

    /// [`validate`](Self::validate), then [`validate_media`](Self::validate_media)
    /// for the fields that passed: every error of both.
    pub async fn validate_all(
        &self,
        input: &Value,
        probe: &MediaProbe,
    ) -> Result<(), InvalidInput> {
        let mut errors = self.errors(input);
        if let Err(media) = self.validate_media(input, probe).await {
            let failed: Vec<String> = errors.iter().map(|e| e.pointer.clone()).collect();
            errors.extend(
                media
                    .errors
                    .into_iter()
                    .filter(|m| !failed.contains(&m.pointer)),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(InvalidInput { errors })
        }
    }
}

/// Checks one media reference against its rules.
async fn check_media(
    pointer: String,
    rules: &MediaRules,
    kind: MediaKind,
    reference: &str,
    probe: &MediaProbe,
) -> Option<FieldError> {
    let error = |message: String| FieldError {
        pointer: pointer.clone(),
        keyword: rules::KEYWORD.to_owned(),
        message,
    };
    let source = match MediaSource::parse(reference) {
        Ok(source) => source,
        Err(e) => return Some(error(e.to_string())),
    };
    match probe
        .probe_as(&source, kind, rules.needs(), rules.size_limit())
        .await
    {
        Ok(facts) => {
            let broken = rules.violations(&facts);
            (!broken.is_empty()).then(|| error(broken.join(" ")))
        }
        Err(e) => Some(error(e.to_string())),
    }
}
