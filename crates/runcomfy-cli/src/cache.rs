//! The user's cache directory (`$RUNCOMFY_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/runcomfy`, else `~/.cache/runcomfy`) and the name of a
//! service's folder in it: what is learned of one service (run times,
//! catalog schemas) is kept apart from another's, so that an emulator's
//! answers never stand for the service's.

use std::path::{Path, PathBuf};

/// The cache directory of this program, from the environment `lookup`
/// reads; none when not even a home folder is known.
pub(crate) fn cache_dir(lookup: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let set = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
    if let Some(dir) = set("RUNCOMFY_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    // The XDG rule: a relative XDG_CACHE_HOME is ignored.
    if let Some(dir) = set("XDG_CACHE_HOME").filter(|dir| Path::new(dir).is_absolute()) {
        return Some(Path::new(&dir).join("runcomfy"));
    }
    let home = set("HOME")?;
    Some(Path::new(&home).join(".cache/runcomfy"))
}

/// The cache directory the process environment names.
pub(crate) fn user_cache_dir() -> Option<PathBuf> {
    cache_dir(|name| std::env::var(name).ok())
}

/// The folder name of the service at `base_url`: its origin (host and
/// port), made of safe characters only, never `.` or `..`.
pub(crate) fn origin_folder(base_url: &str) -> String {
    let origin = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default();
    let name = safe_file_name(origin, 100);
    // Never `.` or `..`: a name that starts with a dot gets a `_` before it.
    if name.is_empty() || name.starts_with('.') {
        format!("_{name}")
    } else {
        name
    }
}

/// `text` with every character but ASCII letters, digits, `-` and `.`
/// written `_`, at most `longest` characters.
pub(crate) fn safe_file_name(text: &str, longest: usize) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(longest)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn the_cache_is_runcomfys_else_xdgs_else_homes() {
        let all = [
            ("RUNCOMFY_CACHE_DIR", "/tmp/rc"),
            ("XDG_CACHE_HOME", "/x"),
            ("HOME", "/home/u"),
        ];
        assert_eq!(cache_dir(env(&all)), Some(PathBuf::from("/tmp/rc")));
        assert_eq!(
            cache_dir(env(&all[1..])),
            Some(PathBuf::from("/x/runcomfy"))
        );
        assert_eq!(
            cache_dir(env(&[("XDG_CACHE_HOME", "relative"), ("HOME", "/home/u")])),
            Some(PathBuf::from("/home/u/.cache/runcomfy"))
        );
        assert_eq!(cache_dir(env(&[("RUNCOMFY_CACHE_DIR", " ")])), None);
    }
}
