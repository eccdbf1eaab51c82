//! The error catalogue, `docs/errors.md`: one real example of every error variant of the crate,
//! rendered from the types themselves. The test fails when a variant has no example (each
//! `examples` function matches exhaustively) or when the committed file drifts; outside CI it
//! rewrites the file.

use std::fmt::Write as _;

use jiff::civil::date;

use crate::cohort::CohortError;
use crate::instrument::InstrumentProblem as I;
use crate::progress::{CompareError as C, ItemMapProblem as M};
use crate::response::ResponseProblem as R;
use crate::stats::StatsError as S;

/// One catalogue row: code, example message.
type Row = (&'static str, String);

fn instrument_rows() -> Vec<Row> {
    let p = |s: &str| s.to_owned();
    let all = [
        I::Syntax { line: 1, column: 2, message: p("key must be a string") },
        I::NotUtf8 { offset: 17 },
        I::FormatTooNew { pointer: p("/format_version"), found: 2, supported: 1 },
        I::UnknownField { pointer: p("/categories/0"), field: p("colour") },
        I::MissingField { pointer: p(""), field: p("title") },
        I::DuplicateKey { pointer: p(""), key: p("title") },
        I::InvalidValue {
            pointer: p("/categories/0/items/0/text"),
            message: p("invalid type: integer `3`, expected a string (found the number 3)"),
        },
        I::InvalidVersion {
            pointer: p("/version"),
            value: p("1.0"),
            reason: p("unexpected end of input while parsing minor version number"),
        },
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
            known: p("imp"),
        },
        I::NoCategories { pointer: p("/categories") },
        I::EmptyCategory { pointer: p("/categories/2/items"), category: p("c") },
        I::NoScoredOption { pointer: p("/scales/0/options"), scale: p("imp") },
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
            min: p("101"),
        },
        I::UnknownLevelSet { pointer: p("/scoring/overall/levels"), set: p("nope"), known: p("maturity") },
        I::Stage {
            pointer: p("/categories/0/items/0/stage"),
            item: p("a.one"),
            reason: p("unknown stage \"two\" (stages: one)"),
        },
        I::TooMany { pointer: p("/categories/0/items"), what: "the item list", count: 10_001, limit: 10_000 },
        I::ZeroTopPoints { pointer: p("/scales/0/options"), scale: p("imp") },
    ];
    // Adding a variant breaks this match until an example is added above.
    let ordinal = |e: &I| match e {
        I::Syntax { .. } => 0,
        I::NotUtf8 { .. } => 1,
        I::FormatTooNew { .. } => 2,
        I::UnknownField { .. } => 3,
        I::MissingField { .. } => 4,
        I::DuplicateKey { .. } => 5,
        I::InvalidValue { .. } => 6,
        I::InvalidVersion { .. } => 7,
        I::InvalidId { .. } => 8,
        I::DuplicateId { .. } => 9,
        I::ItemIdPrefix { .. } => 10,
        I::UnknownScale { .. } => 11,
        I::NoCategories { .. } => 12,
        I::EmptyCategory { .. } => 13,
        I::NoScoredOption { .. } => 14,
        I::OptionPoints { .. } => 15,
        I::NoLevels { .. } => 16,
        I::BandsNotFromZero { .. } => 17,
        I::BandsNotIncreasing { .. } => 18,
        I::BandOutOfRange { .. } => 19,
        I::UnknownLevelSet { .. } => 20,
        I::Stage { .. } => 21,
        I::TooMany { .. } => 22,
        I::ZeroTopPoints { .. } => 23,
    };
    assert_complete(&all.iter().map(ordinal).collect::<Vec<_>>(), 24, "InstrumentProblem");
    all.iter().map(|e| (e.code(), e.to_string())).collect()
}

