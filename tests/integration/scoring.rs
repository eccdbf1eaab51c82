//! The scoring rules of the domain brief, exactly.

use crate::common;

use health_equity_assessment::{Exact, Instrument, Registry, ScoreReport};
use health_equity_assessment::{ItemStatus, OverallRuleKind};
use serde_json::{Value, json};

fn score(instrument: &Value, answers: Value) -> ScoreReport {
    let instrument = Instrument::from_json(&instrument.to_string()).unwrap();
    let id = instrument.id().to_owned();
    let version = instrument.version().to_string();
    instrument.validate_json(&common::response(&id, &version, answers)).unwrap().score()
}

fn ex(s: &str) -> Exact {
    s.parse().unwrap()
}

#[test]
fn not_applicable_leaves_numerator_and_denominator() {
    let r = score(&common::small_instrument(), json!({"a.one": "all", "a.two": "na", "a.three": "none"}));
    let a = r.category("a").unwrap();
    assert_eq!((a.points, a.max_points), (3, 6));
    assert_eq!(a.percent_exact, Some(ex("50")));
    assert_eq!(a.level.as_deref(), Some("advancing"));
    assert_eq!(a.not_applicable, ["a.two"]);
    assert_eq!(a.answered, 3);
    assert!(a.missing.is_empty());
}

#[test]
fn missing_items_score_zero_and_stay_in_the_denominator() {
    let r = score(&common::small_instrument(), json!({"a.one": "all"}));
    let a = r.category("a").unwrap();
    assert_eq!((a.points, a.max_points, a.answered), (3, 9, 1));
    assert_eq!(a.percent, Some(33.33));
    assert_eq!(a.percent_exact, Some(ex("100/3")));
    assert_eq!(a.missing, ["a.two", "a.three"]);
    assert_eq!(a.items[1].status, ItemStatus::Missing);
    // Missing is not "no": answering the lowest option gives the same points but is not missing.
    let r2 = score(&common::small_instrument(), json!({"a.one": "all", "a.two": "none", "a.three": "none"}));
    assert_eq!(r2.category("a").unwrap().percent_exact, a.percent_exact);
    assert!(r2.category("a").unwrap().missing.is_empty());
    assert_eq!(r2.category("a").unwrap().items[1].status, ItemStatus::Unmet);
}

#[test]
fn an_all_not_applicable_category_has_no_percent_and_no_level_and_is_left_out_of_the_mean() {
    let r = score(
        &common::small_instrument(),
        json!({"a.one": "all", "a.two": "all", "a.three": "some", "b.one": "na", "b.two": "na"}),
    );
    let b = r.category("b").unwrap();
    assert_eq!((b.percent, &b.percent_exact, &b.level), (None, &None, &None));
    assert_eq!((b.points, b.max_points), (0, 0));
    assert_eq!(r.overall.categories_scored, 1);
    assert_eq!(r.overall.percent_exact, r.category("a").unwrap().percent_exact);
    let none = score(
        &common::small_instrument(),
        json!({"a.one": "na", "a.two": "na", "a.three": "na", "b.one": "na", "b.two": "na"}),
    );
    assert_eq!((none.overall.percent, none.overall.level.as_deref()), (None, None));
    assert!(none.opportunities.is_empty());
}

#[test]
fn band_boundaries_are_inclusive_and_exact() {
    // HEOA data-validation has four items of three points: 3, 6 and 9 of 12 are exactly 25, 50, 75.
    let heoa = Registry::builtin().latest("heoa").unwrap();
    let cases = [
        (["planning", "planning", "planning", "not_started"], "25", "developing"),
        (["planning", "planning", "not_started", "not_started"], "50/3", "beginning"),
        (["in_progress", "in_progress", "in_progress", "not_started"], "50", "advancing"),
        (["implemented", "implemented", "implemented", "not_started"], "75", "leading"),
        (["implemented", "implemented", "in_progress", "not_started"], "200/3", "advancing"),
        (["implemented", "implemented", "implemented", "implemented"], "100", "leading"),
        (["not_started", "not_started", "not_started", "not_started"], "0", "beginning"),
    ];
    let items = ["completeness-monitored", "accuracy-audited", "feedback-to-staff", "targets-set"];
    for (answers, percent, level) in cases {
        let answers: serde_json::Map<String, Value> =
            items.iter().zip(answers).map(|(i, a)| (format!("data-validation.{i}"), Value::from(a))).collect();
        let r = heoa.validate_json(&common::response("heoa", "1.0.0", Value::Object(answers.clone()))).unwrap().score();
        let c = r.category("data-validation").unwrap();
        assert_eq!(c.percent_exact, Some(ex(percent)), "{answers:?}");
        assert_eq!(c.level.as_deref(), Some(level), "{answers:?}");
    }
}

