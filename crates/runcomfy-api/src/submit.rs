//! [`Client::submit`]: a job for any model, one POST to the model's own
//! path, written once by hand where progenitor would write a method a model
//! (and make this crate depend on every model's typed module).

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo, ResponseValue};
use reqwest::header::{ACCEPT, HeaderValue};
use serde::Serialize;

use crate::generated::Client;
use crate::generated::types::SubmitResponse;

impl Client {
    /// Submits a job for `model_id` with `body` as its input:
    /// `POST {base}/models/{model_id}`, the id's `/` kept as path separators
    /// (a path parameter would send them as `%2F`). Any `Serialize` body
    /// goes: a model's typed `Input` or JSON.
    ///
    /// A model id is segments of ASCII letters, digits, `-`, `_` and `.`
    /// between `/`; any other is refused before a request is made
    /// (`Error::InvalidRequest`). A 200 or 202 is the job accepted; any
    /// other answer comes back whole as `Error::UnexpectedResponse`.
    pub async fn submit<B: Serialize + ?Sized>(
        &self,
        model_id: &str,
        body: &B,
    ) -> Result<ResponseValue<SubmitResponse>, Error<()>> {
        if !is_model_id(model_id) {
            return Err(Error::InvalidRequest(format!(
                "`{model_id}` is not a model id"
            )));
        }
        let url = format!("{}/models/{model_id}", self.baseurl());
        let mut request = self
            .client()
            .post(url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header("api-version", Self::api_version())
            .json(body)
            .build()?;
        let info = OperationInfo {
            operation_id: "submit",
        };
        crate::credentials::authorize(self.inner(), &mut request);
        self.pre(&mut request, &info).await?;
        let result = self.exec(request, &info).await;
        self.post(&result, &info).await?;
        let response = result?;
        match response.status().as_u16() {
            200 | 202 => ResponseValue::from_response(response).await,
            _ => Err(Error::UnexpectedResponse(response)),
        }
    }
}

/// Whether `id` can be put into a URL path as it is.
fn is_model_id(id: &str) -> bool {
    id.split('/').all(|segment| {
        !matches!(segment, "" | "." | "..")
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    })
}
