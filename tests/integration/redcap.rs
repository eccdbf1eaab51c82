#![cfg(feature = "redcap")]
//! REDCap data dictionaries and record imports, for every built-in instrument.

use crate::common;

use health_equity_assessment::redcap::{
    DICTIONARY_COLUMNS, RedcapOptions, export_instrument, export_responses, import_responses,
};
use health_equity_assessment::{Formulas, Instrument, Problem, Registry, Response};
use proptest::prelude::*;
use serde_json::json;

fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    ProptestConfig { cases: n, failure_persistence: None, ..ProptestConfig::default() }
}

fn rows(csv_text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv_text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[test]
fn dictionaries_have_redcap_shape_for_every_instrument() {
    for instrument in Registry::builtin().iter() {
        let dictionary = rows(&export_instrument(instrument, &RedcapOptions::default()));
        assert_eq!(dictionary[0], DICTIONARY_COLUMNS.map(String::from), "{}", instrument.id());
        let fields = &dictionary[1..];
        assert!(fields.iter().all(|r| r.len() == 18));
        let names: Vec<&str> = fields.iter().map(|r| r[0].as_str()).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{}: field names are unique", instrument.id());
        for name in &names {
            assert!(name.len() <= 26, "{name}");
            assert!(name.starts_with(|c: char| c.is_ascii_lowercase()), "{name}");
            assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{name}");
        }
        assert_eq!(names[0], "record_id");
        let radios = fields.iter().filter(|r| r[3] == "radio").count();
        assert_eq!(radios, instrument.item_count());
        let calcs: Vec<&Vec<String>> = fields.iter().filter(|r| r[3] == "calc").collect();
        assert_eq!(calcs.len(), instrument.categories().len());
        for calc in &calcs {
            // Every [field] a formula names exists.
            for part in calc[5].split('[').skip(1) {
                let field = part.split(']').next().unwrap();
                assert!(names.contains(&field), "{}: {} refers to unknown field {field}", instrument.id(), calc[0]);
            }
        }
        let sections = fields.iter().filter(|r| !r[2].is_empty()).count();
        assert_eq!(sections, instrument.categories().len() + 1, "one header per category and the form's");
        for radio in fields.iter().filter(|r| r[3] == "radio") {
            for (k, choice) in radio[5].split(" | ").enumerate() {
                let (code, label) = choice.split_once(", ").unwrap();
                assert_eq!(code, (k + 1).to_string());
                assert!(!label.is_empty());
            }
            assert!(radio[17].starts_with("item: "));
        }
    }
}

fn random_response(instrument: &Instrument, choices: &[Option<usize>], focus: bool, name: &str) -> Response {
    let mut answers = serde_json::Map::new();
    for ((_, item), choice) in instrument.items().zip(choices.iter().cycle()) {
        if let Some(k) = choice {
            let options = &instrument.scale_of(item).unwrap().options;
            answers.insert(item.id.clone(), json!(options[k % options.len()].id));
        }
    }
    let mut doc = json!({
        "instrument": {"id": instrument.id(), "version": instrument.version().to_string()},
        "organization": {"id": "org-r", "name": name},
        "assessed_on": "2024-02-29",
        "answers": answers
    });
    if focus {
        doc["focus_categories"] = json!([instrument.categories()[0].id]);
    }
    Response::from_json(&doc.to_string()).unwrap()
}

proptest! {
    #![proptest_config(cases(64))]

    #[test]
    fn records_round_trip_to_the_same_score_report_for_every_instrument(
        choices in prop::collection::vec(prop::option::weighted(0.85, 0usize..8), 40),
        focus in any::<bool>(),
        name in "[A-Za-zÀ-ÿ ,\"']{1,20}",
    ) {
        prop_assume!(!name.trim().is_empty());
        for instrument in Registry::builtin().iter() {
            let response = random_response(instrument, &choices, focus, name.trim());
            let second = random_response(instrument, &choices.iter().rev().copied().collect::<Vec<_>>(), !focus, "Second");
            let csv = export_responses(instrument, &[response.clone(), second.clone()], &RedcapOptions::default().with_formulas(Formulas::Neutralize));
            let imported = import_responses(&csv, instrument, &RedcapOptions::default()).unwrap();
            prop_assert_eq!(imported.len(), 2);
            prop_assert_eq!(&imported[0], &response);
            let score = |r: &Response| r.validate(instrument).unwrap().score();
            prop_assert_eq!(score(&imported[0]), score(&response));
            prop_assert_eq!(score(&imported[1]), score(&second));
        }
    }
}

#[test]
fn import_errors_name_the_record_and_field() {
    let heoa = Registry::builtin().latest("heoa").unwrap();
    let response = Response::from_json(&common::read("examples/heoa-baseline.json")).unwrap();
    let csv = export_responses(heoa, &[response], &RedcapOptions::default().with_formulas(Formulas::Neutralize));
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    // Corrupt the first answer code, the date, and add an unknown column.
    let header: Vec<&str> = lines[0].split(',').collect();
    let q1 = header.iter().position(|h| h.starts_with("q01_")).unwrap();
    let mut values: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    values[q1] = "9".into();
    values[3] = "2023-02-30".into();
    lines[1] = values.join(",");
    let err = import_responses(&lines.join("\n"), heoa, &RedcapOptions::default()).unwrap_err();
    let codes = err.codes();
    assert_eq!(codes, ["invalid_value", "invalid_code"], "{err}");
    assert!(
        err.to_string()
            .contains("record 1, field q01_real_self_reported (item data-collection.real-self-reported): \"9\""),
        "{err}"
    );

    let bad_header = csv.replacen("organization_id", "org", 1);
    let err = import_responses(&bad_header, heoa, &RedcapOptions::default()).unwrap_err();
    let codes = err.codes();
    assert_eq!(codes, ["unknown_column", "missing_column"]);
    // REDCap's own columns are fine.
    let with_event =
        csv.replacen("record_id,", "record_id,redcap_event_name,", 1).replacen("\n1,", "\n1,baseline_arm_1,", 1);
    assert!(import_responses(&with_event, heoa, &RedcapOptions::default()).is_ok());
    assert_eq!(
        import_responses("a,b\n1", heoa, &RedcapOptions::default()).unwrap_err().problems()[0].code(),
        "unknown_column"
    );

    // A focus checkbox holding anything but 1, 0 or blank is refused, not read as unchecked.
    let focus = csv.lines().next().unwrap().split(',').position(|h| h == "focus___2").unwrap();
    for bad in ["9", "yes", "Checked"] {
        let mut values: Vec<String> = csv.lines().nth(1).unwrap().split(',').map(str::to_owned).collect();
        values[focus] = bad.into();
        let text = format!("{}\n{}", csv.lines().next().unwrap(), values.join(","));
        let err = import_responses(&text, heoa, &RedcapOptions::default()).unwrap_err();
        assert_eq!(err.problems().len(), 1, "{err}");
        assert_eq!(err.problems()[0].code(), "invalid_value");
        let message = err.problems()[0].to_string();
        assert!(message.starts_with(&format!("record 1, field focus___2: {bad:?} is not valid")), "{message}");
        assert!(message.contains("category data-collection-training"), "{message}");
    }
}

#[test]
fn dictionary_labels_that_would_run_as_formulas_are_neutralized() {
    let mut doc: serde_json::Value = serde_json::from_str(&common::read("assessments/heoa/1.0.0.json")).unwrap();
    doc["categories"][0]["title"] = "=HYPERLINK(\"http://x\")".into();
    doc["categories"][0]["items"][0]["text"] = "+SUM(A1:A9)".into();
    let instrument = Instrument::from_json(&doc.to_string()).unwrap();
    let cells = |options: &RedcapOptions| -> Vec<String> {
        let text = export_instrument(&instrument, options);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        reader.records().flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>()).collect()
    };
    let safe = cells(&RedcapOptions::default());
    assert!(safe.iter().any(|c| c == "'=HYPERLINK(\"http://x\")"), "the section header");
    assert!(safe.iter().any(|c| c == "'+SUM(A1:A9)"), "the field label");
    assert!(!safe.iter().any(|c| c.starts_with('=') || c.starts_with('+')), "{safe:?}");
    let raw = cells(&RedcapOptions::default().with_formulas(Formulas::Raw));
    assert!(raw.iter().any(|c| c == "=HYPERLINK(\"http://x\")"));
}
