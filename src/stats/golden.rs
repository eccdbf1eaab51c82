//! Golden-fixture tests: every case in `tests/fixtures/stats/*.json` (written by
//! `tests/fixtures/stats/generate.py` with scipy 1.18.1 and statsmodels 0.15.0, and by
//! `r_crosscheck.R` with R) must be reproduced.
//!
//! Tolerances (asserted), with the largest deviation measured against scipy 1.18.1 /
//! statsmodels 0.15.0 / R 4.2.2 in brackets:
//!
//! * statistics (rank sums, `V`, `min(b, c)`, chi-square statistic): exactly equal [bit-identical];
//! * Wilcoxon p-values and z: relative `1e-12`. Exact and permutation methods are bit-identical
//!   [0]; the normal approximation differs only through `erfc` [1.5e-15 relative]. scipy's
//!   explicit `method="exact"` for more than 53 ranks computes upper tails as `1 − cdf` and loses
//!   up to a few ulp of 1; those cases also pass with an absolute `1e-15` [scipy off by up to
//!   4e-16 absolute, 2.8e-3 relative on p ≈ 1e-13; this crate matches exact integer arithmetic];
//! * sign test (`binomtest`): relative `1e-12` [n ≤ 126: 3.4e-15, this crate being correctly
//!   rounded; n > 126: 4.2e-13 in far tails];
//! * McNemar p-values: relative `1e-12` [exact 8.3e-15; chi-square 2.8e-14, from scipy's
//!   `chi2.sf`];
//! * Holm / Benjamini–Hochberg: bit-identical to statsmodels; relative `1e-15` to R;
//! * Hodges–Lehmann vs exact brute force: exactly equal; vs R's exact branch: relative `1e-13`
//!   (R sorts Walsh averages in doubles); R's root-found asymptotic interval ends
//!   (`tol.root = 1e-10`): absolute `1e-8` [1e-10]; R's root-found estimate: between the two
//!   middle Walsh averages, within `1e-6`.

use serde_json::Value;

use crate::Exact;
use crate::stats::*;

const WILCOXON: &str = include_str!("../../tests/fixtures/stats/wilcoxon.json");
const SIGN: &str = include_str!("../../tests/fixtures/stats/sign.json");
const MCNEMAR: &str = include_str!("../../tests/fixtures/stats/mcnemar.json");
const ADJUST: &str = include_str!("../../tests/fixtures/stats/adjust.json");
const HODGES_LEHMANN: &str = include_str!("../../tests/fixtures/stats/hodges_lehmann.json");
const R_CROSSCHECK: &str = include_str!("../../tests/fixtures/stats/r_crosscheck.json");

/// Relative tolerance for p-values and z.
const REL: f64 = 1e-12;

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is valid JSON")
}

/// A fixture float: written as a decimal string (Rust's parser is correctly rounded, serde_json's
/// default float parsing is not), `null` for NaN, `"inf"` / `"-inf"`.
fn f(v: &Value) -> Option<f64> {
    match v {
        Value::Null => None,
        Value::String(s) if s == "inf" => Some(f64::INFINITY),
        Value::String(s) if s == "-inf" => Some(f64::NEG_INFINITY),
        Value::String(s) => Some(s.parse().expect("float string")),
        other => panic!("floats are written as strings, got {other}"),
    }
}

fn s(v: &Value) -> &str {
    v.as_str().expect("string")
}

fn exacts(v: &Value) -> Vec<Exact> {
    v.as_array().expect("array").iter().map(|x| s(x).parse().expect("exact string")).collect()
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    got == want || (got - want).abs() <= rel * want.abs() || (got - want).abs() <= 1e-300
}

fn alternative(name: &str) -> Alternative {
    match name {
        "two-sided" | "two.sided" => Alternative::TwoSided,
        "greater" => Alternative::Greater,
        "less" => Alternative::Less,
        other => panic!("alternative {other}"),
    }
}

fn zero_method(name: &str) -> ZeroMethod {
    match name {
        "wilcox" => ZeroMethod::Wilcox,
        "pratt" => ZeroMethod::Pratt,
        "zsplit" => ZeroMethod::Zsplit,
        other => panic!("zero method {other}"),
    }
}

