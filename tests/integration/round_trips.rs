//! Round trips lose nothing silently: extension numbers keep their text, REDCap reads every
//! column it does not know as a problem and keeps values byte for byte, and the points a
//! format cannot carry are named (README "Round trips") and pinned here.

#[cfg(feature = "redcap")]
use health_equity_assessment::Formulas;
#[cfg(feature = "redcap")]
use health_equity_assessment::redcap::{RedcapOptions, export_responses, import_responses};
use health_equity_assessment::{Problem, Registry, Response};
use serde_json::{Value, json};

use crate::common;

const EXACT_NUMBERS: &str =
    r#"{"big": 123456789012345678901234567890, "negative_zero": -0, "exponent": 1E2, "nested": {"x": [1.50, 2e-7]}}"#;

fn with_extensions() -> String {
    let text = common::read("examples/heoa-baseline.json");
    let (head, tail) = text.rsplit_once('}').unwrap();
    format!("{head}, \"extensions\": {EXACT_NUMBERS}{tail}}}")
}

#[test]
fn extension_numbers_keep_their_exact_text() {
    let registry = Registry::builtin();
    let validated = registry.validate_json(&with_extensions()).unwrap();
    let written = serde_json::to_string(&validated.to_response()).unwrap();
    for token in ["123456789012345678901234567890", "-0", "1E2", "1.50", "2e-7"] {
        assert!(written.contains(token), "{token} in {written}");
    }
    let response = Response::from_json(&with_extensions()).unwrap();
    assert_eq!(validated.to_response(), response);
    assert_eq!(serde_json::from_str::<Response>(&written).unwrap(), response);
}

#[cfg(feature = "fhir")]
#[test]
fn extension_numbers_keep_their_text_through_fhir() {
    use health_equity_assessment::fhir::{FhirOptions, export_response, import_response};
    let registry = Registry::builtin();
    let validated = registry.validate_json(&with_extensions()).unwrap();
    let options = FhirOptions::default();
    let qr = serde_json::to_string(&export_response(&validated, &options)).unwrap();
    let imported = import_response(&qr, registry, &options).unwrap();
    assert_eq!(imported, validated.to_response());
    let big = &imported.extensions.as_ref().unwrap()["big"];
    assert_eq!(big.as_json(), "123456789012345678901234567890");
}

#[cfg(feature = "fhir")]
#[test]
fn what_fhir_cannot_carry_is_pinned() {
    use health_equity_assessment::fhir::{FhirOptions, export_response, import_response};
    let registry = Registry::builtin();
    let mut doc: Value = serde_json::from_str(&common::read("examples/heoa-baseline.json")).unwrap();
    // FHIR has no empty strings and no empty lists: an empty note, an empty notes object and an
    // empty focus list come back absent. Ids and names come back byte for byte.
    doc["organization"] = json!({"id": "  org with spaces  ", "name": " Name\twith tab "});
    doc["notes"] = json!({"data-collection.sogi": ""});
    doc["focus_categories"] = json!([]);
    let validated = registry.validate_json(&doc.to_string()).unwrap();
    let options = FhirOptions::default();
    let qr = serde_json::to_string(&export_response(&validated, &options)).unwrap();
    let imported = import_response(&qr, registry, &options).unwrap();
    assert_eq!(imported.organization.id, "  org with spaces  ");
    assert_eq!(imported.organization.name.as_deref(), Some(" Name\twith tab "));
    assert_eq!((imported.notes, imported.focus_categories), (None, None));
    assert_eq!(imported.answers, validated.to_response().answers);
}

fn heoa() -> &'static health_equity_assessment::Instrument {
    Registry::builtin().latest("heoa").unwrap()
}

fn baseline() -> Response {
    Response::from_json(&common::read("examples/heoa-baseline.json")).unwrap()
}

