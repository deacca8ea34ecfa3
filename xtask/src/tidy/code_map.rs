//! Rule `code-map`: ARCHITECTURE.md's code map names every module.
//!
//! The rule, checkable by a program: each crate has a section, a heading
//! line `### <crate folder>` (backticks and a trailing `/` allowed:
//! ``### `crates/runcomfy` ``, ``### `xtask/` ``), running to the next
//! heading. Every hand-written file of the crate's `src/` except the crate
//! roots `lib.rs` and `main.rs` is named in its crate's section by its path
//! relative to `src/` (`poll/adaptive.rs`), alone or after `src/` or the
//! crate's folder (`crates/runcomfy/src/poll/adaptive.rs`); a folder's
//! `mod.rs` may be named by the folder instead (`poll/`). A name is a whole
//! word: `poll.rs` is not named by `adaptive_poll.rs`.

use super::tree::Workspace;
use super::violation::{Rule, Violation};

/// The crate roots, which the section itself describes.
const ROOTS: [&str; 2] = ["lib.rs", "main.rs"];

/// The crates without a section and the modules their section does not name.
pub fn unmapped_modules(workspace: &Workspace) -> Vec<Violation> {
    let Some(architecture) = &workspace.architecture else {
        return vec![Violation::new(
            Rule::CodeMap,
            "ARCHITECTURE.md",
            1,
            "there is no ARCHITECTURE.md with a code map".into(),
        )];
    };
    let mut found = Vec::new();
    for krate in &workspace.crates {
        let Some(section) = section(architecture, krate) else {
            found.push(Violation::new(
                Rule::CodeMap,
                &format!("{krate}/Cargo.toml"),
                1,
                format!("ARCHITECTURE.md has no section `### {krate}` for this crate"),
            ));
            continue;
        };
        for (module, file) in workspace.sources(krate) {
            if !ROOTS.contains(&module) && !names(&section, module) {
                found.push(Violation::new(
                    Rule::CodeMap,
                    &file.path,
                    1,
                    format!("`{module}` is not named in ARCHITECTURE.md's section `### {krate}`"),
                ));
            }
        }
    }
    found
}

/// The text of the section whose heading is the crate's folder.
fn section(architecture: &str, krate: &str) -> Option<String> {
    let mut lines = architecture.lines();
    lines.find(|line| {
        line.strip_prefix("### ")
            .is_some_and(|heading| heading.trim().trim_matches('`').trim_end_matches('/') == krate)
    })?;
    let body: Vec<&str> = lines.take_while(|line| !line.starts_with('#')).collect();
    Some(body.join("\n"))
}

/// Whether the section names the module file (`a/b.rs`, or `a/` for
/// `a/mod.rs`).
fn names(section: &str, module: &str) -> bool {
    let folder = module.strip_suffix("mod.rs").filter(|f| !f.is_empty());
    named_word(section, module) || folder.is_some_and(|folder| named_word(section, folder))
}

/// Whether `name` occurs in `text` as a whole path: not inside a longer
/// name, and after nothing but a `src/` when it follows a `/`.
fn named_word(text: &str, name: &str) -> bool {
    let name_char = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-');
    text.match_indices(name).any(|(at, _)| {
        let before = &text[..at];
        let starts = match before.chars().next_back() {
            None => true,
            Some('/') => before.ends_with("src/"),
            Some(c) => !(name_char(c) || c == '.'),
        };
        let ends = text[at + name.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(name_char(c) || c == '/'));
        starts && ends
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture::workspace;
    use super::*;

    const ARCHITECTURE: &str = "# Architecture\n\n## Code map\n\n### `crates/a`\n\
        `client.rs`: the client. `poll/`: polling, `poll/adaptive.rs` the \
        adaptive policy; see `crates/a/src/handle.rs`.\n\n### `xtask/`\n\
        Also `download.rs`.\n";

    fn tree_with(files: &[(&str, &str)]) -> Vec<Violation> {
        let mut all = vec![
            ("ARCHITECTURE.md", ARCHITECTURE),
            ("crates/a/Cargo.toml", "[package]\n"),
            ("crates/a/src/lib.rs", "//! A.\n"),
            ("crates/a/src/client.rs", "//! Client.\n"),
            ("crates/a/src/poll/mod.rs", "//! Polling.\n"),
            ("crates/a/src/poll/adaptive.rs", "//! Adaptive.\n"),
            ("crates/a/src/handle.rs", "//! Handle.\n"),
        ];
        all.extend_from_slice(files);
        let (_dir, tree) = workspace(&all);
        unmapped_modules(&tree)
    }

    #[test]
    fn every_module_named_in_its_crates_section_passes() {
        assert_eq!(tree_with(&[]), []);
    }

    #[test]
    fn a_module_missing_from_its_crates_section_is_reported() {
        let found = tree_with(&[
            (
                "crates/a/src/download.rs",
                "//! Named only in xtask's section.\n",
            ),
            (
                "crates/a/src/adaptive.rs",
                "//! Only `poll/adaptive.rs` is named.\n",
            ),
            ("crates/a/src/ent.rs", "//! Only `client.rs` is named.\n"),
        ]);
        let files: Vec<&str> = found.iter().map(|v| v.file.as_str()).collect();
        assert_eq!(
            files,
            [
                "crates/a/src/adaptive.rs",
                "crates/a/src/download.rs",
                "crates/a/src/ent.rs"
            ]
        );
        assert_eq!(
            found[1].message,
            "`download.rs` is not named in ARCHITECTURE.md's section `### crates/a`"
        );
    }

    #[test]
    fn a_crate_without_a_section_is_reported_at_its_manifest() {
        let found = tree_with(&[
            ("crates/b/Cargo.toml", "[package]\n"),
            ("crates/b/src/lib.rs", "//! B.\n"),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].file.as_str(), found[0].rule),
            ("crates/b/Cargo.toml", Rule::CodeMap)
        );
    }
}