#[test]
fn a_hair_below_a_threshold_stays_below_even_when_it_displays_as_the_threshold() {
    let mut doc = common::small_instrument();
    doc["scales"] = json!([{"id": "fine", "options": [
        {"id": "low", "label": "Low", "points": 0},
        {"id": "just-under", "label": "Just under", "points": 749_999},
        {"id": "at", "label": "At", "points": 750_000},
        {"id": "top", "label": "Top", "points": 1_000_000}
    ]}]);
    for category in doc["categories"].as_array_mut().unwrap() {
        for item in category["items"].as_array_mut().unwrap() {
            item["scale"] = "fine".into();
        }
    }
    doc["categories"][0]["items"] = json!([{"id": "a.one", "text": "A one", "scale": "fine"}]);
    let under = score(&doc, json!({"a.one": "just-under"}));
    let a = under.category("a").unwrap();
    assert_eq!(a.percent_exact, Some(ex("749999/10000")));
    assert_eq!(a.percent, Some(75.0), "74.9999 displays as 75.00");
    assert_eq!(a.level.as_deref(), Some("advancing"), "but it is below 75 exactly");
    let at = score(&doc, json!({"a.one": "at"}));
    assert_eq!(at.category("a").unwrap().level.as_deref(), Some("leading"));

    // 74.99…% with a plain 3-point scale: 2999 of 3999 points.
    let third = ex("2999").checked_div(&ex("3999")).unwrap();
    let percent = &third * &ex("100");
    assert!(percent < ex("75"));
    assert_eq!(percent.to_decimal_string(2), "74.99");
}

#[test]
fn the_overall_percent_is_the_mean_of_category_percents() {
    let text = common::read("examples/heoa-baseline.json");
    let r = Registry::builtin().validate_json(&text).unwrap().score();
    let sum: Exact = r.categories.iter().filter_map(|c| c.percent_exact.clone()).sum();
    assert_eq!(r.overall.percent_exact, sum.div_int(7));
    assert_eq!(r.overall.percent, Some(30.4));
    assert_eq!(r.overall.level.as_deref(), Some("developing"));
    assert_eq!(r.overall.rule, OverallRuleKind::MeanOfCategoryPercents);
    assert!(r.categories.iter().all(|c| c.level.is_some()));
}

#[test]
fn opportunities_lowest_categories_first_then_lowest_answers_then_instrument_order() {
    let r = score(
        &common::small_instrument(),
        json!({"a.one": "most", "a.two": "some", "a.three": "all", "b.one": "most", "b.two": "all"}),
    );
    // a = 6/9 = 66.67 %, b = 5/6 = 83.33 %.
    let order: Vec<(&str, Option<&str>)> =
        r.opportunities.iter().map(|o| (o.item.as_str(), o.answer.as_deref())).collect();
    assert_eq!(order, [("a.two", Some("some")), ("a.one", Some("most")), ("b.one", Some("most"))]);

    let r = score(
        &common::small_instrument(),
        json!({"a.one": "none", "a.three": "some", "b.one": "none", "b.two": "none"}),
    );
    // a = 1/9, b = 0/6: b first; in a the unanswered a.two (0) ties with a.one (0) and follows
    // instrument order, then a.three.
    let order: Vec<&str> = r.opportunities.iter().map(|o| o.item.as_str()).collect();
    assert_eq!(order, ["b.one", "b.two", "a.one", "a.two", "a.three"]);
    assert_eq!(r.opportunities[3].answer, None);
}

