//! Python's `jsonschema`, the validation baseline, in a throwaway virtual
//! environment under `target/bench/venv` (installed on first use).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A throwaway venv with `jsonschema` under `target/bench/venv`; its python.
pub fn python_with_jsonschema(out: &Path) -> Result<PathBuf, String> {
    let venv = out.join("venv");
    let python = venv.join("bin").join("python");
    let has_jsonschema = |python: &Path| {
        Command::new(python)
            .args([
                "-c",
                "import jsonschema; assert 'uri' in jsonschema.Draft7Validator.FORMAT_CHECKER.checkers",
            ])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if python.exists() && has_jsonschema(&python) {
        return Ok(python);
    }
    let created = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("python3: {e}"))?;
    if !created.success() {
        return Err("python3 -m venv failed".into());
    }
    let installed = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            // With a `uri` format checker, so that Python checks what we check.
            "jsonschema[format-nongpl]",
        ])
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("pip: {e}"))?;
    if !installed.success() || !has_jsonschema(&python) {
        return Err("pip install jsonschema failed".into());
    }
    Ok(python)
}
