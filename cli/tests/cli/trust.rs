//! Trust at the edges, through the command: each document counted once and no result decided
//! by input order (cohorts); output safe for whoever reads it (Markdown, CSV, terminal);
//! cost bounded on inputs that never end or ask for too much; and every JSON document the
//! command writes valid against its committed schema.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use super::{root, run, run_stdin, stderr, stdout};

/// A fresh directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("trust-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn example(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("examples").join(name)).unwrap()).unwrap()
}

fn write_json(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs the command with a deadline, so a hang is a failure instead of a stuck test run.
fn run_within(args: &[&str], seconds: u64) -> std::process::Output {
    let child = Command::new(env!("CARGO_BIN_EXE_equity-assess"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(seconds)) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(id.to_string()).status();
            panic!("equity-assess {args:?} did not finish within {seconds} s");
        }
    }
}

fn cohort_json(args: &[&str]) -> Value {
    let mut all = vec!["cohort"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = run_within(&all, 60);
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)))
}

// ---- Cohorts: the same evidence is never counted twice, and order never decides a result.

#[test]
fn the_same_file_named_twice_is_one_duplicate_and_no_pair() {
    let report = cohort_json(&["examples/heoa-baseline.json", "./examples/heoa-baseline.json"]);
    assert_eq!(report["duplicates"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["duplicates"][0]["reason"], "same_file");
    assert_eq!(report["assessments"], 1);
    assert_eq!(report["instruments"].as_array().unwrap().len(), 0, "no pair: {report}");
    assert_eq!(report["unpaired"].as_array().unwrap().len(), 1);
    let text = stdout(&run(&["cohort", "examples/heoa-baseline.json", "./examples/heoa-baseline.json"]));
    assert!(text.contains("0 pairs") && text.contains("1 duplicate"), "{text}");
}

#[test]
fn links_loops_and_fifos_are_read_once_or_skipped() {
    let clean = scratch("clean");
    let dir = scratch("links");
    for name in ["heoa-baseline.json", "heoa-follow-up.json"] {
        std::fs::copy(root().join("examples").join(name), clean.join(name)).unwrap();
        std::fs::copy(root().join("examples").join(name), dir.join(name)).unwrap();
    }
    std::os::unix::fs::symlink(".", dir.join("loop")).unwrap();
    std::os::unix::fs::symlink("heoa-baseline.json", dir.join("same-baseline.json")).unwrap();
    std::os::unix::fs::symlink("nowhere.json", dir.join("broken.json")).unwrap();
    assert!(Command::new("mkfifo").arg(dir.join("pipe.json")).status().unwrap().success());
    let expected = cohort_json(&[path_str(&clean)]);
    let o = run_within(&["cohort", path_str(&dir), "--format", "json"], 60);
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["instruments"], expected["instruments"], "the same statistics");
    assert_eq!(report["instruments"][0]["pairs"], 1);
    let skipped = stderr(&o);
    assert!(skipped.contains("pipe.json: not a regular file"), "{skipped}");
    assert!(skipped.contains("loop") && skipped.contains("not searched again"), "{skipped}");
    assert!(skipped.contains("broken.json"), "{skipped}");
    let duplicates = report["duplicates"].as_array().unwrap();
    assert_eq!(duplicates.len(), 1, "{duplicates:?}");
    assert_eq!(duplicates[0]["reason"], "same_file");
    assert!(duplicates[0]["source"].as_str().unwrap().ends_with("same-baseline.json"));
}

#[test]
fn many_links_to_one_directory_cost_one_visit_each() {
    // L0/{x,y} -> L1, L1/{x,y} -> L2, ...: 2^40 paths lead to the one pair at the bottom. A walk
    // per path would never end; each directory is entered once.
    let dir = scratch("link-chain");
    let depth = 40;
    let bottom = dir.join(format!("L{depth}"));
    std::fs::create_dir(&bottom).unwrap();
    for name in ["heoa-baseline.json", "heoa-follow-up.json"] {
        std::fs::copy(root().join("examples").join(name), bottom.join(name)).unwrap();
    }
    for level in (0..depth).rev() {
        let here = dir.join(format!("L{level}"));
        std::fs::create_dir(&here).unwrap();
        for link in ["x", "y"] {
            std::os::unix::fs::symlink(format!("../L{}", level + 1), here.join(link)).unwrap();
        }
    }
    let o = run_within(&["cohort", path_str(&dir), "--format", "json"], 60);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["instruments"][0]["pairs"], 1);
    assert_eq!(report["duplicates"].as_array().unwrap().len(), 0, "a directory entered once lists its files once");
    let notes = stderr(&o);
    assert!(notes.lines().count() <= 2 * (depth + 1), "one note per extra link at most: {notes}");
    assert!(notes.contains("already searched; not searched again"), "{notes}");
}

