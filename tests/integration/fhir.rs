//! FHIR R4 export and import: lossless round trips of random responses to every built-in
//! instrument, the exported questionnaire (snapshot and committed example files), and a precise
//! error for every way a QuestionnaireResponse can fail to fit its instrument.
//!
//! Needs the `fhir` feature: `cargo test --features fhir --test integration fhir::`.
#![cfg(feature = "fhir")]

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use health_equity_assessment::CategoryRule;
use health_equity_assessment::fhir::{
    FhirError, FhirOptions, FhirProblem, ITEM_WEIGHT_URL, ORDINAL_VALUE_URL, Questionnaire, QuestionnaireResponse,
    export_instrument, export_response, import_parsed_response, import_response, parse_response,
};
use health_equity_assessment::{Instrument, Registry, Response};
use health_equity_assessment::{JsonProblem, Listing, Problem};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};

fn cases(default: u32) -> Config {
    let n = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    Config { cases: n, failure_persistence: None, ..Config::default() }
}

/// A random filled response to one instrument.
#[derive(Debug, Clone)]
struct Filled {
    /// Per item: `None` unanswered, `Some(k)` option `k` modulo the scale's size (excluded
    /// options included).
    choices: Vec<Option<usize>>,
    /// Per item: a note, possibly empty.
    notes: Vec<Option<String>>,
    /// `notes: {}` rather than no `notes` when there is no note.
    empty_notes_object: bool,
    /// Category indices, in the order chosen.
    focus: Option<Vec<usize>>,
    organization_id: String,
    organization_name: Option<String>,
    date: (i16, i8, i8),
    extensions: Option<BTreeMap<String, Value>>,
    custom_base: bool,
}

/// Text with non-ASCII letters, emoji, quotes, backslashes and line breaks.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[\\PCäöüßéñ漢字🙂\"\\\\\n\t ]{{1,{max}}}"))
        .unwrap()
        .prop_filter("not blank", |s| !s.trim().is_empty())
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        text(20).prop_map(Value::from),
        Just(json!({"nested": [1, "two", null, {"three": false}]})),
    ]
}

fn filled(instrument: &Instrument) -> impl Strategy<Value = Filled> {
    let n = instrument.item_count();
    let k = instrument.categories().len();
    let organization_id = prop_oneof![
        proptest::string::string_regex("[A-Za-z0-9.-]{1,64}").unwrap(),
        text(30), // not a FHIR id: exported as a logical reference by identifier
    ];
    (
        prop::collection::vec(prop::option::weighted(0.8, 0usize..16), n),
        prop::collection::vec(prop::option::weighted(0.15, prop_oneof![9 => text(60), 1 => Just(String::new())]), n),
        any::<bool>(),
        prop::option::of(prop::sample::subsequence((0..k).collect::<Vec<_>>(), 0..=k).prop_shuffle()),
        organization_id,
        prop::option::of(text(40)),
        (1900i16..2100, 1i8..=12, 1i8..=28),
        prop::option::of(prop::collection::btree_map("[a-z_]{1,8}", leaf(), 0..4)),
        any::<bool>(),
    )
        .prop_map(
            |(
                choices,
                notes,
                empty_notes_object,
                focus,
                organization_id,
                organization_name,
                date,
                extensions,
                custom_base,
            )| Filled {
                choices,
                notes,
                empty_notes_object,
                focus,
                organization_id,
                organization_name,
                date,
                extensions,
                custom_base,
            },
        )
}

fn document(instrument: &Instrument, filled: &Filled) -> String {
    let mut answers = serde_json::Map::new();
    let mut notes = serde_json::Map::new();
    for (i, (_, item)) in instrument.items().enumerate() {
        let options = &instrument.scale_of(item).unwrap().options;
        if let Some(k) = filled.choices[i] {
            answers.insert(item.id.clone(), options[k % options.len()].id.clone().into());
        }
        if let Some(note) = &filled.notes[i] {
            notes.insert(item.id.clone(), note.clone().into());
        }
    }
    let mut doc = json!({
        "instrument": {"id": instrument.id(), "version": instrument.version().to_string()},
        "organization": {"id": filled.organization_id},
        "assessed_on": format!("{:04}-{:02}-{:02}", filled.date.0, filled.date.1, filled.date.2),
        "answers": answers,
    });
    if let Some(name) = &filled.organization_name {
        doc["organization"]["name"] = name.clone().into();
    }
    if !notes.is_empty() || filled.empty_notes_object {
        doc["notes"] = notes.into();
    }
    if let Some(focus) = &filled.focus {
        doc["focus_categories"] = focus.iter().map(|&c| instrument.categories()[c].id.clone()).collect();
    }
    if let Some(extensions) = &filled.extensions {
        doc["extensions"] = json!(extensions);
    }
    doc.to_string()
}

/// What FHIR cannot carry (it has no empty strings, lists or objects) comes back absent.
fn without_empties(mut response: Response) -> Response {
    if let Some(notes) = &mut response.notes {
        notes.retain(|_, text| !text.is_empty());
    }
    if response.notes.as_ref().is_some_and(BTreeMap::is_empty) {
        response.notes = None;
    }
    if response.focus_categories.as_ref().is_some_and(Vec::is_empty) {
        response.focus_categories = None;
    }
    response
}

