//! A catalog query ([`CatalogQuery`]): which models match `search`,
//! `category` and `kind`, and the page of them that `offset` and `limit`
//! ask for, with the count of all that match. Pure.

use crate::catalog::entry::CatalogModel;

/// The most models one page holds; a larger `limit` is taken as this.
pub(crate) const MAX_LIMIT: usize = 100;

/// What `GET /v1/models` asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CatalogQuery {
    /// Words each found (case-insensitive) in the id, the display name or
    /// the description.
    pub(crate) search: Option<String>,
    /// One of the model's categories (case-insensitive).
    pub(crate) category: Option<String>,
    /// The record's kind (`model`: every hosted model) or the output
    /// kind (`video`, `image`, `audio`).
    pub(crate) kind: Option<String>,
    /// Models skipped before the page.
    pub(crate) offset: usize,
    /// The most models on the page (at most [`MAX_LIMIT`]).
    pub(crate) limit: usize,
}

impl CatalogQuery {
    /// The page of `models` that match, and how many match in all.
    pub(crate) fn select<'a>(&self, models: &'a [CatalogModel]) -> (Vec<&'a CatalogModel>, usize) {
        let matching: Vec<&CatalogModel> = models.iter().filter(|m| self.matches(m)).collect();
        let total = matching.len();
        let page = matching
            .into_iter()
            .skip(self.offset)
            .take(self.limit.min(MAX_LIMIT))
            .collect();
        (page, total)
    }

    fn matches(&self, model: &CatalogModel) -> bool {
        let searched = self.search.as_deref().is_none_or(|search| {
            let text =
                format!("{} {} {}", model.id, model.display_name, model.description).to_lowercase();
            search
                .to_lowercase()
                .split_whitespace()
                .all(|word| text.contains(word))
        });
        let in_category = self.category.as_deref().is_none_or(|wanted| {
            model
                .categories
                .iter()
                .any(|category| category.eq_ignore_ascii_case(wanted))
        });
        let of_kind = self.kind.as_deref().is_none_or(|kind| {
            kind.eq_ignore_ascii_case("model") || kind.eq_ignore_ascii_case(model.kind.as_str())
        });
        searched && in_category && of_kind
    }
}

/// Every category of `models`, sorted, each once.
pub(crate) fn all_categories(models: &[CatalogModel]) -> Vec<&str> {
    let mut categories: Vec<&str> = models
        .iter()
        .flat_map(|model| model.categories.iter().map(String::as_str))
        .collect();
    categories.sort_unstable();
    categories.dedup();
    categories
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::OutputKind;

    fn model(id: &str, name: &str, category: &str, kind: OutputKind) -> CatalogModel {
        CatalogModel {
            id: id.into(),
            display_name: name.into(),
            description: format!("Input of {id}."),
            categories: vec![category.into()],
            kind,
            input_schema: "{}",
            output_schema: "{}",
        }
    }

    fn models() -> Vec<CatalogModel> {
        vec![
            model(
                "a/flux/text-to-image",
                "Flux Dev",
                "text-to-image",
                OutputKind::Image,
            ),
            model(
                "b/kling/image-to-video",
                "Kling Pro",
                "image-to-video",
                OutputKind::Video,
            ),
            model("c/music", "Songs", "text-to-audio", OutputKind::Audio),
            model(
                "d/wan/text-to-video",
                "Wan Fast",
                "text-to-video",
                OutputKind::Video,
            ),
        ]
    }

    fn ids(query: &CatalogQuery) -> (Vec<String>, usize) {
        let models = models();
        let (page, total) = query.select(&models);
        (page.iter().map(|m| m.id.clone()).collect(), total)
    }

    fn asking(search: Option<&str>, category: Option<&str>, kind: Option<&str>) -> CatalogQuery {
        CatalogQuery {
            search: search.map(str::to_owned),
            category: category.map(str::to_owned),
            kind: kind.map(str::to_owned),
            offset: 0,
            limit: MAX_LIMIT,
        }
    }

    #[test]
    fn search_category_and_kind_narrow_the_models() {
        for (query, want) in [
            (asking(None, None, None), vec!["a", "b", "c", "d"]),
            (asking(Some("KLING"), None, None), vec!["b"]),
            (asking(Some("fast wan"), None, None), vec!["d"]),
            (asking(Some("input of c/"), None, None), vec!["c"]),
            (asking(Some("nothing"), None, None), vec![]),
            (asking(None, Some("Text-to-Video"), None), vec!["d"]),
            (asking(None, None, Some("video")), vec!["b", "d"]),
            (asking(None, None, Some("model")), vec!["a", "b", "c", "d"]),
            (asking(None, None, Some("workflow")), vec![]),
            (
                asking(Some("flux"), Some("text-to-image"), Some("image")),
                vec!["a"],
            ),
        ] {
            let (page, total) = ids(&query);
            let initials: Vec<String> = page.iter().map(|id| id[..1].to_owned()).collect();
            assert_eq!(initials, want, "{query:?}");
            assert_eq!(total, want.len());
        }
    }

    #[test]
    fn paging_counts_every_match() {
        let page = |offset, limit| {
            ids(&CatalogQuery {
                offset,
                limit,
                ..CatalogQuery::default()
            })
        };
        assert_eq!(page(1, 2).0, ["b/kling/image-to-video", "c/music"]);
        assert_eq!(page(1, 2).1, 4, "the total is of every match");
        assert_eq!(page(3, 10).0, ["d/wan/text-to-video"]);
        assert!(page(9, 10).0.is_empty());
        assert_eq!(page(0, 1_000).0.len(), 4);
        assert_eq!(
            all_categories(&models()),
            [
                "image-to-video",
                "text-to-audio",
                "text-to-image",
                "text-to-video"
            ]
        );
    }
}