#[test]
fn the_same_content_under_two_names_is_one_assessment() {
    let dir = scratch("content");
    std::fs::copy(root().join("examples/heoa-baseline.json"), dir.join("a.json")).unwrap();
    let mut b = example("heoa-baseline.json");
    b["notes"] = json!({});
    write_json(&dir.join("b.json"), &b);
    let report = cohort_json(&[path_str(&dir)]);
    assert_eq!(report["duplicates"][0]["reason"], "same_content", "{report}");
    assert_eq!((report["documents"].as_u64(), report["assessments"].as_u64()), (Some(2), Some(1)));
}

#[test]
fn a_tie_on_the_baseline_date_is_ambiguous_whatever_the_order() {
    let dir = scratch("tie");
    let baseline = example("heoa-baseline.json");
    let mut other = baseline.clone();
    other["answers"]["data-collection.sogi"] = json!("implemented");
    let follow_up = example("heoa-follow-up.json");
    let line = |v: &Value| serde_json::to_string(v).unwrap();
    std::fs::write(dir.join("one.ndjson"), format!("{}\n{}\n", line(&baseline), line(&follow_up))).unwrap();
    std::fs::write(dir.join("two.ndjson"), format!("{}\n", line(&other))).unwrap();
    let forward = run(&["cohort", path_str(&dir.join("one.ndjson")), path_str(&dir.join("two.ndjson"))]);
    let backward = run(&["cohort", path_str(&dir.join("two.ndjson")), path_str(&dir.join("one.ndjson"))]);
    assert_eq!(stdout(&forward), stdout(&backward));
    let report = cohort_json(&[path_str(&dir)]);
    assert_eq!(report["instruments"].as_array().unwrap().len(), 0, "left out: {report}");
    let ambiguous = &report["ambiguous"][0];
    assert_eq!(
        (ambiguous["organization"].as_str(), ambiguous["assessed_on"].as_str()),
        (Some("org-001"), Some("2022-11-17"))
    );
    assert_eq!(ambiguous["sources"].as_array().unwrap().len(), 2);
    assert!(stdout(&forward).contains("Ambiguous, left out of the statistics: org-001"), "{}", stdout(&forward));
}

#[test]
fn the_summary_counts_organizations_not_groups() {
    let dir = scratch("groups");
    let mut ihi = example("ihi-five-component.json");
    ihi["organization"] = example("heoa-baseline.json")["organization"].clone();
    write_json(&dir.join("ihi.json"), &ihi);
    let ihi = dir.join("ihi.json");
    let report = cohort_json(&["examples/heoa-baseline.json", "examples/heoa-follow-up.json", path_str(&ihi)]);
    assert_eq!((report["organizations"].as_u64(), report["groups"].as_u64()), (Some(1), Some(2)), "{report}");
    let text = stdout(&run(&["cohort", "examples/heoa-baseline.json", path_str(&ihi)]));
    assert!(text.contains("1 organization;"), "{text}");
}

// ---- Output is safe for whoever reads it.

const HOSTILE_NAME: &str = "<img src=x onerror=alert(1)>[x](javascript:alert(1))";

fn hostile_pair(dir: &Path, name: &str, id: &str) -> (PathBuf, PathBuf) {
    let mut baseline = example("heoa-baseline.json");
    let mut follow_up = example("heoa-follow-up.json");
    for doc in [&mut baseline, &mut follow_up] {
        doc["organization"] = json!({ "id": id, "name": name });
    }
    let (b, f) = (dir.join("b.json"), dir.join("f.json"));
    write_json(&b, &baseline);
    write_json(&f, &follow_up);
    (b, f)
}