fn response_rows() -> Vec<Row> {
    let p = |s: &str| s.to_owned();
    let all = [
        R::Syntax { line: 2, column: 0, message: p("EOF while parsing a list") },
        R::NotUtf8 { offset: 9 },
        R::NotAResponse {
            found: p("a FHIR QuestionnaireResponse"),
            hint: "import a QuestionnaireResponse with `fhir::import_questionnaire_response` (`equity-assess import fhir`)",
        },
        R::UnknownField { pointer: p(""), field: p("respondent") },
        R::MissingField { pointer: p(""), field: p("assessed_on") },
        R::DuplicateKey { pointer: p("/answers"), key: p("data-collection.real-self-reported") },
        R::InvalidValue {
            pointer: p("/answers/data-collection.sogi"),
            message: p("expected an option id string, found the number 3"),
        },
        R::MalformedDate {
            pointer: p("/assessed_on"),
            value: p("2023-02-29"),
            reason: p("parsed date is not valid: parameter 'day' for `2023-02` is invalid, must be in range `1..=28`"),
        },
        R::InvalidVersion {
            pointer: p("/instrument/version"),
            value: p("one"),
            reason: p("unexpected character 'o' while parsing major version number"),
        },
        R::UnknownInstrument { id: p("heoa-x"), known: p("cms-hche, heoa, ihi-five-component, tjc-ld-04-03-08") },
        R::UnknownVersion { id: p("heoa"), version: p("7.0.0"), available: p("1.0.0") },
        R::InstrumentMismatch { expected: p("small@1.0.0"), found: p("heoa@1.0.0") },
        R::UnknownItem {
            pointer: p("/answers/data-collection.eye-colour"),
            item: p("data-collection.eye-colour"),
            instrument: p("heoa@1.0.0"),
        },
        R::InvalidOption {
            pointer: p("/answers/data-collection.sogi"),
            item: p("data-collection.sogi"),
            value: p("mostly"),
            allowed: p("not_started, planning, in_progress, implemented, not_applicable"),
        },
        R::UnknownFocusCategory {
            pointer: p("/focus_categories/1"),
            category: p("data-valdation"),
            known: p("data-collection, data-validation"),
        },
        R::DuplicateFocusCategory { pointer: p("/focus_categories/2"), category: p("data-validation") },
        R::TooLarge { pointer: p(""), what: "the document size in bytes", size: 5_000_000, limit: 4_194_304 },
    ];
    let ordinal = |e: &R| match e {
        R::Syntax { .. } => 0,
        R::NotUtf8 { .. } => 1,
        R::NotAResponse { .. } => 2,
        R::UnknownField { .. } => 3,
        R::MissingField { .. } => 4,
        R::DuplicateKey { .. } => 5,
        R::InvalidValue { .. } => 6,
        R::MalformedDate { .. } => 7,
        R::InvalidVersion { .. } => 8,
        R::UnknownInstrument { .. } => 9,
        R::UnknownVersion { .. } => 10,
        R::InstrumentMismatch { .. } => 11,
        R::UnknownItem { .. } => 12,
        R::InvalidOption { .. } => 13,
        R::UnknownFocusCategory { .. } => 14,
        R::DuplicateFocusCategory { .. } => 15,
        R::TooLarge { .. } => 16,
    };
    assert_complete(&all.iter().map(ordinal).collect::<Vec<_>>(), 17, "ResponseProblem");
    all.iter().map(|e| (e.code(), e.to_string())).collect()
}

