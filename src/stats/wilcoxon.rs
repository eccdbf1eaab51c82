//! The Wilcoxon signed-rank test, reproducing `scipy.stats.wilcoxon`.

use std::cmp::Ordering;

use crate::Exact;
use crate::stats::dist::{normal_cdf, normal_sf, subset_sum_cdf, subset_sum_sf_inclusive};
use crate::stats::keys::Keys;
use crate::stats::named_options;
use crate::stats::rank::doubled_midranks;
use crate::stats::{Alternative, PValueUnavailable, StatsError, check_len, to_u64, u64_to_f64, u128_to_f64};

/// Largest number of differences for [`Method::ExactConditional`] and [`Method::ScipyExact`].
///
/// The subset-sum program costs about `n³/4` additions with ties (half that without) and keeps
/// all probabilities above `2^−1000`, clear of `f64` underflow; at `n = 1000` it takes about
/// 0.1 s on one core (measured).
pub const EXACT_MAX_N: usize = 1000;

/// How zero differences are treated (scipy's `zero_method`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ZeroMethod {
    /// Drop zeros before ranking (Wilcoxon 1945; scipy's default; what R does).
    #[default]
    Wilcox,
    /// Rank zeros with the rest, then drop their ranks (Pratt 1959; normal approximation
    /// adjusted as in Cureton 1967).
    Pratt,
    /// Rank zeros with the rest and split their rank sum equally between `R+` and `R−`.
    Zsplit,
}

/// How the p-value is computed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Method {
    /// scipy's `method="auto"` (see [`wilcoxon`](fn@wilcoxon)).
    #[default]
    Auto,
    /// The exact conditional (permutation) distribution given the observed midranks and zeros,
    /// for `n ≤` [`EXACT_MAX_N`].
    ExactConditional,
    /// scipy's `method="asymptotic"`: the normal approximation with tie correction.
    Asymptotic,
    /// scipy's `method="exact"`: the untied null distribution, statistic rounded with ties
    /// (not exact with ties or zeros), for `n_used ≤` [`EXACT_MAX_N`].
    ScipyExact,
}

named_options!(ZeroMethod { Wilcox => "wilcox", Pratt => "pratt", Zsplit => "zsplit" });
named_options!(Method { Auto => "auto", ExactConditional => "exact_conditional" | "exact", Asymptotic => "asymptotic", ScipyExact => "scipy_exact" });

/// The method that actually produced the p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MethodUsed {
    /// The untied null distribution of `R+` (scipy `"exact"`).
    Exact,
    /// The exact conditional distribution ([`Method::ExactConditional`]).
    ExactConditional,
    /// scipy's exhaustive permutation test (chosen by `auto` for `n ≤ 13` with ties or zeros);
    /// computed by the same exact program as `ExactConditional`, with identical p-values.
    Permutation,
    /// The normal approximation.
    Asymptotic,
}

/// Options of [`wilcoxon`]. The default is scipy's default.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct WilcoxonOptions {
    /// Treatment of zero differences (default [`ZeroMethod::Wilcox`]).
    pub zero_method: ZeroMethod,
    /// Alternative hypothesis (default two-sided).
    pub alternative: Alternative,
    /// p-value method (default [`Method::Auto`]).
    pub method: Method,
    /// Continuity correction of ½ in the normal approximation (default `false`, as in scipy;
    /// R's default is `true`).
    pub correction: bool,
}

impl Default for WilcoxonOptions {
    fn default() -> Self {
        WilcoxonOptions {
            zero_method: ZeroMethod::Wilcox,
            alternative: Alternative::TwoSided,
            method: Method::Auto,
            correction: false,
        }
    }
}

impl WilcoxonOptions {
    /// Sets the zero method.
    #[must_use]
    pub fn with_zero_method(mut self, zero_method: ZeroMethod) -> Self {
        self.zero_method = zero_method;
        self
    }

    /// Sets the alternative hypothesis.
    #[must_use]
    pub fn with_alternative(mut self, alternative: Alternative) -> Self {
        self.alternative = alternative;
        self
    }

    /// Sets the p-value method.
    #[must_use]
    pub fn with_method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Sets the continuity correction (normal approximation only).
    #[must_use]
    pub fn with_correction(mut self, correction: bool) -> Self {
        self.correction = correction;
        self
    }
}

