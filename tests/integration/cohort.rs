//! Cohorts: pairing, window checks, exclusions, agreement with the progress module, tidy rows.

use crate::common;

use health_equity_assessment::stats::{self, WilcoxonOptions};
use health_equity_assessment::synthetic::{SyntheticCohort, generate};
use health_equity_assessment::{Cohort, CohortOptions, CohortRecord, Phase};
use health_equity_assessment::{CompareOptions, Program, compare};
use health_equity_assessment::{Exact, Instrument, Problem, Registry, ScoreReport};
use jiff::civil::date;

fn heoa() -> &'static Instrument {
    Registry::builtin().latest("heoa").unwrap()
}

fn synthetic(n: usize, seed: u64) -> Vec<ScoreReport> {
    generate(heoa(), &SyntheticCohort::new(n, seed)).map(|r| r.validate(heoa()).unwrap().score()).collect()
}

fn cohort_of(reports: &[ScoreReport]) -> Cohort {
    let mut cohort = Cohort::new();
    for (i, r) in reports.iter().enumerate() {
        cohort.add(format!("doc-{i:04}"), r.clone());
    }
    cohort
}

#[test]
fn pairing_uses_the_earliest_and_latest_and_reports_everything_else() {
    let mut reports = synthetic(3, 11);
    // org-0001 gets a third, middle assessment.
    let mut middle = reports[0].clone();
    middle.assessed_on = date(2023, 2, 1);
    reports.push(middle);
    // org-0004 has a baseline only.
    let mut single = reports[2].clone();
    single.organization.id = "org-0004".into();
    reports.push(single);
    // org-0005 moves to a different major version.
    let v2 = Instrument::from_json(&common::read("tests/data/heoa-2.0.0.json")).unwrap();
    let f2 = v2.validate_json(&common::read("tests/data/heoa-2.0.0-follow-up.json")).unwrap().score();
    let mut b1 = Registry::builtin().validate_json(&common::read("examples/heoa-baseline.json")).unwrap().score();
    b1.organization.id = "org-0005".into();
    let mut f2 = f2;
    f2.organization.id = "org-0005".into();
    reports.extend([b1, f2]);

    let mut cohort = cohort_of(&reports);
    cohort.reject("bad.json:3", vec!["/answers/x: unknown item".into()]);
    let report = cohort.analyze(&CohortOptions::default()).unwrap();
    assert_eq!((report.documents, report.assessments, report.organizations), (11, 10, 5));
    assert_eq!(report.rejected[0].source, "bad.json:3");
    assert_eq!(report.unpaired.len(), 1);
    assert_eq!(report.unpaired[0].organization, "org-0004");
    assert_eq!(report.not_comparable.len(), 1);
    assert_eq!(report.not_comparable[0].organization, "org-0005");
    assert_eq!(report.instruments.len(), 1);
    assert_eq!(report.instruments[0].pairs, 3);

    let rows: Vec<_> = cohort.tidy_rows(&CohortOptions::default()).collect();
    let count = |phase| rows.iter().filter(|r| r.phase == phase).count();
    assert_eq!((count(Phase::Baseline), count(Phase::FollowUp)), (21, 21));
    assert_eq!(count(Phase::Intermediate), 7);
    assert_eq!(count(Phase::Single), 7 + 7 + 7, "the unpaired and the two not comparable assessments");
    assert!(rows.iter().all(|r| r.in_statistics == matches!(r.phase, Phase::Baseline | Phase::FollowUp)));
}

#[test]
fn the_window_is_checked_for_every_pair_and_late_pairs_can_be_excluded() {
    let reports = synthetic(200, 5);
    let cohort = cohort_of(&reports);
    let options = CohortOptions::default().with_program(Program::new(date(2023, 5, 11)));
    let report = cohort.analyze(&options).unwrap();
    let late = report.outside_window.len();
    assert!(late > 0, "the generator makes about 5 % late");
    assert!(report.outside_window.iter().all(|o| o.days_late.is_some() && o.included));
    assert_eq!(report.instruments[0].overall.n_pairs, 200);
    let excluded = cohort.analyze(&options.clone().with_exclude_late(true)).unwrap();
    assert_eq!(excluded.instruments[0].pairs_included, 200 - late);
    assert_eq!(excluded.instruments[0].overall.n_pairs, (200 - late) as u64);
    assert!(excluded.outside_window.iter().all(|o| !o.included));
}

