//! McNemar's test for a binary item (met / not met) at baseline and follow-up.

use crate::stats::dist::{binomial_half_cdf, chi2_sf_df1};
use crate::stats::named_options;
use crate::stats::{PValueUnavailable, u64_to_f64};

/// A paired 2×2 table of a binary item, one count per combination of baseline and follow-up.
///
/// As a matrix (rows: baseline met / not met; columns: follow-up met / not met) this is
/// `[[both, baseline_only], [follow_up_only, neither]]`, the `table` statsmodels expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct PairedBinaryTable {
    /// Met at baseline and at follow-up.
    pub both: u64,
    /// Met at baseline, not at follow-up (lost).
    pub baseline_only: u64,
    /// Not met at baseline, met at follow-up (gained).
    pub follow_up_only: u64,
    /// Met at neither.
    pub neither: u64,
}

impl PairedBinaryTable {
    /// A table from its four counts.
    #[must_use]
    pub fn new(both: u64, baseline_only: u64, follow_up_only: u64, neither: u64) -> Self {
        PairedBinaryTable { both, baseline_only, follow_up_only, neither }
    }

    /// Tallies `(met at baseline, met at follow-up)` pairs.
    ///
    /// ```
    /// use health_equity_assessment::stats::PairedBinaryTable;
    /// let t = PairedBinaryTable::from_pairs(&[(true, true), (false, true), (false, true), (true, false)]);
    /// assert_eq!(t, PairedBinaryTable::new(1, 1, 2, 0));
    /// ```
    #[must_use]
    pub fn from_pairs(pairs: &[(bool, bool)]) -> Self {
        let mut t = PairedBinaryTable::default();
        for &(baseline, follow_up) in pairs {
            let cell = match (baseline, follow_up) {
                (true, true) => &mut t.both,
                (true, false) => &mut t.baseline_only,
                (false, true) => &mut t.follow_up_only,
                (false, false) => &mut t.neither,
            };
            *cell = cell.saturating_add(1);
        }
        t
    }

    /// The table as statsmodels' `[[a, b], [c, d]]`.
    #[must_use]
    pub fn as_matrix(&self) -> [[u64; 2]; 2] {
        [[self.both, self.baseline_only], [self.follow_up_only, self.neither]]
    }
}

/// How McNemar's p-value is computed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum McNemarMethod {
    /// Exact binomial test on the discordant pairs (statsmodels `exact=True`, its default).
    #[default]
    Exact,
    /// Chi-square with one degree of freedom (statsmodels `exact=False`).
    ChiSquare,
}

named_options!(McNemarMethod { Exact => "exact", ChiSquare => "chi_square" });

/// Options of [`mcnemar`]; the default is statsmodels' (`exact=True`, `correction=True`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct McNemarOptions {
    /// Exact binomial (default) or chi-square.
    pub method: McNemarMethod,
    /// Continuity correction of the chi-square statistic (default `true`; ignored by the exact
    /// test).
    pub correction: bool,
}

impl Default for McNemarOptions {
    fn default() -> Self {
        McNemarOptions { method: McNemarMethod::Exact, correction: true }
    }
}

impl McNemarOptions {
    /// Sets the method.
    #[must_use]
    pub fn with_method(mut self, method: McNemarMethod) -> Self {
        self.method = method;
        self
    }

    /// Sets the continuity correction (chi-square only).
    #[must_use]
    pub fn with_correction(mut self, correction: bool) -> Self {
        self.correction = correction;
        self
    }
}

/// Result of [`mcnemar`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct McNemarResult {
    /// Discordant pairs met at baseline only (`b`).
    pub baseline_only: u64,
    /// Discordant pairs met at follow-up only (`c`).
    pub follow_up_only: u64,
    /// The method used.
    pub method: McNemarMethod,
    /// Whether the continuity correction was applied (chi-square only).
    pub correction: bool,
    /// statsmodels' statistic: `min(b, c)` for the exact test, `(|b − c| − corr)²/(b + c)` for
    /// chi-square; `None` where statsmodels gives NaN (chi-square with `b + c = 0`).
    pub statistic: Option<f64>,
    /// The two-sided p-value; `None` where statsmodels gives NaN.
    pub p_value: Option<f64>,
    /// Why `p_value` is `None`.
    pub p_value_unavailable: Option<PValueUnavailable>,
}

