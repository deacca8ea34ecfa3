//! How the workspace's benchmarks report their rows to `cargo xtask bench`.

/// Writes a benchmark's rows for `cargo xtask bench` (`{"rows": rows}`) to
/// the file named by `RUNCOMFY_BENCH_JSON`, when it is set.
pub fn report_rows(rows: serde_json::Value) -> std::io::Result<()> {
    match std::env::var_os("RUNCOMFY_BENCH_JSON") {
        Some(path) => std::fs::write(
            path,
            serde_json::to_vec_pretty(&serde_json::json!({ "rows": rows }))?,
        ),
        None => Ok(()),
    }
}
