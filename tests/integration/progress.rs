//! Comparing a baseline with a follow-up: changes, level movement, item movement, refusals, the
//! follow-up window, and item maps across major versions.

use crate::common;

use health_equity_assessment::{
    CompareOptions, ItemMap, LevelMovement, Matching, Program, Side, WindowVerdict, compare,
};
use health_equity_assessment::{Exact, Instrument, Problem, Registry, ScoreReport};
use jiff::civil::date;
use serde_json::Value;

fn report(path: &str) -> ScoreReport {
    Registry::builtin().validate_json(&common::read(path)).unwrap().score()
}

fn with_date(mut r: ScoreReport, d: jiff::civil::Date) -> ScoreReport {
    r.assessed_on = d;
    r
}

#[test]
fn the_example_pair_within_the_affinity_group_window() {
    let (b, f) = (report("examples/heoa-baseline.json"), report("examples/heoa-follow-up.json"));
    let options =
        CompareOptions::new().with_program(Program::new(date(2023, 5, 11)).with_name("IPRO HEOA Affinity Group"));
    let p = compare(&b, &f, &options).unwrap();
    assert_eq!(p.window.verdict, WindowVerdict::Within);
    assert_eq!(p.window.deadline, Some(date(2023, 6, 11)));

    let training = p.category("data-collection-training").unwrap();
    assert!(training.focus);
    assert_eq!(training.change_exact, Some("175/3".parse::<Exact>().unwrap()));
    assert_eq!(training.change, Some(58.33));
    assert_eq!(training.level_movement, LevelMovement::Improved);
    assert_eq!(training.follow_up.as_ref().unwrap().level.as_deref(), Some("leading"));
    assert_eq!(
        training.newly_implemented,
        ["data-collection-training.staff-trained", "data-collection-training.scripted-explanation"]
    );
    assert_eq!(training.advanced.len(), 4);

    let stratification = p.category("data-stratification").unwrap();
    assert_eq!(stratification.level_movement, LevelMovement::Unchanged);
    assert_eq!(stratification.regressed.len(), 1);
    assert_eq!(stratification.regressed[0].baseline[0].answer.as_deref(), Some("planning"));
    assert_eq!(stratification.regressed[0].follow_up[0].answer.as_deref(), Some("not_started"));

    // A missing baseline answer that is answered at follow-up counts as advanced (0 -> 1/3).
    let gaps = p.category("address-gaps-in-care").unwrap();
    assert!(gaps.advanced.iter().any(|c| c.follow_up[0].id == "address-gaps-in-care.progress-tracked"));

    assert_eq!(p.overall.level_movement, LevelMovement::Improved);
    assert_eq!(p.overall.focus_categories.len(), 2);
    assert_eq!(p.overall.activities_regressed, 1);
    let advanced: usize = p.categories.iter().map(|c| c.advanced.len()).sum();
    assert_eq!(p.overall.activities_advanced, advanced);
    assert!(p.unmatched.is_empty());
    let sum: Exact = p.categories.iter().filter_map(|c| c.change_exact.clone()).sum();
    assert_eq!(p.overall.change_exact, sum.div_int(7), "the mean of changes is the change of the mean");
}

#[test]
fn a_late_follow_up_is_compared_and_reported_or_refused_when_strict() {
    let b = report("examples/heoa-baseline.json");
    let f = with_date(report("examples/heoa-follow-up.json"), date(2023, 6, 12));
    let program = Program::new(date(2023, 5, 11));
    let p = compare(&b, &f, &CompareOptions::new().with_program(program.clone())).unwrap();
    assert_eq!((p.window.verdict, p.window.days_late), (WindowVerdict::Late, Some(1)));
    let err = compare(&b, &f, &CompareOptions::new().with_program(program).with_strict_window(true)).unwrap_err();
    assert_eq!(err.code(), "late_follow_up");
    assert!(err.to_string().contains("1 day(s) after the deadline 2023-06-11"), "{err}");

    let early = with_date(report("examples/heoa-follow-up.json"), date(2023, 5, 1));
    let p = compare(&b, &early, &CompareOptions::new().with_program(Program::new(date(2023, 5, 11)))).unwrap();
    assert_eq!(p.window.verdict, WindowVerdict::BeforeProgramEnd);
    let p = compare(&b, &early, &CompareOptions::new()).unwrap();
    assert_eq!(p.window.verdict, WindowVerdict::NotChecked);
}

