//! `sum_of_category_points`: the overall percent is `100 × Σ points / Σ max_points` over the
//! categories that have a percent (for example HCHE: domains met out of five).

use crate::Exact;

pub(super) const KIND: &str = "sum_of_category_points";

pub(super) fn percent(categories: &[(u64, u64, Option<&Exact>)]) -> Option<Exact> {
    let scored = categories.iter().filter(|(_, _, e)| e.is_some());
    let (points, max_points) =
        scored.fold((0u64, 0u64), |(p, m), (cp, cm, _)| (p.saturating_add(*cp), m.saturating_add(*cm)));
    if categories.iter().all(|(_, _, e)| e.is_none()) {
        return None;
    }
    Exact::percent(points, max_points)
}

/// The percent itself: its denominator divides the points possible, which the instrument
/// bounds.
pub(super) fn percent_terms(overall: Option<&Exact>) -> Vec<Exact> {
    overall.into_iter().cloned().collect()
}