fn options_for(filled: &Filled) -> FhirOptions {
    if filled.custom_base {
        FhirOptions::new("http://fhir.example.org/r4/equity/").unwrap()
    } else {
        FhirOptions::default()
    }
}

fn round_trip(instrument: &Instrument, filled: &Filled) -> Result<(), TestCaseError> {
    let registry = Registry::builtin();
    let options = options_for(filled);
    let validated = instrument.validate_json(&document(instrument, filled)).unwrap();
    let original = validated.to_response();
    let report = validated.score();

    // Both resources to JSON text and back.
    let q = export_instrument(instrument, &options);
    let q_text = serde_json::to_string_pretty(&q).unwrap();
    let q_back: Questionnaire = serde_json::from_str(&q_text).unwrap();
    prop_assert_eq!(&q_back, &q);
    let qr = export_response(&validated, &options);
    let qr_text = serde_json::to_string_pretty(&qr).unwrap();
    let qr_back: QuestionnaireResponse = serde_json::from_str(&qr_text).unwrap();
    prop_assert_eq!(&qr_back, &qr);

    // Import: the same document (FHIR drops only empties), which validates and scores the same.
    let imported = import_response(&qr_text, registry, &options).unwrap();
    prop_assert_eq!(&imported, &without_empties(original.clone()));
    if without_empties(original.clone()) == original {
        prop_assert_eq!(&imported, &original);
    }
    let revalidated = imported.validate(instrument).unwrap();
    prop_assert_eq!(revalidated.score(), report.clone());

    // The FHIR side agrees: every answer is one of its questionnaire item's options, with the
    // same display, and summing itemWeight gives the category points (percent_of_max).
    let mut weights: BTreeMap<String, u64> = BTreeMap::new();
    for group in &qr_back.item {
        for answered in &group.item {
            let q_item = q_back.find_item(&answered.link_id).unwrap();
            prop_assert!(q_back.item.iter().any(|g| g.link_id == group.link_id && g.item.contains(q_item)));
            let Some(answer) = answered.answer.first() else { continue };
            let coding = answer.value_coding.as_ref().unwrap();
            let option = q_item
                .answer_option
                .iter()
                .filter_map(|o| o.value_coding.as_ref())
                .find(|c| c.system == coding.system && c.code == coding.code)
                .unwrap();
            prop_assert_eq!(&option.display, &coding.display);
            let weight = |url: &str| option.extension.iter().find(|e| e.url == url).map(|e| e.value_decimal.clone());
            prop_assert_eq!(weight(ITEM_WEIGHT_URL), weight(ORDINAL_VALUE_URL));
            if let Some(Some(points)) = weight(ITEM_WEIGHT_URL) {
                *weights.entry(group.link_id.clone()).or_default() += points.as_u64().unwrap();
            }
        }
    }
    if matches!(instrument.scoring().category.rule, CategoryRule::PercentOfMax) {
        for category in &report.categories {
            prop_assert_eq!(weights.get(category.id.as_str()).copied().unwrap_or(0), category.points);
        }
    }
    Ok(())
}

#[test]
fn every_builtin_instrument_round_trips_random_responses_through_fhir() {
    let registry = Registry::builtin();
    assert!(registry.len() >= 2);
    for instrument in registry.iter() {
        let mut runner = TestRunner::new(cases(64));
        runner
            .run(&filled(instrument), |filled| round_trip(instrument, &filled))
            .unwrap_or_else(|e| panic!("{}: {e}", instrument.reference()));
    }
}

#[test]
fn exported_questionnaires_keep_link_ids_unique_and_weights_on_scored_options_only() {
    let options = FhirOptions::default();
    for instrument in Registry::builtin().iter() {
        let q = export_instrument(instrument, &options);
        let ids: Vec<&str> = q.all_items().map(|i| i.link_id.as_str()).collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(ids.len(), unique.len(), "que-2 in {}", instrument.reference());
        assert_eq!(ids.len(), instrument.categories().len() + instrument.item_count() + 1);
        // A generic form filler collects focus categories with the last top-level question.
        let focus = q.item.last().unwrap();
        assert_eq!(focus.link_id, health_equity_assessment::fhir::FOCUS_CATEGORIES_LINK_ID);
        assert_eq!(focus.repeats, Some(true));
        let codes: Vec<&str> =
            focus.answer_option.iter().map(|o| o.value_coding.as_ref().unwrap().code.as_deref().unwrap()).collect();
        let categories: Vec<&str> = instrument.categories().iter().map(|c| c.id.as_str()).collect();
        assert_eq!(codes, categories);
        // Choice questions are radio buttons.
        for (_, item) in instrument.items() {
            let control = &q.find_item(&item.id).unwrap().extension[0];
            assert_eq!(control.url, health_equity_assessment::fhir::ITEM_CONTROL_URL);
            let coding = &control.value_codeable_concept.as_ref().unwrap().coding[0];
            assert_eq!(coding.code.as_deref(), Some("radio-button"));
        }
        let name = q.name.as_deref().unwrap();
        assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{name}");
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{name}");
        for (_, item) in instrument.items() {
            let q_item = q.find_item(&item.id).unwrap();
            let scale = instrument.scale_of(item).unwrap();
            assert_eq!(q_item.answer_option.len(), scale.options.len());
            for (option, answer_option) in scale.options.iter().zip(&q_item.answer_option) {
                let coding = answer_option.value_coding.as_ref().unwrap();
                assert_eq!(coding.code.as_deref(), Some(option.id.as_str()));
                let urls: Vec<&str> = coding.extension.iter().map(|e| e.url.as_str()).collect();
                if option.excluded {
                    assert!(urls.is_empty(), "{}: {urls:?}", option.id);
                } else {
                    assert_eq!(urls, [ITEM_WEIGHT_URL, ORDINAL_VALUE_URL]);
                    let points = coding.extension.iter().map(|e| e.value_decimal.clone().unwrap().as_u64());
                    assert!(points.into_iter().all(|p| p == option.points.map(u64::from)));
                }
            }
        }
    }
}