#[test]
fn scoring_is_deterministic_and_independent_of_answer_order() {
    let text = common::read("examples/heoa-follow-up.json");
    let registry = Registry::builtin();
    let a = serde_json::to_string(&registry.validate_json(&text).unwrap().score()).unwrap();
    let b = serde_json::to_string(&registry.validate_json(&text).unwrap().score()).unwrap();
    assert_eq!(a, b);
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut reversed = serde_json::Map::new();
    for (k, v) in doc["answers"].as_object().unwrap().iter().rev() {
        reversed.insert(k.clone(), v.clone());
    }
    let mut doc2 = doc.clone();
    doc2["answers"] = Value::Object(reversed);
    let c = serde_json::to_string(&registry.validate_json(&doc2.to_string()).unwrap().score()).unwrap();
    assert_eq!(a, c);
}

/// An HCHE-like instrument: yes/no elements, all-of domains, overall = domains met of total.
fn attestation_instrument() -> Value {
    let mut doc = common::small_instrument();
    doc["scales"] = json!([{"id": "attest", "options": [
        {"id": "no", "label": "No", "points": 0},
        {"id": "yes", "label": "Yes", "points": 1}
    ]}]);
    for category in doc["categories"].as_array_mut().unwrap() {
        for item in category["items"].as_array_mut().unwrap() {
            item["scale"] = "attest".into();
        }
    }
    doc["scoring"] = json!({
        "category": {"rule": {"kind": "all_of", "points": 1}, "levels": "domain"},
        "overall": {"rule": {"kind": "sum_of_category_points"}, "levels": "score"},
        "level_sets": [
            {"id": "domain", "levels": [{"id": "not_met", "label": "Not met", "min_percent": 0}, {"id": "met", "label": "Met", "min_percent": 100}]},
            {"id": "score", "levels": [{"id": "0", "label": "0 of 2", "min_percent": 0}, {"id": "1", "label": "1 of 2", "min_percent": 50}, {"id": "2", "label": "2 of 2", "min_percent": 100}]}
        ]
    });
    doc
}

#[test]
fn all_of_domains_earn_their_point_only_when_every_element_is_attested() {
    let doc = attestation_instrument();
    let r = score(&doc, json!({"a.one": "yes", "a.two": "yes", "a.three": "yes", "b.one": "yes", "b.two": "no"}));
    assert_eq!((r.category("a").unwrap().points, r.category("a").unwrap().level.as_deref()), (1, Some("met")));
    assert_eq!((r.category("b").unwrap().points, r.category("b").unwrap().level.as_deref()), (0, Some("not_met")));
    assert_eq!((r.overall.points, r.overall.max_points, r.overall.level.as_deref()), (1, 2, Some("1")));
    assert_eq!(r.opportunities.iter().map(|o| o.item.as_str()).collect::<Vec<_>>(), ["b.two"]);
    // An unanswered element fails its domain.
    let r = score(&doc, json!({"a.one": "yes", "a.two": "yes", "b.one": "yes", "b.two": "yes"}));
    assert_eq!(r.overall.level.as_deref(), Some("1"));
    assert_eq!(r.category("a").unwrap().missing, ["a.three"]);
}

#[test]
fn cumulative_stages_count_only_complete_prefixes() {
    let mut doc = common::small_instrument();
    doc["scoring"]["category"]["rule"] = json!({"kind": "cumulative", "stages": [
        {"id": "exploring", "label": "Exploring"}, {"id": "committing", "label": "Committing"}, {"id": "transforming", "label": "Transforming"}
    ]});
    for (i, stage) in ["exploring", "committing", "transforming"].iter().enumerate() {
        doc["categories"][0]["items"][i]["stage"] = (*stage).into();
    }
    doc["categories"][1]["items"][0]["stage"] = "exploring".into();
    doc["categories"][1]["items"][1]["stage"] = "transforming".into();
    // a: stage 1 met, stage 2 not, stage 3 met: reaches 1 of 3 (no credit past a gap).
    // b: exploring met, committing has no items (vacuously met), transforming met: 3 of 3.
    let r = score(&doc, json!({"a.one": "all", "a.two": "most", "a.three": "all", "b.one": "all", "b.two": "all"}));
    let a = r.category("a").unwrap();
    assert_eq!((a.points, a.max_points), (1, 3));
    assert_eq!(a.percent_exact, Some(ex("100/3")));
    assert_eq!(r.category("b").unwrap().points, 3);
}
