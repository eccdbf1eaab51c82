//! Paired-comparison statistics for baseline vs follow-up scores.
//!
//! Every function here takes the paired differences `follow-up − baseline` as exact rationals
//! ([`Exact`](crate::Exact), percentage points) and is a pure function: the same input gives the
//! same output, bit for bit, on every platform (floating-point special functions come from the
//! pure-Rust [`libm`] port, not from the platform's C library). Ties and zeros are always decided
//! by exact comparison of the rationals, never of floats.
//!
//! | What | Function | Reference implementation matched by golden fixtures |
//! | --- | --- | --- |
//! | Wilcoxon signed-rank test | [`wilcoxon`](fn@wilcoxon) | `scipy.stats.wilcoxon` (defaults reproduce `wilcoxon(d)`) |
//! | Sign test | [`sign_test`] | `scipy.stats.binomtest(n_plus, n_plus + n_minus, 0.5)` |
//! | Matched-pairs rank-biserial correlation | [`rank_biserial`] | formula, from the same ranks as the test |
//! | Hodges–Lehmann estimate and interval | [`hodges_lehmann`](fn@hodges_lehmann) | brute force in exact arithmetic; R `wilcox.test(conf.int = TRUE)` |
//! | Mean, median | [`describe`](fn@describe) | exact |
//! | McNemar's test | [`mcnemar`](fn@mcnemar) | `statsmodels.stats.contingency_tables.mcnemar` |
//! | Holm and Benjamini–Hochberg adjustment | [`adjust_p_values`] | `statsmodels.stats.multitest.multipletests`, R `p.adjust` |
//! | Normal, binomial and chi-square tails | [`normal_cdf`], [`normal_sf`], [`normal_quantile`], [`binomial_half_pmf`], [`binomial_half_cdf`], [`binomial_half_sf`], [`chi2_sf_df1`] | scipy.special |
//!
//! Sign convention: a positive difference means the follow-up score is higher. The alternative
//! [`Alternative::Greater`] is "follow-up tends to be higher"; a positive rank-biserial
//! correlation or Hodges–Lehmann estimate means improvement.
//!
//! Degenerate inputs never panic. Where scipy returns NaN or raises (an empty sample, all
//! differences zero under the normal approximation, one zero difference under scipy's
//! permutation test), the result carries `p_value: None` and a [`PValueUnavailable`] reason
//! instead, so it can be embedded in a JSON report (JSON has no NaN).
//!
//! # Where results can differ from scipy, statsmodels and R
//!
//! * Inputs are exact. scipy users who pass `x` and `y` instead of exact differences can see
//!   floating-point roundoff split ties (scipy's documentation warns about it); results here
//!   correspond to scipy run on the exact differences.
//! * Wilcoxon, default options: none beyond the last bits of `erfc` in the normal approximation
//!   (≤ 1.5e-15 relative). scipy's explicit `method="exact"` loses accuracy above 53 ranks; here
//!   the tails are summed directly. R's defaults differ (continuity correction, exactness rules,
//!   zero handling): see [`wilcoxon`](fn@wilcoxon).
//! * Hodges–Lehmann: R drops zero differences and, with ties, zeros or `n ≥ 50`, reports a
//!   root-finding approximation of the estimate; see [`hodges_lehmann`](fn@hodges_lehmann).
//! * Sign test: scipy's relative tolerance of `1e-7` for "equally likely" outcomes only matters
//!   for more than `2·10⁷` nonzero differences and is not applied.
//! * McNemar chi-square with no discordant pairs: statsmodels reports p = 0, R NaN, here `None`;
//!   with `b = c` R drops the continuity correction, statsmodels and this crate do not.
//! * Benjamini–Hochberg: bit-identical to statsmodels; R's `(m/i)·p` can differ in the last bit.
//!
//! # Distribution functions
//!
//!
//! Accuracy (checked in the unit tests against exact rational arithmetic and against scipy):
//!
//! * [`normal_cdf`] / [`normal_sf`] follow Cephes `ndtr` (the algorithm behind
//!   `scipy.special.ndtr`) on top of the pure-Rust `erf`/`erfc` of the [`libm`] crate (a port of
//!   the FreeBSD/musl implementations, under 1 ulp). Relative error is below `1e-15` for
//!   `|x| < 5` and grows to about `4e-14` at `x = −37` because the argument `x/√2` is rounded,
//!   exactly as in Cephes.
//! * [`binomial_half_pmf`] uses Loader's saddle-point formula (the algorithm of R's `dbinom`);
//!   [`binomial_half_cdf`] and [`binomial_half_sf`] sum the short tail outward from the observed
//!   count with compensated summation. For `n ≤ 126` all three are computed with exact integer
//!   arithmetic and are correctly rounded. Beyond, the relative error is below `5e-13` (tested
//!   against exact big-integer sums up to `n = 3001` and against scipy up to `n = 10^6`); it is
//!   largest far in the tails, where Loader's deviance terms are large.
//! * [`chi2_sf_df1`] is `erfc(√(x/2))`, exact in theory and within a few ulp in practice.
//! * The signed-rank null distributions are computed by a subset-sum dynamic program over
//!   `f64` probabilities, halving at every step. Every probability is a dyadic rational
//!   `count / 2^m`, so the program is exact (no rounding at all) while `m ≤ 53`; for larger `m`
//!   each step adds at most one rounding, so the relative error stays below `(m + 1)·2⁻⁵³`
//!   (about `1.1e-13` at the cap `m = 1000`).

