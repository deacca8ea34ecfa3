//! `cargo xtask tidy`: rules that keep the house in order, each a function
//! over the workspace tree reporting file and line: hand-written files
//! within their line budget, a `//!` line at the top of every module, short
//! functions, every module named in ARCHITECTURE.md's code map, and no two
//! files of a crate importing each other. Each rule's module says exactly
//! what it checks.

mod check;
mod circles;
mod code_map;
mod file_length;
#[cfg(test)]
mod fixture;
mod functions;
mod lexer;
mod module_docs;
mod modules;
mod outline;
mod tree;
mod violation;

pub use check::{check, check_workspace};
pub use circles::import_circles;
pub use code_map::unmapped_modules;
pub use file_length::{LINE_BUDGET, long_files};
pub use functions::{FUNCTION_BUDGET, long_functions};
pub use module_docs::missing_module_docs;
pub use tree::{SourceFile, Workspace};
pub use violation::{Rule, Violation};
