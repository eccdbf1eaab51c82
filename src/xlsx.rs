//! Instruments as Excel workbooks (feature `xlsx`): an official edition an organization holds as
//! a document is typed into a workbook and read back into a checked [`Instrument`].
//!
//! The workbook has one sheet per concept, each with a header row:
//!
//! | sheet | one row per | columns |
//! |---|---|---|
//! | `Instrument` | field | `field`, `value`: `format_version`, `id`, `version`, `title`, `publisher`, `description`, `provenance_notes`, `extensions` (JSON) |
//! | `Provenance` | source or statement | `kind` (`source`, `verified` or `original`), `url`, `title`, `text` (a source's `supports`, or the statement) |
//! | `Scales` | answer option | `scale`, `scale_label`, `option`, `label`, `points` (blank when excluded), `excluded` (`yes` or blank), `description` |
//! | `Items` | item (key activity) | `category`, `category_title`, `category_description`, `category_extensions`, `item`, `text`, `scale`, `stage`, `introduced`, `retired`, `description`, `extensions`; a category without items is a row with a blank `item` |
//! | `Levels` | maturity level | `level_set`, `level`, `label`, `min_percent` (exact: `25`, `62.5`, `200/3`), `description` |
//! | `Scoring` | field | `field`, `value`: `category_rule`, `category_levels`, `overall_rule`, `overall_levels` (rules as JSON, e.g. `{"kind":"percent_of_max"}`) |
//! | `Lifecycle` | field | `field`, `value`: `status`, `effective`, `retired`, `superseded_by` (`id@version`), `notes` |
//! | `Aliases` | former or current name | `name`, `from`, `until`, `source` |
//!
//! Categories, items, scales, options and levels keep the order of their rows. Reading reports
//! every problem with its sheet and cell (`Items!F7`): first those of the workbook's shape, then
//! every problem [`Instrument::from_json`] finds, placed at the row and column it comes from.
//! Writing then reading a workbook gives back the same instrument.
//!
//! ```
//! use health_equity_assessment::{Registry, xlsx};
//!
//! let heoa = Registry::builtin().latest("heoa").unwrap();
//! let workbook = xlsx::export_instrument(heoa).expect("the texts fit in cells");
//! let back = xlsx::import_instrument(&workbook)?;
//! assert_eq!(back.spec(), heoa.spec());
//! # Ok::<(), xlsx::XlsxError>(())
//! ```

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use serde_json::{Map, Value, json};

use crate::problem::{Location, Problem, Problems};
use crate::{Instrument, InstrumentError};

const INSTRUMENT: &str = "Instrument";
const PROVENANCE: &str = "Provenance";
const SCALES: &str = "Scales";
const ITEMS: &str = "Items";
const LEVELS: &str = "Levels";
const SCORING: &str = "Scoring";
const LIFECYCLE: &str = "Lifecycle";
const ALIASES: &str = "Aliases";

const SCALE_COLUMNS: [&str; 7] = ["scale", "scale_label", "option", "label", "points", "excluded", "description"];
const ITEM_COLUMNS: [&str; 12] = [
    "category",
    "category_title",
    "category_description",
    "category_extensions",
    "item",
    "text",
    "scale",
    "stage",
    "introduced",
    "retired",
    "description",
    "extensions",
];
const LEVEL_COLUMNS: [&str; 5] = ["level_set", "level", "label", "min_percent", "description"];
const PROVENANCE_COLUMNS: [&str; 4] = ["kind", "url", "title", "text"];
const ALIAS_COLUMNS: [&str; 4] = ["name", "from", "until", "source"];
const FIELD_COLUMNS: [&str; 2] = ["field", "value"];

/// A workbook could not be written: a text longer than a cell holds (32,767 characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the instrument cannot be written as a workbook: {0}")]
pub struct XlsxWriteError(String);

/// A problem of a workbook read back, at its sheet and cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{cell}: {message}")]
pub struct XlsxProblem {
    /// `Items!F7`, `Items` (the sheet as a whole) or `workbook`.
    pub cell: String,
    /// A stable code: `unreadable_workbook`, `missing_sheet`, `missing_column`, `invalid_cell`,
    /// or the code of the instrument problem found at this cell (such as `unknown_scale`).
    pub code: &'static str,
    /// What is wrong, with the bad value.
    pub message: String,
}

