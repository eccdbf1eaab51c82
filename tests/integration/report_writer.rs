//! The report writer writes exactly what serde_json writes for the same report or summary, on
//! every example and on property-generated responses to every built-in and fixture instrument
//! (any answers, focus categories, and organization ids and names with quotes, backslashes,
//! control characters and any Unicode).

use health_equity_assessment::{
    BatchLine, BatchOutput, Instrument, Registry, ResponseLimits, ValidatedResponse, score_line_with,
    summarize_line_with, write_batch_line,
};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common;

fn assert_same_bytes(validated: &ValidatedResponse<'_>) -> Result<(), TestCaseError> {
    let mut written = Vec::new();
    validated.write_score_json(&mut written);
    let expected = serde_json::to_vec(&validated.score()).unwrap();
    prop_assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&expected));
    let mut written = Vec::new();
    validated.write_summary_json(&mut written);
    let expected = serde_json::to_vec(&validated.score_summary()).unwrap();
    prop_assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&expected));
    Ok(())
}

#[test]
fn every_example_is_written_as_serde_writes_it() {
    for path in common::json_files("examples") {
        let text = common::read(&format!("examples/{path}"));
        let validated = Registry::builtin().validate_json(&text).unwrap();
        assert_same_bytes(&validated).unwrap();
        for output in [BatchOutput::Report, BatchOutput::Summary] {
            let line = text.replace('\n', " ");
            let mut written = Vec::new();
            assert!(write_batch_line(&mut written, Registry::builtin(), 9, &line, &ResponseLimits::default(), output));
            let expected = match output {
                BatchOutput::Report => score_line_with(Registry::builtin(), 9, &line, &ResponseLimits::default()),
                _ => summarize_line_with(Registry::builtin(), 9, &line, &ResponseLimits::default()),
            };
            let mut expected = serde_json::to_vec(&expected).unwrap();
            expected.push(b'\n');
            assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&expected), "{path}");
        }
    }
}

#[test]
fn problem_lines_are_written_as_serde_writes_them() {
    for (n, text) in
        ["{\"instrument\": oops}", "{}", "[1, 2]", "{\"instrument\": {\"id\": \"heoa\", \"version\": \"9.0.0\"}}"]
            .into_iter()
            .enumerate()
    {
        let mut written = Vec::new();
        let line = n as u64 + 1;
        assert!(!write_batch_line(
            &mut written,
            Registry::builtin(),
            line,
            text,
            &ResponseLimits::default(),
            BatchOutput::Summary
        ));
        let mut expected =
            serde_json::to_vec(&score_line_with(Registry::builtin(), line, text, &ResponseLimits::default())).unwrap();
        expected.push(b'\n');
        assert_eq!(written, expected, "{text}");
        assert!(matches!(serde_json::from_slice::<BatchLine>(&written).unwrap(), BatchLine::Problems { .. }));
    }
}

fn instruments() -> Vec<Instrument> {
    let mut all: Vec<Instrument> = Registry::builtin().iter().cloned().collect();
    for file in ["tests/data/heoa-2.0.0.json", "tests/data/staged-fixture-1.0.0.json"] {
        all.push(Instrument::from_json(&common::read(file)).unwrap());
    }
    let mut odd: Value = common::small_instrument();
    // Texts the writer must escape as serde does, in the instrument's own strings.
    odd["title"] = json!("Quotes \" and \\ and \u{7} and \u{1f} and é 😀");
    odd["categories"][0]["title"] = json!("A \"quoted\"\ttitle\n\u{0}\u{2028}");
    odd["categories"][0]["items"][0]["text"] = json!("Line\r\nbreak \u{8}\u{c} \u{7f} \u{85}");
    odd["scoring"]["level_sets"][0]["levels"][0]["label"] = json!("Lowest \\ level \u{1b}[31m");
    all.push(Instrument::from_json(&odd.to_string()).unwrap());
    all
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9-]{1,12}",
        any::<String>().prop_filter("not blank", |s| !s.trim().is_empty()),
        Just("\"\\\u{0}\u{1f}\u{7f}\u{2028}é😀".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_response_is_written_as_serde_writes_it(
        which in 0usize..7,
        picks in prop::collection::vec(any::<prop::sample::Index>(), 64),
        skip in prop::collection::vec(any::<bool>(), 64),
        focus in prop::collection::vec(any::<bool>(), 8),
        id in text(),
        name in prop::option::of(text()),
        (year, month, day) in (0i16..=9999, 1i8..=12, 1i8..=28),
    ) {
        let all = instruments();
        let instrument = &all[which % all.len()];
        let mut answers = serde_json::Map::new();
        for (n, (_, item)) in instrument.items().enumerate() {
            let scale = instrument.scale_of(item).unwrap();
            if !skip[n % skip.len()] {
                let option = &scale.options[picks[n % picks.len()].index(scale.options.len())];
                answers.insert(item.id.clone(), json!(option.id));
            }
        }
        let focus: Vec<&str> = instrument
            .categories()
            .iter()
            .enumerate()
            .filter(|(k, _)| focus[k % focus.len()])
            .map(|(_, c)| c.id.as_str())
            .collect();
        let mut organization = json!({"id": id});
        if let Some(name) = name {
            organization["name"] = json!(name);
        }
        let document = json!({
            "instrument": {"id": instrument.id(), "version": instrument.version().to_string()},
            "organization": organization,
            "assessed_on": format!("{year:04}-{month:02}-{day:02}"),
            "answers": answers,
            "focus_categories": focus,
        });
        let validated = instrument.validate_json(&document.to_string()).unwrap();
        assert_same_bytes(&validated)?;
    }
}
