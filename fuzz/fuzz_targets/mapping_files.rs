//! Load arbitrary bytes as an item map and as a crosswalk, and use what loads: comparing the
//! example HEOA pair through the map, checking and applying the crosswalk against the built-in
//! instruments. Every call must return a value or a typed error, never panic, and never cost
//! more than the limits allow.
#![no_main]

use health_equity_assessment::{CompareOptions, Crosswalk, ItemMap, Registry, compare};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let registry = Registry::builtin();
    let baseline = registry
        .validate_json(include_str!("../../examples/heoa-baseline.json"))
        .expect("the example is valid")
        .score();
    let follow_up = registry
        .validate_json(include_str!("../../examples/heoa-follow-up.json"))
        .expect("the example is valid")
        .score();
    match ItemMap::from_json(text) {
        Ok(map) => {
            let again = ItemMap::from_json(&serde_json::to_string(&map).expect("maps serialize")).expect("reloads");
            assert_eq!(again, map);
            let _ = compare(&baseline, &follow_up, &CompareOptions::new().with_item_map(&map));
        }
        Err(e) => assert!(!e.problems().is_empty()),
    }
    if let Ok(crosswalk) = Crosswalk::from_json(text) {
        for target in registry.iter() {
            for from in registry.iter() {
                if crosswalk.check(from, target).is_ok() && from.id() == baseline.instrument.id.as_str() {
                    let _ = crosswalk.apply(&baseline, target);
                    let _ = crosswalk.reversed().apply(&baseline, target);
                }
            }
        }
    }
});