impl Problem for XlsxProblem {
    fn code(&self) -> &'static str {
        self.code
    }

    fn location(&self) -> Location<'_> {
        Location::Element(&self.cell)
    }
}

/// Every problem of a workbook.
pub type XlsxError = Problems<XlsxProblem>;

/// The most a workbook may inflate to when read: 64 MiB (an instrument file is at most 16 MiB).
pub const MAX_INFLATED_BYTES: u64 = 64 << 20;

/// The sum of the sizes a zip archive's entries declare (0 when it is not a zip: the reader
/// then says so).
fn declared_size(bytes: &[u8]) -> u64 {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return 0 };
    (0..archive.len()).filter_map(|i| archive.by_index_raw(i).ok().map(|e| e.size())).fold(0u64, u64::saturating_add)
}

/// `A`, `B`, …, `Z`, `AA`: the letters of a 0-based column.
fn column_letters(mut column: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + u8::try_from(column % 26).unwrap_or(0));
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

// ---- Writing.

struct Sheet<'w> {
    sheet: &'w mut Worksheet,
    row: u32,
}

fn write_error(e: &rust_xlsxwriter::XlsxError) -> XlsxWriteError {
    XlsxWriteError(e.to_string())
}

fn sheet<'w>(
    workbook: &'w mut Workbook,
    name: &str,
    columns: &[&str],
    widths: &[f64],
) -> Result<Sheet<'w>, XlsxWriteError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(name).map_err(|e| write_error(&e))?;
    let bold = Format::new().set_bold();
    for (c, column) in columns.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, c, *column, &bold).map_err(|e| write_error(&e))?;
        sheet.set_column_width(c, widths.get(usize::from(c)).copied().unwrap_or(18.0)).map_err(|e| write_error(&e))?;
    }
    sheet.set_freeze_panes(1, 0).map_err(|e| write_error(&e))?;
    // Printed: landscape, one page wide, the header row on every page.
    sheet.set_landscape().set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0).map_err(|e| write_error(&e))?;
    Ok(Sheet { sheet, row: 1 })
}

/// A cell's value as written: text, or a number for points.
enum Cell {
    Text(String),
    Number(u32),
}

impl Sheet<'_> {
    fn row(&mut self, cells: &[Cell]) -> Result<(), XlsxWriteError> {
        for (c, cell) in cells.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(text) if text.is_empty() => {}
                Cell::Text(text) => {
                    self.sheet.write_string(self.row, c, text).map_err(|e| write_error(&e))?;
                }
                Cell::Number(n) => {
                    self.sheet.write_number(self.row, c, f64::from(*n)).map_err(|e| write_error(&e))?;
                }
            }
        }
        self.row += 1;
        Ok(())
    }
}

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

fn opt(value: Option<&String>) -> Cell {
    Cell::Text(value.cloned().unwrap_or_default())
}

fn json_cell<T: serde::Serialize>(value: &T, empty: bool) -> Cell {
    if empty { Cell::Text(String::new()) } else { Cell::Text(serde_json::to_string(value).unwrap_or_default()) }
}