#[test]
fn the_heoa_questionnaire_snapshot() {
    let heoa = Registry::builtin().by_version("heoa", &semver::Version::new(1, 0, 0)).unwrap();
    insta::assert_json_snapshot!("heoa-1.0.0-questionnaire", export_instrument(heoa, &FhirOptions::default()));
}

/// The committed FHIR examples, as the code writes them.
fn examples() -> Vec<(&'static str, String)> {
    let registry = Registry::builtin();
    let options = FhirOptions::default();
    let heoa = registry.by_version("heoa", &semver::Version::new(1, 0, 0)).unwrap();
    let baseline = registry.validate_json(&common::read("examples/heoa-baseline.json")).unwrap();
    let pretty = |value: String| value + "\n";
    vec![
        (
            "examples/fhir/heoa-1.0.0.questionnaire.json",
            pretty(serde_json::to_string_pretty(&export_instrument(heoa, &options)).unwrap()),
        ),
        (
            "examples/fhir/heoa-baseline.questionnaire-response.json",
            pretty(serde_json::to_string_pretty(&export_response(&baseline, &options)).unwrap()),
        ),
    ]
}

#[test]
fn the_committed_fhir_examples_match_the_export() {
    let mut stale = Vec::new();
    for (path, expected) in examples() {
        let file = common::root().join(path);
        let actual = std::fs::read_to_string(&file).unwrap_or_default().replace("\r\n", "\n");
        if actual != expected {
            if std::env::var_os("CI").is_none() {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(&file, &expected).unwrap();
            }
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} differ from the export; outside CI they were rewritten: review and commit them"
    );
}

#[test]
fn the_committed_response_example_imports_as_the_baseline() {
    let registry = Registry::builtin();
    let text = common::read("examples/fhir/heoa-baseline.questionnaire-response.json");
    let imported = import_response(&text, registry, &FhirOptions::default()).unwrap();
    let baseline = Response::from_json(&common::read("examples/heoa-baseline.json")).unwrap();
    assert_eq!(imported, baseline);
    let q: Questionnaire = serde_json::from_str(&common::read("examples/fhir/heoa-1.0.0.questionnaire.json")).unwrap();
    assert_eq!(q.canonical(), parse_response(&text).unwrap().questionnaire);
}

// ---------------------------------------------------------------------------------------------
// Precise errors

const BASE: &str = "https://health-equity-assessment.example/fhir";

/// The HEOA baseline as QuestionnaireResponse JSON.
fn baseline() -> Value {
    let validated = Registry::builtin().validate_json(&common::read("examples/heoa-baseline.json")).unwrap();
    serde_json::to_value(export_response(&validated, &FhirOptions::default())).unwrap()
}

fn import(value: &Value) -> Result<Response, FhirError> {
    import_response(&value.to_string(), Registry::builtin(), &FhirOptions::default())
}

/// The only problem of a failed import.
fn problem(value: &Value) -> FhirProblem {
    let err = import(value).unwrap_err();
    assert_eq!(err.problems().len(), 1, "{err}");
    err.problems()[0].clone()
}

fn codes(err: &FhirError) -> Vec<&'static str> {
    err.codes()
}

#[test]
fn the_baseline_imports_cleanly() {
    let imported = import(&baseline()).unwrap();
    assert_eq!(imported, Response::from_json(&common::read("examples/heoa-baseline.json")).unwrap());
}

#[test]
fn an_unknown_link_id_is_named_with_its_path() {
    let mut qr = baseline();
    qr["item"][0]["item"][2]["linkId"] = "data-collection.eye-colour".into();
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::UnknownLinkId {
            path: "QuestionnaireResponse.item[0].item[2]".into(),
            link_id: "data-collection.eye-colour".into(),
            questionnaire: format!("{BASE}/Questionnaire/heoa|1.0.0"),
        }
    );
    assert_eq!(err.code(), "unknown_link_id");
    assert_eq!(
        err.to_string(),
        format!(
            "QuestionnaireResponse.item[0].item[2]: unknown linkId \"data-collection.eye-colour\" in questionnaire {BASE}/Questionnaire/heoa|1.0.0"
        )
    );

    let mut qr = baseline();
    qr["item"][3]["linkId"] = "governance".into();
    let err = problem(&qr);
    assert!(matches!(&err, FhirProblem::UnknownLinkId { path, link_id, .. }
        if path == "QuestionnaireResponse.item[3]" && link_id == "governance"));
}

