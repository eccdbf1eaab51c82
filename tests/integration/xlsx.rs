//! Instruments as workbooks: every built-in round-trips exactly, and a person's mistakes are
//! reported at their sheet and cell.

use health_equity_assessment::{Instrument, Problem, Registry, xlsx};

use crate::common;

#[test]
fn every_instrument_round_trips_through_a_workbook() {
    let mut instruments: Vec<Instrument> = Registry::builtin().iter().cloned().collect();
    for path in ["tests/data/heoa-2.0.0.json", "tests/data/staged-fixture-1.0.0.json"] {
        instruments.push(Instrument::from_json(&common::read(path)).unwrap());
    }
    instruments.push(Instrument::from_json(&common::small_instrument().to_string()).unwrap());
    for instrument in &instruments {
        let workbook = xlsx::export_instrument(instrument).unwrap();
        let back = xlsx::import_instrument(&workbook).unwrap_or_else(|e| panic!("{}: {e}", instrument.reference()));
        assert_eq!(back.spec(), instrument.spec(), "{}", instrument.reference());
        // The JSON written back is the file's JSON.
        assert_eq!(serde_json::to_value(back.spec()).unwrap(), serde_json::to_value(instrument.spec()).unwrap());
    }
}

/// A workbook with these sheets of text rows (the first row of each is its header).
fn workbook(sheets: &[(&str, Vec<Vec<&str>>)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), *cell).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn typed_by_a_person(item_scale: &str, points: &str) -> Vec<u8> {
    workbook(&[
        (
            "Instrument",
            vec![
                vec!["field", "value"],
                vec!["format_version", "1"],
                vec!["id", "typed"],
                vec!["version", "1.0.0"],
                vec!["title", "Typed edition"],
                vec!["publisher", "A hospital association"],
            ],
        ),
        (
            "Scales",
            vec![
                vec!["scale", "scale_label", "option", "label", "points", "excluded", "description"],
                vec!["yn", "", "no", "No", "0"],
                vec!["yn", "", "yes", "Yes", points],
            ],
        ),
        (
            "Items",
            vec![
                vec![
                    "category",
                    "category_title",
                    "category_description",
                    "category_extensions",
                    "item",
                    "text",
                    "scale",
                ],
                vec!["lead", "Leadership", "", "", "lead.plan", "A written plan", "yn"],
                vec!["lead", "Leadership", "", "", "lead.review", "Reviewed yearly", item_scale],
            ],
        ),
        (
            "Levels",
            vec![
                vec!["level_set", "level", "label", "min_percent"],
                vec!["m", "low", "Low", "0"],
                vec!["m", "high", "High", "62.5"],
            ],
        ),
        (
            "Scoring",
            vec![
                vec!["field", "value"],
                vec!["category_rule", "{\"kind\":\"percent_of_max\"}"],
                vec!["category_levels", "m"],
                vec!["overall_rule", "{\"kind\":\"mean_of_category_percents\"}"],
                vec!["overall_levels", "m"],
            ],
        ),
    ])
}

#[test]
fn a_workbook_typed_by_a_person_loads() {
    let instrument = xlsx::import_instrument(&typed_by_a_person("yn", "1")).unwrap();
    assert_eq!(instrument.reference().to_string(), "typed@1.0.0");
    assert_eq!(instrument.item_count(), 2);
    assert_eq!(instrument.category_levels().levels[1].min_percent.to_string(), "125/2");
}

#[test]
fn problems_name_their_sheet_and_cell() {
    let err = xlsx::import_instrument(&typed_by_a_person("yes-no", "one")).unwrap_err();
    let found: Vec<(String, &str)> = err.problems().iter().map(|p| (p.cell.clone(), p.code())).collect();
    assert_eq!(found, [("Scales!E3".to_owned(), "invalid_cell")]);
    let err = xlsx::import_instrument(&typed_by_a_person("yes-no", "1")).unwrap_err();
    let found: Vec<(String, &str)> = err.problems().iter().map(|p| (p.cell.clone(), p.code())).collect();
    assert_eq!(found, [("Items!G3".to_owned(), "unknown_scale")], "{err}");
    assert!(err.to_string().contains("Items!G3: /categories/0/items/1/scale"), "{err}");

    // Not a workbook, a missing sheet, a missing column.
    assert_eq!(xlsx::import_instrument(b"not a zip").unwrap_err().codes(), ["unreadable_workbook"]);
    let err = xlsx::import_instrument(&workbook(&[("Instrument", vec![vec!["field", "value"]])])).unwrap_err();
    assert_eq!(err.codes(), ["missing_sheet", "missing_sheet", "missing_sheet", "missing_sheet"]);
    let no_text = workbook(&[
        ("Instrument", vec![vec!["field", "value"]]),
        ("Scales", vec![vec!["scale", "scale_label", "option", "label", "points", "excluded", "description"]]),
        (
            "Items",
            vec![vec!["category", "category_title", "category_description", "category_extensions", "item", "scale"]],
        ),
        ("Levels", vec![vec!["level_set", "level", "label", "min_percent"]]),
        ("Scoring", vec![vec!["field", "value"]]),
    ]);
    let err = xlsx::import_instrument(&no_text).unwrap_err();
    assert_eq!(err.codes(), ["missing_column"]);
    assert!(err.to_string().contains("\"text\""), "{err}");
}

#[test]
fn a_zip_bomb_is_refused_before_it_inflates() {
    use std::io::Write as _;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..80 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    let bytes = out.into_inner();
    assert!(bytes.len() < 1 << 20, "{} bytes compressed", bytes.len());
    assert_eq!(xlsx::import_instrument(&bytes).unwrap_err().codes(), ["too_large"]);
}
