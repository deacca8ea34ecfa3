//! The provider CLI's token file: where `runcomfy login` (the provider's own
//! CLI) saves it, what it says, whether it expired, and the errors it can
//! give. Read only: this program never writes, creates or fixes it.
//!
//! `token.json` (`{"access_token": "…", "expires_at": <unix seconds>}`, the
//! second optional) in `$RUNCOMFY_CONFIG_DIR`, else
//! `$XDG_CONFIG_HOME/runcomfy`, else `~/.config/runcomfy`. No error and no
//! message ever quotes the file's content: a parser's message may quote the
//! value it choked on, and that value may be the token.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::clock;

/// The file's name in its folder.
pub(crate) const FILE_NAME: &str = "token.json";

/// What to do about a token file that cannot serve.
const LOG_IN_AGAIN: &str =
    "log in again with the provider's CLI (`runcomfy login`), or set RUNCOMFY_API_TOKEN";

/// Where the token file is, from the environment `lookup` reads; none when
/// not even a home folder is known.
pub(crate) fn location(lookup: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let set = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
    if let Some(dir) = set("RUNCOMFY_CONFIG_DIR") {
        return Some(Path::new(&dir).join(FILE_NAME));
    }
    // The XDG rule: a relative XDG_CONFIG_HOME is ignored.
    if let Some(dir) = set("XDG_CONFIG_HOME").filter(|dir| Path::new(dir).is_absolute()) {
        return Some(Path::new(&dir).join("runcomfy").join(FILE_NAME));
    }
    let home = set("HOME")?;
    Some(Path::new(&home).join(".config/runcomfy").join(FILE_NAME))
}

/// What a token file says.
#[derive(Clone, PartialEq)]
pub(crate) struct TokenFile {
    /// The token (trimmed).
    pub(crate) token: String,
    /// When it stops working, in unix seconds, when the file says.
    pub(crate) expires_at: Option<u64>,
}

impl fmt::Debug for TokenFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenFile")
            .field("token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl TokenFile {
    /// Reads the file's text; the error says what is wrong in words of its
    /// own, never quoting the text.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let document: Value = serde_json::from_str(text)
            .map_err(|e| format!("it is not JSON (line {}, column {})", e.line(), e.column()))?;
        let Value::Object(fields) = document else {
            return Err("it is JSON but not an object".to_owned());
        };
        let token = match fields.get("access_token") {
            Some(Value::String(token)) if !token.trim().is_empty() => token.trim().to_owned(),
            Some(Value::String(_)) => return Err("its `access_token` is empty".to_owned()),
            Some(_) => return Err("its `access_token` is not a string".to_owned()),
            None => return Err("it has no `access_token`".to_owned()),
        };
        let expires_at = match fields.get("expires_at") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) if n.as_f64().is_some_and(|secs| secs >= 0.0) => {
                // Whole seconds: a fraction cannot make a token younger.
                n.as_u64().or_else(|| n.as_f64().map(|secs| secs as u64))
            }
            Some(_) => {
                return Err("its `expires_at` is not a number of unix seconds".to_owned());
            }
        };
        Ok(Self { token, expires_at })
    }

    /// Whether the token stopped working by `now` (unix seconds).
    pub(crate) fn expired(&self, now: u64) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// Why the token file cannot give a token.
#[derive(Debug)]
pub(crate) enum TokenFileError {
    /// Its token expired at `expired_at` (unix seconds).
    Expired { path: PathBuf, expired_at: u64 },
    /// It is not what the provider's CLI writes.
    Malformed { path: PathBuf, reason: String },
    /// It exists but cannot be read.
    Unreadable { path: PathBuf, reason: String },
}

impl TokenFileError {
    /// A short machine-readable kind, for `--json`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Expired { .. } => "token_expired",
            Self::Malformed { .. } | Self::Unreadable { .. } => "token_file",
        }
    }
}

impl fmt::Display for TokenFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expired { path, expired_at } => write!(
                f,
                "the token in {} (the provider CLI's login) expired at {} ({}): {LOG_IN_AGAIN}",
                path.display(),
                clock::utc(*expired_at),
                clock::ago(*expired_at, clock::now())
            ),
            Self::Malformed { path, reason } => write!(
                f,
                "the token file {} is not one the provider's CLI writes: {reason}; {LOG_IN_AGAIN}",
                path.display()
            ),
            Self::Unreadable { path, reason } => write!(
                f,
                "cannot read the token file {}: {reason}; {LOG_IN_AGAIN}",
                path.display()
            ),
        }
    }
}

