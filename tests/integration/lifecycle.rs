//! Instruments over time: lifecycle metadata is read, checked, shown and carried into reports,
//! and a retired instrument still scores.

#[cfg(feature = "fhir")]
use health_equity_assessment::fhir;
use health_equity_assessment::{
    CompareOptions, Instrument, InstrumentListing, LifecycleStatus, Problem, Registry, compare,
};
use serde_json::{Value, json};

use crate::common;

fn with(mut instrument: Value, lifecycle: Value) -> Value {
    instrument["lifecycle"] = lifecycle;
    instrument
}

fn codes(instrument: &Value) -> Vec<String> {
    match Instrument::from_json(&instrument.to_string()) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems().iter().map(|p| format!("{} {}", p.code(), p.pointer().unwrap_or_default())).collect(),
    }
}

#[test]
fn a_file_without_lifecycle_is_active_and_reports_carry_nothing_new() {
    let heoa = Registry::builtin().latest("heoa").unwrap();
    assert_eq!(heoa.status(), LifecycleStatus::Active);
    assert!(heoa.lifecycle().is_none());
    let report = Registry::builtin().validate_json(&common::read("examples/heoa-baseline.json")).unwrap().score();
    assert!(report.instrument_status.is_none());
    assert!(!serde_json::to_string(&report).unwrap().contains("instrument_status"));
}

#[test]
fn a_retired_instrument_still_scores_and_says_so() {
    let registry = Registry::builtin();
    let validated = registry.validate_json(&common::read("examples/cms-hche.json")).unwrap();
    let report = validated.score();
    let status = report.instrument_status.as_ref().unwrap();
    assert_eq!(status.status, LifecycleStatus::Retired);
    assert_eq!(status.retired.unwrap().to_string(), "2025-10-01");
    assert_eq!(report.overall.points, 4);
    // The fast writer writes the same bytes as serde, status included.
    let mut fast = Vec::new();
    validated.write_score_json(&mut fast);
    assert_eq!(String::from_utf8(fast).unwrap(), serde_json::to_string(&report).unwrap());
    let mut fast = Vec::new();
    validated.write_summary_json(&mut fast);
    assert_eq!(String::from_utf8(fast).unwrap(), serde_json::to_string(&validated.score_summary()).unwrap());
    // Progress reports carry each side's status.
    let mut later = report.clone();
    later.assessed_on = health_equity_assessment::Date::constant(2024, 5, 1);
    let progress = compare(&report, &later, &CompareOptions::default()).unwrap();
    assert_eq!(progress.baseline.instrument_status.as_ref(), Some(status));
    assert_eq!(progress.follow_up.instrument_status.as_ref(), Some(status));
    // The listing and the FHIR Questionnaire say it too.
    let hche = registry.latest("cms-hche").unwrap();
    let listing = InstrumentListing::of(hche);
    assert_eq!(listing.status, LifecycleStatus::Retired);
    #[cfg(feature = "fhir")]
    {
        let q = fhir::export_instrument(hche, &fhir::FhirOptions::default());
        assert_eq!(serde_json::to_value(q.status).unwrap(), json!("retired"));
    }
}

#[test]
fn the_joint_commission_instrument_carries_its_successor_names() {
    let tjc = Registry::builtin().latest("tjc-ld-04-03-08").unwrap();
    let lifecycle = tjc.lifecycle().unwrap();
    let names: Vec<&str> = lifecycle.aliases.iter().map(|a| a.name.as_str()).collect();
    assert!(names[0].starts_with("LD.04.03.08"));
    assert!(names[1].starts_with("NPSG.16.01.01"));
    let current = lifecycle.current_name().unwrap();
    assert!(current.name.starts_with("National Performance Goal 4"));
    assert_eq!(current.from.unwrap().to_string(), "2026-01-01");
}