#[test]
fn markdown_carries_no_html_links_or_images_from_input() {
    let dir = scratch("markdown");
    for name in [
        HOSTILE_NAME,
        "![i](http://x/i.png) <script>alert(1)</script>",
        "`code` **b** www.evil.example https://evil.example",
        "# heading\n- list\n| a | b |",
    ] {
        let (b, f) = hostile_pair(&dir, name, "org-1");
        let o = run(&[
            "diff",
            path_str(&b),
            path_str(&f),
            "--format",
            "markdown",
            "--program-completed",
            "2023-05-11",
            "--program-name",
            name,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let markdown = stdout(&o);
        assert!(
            !markdown.contains("<img") && !markdown.contains("](javascript:") && !markdown.contains("<script"),
            "{markdown}"
        );
        // Rendered by a GitHub Flavored Markdown renderer that lets raw HTML through: no element
        // from the input, no link and no image.
        let mut options = comrak::Options::default();
        options.extension.autolink = true;
        options.extension.table = true;
        options.extension.strikethrough = true;
        options.render.r#unsafe = true;
        let html = comrak::markdown_to_html(&markdown, &options);
        for forbidden in ["<img", "<a ", "<script", "<h1>heading"] {
            assert!(!html.contains(forbidden), "{forbidden} in {html}");
        }
        assert_eq!(html.matches("<table>").count(), 1, "one table, not broken by input: {html}");
    }
}

#[test]
fn html_and_markdown_reports_carry_no_markup_from_input() {
    let dir = scratch("html");
    // Every text a report shows from the documents: the instrument's title, category titles,
    // item texts and option labels, and the organization's name and id.
    let mut instrument: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("assessments/heoa/1.0.0.json")).unwrap()).unwrap();
    instrument["title"] = json!(format!("{HOSTILE_NAME} title"));
    instrument["categories"][0]["title"] = json!("</title><script>alert(1)</script>");
    instrument["categories"][0]["items"][0]["text"] = json!("<svg onload=alert(1)>");
    instrument["scales"][0]["options"][0]["label"] = json!("<iframe src=//x>");
    let instrument_path = dir.join("instrument.json");
    write_json(&instrument_path, &instrument);
    let (b, f) = hostile_pair(&dir, HOSTILE_NAME, "<b>org</b>\u{1b}[31m");
    let score = |format: &str| {
        let o = run(&["score", path_str(&b), "--instrument-file", path_str(&instrument_path), "--format", format]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let diff = |format: &str| {
        let o = run(&[
            "diff",
            path_str(&b),
            path_str(&f),
            "--instrument-file",
            path_str(&instrument_path),
            "--program-completed",
            "2023-05-11",
            "--program-name",
            HOSTILE_NAME,
            "--format",
            format,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    for page in [score("html"), diff("html")] {
        for forbidden in ["<img", "<script", "<iframe", "<b>", "</title><", "\u{1b}"] {
            assert!(!page.contains(forbidden), "{forbidden} in the page");
        }
        assert_eq!(page.matches("<svg").count(), 1, "only the chart's own SVG element");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the text is shown, escaped");
    }
    let mut options = comrak::Options::default();
    options.extension.autolink = true;
    options.extension.table = true;
    options.render.r#unsafe = true;
    for markdown in [score("markdown"), diff("markdown")] {
        let html = comrak::markdown_to_html(&markdown, &options);
        for forbidden in ["<img", "<a ", "<script", "<iframe", "<svg", "<b>"] {
            assert!(!html.contains(forbidden), "{forbidden} in {html}");
        }
    }
}

#[test]
fn csv_cells_that_would_run_as_formulas_are_neutralized() {
    let dir = scratch("csv");
    let (b, f) = hostile_pair(&dir, "+SUM(A1:A9)", "=HYPERLINK(\"http://x\")");
    let summary = dir.join("summary.csv");
    let o = run(&["cohort", path_str(&b), path_str(&f), "--format", "csv", "--summary-csv", path_str(&summary)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut reader = csv::Reader::from_reader(o.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        assert!(row[column("organization_id")].starts_with("'=HYPERLINK"), "{row:?}");
        assert!(row[column("organization_name")].starts_with("'+SUM"), "{row:?}");
    }
    // Numbers are never altered: negative changes in the summary stay numbers.
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(!summary.contains(",'-"), "{summary}");
    let raw = run(&["cohort", path_str(&b), path_str(&f), "--format", "csv", "--raw-csv"]);
    assert!(stdout(&raw).contains("\"=HYPERLINK(\"\"http://x\"\")\""), "{}", stdout(&raw));
}

#[test]
fn terminal_text_never_carries_control_characters_from_input() {
    let dir = scratch("terminal");
    let (b, f) = hostile_pair(&dir, "Evil\u{1b}]0;title\u{7}\u{1b}[31mRed\u{202e}", "org\u{1b}[2J\nforged line");
    for args in [
        vec!["score", path_str(&b), "--format", "text"],
        vec!["diff", path_str(&b), path_str(&f)],
        vec!["validate", path_str(&b)],
        vec!["cohort", path_str(&b), path_str(&f)],
        vec!["crosswalk", path_str(&b), "--to", "cms-hche"],
    ] {
        let o = run(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        for (what, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            assert!(!bytes.iter().any(|b| *b == 0x1b || *b == 0x07), "{args:?} {what} carries a control byte");
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains('\u{202e}'), "{args:?} {what}");
            assert!(!text.lines().any(|l| l.starts_with("forged line")), "{args:?} {what}: a forged line");
        }
    }
}

#[test]
fn usage_errors_show_the_arguments_escaped() {
    for args in
        [vec!["score", "x.json", "--bo\u{1b}[1mld"], vec!["cohort", "x.json", "--method", "ex\u{1b}]0;title\u{7}"]]
    {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(!o.stderr.iter().any(|b| *b == 0x1b || *b == 0x07), "{args:?}: {err}");
        // Shown, not dropped: `--bo\e[1mld` must not read as `--bold`.
        assert!(err.contains("\\u{1b}"), "{args:?}: {err}");
    }
}

#[test]
fn a_huge_title_pads_no_table() {
    // Every row padded to a megabyte title would make the table rows × megabytes.
    let dir = scratch("wide");
    let mut instrument: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("assessments/heoa/1.0.0.json")).unwrap()).unwrap();
    let title = "T".repeat(1 << 20);
    instrument["categories"][0]["title"] = json!(title);
    let path = dir.join("wide.json");
    write_json(&path, &instrument);
    let o = run(&["score", "examples/heoa-baseline.json", "--instrument-file", path_str(&path), "--format", "text"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    // The title is shown where it belongs (its row, its opportunities), never as padding of the
    // seven other rows.
    assert!(text.len() < 3 * (1 << 20), "{} bytes", text.len());
    let other = text.lines().find(|l| l.starts_with("Data validation")).unwrap();
    assert!(other.chars().count() < 140, "{other}");
}

#[test]
fn problem_lines_cannot_be_forged_by_keys_or_file_names() {
    let dir = scratch("problems");
    let mut doc = example("heoa-baseline.json");
    doc["answers"]["evil\nforged: line\u{1b}[31m"] = json!("planning");
    doc["answers"]["data-collection.sogi"] = json!("mostly\nforged");
    let name = dir.join("bad\nname\u{1b}.json");
    write_json(&name, &doc);
    let o = run(&["validate", path_str(&name)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(!err.contains('\u{1b}'), "{err}");
    assert_eq!(err.lines().count(), 2, "one line per problem: {err}");
    assert!(err.lines().all(|l| l.contains("bad\\nname")), "{err}");
}

// ---- Cost is bounded by the input.

#[test]
fn numeric_options_never_overflow() {
    let o = run(&["score", "examples/heoa-baseline.json", "--max-document-bytes", "18446744073709551615"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--max-document-bytes"), "{}", stderr(&o));
    // A huge cohort streams: its first documents arrive at once, in constant memory.
    let mut child = Command::new(env!("CARGO_BIN_EXE_equity-assess"))
        .args(["synthetic-cohort", "--organizations", "18446744073709551615"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let doc: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(doc["organization"]["id"], "org-00000000000000000001");
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(status.success() && err.is_empty(), "{status} {err}");
}

#[test]
fn an_endless_line_stops_with_an_error() {
    let o = run_within(&["score", "--ndjson", "/dev/zero", "--max-document-bytes", "65536"], 60);
    assert_eq!(o.status.code(), Some(1));
    let line: Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(line["problems"][0]["code"], "too_large");
    assert!(stderr(&o).contains("the rest of this input was not read"), "{}", stderr(&o));
    let o = run_stdin(&["cohort", "-", "--max-document-bytes", "100"], format!("{}\n", "x".repeat(500)).as_bytes());
    assert!(stderr(&o).contains("line longer than the limit of 100 bytes"), "{}", stderr(&o));
}

// ---- Every JSON document the command writes validates against its committed schema.

fn validator(kind: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schemas").join(format!("{kind}.schema.json"))).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&serde_json::from_str(&text).unwrap())
        .unwrap_or_else(|e| panic!("{kind}: {e}"))
}

fn assert_valid(kind: &str, value: &Value, what: &str) {
    let v = validator(kind);
    let errors: Vec<String> = v.iter_errors(value).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} against {kind}: {errors:?}");
}

#[test]
fn every_json_output_validates_against_its_schema() {
    let json_of = |args: &[&str]| -> Value {
        let o = run(args);
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{args:?}: {e} {}", stderr(&o)))
    };
    assert_valid("instrument-list", &json_of(&["instruments", "--format", "json"]), "instruments");
    for example in ["heoa-baseline", "heoa-follow-up", "ihi-five-component", "cms-hche", "tjc-ld-04-03-08"] {
        let path = format!("examples/{example}.json");
        assert_valid("score-report", &json_of(&["score", &path, "--format", "json"]), &path);
        assert_valid("validation-result", &json_of(&["validate", &path, "--format", "json"]), &path);
        assert_valid("response", &example_value(&path), &path);
    }
    assert_valid(
        "validation-result",
        &json_of(&["validate", "tests/data/invalid-three-problems.json", "--format", "json"]),
        "invalid",
    );
    for window in ["P0D", "P1M", "P6W", "P1Y2M"] {
        let diff = json_of(&[
            "diff",
            "examples/heoa-baseline.json",
            "examples/heoa-follow-up.json",
            "--format",
            "json",
            "--program-completed",
            "2023-05-11",
            "--window",
            window,
        ]);
        assert_valid("progress-report", &diff, window);
        let cohort = json_of(&[
            "cohort",
            "examples",
            "--format",
            "json",
            "--program-completed",
            "2023-05-11",
            "--window",
            window,
        ]);
        assert_valid("cohort-report", &cohort, window);
    }
    assert_valid(
        "prefill",
        &json_of(&["crosswalk", "examples/heoa-follow-up.json", "--to", "cms-hche", "--format", "json"]),
        "crosswalk",
    );
    let dir = scratch("schemas");
    let heoa = health_equity_assessment::Registry::builtin().latest("heoa").unwrap();
    let response: health_equity_assessment::Response =
        serde_json::from_value(example_value("examples/heoa-baseline.json")).unwrap();
    let records = dir.join("records.csv");
    let csv = health_equity_assessment::redcap::export_responses(
        heoa,
        &[response],
        &health_equity_assessment::redcap::RedcapOptions::default()
            .with_formulas(health_equity_assessment::Formulas::Neutralize),
    );
    std::fs::write(&records, csv).unwrap();
    let lines = |args: &[&str]| -> Vec<Value> {
        stdout(&run(args)).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    for line in lines(&["synthetic-cohort", "--organizations", "5"]) {
        assert_valid("response", &line, "synthetic");
    }
    let batch =
        format!("{}\n{{}}\nnot json\n", serde_json::to_string(&example_value("examples/heoa-baseline.json")).unwrap());
    let o = run_stdin(&["score", "--ndjson", "-"], batch.as_bytes());
    for line in stdout(&o).lines() {
        assert_valid("batch-line", &serde_json::from_str(line).unwrap(), "batch");
    }
    let o = run_stdin(&["score", "--ndjson", "-", "--report", "summary"], batch.as_bytes());
    let summaries: Vec<Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(summaries.len(), 3);
    assert!(summaries[0]["summary"].is_object(), "{}", summaries[0]);
    for line in &summaries {
        assert_valid("batch-line", line, "summary batch");
    }
    assert_valid("score-summary", &summaries[0]["summary"], "summary in a batch line");
    for example in ["heoa-baseline", "ihi-five-component", "cms-hche", "tjc-ld-04-03-08"] {
        let path = format!("examples/{example}.json");
        assert_valid("score-summary", &json_of(&["score", &path, "--report", "summary"]), &path);
    }
    assert_valid(
        "response",
        &json_of(&["import", "fhir", "examples/fhir/heoa-baseline.questionnaire-response.json"]),
        "import fhir",
    );
    for line in lines(&["import", "redcap", path_str(&records), "--instrument", "heoa@1.0.0"]) {
        assert_valid("response", &line, "import redcap");
    }
}

fn example_value(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(path)).unwrap()).unwrap()
}
