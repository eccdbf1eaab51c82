//! Crosswalks: every built-in file is embedded and fits its instruments; pre-fills are honest.

use crate::common;

use health_equity_assessment::{BUILTIN_CROSSWALK_FILES, Basis, Crosswalk, Crosswalks, EvidenceStatus};
use health_equity_assessment::{Registry, SchemaKind};
use serde_json::{Value, json};

#[test]
fn every_crosswalk_file_is_embedded_parses_and_fits_its_instruments() {
    let on_disk = common::json_files("assessments/crosswalks");
    let mut embedded: Vec<String> = BUILTIN_CROSSWALK_FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded, "add every assessments/crosswalks file to BUILTIN_CROSSWALK_FILES");
    let registry = Registry::builtin();
    let schema = jsonschema::draft202012::new(&SchemaKind::Crosswalk.schema()).unwrap();
    for (path, text) in BUILTIN_CROSSWALK_FILES {
        assert_eq!(*text, common::read(&format!("assessments/crosswalks/{path}")));
        let crosswalk = Crosswalk::from_json(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(*path, format!("{}--{}.json", crosswalk.from.id, crosswalk.to.id));
        let from = registry.by_requirement(&crosswalk.from.id, &crosswalk.from.versions).unwrap();
        let to = registry.by_requirement(&crosswalk.to.id, &crosswalk.to.versions).unwrap();
        crosswalk.check(from, to).unwrap_or_else(|e| panic!("{path}: {e:?}"));
        assert!(crosswalk.rows.iter().all(|r| r.basis == Basis::Inferred || r.source.is_some()));
        assert!(schema.is_valid(&serde_json::from_str::<Value>(text).unwrap()), "{path}");
    }
    assert_eq!(Crosswalks::builtin().all().len(), BUILTIN_CROSSWALK_FILES.len());
}

#[test]
fn heoa_to_hche_prefill_separates_support_from_missing_evidence() {
    let registry = Registry::builtin();
    let report = registry.validate_json(&common::read("examples/heoa-follow-up.json")).unwrap().score();
    let hche = registry.latest("cms-hche").unwrap();
    let prefill = Crosswalks::builtin().find(&report.instrument, "cms-hche").unwrap().apply(&report, hche).unwrap();
    assert!(prefill.notice.contains("never a claim of attestation"));
    assert_eq!(prefill.items.len(), 11);
    assert_eq!(prefill.supported + prefill.partial + prefill.no_evidence, 11);
    let get = |id: &str| prefill.items.iter().find(|i| i.item == id).unwrap();
    // structured-ehr is implemented in the follow-up.
    assert_eq!(get("data-collection.structured-ehr").status, EvidenceStatus::Supported);
    assert_eq!(get("data-collection.structured-ehr").suggested_answer.as_deref(), Some("yes"));
    // Stratified quality measures only planned, dashboard not started: partial.
    assert_eq!(get("data-analysis.stratified-kpis").status, EvidenceStatus::Partial);
    assert_eq!(get("data-analysis.stratified-kpis").suggested_answer, None);
    // Nothing in the HEOA maps to the annual plan review.
    let none = get("leadership-engagement.annual-plan-review");
    assert_eq!((none.status, none.evidence.len()), (EvidenceStatus::NoEvidence, 0));
    let schema = jsonschema::draft202012::new(&SchemaKind::Prefill.schema()).unwrap();
    assert!(schema.is_valid(&serde_json::to_value(&prefill).unwrap()));
}

#[test]
fn crosswalks_apply_in_reverse() {
    let registry = Registry::builtin();
    let report = registry.validate_json(&common::read("examples/cms-hche.json")).unwrap().score();
    let heoa = registry.latest("heoa").unwrap();
    let crosswalk = Crosswalks::builtin().find(&report.instrument, "heoa").unwrap();
    assert_eq!(crosswalk.from.id, "cms-hche");
    let prefill = crosswalk.apply(&report, heoa).unwrap();
    let structured = prefill.items.iter().find(|i| i.item == "data-collection.structured-ehr").unwrap();
    assert_eq!(structured.status, EvidenceStatus::Supported);
    let trained = prefill.items.iter().find(|i| i.item == "data-collection-training.staff-trained").unwrap();
    assert_eq!(trained.status, EvidenceStatus::NoEvidence, "the HCHE training element was not attested");
    assert!(Crosswalks::builtin().find(&report.instrument, "no-such-instrument").is_none());
}

#[test]
fn crosswalk_problems_are_named() {
    let registry = Registry::builtin();
    let (heoa, hche) = (registry.latest("heoa").unwrap(), registry.latest("cms-hche").unwrap());
    let doc = json!({"format_version": 1, "from": {"id": "heoa", "versions": "^1"}, "to": {"id": "cms-hche", "versions": "^1"},
    "rows": [
        {"from": ["data-collection.nope"], "to": "data-analysis.stratified-kpis", "basis": "inferred", "rationale": "x"},
        {"from": ["data-collection"], "to": "domain-9.x", "basis": "official", "rationale": "y"}
    ]});
    let crosswalk = Crosswalk::from_json(&doc.to_string()).unwrap();
    let problems = crosswalk.check(heoa, hche).unwrap_err();
    assert_eq!(problems.codes(), ["unknown_crosswalk_id", "unknown_crosswalk_id", "missing_source"]);
    assert!(
        problems.problems()[0]
            .to_string()
            .contains("\"data-collection.nope\" is not an item or category of heoa@1.0.0")
    );
    let mut newer = doc.clone();
    newer["format_version"] = 2.into();
    assert_eq!(Crosswalk::from_json(&newer.to_string()).unwrap_err().codes(), ["format_too_new"]);
    assert_eq!(Crosswalk::from_json("{").unwrap_err().codes(), ["syntax"]);
}
