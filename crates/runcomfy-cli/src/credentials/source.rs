//! Which token a command uses and where it came from: `RUNCOMFY_API_TOKEN`,
//! then `RUNCOMFY_TOKEN` (the client reads both itself), then the provider
//! CLI's token file, which is read only when neither is set.
//!
//! What `-v` says of the source, and the warning a file others can read
//! deserves, are written here; the token itself never is.

use std::io::ErrorKind;
use std::path::PathBuf;

use crate::credentials::token_file::{self, TokenFile, TokenFileError};

/// The variables that come before the file, in the order the client reads them.
const VARIABLES: [&str; 2] = ["RUNCOMFY_API_TOKEN", "RUNCOMFY_TOKEN"];

/// Where the token came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// This environment variable.
    Variable(&'static str),
    /// The provider CLI's token file.
    File(PathBuf),
    /// No source has one; `file` is where the token file was looked for.
    Nowhere { file: Option<PathBuf> },
}

/// The token a command uses.
#[derive(Debug)]
pub(crate) struct Found {
    pub(crate) source: Source,
    /// The file's token, for the client: none when a variable has one (the
    /// client reads the variables itself) or when no source has any.
    pub(crate) file_token: Option<String>,
    /// What to say of a file that others can read.
    pub(crate) warning: Option<String>,
}

/// Finds the token, the environment read by `lookup`, `now` in unix seconds.
pub(crate) fn find(
    lookup: impl Fn(&str) -> Option<String>,
    now: u64,
) -> Result<Found, TokenFileError> {
    let found = |source, file_token, warning| Found {
        source,
        file_token,
        warning,
    };
    if let Some(name) = VARIABLES
        .into_iter()
        .find(|name| lookup(name).is_some_and(|value| !value.trim().is_empty()))
    {
        return Ok(found(Source::Variable(name), None, None));
    }
    let Some(path) = token_file::location(&lookup) else {
        return Ok(found(Source::Nowhere { file: None }, None, None));
    };
    let unreadable = |e: std::io::Error| TokenFileError::Unreadable {
        path: path.clone(),
        reason: e.to_string(),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Ok(found(Source::Nowhere { file: Some(path) }, None, None));
        }
        Err(e) => return Err(unreadable(e)),
    };
    let file = TokenFile::parse(&text).map_err(|reason| TokenFileError::Malformed {
        path: path.clone(),
        reason,
    })?;
    if file.expired(now) {
        let expired_at = file.expires_at.unwrap_or(now);
        return Err(TokenFileError::Expired { path, expired_at });
    }
    let metadata = std::fs::metadata(&path).map_err(unreadable)?;
    let warning = token_file::loose_mode(&metadata).map(|mode| {
        format!(
            "warning: the token file {} can be read by other users (mode {mode:03o}); it holds a secret: chmod 600 {}",
            path.display(),
            path.display()
        )
    });
    Ok(found(Source::File(path), Some(file.token), warning))
}

impl Source {
    /// What `-v` says of it.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Variable(name) => format!("token: from {name}"),
            Self::File(path) => format!(
                "token: from the provider CLI's token file {}",
                path.display()
            ),
            Self::Nowhere { file: Some(path) } => format!(
                "token: none (RUNCOMFY_API_TOKEN and RUNCOMFY_TOKEN are not set, and there is no token file at {})",
                path.display()
            ),
            Self::Nowhere { file: None } => "token: none (RUNCOMFY_API_TOKEN and RUNCOMFY_TOKEN are not set, and no home folder says where a token file would be)".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const NOW: u64 = 1_800_000_000;

