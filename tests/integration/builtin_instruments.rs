//! The built-in instruments: registered, loadable, as documented, and lossless.

use crate::common;

use health_equity_assessment::{BUILTIN_FILES, Instrument, Problem, Registry};
use semver::{Version, VersionReq};
use serde_json::Value;

#[test]
fn every_file_under_assessments_is_embedded() {
    let on_disk: Vec<String> =
        common::json_files("assessments").into_iter().filter(|p| !p.starts_with("crosswalks/")).collect();
    let mut embedded: Vec<String> = BUILTIN_FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded, "add every assessments/ file to BUILTIN_FILES in src/registry.rs");
}

#[test]
fn every_embedded_file_matches_the_file_on_disk_and_its_path() {
    for (path, text) in BUILTIN_FILES {
        assert_eq!(*text, common::read(&format!("assessments/{path}")), "{path}");
        let instrument = Instrument::from_json(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(*path, format!("{}/{}.json", instrument.id(), instrument.version()));
        assert!(
            Registry::builtin().by_version(instrument.id(), instrument.version()).is_some(),
            "{path} not registered"
        );
    }
    assert_eq!(Registry::builtin().len(), BUILTIN_FILES.len());
}

#[test]
fn the_registry_copy_scores_exactly_like_a_copy_loaded_at_run_time() {
    // The registry keeps its names for the whole program (no reference counts); a copy loaded
    // with `from_json` counts references. Reports from either must be identical.
    let text = common::read("examples/heoa-baseline.json");
    let loaded = Instrument::from_json(BUILTIN_FILES.iter().find(|(p, _)| p.starts_with("heoa/")).unwrap().1).unwrap();
    let from_registry = Registry::builtin().validate_json(&text).unwrap().score();
    let from_loaded = loaded.validate_json(&text).unwrap().score();
    assert_eq!(from_registry, from_loaded);
    assert_eq!(serde_json::to_string(&from_registry).unwrap(), serde_json::to_string(&from_loaded).unwrap());
}

#[test]
fn heoa_and_ihi_have_the_documented_shape() {
    let registry = Registry::builtin();
    let heoa = registry.by_version("heoa", &Version::new(1, 0, 0)).unwrap();
    assert_eq!((heoa.categories().len(), heoa.item_count()), (7, 33));
    let ids: Vec<&str> = heoa.categories().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "data-collection",
            "data-collection-training",
            "data-validation",
            "data-stratification",
            "communicate-findings",
            "address-gaps-in-care",
            "infrastructure-and-culture"
        ]
    );
    let ihi = registry.by_version("ihi-five-component", &Version::new(1, 0, 0)).unwrap();
    assert_eq!((ihi.categories().len(), ihi.item_count()), (5, 25));
    assert!(ihi.scales()[0].options.iter().all(|o| !o.excluded), "IHI has no not-applicable option");
    for instrument in registry.iter() {
        assert!(!instrument.spec().provenance.sources.is_empty());
        assert!(!instrument.spec().provenance.verified.is_empty());
        assert!(!instrument.spec().provenance.original.is_empty());
    }
}

#[test]
fn registry_lookup_by_exact_version_and_requirement() {
    let registry = Registry::builtin();
    assert!(registry.by_version("heoa", &Version::new(1, 0, 1)).is_none());
    assert_eq!(
        registry.by_requirement("heoa", &VersionReq::parse(">=1.0, <2").unwrap()).unwrap().version(),
        &Version::new(1, 0, 0)
    );
    assert!(registry.by_requirement("heoa", &VersionReq::parse("^2").unwrap()).is_none());
    assert!(registry.latest("nope").is_none());

    let heoa_text = BUILTIN_FILES.iter().find(|(p, _)| p.starts_with("heoa/")).unwrap().1;
    let mut custom = Registry::new();
    let mut newer: Value = serde_json::from_str(heoa_text).unwrap();
    newer["version"] = "1.2.0".into();
    custom.insert(Instrument::from_json(&newer.to_string()).unwrap()).unwrap();
    custom.insert(Instrument::from_json(heoa_text).unwrap()).unwrap();
    let again = custom.insert(Instrument::from_json(heoa_text).unwrap()).unwrap_err();
    assert_eq!(again.code(), "duplicate_instrument");
    assert_eq!(
        custom.by_requirement("heoa", &VersionReq::parse("^1").unwrap()).unwrap().version(),
        &Version::new(1, 2, 0)
    );
    assert_eq!(
        custom.by_requirement("heoa", &VersionReq::parse("~1.0").unwrap()).unwrap().version(),
        &Version::new(1, 0, 0)
    );
    assert_eq!(custom.versions("heoa").count(), 2);
}

#[test]
fn cms_hche_and_tjc_are_data_with_the_documented_shape() {
    let registry = Registry::builtin();
    let hche = registry.latest("cms-hche").unwrap();
    assert_eq!((hche.categories().len(), hche.item_count()), (5, 11));
    let counts: Vec<usize> = hche.categories().iter().map(|c| c.items.len()).collect();
    assert_eq!(counts, [4, 3, 1, 1, 2]);
    // Domain 1 is verified; the other domains' elements are recalled, and say so.
    for (category, item) in hche.items() {
        let evidence = item.extensions.get("evidence").and_then(|e| e.as_str());
        let expected = if category.id == "strategic-priority" { "verified" } else { "recalled" };
        assert_eq!(evidence.as_deref(), Some(expected), "{}", item.id);
    }
    assert!(hche.scales().iter().all(|s| s.options.iter().all(|o| !o.excluded)), "no not-applicable option");
    let tjc = registry.latest("tjc-ld-04-03-08").unwrap();
    assert_eq!((tjc.categories().len(), tjc.item_count()), (1, 6));
}

#[test]
fn instruments_round_trip_losslessly() {
    for (path, text) in BUILTIN_FILES {
        let instrument: Instrument = serde_json::from_str(text).unwrap();
        let original: Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_value(&instrument).unwrap(), original, "{path}");
    }
}
