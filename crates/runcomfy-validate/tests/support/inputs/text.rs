//! Text for generated inputs: ASCII, multi-byte, astral and control
//! characters (lengths count code points, not bytes or UTF-16 units).

use proptest::prelude::*;

fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => Just(' '),
        1 => proptest::sample::select(vec!['é', 'ß', '中', '😀', '\u{0}', '\n', '"', '\\', '\u{200b}']),
        1 => any::<char>(),
    ]
}

/// A string of `min` to `max` characters.
pub(crate) fn text(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(text_char(), min..=max).prop_map(|chars| chars.into_iter().collect())
}

/// A string of exactly `len` characters, a short random run repeated: the
/// length of a long prompt without a strategy per character.
pub(crate) fn text_of_length(len: impl Strategy<Value = usize>) -> impl Strategy<Value = String> {
    (len, text(1, 8)).prop_map(|(len, run)| run.chars().cycle().take(len).collect())
}
