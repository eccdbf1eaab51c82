//! Cost is bounded by the input: every list has a limit, a problem message never embeds an
//! unbounded list, checking an instrument full of problems is linear, a crosswalk pre-fill has
//! a named ceiling, and exact arithmetic stays linear on unusual point values.

use health_equity_assessment::Crosswalk;
use health_equity_assessment::{Cohort, CohortOptions};
use health_equity_assessment::{Exact, Instrument, Problem, Registry};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common;

fn response_with(field: &str, value: Value) -> String {
    let mut doc: Value = serde_json::from_str(&common::read("examples/heoa-baseline.json")).unwrap();
    doc[field] = value;
    doc.to_string()
}

#[test]
fn a_million_focus_categories_are_one_problem() {
    let text = response_with("focus_categories", json!(vec!["a"; 1_000_000]));
    assert!(text.len() < 4 << 20);
    let err = Registry::builtin().validate_json(&text).unwrap_err();
    assert_eq!(err.problems().len(), 1, "{err}");
    assert_eq!(err.problems()[0].code(), "too_large");
    assert_eq!(err.problems()[0].pointer(), Some("/focus_categories"));
}

#[test]
fn problem_messages_never_embed_an_unbounded_list() {
    // 1,000 unknown focus categories on an instrument of 1,000 categories.
    let mut doc = common::small_instrument();
    let categories: Vec<Value> = (0..1_000)
        .map(|k| json!({"id": format!("category-number-{k:04}"), "title": "C", "items": [{"id": format!("category-number-{k:04}.x"), "text": "x", "scale": "imp"}]}))
        .collect();
    doc["categories"] = json!(categories);
    let big = Instrument::from_json(&doc.to_string()).unwrap();
    let mut response: Value = serde_json::from_str(&common::response("small", "1.0.0", json!({}))).unwrap();
    response["focus_categories"] = json!((0..1_000).map(|k| format!("unknown-{k}")).collect::<Vec<_>>());
    let err = big.validate_json(&response.to_string()).unwrap_err();
    assert_eq!(err.problems().len(), 1_000);
    for p in err.problems() {
        let message = p.to_string();
        assert!(message.len() < 2_000, "{} characters: {}", message.len(), &message[..200]);
        assert!(message.contains("and 988 more"), "{message}");
    }

    // 200 answers outside a scale of 100 long options.
    let mut doc = common::small_instrument();
    let options: Vec<Value> = (0..100)
        .map(
            |k| json!({"id": format!("option-with-a-rather-long-identifier-number-{k:03}"), "label": "o", "points": k}),
        )
        .collect();
    doc["scales"] = json!([{"id": "imp", "options": options}]);
    let items: Vec<Value> = (0..200).map(|i| json!({"id": format!("a.i{i}"), "text": "t", "scale": "imp"})).collect();
    doc["categories"] = json!([{"id": "a", "title": "A", "items": items}]);
    let wide = Instrument::from_json(&doc.to_string()).unwrap();
    let answers: serde_json::Map<String, Value> = (0..200).map(|i| (format!("a.i{i}"), json!("nope"))).collect();
    let err = wide.validate_json(&common::response("small", "1.0.0", Value::Object(answers))).unwrap_err();
    assert_eq!(err.problems().len(), 200);
    assert!(err.problems().iter().all(|p| p.to_string().len() < 1_500 && p.to_string().contains("and 88 more")));
}