mod adjust;
mod describe;
mod dist;
mod effect_size;
mod hodges_lehmann;
mod keys;
mod mcnemar;
mod rank;
mod sign;
mod wilcoxon;

#[cfg(test)]
mod golden;
#[cfg(test)]
mod proptests;

pub use adjust::{PAdjustMethod, adjust_p_values};
pub(crate) use describe::describe_with_mean;
pub use describe::{DifferenceSummary, describe, mean, median};
pub use dist::{
    binomial_half_cdf, binomial_half_pmf, binomial_half_sf, chi2_sf_df1, normal_cdf, normal_quantile, normal_sf,
};
pub use effect_size::rank_biserial;
pub use hodges_lehmann::{
    CiMethod, CiMethodUsed, ConfidenceInterval, HodgesLehmannOptions, HodgesLehmannResult, ZeroHandling,
    hodges_lehmann, walsh_order_statistic,
};
pub use mcnemar::{McNemarMethod, McNemarOptions, McNemarResult, PairedBinaryTable, mcnemar};
pub use rank::{AbsRanks, abs_midranks_doubled};
pub use sign::{SignTestResult, sign_test, sign_test_counts};
pub use wilcoxon::{EXACT_MAX_N, Method, MethodUsed, WilcoxonOptions, WilcoxonResult, ZeroMethod, wilcoxon};

/// Largest number of differences any function here accepts (`u32::MAX`).
///
/// Doubled rank sums then always fit in `u64`. A slice this long would need more than 100 GiB
/// of memory, so the limit only guards against overflow.
pub const MAX_OBSERVATIONS: usize = u32::MAX as usize;

/// The option enums' names, as written in JSON (`two_sided`) and on the command line
/// (`two-sided`): `ALL`, `name`, `Display` and `FromStr` (which takes either spelling, and
/// the aliases listed).
macro_rules! named_options {
    ($ty:ident { $($variant:ident => $name:literal $(| $alias:literal)*),* $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];

            /// The name as written in JSON (snake_case).
            #[must_use]
            pub fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)*
                }
            }

            /// Other spellings `FromStr` accepts for a value (besides the name with `-` for
            /// `_`).
            #[must_use]
            pub fn aliases(self) -> &'static [&'static str] {
                match self {
                    $($ty::$variant => &[$($alias),*],)*
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.name())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::stats::UnknownOption;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let wanted = text.replace('-', "_");
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|v| v.name() == wanted || v.aliases().contains(&text))
                    .ok_or_else(|| $crate::stats::UnknownOption {
                        what: stringify!($ty),
                        found: $crate::json::clip(text),
                        expected: $ty::ALL.iter().map(|v| v.name()).collect(),
                    })
            }
        }
    };
}

pub(crate) use named_options;

/// Text that names no value of an option enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{found:?} is not a {what} (expected one of {})", expected.join(", "))]
pub struct UnknownOption {
    pub(crate) what: &'static str,
    pub(crate) found: String,
    pub(crate) expected: Vec<&'static str>,
}

impl crate::problem::Problem for UnknownOption {
    fn code(&self) -> &'static str {
        "unknown_option"
    }

    fn location(&self) -> crate::problem::Location<'_> {
        crate::problem::Location::Inputs
    }
}

named_options!(Alternative { TwoSided => "two_sided", Greater => "greater", Less => "less" });