/// Result of [`wilcoxon`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct WilcoxonResult {
    /// Number of differences, zeros included.
    pub n: u64,
    /// Number of differences ranked: the nonzero ones under [`ZeroMethod::Wilcox`], all `n`
    /// under Pratt and zsplit (scipy's `count`, the `n` of the null distribution).
    pub n_used: u64,
    /// Number of zero differences.
    pub n_zero: u64,
    /// Number of positive differences (follow-up higher).
    pub n_positive: u64,
    /// Number of negative differences.
    pub n_negative: u64,
    /// Sum of the ranks of the positive differences under the zero method (with zsplit, plus half
    /// the zeros' ranks). A multiple of ½, exact.
    pub r_plus: f64,
    /// Sum of the ranks of the negative differences under the zero method (with zsplit, plus half
    /// the zeros' ranks).
    pub r_minus: f64,
    /// scipy's `statistic`: `min(R+, R−)` for the two-sided test, `R+` for one-sided tests.
    /// `None` only when there are no differences (scipy: NaN).
    pub statistic: Option<f64>,
    /// R's `V`: the sum of the ranks of the positive differences after dropping zeros and ranking
    /// the rest (independent of the zero method).
    pub r_v: f64,
    /// scipy's tie term `Σ(t³ − t)` over tie groups of `|d|` among the ranked differences (Pratt
    /// leaves out the zeros' group; zsplit keeps it). The variance uses half of it.
    pub tie_correction: f64,
    /// scipy's `zstatistic` when the normal approximation was used: after the continuity
    /// correction, and `−|z|` for the two-sided test. `None` otherwise or when undefined.
    pub z: Option<f64>,
    /// The method that produced the p-value.
    pub method: MethodUsed,
    /// The zero method applied.
    pub zero_method: ZeroMethod,
    /// The alternative hypothesis.
    pub alternative: Alternative,
    /// Whether the continuity correction was requested (it only affects the normal approximation).
    pub correction: bool,
    /// The p-value, or `None` when it is undefined (see `p_value_unavailable`).
    pub p_value: Option<f64>,
    /// Why `p_value` is `None`.
    pub p_value_unavailable: Option<PValueUnavailable>,
    /// Matched-pairs rank-biserial correlation `(R+ − R−)/(R+ + R−)` under the zero method
    /// (positive: follow-up higher); `None` when `R+ + R− = 0`.
    pub rank_biserial: Option<f64>,
}

/// Signed ranks of a sample under one zero method, all in doubled units (exact integers).
pub(crate) struct SignedRanks {
    pub(crate) n: usize,
    pub(crate) n_zero: usize,
    pub(crate) n_positive: usize,
    pub(crate) n_negative: usize,
    /// scipy's `count`.
    pub(crate) n_used: usize,
    /// Doubled ranks of the nonzero differences (the weights of the permutation distribution).
    pub(crate) weights: Vec<u64>,
    /// Sum of the weights of the positive differences.
    pub(crate) positive_weight: u64,
    /// Doubled `R+` and `R−` (with zsplit's shares of the zeros).
    pub(crate) r_plus2: u64,
    pub(crate) r_minus2: u64,
    /// Doubled R `V`.
    pub(crate) v2: u64,
    /// `Σ(t³ − t)` as scipy uses it for this zero method.
    pub(crate) tie_correction: u128,
    /// scipy's `has_ties` (any tie group of size > 1 among the ranked values).
    pub(crate) has_ties: bool,
}

