//! The sign test: an exact binomial test on the signs of the nonzero differences.

use crate::Exact;
use crate::stats::dist::{binomial_half_cdf, binomial_half_sf};
use crate::stats::{Alternative, PValueUnavailable, to_u64, u64_to_f64};

/// Result of [`sign_test`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct SignTestResult {
    /// Number of differences, zeros included.
    pub n: u64,
    /// Number of positive differences (follow-up higher): the binomial `k`.
    pub n_positive: u64,
    /// Number of negative differences.
    pub n_negative: u64,
    /// Number of zero differences (dropped).
    pub n_zero: u64,
    /// Number of trials `n_positive + n_negative`.
    pub n_used: u64,
    /// scipy `binomtest`'s statistic `n_positive / n_used`; `None` without trials.
    pub proportion: Option<f64>,
    /// The alternative hypothesis (greater: more positive than negative differences).
    pub alternative: Alternative,
    /// The exact binomial p-value; `None` without trials.
    pub p_value: Option<f64>,
    /// Why `p_value` is `None` ([`PValueUnavailable::NoTrials`]).
    pub p_value_unavailable: Option<PValueUnavailable>,
}

/// The sign test on paired differences: zeros are dropped and the number of positive
/// differences is compared with Binomial(`n+ + n−`, ½).
///
/// Matches `scipy.stats.binomtest(n_plus, n_plus + n_minus, 0.5, alternative)`:
/// `greater` is `P(X ≥ n+)`, `less` is `P(X ≤ n+)`, and the two-sided p-value is
/// `min(1, 2·P(X ≤ min(n+, n−)))`, which is what scipy's rule (sum the probabilities of all
/// outcomes no more likely than the observed one, with a relative tolerance of `1e-7`) gives for
/// `p = ½` whenever `n_used < 2·10⁷`. For larger `n_used` scipy's tolerance would also count the
/// outcomes whose probability is within `1e-7` of the observed one; this function does not.
/// R's `binom.test` uses the same rule and agrees.
///
/// ```
/// use health_equity_assessment::Exact;
/// use health_equity_assessment::stats::{sign_test, Alternative};
///
/// let d: Vec<Exact> = [5, 3, -2, 8, 0, 1, 4].into_iter().map(Exact::from).collect();
/// let res = sign_test(&d, Alternative::TwoSided);
/// assert_eq!((res.n_positive, res.n_negative, res.n_zero), (5, 1, 1));
/// // scipy.stats.binomtest(5, 6).pvalue == 0.21875
/// assert_eq!(res.p_value, Some(0.21875));
/// ```
#[must_use]
pub fn sign_test(differences: &[Exact], alternative: Alternative) -> SignTestResult {
    let n_positive = differences.iter().filter(|d| d.sign().is_gt()).count();
    let n_negative = differences.iter().filter(|d| d.sign().is_lt()).count();
    let mut res = sign_test_counts(to_u64(n_positive), to_u64(n_negative), alternative);
    res.n_zero = to_u64(differences.len() - n_positive - n_negative);
    res.n = to_u64(differences.len());
    res
}

/// The sign test from counts of positive and negative differences (no zeros recorded).
///
/// ```
/// use health_equity_assessment::stats::{sign_test_counts, Alternative};
/// // scipy.stats.binomtest(9, 12, alternative='greater').pvalue == 0.072998046875
/// assert_eq!(sign_test_counts(9, 3, Alternative::Greater).p_value, Some(0.072998046875));
/// assert_eq!(sign_test_counts(0, 0, Alternative::TwoSided).p_value, None);
/// ```
#[must_use]
pub fn sign_test_counts(n_positive: u64, n_negative: u64, alternative: Alternative) -> SignTestResult {
    let n = n_positive.saturating_add(n_negative);
    let k = n_positive;
    let p = if n == 0 {
        None
    } else {
        Some(match alternative {
            Alternative::Less => binomial_half_cdf(k, n),
            Alternative::Greater => {
                if k == 0 {
                    1.0
                } else {
                    binomial_half_sf(k - 1, n)
                }
            }
            Alternative::TwoSided => {
                if k.saturating_mul(2) == n {
                    1.0
                } else {
                    (2.0 * binomial_half_cdf(k.min(n - k), n)).min(1.0)
                }
            }
        })
    };
    SignTestResult {
        n,
        n_positive,
        n_negative,
        n_zero: 0,
        n_used: n,
        proportion: (n > 0).then(|| u64_to_f64(k) / u64_to_f64(n)),
        alternative,
        p_value: p,
        p_value_unavailable: if n == 0 { Some(PValueUnavailable::NoTrials) } else { None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_examples() {
        let d: Vec<Exact> = [5, 3, -2, 8, 0, 1, 4].into_iter().map(Exact::from).collect();
        let res = sign_test(&d, Alternative::TwoSided);
        assert_eq!((res.n, res.n_positive, res.n_negative, res.n_zero, res.n_used), (7, 5, 1, 1, 6));
        assert_eq!(res.p_value, Some(0.21875));
        assert_eq!(sign_test_counts(9, 3, Alternative::Greater).p_value, Some(0.072998046875));
        let none = sign_test(&[], Alternative::Less);
        assert_eq!(
            (none.p_value, none.p_value_unavailable, none.proportion),
            (None, Some(PValueUnavailable::NoTrials), None)
        );
        assert_eq!(sign_test_counts(3, 3, Alternative::TwoSided).p_value, Some(1.0));
        assert_eq!(sign_test_counts(0, 4, Alternative::Greater).p_value, Some(1.0));
        assert_eq!(sign_test_counts(0, 4, Alternative::Less).p_value, Some(0.0625));
        assert_eq!(sign_test_counts(4, 0, Alternative::Greater).p_value, Some(0.0625));
    }
}