/// The alternative hypothesis, for differences `d = follow-up − baseline`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Alternative {
    /// The distribution of `d` is not symmetric about zero (scipy `"two-sided"`, R `"two.sided"`).
    #[default]
    TwoSided,
    /// `d` tends to be positive: the follow-up tends to be higher (scipy and R `"greater"`).
    Greater,
    /// `d` tends to be negative: the follow-up tends to be lower (scipy and R `"less"`).
    Less,
}

/// Why a p-value could not be computed (scipy returns NaN or raises in these cases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PValueUnavailable {
    /// There are no observations (scipy: NaN with a "too small" warning).
    Empty,
    /// No nonzero differences (or discordant pairs) and the normal approximation has zero
    /// variance (scipy and statsmodels: NaN from `0/0`).
    ZeroVariance,
    /// A single difference that is zero under `method = auto`: scipy sends this to its permutation
    /// test, which raises `ValueError` for fewer than two observations.
    SingleZeroDifference,
    /// The binomial test has no trials (scipy `binomtest(0, 0)`: NaN).
    NoTrials,
}

/// Errors of the statistics functions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StatsError {
    /// An exact enumeration was requested for more differences than [`EXACT_MAX_N`].
    #[error("an exact distribution was requested for {n} differences; exact enumeration is limited to {limit}")]
    ExactLimitExceeded {
        /// The number of differences.
        n: usize,
        /// The limit ([`EXACT_MAX_N`]).
        limit: usize,
    },
    /// A confidence level that is not strictly between 0 and 1.
    #[error("confidence level {level} is not strictly between 0 and 1")]
    InvalidConfidenceLevel {
        /// The level given.
        level: f64,
    },
    /// A p-value that is NaN or outside `[0, 1]`.
    #[error("p-value {value} at index {index} is not a number in [0, 1]")]
    InvalidPValue {
        /// Its position in the input.
        index: usize,
        /// The value given.
        value: f64,
    },
    /// More observations than [`MAX_OBSERVATIONS`].
    #[error("{n} observations exceed the supported maximum of {max}")]
    TooManyObservations {
        /// The number of observations.
        n: usize,
        /// The limit ([`MAX_OBSERVATIONS`]).
        max: usize,
    },
}

impl crate::problem::Problem for StatsError {
    fn code(&self) -> &'static str {
        match self {
            StatsError::ExactLimitExceeded { .. } => "exact_limit_exceeded",
            StatsError::InvalidConfidenceLevel { .. } => "invalid_confidence_level",
            StatsError::InvalidPValue { .. } => "invalid_p_value",
            StatsError::TooManyObservations { .. } => "too_many_observations",
        }
    }

    fn location(&self) -> crate::problem::Location<'_> {
        crate::problem::Location::Inputs
    }
}

/// Refuses inputs longer than [`MAX_OBSERVATIONS`].
pub(crate) fn check_len(n: usize) -> Result<(), StatsError> {
    if n > MAX_OBSERVATIONS {
        return Err(StatsError::TooManyObservations { n, max: MAX_OBSERVATIONS });
    }
    Ok(())
}

/// Widens a count (all counts here are at most [`MAX_OBSERVATIONS`]).
pub(crate) fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A `u64` count as `f64` (exact below 2^53, correctly rounded above).
#[allow(clippy::cast_precision_loss)]
pub(crate) fn u64_to_f64(n: u64) -> f64 {
    n as f64
}

