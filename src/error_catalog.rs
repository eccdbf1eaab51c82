//! The error catalogue, `docs/errors.md`: one real example of every problem variant of the
//! crate, rendered from the types themselves. The test fails when a variant has no example (each
//! `examples` function matches exhaustively) or when the committed file drifts; outside CI it
//! rewrites the file.

use std::fmt::Write as _;

use jiff::civil::date;
use semver::Version;

use crate::cohort::CohortError;
use crate::instrument::InstrumentProblem as I;
use crate::problem::{JsonProblem as J, Listing, Problem};
use crate::progress::{CompareError as C, ItemMapProblem as M};
use crate::response::ResponseProblem as R;
use crate::stats::StatsError as S;
use crate::{InstrumentRef, crosswalk::CrosswalkProblem};

/// One catalogue row: code, example message.
type Row = (&'static str, String);

fn p(s: &str) -> String {
    s.to_owned()
}

fn list(items: &[&str]) -> Listing {
    Listing::of(items.iter().copied())
}

fn heoa() -> InstrumentRef {
    InstrumentRef::new("heoa", Version::new(1, 0, 0))
}

fn rows<P: Problem>(all: &[P]) -> Vec<Row> {
    all.iter().map(|e| (e.code(), e.to_string())).collect()
}

fn assert_complete(ordinals: impl Iterator<Item = usize>, count: usize, name: &str) {
    let mut seen = vec![false; count];
    for o in ordinals {
        seen[o] = true;
    }
    assert!(seen.iter().all(|s| *s), "{name}: a variant has no example in src/error_catalog.rs");
}

fn json_rows() -> Vec<Row> {
    let all = [
        J::Syntax { line: 1, column: 2, message: p("key must be a string") },
        J::NotUtf8 { offset: 17 },
        J::FormatTooNew { pointer: p("/format_version"), found: 2, supported: 1 },
        J::UnknownField { pointer: p("/categories/0"), field: p("colour") },
        J::MissingField { pointer: p(""), field: p("assessed_on") },
        J::DuplicateKey { pointer: p("/answers"), key: p("data-collection.real-self-reported") },
        J::InvalidValue {
            pointer: p("/answers/data-collection.sogi"),
            message: p("expected an option id string, found the number 3"),
        },
        J::InvalidVersion {
            pointer: p("/instrument/version"),
            value: p("one"),
            reason: p("unexpected character 'o' while parsing major version number"),
        },
        J::TooLarge { pointer: p(""), what: "the document size in bytes", size: 5_000_000, limit: 4_194_304 },
        J::TooMany { pointer: p("/categories/0/items"), what: "the item list", count: 10_001, limit: 10_000 },
    ];
    // Adding a variant breaks this match until an example is added above.
    let ordinal = |e: &J| match e {
        J::Syntax { .. } => 0,
        J::NotUtf8 { .. } => 1,
        J::FormatTooNew { .. } => 2,
        J::UnknownField { .. } => 3,
        J::MissingField { .. } => 4,
        J::DuplicateKey { .. } => 5,
        J::InvalidValue { .. } => 6,
        J::InvalidVersion { .. } => 7,
        J::TooLarge { .. } => 8,
        J::TooMany { .. } => 9,
    };
    assert_complete(all.iter().map(ordinal), 10, "JsonProblem");
    rows(&all)
}

fn instrument_rows() -> Vec<Row> {
    let all = [
        I::InvalidId {
            pointer: p("/id"),
            what: "instrument",
            id: p("Small Instrument"),
            reason: "only lowercase ASCII letters, digits, '-' and '_' are allowed",
        },
        I::DuplicateId {
            pointer: p("/categories/1/items/1/id"),
            what: "item",
            id: p("b.one"),
            first: p("/categories/1/items/0/id"),
        },
        I::ItemIdPrefix { pointer: p("/categories/0/items/0/id"), item: p("b.one-in-a"), category: p("a") },
        I::UnknownScale {
            pointer: p("/categories/0/items/2/scale"),
            item: p("a.three"),
            scale: p("imp2"),
            known: list(&["imp"]),
        },
        I::NoCategories { pointer: p("/categories") },
        I::EmptyCategory { pointer: p("/categories/2/items"), category: p("c") },
        I::NoScoredOption { pointer: p("/scales/0/options"), scale: p("imp") },
        I::ZeroTopPoints { pointer: p("/scales/0/options"), scale: p("imp") },
        I::OptionPoints {
            pointer: p("/scales/0/options/4"),
            scale: p("imp"),
            option: p("na"),
            reason: "an excluded option has no points: remove \"points\" or \"excluded\"",
        },
        I::NoLevels { pointer: p("/scoring/level_sets/0/levels"), set: p("maturity") },
        I::BandsNotFromZero {
            pointer: p("/scoring/level_sets/0/levels/0/min_percent"),
            set: p("maturity"),
            level: p("beginning"),
            min: p("5"),
        },
        I::BandsNotIncreasing {
            pointer: p("/scoring/level_sets/0/levels/2/min_percent"),
            set: p("maturity"),
            level: p("advancing"),
            min: p("20"),
            previous: p("25"),
        },
        I::BandOutOfRange {
            pointer: p("/scoring/level_sets/0/levels/3/min_percent"),
            set: p("maturity"),
            level: p("leading"),
            min: p("120"),
        },
        I::UnknownLevelSet { pointer: p("/scoring/overall/levels"), set: p("stages"), known: list(&["maturity"]) },
        I::Stage {
            pointer: p("/categories/0/items/0/stage"),
            item: p("a.one"),
            reason: p("unknown stage \"two\" (stages: one)"),
        },
    ];
    let ordinal = |e: &I| match e {
        I::Json(_) => usize::MAX,
        I::InvalidId { .. } => 0,
        I::DuplicateId { .. } => 1,
        I::ItemIdPrefix { .. } => 2,
        I::UnknownScale { .. } => 3,
        I::NoCategories { .. } => 4,
        I::EmptyCategory { .. } => 5,
        I::NoScoredOption { .. } => 6,
        I::ZeroTopPoints { .. } => 7,
        I::OptionPoints { .. } => 8,
        I::NoLevels { .. } => 9,
        I::BandsNotFromZero { .. } => 10,
        I::BandsNotIncreasing { .. } => 11,
        I::BandOutOfRange { .. } => 12,
        I::UnknownLevelSet { .. } => 13,
        I::Stage { .. } => 14,
    };
    assert_complete(all.iter().map(ordinal), 15, "InstrumentProblem");
    rows(&all)
}

fn response_rows() -> Vec<Row> {
    let all = [
        R::NotAResponse {
            found: p("a FHIR QuestionnaireResponse"),
            hint: "import a QuestionnaireResponse with `fhir::import_response` (`equity-assess import fhir`)",
        },
        R::MalformedDate {
            pointer: p("/assessed_on"),
            value: p("2023-02-29"),
            reason: p("parsed date is not valid: parameter 'day' for `2023-02` is invalid, must be in range `1..=28`"),
        },
        R::UnknownInstrument {
            id: p("heoa-x"),
            known: list(&["cms-hche", "heoa", "ihi-five-component", "tjc-ld-04-03-08"]),
        },
        R::UnknownVersion { id: p("heoa"), version: p("7.0.0"), available: list(&["1.0.0"]) },
        R::InstrumentMismatch { expected: InstrumentRef::new("small", Version::new(1, 0, 0)), found: heoa() },
        R::UnknownItem {
            pointer: p("/answers/data-collection.eye-colour"),
            item: p("data-collection.eye-colour"),
            instrument: heoa(),
            suggestion: None,
        },
        R::InvalidOption {
            pointer: p("/answers/data-collection.sogi"),
            item: p("data-collection.sogi"),
            value: p("Implemented"),
            allowed: list(&["not_started", "planning", "in_progress", "implemented", "not_applicable"]),
            suggestion: Some(p("implemented")),
        },
        R::UnknownFocusCategory {
            pointer: p("/focus_categories/1"),
            category: p("data-valdation"),
            known: list(&["data-collection", "data-validation"]),
        },
        R::DuplicateFocusCategory { pointer: p("/focus_categories/2"), category: p("data-validation") },
    ];
    let ordinal = |e: &R| match e {
        R::Json(_) => usize::MAX,
        R::NotAResponse { .. } => 0,
        R::MalformedDate { .. } => 1,
        R::UnknownInstrument { .. } => 2,
        R::UnknownVersion { .. } => 3,
        R::InstrumentMismatch { .. } => 4,
        R::UnknownItem { .. } => 5,
        R::InvalidOption { .. } => 6,
        R::UnknownFocusCategory { .. } => 7,
        R::DuplicateFocusCategory { .. } => 8,
    };
    assert_complete(all.iter().map(ordinal), 9, "ResponseProblem");
    rows(&all)
}

fn compare_rows() -> Vec<Row> {
    let ihi = InstrumentRef::new("ihi-five-component", Version::new(1, 0, 0));
    let heoa2 = InstrumentRef::new("heoa", Version::new(2, 0, 0));
    let all = [
        C::DifferentOrganizations { baseline: p("org-001"), follow_up: p("org-002") },
        C::FollowUpBeforeBaseline { baseline: date(2023, 6, 8), follow_up: date(2022, 11, 17) },
        C::DifferentInstruments { baseline: heoa(), follow_up: ihi },
        C::DifferentMajorVersions { baseline: heoa(), follow_up: heoa2 },
        C::ItemMapDoesNotApply { map_from: p("heoa@^1"), map_to: p("heoa@^2"), baseline: heoa(), follow_up: heoa() },
        C::ItemMapMismatch { problems: vec![p("item \"data-collection.sogi-dta\" is not in heoa@2.0.0")] },
        C::LateFollowUp { deadline: date(2023, 6, 11), follow_up: date(2023, 6, 12), days_late: 1, window: p("P1M") },
    ];
    let ordinal = |e: &C| match e {
        C::DifferentOrganizations { .. } => 0,
        C::FollowUpBeforeBaseline { .. } => 1,
        C::DifferentInstruments { .. } => 2,
        C::DifferentMajorVersions { .. } => 3,
        C::ItemMapDoesNotApply { .. } => 4,
        C::ItemMapMismatch { .. } => 5,
        C::LateFollowUp { .. } => 6,
    };
    assert_complete(all.iter().map(ordinal), 7, "CompareError");
    rows(&all)
}

fn item_map_rows() -> Vec<Row> {
    let all = [
        M::InvalidId { pointer: p("/items/4/to"), id: p("Bad Id"), reason: "an item id is <category-id>.<slug>" },
        M::MappedTwice {
            pointer: p("/items/3/from"),
            side: "from",
            id: p("data-collection.sogi"),
            first: p("/items/0/from"),
        },
        M::TooFew { pointer: p("/items/1/from"), change: "merged", count: 1 },
    ];
    let ordinal = |e: &M| match e {
        M::Json(_) => usize::MAX,
        M::InvalidId { .. } => 0,
        M::MappedTwice { .. } => 1,
        M::TooFew { .. } => 2,
    };
    assert_complete(all.iter().map(ordinal), 3, "ItemMapProblem");
    rows(&all)
}

fn stats_rows() -> Vec<Row> {
    let all = [
        S::ExactLimitExceeded { n: 2000, limit: 1000 },
        S::InvalidConfidenceLevel { level: 1.5 },
        S::InvalidPValue { index: 3, value: 1.5 },
        S::TooManyObservations { n: 4_294_967_296, max: 4_294_967_295 },
    ];
    let ordinal = |e: &S| match e {
        S::ExactLimitExceeded { .. } => 0,
        S::InvalidConfidenceLevel { .. } => 1,
        S::InvalidPValue { .. } => 2,
        S::TooManyObservations { .. } => 3,
    };
    assert_complete(all.iter().map(ordinal), 4, "StatsError");
    rows(&all)
}

fn cohort_rows() -> Vec<Row> {
    let all = [
        CohortError::TooManyAssessments { count: 1_000_001, limit: 1_000_000 },
        CohortError::Statistics {
            instrument: "heoa".to_owned(),
            category: "data-validation".to_owned(),
            source: S::ExactLimitExceeded { n: 5000, limit: 1000 },
        },
    ];
    let ordinal = |e: &CohortError| match e {
        CohortError::TooManyAssessments { .. } => 0,
        CohortError::Statistics { .. } => 1,
    };
    assert_complete(all.iter().map(ordinal), 2, "CohortError");
    rows(&all)
}

fn crosswalk_rows() -> Vec<Row> {
    use CrosswalkProblem as X;
    let all = [
        X::UnknownId { pointer: p("/rows/0/from/1"), id: p("data-collection.nope"), instrument: heoa() },
        X::MissingSource { pointer: p("/rows/1") },
    ];
    let ordinal = |e: &X| match e {
        X::Json(_) => usize::MAX,
        X::UnknownId { .. } => 0,
        X::MissingSource { .. } => 1,
    };
    assert_complete(all.iter().map(ordinal), 2, "CrosswalkProblem");
    rows(&all)
}

#[cfg(feature = "redcap")]
fn redcap_rows() -> Vec<Row> {
    use crate::redcap::RedcapProblem as X;
    let all = [
        X::Csv { line: 3, message: p("found record with 4 fields, but the previous record has 44 fields") },
        X::UnknownColumn { column: p("org"), form: p("heoa") },
        X::DuplicateColumn { column: p("q01_real_self_reported") },
        X::MissingColumn { column: p("organization_id") },
        X::InvalidCode {
            record: p("1"),
            field: p("q01_real_self_reported"),
            item: p("data-collection.real-self-reported"),
            value: p("9"),
            choices: list(&["1", "2", "3", "4", "5"]),
        },
        X::InvalidValue {
            record: p("1"),
            field: p("assessed_on"),
            value: p("2023-02-30"),
            reason: p("parsed date is not valid"),
        },
    ];
    let ordinal = |e: &X| match e {
        X::Csv { .. } => 0,
        X::UnknownColumn { .. } => 1,
        X::DuplicateColumn { .. } => 2,
        X::MissingColumn { .. } => 3,
        X::InvalidCode { .. } => 4,
        X::InvalidValue { .. } => 5,
    };
    assert_complete(all.iter().map(ordinal), 6, "RedcapProblem");
    rows(&all)
}

#[cfg(feature = "fhir")]
fn fhir_rows() -> Vec<Row> {
    use crate::fhir::FhirProblem as X;
    let q = p("https://health-equity-assessment.example/fhir/Questionnaire/heoa");
    let qv = p("https://health-equity-assessment.example/fhir/Questionnaire/heoa|1.0.0");
    let at = |s: &str| format!("QuestionnaireResponse.item[0].{s}");
    let all = [
        X::WrongResourceType { expected: "QuestionnaireResponse", found: p("the string \"Patient\"") },
        X::InvalidStructure {
            line: 14,
            column: 24,
            message: p(
                "unknown variant `done`, expected one of `in-progress`, `completed`, `amended`, `entered-in-error`, `stopped`",
            ),
        },
        X::MissingElement { path: p("QuestionnaireResponse.subject"), why: "the organization assessed is required" },
        X::UnsupportedStatus { status: p("in-progress") },
        X::UnversionedQuestionnaire { reference: q.clone(), example: qv.clone() },
        X::UnknownQuestionnaire { url: p("https://other.example/fhir/Questionnaire/heoa"), known: list(&[&qv]) },
        X::UnknownQuestionnaireVersion { url: q.clone(), version: p("9.0.0"), available: list(&["1.0.0"]) },
        X::InvalidSubject {
            path: p("QuestionnaireResponse.subject.reference"),
            value: p("Patient/1"),
            reason: "is not a reference to an Organization (Organization/{id})",
        },
        X::InvalidAuthored {
            value: p("2023-02-30"),
            reason: p(
                "is not a FHIR dateTime: parsed date is not valid: parameter 'day' for `2023-02` is invalid, must be in range `1..=28`",
            ),
        },
        X::UnknownLinkId { path: at("item[0]"), link_id: p("data-collection.nope"), questionnaire: qv.clone() },
        X::MisplacedItem {
            path: p("QuestionnaireResponse.item[1].item[0]"),
            link_id: p("data-collection.real-self-reported"),
            found_in: Some(p("governance")),
            belongs_in: Some(p("data-collection")),
        },
        X::RepeatedItem { path: at("item[3]"), link_id: p("data-collection.real-self-reported"), first: at("item[0]") },
        X::RepeatedAnswer { path: at("item[0]"), link_id: p("data-collection.real-self-reported"), count: 2 },
        X::UnexpectedElement {
            path: at("item[0]"),
            link_id: p("data-collection.real-self-reported"),
            what: "is a question: it has answers, not items",
        },
        X::AnswerNotCoding { path: at("item[0].answer[0]"), link_id: p("data-collection.real-self-reported") },
        X::WrongSystem {
            path: at("item[0].answer[0].valueCoding"),
            link_id: p("data-collection.real-self-reported"),
            system: Some(p("http://loinc.org")),
            expected: p("https://health-equity-assessment.example/fhir/CodeSystem/heoa.implementation"),
        },
        X::UnknownCode {
            path: at("item[0].answer[0].valueCoding.code"),
            link_id: p("data-collection.real-self-reported"),
            code: Some(p("mostly")),
            allowed: list(&["not_started", "planning", "in_progress", "implemented", "not_applicable"]),
        },
        X::UnsupportedModifierExtension {
            path: p("QuestionnaireResponse"),
            url: p("https://example.org/fhir/draft-only"),
        },
        X::InvalidExtension {
            path: p("QuestionnaireResponse.extension[0]"),
            url: p("https://health-equity-assessment.example/fhir/StructureDefinition/item-note"),
            reason: p("belongs on a question item"),
        },
        X::UnknownFocusCategory {
            path: p("QuestionnaireResponse.extension[1]"),
            category: p("finance"),
            known: list(&["data-collection", "governance"]),
        },
        X::RepeatedFocusCategory { path: p("QuestionnaireResponse.extension[2]"), category: p("governance") },
        X::TooLarge {
            path: at("item[0].extension[0].valueString"),
            what: "the note length in characters",
            size: 70_000,
            limit: 65_536,
        },
        X::InvalidCanonicalBase {
            base: p("ftp://fhir.example.org"),
            reason: "is not an absolute http:// or https:// URL",
        },
    ];
    let ordinal = |e: &X| match e {
        X::Json(_) => usize::MAX,
        X::WrongResourceType { .. } => 0,
        X::InvalidStructure { .. } => 1,
        X::MissingElement { .. } => 2,
        X::UnsupportedStatus { .. } => 3,
        X::UnversionedQuestionnaire { .. } => 4,
        X::UnknownQuestionnaire { .. } => 5,
        X::UnknownQuestionnaireVersion { .. } => 6,
        X::InvalidSubject { .. } => 7,
        X::InvalidAuthored { .. } => 8,
        X::UnknownLinkId { .. } => 9,
        X::MisplacedItem { .. } => 10,
        X::RepeatedItem { .. } => 11,
        X::RepeatedAnswer { .. } => 12,
        X::UnexpectedElement { .. } => 13,
        X::AnswerNotCoding { .. } => 14,
        X::WrongSystem { .. } => 15,
        X::UnknownCode { .. } => 16,
        X::UnsupportedModifierExtension { .. } => 17,
        X::InvalidExtension { .. } => 18,
        X::UnknownFocusCategory { .. } => 19,
        X::RepeatedFocusCategory { .. } => 20,
        X::TooLarge { .. } => 21,
        X::InvalidCanonicalBase { .. } => 22,
    };
    assert_complete(all.iter().map(ordinal), 23, "FhirProblem");
    rows(&all)
}

fn single_rows() -> Vec<(&'static str, Vec<Row>)> {
    let exact = "25.5.1".parse::<crate::Exact>().unwrap_err();
    let window = "PT1H".parse::<crate::progress::FollowUpWindow>().unwrap_err();
    let duplicate = crate::DuplicateInstrument { instrument: heoa() };
    let date = crate::parse_date("2023-02-30").unwrap_err();
    vec![
        ("ParseExactError (`Exact` from text)", vec![(exact.code(), exact.to_string())]),
        ("WindowError (`FollowUpWindow` from text)", vec![(window.code(), window.to_string())]),
        ("DuplicateInstrument (`Registry::insert`)", vec![(duplicate.code(), duplicate.to_string())]),
        ("DateError (`parse_date`)", vec![(date.code(), date.to_string())]),
    ]
}

fn table(out: &mut String, title: &str, about: &str, rows: &[Row]) {
    let _ = writeln!(out, "## {title}\n\n{about}\n\n| code | example message |\n|---|---|");
    for (code, message) in rows {
        let message = message.replace('|', "\\|").replace('\n', " ");
        let _ = writeln!(out, "| `{code}` | {message} |");
    }
    out.push('\n');
}

/// The catalogue as committed in `docs/errors.md`.
pub(crate) fn catalogue() -> String {
    let mut out = String::from(
        "# Error codes\n\n\
         Every problem health-equity-assessment reports implements the `Problem` trait: a stable,\n\
         machine-readable `code()` (also in the JSON output of `equity-assess validate --format\n\
         json` and `score --ndjson`), a `location()` (a JSON Pointer, a line and column, a FHIR\n\
         element path or a table cell) and a message that names the instrument, category, item,\n\
         file or JSON Pointer and the bad value. Readers report every problem at once in a\n\
         `Problems` container. Codes never change meaning; new codes may be added. This file is\n\
         generated from the types by `cargo test` (`src/error_catalog.rs`), so it lists every code\n\
         with a real example.\n\n\
         The command line adds exit statuses: 0 success, 1 invalid input (including an input file\n\
         that is not UTF-8 or over its size limit), 2 usage (bad arguments, files that cannot be\n\
         opened or read).\n\n",
    );
    table(
        &mut out,
        "JSON structure (`JsonProblem`, in every document)",
        "Reported by every reader (responses, instrument files, item maps, crosswalks, FHIR resources), as the `Json` variant of its problem type.",
        &json_rows(),
    );
    table(
        &mut out,
        "Instrument files (`InstrumentProblem`)",
        "From `Instrument::from_json`, `from_slice` and `Deserialize`; every problem is reported at once.",
        &instrument_rows(),
    );
    table(
        &mut out,
        "Response documents (`ResponseProblem`)",
        "From `Registry::validate_json`, `Instrument::validate_json`, `Response::from_json` and `Response::validate`; every problem is reported at once.",
        &response_rows(),
    );
    table(&mut out, "Comparisons (`CompareError`)", "From `compare`.", &compare_rows());
    table(&mut out, "Item maps (`ItemMapProblem`)", "From `ItemMap::from_json` and `Deserialize`.", &item_map_rows());
    table(&mut out, "Statistics (`StatsError`)", "From the functions of `stats`.", &stats_rows());
    table(
        &mut out,
        "Crosswalks (`CrosswalkProblem`)",
        "From `Crosswalk::from_json`, `Crosswalk::check` and `Crosswalk::apply`.",
        &crosswalk_rows(),
    );
    #[cfg(feature = "redcap")]
    table(
        &mut out,
        "REDCap records (`redcap::RedcapProblem`, feature `redcap`)",
        "From `redcap::import_responses`.",
        &redcap_rows(),
    );
    #[cfg(feature = "fhir")]
    table(
        &mut out,
        "FHIR (`fhir::FhirProblem`, feature `fhir`)",
        "From `fhir::import_response`, `fhir::parse_response` and `fhir::FhirOptions::new`; every problem is reported at once.",
        &fhir_rows(),
    );
    table(
        &mut out,
        "Cohorts (`CohortError`)",
        "From `Cohort::analyze`; a statistics error keeps its own code.",
        &cohort_rows(),
    );
    for (title, rows) in single_rows() {
        table(&mut out, title, "A single error type with one code.", &rows);
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn the_error_catalogue_lists_every_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md");
    let expected = catalogue();
    let actual = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
    // The committed file documents the features' errors too; without them only the rest is
    // checked, and the file is never rewritten from a partial catalogue.
    #[cfg(not(feature = "fhir"))]
    let actual = without_section(&actual, "## FHIR");
    #[cfg(not(feature = "redcap"))]
    let actual = without_section(&actual, "## REDCap");
    if actual != expected {
        if std::env::var_os("CI").is_none() && cfg!(all(feature = "fhir", feature = "redcap")) {
            let _ = std::fs::create_dir_all(path.parent().unwrap());
            std::fs::write(&path, &expected).unwrap();
        }
        panic!(
            "docs/errors.md is out of date with the error types; outside CI and with --all-features it was rewritten: review and commit it"
        );
    }
}

/// The text without the `## ` section whose heading starts with `heading`.
#[cfg(any(not(feature = "fhir"), not(feature = "redcap")))]
fn without_section(text: &str, heading: &str) -> String {
    let Some(start) = text.find(&format!("\n{heading}")) else { return text.to_owned() };
    let end = text[start + 1..].find("\n## ").map_or(text.len(), |i| start + 1 + i);
    let mut out = format!("{}{}", &text[..start + 1], &text[end + 1..]);
    if end == text.len() {
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    out
}

#[test]
fn codes_are_snake_case_and_unique_per_section() {
    let text = catalogue();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let code = line.trim_start_matches("| `").split('`').next().unwrap();
        assert!(
            !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{code}"
        );
    }
}