#[test]
fn an_unknown_or_missing_code_lists_the_options() {
    let mut qr = baseline();
    qr["item"][0]["item"][0]["answer"][0]["valueCoding"]["code"] = "mostly".into();
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::UnknownCode {
            path: "QuestionnaireResponse.item[0].item[0].answer[0].valueCoding.code".into(),
            link_id: "data-collection.real-self-reported".into(),
            code: Some("mostly".into()),
            allowed: Listing::of(["not_started", "planning", "in_progress", "implemented", "not_applicable"]),
        }
    );
    assert_eq!(err.code(), "unknown_code");
    assert!(err.to_string().contains("\"mostly\" is not an option for item \"data-collection.real-self-reported\""));

    let mut qr = baseline();
    qr["item"][0]["item"][0]["answer"][0]["valueCoding"].as_object_mut().unwrap().remove("code");
    let err = problem(&qr);
    assert!(matches!(&err, FhirProblem::UnknownCode { code: None, .. }));
    assert!(err.to_string().contains("(none) is not an option"), "{err}");
}

#[test]
fn a_status_other_than_completed_or_amended_is_refused_by_name() {
    for status in ["in-progress", "stopped", "entered-in-error"] {
        let mut qr = baseline();
        qr["status"] = status.into();
        let err = problem(&qr);
        assert_eq!(err, FhirProblem::UnsupportedStatus { status: status.into() });
        assert_eq!(err.code(), "unsupported_status");
        assert!(err.to_string().contains(&format!("{status:?} is not a finished response")));
    }
    let mut qr = baseline();
    qr["status"] = "amended".into();
    assert!(import(&qr).is_ok());
    // Not a FHIR status at all: the structure is wrong, and the message names the value.
    qr["status"] = "done".into();
    let err = problem(&qr);
    assert_eq!(err.code(), "invalid_structure");
    assert!(err.to_string().contains("unknown variant `done`"), "{err}");
}

#[test]
fn the_questionnaire_reference_must_be_a_known_url_and_version() {
    let mut qr = baseline();
    qr["questionnaire"] = format!("{BASE}/Questionnaire/heoa").into();
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::UnversionedQuestionnaire {
            reference: format!("{BASE}/Questionnaire/heoa"),
            example: format!("{BASE}/Questionnaire/heoa|1.0.0"),
        }
    );
    assert_eq!(err.code(), "unversioned_questionnaire");
    qr["questionnaire"] = format!("{BASE}/Questionnaire/heoa|").into();
    assert_eq!(problem(&qr).code(), "unversioned_questionnaire");

    qr["questionnaire"] = format!("{BASE}/Questionnaire/heoa|2.0.0").into();
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::UnknownQuestionnaireVersion {
            url: format!("{BASE}/Questionnaire/heoa"),
            version: "2.0.0".into(),
            available: Listing::of(["1.0.0"]),
        }
    );
    assert_eq!(err.code(), "unknown_questionnaire_version");
    qr["questionnaire"] = format!("{BASE}/Questionnaire/heoa|v1").into();
    assert_eq!(problem(&qr).code(), "unknown_questionnaire_version");

    qr["questionnaire"] = "http://loinc.org/q/93025-5|2.74".into();
    let err = problem(&qr);
    assert!(matches!(&err, FhirProblem::UnknownQuestionnaire { url, known }
        if url == "http://loinc.org/q/93025-5" && known.entries.contains(&format!("{BASE}/Questionnaire/ihi-five-component"))));
    assert_eq!(err.code(), "unknown_questionnaire");

    // The same questionnaire under another deployment's base is another questionnaire.
    let ours = FhirOptions::new("https://fhir.example.org/equity").unwrap();
    let err = import_response(&baseline().to_string(), Registry::builtin(), &ours).unwrap_err();
    assert_eq!(err.codes(), ["unknown_questionnaire"]);

    qr.as_object_mut().unwrap().remove("questionnaire");
    let err = problem(&qr);
    assert_eq!(err.code(), "missing_element");
    assert!(err.to_string().starts_with("QuestionnaireResponse.questionnaire: missing"), "{err}");
}

#[test]
fn a_repeated_answer_or_item_is_refused() {
    let mut qr = baseline();
    let answer = qr["item"][0]["item"][1]["answer"][0].clone();
    qr["item"][0]["item"][1]["answer"].as_array_mut().unwrap().push(answer);
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::RepeatedAnswer {
            path: "QuestionnaireResponse.item[0].item[1]".into(),
            link_id: "data-collection.standard-categories".into(),
            count: 2,
        }
    );
    assert_eq!(err.code(), "repeated_answer");

    let mut qr = baseline();
    let item = qr["item"][0]["item"][1].clone();
    qr["item"][0]["item"].as_array_mut().unwrap().push(item);
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::RepeatedItem {
            path: "QuestionnaireResponse.item[0].item[6]".into(),
            link_id: "data-collection.standard-categories".into(),
            first: "QuestionnaireResponse.item[0].item[1]".into(),
        }
    );
    assert_eq!(err.code(), "repeated_item");

    // A category group twice (sdcqr-2's repeated group; these groups do not repeat).
    let mut qr = baseline();
    let group = qr["item"][1].clone();
    qr["item"].as_array_mut().unwrap().push(group);
    let err = problem(&qr);
    assert!(matches!(&err, FhirProblem::RepeatedItem { path, link_id, first }
        if path == "QuestionnaireResponse.item[7]" && link_id == "data-collection-training" && first == "QuestionnaireResponse.item[1]"));
}

