//! [`Credentials`]: the bearer token every request of the generated client
//! carries, added by [`authorize`] (its pre-request hook).

use reqwest::header::{AUTHORIZATION, HeaderValue};

/// What every request of a [`Client`](crate::Client) carries: a bearer token, or nothing.
/// The token is a sensitive header value, so `Debug` never shows it.
#[derive(Clone, Default)]
pub struct Credentials {
    authorization: Option<HeaderValue>,
}

impl Credentials {
    /// `Authorization: Bearer <token>`; `None` if the token cannot be a
    /// header value (it contains control characters).
    pub fn bearer(token: &str) -> Option<Self> {
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
        value.set_sensitive(true);
        Some(Self {
            authorization: Some(value),
        })
    }

    /// No credentials (the service answers 401 to anything but the catalog).
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether a token is set.
    pub fn is_set(&self) -> bool {
        self.authorization.is_some()
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_set() {
            "Credentials(Bearer [redacted])"
        } else {
            "Credentials(none)"
        })
    }
}

/// Adds the credentials to a request; the generated client calls it before
/// every request, and the runtime for the requests it builds itself.
pub fn authorize(credentials: &Credentials, request: &mut reqwest::Request) {
    if let Some(value) = &credentials.authorization {
        request.headers_mut().insert(AUTHORIZATION, value.clone());
    }
}
