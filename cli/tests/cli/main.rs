//! The `equity-assess` binary: acceptance commands, exit codes, and text-report snapshots.

mod trust;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_equity-assess")).args(args).current_dir(root()).output().unwrap()
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_equity-assess"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Write from another thread: the child writes output while it reads, and a full stdout pipe
    // would otherwise stop both.
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        // The child may stop reading early (a usage error); a broken pipe is its answer, not ours.
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn instruments_lists_the_built_ins() {
    let o = run(&["instruments", "--format", "json"]);
    assert!(o.status.success());
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["cms-hche", "heoa", "ihi-five-component", "tjc-ld-04-03-08"]);
    assert_eq!(list[1]["version"], "1.0.0");
    assert_eq!((list[1]["items"].as_u64(), list[1]["categories"].as_u64()), (Some(33), Some(7)));
    insta::assert_snapshot!("instruments-text", stdout(&run(&["instruments"])));
}

#[test]
fn score_prints_a_level_for_every_category() {
    let o = run(&["score", "examples/heoa-baseline.json", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let categories = report["categories"].as_array().unwrap();
    assert_eq!(categories.len(), 7);
    assert!(categories.iter().all(|c| c["level"].is_string()));
}

#[test]
fn text_reports_of_every_example() {
    for file in ["heoa-baseline", "heoa-follow-up", "ihi-five-component", "cms-hche", "tjc-ld-04-03-08"] {
        let o = run(&["score", &format!("examples/{file}.json"), "--format", "text"]);
        assert!(o.status.success(), "{}", stderr(&o));
        insta::assert_snapshot!(format!("score-text__{file}"), stdout(&o));
    }
}

#[test]
fn an_hche_response_missing_one_domain_2_element_scores_4_of_5_and_names_it() {
    let o = run(&["score", "examples/cms-hche.json", "--format", "json"]);
    assert!(o.status.success());
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["overall"]["points"], 4);
    assert_eq!(report["overall"]["max_points"], 5);
    assert_eq!(report["overall"]["level"], "4");
    assert_eq!(report["overall"]["level_label"], "4 of 5");
    let failed: Vec<&str> =
        report["opportunities"].as_array().unwrap().iter().map(|o| o["item"].as_str().unwrap()).collect();
    assert_eq!(failed, ["data-collection.staff-training"]);
    let domain2 = &report["categories"][1];
    assert_eq!((domain2["id"].as_str(), domain2["level"].as_str()), (Some("data-collection"), Some("not-met")));
    let text = stdout(&run(&["score", "examples/cms-hche.json", "--format", "text"]));
    assert!(
        text.contains("4 of 5") && text.contains("training for staff in culturally sensitive collection"),
        "{text}"
    );
}

#[test]
fn validate_names_every_problem_and_exits_1() {
    let o = run(&["validate", "tests/data/invalid-three-problems.json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(err.contains("data-collection.eye-colour"), "{err}");
    assert!(err.contains("\"mostly\""), "{err}");
    assert!(err.contains("appears more than once"), "{err}");
    assert!(
        lines.iter().all(|l| l.starts_with("equity-assess: tests/data/invalid-three-problems.json: /answers")),
        "{err}"
    );

    let o = run(&["validate", "examples/heoa-baseline.json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("valid heoa@1.0.0"));

    let o = run(&["validate", "--format", "json", "tests/data/invalid-three-problems.json"]);
    assert_eq!(o.status.code(), Some(1));
    let result: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(result["valid"], false);
    let codes: Vec<&str> = result["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["invalid_option", "duplicate_key", "unknown_item"]);
}

#[test]
fn the_instrument_specific_schema_is_printed() {
    let o = run(&["schema", "response", "--instrument", "heoa@1.0.0"]);
    assert!(o.status.success());
    let schema: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(schema["properties"]["answers"]["additionalProperties"], false);
    assert_eq!(schema["properties"]["answers"]["properties"].as_object().unwrap().len(), 33);
    let o = run(&["schema", "response", "--instrument", "heoa@^1"]);
    assert!(o.status.success());
    let o = run(&["schema", "score-report"]);
    assert_eq!(stdout(&o), std::fs::read_to_string(root().join("schemas/score-report.schema.json")).unwrap());
    let o = run(&["schema", "instrument", "--instrument", "heoa@1.0.0"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["schema", "response", "--instrument", "heoa@9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("known: cms-hche@1.0.0, heoa@1.0.0"), "{}", stderr(&o));
}

#[test]
fn custom_instrument_files() {
    let dir = std::env::temp_dir().join(format!("equity-assess-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut heoa: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("assessments/heoa/1.0.0.json")).unwrap()).unwrap();
    heoa["title"] = "Official HEOA edition (local copy)".into();
    let good = dir.join("heoa-official.json");
    std::fs::write(&good, heoa.to_string()).unwrap();
    let o =
        run(&["score", "examples/heoa-baseline.json", "--format", "text", "--instrument-file", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("Official HEOA edition (local copy)"));

    heoa["scales"][0]["options"][0]["points"] = "zero".into();
    heoa["categories"][0]["items"][0]["scale"] = "imp".into();
    let bad = dir.join("heoa-bad.json");
    std::fs::write(&bad, heoa.to_string()).unwrap();
    let o = run(&["validate", "examples/heoa-baseline.json", "--instrument-file", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("/scales/0/options/0/points"), "{err}");
    assert!(err.contains("/categories/0/items/0/scale"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn exit_codes_and_hostile_input_never_panic() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["score"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(&["--help"]).status.code(), Some(0));
    let o = run(&["score", "does/not/exist.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1);
    assert_eq!(run(&["score", "examples"]).status.code(), Some(2));
    for input in [&b""[..], b"\xff\xfe\x00", b"{", b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", b"null", b"{\"answers\": {\"a\": {\"b\": []}}}"] {
        let o = run_stdin(&["score", "-"], input);
        assert!(matches!(o.status.code(), Some(1 | 2)), "{input:?}: {:?}", o.status);
        let err = stderr(&o);
        assert!(!err.contains("panicked") && !err.contains("internal error"), "{err}");
    }
    // A byte-order mark is allowed before the document.
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(std::fs::read(root().join("examples/heoa-baseline.json")).unwrap());
    assert!(run_stdin(&["validate", "-"], &bom).status.success());
}

const BASE: &str = "examples/heoa-baseline.json";
const FOLLOW: &str = "examples/heoa-follow-up.json";

#[test]
fn diff_prints_every_level_movement_and_the_window_verdict() {
    let o = run(&["diff", BASE, FOLLOW, "--program-completed", "2023-05-11"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("deadline 2023-06-11; follow-up 2023-06-08: within"), "{out}");
    for (category, movement) in [
        ("Data collection   ", "unchanged"),
        ("Data collection training *", "improved"),
        ("Data validation *", "improved"),
        ("Data stratification", "unchanged"),
        ("Communicate findings", "improved"),
        ("Address and resolve gaps in care", "improved"),
        ("Organizational infrastructure and culture", "unchanged"),
    ] {
        let line = out.lines().find(|l| l.starts_with(category)).unwrap_or_else(|| panic!("no row for {category}"));
        assert!(line.ends_with(movement), "{line}");
    }
    insta::assert_snapshot!("diff-text__heoa-example-pair", out);
}

fn late_follow_up() -> PathBuf {
    let text = std::fs::read_to_string(root().join(FOLLOW)).unwrap().replace("2023-06-08", "2023-06-12");
    let path = std::env::temp_dir().join(format!("equity-assess-late-{}.json", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_follow_up_one_day_late_is_reported_and_fails_when_strict() {
    let late = late_follow_up();
    let late = late.to_str().unwrap();
    let o = run(&["diff", BASE, late, "--program-completed", "2023-05-11"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("follow-up 2023-06-12: late by 1 day"), "{}", stdout(&o));
    let o = run(&["diff", BASE, late, "--program-completed", "2023-05-11", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((report["window"]["verdict"].as_str(), report["window"]["days_late"].as_u64()), (Some("late"), Some(1)));
    let o = run(&["diff", BASE, late, "--program-completed", "2023-05-11", "--strict-window"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("1 day(s) after the deadline 2023-06-11"), "{}", stderr(&o));
    std::fs::remove_file(late).unwrap();
}

#[test]
fn swapping_baseline_and_follow_up_is_refused() {
    let o = run(&["diff", FOLLOW, BASE]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty(), "no negative report is printed");
    assert!(stderr(&o).contains("are the two swapped?"), "{}", stderr(&o));
}

#[test]
fn diff_usage_errors() {
    assert_eq!(run(&["diff", BASE, FOLLOW, "--window", "P1M"]).status.code(), Some(2));
    assert_eq!(run(&["diff", BASE, FOLLOW, "--program-completed", "2023-02-30"]).status.code(), Some(2));
    assert_eq!(
        run(&["diff", BASE, FOLLOW, "--program-completed", "2023-05-11", "--window", "PT1H"]).status.code(),
        Some(2)
    );
    let o = run(&["diff", BASE, "tests/data/invalid-three-problems.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).lines().count(), 3);
}

#[test]
fn diff_across_major_versions_with_an_item_map() {
    let args =
        ["diff", BASE, "tests/data/heoa-2.0.0-follow-up.json", "--instrument-file", "tests/data/heoa-2.0.0.json"];
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("only be compared with an item map"));
    let mut with_map = args.to_vec();
    with_map.extend(["--item-map", "tests/data/heoa-1-to-2.item-map.json"]);
    let o = run(&with_map);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Without a counterpart (4)"), "{out}");
    assert!(out.contains("(split into 2 items)"), "{out}");
}

#[test]
fn markdown_and_html_reports() {
    let o = run(&["diff", BASE, FOLLOW, "--program-completed", "2023-05-11", "--format", "markdown"]);
    assert!(o.status.success());
    let md = stdout(&o);
    assert_eq!(md.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| Category")).count(), 7);
    insta::assert_snapshot!("diff-markdown__heoa-example-pair", md);

    let o = run(&["diff", BASE, FOLLOW, "--program-completed", "2023-05-11", "--format", "html"]);
    assert!(o.status.success());
    let page = stdout(&o);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<svg").count(), 1, "one embedded SVG chart");
    assert!(page.contains("<figcaption>Percent of the maximum points in each category at baseline"));
    assert!(page.contains("Developing\n</text>"), "bands are labelled");
    assert_chart_text_at_least_16px(&page);
    assert_eq!(page.matches("<tr class=\"category\">").count(), 7, "one row per category");
    assert!(page.contains("<rect"), "the chart has bars");
    for external in ["src=", "href=", "<script", "@import", "url(", "<link"] {
        assert!(!page.contains(external), "the page must be self-contained, found {external}");
    }
}

/// Every text of the chart is at least 16 px at the SVG's own size, so at least 12 px when the
/// chart is scaled to a printed page's width.
fn assert_chart_text_at_least_16px(page: &str) {
    let sizes: Vec<f64> =
        page.split("font-size=\"").skip(1).map(|rest| rest.split('"').next().unwrap().parse().unwrap()).collect();
    assert!(sizes.len() > 10, "{sizes:?}");
    assert!(sizes.iter().all(|s| *s >= 16.0), "{sizes:?}");
    let width: f64 = page.split("<svg width=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
    assert!(width <= 960.0, "the chart is {width} px wide");
}

#[test]
fn the_score_report_for_an_improvement_team() {
    let o = run(&["score", BASE, "--format", "html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<svg").count(), 1, "one embedded SVG chart");
    assert!(page.contains("<rect"), "the chart has bars");
    for band in ["Beginning", "Developing", "Advancing", "Leading"] {
        assert!(page.contains(&format!("{band}\n</text>")), "band {band} named in the chart");
    }
    assert_chart_text_at_least_16px(&page);
    assert!(page.contains("Dashed lines mark the maturity level thresholds: Beginning from 0%, Developing from 25%"));
    assert_eq!(page.matches("<tr class=\"category\">").count(), 7, "one row per category");
    // Opportunities grouped by category, with the activity text and the answer's label.
    assert_eq!(page.matches("<section class=\"category\">").count(), 7);
    assert!(page.contains("<td>Sexual orientation and gender identity (SOGI) are collected privately"));
    assert!(page.contains("<td class=\"answer\">not started</td>"));
    assert!(page.contains("Focus categories: Data collection training, Data validation."));
    assert!(page.contains("@media print"));
    for external in ["src=", "href=", "<script", "@import", "url(", "<link"] {
        assert!(!page.contains(external), "the page must be self-contained, found {external}");
    }
    insta::assert_snapshot!("score-html__heoa-baseline", page);

    let o = run(&["score", BASE, "--format", "markdown"]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("score-markdown__heoa-baseline", stdout(&o));
}

#[test]
fn cohort_text_says_when_pairs_are_too_few_and_names_items_by_text() {
    let o = run(&["cohort", BASE, FOLLOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("level rose"), "{text}");
    assert!(!text.contains("1.0000"), "no p-values from one pair: {text}");
    assert!(text.contains("too few: fewer than 6 pairs with a change"), "{text}");
    assert!(
        text.contains("At least one identified disparity is chosen as an organizational priority."),
        "McNemar lists show activity texts: {text}"
    );
    // With enough pairs the p-values are there.
    let synthetic = run(&["synthetic-cohort", "--organizations", "40"]);
    let o = run_stdin(&["cohort", "-"], &synthetic.stdout);
    let text = stdout(&o);
    assert!(!text.contains("too few:"), "{text}");
    assert!(text.contains("<0.0001"), "{text}");
}

const SECOND: &str = "examples/heoa-second-follow-up.json";

#[test]
fn trend_over_three_waves_and_cohort_pairs_chosen_by_wave() {
    let o = run(&["trend", BASE, FOLLOW, SECOND]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("Trend: Example Community Hospital (org-001), heoa: 3 waves"), "{text}");
    assert!(text.contains("Data validation") && text.contains("regressed after improving"), "{text}");
    insta::assert_snapshot!("trend-text__heoa-three-waves", text);
    // The same report whatever the order of the inputs.
    let json = |args: &[&str]| stdout(&run(args));
    let forward = json(&["trend", BASE, FOLLOW, SECOND, "--format", "json"]);
    assert_eq!(forward, json(&["trend", SECOND, BASE, FOLLOW, "--format", "json"]));
    let report: serde_json::Value = serde_json::from_str(&forward).unwrap();
    let validation =
        report["series"][0]["categories"].as_array().unwrap().iter().find(|c| c["id"] == "data-validation").unwrap();
    assert_eq!(validation["changes"], serde_json::json!([58.33, -25.0]));
    assert_eq!(validation["trajectory"], "regressed_after_improving");
    let page = json(&["trend", BASE, FOLLOW, SECOND, "--format", "html"]);
    assert_eq!(page.matches("<svg").count(), 8, "a chart per category and the overall");
    assert_chart_text_at_least_16px(&page);

    // cohort --pair: which two waves form the pair, stated in the report.
    let o = run(&["cohort", BASE, FOLLOW, SECOND, "--pair", "last-two", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["options"]["waves"], "last_two");
    let overall = &report["instruments"][0]["overall"];
    assert_eq!(overall["median_change_exact"], "85/21", "follow-up to second follow-up: {overall}");
    let o = run(&["cohort", BASE, FOLLOW, SECOND, "--pair", "first-second", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["instruments"][0]["overall"]["median_change"], 24.127, "baseline to follow-up");
    let o = run(&["cohort", BASE, FOLLOW, SECOND]);
    assert!(stdout(&o).contains("Pairs: the first and the last assessment of each organization"), "{}", stdout(&o));
}

#[test]
fn a_follow_up_template_and_item_change_labels() {
    let o = run(&["template", "--from", BASE, "--for-date", "2023-06-08"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let template: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(template["answers"], serde_json::json!({}));
    assert_eq!(template["assessed_on"], "2023-06-08");
    assert_eq!(template["focus_categories"], serde_json::json!(["data-validation", "data-collection-training"]));
    assert!(template.get("notes").is_none(), "notes belong to the baseline");
    // It validates as it is, and once its answers are filled in.
    assert!(run_stdin(&["validate", "-"], &o.stdout).status.success());
    let mut filled = template.clone();
    let base: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root().join(BASE)).unwrap()).unwrap();
    filled["answers"] = base["answers"].clone();
    assert!(run_stdin(&["validate", "-"], filled.to_string().as_bytes()).status.success());
    // --carry-answers starts from the baseline's answers; --to another edition with an item map.
    let o = run(&["template", "--from", BASE, "--carry-answers", "--for-date", "2023-06-08"]);
    let carried: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(carried["answers"], base["answers"]);
    let o = run(&[
        "template",
        "--from",
        BASE,
        "--to",
        "heoa@2.0.0",
        "--instrument-file",
        "tests/data/heoa-2.0.0.json",
        "--item-map",
        "tests/data/heoa-1-to-2.item-map.json",
        "--carry-answers",
        "--for-date",
        "2024-01-01",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let next: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(next["instrument"]["version"], "2.0.0");
    assert!(
        run_stdin(&["validate", "-", "--instrument-file", "tests/data/heoa-2.0.0.json"], &o.stdout).status.success()
    );
    // Without a date the template is for today.
    let o = run(&["template", "--from", BASE]);
    let today: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(today["assessed_on"].as_str().unwrap() >= "2026-01-01");

    let o = run(&["diff", FOLLOW, SECOND, "--item-changes", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let changes: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let label = |item: &str| changes.as_array().unwrap().iter().find(|c| c["item"] == item).unwrap()["label"].clone();
    assert_eq!(label("data-validation.accuracy-audited"), "regressed");
    assert_eq!(label("data-stratification.dashboard"), "improved");
    assert_eq!(label("data-collection.sogi"), "unchanged");
    let o = run(&[
        "diff",
        BASE,
        "tests/data/heoa-2.0.0-follow-up.json",
        "--instrument-file",
        "tests/data/heoa-2.0.0.json",
        "--item-changes",
        "--format",
        "json",
    ]);
    let changes: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let labels: std::collections::BTreeSet<&str> =
        changes.as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).collect();
    for expected in ["new", "removed", "improved", "unchanged"] {
        assert!(labels.contains(expected), "{expected} in {labels:?}");
    }
}

#[test]
fn an_edition_round_trips_through_a_workbook() {
    for spec in ["heoa@1.0.0", "ihi-five-component", "cms-hche@1.0.0", "tjc-ld-04-03-08"] {
        let o = run(&["instrument", "export-xlsx", spec]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(o.stdout.starts_with(b"PK"), "an xlsx is a zip archive");
        let back = run_stdin(&["instrument", "import-xlsx", "-"], &o.stdout);
        assert!(back.status.success(), "{spec}: {}", stderr(&back));
        let id = spec.split('@').next().unwrap();
        let file = std::fs::read_dir(root().join("assessments").join(id)).unwrap().next().unwrap().unwrap().path();
        let original: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let imported: serde_json::Value = serde_json::from_slice(&back.stdout).unwrap();
        assert_eq!(imported, original, "{spec}");
        assert!(run_stdin(&["instrument", "check", "-"], &back.stdout).status.success());
    }
    let o = run_stdin(&["instrument", "import-xlsx", "-"], b"not a workbook");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("equity-assess: <stdin>: workbook: not an .xlsx workbook"), "{}", stderr(&o));
}

#[test]
fn the_progress_report_schema_is_printed() {
    let o = run(&["schema", "progress-report"]);
    assert_eq!(stdout(&o), std::fs::read_to_string(root().join("schemas/progress-report.schema.json")).unwrap());
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("equity-assess-{}-{name}", std::process::id()))
}

#[test]
fn cohort_of_500_generated_organizations() {
    let o = run(&["synthetic-cohort", "--organizations", "500", "--seed", "7"]);
    assert!(o.status.success());
    let ndjson = temp("cohort500.ndjson");
    std::fs::write(&ndjson, &o.stdout).unwrap();
    assert_eq!(stdout(&o).lines().count(), 1000);
    // Deterministic for a seed.
    assert_eq!(run(&["synthetic-cohort", "--organizations", "500", "--seed", "7"]).stdout, o.stdout);

    let path = ndjson.to_str().unwrap();
    let o = run(&["cohort", path, "--program-completed", "2023-05-11"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("500 pairs (500 in the statistics)"), "{text}");
    for title in ["Data collection ", "Data validation", "Organizational infrastructure and culture", "Overall"] {
        assert!(text.lines().any(|l| l.starts_with(title) && l.contains("500")), "{title}: {text}");
    }

    let summary = temp("summary.csv");
    let o = run(&["cohort", path, "--format", "csv", "--summary-csv", summary.to_str().unwrap()]);
    assert!(o.status.success());
    let csv = stdout(&o);
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with(
        "organization_id,organization_name,instrument_id,instrument_version,phase,assessed_on,category_id"
    ));
    assert!(header.split(',').all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')), "{header}");
    assert_eq!(lines.count(), 500 * 2 * 7);
    let summary_text = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(summary_text.lines().count(), 1 + 7 + 1, "header, seven categories, overall");

    let o = run(&["cohort", path, "--format", "json", "--method", "exact", "--zero-method", "pratt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let w = &report["instruments"][0]["categories"][0]["wilcoxon"];
    assert_eq!((w["method"].as_str(), w["zero_method"].as_str()), (Some("exact_conditional"), Some("pratt")));
    for p in [ndjson, summary] {
        std::fs::remove_file(p).unwrap();
    }
}

#[test]
fn cohort_reports_bad_documents_by_file_and_line_and_goes_on_unless_strict() {
    let good = std::fs::read_to_string(root().join(BASE)).unwrap().replace('\n', " ");
    let follow = std::fs::read_to_string(root().join(FOLLOW)).unwrap().replace('\n', " ");
    let ndjson = temp("mixed.ndjson");
    std::fs::write(&ndjson, format!("{good}\n{{not json\n\n{follow}\n")).unwrap();
    let path = ndjson.to_str().unwrap();
    let o = run(&["cohort", path, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("{path}:2: line 1, column 2")), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["instruments"][0]["pairs"], 1);
    assert_eq!(report["rejected"][0]["source"], format!("{path}:2"));
    let o = run(&["cohort", path, "--strict"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    // Directories and standard input.
    let o = run(&["cohort", "examples", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let heoa = report["instruments"].as_array().unwrap().iter().find(|i| i["instrument"] == "heoa").unwrap();
    // The HEOA pair; the IHI, HCHE and TJC examples are single assessments.
    assert_eq!((heoa["pairs"].as_u64(), report["unpaired"].as_array().unwrap().len()), (Some(1), 3));
    let o = run_stdin(&["cohort", "-", "--format", "json"], format!("{good}\n{follow}\n").as_bytes());
    assert!(o.status.success());
    assert_eq!(run(&["cohort", "does-not-exist"]).status.code(), Some(2));
    assert_eq!(run(&["cohort", path, "--confidence-level", "1.5"]).status.code(), Some(2));
    std::fs::remove_file(ndjson).unwrap();
}

#[test]
fn the_cohort_report_schema_is_printed() {
    let o = run(&["schema", "cohort-report"]);
    assert_eq!(stdout(&o), std::fs::read_to_string(root().join("schemas/cohort-report.schema.json")).unwrap());
}

#[test]
fn validate_json_reports_documents_refused_before_parsing() {
    let o = run(&["validate", BASE, "--format", "json", "--max-document-bytes", "100"]);
    assert_eq!(o.status.code(), Some(1));
    let result: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(result["valid"], false);
    assert_eq!(result["problems"][0]["code"], "too_large");
    assert_eq!(result["problems"][0]["pointer"], "");
    assert_eq!(result["problems"][0]["message"], "larger than the limit of 100 bytes; not read");

    let o = run_stdin(&["validate", "-", "--format", "json"], b"{\"instrument\": \"\xff\"}");
    assert_eq!(o.status.code(), Some(1));
    let result: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(result["problems"][0]["code"], "not_utf8");
    assert_eq!(result["problems"][0]["message"], "not UTF-8 text: invalid byte at offset 16");
    let o = run_stdin(&["validate", "-"], b"\xff");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("<stdin>: not UTF-8 text: invalid byte at offset 0"), "{}", stderr(&o));

    // A file that cannot be read at all is still a usage problem, with nothing on stdout.
    let o = run(&["validate", "no-such-file.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
}

#[test]
fn score_ndjson_streams_one_line_per_input_line() {
    let good = std::fs::read_to_string(root().join(BASE)).unwrap().replace('\n', " ");
    let input = format!("{good}\n{{broken\n\n{good}\n\u{feff}{good}\n[1]\n");
    let o = run_stdin(&["score", "--ndjson", "-"], input.as_bytes());
    assert_eq!(o.status.code(), Some(1), "some lines failed");
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let numbers: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [1, 2, 4, 5, 6], "blank line 3 is skipped");
    assert!(lines[0]["report"]["categories"].is_array());
    assert_eq!(lines[1]["problems"][0]["code"], "syntax");
    let message = lines[1]["problems"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("line 2, column 2: "), "the input line, not the document's: {message}");
    assert!(lines[3]["report"].is_object(), "a byte-order mark is allowed");
    assert_eq!(lines[4]["problems"][0]["code"], "invalid_value");
    assert!(stderr(&o).contains("3 line(s) scored, 2 failed"), "{}", stderr(&o));
    let o = run_stdin(&["score", "--ndjson", "-"], format!("{good}\n").as_bytes());
    assert!(o.status.success());
    // Oversized lines are reported, not read whole.
    let o = run_stdin(&["score", "--ndjson", "-", "--max-document-bytes", "100"], format!("{good}\n").as_bytes());
    let line: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(line["problems"][0]["code"], "too_large");
    let o = run(&["score", BASE, "--max-document-bytes", "100"]);
    assert_eq!(o.status.code(), Some(1), "a document over the limit is a bad document");
    assert!(stderr(&o).contains("larger than the limit of 100 bytes"), "{}", stderr(&o));
    let o = run(&["score", "--ndjson", "--format", "text", BASE]);
    assert_eq!(o.status.code(), Some(2), "--ndjson writes JSON only");
}

#[test]
fn every_job_count_writes_the_same_bytes_in_input_order() {
    let o = run(&["synthetic-cohort", "--organizations", "400", "--seed", "11"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Bad lines in the middle keep their place and their line numbers.
    let mut input = o.stdout.clone();
    input.extend_from_slice(b"{broken\n\n[1]\n");
    input.extend_from_slice(&o.stdout);
    for report in ["full", "summary"] {
        let one = run_stdin(&["score", "--ndjson", "-", "--jobs", "1", "--report", report], &input);
        assert_eq!(one.status.code(), Some(1), "two lines fail: {}", stderr(&one));
        let lines: Vec<serde_json::Value> = stdout(&one).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 1602, "{report}: one line out per non-blank line in");
        let numbers: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{report}: input order");
        assert_eq!(lines[800]["line"], 801);
        assert_eq!(lines[800]["problems"][0]["code"], "syntax");
        assert_eq!(lines[801]["line"], 803, "the blank line 802 is skipped");
        for jobs in ["2", "3", "8", "256"] {
            let many = run_stdin(&["score", "--ndjson", "-", "--jobs", jobs, "--report", report], &input);
            assert_eq!(many.status.code(), Some(1));
            assert!(many.stdout == one.stdout, "{report}: --jobs {jobs} differs from --jobs 1");
        }
    }
    let o = run_stdin(&["score", "--ndjson", "-", "--jobs", "0"], b"");
    assert_eq!(o.status.code(), Some(2), "--jobs 0 is a usage error: {}", stderr(&o));
    let o = run_stdin(&["score", "--ndjson", "-", "--jobs", "257"], b"");
    assert!(stderr(&o).contains("1..=256"), "the bound is named: {}", stderr(&o));
}

#[test]
fn summary_reports_name_opportunities_by_item_id() {
    let o = run(&["score", BASE, "--report", "summary"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let full: serde_json::Value = serde_json::from_str(&stdout(&run(&["score", BASE, "--format", "json"]))).unwrap();
    let ids: Vec<&str> =
        full["opportunities"].as_array().unwrap().iter().map(|o| o["item"].as_str().unwrap()).collect();
    let summary_ids: Vec<&str> =
        summary["opportunities"].as_array().unwrap().iter().map(|o| o.as_str().unwrap()).collect();
    assert_eq!(summary_ids, ids);
    assert_eq!(summary["overall"]["level"], full["overall"]["level"]);
    insta::assert_snapshot!("score-summary__heoa-baseline", stdout(&o));
    let o = run(&["score", BASE, "--report", "summary", "--format", "text"]);
    assert_eq!(o.status.code(), Some(2), "summaries are JSON only: {}", stderr(&o));
}

#[test]
fn the_batch_line_schema_validates_ndjson_output() {
    let schema: serde_json::Value = serde_json::from_str(&stdout(&run(&["schema", "batch-line"]))).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(
        stdout(&run(&["schema", "batch-line"])),
        std::fs::read_to_string(root().join("schemas/batch-line.schema.json")).unwrap()
    );
}

#[test]
fn crosswalk_prefills_another_instrument_without_claiming_attestation() {
    let o = run(&["crosswalk", FOLLOW, "--to", "cms-hche"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("never a claim of attestation"), "{text}");
    assert!(text.contains("[no evidence] Our hospital senior leadership"), "{text}");
    let o = run(&["crosswalk", "examples/cms-hche.json", "--to", "heoa", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let prefill: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(prefill["to"]["id"], "heoa");
    assert_eq!(prefill["items"].as_array().unwrap().len(), 33);
    assert_eq!(run(&["crosswalk", FOLLOW, "--to", "nothing"]).status.code(), Some(2));
}

#[test]
fn redcap_export_and_import_round_trip_through_the_command_line() {
    let o = run(&["export", "redcap-dictionary", "--instrument", "heoa@1.0.0"]);
    assert!(o.status.success());
    assert!(stdout(&o).starts_with("\"Variable / Field Name\""));
    assert_eq!(run(&["export", "redcap-dictionary"]).status.code(), Some(2));

    let heoa = health_equity_assessment::Registry::builtin().latest("heoa").unwrap();
    let base: health_equity_assessment::Response =
        serde_json::from_str(&std::fs::read_to_string(root().join(BASE)).unwrap()).unwrap();
    let follow: health_equity_assessment::Response =
        serde_json::from_str(&std::fs::read_to_string(root().join(FOLLOW)).unwrap()).unwrap();
    let csv = health_equity_assessment::redcap::export_responses(
        heoa,
        &[base.clone(), follow],
        &health_equity_assessment::redcap::RedcapOptions::default()
            .with_formulas(health_equity_assessment::Formulas::Neutralize),
    );
    let o = run_stdin(&["import", "redcap", "-", "--instrument", "heoa@1"], csv.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    let first: health_equity_assessment::Response = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first.answers, base.answers);
    // The imported responses feed straight into scoring and cohorts.
    let o = run_stdin(
        &["cohort", "-", "--format", "json"],
        stdout(&run_stdin(&["import", "redcap", "-", "--instrument", "heoa@1"], csv.as_bytes())).as_bytes(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let bad = csv.replacen("organization_id", "org", 1);
    let o = run_stdin(&["import", "redcap", "-", "--instrument", "heoa@1"], bad.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("column \"org\" is not a field of form heoa"), "{}", stderr(&o));
}

#[test]
fn redcap_import_keeps_going_past_a_bad_record_and_records_export_round_trips() {
    let o = run(&["export", "redcap-records", BASE, FOLLOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    assert!(csv.starts_with("record_id,organization_id,organization_name,assessed_on,focus___1"), "{csv}");
    assert_eq!(csv.lines().count(), 3);
    // Record 1 gets an impossible date, and a third record has no organization: record 2 is
    // still imported, the bad ones are named by record id, and the exit status is 1.
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    lines[1] = lines[1].replacen("2022-11-17", "2022-13-17", 1);
    lines.push(lines[2].replacen("2,org-001", "3,", 1));
    let o = run_stdin(&["import", "redcap", "-", "--instrument", "heoa@1"], lines.join("\n").as_bytes());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1, "the good record is imported");
    let err = stderr(&o);
    assert!(err.contains("record 1, field assessed_on: \"2022-13-17\""), "{err}");
    assert!(err.contains("record 3, field organization_id"), "{err}");
    assert!(err.contains("1 record(s) imported, 2 skipped"), "{err}");
    // Responses of two instruments do not make one REDCap project.
    let o = run(&["export", "redcap-records", BASE, "examples/ihi-five-component.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("one REDCap project per instrument"), "{}", stderr(&o));
}

#[test]
fn every_error_line_has_one_format() {
    for (args, code) in [
        (vec!["validate", "tests/data/invalid-three-problems.json"], 1),
        (vec!["score", "does/not/exist.json"], 2),
        (vec!["diff", BASE, "does/not/exist.json"], 2),
        (vec!["cohort", "tests/data/invalid-three-problems.json", "--strict"], 1),
        (vec!["instrument", "check", "tests/data/invalid-three-problems.json"], 1),
        (vec!["score", "--no-such-option"], 2),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        let first = err.lines().next().unwrap_or_default();
        assert!(first.starts_with("equity-assess: "), "{args:?}: {err}");
        if code == 1 {
            assert!(err.lines().all(|l| l.starts_with("equity-assess: ")), "{args:?}: {err}");
        }
    }
}

#[test]
fn a_form_fillers_response_without_subject_imports_with_organization() {
    let lhc = "tests/fixtures/lhc-forms/heoa-baseline.questionnaire-response.json";
    let o = run(&["import", "fhir", lhc]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--organization ID"), "{}", stderr(&o));
    let o =
        run(&["import", "fhir", lhc, "--organization", "org-001", "--organization-name", "Example Community Hospital"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let scored = run_stdin(&["score", "-", "--format", "json"], &o.stdout);
    assert_eq!(stdout(&scored), stdout(&run(&["score", BASE, "--format", "json"])));
}

#[test]
fn fhir_export_and_import_round_trip_through_the_command_line() {
    let committed = std::fs::read_to_string(root().join("examples/fhir/heoa-1.0.0.questionnaire.json")).unwrap();
    let o = run(&["export", "fhir-questionnaire", "--instrument", "heoa@1.0.0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), committed, "examples/fhir is the exporter's output; regenerate it");

    let o = run(&["import", "fhir", "examples/fhir/heoa-baseline.questionnaire-response.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let imported: health_equity_assessment::Response = serde_json::from_str(&stdout(&o)).unwrap();
    let original: health_equity_assessment::Response =
        serde_json::from_str(&std::fs::read_to_string(root().join(BASE)).unwrap()).unwrap();
    assert_eq!(imported, original);
    // The imported document scores like the original.
    let from_fhir = run_stdin(&["score", "-", "--format", "json"], stdout(&o).as_bytes());
    assert_eq!(stdout(&from_fhir), stdout(&run(&["score", BASE, "--format", "json"])));

    // A different canonical base names different questionnaires.
    let o = run(&[
        "export",
        "fhir-questionnaire",
        "--instrument",
        "cms-hche@1",
        "--canonical-base",
        "https://qio.example/fhir/",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"url\": \"https://qio.example/fhir/Questionnaire/cms-hche\""));
    let o = run(&[
        "import",
        "fhir",
        "examples/fhir/heoa-baseline.questionnaire-response.json",
        "--canonical-base",
        "https://qio.example/fhir",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown questionnaire"), "{}", stderr(&o));

    // A FHIR resource among cohort inputs is named in one line (not_a_response), not one per unknown field.
    let o = run(&["cohort", "examples/fhir", "--format", "json"]);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(
        err.contains(
            "heoa-baseline.questionnaire-response.json: the document is a FHIR QuestionnaireResponse, not a response document"
        ),
        "{err}"
    );
}

#[test]
fn fhir_usage_and_content_errors_are_told_apart() {
    let qr = "examples/fhir/heoa-baseline.questionnaire-response.json";
    let o = run(&["import", "fhir", qr, "--instrument", "ihi-five-component@1.0.0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("answers heoa@1.0.0, not ihi-five-component@1.0.0"), "{}", stderr(&o));
    let o =
        run(&["export", "redcap-dictionary", "--instrument", "heoa@1.0.0", "--canonical-base", "https://x.example"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unexpected argument '--canonical-base'"), "{}", stderr(&o));
    let o = run(&["export", "fhir-questionnaire", "--instrument", "heoa@1.0.0", "--canonical-base", "ftp://x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not an absolute http:// or https:// URL"));

    let text = std::fs::read_to_string(root().join(qr)).unwrap();
    let bad = text.replacen("\"completed\"", "\"in-progress\"", 1).replacen(
        "\"data-collection.real-self-reported\"",
        "\"data-collection.nope\"",
        1,
    );
    let o = run_stdin(&["import", "fhir", "-"], bad.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("\"in-progress\""), "{err}");
    assert!(err.contains("data-collection.nope"), "{err}");
}

#[test]
fn crosswalk_targets_take_id_at_version_and_unknown_ones_are_named() {
    let base = &["crosswalk", BASE, "--format", "json", "--to"];
    let with = |to: &str| run(&[base.as_slice(), &[to]].concat());
    for ok in ["cms-hche", "cms-hche@1.0.0", "cms-hche@^1"] {
        let o = with(ok);
        assert!(o.status.success(), "{ok}: {}", stderr(&o));
    }
    let o = with("cms-hche@2.0.0");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no instrument cms-hche@^1 and =2.0.0 is known"), "{}", stderr(&o));
    let o = with("cms");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown instrument \"cms\" (known: cms-hche, heoa,"), "{}", stderr(&o));
}

#[test]
fn synthetic_cohort_probabilities_are_checked() {
    for bad in ["-0.5", "1.5", "nan", "x"] {
        let o = run(&["synthetic-cohort", "--organizations", "1", "--effect", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(stderr(&o).contains("--effect"), "{}", stderr(&o));
    }
    assert!(run(&["synthetic-cohort", "--organizations", "1", "--late-share", "1"]).status.success());
}

#[test]
fn instrument_check_lists_every_problem_and_validate_suggests() {
    let o = run(&["instrument", "check", "assessments/heoa/1.0.0.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "assessments/heoa/1.0.0.json: valid instrument heoa@1.0.0: 7 categories, 33 items\n");
    let o = run_stdin(
        &["instrument", "check", "-"],
        br#"{"format_version": 1, "id": "x", "version": "1.0.0", "colour": 1}"#,
    );
    assert_eq!(o.status.code(), Some(1));
    let errors = stderr(&o);
    let lines: Vec<&str> = errors.lines().collect();
    for field in ["title", "publisher", "scales", "categories", "scoring"] {
        assert!(lines.iter().any(|l| l.contains(&format!("missing required field \"{field}\""))), "{lines:?}");
    }
    assert!(lines.iter().any(|l| l.contains("colour")), "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("provenance") || l.contains("unknown level set")), "{lines:?}");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(BASE)).unwrap()).unwrap();
    doc["answers"]["data-collection.sogi"] = "Implemented".into();
    let o = run_stdin(&["validate", "-"], doc.to_string().as_bytes());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("did you mean \"implemented\"?"), "{}", stderr(&o));
    let o = run_stdin(&["validate", "-", "--format", "json"], doc.to_string().as_bytes());
    let result: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(result["problems"][0]["suggestion"], "implemented");
}
