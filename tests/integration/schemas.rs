//! The committed JSON Schemas match the code, and every document validates against them.

use crate::common;

use health_equity_assessment::{BUILTIN_FILES, Registry, SchemaKind};
use serde_json::Value;

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::new(schema).expect("schema compiles")
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

/// Regenerates every schema; on drift, rewrites the file outside CI and fails either way.
#[test]
fn committed_schemas_match_the_code() {
    let mut drifted = Vec::new();
    for kind in SchemaKind::ALL {
        let path = common::root().join("schemas").join(kind.file_name());
        let expected = kind.schema_text();
        let actual = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
        if actual != expected {
            drifted.push(kind.file_name());
            if std::env::var_os("CI").is_none() {
                std::fs::write(&path, &expected).unwrap();
            }
        }
    }
    assert!(
        drifted.is_empty(),
        "schemas drifted from the code: {drifted:?}. Outside CI they were rewritten: review and commit them."
    );
    let committed = common::json_files("schemas");
    let mut known: Vec<String> = SchemaKind::ALL.iter().map(|k| k.file_name()).collect();
    // The service's OpenAPI document, drift-tested by the server's tests.
    known.push("openapi.json".to_owned());
    known.sort();
    assert_eq!(committed, known, "schemas/ holds a file no SchemaKind produces");
}

#[test]
fn schemas_are_draft_2020_12() {
    for kind in SchemaKind::ALL {
        let schema = kind.schema();
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{}", kind.name());
        validator(&schema);
    }
}

#[test]
fn every_instrument_file_validates_against_the_instrument_schema() {
    let v = validator(&SchemaKind::Instrument.schema());
    for (path, text) in BUILTIN_FILES {
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(errors(&v, &value), Vec::<String>::new(), "{path}");
    }
}

#[test]
fn every_example_validates_against_the_generic_and_specific_response_schemas() {
    let generic = validator(&SchemaKind::Response.schema());
    let report = validator(&SchemaKind::ScoreReport.schema());
    let examples = common::json_files("examples");
    assert!(examples.len() >= 3);
    for file in examples {
        let text = common::read(&format!("examples/{file}"));
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(errors(&generic, &value), Vec::<String>::new(), "{file}");
        let validated = Registry::builtin().validate_json(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let specific = validator(&validated.instrument().response_schema());
        assert_eq!(errors(&specific, &value), Vec::<String>::new(), "{file}");
        let scored = serde_json::to_value(validated.score()).unwrap();
        assert_eq!(errors(&report, &scored), Vec::<String>::new(), "{file} report");
    }
}

#[test]
fn the_specific_response_schema_rejects_unknown_items_and_options() {
    let heoa = Registry::builtin().latest("heoa").unwrap();
    let v = validator(&heoa.response_schema());
    let bad: Value = serde_json::from_str(&common::read("tests/data/invalid-three-problems.json")).unwrap();
    let found = errors(&v, &bad);
    assert!(found.iter().any(|e| e.contains("eye-colour")), "{found:?}");
    assert!(found.iter().any(|e| e.contains("mostly")), "{found:?}");
    let mut other = bad.clone();
    other["instrument"]["version"] = "2.0.0".into();
    other["answers"] = serde_json::json!({});
    other["focus_categories"] = serde_json::json!(["not-a-category"]);
    assert_eq!(errors(&v, &other).len(), 2, "{:?}", errors(&v, &other));
}

#[test]
fn progress_reports_and_item_maps_validate_against_their_schemas() {
    use health_equity_assessment::{CompareOptions, ItemMap, Program, compare};
    let registry = Registry::builtin();
    let b = registry.validate_json(&common::read("examples/heoa-baseline.json")).unwrap().score();
    let f = registry.validate_json(&common::read("examples/heoa-follow-up.json")).unwrap().score();
    let program = Program::new(jiff::civil::date(2023, 5, 11)).with_name("IPRO HEOA Affinity Group");
    let report = compare(&b, &f, &CompareOptions::new().with_program(program)).unwrap();
    let v = validator(&SchemaKind::ProgressReport.schema());
    assert_eq!(errors(&v, &serde_json::to_value(&report).unwrap()), Vec::<String>::new());

    let map_text = common::read("tests/data/heoa-1-to-2.item-map.json");
    let v = validator(&SchemaKind::ItemMap.schema());
    assert_eq!(errors(&v, &serde_json::from_str(&map_text).unwrap()), Vec::<String>::new());
    let v2 = health_equity_assessment::Instrument::from_json(&common::read("tests/data/heoa-2.0.0.json")).unwrap();
    let f2 = v2.validate_json(&common::read("tests/data/heoa-2.0.0-follow-up.json")).unwrap().score();
    let map = ItemMap::from_json(&map_text).unwrap();
    let report = compare(&b, &f2, &CompareOptions::new().with_item_map(&map)).unwrap();
    let v = validator(&SchemaKind::ProgressReport.schema());
    assert_eq!(errors(&v, &serde_json::to_value(&report).unwrap()), Vec::<String>::new());
}

#[test]
fn cohort_reports_validate_against_their_schema() {
    use health_equity_assessment::Program;
    use health_equity_assessment::synthetic::{SyntheticCohort, generate};
    use health_equity_assessment::{Cohort, CohortOptions};
    let heoa = Registry::builtin().latest("heoa").unwrap();
    let mut cohort = Cohort::new();
    for (i, r) in generate(heoa, &SyntheticCohort::new(20, 4).with_unpaired_share(0.2)).enumerate() {
        cohort.add(format!("s{i}"), r.validate(heoa).unwrap().score());
    }
    cohort.reject("bad.json", vec!["syntax".to_owned()]);
    let options = CohortOptions::default().with_program(Program::new(jiff::civil::date(2023, 5, 11)));
    let report = cohort.analyze(&options).unwrap();
    let v = validator(&SchemaKind::CohortReport.schema());
    let value = serde_json::to_value(&report).unwrap();
    assert_eq!(errors(&v, &value), Vec::<String>::new());
    let back: health_equity_assessment::CohortReport = serde_json::from_value(value).unwrap();
    assert_eq!(back, report);
}

#[test]
fn batch_lines_validate_against_their_schema() {
    use health_equity_assessment::score_line;
    let v = validator(&SchemaKind::BatchLine.schema());
    let good = common::read("examples/heoa-baseline.json").replace('\n', " ");
    for (n, text) in [good.as_str(), "{", "[]", r#"{"instrument": {"id": "x", "version": "1.0.0"}}"#].iter().enumerate()
    {
        let line = serde_json::to_value(score_line(Registry::builtin(), n as u64 + 1, text)).unwrap();
        assert_eq!(errors(&v, &line), Vec::<String>::new(), "{line}");
    }
}
