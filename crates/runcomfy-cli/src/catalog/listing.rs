//! The service's whole catalog list (`runcomfy models --remote`): every
//! page of 100 (`GET /v1/models?offset=&limit=100`) until the answer's
//! `total` is reached, checked to add up: a model added or removed while
//! paging, or a short page, is an error naming both counts, and nothing is
//! printed. The result is `{"models": [...], "total": N}`, the records as
//! the service wrote them: the shape `cargo xtask catalog import` reads.

use std::collections::BTreeSet;

use runcomfy::{CatalogPage, Client};
use serde_json::{Value, json};

use crate::exit::CliError;

/// The service's largest page.
pub(crate) const PAGE: u64 = 100;

/// The whole list, every page checked against the first page's `total`.
pub(crate) async fn whole_catalog(
    client: &Client,
    include_schema: bool,
) -> Result<Value, CliError> {
    let mut pages = Pages::default();
    while let Some(offset) = pages.next_offset() {
        let page = client.catalog_page(offset, PAGE, include_schema).await?;
        pages.add(page).map_err(CliError::Catalog)?;
    }
    pages.finish().map_err(CliError::Catalog)
}

/// The pages read so far, and the `total` they must add up to.
#[derive(Debug, Default)]
pub(crate) struct Pages {
    models: Vec<Value>,
    ids: BTreeSet<String>,
    total: Option<u64>,
    ended: bool,
}

impl Pages {
    /// The offset of the next page to ask for; none once the list is read.
    pub(crate) fn next_offset(&self) -> Option<u64> {
        let read = self.models.len() as u64;
        (!self.ended && self.total.is_none_or(|total| read < total)).then_some(read)
    }

    /// Takes one page; an error when its `total` is not the first page's or
    /// a model is on two pages (the list moved under the paging).
    pub(crate) fn add(&mut self, page: CatalogPage) -> Result<(), String> {
        let total = *self.total.get_or_insert(page.total);
        if page.total != total {
            return Err(format!(
                "the catalog's total changed from {total} to {} while its pages were read \
                 (a model was added or removed); nothing was written, run it again",
                page.total
            ));
        }
        if page.models.is_empty() {
            self.ended = true;
        }
        for record in page.models {
            let id = record
                .get("model_id")
                .and_then(Value::as_str)
                .ok_or_else(|| "a catalog record has no `model_id`".to_owned())?;
            if !self.ids.insert(id.to_owned()) {
                return Err(format!(
                    "model `{id}` is on two pages of the catalog (the list moved while it \
                     was read); nothing was written, run it again"
                ));
            }
            self.models.push(record);
        }
        Ok(())
    }

    /// The whole answer, or an error when the pages do not hold `total`.
    pub(crate) fn finish(self) -> Result<Value, String> {
        let total = self.total.unwrap_or_default();
        let read = self.models.len() as u64;
        if read != total {
            return Err(format!(
                "the catalog's pages hold {read} models but its total says {total} \
                 (a short page, or the list changed while it was read); nothing was written"
            ));
        }
        Ok(json!({"models": self.models, "total": total}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ids: &[&str], total: u64) -> CatalogPage {
        let models: Vec<Value> = ids.iter().map(|id| json!({"model_id": id})).collect();
        serde_json::from_value(json!({"models": models, "total": total})).expect("a page")
    }

    #[test]
    fn pages_are_read_until_the_total_and_must_add_up_to_it() {
        let mut pages = Pages::default();
        assert_eq!(pages.next_offset(), Some(0));
        pages.add(page(&["a", "b"], 3)).expect("first");
        assert_eq!(pages.next_offset(), Some(2));
        pages.add(page(&["c"], 3)).expect("second");
        assert_eq!(pages.next_offset(), None);
        let whole = pages.finish().expect("whole");
        assert_eq!(whole["total"], 3);
        assert_eq!(whole["models"][2]["model_id"], "c");
    }

    #[test]
    fn a_list_that_moves_or_runs_short_is_an_error_naming_both_counts() {
        let mut pages = Pages::default();
        pages.add(page(&["a", "b"], 3)).expect("first");
        let changed = pages.add(page(&["c"], 4)).expect_err("total changed");
        assert!(changed.contains("from 3 to 4"), "{changed}");

        let mut pages = Pages::default();
        pages.add(page(&["a", "b"], 3)).expect("first");
        let twice = pages.add(page(&["b"], 3)).expect_err("shifted");
        assert!(twice.contains("`b` is on two pages"), "{twice}");

        let mut pages = Pages::default();
        pages.add(page(&["a"], 3)).expect("first");
        pages
            .add(page(&[], 3))
            .expect("an empty page ends the list");
        assert_eq!(pages.next_offset(), None);
        let short = pages.finish().expect_err("short");
        assert!(
            short.contains("hold 1 models but its total says 3"),
            "{short}"
        );
    }
}
