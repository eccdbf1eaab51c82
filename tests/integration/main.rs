//! Integration tests of the library, in one test binary with one module per subject, as jiff
//! does: the classes of guarantee in the README's "Guarantees" (bounded cost, cohort identity,
//! item-map renames, round trips, small answers) and the behaviour of each part.

mod common;

mod bounded_cost;
mod builtin_instruments;
mod cohort;
mod cohort_identity;
mod crosswalk;
mod fhir;
mod fhir_hostile;
mod fuzz_regressions;
mod hostile;
mod instrument_loading;
mod item_map_renames;
mod lifecycle;
mod progress;
mod properties;
mod reader_agreement;
mod redcap;
mod report_snapshots;
mod report_writer;
mod response_validation;
mod round_trips;
mod rule_kinds;
mod schemas;
mod scoring;
mod small_answers;
#[cfg(feature = "xlsx")]
mod xlsx;
