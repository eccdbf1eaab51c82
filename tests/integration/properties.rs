//! Invariants of scoring and comparison, and lossless round trips of every document type, as
//! properties over random answers on the built-in instruments and on the all-of and
//! cumulative rule kinds.

use crate::common;

use health_equity_assessment::{Cohort, CohortOptions, CohortReport};
use health_equity_assessment::{CompareOptions, ItemMap, LevelMovement, Program, ProgressReport, compare};
use health_equity_assessment::{Exact, Instrument, Registry, Response, ScoreReport};
use proptest::prelude::*;
use serde_json::{Value, json};

fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    ProptestConfig { cases: n, failure_persistence: None, ..ProptestConfig::default() }
}

/// The instruments the properties run on: both built-ins, an all-of (attestation) instrument
/// and a cumulative-staging one.
fn instruments() -> Vec<Instrument> {
    let mut out: Vec<Instrument> = Registry::builtin().iter().cloned().collect();
    let mut attest = common::small_instrument();
    attest["id"] = "attest".into();
    attest["scales"] = json!([{"id": "yn", "options": [
        {"id": "no", "label": "No", "points": 0}, {"id": "yes", "label": "Yes", "points": 1},
        {"id": "na", "label": "N/A", "excluded": true}]}]);
    for c in attest["categories"].as_array_mut().unwrap() {
        for i in c["items"].as_array_mut().unwrap() {
            i["scale"] = "yn".into();
        }
    }
    attest["scoring"]["category"]["rule"] = json!({"kind": "all_of", "points": 2});
    attest["scoring"]["overall"]["rule"] = json!({"kind": "sum_of_category_points"});
    out.push(Instrument::from_json(&attest.to_string()).unwrap());
    let mut staged = common::small_instrument();
    staged["id"] = "staged".into();
    staged["scoring"]["category"]["rule"] =
        json!({"kind": "cumulative", "stages": [{"id": "s1", "label": "One"}, {"id": "s2", "label": "Two"}]});
    for c in staged["categories"].as_array_mut().unwrap() {
        for (n, i) in c["items"].as_array_mut().unwrap().iter_mut().enumerate() {
            i["stage"] = if n == 0 { "s1".into() } else { "s2".into() };
        }
    }
    out.push(Instrument::from_json(&staged.to_string()).unwrap());
    out
}

/// A choice per item: `None` unanswered, `Some(k)` the k-th option (modulo the scale's size).
fn answers() -> impl Strategy<Value = (usize, Vec<Option<usize>>)> {
    (0usize..4, prop::collection::vec(prop::option::weighted(0.85, 0usize..8), 40))
}

fn response_text(instrument: &Instrument, choices: &[Option<usize>], reverse: bool) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for ((_, item), choice) in instrument.items().zip(choices.iter().cycle()) {
        if let Some(k) = choice {
            let options = &instrument.scale_of(item).unwrap().options;
            pairs.push((item.id.clone(), options[k % options.len()].id.clone()));
        }
    }
    if reverse {
        pairs.reverse();
    }
    // Written by hand so the key order in the text is exactly `pairs`' order.
    let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{}: {}", json!(k), json!(v))).collect();
    format!(
        r#"{{"instrument": {{"id": {}, "version": {}}}, "organization": {{"id": "org-p"}}, "assessed_on": "2023-03-01", "answers": {{{}}}}}"#,
        json!(instrument.id()),
        json!(instrument.version().to_string()),
        body.join(", ")
    )
}

fn score(instrument: &Instrument, choices: &[Option<usize>]) -> ScoreReport {
    instrument.validate_json(&response_text(instrument, choices, false)).unwrap().score()
}

