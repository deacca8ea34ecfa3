//! How the bench calls cargo: the same package set on every `cargo bench`,
//! and the target directory the benchmarks write into.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The packages with benchmarks. Every `cargo bench` names all of them (and
/// one `--bench`), so features unify the same way each time and the build
/// made up front serves every step.
pub(super) const PACKAGES: [&str; 8] = [
    "-p",
    "runcomfy-validate",
    "-p",
    "runcomfy",
    "-p",
    "runcomfy-cli",
    "-p",
    "runcomfy-emulator",
];

/// The cargo that runs this task (`CARGO`), or the one on the path.
pub(super) fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// `cargo bench -q -p … --bench BENCH -- ARGS` in the repository.
pub(super) fn bench_command(root: &Path, bench: &str, args: &[&str]) -> Command {
    let mut command = Command::new(cargo());
    command
        .current_dir(root)
        .args(["bench", "-q"])
        .args(PACKAGES)
        .args(["--bench", bench, "--"])
        .args(args);
    command
}

/// `CARGO_TARGET_DIR` (relative to the repository), or `target/`.
pub(super) fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        })
        .unwrap_or_else(|| root.join("target"))
}
