//! Load arbitrary bytes as an instrument file; every call must return a value or a typed error.
#![no_main]

use health_equity_assessment::Instrument;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Instrument::from_slice(data) {
        Ok(instrument) => {
            let json = serde_json::to_string(&instrument).expect("instruments serialize");
            let again = Instrument::from_json(&json).expect("a loaded instrument reloads");
            assert_eq!(again, instrument);
        }
        Err(e) => assert!(!e.problems().is_empty()),
    }
});