/// Points of the chosen option of item `i`, `None` when unanswered or not applicable.
fn points(instrument: &Instrument, i: usize, choice: Option<usize>) -> Option<u32> {
    let (_, item) = instrument.items().nth(i)?;
    let options = &instrument.scale_of(item)?.options;
    options[choice? % options.len()].points
}

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn raising_one_answer_never_lowers_any_percent((which, choices) in answers(), target in 0usize..40, to in 0usize..8) {
        let all = instruments();
        let instrument = &all[which % all.len()];
        let n = instrument.item_count();
        let mut choices: Vec<Option<usize>> = choices.into_iter().cycle().take(n).collect();
        let i = target % n;
        let before_points = points(instrument, i, choices[i]);
        let after_points = points(instrument, i, Some(to));
        // Raising: from unanswered or a scored option to a scored option with at least as many points.
        let raises = match (choices[i], before_points, after_points) {
            (None, _, Some(_)) => true,
            (Some(_), Some(b), Some(a)) => a >= b,
            _ => false,
        };
        prop_assume!(raises);
        let before = score(instrument, &choices);
        choices[i] = Some(to);
        let after = score(instrument, &choices);
        for (b, a) in before.categories.iter().zip(&after.categories) {
            if let (Some(pb), Some(pa)) = (&b.percent_exact, &a.percent_exact) {
                prop_assert!(pa >= pb, "{}: {pb} -> {pa}", b.id);
            }
        }
        if let (Some(pb), Some(pa)) = (&before.overall.percent_exact, &after.overall.percent_exact) {
            prop_assert!(pa >= pb, "overall: {pb} -> {pa}");
        }
    }

    #[test]
    fn marking_an_item_not_applicable_changes_no_other_category((which, choices) in answers(), target in 0usize..40) {
        let all = instruments();
        let instrument = &all[which % all.len()];
        let n = instrument.item_count();
        let mut choices: Vec<Option<usize>> = choices.into_iter().cycle().take(n).collect();
        let i = target % n;
        let (category, item) = instrument.items().nth(i).unwrap();
        let options = &instrument.scale_of(item).unwrap().options;
        let Some(na) = options.iter().position(|o| o.excluded) else { return Ok(()) };
        let before = score(instrument, &choices);
        choices[i] = Some(na);
        let after = score(instrument, &choices);
        for (b, a) in before.categories.iter().zip(&after.categories) {
            if b.id != category.id {
                prop_assert_eq!(b, a);
            }
        }
    }

    #[test]
    fn answer_order_and_repetition_never_change_the_report((which, choices) in answers()) {
        let all = instruments();
        let instrument = &all[which % all.len()];
        let forward = instrument.validate_json(&response_text(instrument, &choices, false)).unwrap().score();
        let backward = instrument.validate_json(&response_text(instrument, &choices, true)).unwrap().score();
        let a = serde_json::to_string(&forward).unwrap();
        prop_assert_eq!(&a, &serde_json::to_string(&backward).unwrap());
        prop_assert_eq!(&a, &serde_json::to_string(&score(instrument, &choices)).unwrap());
    }

    #[test]
    fn comparing_an_assessment_with_itself_shows_no_change((which, choices) in answers()) {
        let all = instruments();
        let instrument = &all[which % all.len()];
        let report = score(instrument, &choices);
        let progress = compare(&report, &report, &CompareOptions::new()).unwrap();
        for c in &progress.categories {
            prop_assert!(c.change_exact.as_ref().is_none_or(Exact::is_zero), "{}", c.id);
            prop_assert!(c.advanced.is_empty() && c.regressed.is_empty() && c.newly_implemented.is_empty());
            prop_assert!(matches!(c.level_movement, LevelMovement::Unchanged | LevelMovement::NotComparable));
        }
        prop_assert!(progress.overall.change_exact.as_ref().is_none_or(Exact::is_zero));
        prop_assert_eq!((progress.overall.activities_advanced, progress.overall.activities_regressed), (0, 0));
    }

    #[test]
    fn swapping_pairs_negates_every_change((which, a) in answers(), (_, b) in answers()) {
        let all = instruments();
        let instrument = &all[which % all.len()];
        let (ra, mut rb) = (score(instrument, &a), score(instrument, &b));
        rb.assessed_on = jiff::civil::date(2023, 9, 1);
        let forward = compare(&ra, &rb, &CompareOptions::new()).unwrap();
        let mut ra2 = ra.clone();
        ra2.assessed_on = jiff::civil::date(2023, 10, 1);
        let backward = compare(&rb, &ra2, &CompareOptions::new()).unwrap();
        for (f, r) in forward.categories.iter().zip(&backward.categories) {
            prop_assert_eq!(f.change_exact.clone().map(|c| -c), r.change_exact.clone());
            prop_assert_eq!(f.advanced.len(), r.regressed.len());
        }
    }

    #[test]
    fn documents_round_trip_losslessly(
        (which, choices) in answers(),
        note in "\\PC{0,40}",
        name in "\\PC{1,30}",
        extension in prop::collection::btree_map("[a-z]{1,8}", prop_oneof![Just(json!(1)), Just(json!("é")), Just(json!([null, true, 2.5]))], 0..3),
        focus in any::<bool>(),
    ) {
        let all = instruments();
        let instrument = &all[which % all.len()];
        let mut doc: Value = serde_json::from_str(&response_text(instrument, &choices, false)).unwrap();
        prop_assume!(!name.trim().is_empty());
        doc["organization"]["name"] = name.into();
        doc["notes"] = json!({ instrument.items().next().unwrap().1.id.clone(): note });
        if !extension.is_empty() {
            doc["extensions"] = serde_json::to_value(&extension).unwrap();
        }
        if focus {
            doc["focus_categories"] = json!([instrument.categories()[0].id]);
        }
        // Response: both the validating and the serde paths.
        let text = doc.to_string();
        let validated = instrument.validate_json(&text).unwrap();
        prop_assert_eq!(serde_json::to_value(validated.to_response()).unwrap(), doc.clone());
        let response = Response::from_json(&text).unwrap();
        prop_assert_eq!(serde_json::to_value(&response).unwrap(), doc);
        // Score report and progress report.
        let report = validated.score();
        let report_json = serde_json::to_value(&report).unwrap();
        let back: ScoreReport = serde_json::from_value(report_json.clone()).unwrap();
        prop_assert_eq!(&back, &report);
        prop_assert_eq!(serde_json::to_value(&back).unwrap(), report_json);
        let mut later = report.clone();
        later.assessed_on = jiff::civil::date(2023, 6, 1);
        let progress = compare(&report, &later, &CompareOptions::new().with_program(Program::new(jiff::civil::date(2023, 5, 11)))).unwrap();
        let progress_json = serde_json::to_value(&progress).unwrap();
        let back: ProgressReport = serde_json::from_value(progress_json.clone()).unwrap();
        prop_assert_eq!(serde_json::to_value(&back).unwrap(), progress_json);
    }
}

#[test]
fn instruments_item_maps_and_cohort_reports_round_trip() {
    for instrument in instruments() {
        let value = serde_json::to_value(&instrument).unwrap();
        let back: Instrument = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), value);
    }
    let text = common::read("tests/data/heoa-1-to-2.item-map.json");
    let map = ItemMap::from_json(&text).unwrap();
    assert_eq!(serde_json::to_value(&map).unwrap(), serde_json::from_str::<Value>(&text).unwrap());

    let heoa = Registry::builtin().latest("heoa").unwrap();
    let mut cohort = Cohort::new();
    let spec = health_equity_assessment::synthetic::SyntheticCohort::new(25, 3).with_unpaired_share(0.2);
    for (i, r) in health_equity_assessment::synthetic::generate(heoa, &spec).enumerate() {
        cohort.add(format!("d{i}"), r.validate(heoa).unwrap().score());
    }
    let report =
        cohort.analyze(&CohortOptions::default().with_program(Program::new(jiff::civil::date(2023, 5, 11)))).unwrap();
    let value = serde_json::to_value(&report).unwrap();
    let back: CohortReport = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(serde_json::to_value(&back).unwrap(), value);
}