#[test]
fn a_coding_from_another_system_is_refused() {
    let mut qr = baseline();
    qr["item"][2]["item"][0]["answer"][0]["valueCoding"]["system"] = "http://snomed.info/sct".into();
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::WrongSystem {
            path: "QuestionnaireResponse.item[2].item[0].answer[0].valueCoding.system".into(),
            link_id: "data-validation.completeness-monitored".into(),
            system: Some("http://snomed.info/sct".into()),
            expected: format!("{BASE}/CodeSystem/heoa.implementation"),
        }
    );
    assert_eq!(err.code(), "wrong_system");

    qr["item"][2]["item"][0]["answer"][0]["valueCoding"].as_object_mut().unwrap().remove("system");
    let err = problem(&qr);
    assert!(matches!(&err, FhirProblem::WrongSystem { system: None, .. }));
    assert!(err.to_string().contains("has system (none), expected"), "{err}");
}

#[test]
fn items_in_the_wrong_place_are_refused() {
    // A data-validation question inside the data-collection group.
    let mut qr = baseline();
    let stray = qr["item"][2]["item"][0].clone();
    qr["item"][2]["item"].as_array_mut().unwrap().remove(0);
    qr["item"][0]["item"].as_array_mut().unwrap().push(stray.clone());
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::MisplacedItem {
            path: "QuestionnaireResponse.item[0].item[6]".into(),
            link_id: "data-validation.completeness-monitored".into(),
            found_in: Some("data-collection".into()),
            belongs_in: Some("data-validation".into()),
        }
    );
    assert_eq!(err.code(), "misplaced_item");
    assert!(err.to_string().contains("is in group \"data-collection\", but belongs in group \"data-validation\""));

    // A question at the top level.
    let mut qr = baseline();
    qr["item"][2]["item"].as_array_mut().unwrap().remove(0);
    qr["item"].as_array_mut().unwrap().push(stray);
    let err = problem(&qr);
    assert!(err.to_string().ends_with("is at the top level, but belongs in group \"data-validation\""), "{err}");

    // A group inside a group.
    let mut qr = baseline();
    let group = qr["item"].as_array_mut().unwrap().remove(1);
    qr["item"][0]["item"].as_array_mut().unwrap().push(group);
    let err = problem(&qr);
    assert!(
        matches!(&err, FhirProblem::MisplacedItem { found_in: Some(g), belongs_in: None, .. } if g == "data-collection")
    );
    assert!(err.to_string().ends_with("but belongs at the top level"), "{err}");
}

#[test]
fn answers_must_be_codings_on_questions_with_nothing_nested() {
    let mut qr = baseline();
    qr["item"][0]["item"][0]["answer"][0] = json!({"valueString": "in progress"});
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::AnswerNotCoding {
            path: "QuestionnaireResponse.item[0].item[0].answer[0]".into(),
            link_id: "data-collection.real-self-reported".into(),
        }
    );
    assert_eq!(err.code(), "answer_not_coding");

    let mut qr = baseline();
    qr["item"][0]["answer"] = qr["item"][0]["item"][0]["answer"].clone();
    qr["item"][0]["item"][1]["item"] = json!([{"linkId": "x"}]);
    qr["item"][0]["item"][2]["answer"][0]["item"] = json!([{"linkId": "y"}]);
    let err = import(&qr).unwrap_err();
    assert_eq!(codes(&err), ["unexpected_element"; 3]);
    let paths: Vec<String> = err
        .problems()
        .iter()
        .map(|p| match p {
            FhirProblem::UnexpectedElement { path, .. } => path.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        paths,
        [
            "QuestionnaireResponse.item[0].answer[0]",
            "QuestionnaireResponse.item[0].item[1].item[0]",
            "QuestionnaireResponse.item[0].item[2].answer[0].item[0]",
        ]
    );
}

#[test]
fn modifier_extensions_are_refused_wherever_they_are() {
    let mut qr = baseline();
    let modifier = json!([{"url": "http://example.org/fhir/StructureDefinition/negated", "valueBoolean": true}]);
    qr["modifierExtension"] = modifier.clone();
    qr["item"][0]["item"][0]["answer"][0]["modifierExtension"] = modifier;
    let err = import(&qr).unwrap_err();
    assert_eq!(codes(&err), ["unsupported_modifier_extension"; 2]);
    assert_eq!(
        err.problems()[1],
        FhirProblem::UnsupportedModifierExtension {
            path: "QuestionnaireResponse.item[0].item[0].answer[0].modifierExtension[0]".into(),
            url: "http://example.org/fhir/StructureDefinition/negated".into(),
        }
    );
}

