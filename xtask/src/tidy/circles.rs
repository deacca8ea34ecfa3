//! Rule `import-circle`: no two files of one crate's `src/` import each
//! other. File A imports file B when a path in A (in a `use`, or written in
//! code) leads to B's module or an item of it: `crate::…`, `super::…`,
//! `self::…`, or a child module's name; a parent `mod.rs` that re-exports a
//! child (`pub use child::X`) imports it, so the child must not use the
//! parent's re-exports (`super::X`) but the leaf that defines `X`. Reported
//! once a pair, at the hand-written file that comes first by path.

use std::collections::BTreeMap;

use super::modules::ModuleTree;
use super::tree::Workspace;
use super::violation::{Rule, Violation};

/// The pairs of files that import each other, in every crate root's tree.
pub fn import_circles(workspace: &Workspace) -> Vec<Violation> {
    let mut found = Vec::new();
    for krate in &workspace.crates {
        let src = format!("{krate}/src/");
        let roots = workspace.files.iter().filter(|file| {
            file.path.strip_prefix(&src).is_some_and(|rest| {
                matches!(rest, "lib.rs" | "main.rs")
                    || rest
                        .strip_prefix("bin/")
                        .is_some_and(|bin| !bin.contains('/'))
            })
        });
        for root in roots {
            if let Some(tree) = ModuleTree::load(workspace, &root.path) {
                found.extend(circles(&tree));
            }
        }
    }
    found
}

fn circles(tree: &ModuleTree<'_>) -> Vec<Violation> {
    // The first line of each file that leads to each other file.
    let mut uses: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (from, file) in tree.files.iter().enumerate() {
        for reference in &file.outline.references {
            if let Some(to) = tree.resolve(from, reference).filter(|to| *to != from) {
                uses.entry((from, to)).or_insert(reference.line);
            }
        }
    }
    let mut found = Vec::new();
    for (&(a, b), &line) in &uses {
        let Some(&back) = uses.get(&(b, a)) else {
            continue;
        };
        let (this, other) = (tree.files[a].file, tree.files[b].file);
        let reporter = [this, other]
            .into_iter()
            .filter(|file| !file.is_generated())
            .min_by(|x, y| x.path.cmp(&y.path));
        if reporter.is_some_and(|file| file.path == this.path) {
            found.push(Violation::new(
                Rule::ImportCircle,
                &this.path,
                line,
                format!(
                    "imports `{}`, whose line {back} imports this file back",
                    other.path
                ),
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::fixture::workspace;
    use super::*;

    fn circles_of(files: &[(&str, &str)]) -> Vec<Violation> {
        let mut all = vec![("xtask/Cargo.toml", "[package]\n")];
        all.extend_from_slice(files);
        let (_dir, tree) = workspace(&all);
        import_circles(&tree)
    }

    #[test]
    fn two_siblings_that_import_each_other_are_a_circle() {
        let found = circles_of(&[
            ("xtask/src/lib.rs", "mod a;\nmod b;\n"),
            ("xtask/src/a.rs", "use crate::b::B;\npub struct A;\n"),
            (
                "xtask/src/b.rs",
                "pub struct B;\nfn f() -> super::a::A {\n    super::a::A\n}\n",
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].file.as_str(), found[0].line),
            ("xtask/src/a.rs", 1)
        );
        assert_eq!(
            found[0].message,
            "imports `xtask/src/b.rs`, whose line 2 imports this file back"
        );
    }

    #[test]
    fn a_child_using_its_parents_re_export_is_a_circle() {
        let found = circles_of(&[
            ("xtask/src/main.rs", "mod chaos;\n"),
            (
                "xtask/src/chaos/mod.rs",
                "mod driver;\nmod options;\npub use driver::run;\npub use options::Options;\n",
            ),
            ("xtask/src/chaos/options.rs", "pub struct Options;\n"),
            (
                "xtask/src/chaos/driver.rs",
                "use super::{Options, options};\npub fn run() {}\n",
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].file, "xtask/src/chaos/driver.rs");
    }

    #[test]
    fn imports_going_one_way_and_inline_test_modules_pass() {
        let found = circles_of(&[
            ("xtask/src/lib.rs", "pub mod chaos;\npub use chaos::run;\n"),
            (
                "xtask/src/chaos.rs",
                "mod driver;\nmod options;\npub use driver::run;\n\
                 #[cfg(test)]\nmod tests {\n    use super::*;\n    use crate::chaos::driver;\n}\n",
            ),
            ("xtask/src/chaos/options.rs", "pub struct Options;\n"),
            (
                "xtask/src/chaos/driver.rs",
                "use super::options::Options;\nuse std::path::Path;\n\
                 pub fn run(_: Options) {}\nmod tests {\n    use super::*;\n}\n",
            ),
        ]);
        assert_eq!(found, []);
    }
}
