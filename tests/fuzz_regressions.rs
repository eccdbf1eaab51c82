//! Inputs kept from fuzzing (`fuzz/`, cargo-fuzz): crashes found are added here so CI replays
//! them, and a sample of the corpus stands guard. Every input must give a value or a typed error.

mod common;

use health_equity_assessment::{Instrument, Registry};

#[test]
fn every_kept_fuzz_input_is_handled() {
    let dir = common::root().join("tests/fuzz-regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        match Registry::builtin().validate_slice(&bytes) {
            Ok(validated) => {
                let report = validated.score();
                assert!(serde_json::to_string(&report).is_ok());
                let again = serde_json::to_string(&validated.to_response()).unwrap();
                assert!(Registry::builtin().validate_json(&again).is_ok(), "{}", path.display());
            }
            Err(e) => assert!(!e.problems().is_empty(), "{}", path.display()),
        }
        if let Err(e) = Instrument::from_slice(&bytes) {
            assert!(!e.problems().is_empty(), "{}", path.display());
        }
        count += 1;
    }
    assert!(count > 0, "tests/fuzz-regressions holds no inputs");
}
