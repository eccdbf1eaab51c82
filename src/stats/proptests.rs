//! Property tests (modest case counts so the suite runs in seconds).

use proptest::prelude::*;

use crate::Exact;
use crate::stats::*;

/// Differences `num / den` with small numerators (many ties and zeros) and a shared denominator.
fn differences(max_len: usize) -> impl Strategy<Value = Vec<Exact>> {
    (prop::collection::vec(-12_i64..=12, 0..max_len), prop::sample::select(vec![1_i64, 2, 3, 8]))
        .prop_map(|(nums, den)| nums.into_iter().map(|x| Exact::new(i128::from(x), i128::from(den)).unwrap()).collect())
}

/// Distinct nonzero magnitudes with random signs (no ties, no zeros).
fn untied(n: usize) -> impl Strategy<Value = Vec<Exact>> {
    (
        Just((1..=i64::try_from(n).unwrap()).collect::<Vec<i64>>()).prop_shuffle(),
        prop::collection::vec(any::<bool>(), n),
    )
        .prop_map(|(mags, signs)| {
            mags.into_iter()
                .zip(signs)
                .map(|(m, s)| Exact::new(i128::from(if s { m } else { -m }) * 7, 3).unwrap())
                .collect()
        })
}

fn negate(d: &[Exact]) -> Vec<Exact> {
    d.iter().map(|x| -x).collect()
}

fn methods(n: usize) -> Vec<Method> {
    let mut m = vec![Method::Auto, Method::Asymptotic, Method::ScipyExact];
    if n <= 40 {
        m.push(Method::ExactConditional);
    }
    m
}

const ZERO_METHODS: [ZeroMethod; 3] = [ZeroMethod::Wilcox, ZeroMethod::Pratt, ZeroMethod::Zsplit];
const ALTERNATIVES: [Alternative; 3] = [Alternative::TwoSided, Alternative::Greater, Alternative::Less];

