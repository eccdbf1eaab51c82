//! Parse, validate and score arbitrary bytes; every call must return a value or a typed error.
#![no_main]

use health_equity_assessment::{Problem, Registry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let registry = Registry::builtin();
    match registry.validate_slice(data) {
        Ok(validated) => {
            let report = validated.score();
            let json = serde_json::to_string(&report).expect("reports serialize");
            assert!(!json.is_empty());
            // Lossless: the validated response round-trips.
            let again = serde_json::to_string(&validated.to_response()).expect("responses serialize");
            assert!(registry.validate_json(&again).is_ok(), "round trip failed: {again}");
        }
        Err(e) => {
            assert!(!e.problems().is_empty());
            for p in e.problems() {
                assert!(!p.code().is_empty());
                let _ = p.to_string();
            }
        }
    }
});