#[test]
fn the_subject_must_be_an_organization() {
    let mut qr = baseline();
    qr["subject"] = json!({"reference": "Patient/123"});
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::InvalidSubject {
            path: "QuestionnaireResponse.subject.reference".into(),
            value: "Patient/123".into(),
            reason: "is not a reference to an Organization (Organization/{id})",
        }
    );
    assert_eq!(err.code(), "invalid_subject");
    qr["subject"] = json!({"reference": "Organization/has space"});
    assert_eq!(problem(&qr).code(), "invalid_subject");
    qr["subject"] = json!({"identifier": {"system": "urn:oid:2.16.840.1.113883.4.6", "value": "1234567893"}});
    assert_eq!(problem(&qr).code(), "invalid_subject");
    qr["subject"] = json!({"display": "Example Community Hospital"});
    assert_eq!(problem(&qr).code(), "missing_element");
    qr.as_object_mut().unwrap().remove("subject");
    assert_eq!(problem(&qr).code(), "missing_element");

    // An absolute reference and a logical one with the deployment's system both work.
    qr["subject"] = json!({"reference": "https://ehr.example.org/fhir/Organization/org-001", "display": "Example"});
    let response = import(&qr).unwrap();
    assert_eq!(
        (response.organization.id.as_str(), response.organization.name.as_deref()),
        ("org-001", Some("Example"))
    );
    qr["subject"] =
        json!({"identifier": {"system": format!("{BASE}/NamingSystem/organization-id"), "value": "Org 1 (Søndre)"}});
    let response = import(&qr).unwrap();
    assert_eq!((response.organization.id.as_str(), response.organization.name), ("Org 1 (Søndre)", None));
}

#[test]
fn authored_is_a_full_date_taken_as_written() {
    let mut qr = baseline();
    for (authored, day) in [
        ("2022-11-17", "2022-11-17"),
        // 23:30 in New York is 04:30 UTC the next day; the assessment was still done on the 17th.
        ("2022-11-17T23:30:00-05:00", "2022-11-17"),
        ("2022-11-17T01:30:00.250+14:00", "2022-11-17"),
        ("2022-11-17T12:00:00Z", "2022-11-17"),
    ] {
        qr["authored"] = authored.into();
        assert_eq!(import(&qr).unwrap().assessed_on.to_string(), day, "{authored}");
    }
    for (authored, reason) in [
        ("2022-11", "is a partial date"),
        ("2022", "is a partial date"),
        ("2022-02-30", "is not a FHIR dateTime"),
        ("2022-11-17T10:00:00", "is not a FHIR dateTime with time and zone"),
        ("2022-11-17T10:00Z", "needs hours, minutes and seconds"),
        ("17/11/2022", "is not a FHIR dateTime"),
    ] {
        qr["authored"] = authored.into();
        let err = problem(&qr);
        assert_eq!(err.code(), "invalid_authored");
        assert!(matches!(&err, FhirProblem::InvalidAuthored { value, .. } if value == authored));
        assert!(err.to_string().contains(reason), "{authored}: {err}");
    }
    qr.as_object_mut().unwrap().remove("authored");
    assert_eq!(problem(&qr).code(), "missing_element");
}

#[test]
fn this_crates_extensions_are_checked() {
    let note = format!("{BASE}/StructureDefinition/item-note");
    let extensions = format!("{BASE}/StructureDefinition/response-extensions");

    let mut qr = baseline();
    qr["extension"][0]["valueCode"] = "governance".into();
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::UnknownFocusCategory {
            path: "QuestionnaireResponse.extension[0].valueCode".into(),
            category: "governance".into(),
            known: Listing::of([
                "data-collection",
                "data-collection-training",
                "data-validation",
                "data-stratification",
                "communicate-findings",
                "address-gaps-in-care",
                "infrastructure-and-culture",
            ]),
        }
    );

    let mut qr = baseline();
    qr["extension"][1]["valueCode"] = qr["extension"][0]["valueCode"].clone();
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::RepeatedFocusCategory {
            path: "QuestionnaireResponse.extension[1].valueCode".into(),
            category: "data-validation".into(),
        }
    );

    let mut qr = baseline();
    qr["item"][0]["item"][0]["extension"][0] = json!({"url": note, "valueCode": "x"});
    let err = problem(&qr);
    assert_eq!(
        err,
        FhirProblem::InvalidExtension {
            path: "QuestionnaireResponse.item[0].item[0].extension[0]".into(),
            url: note.clone(),
            reason: "must have a valueString only, found valueCode".into(),
        }
    );
    assert_eq!(err.code(), "invalid_extension");

    let mut qr = baseline();
    let first = qr["item"][0]["item"][0]["extension"][0].clone();
    qr["item"][0]["item"][0]["extension"].as_array_mut().unwrap().push(first);
    qr["item"][0]["extension"] = json!([{"url": note, "valueString": "on a group"}]);
    qr["extension"].as_array_mut().unwrap().push(json!({"url": extensions, "valueString": "[1, 2]"}));
    let err = import(&qr).unwrap_err();
    let reasons: Vec<String> = err
        .problems()
        .iter()
        .map(|p| match p {
            FhirProblem::InvalidExtension { path, reason, .. } => format!("{path}: {reason}"),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons[0].starts_with("QuestionnaireResponse.extension[2]: must hold the text of a JSON object"));
    assert_eq!(reasons[1], "QuestionnaireResponse.item[0].extension[0]: belongs on a question item");
    assert_eq!(reasons[2], "QuestionnaireResponse.item[0].item[0].extension[1]: appears more than once");

    // Other extensions are ignored.
    let mut qr = baseline();
    qr["extension"].as_array_mut().unwrap().push(json!({"url": "http://example.org/x", "valueInteger": 7}));
    qr["item"][0]["item"][0]["answer"][0]["valueCoding"]["extension"] =
        json!([{"url": ITEM_WEIGHT_URL, "valueDecimal": 2}]);
    assert!(import(&qr).is_ok());
}

