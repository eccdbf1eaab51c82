//! Benchmarks behind the targets in BENCHMARKS.md. Run `cargo bench --bench engine`.
//!
//! Compare rows of one run with each other (ratios); the machine is small and noisy. The
//! allocation columns come from divan's `AllocProfiler`.

use std::sync::OnceLock;

use health_equity_assessment::synthetic::{SyntheticCohort, generate};
use health_equity_assessment::{BatchLine, score_line};
use health_equity_assessment::{Cohort, CohortOptions};
use health_equity_assessment::{CompareOptions, Program, compare};
use health_equity_assessment::{Instrument, Registry, Response, ScoreReport};

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

const BASELINE: &str = include_str!("../examples/heoa-baseline.json");
const FOLLOW_UP: &str = include_str!("../examples/heoa-follow-up.json");

fn heoa() -> &'static Instrument {
    Registry::builtin().latest("heoa").unwrap()
}

/// (1) Validating and scoring a parsed response, against parsing it.
mod single_response {
    use super::*;

    /// serde_json into the typed `Response` (owned strings).
    #[divan::bench]
    fn parse_typed(bencher: divan::Bencher) {
        bencher
            .counter(divan::counter::BytesCount::of_str(BASELINE))
            .bench(|| serde_json::from_str::<Response>(divan::black_box(BASELINE)).unwrap());
    }

    /// `Response::validate` then `score`.
    #[divan::bench]
    fn validate_and_score(bencher: divan::Bencher) {
        let response: Response = serde_json::from_str(BASELINE).unwrap();
        bencher.bench(|| divan::black_box(&response).validate(heoa()).unwrap().score());
    }

    /// `score` alone.
    #[divan::bench]
    fn score(bencher: divan::Bencher) {
        let validated = heoa().validate_json(BASELINE).unwrap();
        bencher.bench(|| divan::black_box(&validated).score());
    }
}

/// (2) Bytes to score report, against the generic `Value` parse of the same bytes.
mod end_to_end {
    use super::*;

    #[divan::bench]
    fn parse_value(bencher: divan::Bencher) {
        bencher
            .counter(divan::counter::BytesCount::of_str(BASELINE))
            .bench(|| serde_json::from_slice::<serde_json::Value>(divan::black_box(BASELINE.as_bytes())).unwrap());
    }

    #[divan::bench]
    fn validate_json_and_score(bencher: divan::Bencher) {
        bencher
            .counter(divan::counter::BytesCount::of_str(BASELINE))
            .bench(|| Registry::builtin().validate_json(divan::black_box(BASELINE)).unwrap().score());
    }

    /// The two above with freeing the result timed too (divan drops returned values outside
    /// the timing); a `Value` is many small allocations, a report fewer.
    mod freeing_included {
        use super::*;

        #[divan::bench]
        fn parse_value(bencher: divan::Bencher) {
            bencher.counter(divan::counter::BytesCount::of_str(BASELINE)).bench(|| {
                drop(divan::black_box(
                    serde_json::from_slice::<serde_json::Value>(divan::black_box(BASELINE.as_bytes())).unwrap(),
                ))
            });
        }

        #[divan::bench]
        fn validate_json_and_score(bencher: divan::Bencher) {
            bencher.counter(divan::counter::BytesCount::of_str(BASELINE)).bench(|| {
                drop(divan::black_box(Registry::builtin().validate_json(divan::black_box(BASELINE)).unwrap().score()))
            });
        }
    }
}

/// (3) Comparing two scored assessments.
#[divan::bench]
fn compare_pair(bencher: divan::Bencher) {
    let b = Registry::builtin().validate_json(BASELINE).unwrap().score();
    let f = Registry::builtin().validate_json(FOLLOW_UP).unwrap().score();
    let options = CompareOptions::new().with_program(Program::new(jiff::civil::date(2023, 5, 11)));
    bencher.bench(|| compare(divan::black_box(&b), divan::black_box(&f), &options).unwrap());
}

/// Scored synthetic cohorts, built once per size (setup is not timed).
fn cohort(n: usize) -> &'static Cohort {
    static COHORTS: OnceLock<std::sync::Mutex<Vec<(usize, &'static Cohort)>>> = OnceLock::new();
    let cache = COHORTS.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap();
    if let Some((_, c)) = cache.iter().find(|(size, _)| *size == n) {
        return c;
    }
    let mut cohort = Cohort::new();
    for (i, response) in generate(heoa(), &SyntheticCohort::new(n, 2026)).enumerate() {
        let report: ScoreReport = response.validate(heoa()).unwrap().score();
        cohort.add(format!("synthetic:{i}"), report);
    }
    let leaked: &'static Cohort = Box::leak(Box::new(cohort));
    cache.push((n, leaked));
    leaked
}

/// (4) Cohort statistics over scored pairs (parsing and scoring excluded).
#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 10, sample_size = 1)]
fn cohort_analyze(bencher: divan::Bencher, organizations: usize) {
    let cohort = cohort(organizations);
    let options = CohortOptions::default().with_program(Program::new(jiff::civil::date(2023, 5, 11)));
    bencher.counter(divan::counter::ItemsCount::new(organizations)).bench(|| cohort.analyze(&options).unwrap());
}

/// (5) The NDJSON batch path: validate, score and serialize each line (I/O excluded).
#[divan::bench(sample_count = 20)]
fn ndjson_batch(bencher: divan::Bencher) {
    let lines: Vec<String> =
        generate(heoa(), &SyntheticCohort::new(500, 9)).map(|r| serde_json::to_string(&r).unwrap()).collect();
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let mut out = Vec::with_capacity(64 << 20);
    bencher.counter(divan::counter::BytesCount::new(bytes)).bench_local(|| {
        out.clear();
        for (i, line) in lines.iter().enumerate() {
            let result: BatchLine = score_line(Registry::builtin(), i as u64 + 1, line);
            serde_json::to_writer(&mut out, &result).unwrap();
            out.push(b'\n');
        }
        out.len()
    });
}
