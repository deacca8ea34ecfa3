//! `--publish`: the table into docs/benchmarks.md between its markers and
//! the polling picture into docs/.

use std::path::Path;

use crate::files::write;

/// The page that holds the published table, relative to the root.
const PAGE: &str = "docs/benchmarks.md";

/// Replaces the page's table between its markers and copies the picture.
pub(super) fn publish(root: &Path, out: &Path, table: &str) -> Result<(), String> {
    const START: &str = "<!-- bench:start -->";
    const END: &str = "<!-- bench:end -->";
    let page_path = root.join(PAGE);
    let page = std::fs::read_to_string(&page_path).map_err(|e| format!("{PAGE}: {e}"))?;
    let (Some(start), Some(end)) = (page.find(START), page.find(END)) else {
        return Err(format!("{PAGE} has no {START} … {END} markers"));
    };
    if end < start {
        return Err(format!("{PAGE}: {END} comes before {START}"));
    }
    let updated = format!("{}{START}\n{table}{}", &page[..start], &page[end..]);
    write(&page_path, &updated)?;
    let docs = root.join("docs");
    std::fs::create_dir_all(&docs).map_err(|e| format!("docs/: {e}"))?;
    std::fs::copy(out.join("polling.svg"), docs.join("polling.svg"))
        .map_err(|e| format!("copying polling.svg: {e}"))?;
    println!("updated {PAGE} and docs/polling.svg");
    Ok(())
}