/// Writes an instrument as a workbook (the bytes of an `.xlsx` file), one sheet per concept.
///
/// # Errors
/// [`XlsxWriteError`] when a text is longer than a cell holds (32,767 characters).
pub fn export_instrument(instrument: &Instrument) -> Result<Vec<u8>, XlsxWriteError> {
    let spec = instrument.spec();
    let mut workbook = Workbook::new();

    let mut s = sheet(&mut workbook, INSTRUMENT, &FIELD_COLUMNS, &[20.0, 80.0])?;
    s.row(&[text("format_version"), text(spec.format_version.to_string())])?;
    s.row(&[text("id"), text(spec.id.clone())])?;
    s.row(&[text("version"), text(spec.version.to_string())])?;
    s.row(&[text("title"), text(spec.title.clone())])?;
    s.row(&[text("publisher"), text(spec.publisher.clone())])?;
    s.row(&[text("description"), opt(spec.description.as_ref())])?;
    s.row(&[text("provenance_notes"), opt(spec.provenance.notes.as_ref())])?;
    s.row(&[text("extensions"), json_cell(&spec.extensions, spec.extensions.is_empty())])?;

    let mut s = sheet(&mut workbook, PROVENANCE, &PROVENANCE_COLUMNS, &[12.0, 50.0, 50.0, 80.0])?;
    for source in &spec.provenance.sources {
        s.row(&[text("source"), text(source.url.clone()), text(source.title.clone()), opt(source.supports.as_ref())])?;
    }
    for (kind, list) in [("verified", &spec.provenance.verified), ("original", &spec.provenance.original)] {
        for statement in list {
            s.row(&[text(kind), text(""), text(""), text(statement.clone())])?;
        }
    }

    let mut s = sheet(&mut workbook, SCALES, &SCALE_COLUMNS, &[16.0, 20.0, 16.0, 20.0, 8.0, 9.0, 50.0])?;
    for scale in &spec.scales {
        for option in &scale.options {
            s.row(&[
                text(scale.id.clone()),
                opt(scale.label.as_ref()),
                text(option.id.clone()),
                text(option.label.clone()),
                option.points.map_or_else(|| text(""), Cell::Number),
                text(if option.excluded { "yes" } else { "" }),
                opt(option.description.as_ref()),
            ])?;
        }
    }

    let widths = [22.0, 30.0, 30.0, 16.0, 40.0, 70.0, 14.0, 10.0, 11.0, 11.0, 30.0, 30.0];
    let mut s = sheet(&mut workbook, ITEMS, &ITEM_COLUMNS, &widths)?;
    for category in &spec.categories {
        let category_cells = || {
            [
                text(category.id.clone()),
                text(category.title.clone()),
                opt(category.description.as_ref()),
                json_cell(&category.extensions, category.extensions.is_empty()),
            ]
        };
        if category.items.is_empty() {
            s.row(&category_cells())?;
        }
        for item in &category.items {
            let [a, b, c, d] = category_cells();
            s.row(&[
                a,
                b,
                c,
                d,
                text(item.id.clone()),
                text(item.text.clone()),
                text(item.scale.clone()),
                opt(item.stage.as_ref()),
                text(item.introduced.as_ref().map(ToString::to_string).unwrap_or_default()),
                text(item.retired.as_ref().map(ToString::to_string).unwrap_or_default()),
                opt(item.description.as_ref()),
                json_cell(&item.extensions, item.extensions.is_empty()),
            ])?;
        }
    }

    let mut s = sheet(&mut workbook, LEVELS, &LEVEL_COLUMNS, &[14.0, 16.0, 20.0, 12.0, 60.0])?;
    for set in &spec.scoring.level_sets {
        for level in &set.levels {
            s.row(&[
                text(set.id.clone()),
                text(level.id.clone()),
                text(level.label.clone()),
                text(level.min_percent.to_string()),
                opt(level.description.as_ref()),
            ])?;
        }
    }

    let mut s = sheet(&mut workbook, SCORING, &FIELD_COLUMNS, &[20.0, 60.0])?;
    s.row(&[text("category_rule"), json_cell(&spec.scoring.category.rule, false)])?;
    s.row(&[text("category_levels"), text(spec.scoring.category.levels.clone())])?;
    s.row(&[text("overall_rule"), json_cell(&spec.scoring.overall.rule, false)])?;
    s.row(&[text("overall_levels"), text(spec.scoring.overall.levels.clone())])?;

    let mut s = sheet(&mut workbook, LIFECYCLE, &FIELD_COLUMNS, &[20.0, 80.0])?;
    if let Some(lifecycle) = &spec.lifecycle {
        s.row(&[text("status"), text(lifecycle.status.as_str())])?;
        s.row(&[text("effective"), text(lifecycle.effective.map(|d| d.to_string()).unwrap_or_default())])?;
        s.row(&[text("retired"), text(lifecycle.retired.map(|d| d.to_string()).unwrap_or_default())])?;
        s.row(&[
            text("superseded_by"),
            text(lifecycle.superseded_by.as_ref().map(ToString::to_string).unwrap_or_default()),
        ])?;
        s.row(&[text("notes"), opt(lifecycle.notes.as_ref())])?;
    }
    let mut s = sheet(&mut workbook, ALIASES, &ALIAS_COLUMNS, &[60.0, 12.0, 12.0, 60.0])?;
    for alias in spec.lifecycle.iter().flat_map(|l| &l.aliases) {
        s.row(&[
            text(alias.name.clone()),
            text(alias.from.map(|d| d.to_string()).unwrap_or_default()),
            text(alias.until.map(|d| d.to_string()).unwrap_or_default()),
            opt(alias.source.as_ref()),
        ])?;
    }
    workbook.save_to_buffer().map_err(|e| write_error(&e))
}