/// McNemar's test of marginal homogeneity for a paired binary item.
///
/// Matches `statsmodels.stats.contingency_tables.mcnemar(table, exact, correction)`:
///
/// * exact (default): statistic `min(b, c)`, p-value `min(1, 2·P(X ≤ min(b, c)))` with
///   `X ~ Binomial(b + c, ½)`; with `b + c = 0` the p-value is 1, as in statsmodels.
/// * chi-square: statistic `(|b − c| − 1)²/(b + c)` with the correction, `(b − c)²/(b + c)`
///   without; p-value `P(χ²₁ > statistic)`, computed as `erfc(√(x/2))` (statsmodels' `chi2.sf`
///   differs from it by up to `3e-14` relative).
///
/// Where this differs from statsmodels or R:
///
/// * chi-square with `b + c = 0`: statsmodels divides by zero and returns `statistic = inf,
///   p = 0` with the correction (a "significant" result from no discordant pairs) and NaN without
///   it; R returns NaN. Here both are `None` with [`PValueUnavailable::ZeroVariance`].
/// * chi-square with the correction and `b = c > 0`: statsmodels (and this function) do not clamp
///   `|b − c| − 1` at zero, so the statistic is `1/(b + c)`; R's `mcnemar.test` skips the correction
///   when `b = c` and reports statistic 0, p = 1.
///
/// ```
/// use health_equity_assessment::stats::{mcnemar, McNemarMethod, McNemarOptions, PairedBinaryTable};
///
/// let table = PairedBinaryTable::new(10, 2, 9, 5);
/// let exact = mcnemar(&table, &McNemarOptions::default());
/// assert_eq!(exact.statistic, Some(2.0));
/// // statsmodels: mcnemar([[10, 2], [9, 5]]).pvalue == 0.06542968750000001
/// assert!((exact.p_value.unwrap() - 0.0654296875).abs() < 1e-15);
/// let chi = mcnemar(&table, &McNemarOptions::default().with_method(McNemarMethod::ChiSquare));
/// assert_eq!(chi.statistic, Some(36.0 / 11.0));
/// ```
#[must_use]
pub fn mcnemar(table: &PairedBinaryTable, options: &McNemarOptions) -> McNemarResult {
    let (b, c) = (table.baseline_only, table.follow_up_only);
    let n = b.saturating_add(c);
    let (statistic, p, why) = match options.method {
        McNemarMethod::Exact => {
            let k = b.min(c);
            let p = (binomial_half_cdf(k, n) * 2.0).min(1.0);
            (Some(u64_to_f64(k)), Some(p), None)
        }
        McNemarMethod::ChiSquare => {
            if n == 0 {
                (None, None, Some(PValueUnavailable::ZeroVariance))
            } else {
                let corr = if options.correction { 1.0 } else { 0.0 };
                let diff = (u64_to_f64(b) - u64_to_f64(c)).abs() - corr;
                let stat = diff * diff / u64_to_f64(n);
                (Some(stat), Some(chi2_sf_df1(stat)), None)
            }
        }
    };
    McNemarResult {
        baseline_only: b,
        follow_up_only: c,
        method: options.method,
        correction: options.method == McNemarMethod::ChiSquare && options.correction,
        statistic,
        p_value: p,
        p_value_unavailable: why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_example_and_edges() {
        let table = PairedBinaryTable::new(10, 2, 9, 5);
        assert_eq!(table.as_matrix(), [[10, 2], [9, 5]]);
        let exact = mcnemar(&table, &McNemarOptions::default());
        assert_eq!(exact.statistic, Some(2.0));
        assert!((exact.p_value.unwrap() - 0.0654296875).abs() < 1e-15);
        let chi = McNemarOptions::default().with_method(McNemarMethod::ChiSquare);
        assert_eq!(mcnemar(&table, &chi).statistic, Some(36.0 / 11.0));
        let empty = PairedBinaryTable::new(4, 0, 0, 3);
        let e = mcnemar(&empty, &McNemarOptions::default());
        assert_eq!((e.statistic, e.p_value), (Some(0.0), Some(1.0)));
        let c = mcnemar(&empty, &chi);
        assert_eq!(
            (c.statistic, c.p_value, c.p_value_unavailable),
            (None, None, Some(PValueUnavailable::ZeroVariance))
        );
        let tie = mcnemar(&PairedBinaryTable::new(0, 3, 3, 0), &chi);
        assert_eq!(tie.statistic, Some(1.0 / 6.0));
        let pairs = [(true, true), (false, true), (false, true), (true, false)];
        assert_eq!(PairedBinaryTable::from_pairs(&pairs), PairedBinaryTable::new(1, 1, 2, 0));
    }
}
