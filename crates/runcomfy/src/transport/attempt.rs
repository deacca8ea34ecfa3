//! [`Attempt`]: what one request produced (the expected answer, another
//! answer, or none), from the generated client or a raw response.

use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::transport::classify::carries_error_code;
use crate::transport::retry::retry_after;

/// What one attempt produced, before classification.
#[derive(Debug)]
pub(crate) enum Attempt<T> {
    /// The expected answer.
    Ok(T),
    /// An answer that is not the expected one: any non-2xx, or a 2xx whose
    /// body is not the expected shape.
    Answer {
        status: StatusCode,
        retry_after: Option<Duration>,
        body: Bytes,
    },
    /// No answer.
    NoAnswer(reqwest::Error),
}

impl<T> Attempt<T> {
    /// From a generated client method.
    pub(crate) async fn from_generated(
        result: Result<runcomfy_api::ResponseValue<T>, runcomfy_api::Error<()>>,
    ) -> Self {
        use runcomfy_api::Error as E;
        match result {
            Ok(value) => Self::Ok(value.into_inner()),
            Err(E::UnexpectedResponse(response)) => Self::from_response(response).await,
            Err(E::InvalidResponsePayload(body, _)) => Self::Answer {
                status: StatusCode::OK,
                retry_after: None,
                body,
            },
            Err(E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e)) => {
                Self::NoAnswer(e)
            }
            Err(E::ErrorResponse(value)) => Self::Answer {
                status: value.status(),
                retry_after: retry_after(value.headers()),
                body: Bytes::new(),
            },
            Err(E::InvalidRequest(reason) | E::Custom(reason)) => Self::Answer {
                status: StatusCode::BAD_REQUEST,
                retry_after: None,
                body: Bytes::from(reason),
            },
        }
    }

    /// From a raw answer that is not the expected one.
    pub(crate) async fn from_response(response: reqwest::Response) -> Self {
        let status = response.status();
        let retry_after = retry_after(response.headers());
        match response.bytes().await {
            Ok(body) => Self::Answer {
                status,
                retry_after,
                body,
            },
            Err(e) => Self::NoAnswer(e),
        }
    }
}

impl<T: DeserializeOwned> Attempt<T> {
    /// From a raw answer that may be the expected one.
    pub(crate) async fn from_raw(response: Result<reqwest::Response, reqwest::Error>) -> Self {
        let response = match response {
            Ok(response) => response,
            Err(e) => return Self::NoAnswer(e),
        };
        let status = response.status();
        if !status.is_success() {
            return Self::from_response(response).await;
        }
        match response.bytes().await {
            // Some provider APIs answer HTTP 200 with an error body.
            Ok(body) if carries_error_code(&body) => Self::Answer {
                status,
                retry_after: None,
                body,
            },
            Ok(body) => match serde_json::from_slice::<T>(&body) {
                Ok(value) => Self::Ok(value),
                Err(_) => Self::Answer {
                    status,
                    retry_after: None,
                    body,
                },
            },
            Err(e) => Self::NoAnswer(e),
        }
    }
}
