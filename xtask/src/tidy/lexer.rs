//! Rust source as tokens with their line numbers, with comments dropped and
//! string, char and number literals kept whole, so that braces and paths
//! are read from code only.
//!
//! Enough of the language for the tidy rules, not a parser: identifiers,
//! lifetimes, literals and one-character punctuation, with `::` as one
//! token.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// An identifier or keyword (`fn`, `crate`, `r#type` as `type`).
    Ident,
    /// One punctuation character, or `::`.
    Punct,
    /// A string, char or number literal.
    Literal,
    /// A lifetime or loop label (`'a`).
    Lifetime,
}

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    /// What it is.
    pub(super) kind: Kind,
    /// Its text (for a literal, as written).
    pub(super) text: String,
    /// The 1-based line it starts on.
    pub(super) line: usize,
}

impl Token {
    /// Whether this is the identifier or keyword `word`.
    pub(super) fn is_ident(&self, word: &str) -> bool {
        self.kind == Kind::Ident && self.text == word
    }

    /// Whether this is the punctuation `punct`.
    pub(super) fn is_punct(&self, punct: &str) -> bool {
        self.kind == Kind::Punct && self.text == punct
    }
}

/// The tokens of a Rust source file.
pub(super) fn tokens(source: &str) -> Vec<Token> {
    let mut lexer = Lexer {
        chars: source.chars().collect(),
        at: 0,
        line: 1,
        tokens: Vec::new(),
    };
    lexer.run();
    lexer.tokens
}

struct Lexer {
    chars: Vec<char>,
    at: usize,
    line: usize,
    tokens: Vec<Token>,
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    /// Moves past one character, counting lines.
    fn bump(&mut self) {
        if self.peek(0) == Some('\n') {
            self.line += 1;
        }
        self.at += 1;
    }

    fn push(&mut self, kind: Kind, from: usize, line: usize) {
        let text = self.chars[from..self.at].iter().collect();
        self.tokens.push(Token { kind, text, line });
    }

    fn run(&mut self) {
        while let Some(c) = self.peek(0) {
            let (from, line) = (self.at, self.line);
            match c {
                c if c.is_whitespace() => self.bump(),
                '/' if self.peek(1) == Some('/') => self.line_comment(),
                '/' if self.peek(1) == Some('*') => self.block_comment(),
                '"' => {
                    self.string(false, 0);
                    self.push(Kind::Literal, from, line);
                }
                '\'' => self.quote(from, line),
                c if c.is_ascii_digit() => {
                    self.word();
                    self.push(Kind::Literal, from, line);
                }
                c if c.is_alphabetic() || c == '_' => self.ident_or_prefixed(from, line),
                ':' if self.peek(1) == Some(':') => {
                    self.at += 2;
                    self.push(Kind::Punct, from, line);
                }
                _ => {
                    self.bump();
                    self.push(Kind::Punct, from, line);
                }
            }
        }
    }

    fn line_comment(&mut self) {
        while self.peek(0).is_some_and(|c| c != '\n') {
            self.at += 1;
        }
    }

    /// A block comment, nested ones included.
    fn block_comment(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek(0) {
            if c == '/' && self.peek(1) == Some('*') {
                depth += 1;
                self.at += 2;
            } else if c == '*' && self.peek(1) == Some('/') {
                self.at += 2;
                depth -= 1;
                if depth == 0 {
                    return;
                }
            } else {
                self.bump();
            }
        }
    }

    /// Letters, digits and `_`.
    fn word(&mut self) {
        while self
            .peek(0)
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            self.at += 1;
        }
    }

    /// A string from its opening `"`; a raw one (`r#"…"#`) has no escapes
    /// and ends with a `"` and as many `#` as it began with.
    fn string(&mut self, raw: bool, hashes: usize) {
        self.bump();
        while let Some(c) = self.peek(0) {
            if c == '\\' && !raw {
                self.bump();
                self.bump();
            } else if c == '"' && (0..hashes).all(|n| self.peek(1 + n) == Some('#')) {
                self.at += 1 + hashes;
                return;
            } else {
                self.bump();
            }
        }
    }

    /// A char literal (`'a'`, `'\n'`, `'{'`) or a lifetime (`'a`).
    fn quote(&mut self, from: usize, line: usize) {
        if self.peek(1) == Some('\\') {
            // The quote, the backslash and the escaped character.
            self.at += 3;
            while self.peek(0).is_some_and(|c| c != '\'') {
                self.bump();
            }
            self.at += 1;
            self.push(Kind::Literal, from, line);
        } else if self.peek(2) == Some('\'') {
            self.at += 3;
            self.push(Kind::Literal, from, line);
        } else {
            self.at += 1;
            self.word();
            self.push(Kind::Lifetime, from, line);
        }
    }

    /// An identifier, or a literal with a prefix: `b"…"`, `b'…'`, `c"…"`,
    /// `r"…"`, `r#"…"#`, `br#"…"#`; `r#ident` is the identifier `ident`.
    fn ident_or_prefixed(&mut self, from: usize, line: usize) {
        let prefix_len = match (self.peek(0), self.peek(1)) {
            (Some('b' | 'c'), Some('r')) => 2,
            (Some('b' | 'c' | 'r'), _) => 1,
            _ => 0,
        };
        if prefix_len > 0 {
            let raw = self.peek(prefix_len - 1) == Some('r');
            let hashes = (0..)
                .take_while(|n| self.peek(prefix_len + n) == Some('#'))
                .count();
            match self.peek(prefix_len + hashes) {
                Some('"') => {
                    self.at += prefix_len + hashes;
                    self.string(raw, hashes);
                    self.push(Kind::Literal, from, line);
                    return;
                }
                Some('\'') if !raw => {
                    self.at += prefix_len;
                    self.quote(from, line);
                    if let Some(token) = self.tokens.last_mut() {
                        token.kind = Kind::Literal;
                    }
                    return;
                }
                Some(c)
                    if raw && hashes == 1 && prefix_len == 1 && (c.is_alphabetic() || c == '_') =>
                {
                    self.at += 2;
                    let start = self.at;
                    self.word();
                    self.push(Kind::Ident, start, line);
                    return;
                }
                _ => {}
            }
        }
        self.word();
        self.push(Kind::Ident, from, line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each token as `Kind:text@line`, spaces between.
    fn texts(source: &str) -> String {
        let shown: Vec<String> = tokens(source)
            .into_iter()
            .map(|t| format!("{:?}:{}@{}", t.kind, t.text, t.line))
            .collect();
        shown.join(" ")
    }

    #[test]
    fn comments_vanish_and_literals_stay_whole_on_their_line() {
        assert_eq!(
            texts("a /* x\n /* y */ */ b // c\n\"s\nt\" r#\"q\"#::d"),
            "Ident:a@1 Ident:b@2 Literal:\"s\nt\"@3 Literal:r#\"q\"#@4 Punct:::@4 Ident:d@4"
        );
    }

    #[test]
    fn chars_lifetimes_and_raw_identifiers_are_told_apart() {
        assert_eq!(
            texts(r#"'{' '\'' 'a b'x' r#type br"z" 7u8"#),
            r#"Literal:'{'@1 Literal:'\''@1 Lifetime:'a@1 Literal:b'x'@1 Ident:type@1 Literal:br"z"@1 Literal:7u8@1"#
        );
    }
}
