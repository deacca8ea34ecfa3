//! Embeds the model folders of `schemas/models/` (each `model.json`,
//! `input.json` and `output.json`) so that the emulator serves every model
//! of the catalog without reading the repository at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs, io};

fn main() -> io::Result<()> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?);
    let root = manifest.join("../../schemas/models");
    println!("cargo::rerun-if-changed={}", root.display());
    let mut folders = Vec::new();
    find_models(&root, &mut folders)?;
    folders.sort();
    let mut code = String::from("&[\n");
    for folder in &folders {
        println!("cargo::rerun-if-changed={}", folder.display());
        let file = |name: &str| {
            format!(
                "include_str!({:?})",
                folder.join(name).display().to_string()
            )
        };
        let _ = writeln!(
            code,
            "    ModelFiles {{ facts: {}, input: {}, output: {} }},",
            file("model.json"),
            file("input.json"),
            file("output.json")
        );
    }
    code.push(']');
    let out = PathBuf::from(env::var("OUT_DIR").map_err(io::Error::other)?);
    fs::write(out.join("model_files.rs"), code)
}

/// Every folder under `dir` that holds a `model.json`.
fn find_models(dir: &Path, found: &mut Vec<PathBuf>) -> io::Result<()> {
    if dir.join("model.json").is_file() {
        found.push(dir.to_path_buf());
    }
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            find_models(&path, found)?;
        }
    }
    Ok(())
}
