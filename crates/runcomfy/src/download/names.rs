//! The name an output file gets: from its URL, cleaned so that it cannot
//! escape the directory or be special, numbered when it is taken.

use percent_encoding::percent_decode_str;
use url::Url;

/// Longest file name given to an output, in bytes (the extension is kept).
const MAX_NAME_BYTES: usize = 120;

/// Longest extension (with its dot) kept when a name is shortened.
const MAX_EXTENSION_BYTES: usize = 17;

/// The name of an output whose URL gives none.
const FALLBACK_NAME: &str = "output";

/// How many numbered names (`name (n).ext`) are tried before giving up.
pub(crate) const MAX_NUMBERED_NAMES: u32 = 10_000;

/// The file name a URL gets: the last path segment, percent-decoded, cleaned
/// so that it cannot escape the directory or be special: no `/`, `\`, NUL,
/// control or bidirectional-override characters (nor `: * ? " < > |`, which
/// Windows refuses; each becomes `_`), not `.` or `..`, no leading dots
/// (hidden files) and no leading or trailing spaces or trailing dots, at most
/// 120 bytes (the extension is kept). A URL without a usable name gets
/// `output` (no extension is guessed).
///
/// ```
/// use runcomfy::download::file_name_for;
/// use url::Url;
///
/// let name = |u: &str| file_name_for(&Url::parse(u).expect("url"));
/// assert_eq!(name("https://cdn.example/files/abc/output.mp4?sig=x"), "output.mp4");
/// assert_eq!(name("https://cdn.example/a/..%2F..%2Fetc%2Fpasswd"), "_.._etc_passwd");
/// assert_eq!(name("https://cdn.example/a/.hidden"), "hidden");
/// assert_eq!(name("https://cdn.example/"), "output");
/// ```
pub fn file_name_for(url: &Url) -> String {
    let segment = url
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .unwrap_or("");
    clean_name(&percent_decode_str(segment).decode_utf8_lossy())
}

fn clean_name(raw: &str) -> String {
    let replaced: String = raw
        .chars()
        .map(|c| if forbidden(c) { '_' } else { c })
        .collect();
    let trimmed = trim_name(&replaced);
    let name = if trimmed.len() > MAX_NAME_BYTES {
        shorten(trimmed)
    } else {
        trimmed.to_owned()
    };
    if name.is_empty() {
        FALLBACK_NAME.to_owned()
    } else {
        name
    }
}

fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'
                // Bidirectional controls (they can disguise an extension) and zero-width ones.
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// No leading dots or spaces (hidden files, `.`, `..`), no trailing ones
/// (Windows drops them).
fn trim_name(name: &str) -> &str {
    name.trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
}

/// Cuts a (trimmed) name to [`MAX_NAME_BYTES`], keeping a short extension.
fn shorten(name: &str) -> String {
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 && name.len() - dot <= MAX_EXTENSION_BYTES => name.split_at(dot),
        _ => (name, ""),
    };
    let mut end = (MAX_NAME_BYTES - extension.len()).min(stem.len());
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    let stem = trim_name(&stem[..end]);
    format!("{stem}{extension}")
}

/// `name`, or `name (n).ext` for n > 0.
pub(crate) fn numbered(name: &str, n: u32) -> String {
    if n == 0 {
        return name.to_owned();
    }
    match name.rfind('.') {
        Some(dot) if dot > 0 => format!("{} ({n}){}", &name[..dot], &name[dot..]),
        _ => format!("{name} ({n})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names_keep_the_extension() {
        assert_eq!(numbered("output.mp4", 0), "output.mp4");
        assert_eq!(numbered("output.mp4", 1), "output (1).mp4");
        assert_eq!(numbered("archive.tar.gz", 2), "archive.tar (2).gz");
        assert_eq!(numbered("output", 3), "output (3)");
    }
}