#[test]
fn inconsistent_lifecycles_are_refused_with_pointers() {
    let small = common::small_instrument();
    assert!(codes(&with(small.clone(), json!({ "status": "retired", "retired": "2025-10-01" }))).is_empty());
    assert_eq!(codes(&with(small.clone(), json!({ "status": "retired" }))), ["invalid_value /lifecycle/retired"]);
    assert_eq!(
        codes(&with(small.clone(), json!({ "status": "superseded" }))),
        ["invalid_value /lifecycle/superseded_by"]
    );
    assert_eq!(
        codes(&with(small.clone(), json!({ "effective": "2025-01-01", "retired": "2024-01-01" }))),
        ["invalid_value /lifecycle/retired"]
    );
    assert_eq!(
        codes(&with(
            small.clone(),
            json!({ "aliases": [{ "name": "x", "from": "2025-01-01", "until": "2024-01-01" }] })
        )),
        ["invalid_value /lifecycle/aliases/0/until"]
    );
    assert_eq!(
        codes(&with(
            small.clone(),
            json!({ "superseded_by": { "id": "small", "version": "1.0.0" }, "status": "superseded" })
        )),
        ["invalid_value /lifecycle/superseded_by"]
    );
    // Unknown fields, bad statuses and bad dates are refused at the lifecycle's pointer; a
    // list or `null` where an object or a string belongs too.
    assert_eq!(codes(&with(small.clone(), json!({ "state": "retired" }))), ["unknown_field /lifecycle"]);
    for bad in [
        json!({ "status": "gone" }),
        json!({ "retired": "2025-13-01" }),
        json!({ "notes": null }),
        json!({ "aliases": [{ "name": "x", "source": null }] }),
    ] {
        assert_eq!(codes(&with(small.clone(), bad.clone())), ["invalid_value /lifecycle"], "{bad}");
    }
    assert_eq!(codes(&with(small.clone(), json!([]))), ["invalid_value /lifecycle"]);
    assert_eq!(codes(&with(small.clone(), json!({ "aliases": [[]] }))), ["invalid_value /lifecycle/aliases/0"]);
    assert_eq!(
        codes(&with(small.clone(), json!({ "superseded_by": ["x", "1.0.0"] }))),
        ["invalid_value /lifecycle/superseded_by"]
    );
}

#[test]
fn item_versions_are_checked_against_the_edition() {
    let mut small = common::small_instrument();
    small["categories"][0]["items"][0]["introduced"] = json!("1.0.0");
    assert!(codes(&small).is_empty());
    small["categories"][0]["items"][0]["introduced"] = json!("2.0.0");
    small["categories"][0]["items"][0]["retired"] = json!("1.0.0");
    let found = codes(&small);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].ends_with("/items/0/introduced") && found[1].ends_with("/items/0/retired"), "{found:?}");
    small["categories"][0]["items"][0]["introduced"] = json!("one");
    small["categories"][0]["items"][0].as_object_mut().unwrap().remove("retired");
    assert_eq!(codes(&small), ["invalid_version /categories/0/items/0/introduced"]);
}

#[test]
fn change_labels_between_editions() {
    use health_equity_assessment::{ChangeLabel, item_changes};
    let v1 = Instrument::from_json(&common::small_instrument().to_string()).unwrap();
    let mut next = common::small_instrument();
    next["version"] = json!("1.1.0");
    // a.two is reworded, a.three dropped, b.three added.
    next["categories"][0]["items"][1]["text"] = json!("A two, asked differently");
    next["categories"][0]["items"].as_array_mut().unwrap().pop();
    next["categories"][1]["items"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "b.three", "text": "B three", "scale": "imp", "introduced": "1.1.0"}));
    let v2 = Instrument::from_json(&next.to_string()).unwrap();
    let before = common::response(
        "small",
        "1.0.0",
        json!({"a.one": "some", "a.two": "some", "a.three": "all", "b.one": "all", "b.two": "na"}),
    );
    let after = common::response(
        "small",
        "1.1.0",
        json!({"a.one": "most", "a.two": "all", "b.one": "some", "b.two": "some", "b.three": "none"}),
    );
    let (before, after) = (v1.validate_json(&before).unwrap(), v2.validate_json(&after).unwrap());
    let labels: Vec<(String, ChangeLabel)> =
        item_changes(&before, &after).into_iter().map(|d| (d.item.to_string(), d.label)).collect();
    let expected = [
        ("a.one", ChangeLabel::Improved),
        ("a.two", ChangeLabel::Modified),
        ("b.one", ChangeLabel::Regressed),
        ("b.two", ChangeLabel::NotComparable),
        ("b.three", ChangeLabel::New),
        ("a.three", ChangeLabel::Removed),
    ];
    assert_eq!(labels, expected.map(|(i, l)| (i.to_owned(), l)));
}