fn versions_recorded(v: &Value) {
    let versions = &v["versions"];
    assert_eq!(versions["scipy"].as_str(), Some("1.18.1"));
    assert_eq!(versions["statsmodels"].as_str(), Some("0.15.0"));
}

#[test]
fn wilcoxon_matches_scipy() {
    let fixture = parse(WILCOXON);
    versions_recorded(&fixture);
    let mut default_cases = 0_usize;
    let mut all_cases = 0_usize;
    for ds in fixture["datasets"].as_array().expect("datasets") {
        let id = s(&ds["id"]);
        let d = exacts(&ds["d"]);
        for case in ds["cases"].as_array().expect("cases") {
            let c = case.as_array().expect("case row");
            let (zm, alt, method, corr) = (s(&c[0]), s(&c[1]), s(&c[2]), c[3].as_bool().expect("bool"));
            let (stat, p, z, used, outcome) = (f(&c[4]), f(&c[5]), f(&c[6]), c[7].as_str(), s(&c[8]));
            let opts = WilcoxonOptions::default()
                .with_zero_method(zero_method(zm))
                .with_alternative(alternative(alt))
                .with_correction(corr)
                .with_method(match method {
                    "auto" => Method::Auto,
                    "asymptotic" => Method::Asymptotic,
                    "exact" => Method::ScipyExact,
                    "permutation_exhaustive" => Method::ExactConditional,
                    other => panic!("method {other}"),
                });
            let ctx = format!("{id} {zm} {alt} {method} correction={corr}");
            let res = wilcoxon(&d, &opts).unwrap_or_else(|e| panic!("{ctx}: {e}"));
            all_cases += 1;
            if method == "auto" && !corr {
                default_cases += 1;
            }
            if outcome.starts_with("error") {
                // scipy raises for a single zero difference under auto (permutation test).
                assert_eq!(res.p_value, None, "{ctx}");
                assert_eq!(res.p_value_unavailable, Some(PValueUnavailable::SingleZeroDifference), "{ctx}");
                assert_eq!(res.method, MethodUsed::Permutation, "{ctx}");
                continue;
            }
            assert_eq!(res.statistic, stat, "{ctx}: statistic");
            match p {
                None => {
                    assert_eq!(res.p_value, None, "{ctx}: scipy p is NaN");
                    assert!(res.p_value_unavailable.is_some(), "{ctx}");
                }
                Some(want) => {
                    let got = res.p_value.unwrap_or_else(|| panic!("{ctx}: no p-value, scipy {want}"));
                    // scipy's explicit exact method computes upper tails as 1 − cdf in f64, which
                    // loses up to a few ulp of 1 once n > 53 (its pmf is no longer exact); here
                    // the tail is summed directly. Allow that absolute error there.
                    let scipy_cancellation = method == "exact" && res.n_used > 53 && (got - want).abs() <= 1e-15;
                    assert!(close(got, want, REL) || scipy_cancellation, "{ctx}: p {got} vs scipy {want}");
                    assert!((0.0..=1.0).contains(&got), "{ctx}");
                }
            }
            if let Some(want) = z {
                let got = res.z.unwrap_or_else(|| panic!("{ctx}: no z, scipy {want}"));
                assert!(close(got, want, REL), "{ctx}: z {got} vs scipy {want}");
            } else if method == "asymptotic" {
                assert_eq!(res.z, None, "{ctx}: scipy z is NaN");
            }
            if let Some(used) = used {
                let want = match (used, method) {
                    ("exact", _) => MethodUsed::Exact,
                    ("permutation", "permutation_exhaustive") => MethodUsed::ExactConditional,
                    ("permutation", _) => MethodUsed::Permutation,
                    ("asymptotic", _) => MethodUsed::Asymptotic,
                    (other, _) => panic!("method_used {other}"),
                };
                assert_eq!(res.method, want, "{ctx}: method");
            }
        }
    }
    assert_eq!(Some(default_cases as u64), fixture["default_method_cases"].as_u64());
    assert_eq!(Some(all_cases as u64), fixture["total_cases"].as_u64());
    assert!(default_cases >= 200);
}