fn in_unit(p: Option<f64>) -> bool {
    p.is_none_or(|p| (0.0..=1.0).contains(&p))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Swapping baseline and follow-up negates the effect sizes and keeps two-sided p-values;
    /// the one-sided p-values trade places.
    #[test]
    fn swapping_negates_effects_and_keeps_two_sided_p(d in differences(40)) {
        let neg = negate(&d);
        for zm in ZERO_METHODS {
            let r = rank_biserial(&d, zm).unwrap();
            let r_neg = rank_biserial(&neg, zm).unwrap();
            prop_assert_eq!(r.map(|x| -x), r_neg);
            for method in methods(d.len()) {
                // scipy's method="exact" with Pratt zeros uses the null distribution of n ranks but
                // drops the zeros' ranks from R+, so it is not symmetric under negation (scipy
                // behaves the same); every other combination is.
                if method == Method::ScipyExact && zm == ZeroMethod::Pratt && d.iter().any(Exact::is_zero) {
                    continue;
                }
                for corr in [false, true] {
                    let base = WilcoxonOptions::default().with_zero_method(zm).with_method(method).with_correction(corr);
                    let a = wilcoxon(&d, &base).unwrap();
                    let b = wilcoxon(&neg, &base).unwrap();
                    prop_assert_eq!(a.p_value, b.p_value);
                    prop_assert_eq!(a.statistic, b.statistic);
                    prop_assert_eq!((a.r_plus, a.r_minus), (b.r_minus, b.r_plus));
                    let g = wilcoxon(&d, &base.clone().with_alternative(Alternative::Greater)).unwrap();
                    let l = wilcoxon(&neg, &base.clone().with_alternative(Alternative::Less)).unwrap();
                    prop_assert_eq!(g.p_value, l.p_value);
                }
            }
        }
        let opts = HodgesLehmannOptions::default();
        let hl = hodges_lehmann(&d, &opts).unwrap();
        let hl_neg = hodges_lehmann(&neg, &opts).unwrap();
        prop_assert_eq!(hl.estimate.map(|x| -x), hl_neg.estimate);
        if let (Some(a), Some(b)) = (hl.interval, hl_neg.interval) {
            prop_assert_eq!(a.lower.map(|x| -x), b.upper);
            prop_assert_eq!(a.upper.map(|x| -x), b.lower);
        }
        let s = sign_test(&d, Alternative::TwoSided);
        let s_neg = sign_test(&neg, Alternative::TwoSided);
        prop_assert_eq!(s.p_value, s_neg.p_value);
    }

    /// Every p-value is in [0, 1] (or absent with a reason).
    #[test]
    fn p_values_are_probabilities(d in differences(70)) {
        for zm in ZERO_METHODS {
            for alt in ALTERNATIVES {
                for method in methods(d.len()) {
                    for corr in [false, true] {
                        let opts = WilcoxonOptions::default().with_zero_method(zm).with_alternative(alt)
                            .with_method(method).with_correction(corr);
                        let res = wilcoxon(&d, &opts).unwrap();
                        prop_assert!(in_unit(res.p_value), "{:?}", res);
                        prop_assert_eq!(res.p_value.is_none(), res.p_value_unavailable.is_some());
                    }
                }
            }
            let r = rank_biserial(&d, zm).unwrap();
            prop_assert!(r.is_none_or(|r| (-1.0..=1.0).contains(&r)));
        }
        for alt in ALTERNATIVES {
            prop_assert!(in_unit(sign_test(&d, alt).p_value));
        }
    }

    /// McNemar and the adjustments stay in [0, 1]; Holm is never below Benjamini–Hochberg, and
    /// both are never below the raw p-value.
    #[test]
    fn mcnemar_and_adjustments_in_range(
        cells in prop::array::uniform4(0_u64..400),
        ps in prop::collection::vec(prop::option::weighted(0.9, 0.0_f64..=1.0), 0..40),
    ) {
        let t = PairedBinaryTable::new(cells[0], cells[1], cells[2], cells[3]);
        for method in [McNemarMethod::Exact, McNemarMethod::ChiSquare] {
            for corr in [false, true] {
                let res = mcnemar(&t, &McNemarOptions::default().with_method(method).with_correction(corr));
                prop_assert!(in_unit(res.p_value));
            }
        }
        let holm = adjust_p_values(&ps, PAdjustMethod::Holm).unwrap();
        let bh = adjust_p_values(&ps, PAdjustMethod::BenjaminiHochberg).unwrap();
        for ((p, h), b) in ps.iter().zip(&holm).zip(&bh) {
            prop_assert_eq!(p.is_some(), h.is_some());
            if let (Some(p), Some(h), Some(b)) = (p, h, b) {
                prop_assert!(*h <= 1.0 && *b <= 1.0 && *h >= *p && *b >= *p * (1.0 - 1e-15) && *h >= *b * (1.0 - 1e-15));
            }
        }
    }

    /// Under `zero_method = wilcox` an extra zero difference changes nothing for the explicit
    /// methods. (Under `auto` scipy counts zeros when choosing the method, so only the
    /// statistic is guaranteed to stay.)
    #[test]
    fn adding_a_zero_changes_nothing_under_wilcox(d in differences(45), pos in 0_usize..46) {
        let mut with_zero = d.clone();
        with_zero.insert(pos.min(d.len()), Exact::zero());
        for alt in ALTERNATIVES {
            for method in [Method::ExactConditional, Method::Asymptotic, Method::ScipyExact, Method::Auto] {
                for corr in [false, true] {
                    let opts = WilcoxonOptions::default().with_alternative(alt).with_method(method).with_correction(corr);
                    let a = wilcoxon(&d, &opts).unwrap();
                    let b = wilcoxon(&with_zero, &opts).unwrap();
                    prop_assert_eq!(a.n_zero + 1, b.n_zero);
                    prop_assert_eq!((a.r_plus, a.r_minus, a.r_v, a.rank_biserial), (b.r_plus, b.r_minus, b.r_v, b.rank_biserial));
                    if a.n > 0 {
                        prop_assert_eq!(a.statistic, b.statistic);
                    }
                    if method != Method::Auto && a.n > 0 {
                        prop_assert_eq!(a.p_value, b.p_value);
                        prop_assert_eq!(a.z, b.z);
                        prop_assert_eq!(a.tie_correction, b.tie_correction);
                    }
                }
            }
        }
        let s = sign_test(&d, Alternative::TwoSided);
        let s0 = sign_test(&with_zero, Alternative::TwoSided);
        prop_assert_eq!(s.p_value, s0.p_value);
    }

    /// At n = 50 without ties the exact distribution and the continuity-corrected normal
    /// approximation agree closely, and the exact conditional p equals scipy's exact p.
    #[test]
    fn exact_and_asymptotic_agree_at_n50(d in untied(50)) {
        for alt in ALTERNATIVES {
            let base = WilcoxonOptions::default().with_alternative(alt);
            let exact = wilcoxon(&d, &base.clone().with_method(Method::ExactConditional)).unwrap();
            let scipy_exact = wilcoxon(&d, &base.clone().with_method(Method::Auto)).unwrap();
            prop_assert_eq!(scipy_exact.method, MethodUsed::Exact);
            prop_assert_eq!(exact.p_value, scipy_exact.p_value);
            let asym = wilcoxon(&d, &base.clone().with_method(Method::Asymptotic).with_correction(true)).unwrap();
            let (pe, pa) = (exact.p_value.unwrap(), asym.p_value.unwrap());
            prop_assert!((pe - pa).abs() < 5e-3, "exact {} asymptotic {}", pe, pa);
        }
    }

    /// Hodges–Lehmann: the interval contains the estimate, and shifting every difference by c
    /// shifts estimate and interval by c.
    #[test]
    fn hodges_lehmann_is_shift_equivariant(d in differences(60), shift in -30_i64..30, level in 0.5_f64..0.99) {
        let c = Exact::new(i128::from(shift), 4).unwrap();
        let shifted: Vec<Exact> = d.iter().map(|x| x + &c).collect();
        for method in [CiMethod::Auto, CiMethod::Exact, CiMethod::Asymptotic] {
            let opts = HodgesLehmannOptions::default().with_ci_method(method).with_confidence_level(level);
            let a = hodges_lehmann(&d, &opts).unwrap();
            let b = hodges_lehmann(&shifted, &opts).unwrap();
            prop_assert_eq!(a.estimate.as_ref().map(|x| x + &c), b.estimate.clone());
            if let (Some(ci), Some(est)) = (&a.interval, &a.estimate) {
                let (lo, hi) = (ci.lower.clone().unwrap(), ci.upper.clone().unwrap());
                prop_assert!(lo <= *est && *est <= hi, "{:?} {:?}", est, ci);
                if method != CiMethod::Auto {
                    let ci_b = b.interval.clone().unwrap();
                    prop_assert_eq!(Some(&lo + &c), ci_b.lower);
                    prop_assert_eq!(Some(&hi + &c), ci_b.upper);
                }
            }
        }
        let median_a = median(&d);
        prop_assert_eq!(median_a.map(|x| &x + &c), median(&shifted));
    }
}
