//! "Did you mean …?" for ids and option ids that are near misses: the same id but for case,
//! spaces, hyphens and underscores, or a small edit away. A suggestion is only ever shown; a
//! document is never corrected.

/// Longest text a suggestion is looked for (longer ones are not typos of an id).
const MAX_LEN: usize = 200;

/// `Implemented`, `not applicable`, `in-progress` → `implemented`, `not_applicable`,
/// `in_progress`.
fn normalized(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' | '_' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The one candidate `wanted` is a near miss of, if there is exactly one: a match after
/// [`normalized`] first, then the closest within a small edit distance (1 for short ids, 2
/// otherwise, and less than half the length). A tie suggests nothing.
pub(crate) fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> Option<&'a str> {
    if wanted.len() > MAX_LEN || wanted.is_empty() {
        return None;
    }
    let key = normalized(wanted);
    let mut same: Option<&str> = None;
    for candidate in candidates.clone() {
        if candidate != wanted && candidate.len().abs_diff(wanted.trim().len()) <= 2 && normalized(candidate) == key {
            if same.is_some_and(|s| s != candidate) {
                return None;
            }
            same = Some(candidate);
        }
    }
    if same.is_some() {
        return same;
    }
    let limit = if key.chars().count() <= 4 { 1 } else { 2 };
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for candidate in candidates {
        if candidate.len().abs_diff(key.len()) > limit {
            continue;
        }
        let distance = strsim::levenshtein(&key, &normalized(candidate));
        if distance == 0 || distance > limit || 2 * distance >= key.chars().count() {
            continue;
        }
        match best {
            Some((d, _)) if distance > d => {}
            Some((d, other)) if distance == d => tied |= other != candidate,
            _ => {
                best = Some((distance, candidate));
                tied = false;
            }
        }
    }
    if tied { None } else { best.map(|(_, c)| c) }
}

/// `; did you mean "x"?` for a message, or nothing.
pub(crate) fn hint(suggestion: &Option<String>) -> String {
    suggestion.as_ref().map_or_else(String::new, |s| format!("; did you mean {s:?}?"))
}

#[cfg(test)]
mod tests {
    use super::closest;

    const OPTIONS: [&str; 5] = ["not_started", "planning", "in_progress", "implemented", "not_applicable"];

    #[test]
    fn case_spaces_hyphens_and_underscores_first() {
        assert_eq!(closest("Implemented", OPTIONS), Some("implemented"));
        assert_eq!(closest("not applicable", OPTIONS), Some("not_applicable"));
        assert_eq!(closest("in-progress", OPTIONS), Some("in_progress"));
        assert_eq!(closest(" PLANNING ", OPTIONS), Some("planning"));
    }

    #[test]
    fn then_a_small_edit_distance() {
        let items = ["data-collection.structured-ehr", "data-collection.sogi", "data-validation.targets-set"];
        assert_eq!(closest("data-colection.structured-ehr", items), Some("data-collection.structured-ehr"));
        assert_eq!(closest("implemnted", OPTIONS), Some("implemented"));
        assert_eq!(closest("mostly", OPTIONS), None, "nothing close");
        assert_eq!(closest("no", ["na", "ne"]), None, "too short to guess");
        assert_eq!(closest("abcd-x", ["abcd-y", "abcd-z"]), None, "a tie suggests nothing");
        assert_eq!(closest(&"x".repeat(10_000), OPTIONS), None);
    }
}
