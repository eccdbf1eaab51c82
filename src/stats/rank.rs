//! Midranks of absolute values, kept exact as doubled integers.

use crate::Exact;
use crate::stats::keys::Keys;
use crate::stats::{StatsError, check_len, to_u64};

/// Midranks of `|d|` with ties, doubled so they are integers.
///
/// The smallest absolute value has rank 1; a group of `t` tied absolute values occupying ranks
/// `s + 1 … s + t` all get the midrank `s + (t + 1)/2`, stored doubled as `2s + t + 1`. Zeros are
/// ranked like any other value (they form the lowest group); the Wilcoxon test decides what to
/// do with them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct AbsRanks {
    /// Twice the midrank of each value, in input order.
    pub doubled_ranks: Vec<u64>,
    /// Sizes of the groups of equal absolute value, from the smallest absolute value up
    /// (a value without ties is a group of size 1). They add up to the number of values.
    pub tie_group_sizes: Vec<u64>,
}

/// Doubled midranks of the absolute values and the tie-group sizes.
///
/// Ties are decided by exact comparison.
///
/// # Errors
///
/// [`StatsError::TooManyObservations`] for more than
/// [`MAX_OBSERVATIONS`](crate::stats::MAX_OBSERVATIONS) values.
///
/// ```
/// use health_equity_assessment::Exact;
/// use health_equity_assessment::stats::abs_midranks_doubled;
///
/// let d: Vec<Exact> = ["5", "-5", "12.5", "1/3"].iter().map(|s| s.parse().unwrap()).collect();
/// let r = abs_midranks_doubled(&d)?;
/// // |1/3| has rank 1, the two |5| share ranks 2 and 3 (midrank 2.5), 12.5 has rank 4.
/// assert_eq!(r.doubled_ranks, vec![5, 5, 8, 2]);
/// assert_eq!(r.tie_group_sizes, vec![1, 2, 1]);
/// # Ok::<(), health_equity_assessment::stats::StatsError>(())
/// ```
pub fn abs_midranks_doubled(values: &[Exact]) -> Result<AbsRanks, StatsError> {
    check_len(values.len())?;
    let keys = Keys::new(values);
    let (doubled_ranks, groups) = doubled_midranks(&keys);
    Ok(AbsRanks { doubled_ranks, tie_group_sizes: groups.into_iter().map(to_u64).collect() })
}

/// Doubled midranks of `|value|` in input order, and the tie-group sizes in ascending order.
pub(crate) fn doubled_midranks(keys: &Keys) -> (Vec<u64>, Vec<usize>) {
    let (order, groups) = keys.abs_order_and_groups();
    let mut ranks = vec![0_u64; order.len()];
    let mut start = 0_u64;
    let mut pos = order.iter();
    for &size in &groups {
        let t = to_u64(size);
        let doubled = 2 * start + t + 1;
        for i in pos.by_ref().take(size) {
            if let Some(r) = ranks.get_mut(*i) {
                *r = doubled;
            }
        }
        start += t;
    }
    (ranks, groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(v: &[&str]) -> Vec<Exact> {
        v.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn ranks_with_ties_zeros_and_fractions() {
        let r = abs_midranks_doubled(&ex(&["0", "2", "-2", "0", "1/2", "-7", "2"])).unwrap();
        // |d| sorted: 0, 0, 1/2, 2, 2, 2, 7 → midranks 1.5, 1.5, 3, 5, 5, 5, 7
        assert_eq!(r.doubled_ranks, vec![3, 10, 10, 3, 6, 14, 10]);
        assert_eq!(r.tie_group_sizes, vec![2, 1, 3, 1]);
        let empty = abs_midranks_doubled(&[]).unwrap();
        assert!(empty.doubled_ranks.is_empty() && empty.tie_group_sizes.is_empty());
    }

    #[test]
    fn general_keys_rank_like_scaled_keys() {
        // Denominators whose lcm overflows i128 force the fallback path.
        let huge = "1/170141183460469231731687303715884105727";
        let vals = ex(&[huge, "-1/3", "1/3", "-2/999999999999999989", "5"]);
        assert!(matches!(Keys::new(&vals), Keys::General(_)));
        let r = abs_midranks_doubled(&vals).unwrap();
        assert_eq!(r.doubled_ranks, vec![2, 7, 7, 4, 10]);
        assert_eq!(r.tie_group_sizes, vec![1, 1, 2, 1]);
    }
}
