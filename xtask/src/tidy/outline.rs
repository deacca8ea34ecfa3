//! What one file says about modules: its `mod NAME;` declarations and the
//! paths it uses (every `use` tree expanded, and each path written in code
//! such as `crate::x::y(…)` or `super::Kind`), each with the inline modules
//! (`mod tests { … }`) around it.

use super::lexer::{Kind, Token};

/// A `mod NAME;` declaration (a module in a file of its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Declaration {
    /// The inline modules around it, outermost first.
    pub(super) scope: Vec<String>,
    /// The module's name.
    pub(super) name: String,
}

/// A path the file uses, as written (`["super", "report", "Report"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Reference {
    /// The inline modules around it, outermost first.
    pub(super) scope: Vec<String>,
    /// Its segments; a glob's path ends before the `*`.
    pub(super) path: Vec<String>,
    /// The line it is on.
    pub(super) line: usize,
}

/// A file's declarations and references.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Outline {
    pub(super) declarations: Vec<Declaration>,
    pub(super) references: Vec<Reference>,
}

/// The outline of a file's tokens.
pub(super) fn outline(tokens: &[Token]) -> Outline {
    let mut outline = Outline::default();
    // Each inline module around the current token, with the brace depth
    // inside it.
    let mut scope: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(token) = tokens.get(at) {
        let scope_names = || scope.iter().map(|(name, _)| name.clone()).collect();
        let after_path = at > 0 && (tokens[at - 1].is_punct("::") || tokens[at - 1].is_punct("."));
        if token.is_punct("{") {
            depth += 1;
        } else if token.is_punct("}") {
            if scope.last().is_some_and(|(_, inside)| *inside == depth) {
                scope.pop();
            }
            depth = depth.saturating_sub(1);
        } else if let Some((name, inline)) = module_item(&tokens[at..]) {
            if inline {
                depth += 1;
                scope.push((name, depth));
            } else {
                outline.declarations.push(Declaration {
                    scope: scope_names(),
                    name,
                });
            }
            at += 3;
            continue;
        } else if token.is_ident("use") {
            let mut paths = Vec::new();
            at = use_tree(tokens, at + 1, &[], &mut paths);
            let scope = scope_names();
            outline
                .references
                .extend(paths.into_iter().map(|path| Reference {
                    scope: scope.clone(),
                    path,
                    line: token.line,
                }));
            continue;
        } else if token.kind == Kind::Ident && !after_path && next_is_path(tokens, at) {
            let (path, end) = code_path(tokens, at);
            outline.references.push(Reference {
                scope: scope_names(),
                path,
                line: token.line,
            });
            at = end;
            continue;
        }
        at += 1;
    }
    outline
}

/// `mod NAME;` (false) or `mod NAME {` (true) at the start of `tokens`.
fn module_item(tokens: &[Token]) -> Option<(String, bool)> {
    let [keyword, name, after, ..] = tokens else {
        return None;
    };
    if !keyword.is_ident("mod") || name.kind != Kind::Ident {
        return None;
    }
    let inline = if after.is_punct("{") {
        true
    } else if after.is_punct(";") {
        false
    } else {
        return None;
    };
    Some((name.text.clone(), inline))
}

fn next_is_path(tokens: &[Token], at: usize) -> bool {
    tokens.get(at + 1).is_some_and(|t| t.is_punct("::"))
}

/// A path in code from `tokens[at]`: identifiers joined by `::`; where it ends.
fn code_path(tokens: &[Token], mut at: usize) -> (Vec<String>, usize) {
    let mut path = Vec::new();
    while let Some(token) = tokens.get(at).filter(|t| t.kind == Kind::Ident) {
        path.push(token.text.clone());
        at += 1;
        if !tokens.get(at).is_some_and(|t| t.is_punct("::")) {
            break;
        }
        at += 1;
    }
    (path, at)
}

/// Expands the use tree from `tokens[at]` under `prefix` into `paths`;
/// returns where it ends (at the `,`, `}` or `;` after it).
fn use_tree(
    tokens: &[Token],
    mut at: usize,
    prefix: &[String],
    paths: &mut Vec<Vec<String>>,
) -> usize {
    let mut path = prefix.to_vec();
    while let Some(token) = tokens.get(at) {
        if token.is_punct("::") {
            at += 1;
        } else if token.is_punct("{") {
            return use_group(tokens, at + 1, &path, paths);
        } else if token.is_punct("*") {
            paths.push(path);
            return at + 1;
        } else if token.kind == Kind::Ident {
            // `a::{self, b}` imports `a` itself.
            if token.text != "self" || path.is_empty() {
                path.push(token.text.clone());
            }
            at += 1;
            if tokens.get(at).is_some_and(|t| t.is_punct("::")) {
                continue;
            }
            if tokens.get(at).is_some_and(|t| t.is_ident("as")) {
                at += 2;
            }
            paths.push(path);
            return at;
        } else {
            break;
        }
    }
    at
}

/// The trees of a `{ … }` group from just after its `{`; returns where it
/// ends (after its `}`).
fn use_group(
    tokens: &[Token],
    mut at: usize,
    prefix: &[String],
    paths: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        at = use_tree(tokens, at, prefix, paths);
        match tokens.get(at) {
            Some(t) if t.is_punct(",") => at += 1,
            Some(t) if t.is_punct("}") => return at + 1,
            _ => return at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokens;
    use super::*;

    fn paths(source: &str) -> Vec<String> {
        outline(&tokens(source))
            .references
            .iter()
            .map(|r| format!("{}{}", r.scope.join("/"), r.path.join("::")))
            .collect()
    }

    #[test]
    fn use_trees_expand_into_one_path_each() {
        assert_eq!(
            paths("pub use crate::a::{self, b::{C as D, *}, e};\nuse std::io;"),
            [
                "crate::a",
                "crate::a::b::C",
                "crate::a::b",
                "crate::a::e",
                "std::io"
            ]
        );
    }

    #[test]
    fn paths_in_code_count_and_method_paths_do_not() {
        assert_eq!(
            paths("fn f() -> super::Kind { x.collect::<Vec<_>>(); <T as U>::new(); crate::g() }"),
            ["super::Kind", "crate::g"]
        );
    }

    #[test]
    fn declarations_and_references_know_their_inline_module() {
        let found = outline(&tokens(
            "mod a;\nmod tests {\n    mod b;\n    use super::*;\n}\nuse c::D;",
        ));
        let declared: Vec<(Vec<String>, String)> = found
            .declarations
            .into_iter()
            .map(|d| (d.scope, d.name))
            .collect();
        assert_eq!(
            declared,
            [
                (vec![], "a".to_owned()),
                (vec!["tests".to_owned()], "b".to_owned())
            ]
        );
        let scopes: Vec<(Vec<String>, usize)> = found
            .references
            .into_iter()
            .map(|r| (r.scope, r.line))
            .collect();
        assert_eq!(scopes, [(vec!["tests".to_owned()], 4), (vec![], 6)]);
    }
}