impl SignedRanks {
    pub(crate) fn new(keys: &Keys, zero_method: ZeroMethod) -> SignedRanks {
        let n = keys.len();
        let (ranks, groups) = doubled_midranks(keys);
        let mut n_zero = 0_usize;
        let mut n_positive = 0_usize;
        let mut n_negative = 0_usize;
        for i in 0..n {
            match keys.sign(i) {
                Ordering::Less => n_negative += 1,
                Ordering::Equal => n_zero += 1,
                Ordering::Greater => n_positive += 1,
            }
        }
        let z = to_u64(n_zero);
        // Zeros are the lowest group, so a nonzero value's rank among the nonzero values is its
        // rank among all values minus n_zero (doubled: minus 2·n_zero).
        let shift = if zero_method == ZeroMethod::Wilcox { 2 * z } else { 0 };
        let mut weights = Vec::with_capacity(n - n_zero);
        let (mut positive_weight, mut negative_weight, mut v2) = (0_u64, 0_u64, 0_u64);
        for (i, r) in ranks.iter().enumerate() {
            match keys.sign(i) {
                Ordering::Equal => {}
                s => {
                    let w = r.saturating_sub(shift);
                    weights.push(w);
                    if s == Ordering::Greater {
                        positive_weight += w;
                        v2 += r.saturating_sub(2 * z);
                    } else {
                        negative_weight += w;
                    }
                }
            }
        }
        // Doubled zero rank sum n0(n0+1); zsplit gives half of it to each side.
        let zero_share = if zero_method == ZeroMethod::Zsplit { z * (z + 1) / 2 } else { 0 };
        let mut tie_correction = 0_u128;
        let mut has_ties = false;
        for (g, &size) in groups.iter().enumerate() {
            let is_zero_group = g == 0 && n_zero > 0;
            let counts = !is_zero_group || zero_method == ZeroMethod::Zsplit;
            let t = u128::from(to_u64(size));
            if counts {
                tie_correction += t * t * t - t;
            }
            if size > 1 && (!is_zero_group || zero_method != ZeroMethod::Wilcox) {
                has_ties = true;
            }
        }
        SignedRanks {
            n,
            n_zero,
            n_positive,
            n_negative,
            n_used: if zero_method == ZeroMethod::Wilcox { n - n_zero } else { n },
            weights,
            positive_weight,
            r_plus2: positive_weight + zero_share,
            r_minus2: negative_weight + zero_share,
            v2,
            tie_correction,
            has_ties,
        }
    }

    /// `(R+ − R−)/(R+ + R−)`, `None` when both are zero.
    pub(crate) fn rank_biserial(&self) -> Option<f64> {
        let total = self.r_plus2.checked_add(self.r_minus2)?;
        if total == 0 {
            return None;
        }
        let diff = i128::from(self.r_plus2) - i128::from(self.r_minus2);
        let diff = if diff < 0 { -u128_to_f64(diff.unsigned_abs()) } else { u128_to_f64(diff.unsigned_abs()) };
        Some(diff / u64_to_f64(total))
    }
}

