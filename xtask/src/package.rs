//! `cargo xtask package`: every crate of the workspace packages, and builds
//! from its package alone (`cargo package --workspace`, verification
//! included), so that a user could depend on any of them outside this
//! repository (all but xtask, the repository's own automation).
//!
//! No release is decided, so the crates say `publish = false`; but cargo
//! does not resolve a `publish = false` crate for the crates that depend on
//! it while packaging them (it leaves such crates out of the local registry
//! it packages against; rust-lang/cargo#14356). So the check packages a copy
//! of the tree (`target/package-check/tree`, the files git knows) whose
//! workspace says `publish = true`; nothing is published, nothing else in
//! the copy differs. Cargo takes a registry package of a given name and
//! version to be immutable (it unpacks it once into its registry cache and
//! builds it once), so the unpacked copies of this workspace's packages and
//! the check's build directory are removed first: a package of the same
//! version with other contents would otherwise be verified against the old.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the copy and its build live, under the repository's `target/`.
const CHECK_DIR: &str = "target/package-check";

/// The workspace's publish setting, and what the copy says instead.
const PUBLISH_OFF: &str = "\npublish = false\n";
const PUBLISH_ON: &str = "\npublish = true\n";

/// Copies the tree, lifts `publish = false` in the workspace manifest, and
/// runs `cargo package --workspace` on the copy.
pub fn run(root: &Path) -> Result<(), String> {
    let check = root.join(CHECK_DIR);
    let tree = check.join("tree");
    copy_tree(root, &tree)?;
    let manifest = tree.join("Cargo.toml");
    let text =
        std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    if !text.contains(PUBLISH_OFF) {
        return Err(format!(
            "{}: no `publish = false` line in the workspace manifest to lift",
            manifest.display()
        ));
    }
    crate::files::write(&manifest, text.replacen(PUBLISH_OFF, PUBLISH_ON, 1))?;
    forget_unpacked(&workspace_packages(root)?)?;
    let build = check.join("target");
    if build.exists() {
        std::fs::remove_dir_all(&build).map_err(|e| format!("{}: {e}", build.display()))?;
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        // xtask is this repository's automation, never a dependency of
        // anyone's: it uses the dev-only test kit, which no package carries.
        .args([
            "package",
            "--workspace",
            "--exclude",
            "xtask",
            "--allow-dirty",
        ])
        .current_dir(&tree)
        .env("CARGO_TARGET_DIR", &build)
        .status()
        .map_err(|e| format!("cannot run cargo package: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo package --workspace failed ({status})"))
    }
}

/// `name-version` of every package of the workspace under `root`.
fn workspace_packages(root: &Path) -> Result<Vec<String>, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    Ok(metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some(format!(
                "{}-{}",
                p["name"].as_str()?,
                p["version"].as_str()?
            ))
        })
        .collect())
}

/// Removes the unpacked copies of `packages` from cargo's registry cache
/// (`$CARGO_HOME/registry/src/*/`), where earlier packaging runs left them.
fn forget_unpacked(packages: &[String]) -> Result<(), String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let Some(Ok(registries)) = home.map(|home| std::fs::read_dir(home.join("registry/src"))) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        for package in packages {
            let unpacked = registry.path().join(package);
            if unpacked.is_dir() {
                std::fs::remove_dir_all(&unpacked)
                    .map_err(|e| format!("{}: {e}", unpacked.display()))?;
            }
        }
    }
    Ok(())
}

/// The files git knows (tracked, or new and not ignored), copied from
/// `root` into a fresh `tree`.
fn copy_tree(root: &Path, tree: &Path) -> Result<(), String> {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git ls-files: {e}"))?;
    if !listed.status.success() {
        return Err(format!("git ls-files failed ({})", listed.status));
    }
    if tree.exists() {
        std::fs::remove_dir_all(tree).map_err(|e| format!("{}: {e}", tree.display()))?;
    }
    for name in listed.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let relative = PathBuf::from(String::from_utf8_lossy(name).into_owned());
        let (from, to) = (root.join(&relative), tree.join(&relative));
        if !from.is_file() {
            continue;
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::copy(&from, &to).map_err(|e| format!("{}: {e}", from.display()))?;
    }
    Ok(())
}
