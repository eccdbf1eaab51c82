//! Inputs kept from fuzzing (`fuzz/`, cargo-fuzz): crashes found are added here so CI replays
//! them, and a sample of the corpus stands guard. Every input must give a value or a typed error.
//!
//! `tests/fuzz-regressions/` holds inputs of `parse_validate_score` and `instrument_load`;
//! `tests/fuzz-regressions/fhir/` those of `fhir_import` (replayed with the `fhir` feature);
//! `tests/fuzz-regressions/mappings/` those of `mapping_files` (item maps and crosswalks).

use crate::common;

use health_equity_assessment::{Instrument, Registry};

/// The files directly in `dir` (sub-folders hold other targets' inputs).
fn kept_inputs(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(common::root().join(dir))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{dir} holds no inputs");
    files
}

#[test]
fn every_kept_fuzz_input_is_handled() {
    for path in kept_inputs("tests/fuzz-regressions") {
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
    }
}

/// The invariants of `fuzz/fuzz_targets/mapping_files.rs`.
#[test]
fn every_kept_mapping_fuzz_input_is_handled() {
    use health_equity_assessment::Crosswalk;
    use health_equity_assessment::{CompareOptions, ItemMap, compare};

    let registry = Registry::builtin();
    let baseline = registry.validate_json(&common::read("examples/heoa-baseline.json")).unwrap().score();
    let follow_up = registry.validate_json(&common::read("examples/heoa-follow-up.json")).unwrap().score();
    for path in kept_inputs("tests/fuzz-regressions/mappings") {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        match ItemMap::from_json(&text) {
            Ok(map) => {
                let again = ItemMap::from_json(&serde_json::to_string(&map).unwrap()).unwrap();
                assert_eq!(again, map, "{}", path.display());
                let _ = compare(&baseline, &follow_up, &CompareOptions::new().with_item_map(&map));
            }
            Err(e) => assert!(!e.problems().is_empty(), "{}", path.display()),
        }
        if let Ok(crosswalk) = Crosswalk::from_json(&text) {
            for target in registry.iter() {
                if crosswalk.check(registry.latest("heoa").unwrap(), target).is_ok() {
                    let _ = crosswalk.apply(&baseline, target);
                }
            }
        }
    }
}

/// The invariants of `fuzz/fuzz_targets/fhir_import.rs` (see `common::check_fhir_import`).
#[cfg(feature = "fhir")]
#[test]
fn every_kept_fhir_fuzz_input_is_handled() {
    use health_equity_assessment::fhir::FhirOptions;

    for path in kept_inputs("tests/fuzz-regressions/fhir") {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let result = std::panic::catch_unwind(|| {
            let _ = common::check_fhir_import(&text, Registry::builtin(), &FhirOptions::default());
        });
        assert!(result.is_ok(), "{}", path.display());
    }
}
