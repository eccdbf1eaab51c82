//! Validating a response reports every problem, each naming the item or path and the bad value.

use crate::common;

use health_equity_assessment::{Instrument, Problem, Registry, Response, ResponseLimits};
use serde_json::json;

fn codes(text: &str) -> Vec<(String, String)> {
    let err = Registry::builtin().validate_json(text).expect_err("should be invalid");
    err.problems().iter().map(|p| (p.code().to_owned(), p.pointer().unwrap_or("").to_owned())).collect()
}

fn heoa(answers: serde_json::Value) -> String {
    common::response("heoa", "1.0.0", answers)
}

#[test]
fn the_examples_are_valid_and_partial_responses_are_allowed() {
    for file in common::json_files("examples") {
        let text = common::read(&format!("examples/{file}"));
        Registry::builtin().validate_json(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    let v = Registry::builtin().validate_json(&heoa(json!({"data-collection.sogi": "planning"}))).unwrap();
    assert_eq!(v.missing().count(), 32);
}

#[test]
fn unknown_item_bad_option_and_duplicate_key_are_all_named() {
    let err = Registry::builtin().validate_json(&common::read("tests/data/invalid-three-problems.json")).unwrap_err();
    let text = err.to_string();
    assert_eq!(err.problems().len(), 3, "{text}");
    assert!(text.contains("\"mostly\" is not an option for item \"data-collection.sogi\""), "{text}");
    assert!(text.contains("key \"data-collection.real-self-reported\" appears more than once"), "{text}");
    assert!(text.contains("unknown item \"data-collection.eye-colour\" in instrument heoa@1.0.0"), "{text}");
}

#[test]
fn unknown_instrument_and_unknown_version() {
    let found = codes(&common::response("heoa-x", "1.0.0", json!({})));
    assert_eq!(found, [("unknown_instrument".to_owned(), "/instrument/id".to_owned())]);
    let found = codes(&common::response("heoa", "1.1.0", json!({})));
    assert_eq!(found, [("unknown_version".to_owned(), "/instrument/version".to_owned())]);
    let found = codes(&common::response("heoa", "one", json!({})));
    assert_eq!(found, [("invalid_version".to_owned(), "/instrument/version".to_owned())]);
}

#[test]
fn unknown_top_level_field_malformed_date_and_unknown_focus_category() {
    let mut doc: serde_json::Value = serde_json::from_str(&heoa(json!({"data-collection.sogi": 3}))).unwrap();
    doc["assessed_on"] = "2023-02-29".into();
    doc["respondent"] = "Q. Lead".into();
    doc["focus_categories"] = json!(["data-validation", "data-valdation", "data-validation"]);
    doc["notes"] = json!({"data-collection.nope": "x", "data-collection.sogi": 1});
    let found = codes(&doc.to_string());
    for expected in [
        ("unknown_field", ""),
        ("malformed_date", "/assessed_on"),
        ("invalid_value", "/answers/data-collection.sogi"),
        ("unknown_item", "/notes/data-collection.nope"),
        ("invalid_value", "/notes/data-collection.sogi"),
        ("unknown_focus_category", "/focus_categories/1"),
        ("duplicate_focus_category", "/focus_categories/2"),
    ] {
        assert!(found.iter().any(|(c, p)| c == expected.0 && p == expected.1), "{expected:?} not in {found:?}");
    }
}

#[test]
fn optional_fields_are_strings_not_null() {
    for (field, value) in
        [("name", serde_json::Value::Null), ("name", json!(7)), ("name", json!("  ")), ("id", json!(null))]
    {
        let mut doc: serde_json::Value = serde_json::from_str(&heoa(json!({}))).unwrap();
        doc["organization"][field] = value.clone();
        let found = codes(&doc.to_string());
        assert_eq!(found, [("invalid_value".to_owned(), format!("/organization/{field}"))], "{field}: {value}");
    }
    let mut doc: serde_json::Value = serde_json::from_str(&heoa(json!({}))).unwrap();
    doc["organization"].as_object_mut().unwrap().remove("name");
    assert!(Registry::builtin().validate_json(&doc.to_string()).is_ok());
    doc["notes"] = serde_json::Value::Null;
    assert_eq!(codes(&doc.to_string())[0], ("invalid_value".to_owned(), "/notes".to_owned()));
}

#[test]
fn dates_must_be_exactly_yyyy_mm_dd() {
    for bad in ["2023-1-05", "2023-01-05T00:00:00", "20230105", "2023-13-01", " 2023-01-05", "２０２３-01-05"] {
        let mut doc: serde_json::Value = serde_json::from_str(&heoa(json!({}))).unwrap();
        doc["assessed_on"] = bad.into();
        assert_eq!(codes(&doc.to_string())[0].0, "malformed_date", "{bad}");
    }
}

#[test]
fn structural_problems() {
    assert_eq!(codes("{")[0].0, "syntax");
    assert_eq!(codes("[]")[0].0, "invalid_value");
    assert_eq!(codes("{} trailing")[0].0, "syntax");
    let found = codes("{}");
    assert_eq!(found.iter().filter(|(c, _)| c == "missing_field").count(), 4, "{found:?}");
    let found = codes(
        r#"{"instrument": {"id": "heoa", "version": "1.0.0", "edition": 2}, "organization": {"id": ""},
        "assessed_on": "2023-01-01", "answers": [], "instrument": {"id": "heoa", "version": "1.0.0"}}"#,
    );
    for expected in [
        ("unknown_field", "/instrument"),
        ("invalid_value", "/organization/id"),
        ("invalid_value", "/answers"),
        ("duplicate_key", ""),
    ] {
        assert!(found.iter().any(|(c, p)| c == expected.0 && p == expected.1), "{expected:?} not in {found:?}");
    }
}

#[test]
fn a_custom_instrument_and_a_mismatched_response() {
    let small = Instrument::from_json(&common::small_instrument().to_string()).unwrap();
    let ok = small.validate_json(&common::response("small", "1.0.0", json!({"a.one": "all"}))).unwrap();
    assert_eq!(ok.answer("a.one").unwrap().label, "All");
    let err = small.validate_json(&heoa(json!({"a.one": "all"}))).unwrap_err();
    assert_eq!(err.problems()[0].code(), "instrument_mismatch");
    assert!(err.to_string().contains("the response is for heoa@1.0.0, but it is being checked against small@1.0.0"));
}

#[test]
fn the_serde_path_and_the_validating_path_agree() {
    let text = common::read("examples/heoa-baseline.json");
    let response: Response = serde_json::from_str(&text).unwrap();
    assert_eq!(Response::from_json(&text).unwrap(), response);
    let via_registry = Registry::builtin().validate_json(&text).unwrap();
    let via_response = response.validate(via_registry.instrument()).unwrap();
    assert_eq!(via_registry, via_response);
    // serde alone refuses a duplicate answer key instead of keeping the last one.
    let dup = common::read("tests/data/invalid-three-problems.json");
    let err = serde_json::from_str::<Response>(&dup).unwrap_err().to_string();
    assert!(err.contains("/answers: key \"data-collection.real-self-reported\" appears more than once"), "{err}");
}

#[test]
fn round_trip_is_lossless_including_notes_extensions_and_non_ascii() {
    let mut doc: serde_json::Value = serde_json::from_str(&common::read("examples/heoa-baseline.json")).unwrap();
    doc["organization"]["name"] = "Hôpital Communautaire d’Exemple — 東京".into();
    doc["notes"]["data-collection.sogi"] = "Schulung geplant; 患者の同意 ✓".into();
    doc["extensions"] = json!({"x-region": "QIN-QIO 12", "nested": {"list": [1, 2.5, null, true]}});
    let text = doc.to_string();
    let validated = Registry::builtin().validate_json(&text).unwrap();
    assert_eq!(serde_json::to_value(validated.to_response()).unwrap(), doc);
    let response = Response::from_json(&text).unwrap();
    assert_eq!(serde_json::to_value(&response).unwrap(), doc);
    // Present-but-empty optional parts survive too.
    doc["notes"] = json!({});
    doc["focus_categories"] = json!([]);
    doc["extensions"] = json!({});
    let response = Response::from_json(&doc.to_string()).unwrap();
    assert_eq!(serde_json::to_value(&response).unwrap(), doc);
}

#[test]
fn limits_are_checked_before_the_work() {
    let text = common::read("examples/heoa-baseline.json");
    let limits = ResponseLimits::default().with_max_document_bytes(100);
    let err = Registry::builtin().validate_json_with(&text, &limits).unwrap_err();
    assert_eq!(err.problems()[0].code(), "too_large");
    let limits = ResponseLimits::default().with_max_answers(5);
    let err = Registry::builtin().validate_json_with(&text, &limits).unwrap_err();
    assert!(err.problems().iter().any(|p| p.code() == "too_large" && p.pointer() == Some("/answers")));
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["notes"]["data-collection.sogi"] = "x".repeat(70_000).into();
    let err = Registry::builtin().validate_json(&doc.to_string()).unwrap_err();
    assert!(err.problems().iter().any(|p| p.code() == "too_large"), "{err}");
}

#[test]
fn another_kind_of_document_is_named_once_not_field_by_field() {
    let one = |text: &str| {
        let err = Registry::builtin().validate_json(text).expect_err("should be invalid");
        assert_eq!(err.problems().len(), 1, "{err}");
        err.problems()[0].to_string()
    };
    let qr = common::read("examples/fhir/heoa-baseline.questionnaire-response.json");
    assert_eq!(codes(&qr), [("not_a_response".to_owned(), String::new())]);
    assert!(one(&qr).starts_with("the document is a FHIR QuestionnaireResponse, not a response document"));
    assert!(one(r#"{"resourceType": 7, "id": "x"}"#).starts_with("the document is a FHIR resource,"));
    let instrument = common::read("assessments/heoa/1.0.0.json");
    assert!(one(&instrument).starts_with("the document is an instrument file, not a response document"));
    // With an `instrument` field it is a (broken) response: every problem is listed as usual.
    let response_like = heoa(json!({})).replacen('{', r#"{"resourceType": "QuestionnaireResponse", "#, 1);
    assert_eq!(codes(&response_like), [("unknown_field".to_owned(), String::new())]);
    // Empty input says so.
    for empty in ["", "  \n", "\u{feff}"] {
        assert_eq!(
            one(empty),
            format!("line {}, column 1: not valid JSON: the input is empty", 1 + empty.matches('\n').count())
        );
    }
}

#[test]
fn near_misses_get_a_suggestion_never_a_correction() {
    let cases = [
        ("Implemented", "implemented"),
        ("not applicable", "not_applicable"),
        ("in-progress", "in_progress"),
        ("implemnted", "implemented"),
    ];
    for (typed, meant) in cases {
        let err = Registry::builtin()
            .validate_json(&heoa(json!({ "data-collection.sogi": typed })))
            .expect_err("a near miss is still invalid");
        let problem = &err.problems()[0];
        assert_eq!((problem.code(), problem.suggestion()), ("invalid_option", Some(meant)), "{typed}");
        assert!(problem.to_string().ends_with(&format!("; did you mean {meant:?}?")), "{problem}");
        let record = health_equity_assessment::ProblemRecord::of(problem);
        assert_eq!(record.suggestion.as_deref(), Some(meant));
        assert!(serde_json::to_string(&record).unwrap().contains(&format!("\"suggestion\":\"{meant}\"")));
    }
    let err = Registry::builtin()
        .validate_json(&heoa(json!({ "data-colection.structured-ehr": "planning", "data-collection.sogi": "mostly" })))
        .unwrap_err();
    let suggestions: Vec<_> = err.problems().iter().map(|p| (p.code(), p.suggestion())).collect();
    assert_eq!(
        suggestions,
        [("unknown_item", Some("data-collection.structured-ehr")), ("invalid_option", None)],
        "nothing close to \"mostly\""
    );
    // Records without a suggestion serialize as before: no `suggestion` key.
    let record = health_equity_assessment::ProblemRecord::of(&err.problems()[1]);
    assert!(!serde_json::to_string(&record).unwrap().contains("suggestion"));
}

#[test]
fn the_wrong_instrument_is_one_problem_not_one_per_item() {
    let heoa = Registry::builtin().latest("heoa").unwrap();
    let err = heoa.validate_json(&common::read("examples/ihi-five-component.json")).unwrap_err();
    let codes: Vec<&str> = err.problems().iter().map(|p| p.code()).collect();
    assert_eq!(codes, ["instrument_mismatch"], "{err}");
}

#[test]
fn a_minimal_instrument_needs_no_provenance() {
    let mut instrument: serde_json::Value = serde_json::from_str(&common::read("assessments/heoa/1.0.0.json")).unwrap();
    instrument.as_object_mut().unwrap().remove("provenance");
    instrument["version"] = json!("1.2.0");
    let loaded = Instrument::from_json(&instrument.to_string()).expect("provenance is optional");
    assert!(loaded.spec().provenance.sources.is_empty());
    instrument["provenance"] = json!({ "notes": "lists may be left out" });
    assert!(Instrument::from_json(&instrument.to_string()).is_ok());
}
