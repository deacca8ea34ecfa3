//! What is said of a model id this build does not know: how to list the
//! known ones, and the few closest by edit distance (a typo is then easy to
//! fix).

/// How many close ids an error names at most.
const CLOSEST: usize = 3;

/// `unknown model `ID``, then `what` (what could not be done), the way to
/// list the known models and the closest ids.
pub(crate) fn unknown_model(model_id: &str, what: &str) -> String {
    let known = runcomfy_types::models().iter().map(|spec| spec.id);
    let closest = closest(model_id, known);
    let mut message = format!(
        "unknown model `{model_id}`{what}; run `runcomfy models` to list the models this build knows"
    );
    if !closest.is_empty() {
        message.push_str(&format!(" (closest: {})", closest.join(", ")));
    }
    message
}

/// The `CLOSEST` ids of `known` nearest to `model_id`, nearest first, none
/// further than half the length of the id asked for.
pub(crate) fn closest<'a>(model_id: &str, known: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let furthest = model_id.chars().count().div_ceil(2).max(1);
    let mut scored: Vec<(usize, &str)> = known
        .map(|id| (edit_distance(model_id, id), id))
        .filter(|(distance, _)| *distance <= furthest)
        .collect();
    scored.sort();
    scored.into_iter().take(CLOSEST).map(|(_, id)| id).collect()
}

/// The Levenshtein distance of `a` and `b`, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            row.push(substitution.min(previous[j + 1] + 1).min(row[j] + 1));
        }
        previous = row;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_count_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn a_typo_names_the_model_meant_first_and_never_the_whole_list() {
        let message = unknown_model("kling/kling-1-6/pro/image-to-vidoe", "");
        assert!(
            message.contains("run `runcomfy models` to list the models this build knows"),
            "{message}"
        );
        assert!(
            message.contains("(closest: kling/kling-1-6/pro/image-to-video"),
            "{message}"
        );
        assert!(message.matches(", ").count() < 3, "{message}");
        let far = unknown_model("acme/none", ": cannot be validated");
        assert_eq!(
            far,
            "unknown model `acme/none`: cannot be validated; run `runcomfy models` to list the models this build knows"
        );
    }
}