    /// The token found with `vars` set and the token file in `dir`.
    fn find_in(dir: &Path, vars: &[(&'static str, &str)]) -> Result<Found, TokenFileError> {
        let dir = dir.display().to_string();
        find(
            |name| {
                if name == "RUNCOMFY_CONFIG_DIR" {
                    return Some(dir.clone());
                }
                vars.iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            },
            NOW,
        )
    }

    fn write_token_file(dir: &Path, text: &str, mode: u32) -> PathBuf {
        let path = dir.join("token.json");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
        let _ = mode;
        let mut file = options.open(&path).expect("create");
        std::io::Write::write_all(&mut file, text.as_bytes()).expect("write");
        path
    }

    #[test]
    fn the_variables_come_first_and_the_file_is_then_not_even_read() {
        let dir = tempfile::tempdir().expect("dir");
        write_token_file(dir.path(), "not json", 0o600);
        for (vars, name) in [
            (
                vec![("RUNCOMFY_API_TOKEN", "a"), ("RUNCOMFY_TOKEN", "b")],
                "RUNCOMFY_API_TOKEN",
            ),
            (
                vec![("RUNCOMFY_API_TOKEN", " "), ("RUNCOMFY_TOKEN", "b")],
                "RUNCOMFY_TOKEN",
            ),
        ] {
            let found = find_in(dir.path(), &vars).expect("a variable");
            assert_eq!(found.source, Source::Variable(name));
            assert_eq!(found.file_token, None, "the client reads the variable");
            assert_eq!(found.source.describe(), format!("token: from {name}"));
        }
    }

    #[test]
    fn without_a_variable_the_files_token_is_used() {
        let dir = tempfile::tempdir().expect("dir");
        let text = format!(
            r#"{{"access_token": "tok-file", "expires_at": {}}}"#,
            NOW + 60
        );
        let path = write_token_file(dir.path(), &text, 0o600);
        let found = find_in(dir.path(), &[]).expect("the file");
        assert_eq!(found.source, Source::File(path.clone()));
        assert_eq!(found.file_token.as_deref(), Some("tok-file"));
        assert_eq!(found.warning, None, "only its owner can read it");
        assert_eq!(
            found.source.describe(),
            format!(
                "token: from the provider CLI's token file {}",
                path.display()
            )
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_used_with_a_warning() {
        let dir = tempfile::tempdir().expect("dir");
        let path = write_token_file(dir.path(), r#"{"access_token": "tok-file"}"#, 0o644);
        let found = find_in(dir.path(), &[]).expect("the file");
        assert_eq!(found.file_token.as_deref(), Some("tok-file"));
        let warning = found.warning.expect("a warning");
        assert_eq!(
            warning,
            format!(
                "warning: the token file {} can be read by other users (mode 644); it holds a secret: chmod 600 {}",
                path.display(),
                path.display()
            )
        );
        assert!(!warning.contains("tok-file"));
    }

    #[test]
    fn an_expired_token_is_an_error_saying_when() {
        let dir = tempfile::tempdir().expect("dir");
        let text = format!(r#"{{"access_token": "tok-file", "expires_at": {NOW}}}"#);
        let path = write_token_file(dir.path(), &text, 0o600);
        match find_in(dir.path(), &[]) {
            Err(TokenFileError::Expired {
                path: named,
                expired_at,
            }) => {
                assert_eq!(named, path);
                assert_eq!(expired_at, NOW);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_file_is_no_token_and_a_broken_one_an_error() {
        let dir = tempfile::tempdir().expect("dir");
        let found = find_in(dir.path(), &[]).expect("no token, no error");
        let path = dir.path().join("token.json");
        assert_eq!(
            found.source,
            Source::Nowhere {
                file: Some(path.clone())
            }
        );
        assert_eq!(found.file_token, None);
        assert!(
            found
                .source
                .describe()
                .ends_with(&format!("no token file at {})", path.display()))
        );

        write_token_file(dir.path(), r#"{"access_token": 7}"#, 0o600);
        assert!(matches!(
            find_in(dir.path(), &[]),
            Err(TokenFileError::Malformed { path: named, .. }) if named == path
        ));
        std::fs::remove_file(&path).expect("rm");
        std::fs::create_dir(&path).expect("a folder where the file would be");
        assert!(matches!(
            find_in(dir.path(), &[]),
            Err(TokenFileError::Unreadable { .. })
        ));
    }
}
