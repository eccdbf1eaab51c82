//! Import arbitrary bytes (lossy UTF-8) as a FHIR R4 QuestionnaireResponse. Every call must
//! return a response that validates against the instrument it names, loads again as a response
//! document and comes back unchanged through export and import, or a typed error whose problems
//! each have a snake_case code and a short, non-empty message.
#![no_main]

use health_equity_assessment::fhir::{
    FhirOptions, export_response, import_parsed_response, import_response, parse_response,
};
use health_equity_assessment::{Problem, Registry};
use libfuzzer_sys::fuzz_target;

/// The longest message one problem may have, in characters: values are clipped, so a 1 MB
/// value must not give a 1 MB message.
const MAX_MESSAGE_CHARS: usize = 1_000;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let registry = Registry::builtin();
    let options = FhirOptions::default();
    let result = import_response(&text, registry, &options);

    // Parsing, then converting the parsed resource, gives the same result; a parsed resource
    // reads back from its own JSON unchanged. (Inputs are far below the size limit.)
    match parse_response(&text) {
        Ok(parsed) => {
            assert_eq!(import_parsed_response(&parsed, registry, &options), result);
            let written = serde_json::to_string(&parsed).expect("resources serialize");
            assert_eq!(parse_response(&written).as_ref(), Ok(&parsed), "{written}");
        }
        Err(e) => assert_eq!(Err(e), result),
    }

    match result {
        Ok(response) => {
            let instrument =
                registry.resolve(&response.instrument).expect("an imported response names a known instrument");
            let validated = response.validate(instrument).expect("an imported response validates");
            // Export and import again: the same response.
            let qr = serde_json::to_string(&export_response(&validated, &options)).expect("resources serialize");
            let again = import_response(&qr, registry, &options).expect("a re-exported response imports");
            assert_eq!(again, response);
            // As a response document: it loads and validates unchanged.
            let json = serde_json::to_string(&response).expect("responses serialize");
            let loaded = registry.validate_json(&json).expect("an imported response loads as a response document");
            assert_eq!(loaded.to_response(), response);
        }
        Err(e) => {
            assert!(!e.problems().is_empty());
            for p in e.problems() {
                let code = p.code();
                assert!(!code.is_empty() && code != "multiple", "{code}");
                assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
                let message = p.to_string();
                assert!(!message.is_empty());
                assert!(message.chars().count() <= MAX_MESSAGE_CHARS, "{code}: {} chars", message.chars().count());
            }
        }
    }
});
