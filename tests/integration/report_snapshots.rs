//! Snapshots of the JSON score report of every example.

use crate::common;

use health_equity_assessment::Registry;

#[test]
fn json_reports_of_every_example() {
    for file in common::json_files("examples") {
        let text = common::read(&format!("examples/{file}"));
        let report = Registry::builtin().validate_json(&text).unwrap().score();
        let name = format!("score-report__{}", file.trim_end_matches(".json").replace('/', "__"));
        insta::assert_json_snapshot!(name, report);
    }
}

#[test]
fn json_summaries_of_every_example() {
    for file in common::json_files("examples") {
        let text = common::read(&format!("examples/{file}"));
        let summary = Registry::builtin().validate_json(&text).unwrap().score_summary();
        let name = format!("score-summary__{}", file.trim_end_matches(".json").replace('/', "__"));
        insta::assert_json_snapshot!(name, summary);
    }
}