#[test]
fn sign_test_matches_scipy_binomtest() {
    let fixture = parse(SIGN);
    versions_recorded(&fixture);
    let cases = fixture["cases"].as_array().expect("cases");
    assert!(cases.len() > 1000);
    for case in cases {
        let c = case.as_array().expect("row");
        let (np, nn) = (c[0].as_u64().expect("u64"), c[1].as_u64().expect("u64"));
        let alt = alternative(s(&c[2]));
        let res = sign_test_counts(np, nn, alt);
        match f(&c[3]) {
            None => assert_eq!(res.p_value, None, "{np} {nn}"),
            Some(want) => {
                let got = res.p_value.expect("p");
                assert!(close(got, want, REL), "binomtest({np}, {}) {alt:?}: {got} vs {want}", np + nn);
            }
        }
    }
}

#[test]
fn mcnemar_matches_statsmodels() {
    let fixture = parse(MCNEMAR);
    versions_recorded(&fixture);
    let cases = fixture["cases"].as_array().expect("cases");
    assert!(cases.len() > 400);
    for case in cases {
        let c = case.as_array().expect("row");
        let u = |i: usize| c[i].as_u64().expect("count");
        let table = PairedBinaryTable::new(u(0), u(1), u(2), u(3));
        let exact = c[4].as_bool().expect("bool");
        let corr = c[5].as_bool().expect("bool");
        let opts = McNemarOptions::default()
            .with_method(if exact { McNemarMethod::Exact } else { McNemarMethod::ChiSquare })
            .with_correction(corr);
        let res = mcnemar(&table, &opts);
        let (stat, p) = (f(&c[6]), f(&c[7]));
        let ctx = format!("{table:?} exact={exact} correction={corr}");
        if !exact && u(1) + u(2) == 0 {
            // statsmodels divides by b + c = 0: (inf, 0.0) with the correction, (NaN, NaN)
            // without. A p-value of 0 for "no discordant pairs" is an artifact; both are None here.
            assert!(stat.is_some_and(f64::is_infinite) || stat.is_none(), "{ctx}");
            assert_eq!((res.statistic, res.p_value), (None, None), "{ctx}");
            assert_eq!(res.p_value_unavailable, Some(PValueUnavailable::ZeroVariance), "{ctx}");
            continue;
        }
        let (got_s, want_s) = (res.statistic.expect("statistic"), stat.expect("statistic"));
        assert!(close(got_s, want_s, 1e-15), "{ctx}: statistic {got_s} vs {want_s}");
        let (got, want) = (res.p_value.expect("p"), p.expect("p"));
        assert!(close(got, want, REL), "{ctx}: p {got} vs {want}");
    }
}

#[test]
fn adjustments_match_statsmodels() {
    let fixture = parse(ADJUST);
    versions_recorded(&fixture);
    let cases = fixture["cases"].as_array().expect("cases");
    assert!(cases.len() >= 30);
    for case in cases {
        let p: Vec<Option<f64>> = case["p"].as_array().expect("p").iter().map(f).collect();
        for (key, method) in [("holm", PAdjustMethod::Holm), ("fdr_bh", PAdjustMethod::BenjaminiHochberg)] {
            let got = adjust_p_values(&p, method).expect("valid p-values");
            let want: Vec<Option<f64>> = case[key].as_array().expect("adjusted").iter().map(f).collect();
            assert_eq!(got, want, "{key} {p:?}");
        }
    }
}

#[test]
fn hodges_lehmann_matches_brute_force() {
    let fixture = parse(HODGES_LEHMANN);
    let cases = fixture["cases"].as_array().expect("cases");
    assert!(cases.len() > 200);
    for case in cases {
        let id = s(&case["id"]);
        let d = exacts(&case["d"]);
        let hl = hodges_lehmann(&d, &HodgesLehmannOptions::default().with_ci_method(CiMethod::Exact))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let Some(estimate) = case.get("estimate") else {
            assert_eq!(hl.estimate, None, "{id}");
            continue;
        };
        let ex = |v: &Value| s(v).parse::<Exact>().expect("exact");
        assert_eq!(hl.estimate, Some(ex(estimate)), "{id}: estimate");
        for pair in case["walsh_order"].as_array().expect("walsh_order") {
            let k = pair[0].as_u64().expect("k");
            assert_eq!(walsh_order_statistic(&d, k), Some(ex(&pair[1])), "{id}: W({k})");
        }
        let ci = hl.interval.expect("interval");
        assert_eq!(ci.lower_rank, case["exact_ci_k"].as_u64(), "{id}");
        assert_eq!(ci.lower, Some(ex(&case["exact_ci"][0])), "{id}: lower");
        assert_eq!(ci.upper, Some(ex(&case["exact_ci"][1])), "{id}: upper");
        let dropped = hodges_lehmann(&d, &HodgesLehmannOptions::default().with_zero_handling(ZeroHandling::Drop))
            .expect("drop zeros");
        assert_eq!(dropped.estimate, case.get("estimate_drop_zeros").map(ex), "{id}: drop zeros");
    }
}

