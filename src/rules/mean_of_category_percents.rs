//! `mean_of_category_percents`: the overall percent is the mean of the category percents that
//! exist (categories weigh the same; one whose items are all not applicable is left out).

use crate::Exact;

pub(super) const KIND: &str = "mean_of_category_percents";

pub(super) fn percent(categories: &[(u64, u64, Option<&Exact>)]) -> Option<Exact> {
    let scored: Vec<(u64, u64, &Exact)> = categories.iter().filter_map(|(p, m, e)| Some((*p, *m, (*e)?))).collect();
    one_fraction(scored.iter().map(|(p, m, _)| (*p, *m)), scored.len()).or_else(|| {
        let sum: Exact = scored.iter().map(|(_, _, e)| *e).sum();
        sum.div_int(scored.len() as u64)
    })
}

/// Each scored category's percent over their count: terms with small denominators that a
/// cohort can add in linear time.
pub(super) fn percent_terms(categories: &[Option<&Exact>]) -> Vec<Exact> {
    let count = categories.iter().flatten().count() as u64;
    categories.iter().flatten().filter_map(|p| p.div_int(count)).collect()
}

/// The mean of `100·p/m` over `count` categories as one fraction over the product of the `m`,
/// reduced once: `None` when `count` is zero or the integers overflow (the caller then sums
/// the rational percents one by one, which never overflows).
pub(crate) fn one_fraction(parts: impl Iterator<Item = (u64, u64)>, count: usize) -> Option<Exact> {
    if count == 0 {
        return None;
    }
    let (mut numerator, mut denominator) = (0u128, 1u128);
    for (points, max_points) in parts {
        // n/d + p/m = (n·m + p·d) / (d·m)
        let m = u128::from(max_points);
        numerator = numerator.checked_mul(m)?.checked_add(u128::from(points).checked_mul(denominator)?)?;
        denominator = denominator.checked_mul(m)?;
    }
    let numerator = i128::try_from(numerator.checked_mul(100)?).ok()?;
    let denominator = i128::try_from(denominator.checked_mul(u128::try_from(count).ok()?)?).ok()?;
    Exact::new(numerator, denominator)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::one_fraction;
    use crate::Exact;

    proptest! {
        /// The one-fraction mean equals the rational mean of the percents, whenever it does not
        /// overflow (and it must not for instrument-sized inputs).
        #[test]
        fn one_fraction_mean_is_the_rational_mean(
            parts in prop::collection::vec((0u64..=60, 1u64..=60), 1..=12),
            huge in prop::collection::vec((0u64..=u64::MAX / 2, 1u64..=u64::MAX), 0..=3),
        ) {
            let parts: Vec<(u64, u64)> = parts.into_iter().map(|(p, m)| (p.min(m), m)).collect();
            let rational = |parts: &[(u64, u64)]| {
                let sum: Exact = parts.iter().filter_map(|&(p, m)| Exact::percent(p, m)).sum();
                sum.div_int(parts.len() as u64)
            };
            let fast = one_fraction(parts.iter().copied(), parts.len());
            prop_assert!(fast.is_some(), "instrument-sized categories overflowed");
            prop_assert_eq!(fast, rational(&parts));
            let mut all = parts.clone();
            all.extend(huge);
            if let Some(fast) = one_fraction(all.iter().copied(), all.len()) {
                prop_assert_eq!(Some(fast), rational(&all));
            }
        }
    }

    #[test]
    fn no_categories_have_no_mean() {
        assert_eq!(one_fraction(std::iter::empty(), 0), None);
    }
}