#[test]
fn every_problem_is_reported_at_once_in_document_order() {
    let mut qr = baseline();
    qr["status"] = "in-progress".into();
    qr["authored"] = "2022-11".into();
    qr["item"][0]["item"][0]["linkId"] = "data-collection.eye-colour".into();
    qr["item"][1]["item"][0]["answer"][0]["valueCoding"]["code"] = "mostly".into();
    qr["item"][2]["item"][0]["answer"][0]["valueCoding"]["system"] = "http://snomed.info/sct".into();
    let err = import(&qr).unwrap_err();
    assert_eq!(err.len(), 5);
    assert_eq!(
        codes(&err),
        ["unsupported_status", "invalid_authored", "unknown_link_id", "unknown_code", "wrong_system"]
    );
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{}: 5 problems\n  QuestionnaireResponse.status: \"in-progress\"", err.subject())),
        "{text}"
    );
    assert_eq!(text.lines().count(), 6);
    assert_eq!(err.clone().into_problems().len(), 5);

    // Without a usable questionnaire reference, the items cannot be checked; the rest can.
    qr["questionnaire"] = "urn:uuid:1".into();
    qr["subject"] = json!({"reference": "Group/1"});
    let err = import(&qr).unwrap_err();
    assert_eq!(codes(&err), ["unsupported_status", "unversioned_questionnaire", "invalid_subject", "invalid_authored"]);
}