#[test]
fn an_instrument_full_of_problems_is_checked_in_linear_time_and_space() {
    // Every item names an unknown scale while 100 scales exist, and every item's stage is
    // wrong while 1,000 stages exist: messages stay short whatever the lists.
    let items = 20_000;
    let mut doc = common::small_instrument();
    let scales: Vec<Value> = (0..100)
        .map(|k| json!({"id": format!("scale-{k:03}-with-a-long-name-to-make-lists-costly"), "options": [{"id": "x", "label": "x", "points": 1}]}))
        .collect();
    doc["scales"] = json!(scales);
    let stages: Vec<Value> = (0..1_000).map(|k| json!({"id": format!("stage-{k:04}"), "label": "s"})).collect();
    doc["scoring"]["category"]["rule"] = json!({"kind": "cumulative", "stages": stages});
    let per = items / 10;
    let categories: Vec<Value> = (0..10)
        .map(|k| {
            let list: Vec<Value> = (0..per)
                .map(|i| json!({"id": format!("c{k}.i{i}"), "text": "t", "scale": "nope", "stage": "nope"}))
                .collect();
            json!({"id": format!("c{k}"), "title": "C", "items": list})
        })
        .collect();
    doc["categories"] = json!(categories);
    let text = doc.to_string();
    let err = Instrument::from_json(&text).unwrap_err();
    assert_eq!(err.problems().len(), 2 * items);
    // Each message lists at most a dozen of the known scales or stages and counts the rest.
    for p in err.problems() {
        let message = p.to_string();
        assert!(message.len() < 1_000 && message.contains("more"), "{} bytes: {message}", message.len());
    }
}

fn instrument_with_one_category(id: &str, items: usize) -> Instrument {
    let mut doc = common::small_instrument();
    doc["id"] = json!(id);
    let list: Vec<Value> = (0..items).map(|i| json!({"id": format!("a.i{i}"), "text": "t", "scale": "imp"})).collect();
    doc["categories"] = json!([{"id": "a", "title": "A", "items": list}]);
    Instrument::from_json(&doc.to_string()).unwrap()
}

#[test]
fn a_crosswalk_pre_fill_has_a_named_ceiling() {
    let from = instrument_with_one_category("wide-from", 2_000);
    let to = instrument_with_one_category("wide-to", 1_000);
    let rationale = "r".repeat(10_000);
    let crosswalk = Crosswalk::from_json(
        &json!({
            "format_version": 1,
            "from": {"id": "wide-from", "versions": "^1"},
            "to": {"id": "wide-to", "versions": "^1"},
            "rows": [{"from": ["a"], "to": "a", "basis": "inferred", "rationale": rationale}]
        })
        .to_string(),
    )
    .unwrap();
    crosswalk.check(&from, &to).unwrap();
    let report = from.validate_json(&common::response("wide-from", "1.0.0", json!({}))).unwrap().score();
    // 1,000 target items × 2,000 source items: two million evidence entries.
    let err = crosswalk.apply(&report, &to).unwrap_err();
    assert_eq!(err.codes(), ["too_large"], "{err}");
    // Under the ceiling the rationale is written once, not once per evidence entry.
    let small_to = instrument_with_one_category("wide-to", 100);
    let prefill = crosswalk.apply(&report, &small_to).unwrap();
    assert_eq!(prefill.rows.len(), 1);
    assert_eq!(prefill.items.iter().map(|i| i.evidence.len()).sum::<usize>(), 200_000);
    let json = serde_json::to_string(&prefill).unwrap();
    assert_eq!(json.matches(&rationale).count(), 1);
}

