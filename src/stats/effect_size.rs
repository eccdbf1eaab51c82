//! Effect size: the matched-pairs rank-biserial correlation.

use crate::Exact;
use crate::stats::keys::Keys;
use crate::stats::wilcoxon::{SignedRanks, ZeroMethod};
use crate::stats::{StatsError, check_len};

/// The matched-pairs rank-biserial correlation `r = (R+ − R−)/(R+ + R−)` (Kerby 2014), with the
/// ranks of the Wilcoxon test under `zero_method`.
///
/// Sign convention: positive means the follow-up tends to be higher (`d = follow-up − baseline`).
/// Swapping baseline and follow-up negates it exactly. Under [`ZeroMethod::Wilcox`] and
/// [`ZeroMethod::Pratt`] zeros contribute to neither sum (Pratt keeps their rank positions);
/// under [`ZeroMethod::Zsplit`] half of the zeros' rank sum goes to each side, which shrinks `r`
/// towards 0. `None` when `R+ + R− = 0` (no differences, or all zero without zsplit).
///
/// The rank sums are exact integers (doubled); `r` is their quotient rounded once to `f64`.
/// It equals [`WilcoxonResult::rank_biserial`](crate::stats::WilcoxonResult::rank_biserial).
///
/// # Errors
///
/// [`StatsError::TooManyObservations`] beyond `u32::MAX` differences.
///
/// ```
/// use health_equity_assessment::Exact;
/// use health_equity_assessment::stats::{rank_biserial, ZeroMethod};
///
/// let d: Vec<Exact> = [10, 20, -5, 0].into_iter().map(Exact::from).collect();
/// // nonzero ranks: |−5| → 1, 10 → 2, 20 → 3; R+ = 5, R− = 1
/// assert_eq!(rank_biserial(&d, ZeroMethod::Wilcox)?, Some(4.0 / 6.0));
/// let swapped: Vec<Exact> = d.iter().map(|x| -x).collect();
/// assert_eq!(rank_biserial(&swapped, ZeroMethod::Wilcox)?, Some(-4.0 / 6.0));
/// # Ok::<(), health_equity_assessment::stats::StatsError>(())
/// ```
pub fn rank_biserial(differences: &[Exact], zero_method: ZeroMethod) -> Result<Option<f64>, StatsError> {
    check_len(differences.len())?;
    Ok(SignedRanks::new(&Keys::new(differences), zero_method).rank_biserial())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(v: &[i64]) -> Vec<Exact> {
        v.iter().map(|&i| Exact::from(i)).collect()
    }

    #[test]
    fn doc_example_and_zero_methods() {
        let d = ints(&[10, 20, -5, 0]);
        assert_eq!(rank_biserial(&d, ZeroMethod::Wilcox).unwrap(), Some(4.0 / 6.0));
        let neg: Vec<Exact> = d.iter().map(|x| -x).collect();
        assert_eq!(rank_biserial(&neg, ZeroMethod::Wilcox).unwrap(), Some(-4.0 / 6.0));
        // Pratt: ranks 0 → 1, −5 → 2, 10 → 3, 20 → 4: R+ = 7, R− = 2
        assert_eq!(rank_biserial(&d, ZeroMethod::Pratt).unwrap(), Some(5.0 / 9.0));
        // zsplit: R+ = 7.5, R− = 2.5
        assert_eq!(rank_biserial(&d, ZeroMethod::Zsplit).unwrap(), Some(0.5));
        assert_eq!(rank_biserial(&ints(&[0, 0]), ZeroMethod::Wilcox).unwrap(), None);
        assert_eq!(rank_biserial(&ints(&[0, 0]), ZeroMethod::Zsplit).unwrap(), Some(0.0));
        assert_eq!(rank_biserial(&[], ZeroMethod::Pratt).unwrap(), None);
        assert_eq!(rank_biserial(&ints(&[3, 1]), ZeroMethod::Wilcox).unwrap(), Some(1.0));
    }
}