fn compare_rows() -> Vec<Row> {
    let p = |s: &str| s.to_owned();
    let all = [
        C::DifferentOrganizations { baseline: p("org-001"), follow_up: p("org-002") },
        C::FollowUpBeforeBaseline { baseline: date(2023, 6, 8), follow_up: date(2022, 11, 17) },
        C::DifferentInstruments { baseline: p("heoa@1.0.0"), follow_up: p("ihi-five-component@1.0.0") },
        C::DifferentMajorVersions { baseline: p("heoa@1.0.0"), follow_up: p("heoa@2.0.0") },
        C::ItemMapDoesNotApply {
            map_from: p("heoa@^1"),
            map_to: p("heoa@^2"),
            baseline: p("heoa@1.0.0"),
            follow_up: p("heoa@1.0.0"),
        },
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
    assert_complete(&all.iter().map(ordinal).collect::<Vec<_>>(), 7, "CompareError");
    all.iter().map(|e| (e.code(), e.to_string())).collect()
}

fn item_map_rows() -> Vec<Row> {
    let p = |s: &str| s.to_owned();
    let all = [
        M::Invalid {
            line: 7,
            column: 30,
            message: p(
                "unknown variant `teleported`, expected one of `renamed`, `merged`, `split`, `removed`, `added`",
            ),
        },
        M::DuplicateKey { pointer: p("/items/0"), key: p("from") },
        M::FormatTooNew { found: 9, supported: 1 },
        M::InvalidId { pointer: p("/items/4/to"), id: p("Bad Id"), reason: "an item id is <category-id>.<slug>" },
        M::MappedTwice {
            pointer: p("/items/3/from"),
            side: "from",
            id: p("data-collection.sogi"),
            first: p("/items/0/from"),
        },
        M::TooFew { pointer: p("/items/1/from"), change: "merged", count: 1 },
        M::TooLarge { what: "the number of category renames", size: 1_001, limit: 1_000 },
    ];
    let ordinal = |e: &M| match e {
        M::Invalid { .. } => 0,
        M::DuplicateKey { .. } => 1,
        M::FormatTooNew { .. } => 2,
        M::InvalidId { .. } => 3,
        M::MappedTwice { .. } => 4,
        M::TooFew { .. } => 5,
        M::TooLarge { .. } => 6,
    };
    assert_complete(&all.iter().map(ordinal).collect::<Vec<_>>(), 7, "ItemMapProblem");
    all.iter().map(|e| (e.code(), e.to_string())).collect()
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
    assert_complete(&all.iter().map(ordinal).collect::<Vec<_>>(), 4, "StatsError");
    all.iter().map(|e| (e.code(), e.to_string())).collect()
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
    assert_complete(&all.iter().map(ordinal).collect::<Vec<_>>(), 2, "CohortError");
    all.iter().map(|e| (e.code(), e.to_string())).collect()
}

fn crosswalk_rows() -> Vec<Row> {
    use crate::crosswalk::CrosswalkError as X;
    let p = |s: &str| s.to_owned();
    let all = [
        X::Invalid { line: 1, column: 1, message: p("EOF while parsing an object at line 1 column 1") },
        X::FormatTooNew { found: 2, supported: 1 },
        X::UnknownId {
            crosswalk: p("heoa@^1 → cms-hche@^1"),
            row: 0,
            side: "from",
            id: p("data-collection.nope"),
            instrument: p("heoa@1.0.0"),
        },
        X::MissingSource { crosswalk: p("heoa@^1 → cms-hche@^1"), row: 1 },
        X::TooLarge { what: "the number of evidence entries in the pre-fill", size: 1_200_000, limit: 1_000_000 },
        X::DuplicateKey { pointer: p("/rows/0"), key: p("to") },
    ];
    let ordinal = |e: &X| match e {
        X::Invalid { .. } => 0,
        X::FormatTooNew { .. } => 1,
        X::UnknownId { .. } => 2,
        X::MissingSource { .. } => 3,
        X::TooLarge { .. } => 4,
        X::DuplicateKey { .. } => 5,
    };
    assert_complete(&all.iter().map(ordinal).collect::<Vec<_>>(), 6, "CrosswalkError");
    all.iter().map(|e| (e.code(), e.to_string())).collect()
}

fn redcap_rows() -> Vec<Row> {
    use crate::redcap::RedcapProblem as X;
    let p = |s: &str| s.to_owned();
    let all = [
        X::Csv { line: 3, message: p("found record with 4 fields, but the previous record has 44 fields") },
        X::UnknownColumn { column: p("org"), form: p("heoa") },
        X::MissingColumn { column: p("organization_id") },
        X::DuplicateColumn { column: p("q01_real_self_reported") },
        X::InvalidCode {
            record: p("1"),
            field: p("q01_real_self_reported"),
            item: p("data-collection.real-self-reported"),
            value: p("9"),
            choices: p("1, 2, 3, 4, 5"),
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
        X::MissingColumn { .. } => 2,
        X::InvalidCode { .. } => 3,
        X::InvalidValue { .. } => 4,
        X::DuplicateColumn { .. } => 5,
    };
    assert_complete(&all.iter().map(ordinal).collect::<Vec<_>>(), 6, "RedcapProblem");
    all.iter().map(|e| (e.code(), e.to_string())).collect()
}

#[cfg(feature = "fhir")]
fn fhir_rows() -> Vec<Row> {
    use crate::fhir::FhirError as X;
    let p = |s: &str| s.to_owned();
    let q = p("https://health-equity-assessment.example/fhir/Questionnaire/heoa");
    let qv = p("https://health-equity-assessment.example/fhir/Questionnaire/heoa|1.0.0");
    let at = |s: &str| format!("QuestionnaireResponse.item[0].{s}");
    let all = [
        X::Syntax { line: 1, column: 2, message: p("EOF while parsing an object") },
        X::DuplicateKey { pointer: p("/item/0"), key: p("linkId") },
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
        X::UnknownQuestionnaire { url: p("https://other.example/fhir/Questionnaire/heoa"), known: format!("{q}, …") },
        X::UnknownQuestionnaireVersion { url: q.clone(), version: p("9.0.0"), available: p("1.0.0") },
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
            allowed: p("not_started, planning, in_progress, implemented, not_applicable"),
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
            known: p("data-collection, governance, …"),
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
        X::Multiple {
            problems: vec![
                X::UnsupportedStatus { status: p("in-progress") },
                X::UnversionedQuestionnaire { reference: q.clone(), example: qv.clone() },
            ],
        },
    ];
    let ordinal = |e: &X| match e {
        X::Syntax { .. } => 0,
        X::DuplicateKey { .. } => 1,
        X::WrongResourceType { .. } => 2,
        X::InvalidStructure { .. } => 3,
        X::MissingElement { .. } => 4,
        X::UnsupportedStatus { .. } => 5,
        X::UnversionedQuestionnaire { .. } => 6,
        X::UnknownQuestionnaire { .. } => 7,
        X::UnknownQuestionnaireVersion { .. } => 8,
        X::InvalidSubject { .. } => 9,
        X::InvalidAuthored { .. } => 10,
        X::UnknownLinkId { .. } => 11,
        X::MisplacedItem { .. } => 12,
        X::RepeatedItem { .. } => 13,
        X::RepeatedAnswer { .. } => 14,
        X::UnexpectedElement { .. } => 15,
        X::AnswerNotCoding { .. } => 16,
        X::WrongSystem { .. } => 17,
        X::UnknownCode { .. } => 18,
        X::UnsupportedModifierExtension { .. } => 19,
        X::InvalidExtension { .. } => 20,
        X::UnknownFocusCategory { .. } => 21,
        X::RepeatedFocusCategory { .. } => 22,
        X::TooLarge { .. } => 23,
        X::InvalidCanonicalBase { .. } => 24,
        X::Multiple { .. } => 25,
    };
    assert_complete(&all.iter().map(ordinal).collect::<Vec<_>>(), 26, "FhirError");
    all.iter().map(|e| (e.code(), e.to_string())).collect()
}

fn single_rows() -> Vec<(&'static str, Vec<Row>)> {
    let exact = "25.5.1".parse::<crate::Exact>().unwrap_err();
    let window = "PT1H".parse::<crate::progress::FollowUpWindow>().unwrap_err();
    let duplicate =
        crate::DuplicateInstrument { instrument: crate::InstrumentRef::new("heoa", semver::Version::new(1, 0, 0)) };
    vec![
        ("ParseExactError (`Exact` from text)", vec![(exact.code(), exact.to_string())]),
        ("WindowError (`FollowUpWindow` from text)", vec![(window.code(), window.to_string())]),
        ("DuplicateInstrument (`Registry::insert`)", vec![(duplicate.code(), duplicate.to_string())]),
    ]
}

fn assert_complete(ordinals: &[usize], count: usize, name: &str) {
    let mut seen = vec![false; count];
    for o in ordinals {
        seen[*o] = true;
    }
    assert!(seen.iter().all(|s| *s), "{name}: a variant has no example in src/error_catalog.rs");
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
         Every error of health-equity-assessment has a stable, machine-readable `code()` (also in the\n\
         JSON output of `equity-assess validate --format json` and `score --ndjson`) and a message\n\
         that names the instrument, category, item, file or JSON Pointer and the bad value. Codes\n\
         never change meaning; new codes may be added. This file is generated from the types by\n\
         `cargo test` (`src/error_catalog.rs`), so it lists every code with a real example.\n\n\
         The command line adds exit statuses: 0 success, 1 invalid input (including an input file\n\
         that is not UTF-8 or over its size limit), 2 usage (bad arguments, files that cannot be\n\
         opened or read).\n\n",
    );
    table(
        &mut out,
        "Instrument files (`InstrumentProblem`)",
        "From `Instrument::from_json` and `from_slice`; every problem is reported at once.",
        &instrument_rows(),
    );
    table(
        &mut out,
        "Response documents (`ResponseProblem`)",
        "From `Registry::validate_json`, `Instrument::validate_json`, `Response::from_json` and `Response::validate`; every problem is reported at once.",
        &response_rows(),
    );
    table(&mut out, "Comparisons (`CompareError`)", "From `progress::compare`.", &compare_rows());
    table(&mut out, "Item maps (`ItemMapProblem`)", "From `progress::ItemMap::from_json`.", &item_map_rows());
    table(&mut out, "Statistics (`StatsError`)", "From the functions of `stats`.", &stats_rows());
    table(
        &mut out,
        "Crosswalks (`CrosswalkError`)",
        "From `crosswalk::Crosswalk::from_json` and `Crosswalk::check`.",
        &crosswalk_rows(),
    );
    table(&mut out, "REDCap records (`RedcapProblem`)", "From `redcap::import_records`.", &redcap_rows());
    #[cfg(feature = "fhir")]
    table(
        &mut out,
        "FHIR (`fhir::FhirError`, feature `fhir`)",
        "From `fhir::import_questionnaire_response`, `fhir::parse_questionnaire_response` and `fhir::FhirOptions::new`; every problem is reported at once (`multiple`, whose `problems()` lists them).",
        &fhir_rows(),
    );
    table(
        &mut out,
        "Cohorts (`CohortError`)",
        "From `cohort::Cohort::analyze`; a statistics error keeps its own code.",
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
    // The committed file documents the `fhir` feature's errors too; without the feature only the
    // rest is checked, and the file is never rewritten from a partial catalogue.
    #[cfg(not(feature = "fhir"))]
    let actual = without_section(&actual, "## FHIR");
    if actual != expected {
        if std::env::var_os("CI").is_none() && cfg!(feature = "fhir") {
            let _ = std::fs::create_dir_all(path.parent().unwrap());
            std::fs::write(&path, &expected).unwrap();
        }
        panic!(
            "docs/errors.md is out of date with the error types; outside CI and with --all-features it was rewritten: review and commit it"
        );
    }
}

/// The text without the `## ` section whose heading starts with `heading`.
#[cfg(not(feature = "fhir"))]
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
fn codes_are_snake_case_and_examples_name_their_subject() {
    for (code, message) in
        instrument_rows().into_iter().chain(response_rows()).chain(compare_rows()).chain(item_map_rows())
    {
        assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{code}");
        assert!(!message.is_empty(), "{code}");
    }
}