/// R's `wilcox.test(d, conf.int = TRUE, ...)`, `binom.test`, `mcnemar.test` and `p.adjust`
/// (see `r_crosscheck.R`).
#[test]
fn r_crosscheck() {
    let fixture = parse(R_CROSSCHECK);
    assert!(fixture["r_version"].as_str().is_some_and(|v| v.starts_with("R version")));
    let cases = fixture["wilcox"].as_array().expect("wilcox");
    assert!(cases.len() > 200);
    let mut exact_ci_checked = 0;
    let mut asymptotic_ci_checked = 0;
    for case in cases {
        let id = s(&case["id"]);
        let d = exacts(&case["d"]);
        let alt = alternative(s(&case["alternative"]));
        let correct = case["correct"].as_bool().expect("correct");
        let r_exact = case["exact_method"].as_bool().expect("exact_method");
        let level = f(&case["conf_level_requested"]).expect("level");
        let ctx = format!("{id} {alt:?} correct={correct} exact_arg={} level={level}", case["exact_arg"]);

        // V: R's statistic is the sum of positive ranks after dropping zeros.
        let res = wilcoxon(&d, &WilcoxonOptions::default().with_alternative(alt)).expect("wilcoxon");
        let v = f(&case["V"]).expect("V");
        assert_eq!(res.r_v, v, "{ctx}: V");

        // p-value: R's exact branch equals scipy's exact distribution; R's normal branch equals
        // the asymptotic method with zeros dropped and R's continuity-correction choice.
        let p_r = f(&case["p"]);
        let opts = WilcoxonOptions::default()
            .with_alternative(alt)
            .with_method(if r_exact { Method::ScipyExact } else { Method::Asymptotic })
            .with_correction(correct);
        let ours = wilcoxon(&d, &opts).expect("wilcoxon").p_value;
        if d.iter().all(Exact::is_zero) {
            // R: no nonzero differences, SIGMA = 0; (0 ∓ 0.5)/0 = ∓Inf gives p = 1 for one-sided
            // tests with the correction, NaN otherwise. scipy and this crate: undefined (None).
            assert_eq!(ours, None, "{ctx}");
            continue;
        }
        match (ours, p_r) {
            (Some(a), Some(b)) => assert!(close(a, b, 1e-10), "{ctx}: p {a} vs R {b}"),
            (a, b) => assert_eq!(a, b, "{ctx}: p"),
        }

        // Hodges–Lehmann with R's zero handling and method choice.
        let hl_opts = HodgesLehmannOptions::default()
            .with_zero_handling(ZeroHandling::Drop)
            .with_alternative(alt)
            .with_correction(correct)
            .with_confidence_level(level)
            .with_ci_method(if r_exact { CiMethod::Exact } else { CiMethod::Asymptotic });
        let hl = hodges_lehmann(&d, &hl_opts).expect("hodges_lehmann");
        let Some(ci) = hl.interval.clone() else {
            assert!(f(&case["estimate"]).is_none(), "{ctx}");
            continue;
        };
        let est = hl.estimate.clone().expect("estimate").to_f64();
        let r_est = f(&case["estimate"]).expect("R estimate");
        let (Some(r_lo), Some(r_hi)) = (f(&case["conf_int"][0]), f(&case["conf_int"][1])) else {
            // R's asymptotic branch evaluates its statistic at the sample extremes; when all
            // nonzero differences are equal both are all-zero samples, the interval is NaN and the
            // estimate is the midrange. Here: the degenerate interval [d, d] and estimate d.
            assert!(!r_exact, "{ctx}");
            assert_eq!(r_est, est, "{ctx}: estimate");
            let ends: Vec<&Exact> = ci.lower.iter().chain(ci.upper.iter()).collect();
            assert!(ends.iter().all(|e| e.to_f64() == est), "{ctx}: {ends:?}");
            continue;
        };
        let to = |e: &Option<Exact>, inf: f64| e.as_ref().map_or(inf, Exact::to_f64);
        let (lo, hi) = (to(&ci.lower, f64::NEG_INFINITY), to(&ci.upper, f64::INFINITY));
        if r_exact {
            // R sorts outer(x, x, "+")/2 in doubles: equal up to rounding.
            assert!(close(est, r_est, 1e-13), "{ctx}: estimate {est} vs R {r_est}");
            assert!(close(lo, r_lo, 1e-13) && close(hi, r_hi, 1e-13), "{ctx}: [{lo}, {hi}] vs R [{r_lo}, {r_hi}]");
            assert_eq!(ci.method, CiMethodUsed::Exact);
            let r_level = f(&case["conf_level_reported"]).expect("reported level");
            if ci.level_achievable {
                assert_eq!(r_level, level, "{ctx}");
            } else {
                assert!(r_level < level, "{ctx}");
            }
            exact_ci_checked += 1;
        } else {
            // R's estimate: a uniroot zero of the asymptotic statistic, which lies between the two
            // middle Walsh averages.
            let m = hl.n_walsh;
            let w = |k: u64| {
                walsh_order_statistic(&d.iter().filter(|x| !x.is_zero()).cloned().collect::<Vec<_>>(), k)
                    .expect("walsh")
                    .to_f64()
            };
            let (a, b) = if m % 2 == 1 { (w(m / 2 + 1), w(m / 2 + 1)) } else { (w(m / 2), w(m / 2 + 1)) };
            assert!(r_est >= a - 1e-6 && r_est <= b + 1e-6, "{ctx}: R estimate {r_est} outside [{a}, {b}]");
            if f(&case["conf_level_reported"]) == Some(level) && ci.level_achievable {
                assert!((lo - r_lo).abs() <= 1e-8 || lo == r_lo, "{ctx}: lower {lo} vs R {r_lo}");
                assert!((hi - r_hi).abs() <= 1e-8 || hi == r_hi, "{ctx}: upper {hi} vs R {r_hi}");
                asymptotic_ci_checked += 1;
            }
        }
    }
    assert!(exact_ci_checked > 50 && asymptotic_ci_checked > 50, "{exact_ci_checked} {asymptotic_ci_checked}");

    for case in fixture["p_adjust"].as_array().expect("p_adjust") {
        let p: Vec<Option<f64>> = case["p"].as_array().expect("p").iter().map(f).collect();
        for (key, method) in [("holm", PAdjustMethod::Holm), ("BH", PAdjustMethod::BenjaminiHochberg)] {
            let got = adjust_p_values(&p, method).expect("valid");
            let want: Vec<Option<f64>> = case[key].as_array().expect("adjusted").iter().map(f).collect();
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                match (g, w) {
                    (Some(g), Some(w)) => assert!(close(*g, *w, 1e-15), "{key} {p:?}: {g} vs {w}"),
                    _ => assert_eq!(g, w, "{key} {p:?}"),
                }
            }
        }
    }
    for case in fixture["binom"].as_array().expect("binom") {
        let (k, n) = (case["k"].as_u64().expect("k"), case["n"].as_u64().expect("n"));
        let res = sign_test_counts(k, n - k, alternative(s(&case["alternative"])));
        let (got, want) = (res.p_value.expect("p"), f(&case["p"]).expect("p"));
        assert!(close(got, want, 1e-12), "binom.test({k}, {n}): {got} vs R {want}");
    }
    for case in fixture["mcnemar"].as_array().expect("mcnemar") {
        let t = &case["table"];
        let u = |i: usize| t[i].as_u64().expect("count");
        let table = PairedBinaryTable::new(u(0), u(1), u(2), u(3));
        let correct = case["correct"].as_bool().expect("correct");
        let res =
            mcnemar(&table, &McNemarOptions::default().with_method(McNemarMethod::ChiSquare).with_correction(correct));
        // R skips the correction when b = c (statistic 0); statsmodels (and this crate) do not.
        if u(1) == u(2) {
            continue;
        }
        let (got, want) = (res.p_value.expect("p"), f(&case["p"]).expect("p"));
        assert!(close(got, want, 1e-12), "mcnemar.test({table:?}): {got} vs R {want}");
    }
}
