//! Item maps: a renamed category is compared with its new self, never with a new category
//! that reuses its old id; conflicting or repeated renames are refused when the map loads.

use health_equity_assessment::{CompareOptions, ItemMap, LevelMovement, compare};
use health_equity_assessment::{Instrument, Problem, Registry};
use serde_json::{Value, json};

use crate::common;

/// Version 2 of the small test instrument: category `a` renamed to `c`, and a new category
/// that reuses the id `a`.
fn version_two() -> Instrument {
    let mut doc = common::small_instrument();
    doc["version"] = json!("2.0.0");
    doc["categories"] = json!([
        {"id": "c", "title": "Category C (was A)", "items": [
            {"id": "c.one", "text": "A one", "scale": "imp"},
            {"id": "c.two", "text": "A two", "scale": "imp"},
            {"id": "c.three", "text": "A three", "scale": "imp"}
        ]},
        {"id": "b", "title": "Category B", "items": [
            {"id": "b.one", "text": "B one", "scale": "imp"},
            {"id": "b.two", "text": "B two", "scale": "imp"}
        ]},
        {"id": "a", "title": "A new category", "items": [
            {"id": "a.new", "text": "Something new", "scale": "imp"}
        ]}
    ]);
    Instrument::from_json(&doc.to_string()).unwrap()
}

fn map(categories: Value) -> Result<ItemMap, health_equity_assessment::ItemMapError> {
    ItemMap::from_json(
        &json!({
            "format_version": 1,
            "from": {"id": "small", "versions": "^1"},
            "to": {"id": "small", "versions": "^2"},
            "categories": categories,
            "items": [
                {"change": "renamed", "from": "a.one", "to": "c.one"},
                {"change": "renamed", "from": "a.two", "to": "c.two"},
                {"change": "renamed", "from": "a.three", "to": "c.three"},
                {"change": "added", "to": "a.new"}
            ]
        })
        .to_string(),
    )
}

#[test]
fn a_renamed_category_is_compared_with_its_new_self() {
    let v1 = Instrument::from_json(&common::small_instrument().to_string()).unwrap();
    let v2 = version_two();
    let all = json!({"a.one": "all", "a.two": "all", "a.three": "all", "b.one": "some", "b.two": "some"});
    let baseline = v1.validate_json(&common::response("small", "1.0.0", all)).unwrap().score();
    let mut later: Value = serde_json::from_str(&common::response(
        "small",
        "2.0.0",
        json!({"c.one": "all", "c.two": "all", "c.three": "all", "b.one": "most", "b.two": "most", "a.new": "none"}),
    ))
    .unwrap();
    later["assessed_on"] = json!("2023-06-01");
    let follow_up = v2.validate_json(&later.to_string()).unwrap().score();
    let map = map(json!([{"from": "a", "to": "c"}])).unwrap();
    let progress = compare(&baseline, &follow_up, &CompareOptions::new().with_item_map(&map)).unwrap();
    let c = progress.category("c").unwrap();
    assert_eq!(c.baseline_id.as_deref(), Some("a"));
    assert_eq!((c.change, c.level_movement), (Some(0.0), LevelMovement::Unchanged), "no false decline: {c:?}");
    let new_a = progress.category("a").unwrap();
    assert!(new_a.baseline.is_none(), "the new category a has no baseline: {new_a:?}");
    assert_eq!(new_a.level_movement, LevelMovement::NotComparable);
    assert_eq!(progress.categories.iter().filter(|c| c.id == "a" || c.baseline_id.as_deref() == Some("a")).count(), 2);
    assert!(progress.categories.iter().all(|c| c.level_movement != LevelMovement::Declined));
}

#[test]
fn conflicting_or_repeated_category_renames_are_refused_at_load() {
    for (categories, expected) in [
        (json!([{"from": "a", "to": "c"}, {"from": "b", "to": "c"}]), vec!["/categories/1/to"]),
        (json!([{"from": "a", "to": "c"}, {"from": "a", "to": "d"}]), vec!["/categories/1/from"]),
        (json!([{"from": "a", "to": "c"}, {"from": "a", "to": "c"}]), vec!["/categories/1/from", "/categories/1/to"]),
    ] {
        let err = map(categories.clone()).unwrap_err();
        let at: Vec<String> = err
            .problems()
            .iter()
            .filter(|p| p.code() == "mapped_twice")
            .map(|p| p.to_string().split(':').next().unwrap().to_owned())
            .collect();
        assert_eq!(at, expected, "{categories}: {err}");
    }
    // A swap is two different renames, and is fine.
    assert!(map(json!([{"from": "a", "to": "b"}, {"from": "b", "to": "a"}])).is_ok());
}

#[test]
fn the_built_in_test_map_still_loads_and_compares() {
    let map = ItemMap::from_json(&common::read("tests/data/heoa-1-to-2.item-map.json")).unwrap();
    let v2 = Instrument::from_json(&common::read("tests/data/heoa-2.0.0.json")).unwrap();
    let baseline = Registry::builtin().validate_json(&common::read("examples/heoa-baseline.json")).unwrap().score();
    let follow_up = v2.validate_json(&common::read("tests/data/heoa-2.0.0-follow-up.json")).unwrap().score();
    let progress = compare(&baseline, &follow_up, &CompareOptions::new().with_item_map(&map)).unwrap();
    assert_eq!(progress.category("share-findings").unwrap().baseline_id.as_deref(), Some("communicate-findings"));
}