/// The Wilcoxon signed-rank test on paired differences `d = follow-up − baseline`.
///
/// With default options this reproduces `scipy.stats.wilcoxon(d)` (scipy ≥ 1.15): same
/// statistic, same method choice, same p-value (bit for bit for the exact and permutation
/// methods; within `1e-15` relative for the normal approximation, whose only difference is the
/// `erfc` implementation).
///
/// # What the default reproduces
///
/// [`WilcoxonOptions::default()`] is scipy's default (`zero_method = "wilcox"`,
/// `alternative = "two-sided"`, `method = "auto"`, `correction = False`), and [`Method::Auto`]
/// makes the same choice as scipy ≥ 1.15 (read from `scipy/stats/_wilcoxon.py`, scipy 1.18.1),
/// where `n` is the number of differences **including zeros**:
///
/// 1. `n > 50`: normal approximation ([`MethodUsed::Asymptotic`]);
/// 2. otherwise, no ties among `|d|` and no zeros: the exact null distribution of `R+`
///    ([`MethodUsed::Exact`]);
/// 3. otherwise (ties or zeros), `n ≤ 13`: scipy's exhaustive permutation test over all `2^n`
///    sign flips ([`MethodUsed::Permutation`]). It counts sign patterns whose `R+` is at most
///    (or at least) the observed one, which is exactly the conditional distribution computed here
///    by the subset-sum program: p-values agree bit for bit. (scipy also compares with a relative
///    tolerance of `100·ε`; rank sums are multiples of ½ and exact in `f64`, so that tolerance
///    never changes a count.)
/// 4. otherwise: normal approximation.
///
/// The normal approximation replicates scipy's floating-point operations in order:
/// `mn = n(n+1)/4`, `se² = (n(n+1)(2n+1) − Σ(t³ − t)/2)/24` with the tie sizes `t`, Pratt's
/// adjustment subtracting the zeros' share from both, the optional continuity correction of ½
/// towards the mean, and `p = 2·Φ(−|z|)` (two-sided), `Φ(−z)` (greater) or `Φ(z)` (less).
/// The reported `z` is scipy's `zstatistic`: `−|z|` for the two-sided test, after any correction.
///
/// # Zeros
///
/// * [`ZeroMethod::Wilcox`] (default): zeros are dropped before ranking (scipy and R).
/// * [`ZeroMethod::Pratt`]: zeros are ranked, then their ranks dropped; the normal approximation
///   subtracts the zeros' share from mean and variance (Cureton 1967), and the zeros' tie group is
///   left out of the tie correction.
/// * [`ZeroMethod::Zsplit`]: zeros are ranked and half their rank sum goes to each of `R+` and `R−`.
///
/// Under every zero method scipy's `auto` counts zeros both in `n` (for the thresholds 13 and
/// 50) and as a reason to leave the exact method.
///
/// # Degenerate inputs (scipy 1.18.1 behaviour and what is returned here)
///
/// | Input | scipy | Here |
/// | --- | --- | --- |
/// | no differences | statistic and p NaN | `statistic: None`, `p_value: None`, [`PValueUnavailable::Empty`] (`method` is what `auto` would pick, `exact`) |
/// | one difference, zero, `auto` | `ValueError` from `permutation_test` | statistic 0, `p_value: None`, [`PValueUnavailable::SingleZeroDifference`] |
/// | all zero, 2 ≤ n ≤ 13, `auto` | p = 1 (permutation test) | p = 1 |
/// | all zero, normal approximation (`wilcox`, `pratt`) | p NaN (0/0) | `p_value: None`, [`PValueUnavailable::ZeroVariance`] |
/// | all zero, `zsplit`, normal approximation | z = 0, p = 1 | p = 1 |
///
/// # Other methods
///
/// * [`Method::ExactConditional`]: the exact permutation (conditional) distribution of `R+` given
///   the observed midranks and zeros, for any `n ≤` [`EXACT_MAX_N`], by a subset-sum dynamic
///   program over doubled midranks. This is what scipy's `auto` uses for `n ≤ 13` with ties or
///   zeros, extended to larger `n`; it is the exact test with ties (Hollander & Wolfe, §3.1
///   comments; the `exactRankTests`/`coin` packages in R) and differs from scipy's `auto` for
///   `14 ≤ n ≤ 50` with ties or zeros, where scipy uses the normal approximation. Beyond
///   [`EXACT_MAX_N`] it returns [`StatsError::ExactLimitExceeded`] rather than silently
///   falling back.
/// * [`Method::ScipyExact`]: scipy's `method="exact"`: the null distribution of `R+` for `n_used`
///   untied ranks, with a non-integral statistic (ties) rounded conservatively (down for the upper
///   tail, up for the lower tail). With ties or zeros this is **not** an exact test; it exists to
///   reproduce scipy.
/// * [`Method::Asymptotic`]: scipy's `method="asymptotic"`.
///
/// # R's `wilcox.test`
///
/// R drops zeros (like [`ZeroMethod::Wilcox`]) and reports `V =` [`WilcoxonResult::r_v`], the
/// sum of ranks of the positive differences among the nonzero ones. Its defaults differ from
/// scipy's: `correct = TRUE` (continuity correction), and the exact distribution only when
/// `n < 50` after dropping zeros **and** there are no ties and no zeros; otherwise the normal
/// approximation. So (checked against R 4.2.2 in the golden tests):
///
/// * no ties, no zeros, `n < 50`: R's p-value equals this default's (both exact);
/// * `n = 50` without ties or zeros: scipy (and this default) are still exact, R is asymptotic;
/// * ties or zeros with `n ≤ 13`: scipy (and this default) use the exact conditional
///   distribution, R the normal approximation;
/// * otherwise R's p-value is [`Method::Asymptotic`] with [`ZeroMethod::Wilcox`] and
///   `correction = true`; scipy's default differs from it only by the continuity correction;
/// * all differences zero: R gives NaN, or p = 1 for a one-sided test with the correction
///   (`(0 − ½)/0 = −∞`); here `None`.
///
/// Newer R versions can compute exact p-values in the presence of ties; those correspond to
/// [`Method::ExactConditional`] with [`ZeroMethod::Wilcox`] (the conditional distribution of the
/// midranks), not to scipy's `method="exact"`.
///
/// # Errors
///
/// [`StatsError::ExactLimitExceeded`] when [`Method::ExactConditional`] or
/// [`Method::ScipyExact`] is asked for more than [`EXACT_MAX_N`] differences;
/// [`StatsError::TooManyObservations`] beyond `u32::MAX` differences.
///
/// ```
/// use health_equity_assessment::Exact;
/// use health_equity_assessment::stats::{wilcoxon, Alternative, MethodUsed, WilcoxonOptions};
///
/// // Darwin's corn data from Wilcoxon (1945), as in scipy's documentation.
/// let d: Vec<Exact> = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
///     .into_iter().map(Exact::from).collect();
/// let res = wilcoxon(&d, &WilcoxonOptions::default())?;
/// assert_eq!(res.statistic, Some(24.0));
/// assert_eq!(res.p_value, Some(0.041259765625));
/// assert_eq!(res.method, MethodUsed::Exact);
/// assert_eq!(res.r_v, 96.0); // R's V
///
/// let greater = WilcoxonOptions::default().with_alternative(Alternative::Greater);
/// let res = wilcoxon(&d, &greater)?;
/// assert_eq!((res.statistic, res.p_value), (Some(96.0), Some(0.0206298828125)));
/// # Ok::<(), health_equity_assessment::stats::StatsError>(())
/// ```
pub fn wilcoxon(differences: &[Exact], options: &WilcoxonOptions) -> Result<WilcoxonResult, StatsError> {
    check_len(differences.len())?;
    let keys = Keys::new(differences);
    wilcoxon_keys(&keys, options)
}

