//! Small wrong answers: the empty follow-up window is written in a form the schemas accept,
//! and a scale whose top option scores nothing is refused instead of reading as "all not
//! applicable".

use health_equity_assessment::{FollowUpWindow, Program};
use health_equity_assessment::{Instrument, Problem};
use serde_json::json;

use crate::common;

#[test]
fn every_window_is_written_as_the_schema_expects() {
    let pattern = regex_lite_like("^P(?!$)([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?$");
    for text in ["P0D", "P1M", "P30D", "P6W", "P1Y2M", "P0M", "P0Y"] {
        let window: FollowUpWindow = text.parse().unwrap();
        let written = window.to_string();
        assert!(pattern(&written), "{text} is written {written}");
        assert_eq!(written.parse::<FollowUpWindow>().unwrap(), window);
        let program = serde_json::to_value(Program::new(jiff::civil::date(2023, 5, 11)).with_window(window)).unwrap();
        assert!(pattern(program["window"].as_str().unwrap()));
    }
    assert_eq!(format!("{:>5}", "P0D".parse::<FollowUpWindow>().unwrap()), "  P0D");
}

/// The schema's pattern without a regex engine: `P`, then optional `nY`, `nM`, `nW`, `nD` in
/// that order, at least one.
fn regex_lite_like(_: &str) -> impl Fn(&str) -> bool {
    |text: &str| {
        let Some(mut rest) = text.strip_prefix('P') else { return false };
        if rest.is_empty() {
            return false;
        }
        for unit in ['Y', 'M', 'W', 'D'] {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && rest[digits..].starts_with(unit) {
                rest = &rest[digits + 1..];
            }
        }
        rest.is_empty()
    }
}

#[test]
fn a_scale_whose_top_option_scores_zero_is_refused() {
    let mut doc = common::small_instrument();
    doc["scales"] = json!([{"id": "imp", "options": [
        {"id": "none", "label": "None", "points": 0},
        {"id": "also-none", "label": "Also none", "points": 0},
        {"id": "na", "label": "Not applicable", "excluded": true}
    ]}]);
    let err = Instrument::from_json(&doc.to_string()).unwrap_err();
    let codes: Vec<&str> = err.problems().iter().map(|p| p.code()).collect();
    assert_eq!(codes, ["zero_top_points"], "{err}");
    assert!(err.to_string().contains("/scales/0/options"), "{err}");

    let mut doc = common::small_instrument();
    doc["scoring"]["category"]["rule"] = json!({"kind": "all_of", "points": 0});
    let err = Instrument::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(err.problems()[0].pointer(), Some("/scoring/category/rule/points"), "{err}");
}