#[cfg(feature = "redcap")]
#[test]
fn redcap_keeps_ids_and_names_byte_for_byte() {
    let mut response = baseline();
    for (id, name) in [
        ("  org-1  ", " Spaced name "),
        ("=cmd|' /C calc'!A0", "@SUM(1+1)"),
        ("'=quoted", "-minus"),
        ("plain", "'Ohana Health"),
    ] {
        response.organization = health_equity_assessment::Organization::new(id, Some(name.to_owned()));
        for formulas in [Formulas::Neutralize, Formulas::Raw] {
            let csv = export_responses(
                heoa(),
                std::slice::from_ref(&response),
                &RedcapOptions::default().with_formulas(formulas),
            );
            let imported = import_responses(&csv, heoa(), &RedcapOptions::default()).unwrap();
            if formulas == Formulas::Neutralize || !id.starts_with('\'') {
                assert_eq!(imported[0].organization, response.organization, "{formulas:?} {csv}");
            }
        }
    }
    let csv = export_responses(heoa(), &[baseline()], &RedcapOptions::default().with_formulas(Formulas::Neutralize));
    let neutral = export_responses(
        heoa(),
        &[{
            let mut r = baseline();
            r.organization = health_equity_assessment::Organization::new("=HYPERLINK(\"x\")", None);
            r
        }],
        &RedcapOptions::default().with_formulas(Formulas::Neutralize),
    );
    assert!(neutral.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{neutral}");
    assert!(!csv.contains("'org-001"));
}

#[cfg(feature = "redcap")]
#[test]
fn redcap_reports_duplicate_and_unknown_columns() {
    let csv = export_responses(heoa(), &[baseline()], &RedcapOptions::default().with_formulas(Formulas::Neutralize));
    let (header, rest) = csv.split_once('\n').unwrap();
    // A mistyped item column, a REDCap-looking column that is not REDCap's, another form's
    // completion column: all problems, so no answer is dropped silently.
    for extra in ["q01_real_self_reportd", "redcap_my_column", "other_form_complete"] {
        let text = format!("{header},{extra}\n{}", rest.lines().map(|l| format!("{l},x\n")).collect::<String>());
        let err = import_responses(&text, heoa(), &RedcapOptions::default()).unwrap_err();
        assert_eq!(err.problems()[0].code(), "unknown_column", "{extra}: {err}");
    }
    // REDCap's own columns are read and ignored.
    for system in [
        "redcap_event_name",
        "redcap_repeat_instrument",
        "redcap_repeat_instance",
        "redcap_data_access_group",
        "redcap_survey_identifier",
        "heoa_complete",
        "heoa_timestamp",
    ] {
        let text = format!("{header},{system}\n{}", rest.lines().map(|l| format!("{l},1\n")).collect::<String>());
        let text = if system == "heoa_complete" {
            text.replacen(",heoa_complete,heoa_complete", ",heoa_complete,x_dup", 1)
        } else {
            text
        };
        if system == "heoa_complete" {
            continue;
        }
        assert!(import_responses(&text, heoa(), &RedcapOptions::default()).is_ok(), "{system}");
    }
    let duplicated = csv.replacen("q01_real_self_reported", "q02_standard_categories", 1);
    let err = import_responses(&duplicated, heoa(), &RedcapOptions::default()).unwrap_err();
    assert!(err.problems().iter().any(|p| p.code() == "duplicate_column"), "{err}");
}

#[cfg(feature = "redcap")]
#[test]
fn what_redcap_cannot_carry_is_pinned() {
    let mut response = baseline();
    response.focus_categories = Some(Vec::new());
    let csv =
        export_responses(heoa(), &[response.clone()], &RedcapOptions::default().with_formulas(Formulas::Neutralize));
    let imported = import_responses(&csv, heoa(), &RedcapOptions::default()).unwrap().remove(0);
    // Notes and extensions are not carried; an empty focus list reads back as none.
    assert_eq!((imported.notes, imported.extensions, imported.focus_categories), (None, None, None));
    assert_eq!(imported.answers, response.answers);
    assert_eq!((imported.organization, imported.assessed_on), (response.organization, response.assessed_on));
}

#[test]
fn a_response_from_serde_is_held_to_the_same_rules() {
    let codes = |e: &health_equity_assessment::ResponseError| -> Vec<(String, Option<String>)> {
        e.problems().iter().map(|p| (p.code().to_owned(), p.pointer().map(str::to_owned))).collect()
    };
    // Deserializing with serde runs the response reader: it refuses what the text path
    // refuses, with the same problems; and a response built in code (not read from text) is
    // held to the same rules when validated.
    let mut doc: Value = serde_json::from_str(&common::read("examples/heoa-baseline.json")).unwrap();
    doc["organization"]["id"] = json!("   ");
    let from_text = Registry::builtin().validate_json(&doc.to_string()).unwrap_err();
    let from_serde = serde_json::from_value::<Response>(doc.clone()).unwrap_err().to_string();
    assert_eq!(from_serde, from_text.to_string());
    let mut response = baseline();
    response.organization =
        health_equity_assessment::Organization::new("   ", response.organization.name.as_deref().map(str::to_owned));
    let from_code = response.validate(heoa()).unwrap_err();
    assert_eq!(codes(&from_code), codes(&from_text));

    doc["organization"] = json!({"id": "org", "name": ""});
    let from_text = Registry::builtin().validate_json(&doc.to_string()).unwrap_err();
    assert_eq!(from_text.problems()[0].pointer(), Some("/organization/name"));
    assert_eq!(serde_json::from_value::<Response>(doc.clone()).unwrap_err().to_string(), from_text.to_string());
    let mut response = baseline();
    response.organization = health_equity_assessment::Organization::new("org", Some(String::new()));
    assert_eq!(response.validate(heoa()).unwrap_err().problems()[0].pointer(), Some("/organization/name"));

    doc["organization"] = json!({"id": "org"});
    doc["focus_categories"] = json!(vec!["data-collection"; 1_001]);
    let from_text = Registry::builtin().validate_json(&doc.to_string()).unwrap_err();
    assert_eq!(from_text.problems()[0].code(), "too_large");
    assert_eq!(serde_json::from_value::<Response>(doc.clone()).unwrap_err().to_string(), from_text.to_string());
    let mut response = baseline();
    response.focus_categories = Some(vec!["data-collection".to_owned(); 1_001]);
    assert_eq!(response.validate(heoa()).unwrap_err().problems()[0].code(), "too_large");
}
