//! Scoring throughput on the bundled HEOA example.
//!
//! Run with `cargo bench --bench scoring`. Compare the rows of one run with each other
//! (ratios), not with other machines.

use health_equity_assessment::{Registry, Response};

fn main() {
    divan::main();
}

const BASELINE: &str = include_str!("../examples/heoa-baseline.json");

/// Typed parse only: serde_json into the owned `Response`.
#[divan::bench]
fn parse_typed_response() -> Response {
    serde_json::from_str(divan::black_box(BASELINE)).unwrap()
}

/// Parse, validate against the built-in instrument, and score.
#[divan::bench]
fn validate_and_score_end_to_end() -> usize {
    let validated = Registry::builtin().validate_json(divan::black_box(BASELINE)).unwrap();
    validated.score().opportunities.len()
}

/// Scoring alone, from an already validated response.
#[divan::bench]
fn score_validated(bencher: divan::Bencher) {
    let validated = Registry::builtin().validate_json(BASELINE).unwrap();
    bencher.bench(|| divan::black_box(&validated).score());
}
