//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reads a file under the repository root.
pub fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every `*.json` file under `dir` (relative to the root), sorted, as paths relative to `dir`.
///
/// Folders named `fhir` are skipped: `examples/fhir/` holds FHIR resources (feature `fhir`,
/// checked by `tests/integration/fhir.rs`), not response documents.
pub fn json_files(dir: &str) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "fhir") {
                    continue;
                }
                walk(base, &path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let base = root().join(dir);
    let mut out = Vec::new();
    walk(&base, &base, &mut out);
    out.sort();
    out
}

/// The four-level maturity level set of the built-ins.
pub fn maturity() -> Value {
    json!({"id": "maturity", "levels": [
        {"id": "beginning", "label": "Beginning", "min_percent": 0},
        {"id": "developing", "label": "Developing", "min_percent": 25},
        {"id": "advancing", "label": "Advancing", "min_percent": 50},
        {"id": "leading", "label": "Leading", "min_percent": 75}
    ]})
}

/// A small valid instrument: categories `a` (items a.one, a.two, a.three) and `b` (b.one,
/// b.two), scale `imp` 0..3 with `na` excluded, percent_of_max, maturity bands.
pub fn small_instrument() -> Value {
    json!({
        "format_version": 1,
        "id": "small",
        "version": "1.0.0",
        "title": "Small test instrument",
        "publisher": "tests",
        "provenance": {"sources": [], "verified": [], "original": ["test data"]},
        "scales": [{"id": "imp", "options": [
            {"id": "none", "label": "None", "points": 0},
            {"id": "some", "label": "Some", "points": 1},
            {"id": "most", "label": "Most", "points": 2},
            {"id": "all", "label": "All", "points": 3},
            {"id": "na", "label": "Not applicable", "excluded": true}
        ]}],
        "categories": [
            {"id": "a", "title": "Category A", "items": [
                {"id": "a.one", "text": "A one", "scale": "imp"},
                {"id": "a.two", "text": "A two", "scale": "imp"},
                {"id": "a.three", "text": "A three", "scale": "imp"}
            ]},
            {"id": "b", "title": "Category B", "items": [
                {"id": "b.one", "text": "B one", "scale": "imp"},
                {"id": "b.two", "text": "B two", "scale": "imp"}
            ]}
        ],
        "scoring": {
            "category": {"rule": {"kind": "percent_of_max"}, "levels": "maturity"},
            "overall": {"rule": {"kind": "mean_of_category_percents"}, "levels": "maturity"},
            "level_sets": [maturity()]
        }
    })
}

/// A response document to instrument `id@version` with these answers.
pub fn response(id: &str, version: &str, answers: Value) -> String {
    json!({
        "instrument": {"id": id, "version": version},
        "organization": {"id": "org-t", "name": "Test Hospital"},
        "assessed_on": "2023-01-15",
        "answers": answers
    })
    .to_string()
}

/// The longest message one FHIR import problem may have, in characters: values quoted in
/// messages are clipped, so a 1 MB value must not give a 1 MB message.
#[cfg(feature = "fhir")]
pub const MAX_FHIR_MESSAGE_CHARS: usize = 1_000;

/// Imports `text` as a FHIR QuestionnaireResponse and checks the invariants of the import (the
/// same as `fuzz/fuzz_targets/fhir_import.rs`), returning the result:
///
/// - `parse_response` then `import_parsed_response` give the same
///   result, and a parsed resource reads back from its own JSON unchanged;
/// - `Ok(response)`: the response validates against the instrument it names, comes back
///   unchanged through export and import, and loads as a response document unchanged;
/// - `Err`: at least one problem, each with a snake_case code (never `multiple`) and a
///   non-empty message of at most [`MAX_FHIR_MESSAGE_CHARS`].
#[cfg(feature = "fhir")]
pub fn check_fhir_import(
    text: &str,
    registry: &health_equity_assessment::Registry,
    options: &health_equity_assessment::fhir::FhirOptions,
) -> Result<health_equity_assessment::Response, health_equity_assessment::fhir::FhirError> {
    use health_equity_assessment::Problem;
    use health_equity_assessment::fhir::{export_response, import_parsed_response, import_response, parse_response};

    let result = import_response(text, registry, options);
    let within_limit = text.strip_prefix('\u{feff}').unwrap_or(text).len() <= options.limits().max_document_bytes;
    if within_limit {
        match parse_response(text) {
            Ok(parsed) => {
                assert_eq!(import_parsed_response(&parsed, registry, options), result);
                let written = serde_json::to_string(&parsed).unwrap();
                assert_eq!(parse_response(&written).as_ref(), Ok(&parsed), "{written}");
            }
            Err(e) => assert_eq!(Err(e), result),
        }
    }
    match &result {
        Ok(response) => {
            let instrument =
                registry.by_reference(&response.instrument).expect("an imported response names an instrument");
            let validated = response.validate(instrument).unwrap_or_else(|e| panic!("imported but invalid: {e}"));
            let qr = serde_json::to_string(&export_response(&validated, options)).unwrap();
            let again = import_response(&qr, registry, options)
                .unwrap_or_else(|e| panic!("re-exported response does not import: {e}"));
            assert_eq!(&again, response);
            let json = serde_json::to_string(response).unwrap();
            let loaded = registry
                .validate_json(&json)
                .unwrap_or_else(|e| panic!("imported response does not load as a response document: {e}"));
            assert_eq!(&loaded.to_response(), response);
        }
        Err(e) => {
            assert!(!e.problems().is_empty());
            for p in e.problems() {
                let code = p.code();
                assert!(!code.is_empty() && code != "multiple", "{code}");
                assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
                let message = p.to_string();
                let chars = message.chars().count();
                assert!(chars > 0, "{code}: empty message");
                assert!(
                    chars <= MAX_FHIR_MESSAGE_CHARS,
                    "{code}: a message of {chars} characters: {}…",
                    message.chars().take(300).collect::<String>()
                );
            }
        }
    }
    result
}

/// JSON Pointers (RFC 6901) of every value in a document, parents first.
pub fn pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    walk(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}
