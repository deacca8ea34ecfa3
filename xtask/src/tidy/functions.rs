//! Rule `long-function`: a function over [`FUNCTION_BUDGET`] lines, counted
//! from the line of its `fn` to the line of its closing brace (braces in
//! strings, chars and comments do not count).

use super::lexer::{Kind, Token, tokens};
use super::tree::Workspace;
use super::violation::{Rule, Violation};

/// The most lines a function may span.
pub const FUNCTION_BUDGET: usize = 80;

/// The functions over [`FUNCTION_BUDGET`] lines in every hand-written file.
pub fn long_functions(workspace: &Workspace) -> Vec<Violation> {
    let mut found = Vec::new();
    for file in workspace.hand_written() {
        for function in functions(&tokens(&file.text)) {
            if function.lines() > FUNCTION_BUDGET {
                found.push(Violation::new(
                    Rule::LongFunction,
                    &file.path,
                    function.first_line,
                    format!(
                        "`fn {}` is {} lines (budget {FUNCTION_BUDGET})",
                        function.name,
                        function.lines()
                    ),
                ));
            }
        }
    }
    found
}

/// A function with a body.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Function {
    /// Its name.
    name: String,
    /// The line of its `fn`.
    first_line: usize,
    /// The line of its closing brace.
    last_line: usize,
}

impl Function {
    /// Lines from `fn` to the closing brace, both included.
    fn lines(&self) -> usize {
        self.last_line - self.first_line + 1
    }
}

/// Every function with a body (`fn name`, not a `fn(…)` pointer type nor
/// a declaration ending in `;`), nested ones included.
fn functions(tokens: &[Token]) -> Vec<Function> {
    let mut found = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        if !token.is_ident("fn") {
            continue;
        }
        let Some(name) = tokens.get(at + 1).filter(|next| next.kind == Kind::Ident) else {
            continue;
        };
        if let Some(last_line) =
            body(&tokens[at + 2..]).and_then(|open| closing_line(&tokens[at + 2 + open..]))
        {
            found.push(Function {
                name: name.text.clone(),
                first_line: token.line,
                last_line,
            });
        }
    }
    found
}

/// Where the body's `{` is, after a function's name: the first `{` outside
/// parentheses and brackets, unless a `;` or `}` ends the item first.
fn body(tokens: &[Token]) -> Option<usize> {
    let mut depth = 0usize;
    for (at, token) in tokens.iter().enumerate() {
        match token.text.as_str() {
            _ if token.kind != Kind::Punct => {}
            "(" | "[" => depth += 1,
            ")" | "]" => depth = depth.checked_sub(1)?,
            "{" if depth == 0 => return Some(at),
            ";" | "}" if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

/// The line of the `}` that closes the `{` at `tokens[0]`.
fn closing_line(tokens: &[Token]) -> Option<usize> {
    let mut depth = 0usize;
    for token in tokens.iter().filter(|t| t.kind == Kind::Punct) {
        match token.text.as_str() {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if depth == 0 {
                    return Some(token.line);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{lines, workspace};
    use super::*;

    fn function_of(body_lines: usize) -> String {
        format!("fn long() {{\n{}}}\n", lines(body_lines, "    step();"))
    }

    #[test]
    fn a_function_over_80_lines_is_reported_at_its_fn_line() {
        let text = format!("//! A module.\n\n{}", function_of(79));
        let (_dir, tree) = workspace(&[("xtask/src/lib.rs", &text)]);
        let found = long_functions(&tree);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].line, found[0].rule), (3, Rule::LongFunction));
        assert_eq!(found[0].message, "`fn long` is 81 lines (budget 80)");
    }

    #[test]
    fn a_function_of_80_lines_passes() {
        let (_dir, tree) = workspace(&[("tests/a.rs", &function_of(78))]);
        assert_eq!(long_functions(&tree), []);
    }

    #[test]
    fn braces_in_strings_chars_and_comments_do_not_count() {
        let text = r####"
trait Shape {
    fn area(&self) -> f64;
    fn sides(&self, buffer: [u8; 4]) -> usize;
}
fn tricky<'a>(callback: fn(u8) -> u8, text: &'a str) -> char {
    let _ = ("}", r#"}"#, b"}", '}', '{', b'}', '\'', "\"}");
    // } a closing brace in a comment
    /* } and /* nested } */ too */
    '}'
}
fn after() {}
"####;
        let found = functions(&tokens(text));
        let spans: Vec<(&str, usize, usize)> = found
            .iter()
            .map(|f| (f.name.as_str(), f.first_line, f.last_line))
            .collect();
        assert_eq!(spans, [("tricky", 6, 11), ("after", 12, 12)]);
    }
}