/// [`wilcoxon`] on prepared keys.
pub(crate) fn wilcoxon_keys(keys: &Keys, options: &WilcoxonOptions) -> Result<WilcoxonResult, StatsError> {
    let sr = SignedRanks::new(keys, options.zero_method);
    let n = sr.n;
    let alternative = options.alternative;
    let method = match options.method {
        Method::Auto => {
            if n > 50 {
                MethodUsed::Asymptotic
            } else if !sr.has_ties && sr.n_zero == 0 {
                MethodUsed::Exact
            } else if n <= 13 {
                MethodUsed::Permutation
            } else {
                MethodUsed::Asymptotic
            }
        }
        Method::ExactConditional => {
            if n > EXACT_MAX_N {
                return Err(StatsError::ExactLimitExceeded { n, limit: EXACT_MAX_N });
            }
            MethodUsed::ExactConditional
        }
        Method::ScipyExact => {
            if sr.n_used > EXACT_MAX_N {
                return Err(StatsError::ExactLimitExceeded { n: sr.n_used, limit: EXACT_MAX_N });
            }
            MethodUsed::Exact
        }
        Method::Asymptotic => MethodUsed::Asymptotic,
    };
    let r_plus = u64_to_f64(sr.r_plus2) / 2.0;
    let r_minus = u64_to_f64(sr.r_minus2) / 2.0;
    let statistic = match alternative {
        Alternative::TwoSided => r_plus.min(r_minus),
        _ => r_plus,
    };
    let mut z = None;
    let p: Result<f64, PValueUnavailable> = if n == 0 {
        Err(PValueUnavailable::Empty)
    } else {
        match method {
            MethodUsed::Permutation if n == 1 => Err(PValueUnavailable::SingleZeroDifference),
            MethodUsed::Permutation | MethodUsed::ExactConditional => {
                Ok(conditional_p(&sr, alternative).ok_or(StatsError::ExactLimitExceeded { n, limit: EXACT_MAX_N })?)
            }
            MethodUsed::Exact => Ok(untied_p(&sr, alternative)
                .ok_or(StatsError::ExactLimitExceeded { n: sr.n_used, limit: EXACT_MAX_N })?),
            MethodUsed::Asymptotic => {
                let (zz, p) = asymptotic(&sr, options.zero_method, alternative, options.correction);
                z = zz;
                p
            }
        }
    };
    Ok(WilcoxonResult {
        n: to_u64(n),
        n_used: to_u64(sr.n_used),
        n_zero: to_u64(sr.n_zero),
        n_positive: to_u64(sr.n_positive),
        n_negative: to_u64(sr.n_negative),
        r_plus,
        r_minus,
        statistic: (n > 0).then_some(statistic),
        r_v: u64_to_f64(sr.v2) / 2.0,
        tie_correction: u128_to_f64(sr.tie_correction),
        z,
        method,
        zero_method: options.zero_method,
        alternative,
        correction: options.correction,
        p_value: p.ok(),
        p_value_unavailable: p.err(),
        rank_biserial: sr.rank_biserial(),
    })
}

/// Two-sided p-value from the two one-sided tails, as scipy: `min(1, 2·min(lower, upper))`.
fn two_sided(p: f64) -> f64 {
    (2.0 * p).min(1.0)
}

