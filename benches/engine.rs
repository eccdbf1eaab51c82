//! Benchmarks behind the targets in BENCHMARKS.md. Run `cargo bench --bench engine`.
//!
//! Compare rows of one run with each other (ratios); the machine is small and noisy. The
//! allocation columns come from divan's `AllocProfiler`.

// The end-to-end table is this program's output, printed after divan's.
#![allow(clippy::print_stdout)]

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
    // The end-to-end ratios, measured in this run on the same bytes (BENCHMARKS.md, targets 6).
    // `ENGINE_RATIOS=0` skips them.
    if std::env::var("ENGINE_RATIOS").as_deref() != Ok("0") {
        ratios::print();
    }
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

/// End to end, bytes in to bytes out, against baselines on the same bytes, one thread. Each
/// pipeline and baseline runs over the same NDJSON (20,000 synthetic HEOA documents, as
/// `synthetic-cohort` writes them), processed in 2 MiB chunks of lines as the command does,
/// the output written to a buffer cleared per chunk. Runs are interleaved, eleven of each, and
/// the fastest of each is reported: on a shared, noisy machine the minimum is the run least
/// disturbed, and a noisy stretch hits every row alike.
mod ratios {
    use std::borrow::Cow;
    use std::time::{Duration, Instant};

    use health_equity_assessment::synthetic::{SyntheticCohort, generate};
    use health_equity_assessment::{BatchOutput, Registry, ResponseLimits, write_batch_line};
    use serde::Deserialize;

    /// A response parsed with borrowed strings: the cheapest typed parse of the document.
    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Borrowed<'a> {
        #[serde(borrow)]
        instrument: Reference<'a>,
        #[serde(borrow)]
        organization: Org<'a>,
        #[serde(borrow)]
        assessed_on: Cow<'a, str>,
        #[serde(borrow)]
        answers: Vec<(Cow<'a, str>, Cow<'a, str>)>,
        #[serde(borrow, default)]
        notes: Option<Vec<(Cow<'a, str>, Cow<'a, str>)>>,
        #[serde(borrow, default)]
        focus_categories: Option<Vec<Cow<'a, str>>>,
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Reference<'a> {
        #[serde(borrow)]
        id: Cow<'a, str>,
        #[serde(borrow)]
        version: Cow<'a, str>,
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Org<'a> {
        #[serde(borrow)]
        id: Cow<'a, str>,
        #[serde(borrow, default)]
        name: Option<Cow<'a, str>>,
    }

    fn input() -> Vec<u8> {
        let heoa = Registry::builtin().latest("heoa").unwrap();
        let mut out = Vec::new();
        for response in generate(heoa, &SyntheticCohort::new(10_000, 5)) {
            serde_json::to_writer(&mut out, &response).unwrap();
            out.push(b'\n');
        }
        out
    }

    /// The input cut into chunks of about 2 MiB of whole lines.
    fn chunks(input: &[u8]) -> Vec<&[u8]> {
        let mut out = Vec::new();
        let mut rest = input;
        while !rest.is_empty() {
            let end = if rest.len() <= 2 << 20 {
                rest.len()
            } else {
                memchr::memrchr(b'\n', &rest[..2 << 20]).map_or(rest.len(), |i| i + 1)
            };
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
        out
    }

    fn lines(chunk: &[u8]) -> impl Iterator<Item = &[u8]> {
        chunk.split(|b| *b == b'\n').filter(|l| !l.is_empty())
    }

    fn time(run: &mut dyn FnMut() -> usize) -> Duration {
        let start = Instant::now();
        std::hint::black_box(run());
        start.elapsed()
    }

    /// One pipeline or baseline: returns the bytes it wrote or counted, so none is optimized away.
    type Run<'a> = Box<dyn FnMut() -> usize + 'a>;

    pub fn print() {
        let input = input();
        let chunks = chunks(&input);
        let limits = &ResponseLimits::default();
        let registry = Registry::builtin();
        let mut runs: Vec<(&str, Run<'_>)> = Vec::new();
        runs.push((
            "memchr line count",
            Box::new(|| chunks.iter().map(|c| memchr::memchr_iter(b'\n', c).count()).sum()),
        ));
        runs.push((
            "serde_json IgnoredAny parse",
            Box::new(|| {
                chunks
                    .iter()
                    .flat_map(|c| lines(c))
                    .map(|l| serde_json::from_slice::<serde::de::IgnoredAny>(l).is_ok() as usize)
                    .sum()
            }),
        ));
        runs.push((
            "typed borrowed parse",
            Box::new(|| {
                chunks
                    .iter()
                    .flat_map(|c| lines(c))
                    .map(|l| serde_json::from_slice::<Borrowed<'_>>(l).map(|r| r.answers.len()).unwrap_or(0))
                    .sum()
            }),
        ));
        for (name, output) in [("full report", BatchOutput::Report), ("summary", BatchOutput::Summary)] {
            let chunks = &chunks;
            let mut out = Vec::with_capacity(16 << 20);
            runs.push((
                name,
                Box::new(move || {
                    let mut written = 0;
                    for chunk in chunks {
                        out.clear();
                        for (n, line) in lines(chunk).enumerate() {
                            let text = std::str::from_utf8(line).unwrap();
                            write_batch_line(&mut out, registry, n as u64 + 1, text, limits, output);
                        }
                        written += out.len();
                    }
                    written
                }),
            ));
        }
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); runs.len()];
        for _ in 0..11 {
            for (i, (_, run)) in runs.iter_mut().enumerate() {
                times[i].push(time(run.as_mut()));
            }
        }
        let median: Vec<Duration> = times.iter().map(|t| t.iter().copied().min().unwrap_or_default()).collect();
        let typed = median[2].as_secs_f64();
        let mb = input.len() as f64 / 1e6;
        println!("\nEnd to end, one thread, {mb:.1} MB of NDJSON ({} lines), fastest of 11 interleaved runs:", 20_000);
        println!("{:<30} {:>10} {:>10} {:>16}", "", "time", "MB/s", "× typed parse");
        for ((name, _), t) in runs.iter().zip(&median) {
            let t = t.as_secs_f64();
            println!("{name:<30} {:>8.1}ms {:>10.0} {:>15.2}×", t * 1e3, mb / t, t / typed);
        }
    }
}