#[test]
fn refusals_are_precise() {
    let (b, f) = (report("examples/heoa-baseline.json"), report("examples/heoa-follow-up.json"));
    let err = compare(&f, &b, &CompareOptions::new()).unwrap_err();
    assert_eq!(err.code(), "follow_up_before_baseline");
    assert!(err.to_string().contains("are the two swapped?"), "{err}");

    let mut other = f.clone();
    other.organization.id = "org-002".into();
    assert_eq!(compare(&b, &other, &CompareOptions::new()).unwrap_err().code(), "different_organizations");

    let ihi = report("examples/ihi-five-component.json");
    let mut ihi_same_org = with_date(ihi, date(2023, 6, 8));
    ihi_same_org.organization = b.organization.clone();
    assert_eq!(compare(&b, &ihi_same_org, &CompareOptions::new()).unwrap_err().code(), "different_instruments");

    let v2 = Instrument::from_json(&common::read("tests/data/heoa-2.0.0.json")).unwrap();
    let f2 = v2.validate_json(&common::read("tests/data/heoa-2.0.0-follow-up.json")).unwrap().score();
    let err = compare(&b, &f2, &CompareOptions::new()).unwrap_err();
    assert_eq!(err.code(), "different_major_versions");
    assert!(err.to_string().contains("heoa@1.0.0") && err.to_string().contains("heoa@2.0.0"));
}

#[test]
fn comparing_an_assessment_with_itself_shows_no_change() {
    let b = report("examples/heoa-baseline.json");
    let p = compare(&b, &b, &CompareOptions::new()).unwrap();
    assert!(
        p.categories
            .iter()
            .all(|c| c.change_exact == Some(Exact::zero()) && c.level_movement == LevelMovement::Unchanged)
    );
    assert!(
        p.categories.iter().all(|c| c.advanced.is_empty() && c.regressed.is_empty() && c.newly_implemented.is_empty())
    );
    assert_eq!((p.overall.activities_advanced, p.overall.activities_regressed), (0, 0));
}