/// The exact conditional p-value (scipy's permutation test): the distribution of the positive
/// weight sum over all sign patterns of the nonzero differences. `None` only if the table would
/// be too large (prevented by [`EXACT_MAX_N`]).
fn conditional_p(sr: &SignedRanks, alternative: Alternative) -> Option<f64> {
    let w = &sr.weights;
    let s = sr.positive_weight;
    let total: u64 = w.iter().sum();
    let p = match alternative {
        Alternative::Less => subset_sum_cdf(w, s)?,
        Alternative::Greater => subset_sum_sf_inclusive(w, s)?,
        // min(P(S ≤ s), P(S ≥ s)) = P(S ≤ min(s, total − s)) by symmetry.
        Alternative::TwoSided => two_sided(subset_sum_cdf(w, s.min(total - s))?),
    };
    Some(p)
}

/// scipy's `method="exact"`: the untied distribution of `R+` for `n_used` ranks; a half-integral
/// `R+` is rounded down for the upper tail and up for the lower tail.
fn untied_p(sr: &SignedRanks, alternative: Alternative) -> Option<f64> {
    let ranks: Vec<u64> = (1..=to_u64(sr.n_used)).collect();
    let floor = sr.r_plus2 / 2;
    let ceil = sr.r_plus2.div_ceil(2);
    let p = match alternative {
        Alternative::Less => subset_sum_cdf(&ranks, ceil)?,
        Alternative::Greater => subset_sum_sf_inclusive(&ranks, floor)?,
        Alternative::TwoSided if floor == ceil => {
            // P(R+ ≥ r) = P(R+ ≤ M − r): one table up to min(r, M − r) gives the smaller tail.
            let total = to_u64(sr.n_used) * (to_u64(sr.n_used) + 1) / 2;
            two_sided(subset_sum_cdf(&ranks, floor.min(total.saturating_sub(floor)))?)
        }
        Alternative::TwoSided => {
            let upper = subset_sum_sf_inclusive(&ranks, floor)?;
            let lower = subset_sum_cdf(&ranks, ceil)?;
            two_sided(upper.min(lower))
        }
    };
    Some(p)
}

