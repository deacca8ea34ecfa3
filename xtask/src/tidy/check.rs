//! Every tidy rule over one workspace tree.

use std::io;
use std::path::Path;

use super::circles::import_circles;
use super::code_map::unmapped_modules;
use super::file_length::long_files;
use super::functions::long_functions;
use super::module_docs::missing_module_docs;
use super::tree::Workspace;
use super::violation::Violation;

/// Reads the tree under `root` and runs every rule.
pub fn check(root: &Path) -> io::Result<Vec<Violation>> {
    Ok(check_workspace(&Workspace::load(root)?))
}

/// Every rule over a tree already read, sorted by rule, file and line.
pub fn check_workspace(workspace: &Workspace) -> Vec<Violation> {
    let mut found = long_files(workspace);
    found.extend(missing_module_docs(workspace));
    found.extend(long_functions(workspace));
    found.extend(unmapped_modules(workspace));
    found.extend(import_circles(workspace));
    found.sort_by(|a, b| (a.rule, &a.file, a.line).cmp(&(b.rule, &b.file, b.line)));
    found
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{places, workspace};
    use super::super::violation::Rule;
    use super::*;

    #[test]
    fn a_clean_tree_passes_every_rule() {
        let (_dir, tree) = workspace(&[
            (
                "ARCHITECTURE.md",
                "### `xtask/`\n`plan.rs` and `report.rs`.\n",
            ),
            ("xtask/Cargo.toml", "[package]\n"),
            ("xtask/src/lib.rs", "//! Tasks.\nmod plan;\nmod report;\n"),
            ("xtask/src/plan.rs", "//! Plans.\npub struct Plan;\n"),
            (
                "xtask/src/report.rs",
                "//! Reports.\nuse crate::plan::Plan;\n",
            ),
        ]);
        assert_eq!(check_workspace(&tree), []);
    }

    #[test]
    fn violations_come_sorted_by_rule_then_file() {
        let (_dir, tree) = workspace(&[
            ("ARCHITECTURE.md", "### `xtask/`\n`a.rs`\n"),
            ("xtask/Cargo.toml", "[package]\n"),
            ("xtask/src/lib.rs", "mod a;\nmod b;\n"),
            ("xtask/src/a.rs", "use crate::b::B;\npub struct A;\n"),
            (
                "xtask/src/b.rs",
                "//! B.\nuse crate::a::A;\npub struct B;\n",
            ),
        ]);
        assert_eq!(
            places(&check_workspace(&tree)),
            [
                (Rule::ModuleDoc, "xtask/src/a.rs", 1),
                (Rule::ModuleDoc, "xtask/src/lib.rs", 1),
                (Rule::CodeMap, "xtask/src/b.rs", 1),
                (Rule::ImportCircle, "xtask/src/a.rs", 1),
            ]
        );
    }
}