#[test]
fn an_item_map_connects_major_versions_and_reports_every_unmatched_item() {
    let b = report("examples/heoa-baseline.json");
    let v2 = Instrument::from_json(&common::read("tests/data/heoa-2.0.0.json")).unwrap();
    let f2 = v2.validate_json(&common::read("tests/data/heoa-2.0.0-follow-up.json")).unwrap().score();
    let map = ItemMap::from_json(&common::read("tests/data/heoa-1-to-2.item-map.json")).unwrap();
    let p = compare(&b, &f2, &CompareOptions::new().with_item_map(&map)).unwrap();
    assert_eq!(p.item_map.as_ref().unwrap().from, "heoa@^1");

    // Renamed category: compared with its old self.
    let share = p.category("share-findings").unwrap();
    assert_eq!(share.baseline_id.as_deref(), Some("communicate-findings"));
    assert!(share.baseline.is_some() && share.change.is_some());
    assert!(p.category("communicate-findings").is_none(), "the renamed category appears once");

    // Merged: baseline mean of (planning 1/3, not started 0) = 1/6 -> implemented 1.
    let validation = p.category("data-validation").unwrap();
    let merged = validation.advanced.iter().find(|c| c.matching == Matching::Merged).unwrap();
    assert_eq!(merged.baseline.len(), 2);
    assert_eq!(merged.baseline_position, "1/6".parse::<Exact>().unwrap());
    assert_eq!(merged.follow_up_position, Exact::from(1));
    assert!(validation.newly_implemented.iter().any(|i| i == "data-validation.quality-audits"));

    // Split: planning (1/3) -> mean(planning 1/3, not started 0) = 1/6: regressed.
    let stratification = p.category("data-stratification").unwrap();
    let split = stratification.regressed.iter().find(|c| c.matching == Matching::Split).unwrap();
    assert_eq!(split.follow_up.len(), 2);

    // Renamed item.
    let collection = p.category("data-collection").unwrap();
    assert!(
        collection
            .advanced
            .iter()
            .any(|c| c.matching == Matching::Renamed && c.follow_up[0].id == "data-collection.sogi-data")
    );

    let unmatched: Vec<(Side, &str, &str)> =
        p.unmatched.iter().map(|u| (u.side, u.item.as_str(), u.reason.as_str())).collect();
    assert!(unmatched.contains(&(Side::Baseline, "communicate-findings.community-shared", "removed")), "{unmatched:?}");
    assert!(
        unmatched.contains(&(Side::FollowUp, "infrastructure-and-culture.anti-racism-plan", "added")),
        "{unmatched:?}"
    );
    assert!(unmatched.contains(&(Side::Baseline, "data-collection.disability", "no_counterpart")), "{unmatched:?}");
    assert!(
        unmatched.contains(&(Side::FollowUp, "data-collection.language-preference", "no_counterpart")),
        "{unmatched:?}"
    );
    assert_eq!(unmatched.len(), 4);

    // The map must fit the versions compared.
    let err = compare(&b, &b, &CompareOptions::new().with_item_map(&map)).unwrap_err();
    assert_eq!(err.code(), "item_map_does_not_apply");
    let mut wrong: Value = serde_json::from_str(&common::read("tests/data/heoa-1-to-2.item-map.json")).unwrap();
    wrong["items"][0]["to"] = "data-collection.sogi-dta".into();
    let wrong = ItemMap::from_json(&wrong.to_string()).unwrap();
    let err = compare(&b, &f2, &CompareOptions::new().with_item_map(&wrong)).unwrap_err();
    assert_eq!(err.code(), "item_map_mismatch");
    assert!(err.to_string().contains("\"data-collection.sogi-dta\" is not in heoa@2.0.0"), "{err}");
}

#[test]
fn item_map_files_are_checked() {
    let good = common::read("tests/data/heoa-1-to-2.item-map.json");
    let mut doc: Value = serde_json::from_str(&good).unwrap();
    doc["items"][1]["from"] = serde_json::json!(["data-validation.completeness-monitored"]);
    doc["items"][3]["from"] = "data-collection.sogi".into();
    doc["items"][4]["to"] = "Bad Id".into();
    let err = ItemMap::from_json(&doc.to_string()).unwrap_err();
    let codes = err.codes();
    assert!(
        codes.contains(&"too_few") && codes.contains(&"mapped_twice") && codes.contains(&"invalid_id"),
        "{codes:?}"
    );
    let mut doc: Value = serde_json::from_str(&good).unwrap();
    doc["items"][0]["change"] = "teleported".into();
    assert_eq!(ItemMap::from_json(&doc.to_string()).unwrap_err().problems()[0].code(), "invalid_value");
    doc["format_version"] = 9.into();
    assert_eq!(ItemMap::from_json(&doc.to_string()).unwrap_err().problems()[0].code(), "format_too_new");
}

#[test]
fn the_progress_report_round_trips_and_is_deterministic() {
    let (b, f) = (report("examples/heoa-baseline.json"), report("examples/heoa-follow-up.json"));
    let options = CompareOptions::new().with_program(Program::new(date(2023, 5, 11)));
    let p = compare(&b, &f, &options).unwrap();
    let text = serde_json::to_string(&p).unwrap();
    assert_eq!(text, serde_json::to_string(&compare(&b, &f, &options).unwrap()).unwrap());
    let back: health_equity_assessment::ProgressReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, p);
    insta::assert_json_snapshot!("progress-report__heoa-example-pair", p);
}
