//! Exact descriptive statistics of the differences: counts, mean, median, range.

use crate::Exact;
use crate::stats::keys::{Keys, scaled_to_exact};
use crate::stats::to_u64;

/// Exact summary of paired differences.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct DifferenceSummary {
    /// Number of differences.
    pub n: u64,
    /// Number of positive differences (follow-up higher).
    pub n_positive: u64,
    /// Number of negative differences.
    pub n_negative: u64,
    /// Number of zero differences.
    pub n_zero: u64,
    /// The mean difference (exact); `None` when there are none.
    pub mean: Option<Exact>,
    /// The median difference (exact; the mean of the two middle values for even `n`).
    pub median: Option<Exact>,
    /// The smallest difference.
    pub min: Option<Exact>,
    /// The largest difference.
    pub max: Option<Exact>,
}

/// Counts, mean, median, minimum and maximum of the differences, all exact. `O(n)` expected
/// (the median uses selection, not a full sort).
///
/// ```
/// use health_equity_assessment::Exact;
/// use health_equity_assessment::stats::describe;
///
/// let d: Vec<Exact> = ["25", "-100/3", "12.5", "0"].iter().map(|s| s.parse().unwrap()).collect();
/// let s = describe(&d);
/// assert_eq!(s.mean, Some("25/24".parse()?));   // (25 − 100/3 + 25/2 + 0) / 4
/// assert_eq!(s.median, Some("25/4".parse()?));  // (0 + 12.5) / 2
/// assert_eq!((s.n_positive, s.n_negative, s.n_zero), (2, 1, 1));
/// assert_eq!(describe(&[]).mean, None);
/// # Ok::<(), health_equity_assessment::ParseExactError>(())
/// ```
#[must_use]
pub fn describe(differences: &[Exact]) -> DifferenceSummary {
    describe_with_mean(differences, mean_keys(&Keys::new(differences)))
}

/// [`describe`] with the mean computed by the caller (a cohort adds the percents term by term,
/// which is linear in the pairs where adding the differences may not be).
pub(crate) fn describe_with_mean(differences: &[Exact], mean: Option<Exact>) -> DifferenceSummary {
    let keys = Keys::new(differences);
    let count = |o: std::cmp::Ordering| to_u64(differences.iter().filter(|d| d.sign() == o).count());
    DifferenceSummary {
        n: to_u64(differences.len()),
        n_positive: count(std::cmp::Ordering::Greater),
        n_negative: count(std::cmp::Ordering::Less),
        n_zero: count(std::cmp::Ordering::Equal),
        mean,
        median: median_keys(&keys),
        min: extreme(&keys, differences, false),
        max: extreme(&keys, differences, true),
    }
}

/// The exact mean, `None` for an empty slice.
///
/// ```
/// use health_equity_assessment::Exact;
/// use health_equity_assessment::stats::mean;
/// let d = [Exact::from(1), Exact::from(2)];
/// assert_eq!(mean(&d), Some("3/2".parse().unwrap()));
/// ```
#[must_use]
pub fn mean(differences: &[Exact]) -> Option<Exact> {
    mean_keys(&Keys::new(differences))
}

/// The exact median (mean of the two middle values for even `n`), `None` for an empty slice.
///
/// ```
/// use health_equity_assessment::Exact;
/// use health_equity_assessment::stats::median;
/// let d = [Exact::from(7), Exact::from(-1), Exact::from(3)];
/// assert_eq!(median(&d), Some(Exact::from(3)));
/// ```
#[must_use]
pub fn median(differences: &[Exact]) -> Option<Exact> {
    median_keys(&Keys::new(differences))
}

/// The smallest or largest value, compared through the keys (integers when scaled).
fn extreme(keys: &Keys, values: &[Exact], largest: bool) -> Option<Exact> {
    let index = match keys {
        Keys::Scaled { nums, .. } => {
            let it = nums.iter().enumerate();
            if largest { it.max_by_key(|(_, v)| **v) } else { it.min_by_key(|(_, v)| **v) }.map(|(i, _)| i)
        }
        Keys::General(v) => {
            let it = v.iter().enumerate();
            if largest { it.max_by(|a, b| a.1.cmp(b.1)) } else { it.min_by(|a, b| a.1.cmp(b.1)) }.map(|(i, _)| i)
        }
    };
    index.and_then(|i| values.get(i)).cloned()
}

pub(crate) fn mean_keys(keys: &Keys) -> Option<Exact> {
    let n = to_u64(keys.len());
    if n == 0 {
        return None;
    }
    let total = match keys {
        Keys::Scaled { nums, denom } => {
            // Integer partial sums; on (rare) overflow the partial sum moves into an exact total.
            let mut total = Exact::zero();
            let mut part: i128 = 0;
            for &x in nums {
                if let Some(v) = part.checked_add(x) {
                    part = v;
                } else {
                    total = &total + &scaled_to_exact(part, *denom);
                    part = x;
                }
            }
            &total + &scaled_to_exact(part, *denom)
        }
        Keys::General(v) => v.iter().sum(),
    };
    total.div_int(n)
}

pub(crate) fn median_keys(keys: &Keys) -> Option<Exact> {
    match keys {
        Keys::Scaled { nums, denom } => {
            let (a, b) = middle_pair(nums.clone())?;
            // |a|, |b| ≤ 2^125: the sum cannot overflow.
            Some(scaled_to_exact(a + b, *denom).half())
        }
        Keys::General(v) => {
            let (a, b) = middle_pair(v.clone())?;
            Some((&a + &b).half())
        }
    }
}

/// The two middle order statistics (the same one twice for odd length).
fn middle_pair<T: Ord + Clone>(mut v: Vec<T>) -> Option<(T, T)> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let hi_idx = n / 2;
    let (left, hi, _) = v.select_nth_unstable(hi_idx);
    let hi = hi.clone();
    if n % 2 == 1 {
        return Some((hi.clone(), hi));
    }
    let lo = left.iter().max()?.clone();
    Some((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(v: &[&str]) -> Vec<Exact> {
        v.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn doc_examples_and_edges() {
        let s = describe(&ex(&["25", "-100/3", "12.5", "0"]));
        assert_eq!(s.mean, Some("25/24".parse().unwrap()));
        assert_eq!(s.median, Some("25/4".parse().unwrap()));
        assert_eq!((s.n, s.n_positive, s.n_negative, s.n_zero), (4, 2, 1, 1));
        assert_eq!(s.min, Some("-100/3".parse().unwrap()));
        assert_eq!(s.max, Some("25".parse().unwrap()));
        let e = describe(&[]);
        assert_eq!((e.n, e.mean, e.median, e.min, e.max), (0, None, None, None, None));
        assert_eq!(median(&ex(&["7", "-1", "3"])), Some(Exact::from(3)));
        assert_eq!(mean(&ex(&["1", "2"])), Some("3/2".parse().unwrap()));
        assert_eq!(median(&ex(&["-5"])), Some(Exact::from(-5)));
    }

    #[test]
    fn general_path_agrees() {
        let huge = "1/170141183460469231731687303715884105727";
        let v = ex(&[huge, "-1/3", "1/3", "-2/999999999999999989", "5", "7/2"]);
        assert!(matches!(Keys::new(&v), Keys::General(_)));
        let s = describe(&v);
        let total: Exact = v.iter().sum();
        assert_eq!(s.mean, total.div_int(6));
        // sorted: −1/3, −2/999…989, huge, 1/3, 7/2, 5 → median (huge + 1/3)/2
        assert_eq!(s.median, Some((&huge.parse::<Exact>().unwrap() + &"1/3".parse().unwrap()).half()));
    }
}