/// The normal approximation with scipy's floating-point operations, in scipy's order.
fn asymptotic(
    sr: &SignedRanks,
    zero_method: ZeroMethod,
    alternative: Alternative,
    correction: bool,
) -> (Option<f64>, Result<f64, PValueUnavailable>) {
    let count = u64_to_f64(to_u64(sr.n_used));
    let mut mn = count * (count + 1.0) * 0.25;
    let mut se = count * (count + 1.0) * (2.0 * count + 1.0);
    if zero_method == ZeroMethod::Pratt {
        let nz = u64_to_f64(to_u64(sr.n_zero));
        mn -= nz * (nz + 1.0) * 0.25;
        se -= nz * (nz + 1.0) * (2.0 * nz + 1.0);
    }
    let tie = u128_to_f64(sr.tie_correction);
    let se = ((se - tie / 2.0) / 24.0).sqrt();
    let r_plus = u64_to_f64(sr.r_plus2) / 2.0;
    let mut z = (r_plus - mn) / se;
    if se.is_nan() || se <= 0.0 || !z.is_finite() {
        return (None, Err(PValueUnavailable::ZeroVariance));
    }
    if correction {
        let sign = match alternative {
            Alternative::Greater => 1.0,
            Alternative::Less => -1.0,
            Alternative::TwoSided => {
                if z > 0.0 {
                    1.0
                } else if z < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }
        };
        z -= sign * 0.5 / se;
    }
    let p = match alternative {
        Alternative::TwoSided => 2.0 * normal_sf(z.abs()),
        Alternative::Greater => normal_sf(z),
        Alternative::Less => normal_cdf(z),
    };
    let reported = if alternative == Alternative::TwoSided { -z.abs() } else { z };
    (Some(reported), Ok(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(v: &[&str]) -> Vec<Exact> {
        v.iter().map(|s| s.parse().unwrap()).collect()
    }

    fn ints(v: &[i64]) -> Vec<Exact> {
        v.iter().map(|&i| Exact::from(i)).collect()
    }

    const CORN: [i64; 15] = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];

    #[test]
    fn scipy_documentation_example() {
        // Same checks as the doc example (which cannot run under the scratch crate name).
        let d = ints(&CORN);
        let res = wilcoxon(&d, &WilcoxonOptions::default()).unwrap();
        assert_eq!(res.statistic, Some(24.0));
        assert_eq!(res.p_value, Some(0.041259765625));
        assert_eq!(res.method, MethodUsed::Exact);
        assert_eq!(res.r_v, 96.0);
        let res = wilcoxon(&d, &WilcoxonOptions::default().with_alternative(Alternative::Greater)).unwrap();
        assert_eq!((res.statistic, res.p_value), (Some(96.0), Some(0.0206298828125)));
        let res = wilcoxon(&d, &WilcoxonOptions::default().with_method(Method::Asymptotic)).unwrap();
        assert_eq!(res.statistic, Some(24.0));
        let p = res.p_value.unwrap();
        assert!((p - 0.04088813291185591).abs() <= 1e-15 * p, "{p}");
    }

    #[test]
    fn degenerate_inputs() {
        let opts = WilcoxonOptions::default();
        let res = wilcoxon(&[], &opts).unwrap();
        assert_eq!((res.statistic, res.p_value, res.p_value_unavailable), (None, None, Some(PValueUnavailable::Empty)));
        let res = wilcoxon(&ints(&[0]), &opts).unwrap();
        assert_eq!(res.p_value_unavailable, Some(PValueUnavailable::SingleZeroDifference));
        assert_eq!(res.statistic, Some(0.0));
        let res = wilcoxon(&ints(&[3]), &opts).unwrap();
        assert_eq!((res.statistic, res.p_value, res.method), (Some(0.0), Some(1.0), MethodUsed::Exact));
        let res = wilcoxon(&ints(&[0; 5]), &opts).unwrap();
        assert_eq!((res.p_value, res.method), (Some(1.0), MethodUsed::Permutation));
        assert_eq!(res.rank_biserial, None);
        let res = wilcoxon(&ints(&[0; 14]), &opts).unwrap();
        assert_eq!((res.p_value, res.method), (None, MethodUsed::Asymptotic));
        assert_eq!(res.p_value_unavailable, Some(PValueUnavailable::ZeroVariance));
        let zs = opts.clone().with_zero_method(ZeroMethod::Zsplit);
        let res = wilcoxon(&ints(&[0; 60]), &zs).unwrap();
        assert_eq!((res.statistic, res.p_value), (Some(915.0), Some(1.0)));
        // scipy: pratt + exact on all zeros gives 2 / 2^n.
        let pe = WilcoxonOptions::default().with_zero_method(ZeroMethod::Pratt).with_method(Method::ScipyExact);
        assert_eq!(wilcoxon(&ints(&[0; 5]), &pe).unwrap().p_value, Some(0.0625));
    }

    #[test]
    fn ties_and_zeros_use_the_permutation_distribution() {
        // scipy 1.18.1: wilcoxon([1, 1]) → statistic 0, p 0.5 (permutation test).
        let res = wilcoxon(&ints(&[1, 1]), &WilcoxonOptions::default()).unwrap();
        assert_eq!((res.statistic, res.p_value, res.method), (Some(0.0), Some(0.5), MethodUsed::Permutation));
        // zeros with fractional differences
        let d = ex(&["0", "25/2", "-25/2", "100/3", "0", "5", "-1/3"]);
        let res = wilcoxon(&d, &WilcoxonOptions::default()).unwrap();
        assert_eq!(res.method, MethodUsed::Permutation);
        assert_eq!((res.n, res.n_used, res.n_zero), (7, 5, 2));
        // nonzero |d| ranks: 1/3 → 1, 5 → 2, 12.5 ×2 → 3.5, 100/3 → 5
        assert_eq!((res.r_plus, res.r_minus), (10.5, 4.5));
        assert_eq!(res.r_v, 10.5);
        assert_eq!(res.tie_correction, 6.0);
    }

    #[test]
    fn exact_limit_is_enforced() {
        let d: Vec<Exact> = (1..=1001).map(|i: i64| Exact::from(if i % 2 == 0 { i } else { -i })).collect();
        let opts = WilcoxonOptions::default().with_method(Method::ExactConditional);
        let err = wilcoxon(&d, &opts).unwrap_err();
        assert_eq!(err, StatsError::ExactLimitExceeded { n: 1001, limit: EXACT_MAX_N });
        assert!(wilcoxon(&d[..1000], &opts).unwrap().p_value.is_some());
    }
}
