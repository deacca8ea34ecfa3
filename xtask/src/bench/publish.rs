//! `--publish`: the table into README.md between its markers and the
//! polling picture into docs/.

use std::path::Path;

use crate::files::write;

/// Replaces the README's table between its markers and copies the picture.
pub(super) fn publish(root: &Path, out: &Path, table: &str) -> Result<(), String> {
    const START: &str = "<!-- bench:start -->";
    const END: &str = "<!-- bench:end -->";
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path).map_err(|e| format!("README.md: {e}"))?;
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        return Err(format!("README.md has no {START} … {END} markers"));
    };
    if end < start {
        return Err(format!("README.md: {END} comes before {START}"));
    }
    let updated = format!("{}{START}\n{table}{}", &readme[..start], &readme[end..]);
    write(&readme_path, &updated)?;
    let docs = root.join("docs");
    std::fs::create_dir_all(&docs).map_err(|e| format!("docs/: {e}"))?;
    std::fs::copy(out.join("polling.svg"), docs.join("polling.svg"))
        .map_err(|e| format!("copying polling.svg: {e}"))?;
    println!("updated README.md and docs/polling.svg");
    Ok(())
}
