//! Cohorts: the same evidence is never counted twice, a tie on a pair's date is reported and
//! left out, and the report is the same for every order of the inputs.

use health_equity_assessment::{Cohort, CohortOptions, DuplicateReason, Phase};
use health_equity_assessment::{Registry, ScoreReport};
use proptest::prelude::*;

use crate::common;

fn report(path: &str) -> ScoreReport {
    Registry::builtin().validate_json(&common::read(path)).unwrap().score()
}

fn variant(base: &ScoreReport, org: &str, days: i64, flip: bool) -> ScoreReport {
    let registry = Registry::builtin();
    let mut doc: serde_json::Value = serde_json::from_str(&common::read("examples/heoa-baseline.json")).unwrap();
    doc["organization"]["id"] = org.into();
    doc["assessed_on"] =
        jiff::civil::date(2022, 1, 1).checked_add(jiff::Span::new().days(days)).unwrap().to_string().into();
    if flip {
        doc["answers"]["data-collection.sogi"] = "implemented".into();
    }
    let _ = base;
    registry.validate_json(&doc.to_string()).unwrap().score()
}

#[test]
fn identical_documents_count_once() {
    let baseline = report("examples/heoa-baseline.json");
    let mut cohort = Cohort::new();
    cohort.add("a.json", baseline.clone());
    cohort.add("copy-of-a.json", baseline.clone());
    let report = cohort.analyze(&CohortOptions::default()).unwrap();
    assert_eq!((report.documents, report.assessments), (2, 1));
    assert_eq!(report.duplicates.len(), 1);
    let d = &report.duplicates[0];
    assert_eq!(
        (d.source.as_str(), d.same_as.as_str(), d.reason),
        ("copy-of-a.json", "a.json", DuplicateReason::SameContent)
    );
    assert!(report.instruments.is_empty(), "one document twice is never a pair");
    assert_eq!(report.unpaired.len(), 1);
}

#[test]
fn a_caller_can_record_the_same_file_reached_twice() {
    let mut cohort = Cohort::new();
    cohort.add("a.json", report("examples/heoa-baseline.json"));
    cohort.duplicate("./a.json", "a.json");
    let report = cohort.analyze(&CohortOptions::default()).unwrap();
    assert_eq!((report.documents, report.assessments, report.duplicates.len()), (2, 1, 1));
    assert_eq!(report.duplicates[0].reason, DuplicateReason::SameFile);
}

#[test]
fn a_tie_on_the_baseline_or_follow_up_date_is_left_out() {
    let base = report("examples/heoa-baseline.json");
    for (first, second, third) in [(0, 0, 100), (0, 100, 100)] {
        let mut cohort = Cohort::new();
        cohort.add("x", variant(&base, "org-1", first, false));
        cohort.add("y", variant(&base, "org-1", second, true));
        cohort.add("z", variant(&base, "org-1", third, false));
        cohort.add("p", variant(&base, "org-2", 0, false));
        cohort.add("q", variant(&base, "org-2", 100, true));
        let report = cohort.analyze(&CohortOptions::default()).unwrap();
        assert_eq!(report.ambiguous.len(), 1, "{:?}", report.ambiguous);
        assert_eq!(report.ambiguous[0].organization, "org-1");
        assert_eq!(report.instruments[0].pairs, 1, "only org-2 is paired");
        let rows: Vec<_> = cohort.tidy_rows(&CohortOptions::default()).collect();
        assert_eq!(rows.iter().filter(|r| r.phase == Phase::Ambiguous).count(), 3 * 7);
        assert!(rows.iter().filter(|r| r.phase == Phase::Ambiguous).all(|r| !r.in_statistics));
    }
}

#[test]
fn organizations_are_counted_once_across_instruments() {
    let mut cohort = Cohort::new();
    cohort.add("heoa", report("examples/heoa-baseline.json"));
    let mut ihi = report("examples/ihi-five-component.json");
    ihi.organization.id = "org-001".into();
    cohort.add("ihi", ihi);
    let report = cohort.analyze(&CohortOptions::default()).unwrap();
    assert_eq!((report.organizations, report.groups), (1, 2));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The report and the tidy rows are the same whatever order the documents arrive in:
    /// duplicates, ties, intermediate waves and pairs included.
    #[test]
    fn the_report_does_not_depend_on_input_order(
        shape in prop::collection::vec((0u8..5, 0i64..4, any::<bool>()), 1..24).prop_flat_map(|v| {
            let n = v.len();
            (Just(v), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        })
    ) {
        let (docs, order) = shape;
        let base = report("examples/heoa-baseline.json");
        let reports: Vec<(String, ScoreReport)> = docs
            .iter()
            .enumerate()
            .map(|(i, (org, day, flip))| (format!("s{i:02}"), variant(&base, &format!("o{org}"), day * 50, *flip)))
            .collect();
        let build = |indices: &mut dyn Iterator<Item = usize>| {
            let mut cohort = Cohort::new();
            for i in indices {
                cohort.add(reports[i].0.clone(), reports[i].1.clone());
            }
            cohort
        };
        let options = CohortOptions::default();
        let forward = build(&mut (0..reports.len()));
        let shuffled = build(&mut order.iter().copied());
        let (a, b) = (forward.analyze(&options).unwrap(), shuffled.analyze(&options).unwrap());
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
        prop_assert_eq!(forward.tidy_rows(&options).collect::<Vec<_>>(), shuffled.tidy_rows(&options).collect::<Vec<_>>());
        let pairs: usize = a.instruments.iter().map(|i| i.pairs).sum();
        prop_assert_eq!(pairs + a.unpaired.len() + a.not_comparable.len() + a.ambiguous.len(), a.groups);
    }
}