/// The permission bits that let users other than the owner read or write
/// the file, when any is set.
#[cfg(unix)]
pub(crate) fn loose_mode(metadata: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = metadata.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

/// Other platforms have no mode bits to check.
#[cfg(not(unix))]
pub(crate) fn loose_mode(_metadata: &std::fs::Metadata) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location_with(vars: &[(&str, &str)]) -> Option<PathBuf> {
        location(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn the_file_is_in_the_config_dir_else_xdg_else_home() {
        let all = [
            ("RUNCOMFY_CONFIG_DIR", "/etc/rc"),
            ("XDG_CONFIG_HOME", "/xdg"),
            ("HOME", "/home/ann"),
        ];
        assert_eq!(
            location_with(&all),
            Some(PathBuf::from("/etc/rc/token.json"))
        );
        assert_eq!(
            location_with(&all[1..]),
            Some(PathBuf::from("/xdg/runcomfy/token.json"))
        );
        assert_eq!(
            location_with(&all[2..]),
            Some(PathBuf::from("/home/ann/.config/runcomfy/token.json"))
        );
        let blank_and_relative = [
            ("RUNCOMFY_CONFIG_DIR", " "),
            ("XDG_CONFIG_HOME", "relative/xdg"),
            ("HOME", "/home/ann"),
        ];
        assert_eq!(
            location_with(&blank_and_relative),
            Some(PathBuf::from("/home/ann/.config/runcomfy/token.json")),
            "a blank variable and a relative XDG_CONFIG_HOME are passed over"
        );
        assert_eq!(location_with(&[]), None);
    }

    #[test]
    fn a_token_file_gives_its_token_and_when_it_expires() {
        let file = TokenFile::parse(r#"{"access_token": " tok-1 ", "expires_at": 1700000000}"#)
            .expect("a token file");
        assert_eq!(file.token, "tok-1");
        assert_eq!(file.expires_at, Some(1_700_000_000));
        let file = TokenFile::parse(r#"{"access_token": "tok-1", "expires_at": 1700000000.9}"#)
            .expect("seconds with a fraction");
        assert_eq!(file.expires_at, Some(1_700_000_000));
        for forever in [
            r#"{"access_token": "tok-1"}"#,
            r#"{"access_token": "tok-1", "expires_at": null, "refresh_token": "r"}"#,
        ] {
            let file = TokenFile::parse(forever).expect(forever);
            assert_eq!(file.expires_at, None, "{forever}");
            assert!(!file.expired(u64::MAX), "{forever}");
        }
    }

    #[test]
    fn a_token_expires_at_its_second() {
        let file = TokenFile {
            token: "t".into(),
            expires_at: Some(100),
        };
        assert!(!file.expired(99));
        assert!(file.expired(100));
        assert!(file.expired(101));
    }

    #[test]
    fn a_malformed_file_says_why_without_quoting_it() {
        let secret = "tok-SECRET-in-file";
        let cases = [
            (secret.to_owned(), "it is not JSON (line 1, column 2)"),
            (format!("[\"{secret}\"]"), "it is JSON but not an object"),
            (r#"{"token": "x"}"#.to_owned(), "it has no `access_token`"),
            (
                r#"{"access_token": "  "}"#.to_owned(),
                "its `access_token` is empty",
            ),
            (
                r#"{"access_token": 12345}"#.to_owned(),
                "its `access_token` is not a string",
            ),
            (
                format!(r#"{{"access_token": "{secret}", "expires_at": "{secret}"}}"#),
                "its `expires_at` is not a number of unix seconds",
            ),
            (
                format!(r#"{{"access_token": "{secret}", "expires_at": -5}}"#),
                "its `expires_at` is not a number of unix seconds",
            ),
        ];
        for (text, reason) in cases {
            assert_eq!(TokenFile::parse(&text), Err(reason.to_owned()), "{text}");
        }
        let parsed = TokenFile::parse(&format!(r#"{{"access_token": "{secret}"}}"#));
        assert!(!format!("{parsed:?}").contains(secret), "redacted in Debug");
    }

    #[test]
    fn the_errors_name_the_file_and_say_to_log_in_again() {
        let path = PathBuf::from("/home/ann/.config/runcomfy/token.json");
        let expired = TokenFileError::Expired {
            path: path.clone(),
            expired_at: 0,
        };
        let text = expired.to_string();
        assert!(
            text.starts_with("the token in /home/ann/.config/runcomfy/token.json (the provider CLI's login) expired at 1970-01-01 00:00:00 UTC ("),
            "{text}"
        );
        assert!(text.ends_with(LOG_IN_AGAIN), "{text}");
        assert_eq!(expired.kind(), "token_expired");
        let malformed = TokenFileError::Malformed {
            path,
            reason: "it has no `access_token`".into(),
        };
        assert_eq!(
            malformed.to_string(),
            format!(
                "the token file /home/ann/.config/runcomfy/token.json is not one the provider's CLI writes: it has no `access_token`; {LOG_IN_AGAIN}"
            )
        );
        assert_eq!(malformed.kind(), "token_file");
    }
}
