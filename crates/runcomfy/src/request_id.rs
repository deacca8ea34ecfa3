//! What a request id may be: opaque, but bounded, as the provider's own
//! clients accept it (`[A-Za-z0-9_-]{1,128}`). Checked before it goes into
//! any URL, so that a path such as `../x` never reaches one.

use crate::error::{Error, Result};

/// The longest request id accepted.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// `Ok` when `id` can be a request id; else the error that says why.
pub(crate) fn check(id: &str) -> Result<()> {
    let reason = if id.is_empty() {
        "it is empty".to_owned()
    } else if id.len() > MAX_REQUEST_ID_LEN {
        format!("it is {} characters long", id.chars().count())
    } else if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-')))
    {
        format!("it contains {bad:?}")
    } else {
        return Ok(());
    };
    Err(Error::InvalidRequestId {
        shown: shown(id),
        reason,
    })
}

/// The id as an error may quote it: escaped, and cut after 40 characters.
fn shown(id: &str) -> String {
    let cut: String = id.chars().take(40).collect();
    let mut shown = format!("{cut:?}");
    if cut.len() < id.len() {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_letters_digits_underscores_and_dashes_up_to_128() {
        for good in ["a", "0123456789abcdef", "req_1-A", &"x".repeat(128)] {
            assert!(check(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "../x",
            "a/b",
            "a b",
            "a?b",
            "é",
            "a%2Fb",
            &"x".repeat(129),
        ] {
            match check(bad) {
                Err(Error::InvalidRequestId { reason, .. }) => assert!(!reason.is_empty()),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        let error = check("../etc/passwd").expect_err("refused");
        assert!(error.to_string().contains(r#""../etc/passwd""#), "{error}");
        assert!(error.to_string().contains("'.'"), "{error}");
    }
}