#[test]
fn json_level_problems() {
    let registry = Registry::builtin();
    let options = FhirOptions::default();
    let err = import_response("{\"resourceType\": ", registry, &options).unwrap_err();
    assert_eq!(err.codes(), ["syntax"]);
    assert!(matches!(err.problems()[0], FhirProblem::Json(JsonProblem::Syntax { line: 1, .. })));

    let text = baseline().to_string().replacen(
        "\"status\":\"completed\"",
        "\"status\":\"completed\",\"status\":\"stopped\"",
        1,
    );
    let err = import_response(&text, registry, &options).unwrap_err();
    assert_eq!(
        err.problems(),
        [FhirProblem::Json(JsonProblem::DuplicateKey { pointer: String::new(), key: "status".into() })]
    );

    for (text, found) in [
        (r#"{"resourceType": "Questionnaire"}"#, "the string \"Questionnaire\""),
        (r#"{"status": "completed"}"#, "nothing"),
        ("[]", "an array"),
    ] {
        let err = import_response(text, registry, &options).unwrap_err();
        assert_eq!(
            err.problems(),
            [FhirProblem::WrongResourceType { expected: "QuestionnaireResponse", found: found.into() }]
        );
        assert_eq!(err.codes(), ["wrong_resource_type"]);
    }

    let mut qr = baseline();
    qr["item"][0]["linkId"] = 3.into();
    let err = problem(&qr);
    assert_eq!(err.code(), "invalid_structure");
    assert!(err.to_string().contains("invalid type: integer `3`, expected a string"), "{err}");

    // A byte-order mark is ignored.
    let text = format!("\u{feff}{}", baseline());
    assert!(import_response(&text, registry, &options).is_ok());
}

#[test]
fn a_parsed_resource_imports_like_its_text() {
    let registry = Registry::builtin();
    let options = FhirOptions::default();
    let text = baseline().to_string();
    let parsed = parse_response(&text).unwrap();
    assert_eq!(parsed.resource_type(), "QuestionnaireResponse");
    assert_eq!(
        import_parsed_response(&parsed, registry, &options).unwrap(),
        import_response(&text, registry, &options).unwrap()
    );
}

#[test]
fn canonical_bases_are_checked() {
    for (base, reason) in [
        ("fhir.example.org", "is not an absolute http:// or https:// URL"),
        ("urn:uuid:1", "is not an absolute http:// or https:// URL"),
        ("https://", "has no host"),
        ("https:///fhir", "has no host"),
        ("https://fhir.example.org/a b", "contains white space or control characters"),
        ("https://fhir.example.org/a|b", "contains '|', '#' or '?' (canonical URLs may not)"),
        ("https://fhir.example.org/#x", "contains '|', '#' or '?' (canonical URLs may not)"),
    ] {
        let err = FhirOptions::new(base).unwrap_err();
        assert_eq!(err, FhirProblem::InvalidCanonicalBase { base: base.into(), reason }, "{base}");
        assert_eq!(err.code(), "invalid_canonical_base");
    }
    assert_eq!(FhirOptions::new("http://x.example//").unwrap().canonical_base(), "http://x.example");
}

#[test]
fn error_codes_are_snake_case() {
    let mut qr = baseline();
    qr["status"] = "stopped".into();
    qr["item"][0]["item"][0]["linkId"] = "nope".into();
    let err = import(&qr).unwrap_err();
    for code in codes(&err) {
        assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
    }
}

// ---- Generic form fillers (LHC-Forms): no subject, UTC `authored`, codings copied whole.

fn lhc_forms_response() -> Value {
    serde_json::from_str(&common::read("tests/fixtures/lhc-forms/heoa-baseline.questionnaire-response.json")).unwrap()
}

fn import_value(value: &Value, options: &FhirOptions) -> Result<Response, health_equity_assessment::fhir::FhirError> {
    health_equity_assessment::fhir::import_response(&value.to_string(), Registry::builtin(), options)
}

#[test]
fn a_response_as_lhc_forms_writes_it_imports_and_scores_like_the_original() {
    let registry = Registry::builtin();
    let baseline = registry.validate_json(&common::read("examples/heoa-baseline.json")).unwrap();
    let organization = baseline.organization().clone();
    let options = FhirOptions::default().with_organization(organization);
    // Groups nested as in the Questionnaire, codings with their weight extensions, a focus
    // question, `meta`, no subject, and `authored` in UTC.
    let imported = import_value(&lhc_forms_response(), &options).unwrap();
    let mut expected = baseline.to_response();
    expected.notes = None; // a generic form filler has no place for this crate's notes
    assert_eq!(imported, expected);
    let rescored = imported.validate(baseline.instrument()).unwrap().score();
    assert_eq!(serde_json::to_value(rescored).unwrap(), serde_json::to_value(baseline.score()).unwrap());

    // Without the organization, the problem says what is accepted.
    let err = import_value(&lhc_forms_response(), &FhirOptions::default()).unwrap_err();
    assert_eq!(err.codes(), ["missing_element"]);
    let message = err.problems()[0].to_string();
    for shape in ["\"reference\": \"Organization/{id}\"", "NamingSystem/organization-id", "--organization ID"] {
        assert!(message.contains(shape), "{message}");
    }
}

#[test]
fn an_author_that_is_an_organization_names_the_organization() {
    let mut qr = lhc_forms_response();
    qr["author"] = json!({ "reference": "Organization/org-777", "display": "Author Hospital" });
    let imported = import_value(&qr, &FhirOptions::default()).unwrap();
    assert_eq!(imported.organization.id, "org-777");
    assert_eq!(imported.organization.name.as_deref(), Some("Author Hospital"));
    // A subject comes first; a practitioner author is not the organization assessed.
    qr["subject"] = json!({ "reference": "Organization/org-001" });
    assert_eq!(import_value(&qr, &FhirOptions::default()).unwrap().organization.id, "org-001");
    qr.as_object_mut().unwrap().remove("subject");
    qr["author"] = json!({ "reference": "Practitioner/p-1" });
    let err = import_value(&qr, &FhirOptions::default()).unwrap_err();
    assert_eq!(err.codes(), ["missing_element"]);
}

#[test]
fn authored_is_the_date_in_the_offset_written() {
    let options =
        FhirOptions::default().with_organization(health_equity_assessment::Organization::new("org-001", None));
    for (authored, date) in [
        // 22:30 on 17 November in New York, written with its offset: 17 November.
        ("2022-11-17T22:30:00-05:00", "2022-11-17"),
        // The same moment in UTC, as LHC-Forms writes it: 18 November.
        ("2022-11-18T03:30:00Z", "2022-11-18"),
        ("2022-11-18T03:30:00.000+00:00", "2022-11-18"),
        // Early morning in Tokyo is still the previous day in UTC; the offset written decides.
        ("2022-11-18T08:00:00+09:00", "2022-11-18"),
        ("2022-11-17", "2022-11-17"),
    ] {
        let mut qr = lhc_forms_response();
        qr["authored"] = json!(authored);
        let imported = import_value(&qr, &options).unwrap();
        assert_eq!(imported.assessed_on.to_string(), date, "{authored}");
    }
}

#[test]
fn focus_answers_are_checked_like_focus_extensions() {
    let options =
        FhirOptions::default().with_organization(health_equity_assessment::Organization::new("org-001", None));
    let mut qr = lhc_forms_response();
    let focus = qr["item"].as_array_mut().unwrap().last_mut().unwrap();
    let answers = focus["answer"].as_array_mut().unwrap();
    answers.push(answers[0].clone());
    answers.push(json!({ "valueCoding": { "system": "https://health-equity-assessment.example/fhir/CodeSystem/heoa-categories", "code": "no-such-category" } }));
    answers.push(json!({ "valueString": "data-validation" }));
    let err = import_value(&qr, &options).unwrap_err();
    assert_eq!(err.codes(), ["repeated_focus_category", "unknown_focus_category", "answer_not_coding"]);
}
