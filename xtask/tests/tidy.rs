//! The house rules hold on the real tree: every hand-written file within 600
//! lines and every function within 80, a `//!` line first in every module,
//! every module named in ARCHITECTURE.md's code map, no two files of a crate
//! importing each other (`cargo xtask tidy` lists the same, with the fix).

#[test]
fn the_tree_keeps_every_house_rule() {
    let violations = xtask::tidy::check(&xtask::repository_root()).expect("the tree reads");
    let listed: Vec<String> = violations.iter().map(ToString::to_string).collect();
    assert!(
        listed.is_empty(),
        "{} house rules broken (run `cargo xtask tidy`):\n{}",
        listed.len(),
        listed.join("\n")
    );
}