#[test]
fn crosswalk_files_have_the_instrument_limits() {
    let many: Vec<String> = (0..1_001).map(|i| format!("a.i{i}")).collect();
    let err = Crosswalk::from_json(
        &json!({"format_version": 1, "from": {"id": "x", "versions": "^1"}, "to": {"id": "y", "versions": "^1"},
            "rows": [{"from": many, "to": "a", "basis": "inferred", "rationale": "r"}]})
        .to_string(),
    )
    .unwrap_err();
    assert_eq!(err.codes(), ["too_many"], "{err}");
    let err = Crosswalk::from_json(r#"{"format_version": 1, "format_version": 1}"#).unwrap_err();
    assert_eq!(err.codes(), ["duplicate_key", "missing_field", "missing_field", "missing_field"], "{err}");
}

/// An instrument whose items have unrelated prime top points and a not-applicable option, so
/// every organization's category maxima differ.
fn prime_instrument() -> Instrument {
    let primes = [7919u32, 7927, 7933, 7937, 7949, 7951, 7963, 7993, 8009, 8011, 8017, 8039, 8053, 8059, 8069, 8081];
    let mut doc = common::small_instrument();
    let scales: Vec<Value> = primes
        .iter()
        .enumerate()
        .map(|(k, p)| {
            json!({"id": format!("s{k}"), "options": [
            {"id": "none", "label": "n", "points": 0}, {"id": "half", "label": "h", "points": p / 2},
            {"id": "top", "label": "t", "points": p}, {"id": "na", "label": "na", "excluded": true}]})
        })
        .collect();
    doc["scales"] = json!(scales);
    let categories: Vec<Value> = (0..4)
        .map(|c| {
            let items: Vec<Value> = (0..4)
                .map(|i| json!({"id": format!("c{c}.i{i}"), "text": "t", "scale": format!("s{}", c * 4 + i)}))
                .collect();
            json!({"id": format!("c{c}"), "title": "C", "items": items})
        })
        .collect();
    doc["categories"] = json!(categories);
    Instrument::from_json(&doc.to_string()).unwrap()
}

#[test]
fn exact_cohort_statistics_stay_linear_on_prime_point_values() {
    let instrument = prime_instrument();
    let options = ["none", "half", "top", "na", "na"];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut cohort = Cohort::new();
    let (mut differences, mut first_category) = (Vec::new(), Vec::new());
    for org in 0..600 {
        let mut pair = Vec::new();
        for date in ["2023-01-01", "2023-06-01"] {
            let answers: serde_json::Map<String, Value> =
                instrument.items().map(|(_, item)| (item.id.clone(), json!(options[(next() % 5) as usize]))).collect();
            let mut doc: Value =
                serde_json::from_str(&common::response("small", "1.0.0", Value::Object(answers))).unwrap();
            doc["organization"]["id"] = json!(format!("org-{org}"));
            doc["assessed_on"] = json!(date);
            let report = instrument.validate_json(&doc.to_string()).unwrap().score();
            cohort.add(format!("{org}-{date}"), report.clone());
            pair.push(report);
        }
        if let (Some(b), Some(f)) = (&pair[0].overall.percent_exact, &pair[1].overall.percent_exact) {
            differences.push(f - b);
        }
        if let (Some(b), Some(f)) = (&pair[0].categories[0].percent_exact, &pair[1].categories[0].percent_exact) {
            first_category.push(f - b);
        }
    }
    let report = cohort.analyze(&CohortOptions::default()).unwrap();
    let group = &report.instruments[0];
    assert_eq!(group.pairs, 600);
    // The cohort adds the percents term by term in linear time; the result is the plain
    // rational mean of the differences, added one by one.
    let mean = |d: &[Exact]| d.iter().fold(Exact::zero(), |acc, v| &acc + v).div_int(d.len() as u64);
    assert_eq!(group.overall.mean_change_exact, mean(&differences));
    assert_eq!(group.categories[0].mean_change_exact, mean(&first_category));
    assert_eq!(group.overall.n_pairs, differences.len() as u64);
}

proptest! {
    /// The linear-time exact sum equals adding the fractions one by one.
    #[test]
    fn exact_sums_equal_the_step_by_step_sum(
        terms in prop::collection::vec((-1_000_000_000i128..1_000_000_000, 1i128..100_000_000_000), 0..60),
        huge in prop::collection::vec((any::<i64>(), 1i64..i64::MAX), 0..4),
    ) {
        let mut values: Vec<Exact> = terms.iter().filter_map(|(n, d)| Exact::new(*n, *d)).collect();
        values.extend(huge.iter().filter_map(|(n, d)| Exact::new(i128::from(*n) << 60, i128::from(*d))));
        let step = values.iter().fold(Exact::zero(), |acc, v| &acc + v);
        let sum: Exact = values.iter().sum();
        prop_assert_eq!(sum, step);
    }
}

#[test]
fn suggestions_for_many_unknown_keys_cost_little() {
    // 20,000 unknown keys of 150 characters: suggestions are looked for the first few only.
    let answers: serde_json::Map<String, serde_json::Value> =
        (0..20_000).map(|i| (format!("{i:0>150}"), serde_json::Value::from("planning"))).collect();
    let text = crate::common::response("heoa", "1.0.0", serde_json::Value::Object(answers));
    let start = std::time::Instant::now();
    let err = health_equity_assessment::Registry::builtin().validate_json(&text).unwrap_err();
    assert_eq!(err.problems().len(), 20_000);
    assert!(start.elapsed() < std::time::Duration::from_secs(5), "{:?}", start.elapsed());
}