/// A `u128` as `f64` (exact below 2^53, correctly rounded above).
#[allow(clippy::cast_precision_loss)]
pub(crate) fn u128_to_f64(n: u128) -> f64 {
    n as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem as _;

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(StatsError::ExactLimitExceeded { n: 2000, limit: 1000 }.code(), "exact_limit_exceeded");
        assert_eq!(StatsError::InvalidConfidenceLevel { level: 1.5 }.code(), "invalid_confidence_level");
        assert_eq!(StatsError::InvalidPValue { index: 0, value: f64::NAN }.code(), "invalid_p_value");
        assert_eq!(StatsError::TooManyObservations { n: 1, max: 0 }.code(), "too_many_observations");
        let msg = StatsError::InvalidPValue { index: 3, value: 1.5 }.to_string();
        assert!(msg.contains("1.5") && msg.contains('3'), "{msg}");
        assert!(check_len(MAX_OBSERVATIONS).is_ok());
        assert!(check_len(MAX_OBSERVATIONS + 1).is_err());
    }

    #[test]
    fn results_round_trip_through_json_and_have_schemas() {
        let d: Vec<crate::Exact> = ["25", "-100/3", "12.5", "0", "5", "5"].iter().map(|s| s.parse().unwrap()).collect();
        let w = wilcoxon(&d, &WilcoxonOptions::default()).unwrap();
        let text = serde_json::to_string(&w).unwrap();
        assert!(text.contains("\"method\":\"permutation\"") && text.contains("\"zero_method\":\"wilcox\""), "{text}");
        assert_eq!(serde_json::from_str::<WilcoxonResult>(&text).unwrap(), w);
        let hl = hodges_lehmann(&d, &HodgesLehmannOptions::default()).unwrap();
        let text = serde_json::to_string(&hl).unwrap();
        assert_eq!(serde_json::from_str::<HodgesLehmannResult>(&text).unwrap(), hl);
        let s = describe(&d);
        assert_eq!(serde_json::from_str::<DifferenceSummary>(&serde_json::to_string(&s).unwrap()).unwrap(), s);
        let empty = wilcoxon(&[], &WilcoxonOptions::default()).unwrap();
        let text = serde_json::to_string(&empty).unwrap();
        assert!(text.contains("\"p_value\":null") && text.contains("\"p_value_unavailable\":\"empty\""), "{text}");
        for schema in [
            schemars::schema_for!(WilcoxonResult),
            schemars::schema_for!(WilcoxonOptions),
            schemars::schema_for!(HodgesLehmannResult),
            schemars::schema_for!(SignTestResult),
            schemars::schema_for!(McNemarResult),
            schemars::schema_for!(DifferenceSummary),
            schemars::schema_for!(AbsRanks),
        ] {
            assert!(serde_json::to_string(&schema).unwrap().contains("properties"));
        }
        let opts: WilcoxonOptions = serde_json::from_str(
            r#"{"zero_method":"zsplit","alternative":"less","method":"exact_conditional","correction":true}"#,
        )
        .unwrap();
        assert_eq!(
            opts,
            WilcoxonOptions::default()
                .with_zero_method(ZeroMethod::Zsplit)
                .with_alternative(Alternative::Less)
                .with_method(Method::ExactConditional)
                .with_correction(true)
        );
    }

    /// Large degenerate samples return documented values without panicking.
    #[test]
    fn large_degenerate_samples() {
        let zeros = vec![crate::Exact::zero(); 50_000];
        let w = wilcoxon(&zeros, &WilcoxonOptions::default()).unwrap();
        assert_eq!(
            (w.statistic, w.p_value, w.p_value_unavailable),
            (Some(0.0), None, Some(PValueUnavailable::ZeroVariance))
        );
        let zs = wilcoxon(&zeros, &WilcoxonOptions::default().with_zero_method(ZeroMethod::Zsplit)).unwrap();
        assert_eq!(zs.p_value, Some(1.0));
        let hl = hodges_lehmann(&zeros, &HodgesLehmannOptions::default()).unwrap();
        assert_eq!(hl.estimate, Some(crate::Exact::zero()));
        let ci = hl.interval.unwrap();
        assert_eq!((ci.lower, ci.upper), (Some(crate::Exact::zero()), Some(crate::Exact::zero())));
        assert_eq!(sign_test(&zeros, Alternative::TwoSided).p_value_unavailable, Some(PValueUnavailable::NoTrials));
        assert_eq!(describe(&zeros).median, Some(crate::Exact::zero()));
        // All equal and positive: maximal ties.
        let same = vec![crate::Exact::from(3); 50_000];
        let w = wilcoxon(&same, &WilcoxonOptions::default()).unwrap();
        assert_eq!(w.tie_correction, 50_000_f64.powi(3) - 50_000.0);
        assert!(w.p_value.unwrap() < 1e-300 || w.p_value == Some(0.0));
        assert_eq!(rank_biserial(&same, ZeroMethod::Wilcox).unwrap(), Some(1.0));
        let err = wilcoxon(&same, &WilcoxonOptions::default().with_method(Method::ExactConditional)).unwrap_err();
        assert_eq!(err.code(), "exact_limit_exceeded");
    }

    #[test]
    fn alternative_serializes_snake_case() {
        assert_eq!(serde_json::to_string(&Alternative::TwoSided).unwrap(), "\"two_sided\"");
        assert_eq!(serde_json::to_string(&PValueUnavailable::ZeroVariance).unwrap(), "\"zero_variance\"");
        assert_eq!(Alternative::default(), Alternative::TwoSided);
    }
}