#[test]
fn category_statistics_agree_with_pairwise_progress_reports() {
    let reports = synthetic(60, 21);
    let cohort = cohort_of(&reports);
    let report = cohort.analyze(&CohortOptions::default()).unwrap();
    let group = &report.instruments[0];
    for (k, summary) in group.categories.iter().enumerate() {
        let mut differences = Vec::new();
        let mut improved = 0;
        for pair in reports.chunks(2) {
            let p = compare(&pair[0], &pair[1], &CompareOptions::new()).unwrap();
            let c = &p.categories[k];
            if let Some(change) = &c.change_exact {
                differences.push(change.clone());
                improved += u64::from(c.level_movement == health_equity_assessment::LevelMovement::Improved);
            }
        }
        assert_eq!(summary.n_pairs, differences.len() as u64, "{}", summary.id);
        assert_eq!(summary.improved, improved, "{}", summary.id);
        let expected = stats::wilcoxon(&differences, &WilcoxonOptions::default()).unwrap();
        assert_eq!(summary.wilcoxon.as_ref(), Some(&expected), "{}", summary.id);
        assert_eq!(summary.median_change_exact, stats::median(&differences));
    }
    // Holm never lowers a p-value; BH never exceeds Holm.
    for c in &group.categories {
        let (p, holm, bh) = (c.wilcoxon.as_ref().unwrap().p_value.unwrap(), c.p_holm.unwrap(), c.p_bh.unwrap());
        assert!(holm >= p && bh >= p && bh <= holm, "{}: {p} {holm} {bh}", c.id);
    }
    assert_eq!(group.overall.p_holm, None);
}

#[test]
fn the_report_does_not_depend_on_input_order() {
    let reports = synthetic(30, 3);
    let forward = cohort_of(&reports).analyze(&CohortOptions::default()).unwrap();
    let mut reversed_cohort = Cohort::new();
    for (i, r) in reports.iter().enumerate().rev() {
        reversed_cohort.add(format!("doc-{i:04}"), r.clone());
    }
    let reversed = reversed_cohort.analyze(&CohortOptions::default()).unwrap();
    assert_eq!(serde_json::to_string(&forward).unwrap(), serde_json::to_string(&reversed).unwrap());
}

#[test]
fn item_movement_and_mcnemar() {
    let reports = synthetic(80, 8);
    let report = cohort_of(&reports).analyze(&CohortOptions::default()).unwrap();
    let items = &report.instruments[0].items;
    assert_eq!(items.len(), 33);
    for item in items {
        assert_eq!(
            item.implemented_both + item.moved_to_implemented + item.moved_from_implemented + item.implemented_neither,
            item.n_pairs
        );
        assert_eq!(item.mcnemar.follow_up_only, item.moved_to_implemented);
        assert!(item.mcnemar.p_value.is_some_and(|p| (0.0..=1.0).contains(&p)));
    }
}

#[test]
fn no_effect_means_no_systematic_change() {
    let reports: Vec<ScoreReport> =
        generate(heoa(), &SyntheticCohort::new(300, 99).with_effect(0.0).with_regression(0.0))
            .map(|r| r.validate(heoa()).unwrap().score())
            .collect();
    let report = cohort_of(&reports).analyze(&CohortOptions::default()).unwrap();
    let overall = &report.instruments[0].overall;
    // Only the 2 % missing answers move scores; the median change is zero.
    assert_eq!(overall.median_change_exact, Some(Exact::zero()));
    assert!(overall.improved < 30, "{overall:?}");
}

#[test]
fn size_limits_are_checked_first() {
    let reports = synthetic(5, 1);
    let err = cohort_of(&reports).analyze(&CohortOptions::default().with_max_assessments(4)).unwrap_err();
    assert_eq!(err.code(), "too_many_assessments");
}

#[test]
fn compact_records_and_whole_reports_give_the_same_cohort() {
    // Mixed instruments, missing answers and not-applicable items, late and unpaired organizations.
    let spec = SyntheticCohort::new(60, 17).with_missing(0.1, 0.1).with_late_share(0.2).with_unpaired_share(0.2);
    let responses: Vec<_> = generate(heoa(), &spec).collect();
    let ihi = Registry::builtin().latest("ihi-five-component").unwrap();
    let others: Vec<_> = generate(ihi, &SyntheticCohort::new(20, 18)).collect();
    let mut by_report = Cohort::new();
    let mut by_record = Cohort::new();
    for (i, (response, instrument)) in
        responses.iter().map(|r| (r, heoa())).chain(others.iter().map(|r| (r, ihi))).enumerate()
    {
        let validated = response.validate(instrument).unwrap();
        by_record.add_record(format!("doc-{i:04}"), CohortRecord::new(&validated));
        by_report.add(format!("doc-{i:04}"), validated.score());
    }
    let options = CohortOptions::default().with_program(Program::new(date(2023, 5, 1)));
    let a = by_report.analyze(&options).unwrap();
    let b = by_record.analyze(&options).unwrap();
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    assert!(a.instruments.len() == 2 && a.instruments.iter().all(|i| i.pairs > 0), "both instruments paired");
    let rows_a: Vec<_> = by_report.tidy_rows(&options).collect();
    let rows_b: Vec<_> = by_record.tidy_rows(&options).collect();
    assert_eq!(rows_a, rows_b);
    assert!(!rows_a.is_empty());
}
