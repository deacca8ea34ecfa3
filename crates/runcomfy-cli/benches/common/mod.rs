//! What the CLI's benchmarks share: how they read their one argument.

/// The first argument that is not a flag (cargo passes `--bench`), as a
/// count: of inputs, or of runs; `default` without one.
pub(crate) fn count_argument(default: usize) -> usize {
    std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}