// ---- Reading.

/// One sheet's rows as text cells, with the row number of each (1-based, as a spreadsheet
/// shows it) and the column of each header.
struct Table {
    name: &'static str,
    header: Vec<String>,
    /// (row number, cells) of every non-blank row after the header.
    rows: Vec<(u32, Vec<String>)>,
}

impl Table {
    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn get<'r>(&self, row: &'r [String], name: &str) -> &'r str {
        self.column(name).and_then(|c| row.get(c)).map_or("", |s| s.trim())
    }

    fn cell(&self, row: u32, name: &str) -> String {
        match self.column(name) {
            Some(c) => format!("{}!{}{row}", self.name, column_letters(c)),
            None => format!("{} row {row}", self.name),
        }
    }
}

/// A cell as text: numbers without a needless `.0`, booleans as `yes`/`no`.
fn cell_text(data: &Data) -> String {
    match data {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => (if *b { "yes" } else { "no" }).to_owned(),
        // A date typed into a cell (a serial day number since 1899-12-30): as ISO text.
        Data::DateTime(d) => {
            let days = d.as_f64().floor();
            let date = (days.is_finite() && days.abs() < 3_000_000.0)
                .then(|| {
                    jiff::civil::Date::constant(1899, 12, 30).checked_add(jiff::Span::new().days(days as i64)).ok()
                })
                .flatten();
            date.map_or_else(|| d.as_f64().to_string(), |d| d.to_string())
        }
    }
}

