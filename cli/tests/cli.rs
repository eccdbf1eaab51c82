//! The `equity-assess` binary: acceptance commands, exit codes, and text-report snapshots.

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
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
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
    assert_eq!(list[0]["id"], "heoa");
    assert_eq!(list[0]["version"], "1.0.0");
    assert_eq!((list[0]["items"].as_u64(), list[0]["categories"].as_u64()), (Some(33), Some(7)));
    assert_eq!(list[1]["id"], "ihi-five-component");
    insta::assert_snapshot!("instruments-text", stdout(&run(&["instruments"])));
}

#[test]
fn score_prints_a_level_for_every_category() {
    let o = run(&["score", "examples/heoa-baseline.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let categories = report["categories"].as_array().unwrap();
    assert_eq!(categories.len(), 7);
    assert!(categories.iter().all(|c| c["level"].is_string()));
}

#[test]
fn text_reports_of_every_example() {
    for file in ["heoa-baseline", "heoa-follow-up", "ihi-five-component"] {
        let o = run(&["score", &format!("examples/{file}.json"), "--format", "text"]);
        assert!(o.status.success(), "{}", stderr(&o));
        insta::assert_snapshot!(format!("score-text__{file}"), stdout(&o));
    }
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
    assert!(lines.iter().all(|l| l.starts_with("tests/data/invalid-three-problems.json: /answers")), "{err}");

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
    assert!(stderr(&o).contains("known: heoa@1.0.0"));
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