/// The row a part of the document came from: its sheet, row number, the column of each JSON
/// field, and the sheet's header.
type Origin = (&'static str, u32, Vec<(&'static str, &'static str)>, Vec<String>);

/// Where a JSON Pointer of the built document came from: the longest recorded prefix wins.
#[derive(Default)]
struct Origins {
    /// pointer prefix → where it came from.
    at: BTreeMap<String, Origin>,
}

impl Origins {
    fn record(&mut self, pointer: String, table: &Table, row: u32, fields: Vec<(&'static str, &'static str)>) {
        self.at.insert(pointer, (table.name, row, fields, table.header.clone()));
    }

    /// The cell for a problem at `pointer`.
    fn cell(&self, pointer: &str) -> String {
        // The pointer itself, then each shorter prefix: a lookup per level, not a scan.
        let mut prefix = pointer;
        let found = loop {
            if let Some(origin) = self.at.get(prefix) {
                break Some((prefix, origin));
            }
            match prefix.rfind('/') {
                Some(cut) => prefix = &prefix[..cut],
                None => break None,
            }
        };
        let Some((prefix, (sheet, row, fields, header))) = found else { return "workbook".to_owned() };
        let rest = pointer.get(prefix.len()..).unwrap_or("").trim_start_matches('/');
        let field = rest.split('/').next().unwrap_or("");
        let column = fields.iter().find(|(json, _)| *json == field).map(|(_, col)| *col);
        match column.and_then(|c| header.iter().position(|h| h == c)) {
            Some(c) => format!("{sheet}!{}{row}", column_letters(c)),
            None => format!("{sheet} row {row}"),
        }
    }
}

fn problem(cell: String, code: &'static str, message: String) -> XlsxProblem {
    XlsxProblem { cell, code, message }
}

/// Reads a workbook written by [`export_instrument`] (or typed by a person in the same shape)
/// into a checked instrument.
///
/// # Errors
/// [`XlsxError`] with every problem at its sheet and cell: an unreadable file, a missing sheet
/// or column, a cell that is not what its column holds, and every problem of the instrument it
/// describes.
pub fn import_instrument(bytes: &[u8]) -> Result<Instrument, XlsxError> {
    const SUBJECT: &str = "workbook";
    // A few kilobytes of zip can claim gigabytes: refuse what would inflate past the limit.
    let declared = declared_size(bytes);
    if declared > MAX_INFLATED_BYTES {
        return Err(Problems::one(
            SUBJECT,
            problem(
                "workbook".to_owned(),
                "too_large",
                format!("the workbook inflates to {declared} bytes, over the limit of {MAX_INFLATED_BYTES}"),
            ),
        ));
    }
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        Problems::one(
            SUBJECT,
            problem("workbook".to_owned(), "unreadable_workbook", format!("not an .xlsx workbook: {e}")),
        )
    })?;
    let mut problems = Vec::new();
    let mut table = |name: &'static str,
                     columns: &[&str],
                     required: bool,
                     problems: &mut Vec<XlsxProblem>|
     -> Option<Table> {
        let range = match workbook.worksheet_range(name) {
            Ok(range) => range,
            Err(_) if !required => return None,
            Err(_) => {
                problems.push(problem(name.to_owned(), "missing_sheet", format!("the workbook has no sheet {name:?}")));
                return None;
            }
        };
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let mut rows = range.rows().enumerate().map(|(k, cells)| {
            let mut texts: Vec<String> = std::iter::repeat_n(String::new(), first_col as usize).collect();
            texts.extend(cells.iter().map(cell_text));
            (first_row + u32::try_from(k).unwrap_or(u32::MAX) + 1, texts)
        });
        let header: Vec<String> =
            rows.next().map(|(_, cells)| cells.iter().map(|c| c.trim().to_owned()).collect()).unwrap_or_default();
        for column in columns {
            if !header.iter().any(|h| h == column) {
                problems.push(problem(
                    name.to_owned(),
                    "missing_column",
                    format!("sheet {name:?} has no column {column:?} in its first row"),
                ));
            }
        }
        let rows = rows.filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty())).collect();
        Some(Table { name, header, rows })
    };
    let instrument = table(INSTRUMENT, &FIELD_COLUMNS, true, &mut problems);
    let provenance = table(PROVENANCE, &PROVENANCE_COLUMNS, false, &mut problems);
    let scales = table(SCALES, &SCALE_COLUMNS, true, &mut problems);
    let items = table(ITEMS, &ITEM_COLUMNS[..7], true, &mut problems);
    let levels = table(LEVELS, &LEVEL_COLUMNS[..4], true, &mut problems);
    let scoring = table(SCORING, &FIELD_COLUMNS, true, &mut problems);
    let lifecycle = table(LIFECYCLE, &FIELD_COLUMNS, false, &mut problems);
    let aliases = table(ALIASES, &ALIAS_COLUMNS[..1], false, &mut problems);
    let (Some(instrument), Some(scales), Some(items), Some(levels), Some(scoring)) =
        (instrument, scales, items, levels, scoring)
    else {
        return Err(Problems::new(SUBJECT, problems).unwrap_or_else(|| {
            Problems::one(SUBJECT, problem(SUBJECT.to_owned(), "missing_sheet", "a sheet is missing".to_owned()))
        }));
    };
    if !problems.is_empty() {
        return Err(Problems::new(SUBJECT, problems).unwrap_or_else(|| {
            Problems::one(SUBJECT, problem(SUBJECT.to_owned(), "missing_column", "a column is missing".to_owned()))
        }));
    }

    let mut origins = Origins::default();
    let mut doc = Map::new();
    let json_cell =
        |t: &Table, row: u32, column: &str, value: &str, problems: &mut Vec<XlsxProblem>| -> Option<Value> {
            if value.is_empty() {
                return None;
            }
            match serde_json::from_str::<Value>(value) {
                Ok(v) => Some(v),
                Err(e) => {
                    problems.push(problem(
                        t.cell(row, column),
                        "invalid_cell",
                        format!("not JSON: {e} (found {:?})", crate::json::clip(value)),
                    ));
                    None
                }
            }
        };

    // Instrument: field / value rows.
    let fields = field_rows(&instrument);
    let mut provenance_doc = Map::new();
    for (field, (row, value)) in &fields {
        match field.as_str() {
            "format_version" => {
                let v = value.parse::<u64>().map_or_else(|_| json!(value), |n| json!(n));
                doc.insert("format_version".into(), v);
                origins.record("/format_version".into(), &instrument, *row, vec![("", "value")]);
            }
            "id" | "version" | "title" | "publisher" | "description" => {
                if !value.is_empty() {
                    doc.insert(field.clone(), json!(value));
                }
                origins.record(format!("/{field}"), &instrument, *row, vec![("", "value")]);
            }
            "provenance_notes" => {
                if !value.is_empty() {
                    provenance_doc.insert("notes".into(), json!(value));
                }
                origins.record("/provenance/notes".into(), &instrument, *row, vec![("", "value")]);
            }
            "extensions" => {
                if let Some(v) = json_cell(&instrument, *row, "value", value, &mut problems) {
                    doc.insert("extensions".into(), v);
                }
                origins.record("/extensions".into(), &instrument, *row, vec![("", "value")]);
            }
            other => problems.push(problem(
                instrument.cell(*row, "field"),
                "invalid_cell",
                format!("unknown field {:?} (fields: format_version, id, version, title, publisher, description, provenance_notes, extensions)", crate::json::clip(other)),
            )),
        }
    }
    // Provenance.
    let (mut sources, mut verified, mut original) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(t) = &provenance {
        for (row, cells) in &t.rows {
            match t.get(cells, "kind") {
                "source" => {
                    let mut source = Map::new();
                    source.insert("url".into(), json!(t.get(cells, "url")));
                    source.insert("title".into(), json!(t.get(cells, "title")));
                    if !t.get(cells, "text").is_empty() {
                        source.insert("supports".into(), json!(t.get(cells, "text")));
                    }
                    origins.record(
                        format!("/provenance/sources/{}", sources.len()),
                        t,
                        *row,
                        vec![("url", "url"), ("title", "title"), ("supports", "text")],
                    );
                    sources.push(Value::Object(source));
                }
                "verified" => verified.push(json!(t.get(cells, "text"))),
                "original" => original.push(json!(t.get(cells, "text"))),
                other => problems.push(problem(
                    t.cell(*row, "kind"),
                    "invalid_cell",
                    format!(
                        "{:?} is not a kind of provenance row (source, verified or original)",
                        crate::json::clip(other)
                    ),
                )),
            }
        }
    }
    provenance_doc.insert("sources".into(), Value::Array(sources));
    provenance_doc.insert("verified".into(), Value::Array(verified));
    provenance_doc.insert("original".into(), Value::Array(original));
    doc.insert("provenance".into(), Value::Object(provenance_doc));

    // Lifecycle and aliases.
    let mut lifecycle_doc = Map::new();
    if let Some(t) = &lifecycle {
        for (field, (row, value)) in field_rows(t) {
            origins.record(
                format!("/lifecycle/{field}"),
                t,
                row,
                vec![("", "value"), ("id", "value"), ("version", "value")],
            );
            if value.is_empty() {
                continue;
            }
            match field.as_str() {
                "superseded_by" => match value.split_once('@') {
                    Some((id, version)) => {
                        lifecycle_doc.insert(field, json!({ "id": id, "version": version }));
                    }
                    None => problems.push(problem(
                        t.cell(row, "value"),
                        "invalid_cell",
                        format!("{:?} is not id@version", crate::json::clip(&value)),
                    )),
                },
                _ => {
                    lifecycle_doc.insert(field, json!(value));
                }
            }
        }
    }
    if let Some(t) = &aliases {
        let mut list = Vec::new();
        for (row, cells) in &t.rows {
            let mut alias = Map::new();
            for column in ALIAS_COLUMNS {
                if !t.get(cells, column).is_empty() {
                    alias.insert(column.into(), json!(t.get(cells, column)));
                }
            }
            origins.record(
                format!("/lifecycle/aliases/{}", list.len()),
                t,
                *row,
                ALIAS_COLUMNS.iter().map(|c| (*c, *c)).collect(),
            );
            list.push(Value::Object(alias));
        }
        if !list.is_empty() {
            lifecycle_doc.insert("aliases".into(), Value::Array(list));
        }
    }
    if !lifecycle_doc.is_empty() || lifecycle.as_ref().is_some_and(|t| !t.rows.is_empty()) {
        doc.insert("lifecycle".into(), Value::Object(lifecycle_doc));
    }

    // Scales: consecutive rows with the same scale id are one scale.
    let mut scale_list: Vec<(String, Map<String, Value>)> = Vec::new();
    for (row, cells) in &scales.rows {
        let id = scales.get(cells, "scale").to_owned();
        if scale_list.last().is_none_or(|(last, _)| *last != id) {
            let mut scale = Map::new();
            scale.insert("id".into(), json!(id));
            if !scales.get(cells, "scale_label").is_empty() {
                scale.insert("label".into(), json!(scales.get(cells, "scale_label")));
            }
            scale.insert("options".into(), json!([]));
            origins.record(
                format!("/scales/{}", scale_list.len()),
                &scales,
                *row,
                vec![("id", "scale"), ("label", "scale_label")],
            );
            scale_list.push((id, scale));
        }
        let s = scale_list.len() - 1;
        let Some((_, scale)) = scale_list.last_mut() else { continue };
        let mut option = Map::new();
        option.insert("id".into(), json!(scales.get(cells, "option")));
        option.insert("label".into(), json!(scales.get(cells, "label")));
        let points = scales.get(cells, "points");
        if !points.is_empty() {
            match points.parse::<u64>() {
                Ok(p) => {
                    option.insert("points".into(), json!(p));
                }
                Err(_) => problems.push(problem(
                    scales.cell(*row, "points"),
                    "invalid_cell",
                    format!("{:?} is not a whole number of points", crate::json::clip(points)),
                )),
            }
        }
        match scales.get(cells, "excluded").to_ascii_lowercase().as_str() {
            "" | "no" | "false" => {}
            "yes" | "true" | "x" => {
                option.insert("excluded".into(), json!(true));
            }
            other => problems.push(problem(
                scales.cell(*row, "excluded"),
                "invalid_cell",
                format!("{:?} is not yes or blank", crate::json::clip(other)),
            )),
        }
        if !scales.get(cells, "description").is_empty() {
            option.insert("description".into(), json!(scales.get(cells, "description")));
        }
        if let Some(Value::Array(options)) = scale.get_mut("options") {
            origins.record(
                format!("/scales/{s}/options/{}", options.len()),
                &scales,
                *row,
                vec![
                    ("id", "option"),
                    ("label", "label"),
                    ("points", "points"),
                    ("excluded", "excluded"),
                    ("description", "description"),
                ],
            );
            options.push(Value::Object(option));
        }
    }
    doc.insert("scales".into(), Value::Array(scale_list.into_iter().map(|(_, s)| Value::Object(s)).collect()));

    // Categories and items.
    let mut categories: Vec<(String, Map<String, Value>)> = Vec::new();
    for (row, cells) in &items.rows {
        let id = items.get(cells, "category").to_owned();
        if categories.last().is_none_or(|(last, _)| *last != id) {
            let mut category = Map::new();
            category.insert("id".into(), json!(id));
            category.insert("title".into(), json!(items.get(cells, "category_title")));
            if !items.get(cells, "category_description").is_empty() {
                category.insert("description".into(), json!(items.get(cells, "category_description")));
            }
            if let Some(v) =
                json_cell(&items, *row, "category_extensions", items.get(cells, "category_extensions"), &mut problems)
            {
                category.insert("extensions".into(), v);
            }
            category.insert("items".into(), json!([]));
            origins.record(
                format!("/categories/{}", categories.len()),
                &items,
                *row,
                vec![
                    ("id", "category"),
                    ("title", "category_title"),
                    ("description", "category_description"),
                    ("extensions", "category_extensions"),
                ],
            );
            categories.push((id, category));
        }
        let k = categories.len() - 1;
        if items.get(cells, "item").is_empty() {
            continue;
        }
        let mut item = Map::new();
        for (json_field, column) in [("id", "item"), ("text", "text"), ("scale", "scale")] {
            item.insert(json_field.into(), json!(items.get(cells, column)));
        }
        for optional in ["stage", "introduced", "retired", "description"] {
            if !items.get(cells, optional).is_empty() {
                item.insert(optional.into(), json!(items.get(cells, optional)));
            }
        }
        if let Some(v) = json_cell(&items, *row, "extensions", items.get(cells, "extensions"), &mut problems) {
            item.insert("extensions".into(), v);
        }
        let Some((_, category)) = categories.last_mut() else { continue };
        if let Some(Value::Array(list)) = category.get_mut("items") {
            origins.record(
                format!("/categories/{k}/items/{}", list.len()),
                &items,
                *row,
                vec![
                    ("id", "item"),
                    ("text", "text"),
                    ("scale", "scale"),
                    ("stage", "stage"),
                    ("introduced", "introduced"),
                    ("retired", "retired"),
                    ("description", "description"),
                    ("extensions", "extensions"),
                ],
            );
            list.push(Value::Object(item));
        }
    }
    doc.insert("categories".into(), Value::Array(categories.into_iter().map(|(_, c)| Value::Object(c)).collect()));

    // Scoring and level sets.
    let mut level_sets: Vec<(String, Vec<Value>)> = Vec::new();
    for (row, cells) in &levels.rows {
        let id = levels.get(cells, "level_set").to_owned();
        if level_sets.last().is_none_or(|(last, _)| *last != id) {
            origins.record(
                format!("/scoring/level_sets/{}", level_sets.len()),
                &levels,
                *row,
                vec![("id", "level_set")],
            );
            level_sets.push((id, Vec::new()));
        }
        let s = level_sets.len() - 1;
        let mut level = Map::new();
        level.insert("id".into(), json!(levels.get(cells, "level")));
        level.insert("label".into(), json!(levels.get(cells, "label")));
        let min = levels.get(cells, "min_percent");
        // Whole numbers are written as numbers, anything else (62.5, 200/3) as exact text.
        level.insert("min_percent".into(), min.parse::<u64>().map_or_else(|_| json!(min), |n| json!(n)));
        if !levels.get(cells, "description").is_empty() {
            level.insert("description".into(), json!(levels.get(cells, "description")));
        }
        if let Some((_, list)) = level_sets.last_mut() {
            origins.record(
                format!("/scoring/level_sets/{s}/levels/{}", list.len()),
                &levels,
                *row,
                vec![
                    ("id", "level"),
                    ("label", "label"),
                    ("min_percent", "min_percent"),
                    ("description", "description"),
                ],
            );
            list.push(Value::Object(level));
        }
    }
    let scoring_fields = field_rows(&scoring);
    let mut scoring_doc = json!({ "category": {}, "overall": {} });
    for (field, (row, value)) in &scoring_fields {
        let (part, key) = match field.as_str() {
            "category_rule" => ("category", "rule"),
            "category_levels" => ("category", "levels"),
            "overall_rule" => ("overall", "rule"),
            "overall_levels" => ("overall", "levels"),
            other => {
                problems.push(problem(
                    scoring.cell(*row, "field"),
                    "invalid_cell",
                    format!(
                        "unknown field {:?} (fields: category_rule, category_levels, overall_rule, overall_levels)",
                        crate::json::clip(other)
                    ),
                ));
                continue;
            }
        };
        origins.record(format!("/scoring/{part}/{key}"), &scoring, *row, vec![("", "value")]);
        let value =
            if key == "rule" { json_cell(&scoring, *row, "value", value, &mut problems) } else { Some(json!(value)) };
        if let (Some(value), Some(object)) = (value, scoring_doc.get_mut(part).and_then(Value::as_object_mut)) {
            object.insert(key.into(), value);
        }
    }
    if let Some(object) = scoring_doc.as_object_mut() {
        object.insert(
            "level_sets".into(),
            Value::Array(level_sets.into_iter().map(|(id, levels)| json!({ "id": id, "levels": levels })).collect()),
        );
    }
    doc.insert("scoring".into(), scoring_doc);

    if !problems.is_empty() {
        return Err(Problems::new(SUBJECT, problems).unwrap_or_else(|| {
            Problems::one(SUBJECT, problem(SUBJECT.to_owned(), "invalid_cell", "the workbook has problems".to_owned()))
        }));
    }
    // Key order as in the files (format_version first), so messages read naturally.
    let text = serde_json::to_string(&Value::Object(doc)).unwrap_or_default();
    Instrument::from_json(&text).map_err(|e: InstrumentError| {
        let placed: Vec<XlsxProblem> = e
            .problems()
            .iter()
            .map(|p| {
                problem(
                    p.pointer().map_or_else(|| "workbook".to_owned(), |ptr| origins.cell(ptr)),
                    p.code(),
                    p.to_string(),
                )
            })
            .collect();
        Problems::new(SUBJECT, placed)
            .unwrap_or_else(|| Problems::one(SUBJECT, problem(SUBJECT.to_owned(), "invalid_cell", e.to_string())))
    })
}

/// The `field` → (row, value) pairs of a two-column sheet, in row order.
fn field_rows(table: &Table) -> Vec<(String, (u32, String))> {
    table
        .rows
        .iter()
        .map(|(row, cells)| (table.get(cells, "field").to_owned(), (*row, table.get(cells, "value").to_owned())))
        .collect()
}
