//! REDCap (feature `redcap`): export an instrument as a REDCap data dictionary and responses as
//! records, and import REDCap records.
//!
//! The three verbs are those of [`fhir`](crate::fhir) too: [`export_instrument`],
//! [`export_responses`] and [`import_responses`], each taking [`RedcapOptions`] and failing with
//! every problem at once.
//!
//! **Data dictionary** ([`export_instrument`]): the 18-column CSV REDCap's Online Designer
//! imports. One form named after the instrument; text fields `record_id`, `organization_id`,
//! `organization_name`, `assessed_on` (validated `date_ymd`); one `radio` field per item whose
//! choices are `code, label` with codes `1`, `2`, … in the scale's order (the code is the
//! option's position, not its points, so two options may share points and not-applicable
//! options have a code too); a `checkbox` field `focus` with one choice per category; one
//! `calc` field per category computing its percent with the instrument's own rule (points over
//! the applicable maximum, all-of, or cumulative stages; unanswered items count as zero and stay
//! in the maximum; not-applicable items drop out), and a section header at each category's first
//! item. The item id is kept in each field's annotation.
//!
//! **Records** ([`import_responses`]): a REDCap "raw" CSV export (variable names as the header,
//! coded values) of that form becomes one [`Response`] per row. REDCap's own system columns
//! (`redcap_event_name`, `redcap_repeat_instrument`, `redcap_repeat_instance`,
//! `redcap_data_access_group`, `redcap_survey_identifier`, and `<form>_complete` and
//! `<form>_timestamp` for this instrument's form) and the calc fields are ignored; any other
//! unknown column (so a mistyped item column is never dropped with its answers), a column
//! named twice, a code not among an item's choices, or a malformed date is reported with its
//! record and column. Values are taken byte for byte, never trimmed. Notes and extensions are
//! not carried through REDCap, and an empty focus list reads back as no focus list.
//!
//! Text cells that a spreadsheet would run as formulas are written with a leading `'`
//! ([`Formulas::Neutralize`](crate::Formulas), see [`neutralize_formula`]);
//! [`import_responses`] removes it again, so an export reads back exactly.
//!
//! ```
//! use health_equity_assessment::{Registry, Response};
//! use health_equity_assessment::redcap::{RedcapOptions, export_instrument, export_responses, import_responses};
//!
//! let heoa = Registry::builtin().latest("heoa").unwrap();
//! let options = RedcapOptions::default();
//! let dictionary = export_instrument(heoa, &options);
//! assert!(dictionary.starts_with("\"Variable / Field Name\",\"Form Name\""));
//!
//! let response = Response::from_json(include_str!("../examples/heoa-baseline.json"))?;
//! let csv = export_responses(heoa, &[response.clone()], &options);
//! let imported = import_responses(&csv, heoa, &options)?;
//! let score = |r: &Response| r.validate(heoa).unwrap().score();
//! assert_eq!(score(&imported[0]), score(&response));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;

use crate::date::parse as parse_date;
use crate::instrument::{Instrument, Item, Scale};
use crate::json::clip;
use crate::problem::{Listing, Location, Problem, Problems};
use crate::response::{Organization, Response};
use crate::{Formulas, neutralize_formula, restore_formula};

/// The header of a REDCap data dictionary, in REDCap's order.
pub const DICTIONARY_COLUMNS: [&str; 18] = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
];

/// REDCap recommends variable names of at most 26 characters.
const MAX_NAME: usize = 26;

/// A REDCap name: lowercase letters, digits and underscores, starting with a letter.
fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

fn truncate(name: String) -> String {
    let mut name: String = name.chars().take(MAX_NAME).collect();
    while name.ends_with('_') {
        name.pop();
    }
    name
}

/// The form name: the instrument id as a REDCap name.
#[must_use]
pub fn form_name(instrument: &Instrument) -> String {
    let s = slug(instrument.id());
    if s.starts_with(|c: char| c.is_ascii_lowercase()) { s } else { format!("i_{s}") }
}

fn width(count: usize) -> usize {
    count.to_string().len().max(2)
}

/// The variable name of the item at `index` (instrument order): `q01_real_self_reported`.
/// The position makes it unique; the slug makes it readable.
#[must_use]
pub fn item_field(instrument: &Instrument, index: usize, item: &Item) -> String {
    let slug_part = item.id.split_once('.').map_or(item.id.as_str(), |(_, s)| s);
    truncate(format!("q{:0w$}_{}", index + 1, slug(slug_part), w = width(instrument.item_count())))
}

/// The variable name of category `index`'s calc field: `pct1_data_collection`.
#[must_use]
pub fn category_field(index: usize, category_id: &str) -> String {
    truncate(format!("pct{}_{}", index + 1, slug(category_id)))
}

fn choices(scale: &Scale) -> String {
    scale
        .options
        .iter()
        .enumerate()
        .map(|(k, o)| format!("{}, {}", k + 1, o.label.replace('|', "/")))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// One item's radio field, as a term of a category's calculated field: the rule modules build
/// their REDCap formulas from these.
pub(crate) struct CalcField<'a> {
    /// The variable name.
    pub(crate) name: String,
    /// The item.
    pub(crate) item: &'a Item,
    /// Its scale: option `k` is code `k + 1`.
    pub(crate) scale: &'a Scale,
}

impl CalcField<'_> {
    /// The top points of the scale's scored options.
    fn top(&self) -> u32 {
        self.scale.options.iter().filter(|o| !o.excluded).filter_map(|o| o.points).max().unwrap_or(0)
    }

    /// The codes of the options that satisfy `pred`.
    fn codes(&self, pred: impl Fn(&crate::instrument::ScaleOption) -> bool) -> Vec<usize> {
        self.scale.options.iter().enumerate().filter(|(_, o)| pred(o)).map(|(k, _)| k + 1).collect()
    }

    /// `([f]='c1' or [f]='c2' …)` for the given codes.
    fn any_of(&self, codes: &[usize]) -> String {
        let terms: Vec<String> = codes.iter().map(|c| format!("[{}]='{c}'", self.name)).collect();
        terms.join(" or ")
    }

    /// The answer's points: `if([f]='1', 0, if([f]='2', 1, …0))` (unanswered and excluded: 0).
    pub(crate) fn points_expression(&self) -> String {
        let mut expr = String::from("0");
        for (k, o) in self.scale.options.iter().enumerate().rev() {
            if let (false, Some(p)) = (o.excluded, o.points) {
                expr = format!("if([{}]='{}', {p}, {expr})", self.name, k + 1);
            }
        }
        expr
    }

    /// The item's share of the maximum: its top points, or 0 when answered with an excluded
    /// option.
    pub(crate) fn maximum_expression(&self) -> String {
        let excluded = self.codes(|o| o.excluded);
        if excluded.is_empty() {
            self.top().to_string()
        } else {
            format!("if({}, 0, {})", self.any_of(&excluded), self.top())
        }
    }

    /// `(met or not applicable)`: answered with the top option or an excluded one.
    fn met_or_not_applicable(&self) -> String {
        let top = self.top();
        format!("({})", self.any_of(&self.codes(|o| o.excluded || o.points == Some(top))))
    }

    /// Every field met or not applicable (`1=1` for none).
    pub(crate) fn all_met<'f, 'a: 'f>(fields: impl Iterator<Item = &'f CalcField<'a>>) -> String {
        let terms: Vec<String> = fields.map(CalcField::met_or_not_applicable).collect();
        if terms.is_empty() { "1=1".to_owned() } else { terms.join(" and ") }
    }
}

/// REDCap calc syntax for a category's percent under the instrument's rule.
fn calc(instrument: &Instrument, category_index: usize) -> String {
    let Some(category) = instrument.categories().get(category_index) else { return String::new() };
    let start: usize = instrument.categories()[..category_index].iter().map(|c| c.items.len()).sum();
    let fields: Vec<CalcField<'_>> = category
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            Some(CalcField { name: item_field(instrument, start + i, item), item, scale: instrument.scale_of(item)? })
        })
        .collect();
    instrument.scoring().category.rule.redcap_calc(&fields)
}

/// The REDCap data dictionary of an instrument, as CSV text (the form REDCap's Online Designer
/// imports). With [`Formulas::Neutralize`] (the default), a field label, section header or note
/// that a spreadsheet would run as a formula gets a leading `'`.
#[must_use]
pub fn export_instrument(instrument: &Instrument, options: &RedcapOptions) -> String {
    let form = form_name(instrument);
    // Labels, section headers and notes are the instrument's own text: a title beginning with
    // `=` must not run as a formula when the dictionary is opened in a spreadsheet.
    let text = |value: &str| match options.formulas {
        Formulas::Raw => value.to_owned(),
        _ => neutralize_formula(value).into_owned(),
    };
    let mut rows: Vec<[String; 18]> = Vec::new();
    let row = |name: &str,
               section: &str,
               kind: &str,
               label: &str,
               choices: &str,
               validation: &str,
               required: &str,
               note: &str,
               annotation: &str| {
        let mut r: [String; 18] = Default::default();
        r[0] = name.to_owned();
        r[1] = form.clone();
        r[2] = text(section);
        r[3] = kind.to_owned();
        r[4] = text(label);
        r[5] = choices.to_owned();
        r[6] = text(note);
        r[7] = validation.to_owned();
        r[12] = required.to_owned();
        r[17] = annotation.to_owned();
        r
    };
    let title = format!("{} ({})", instrument.title(), instrument.reference());
    rows.push(row("record_id", &title, "text", "Record ID", "", "", "", "", ""));
    rows.push(row("organization_id", "", "text", "Organization ID", "", "", "y", "", ""));
    rows.push(row("organization_name", "", "text", "Organization name", "", "", "", "", ""));
    rows.push(row(
        "assessed_on",
        "",
        "text",
        "Date the assessment was completed",
        "",
        "date_ymd",
        "y",
        "YYYY-MM-DD",
        "",
    ));
    let focus: Vec<String> = instrument
        .categories()
        .iter()
        .enumerate()
        .map(|(k, c)| format!("{}, {}", k + 1, c.title.replace('|', "/")))
        .collect();
    rows.push(row(
        "focus",
        "",
        "checkbox",
        "Focus categories chosen for improvement",
        &focus.join(" | "),
        "",
        "",
        "",
        "",
    ));
    let mut index = 0;
    for (k, category) in instrument.categories().iter().enumerate() {
        for (i, item) in category.items.iter().enumerate() {
            let section = if i == 0 { category.title.as_str() } else { "" };
            let choices = instrument.scale_of(item).map(choices).unwrap_or_default();
            rows.push(row(
                &item_field(instrument, index, item),
                section,
                "radio",
                &item.text,
                &choices,
                "",
                "",
                "",
                &format!("item: {}", item.id),
            ));
            index += 1;
        }
        rows.push(row(
            &category_field(k, &category.id),
            "",
            "calc",
            &format!("{} (percent)", category.title),
            &calc(instrument, k),
            "",
            "",
            "Computed by REDCap; the crate's score report is the reference.",
            &format!("category: {}", category.id),
        ));
    }
    let mut writer = csv::WriterBuilder::new().quote_style(csv::QuoteStyle::Always).from_writer(Vec::new());
    let _ = writer.write_record(DICTIONARY_COLUMNS);
    for r in &rows {
        let _ = writer.write_record(r);
    }
    writer.into_inner().ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default()
}

/// Responses as a REDCap raw record export of the instrument's form (what [`import_responses`]
/// reads back). Record ids are `1`, `2`, … in order. With [`Formulas::Neutralize`] (the
/// default), an organization id or name that a spreadsheet would run as a formula gets a
/// leading `'`.
#[must_use]
pub fn export_responses(instrument: &Instrument, responses: &[Response], options: &RedcapOptions) -> String {
    let text = |value: &str| match options.formulas {
        Formulas::Raw => value.to_owned(),
        _ => neutralize_formula(value).into_owned(),
    };
    let form = form_name(instrument);
    let items: Vec<(String, &Item)> =
        instrument.items().enumerate().map(|(i, (_, item))| (item_field(instrument, i, item), item)).collect();
    let mut header: Vec<String> =
        ["record_id", "organization_id", "organization_name", "assessed_on"].map(String::from).to_vec();
    header.extend((1..=instrument.categories().len()).map(|k| format!("focus___{k}")));
    header.extend(items.iter().map(|(f, _)| f.clone()));
    header.extend(instrument.categories().iter().enumerate().map(|(k, c)| category_field(k, &c.id)));
    header.push(format!("{form}_complete"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(&header);
    for (n, r) in responses.iter().enumerate() {
        let mut row = vec![
            (n + 1).to_string(),
            text(&r.organization.id),
            text(r.organization.name.as_deref().unwrap_or_default()),
            r.assessed_on.to_string(),
        ];
        let focus = r.focus_categories.as_deref().unwrap_or_default();
        row.extend(instrument.categories().iter().map(|c| if focus.contains(&c.id) { "1" } else { "0" }.to_owned()));
        for (_, item) in &items {
            let code = r
                .answers
                .get(&item.id)
                .and_then(|a| instrument.scale_of(item)?.options.iter().position(|o| o.id == *a))
                .map(|k| (k + 1).to_string())
                .unwrap_or_default();
            row.push(code);
        }
        // REDCap fills calc fields itself; an export carries its values, which import ignores.
        row.extend(instrument.categories().iter().map(|_| String::new()));
        row.push("2".to_owned());
        let _ = writer.write_record(&row);
    }
    writer.into_inner().ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default()
}

/// One problem in a REDCap record export.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RedcapProblem {
    /// The text is not CSV.
    #[error("line {line}: not valid CSV: {message}")]
    Csv {
        /// 1-based line.
        line: u64,
        /// What the reader found.
        message: String,
    },
    /// A column the form does not have.
    #[error("column {column:?} is not a field of form {form} (and not a REDCap column)")]
    UnknownColumn {
        /// The column name.
        column: String,
        /// The form.
        form: String,
    },
    /// A column named twice: which one holds the answer cannot be told.
    #[error("the column {column:?} appears more than once")]
    DuplicateColumn {
        /// The column name.
        column: String,
    },
    /// A required column is absent.
    #[error("the column {column:?} is missing")]
    MissingColumn {
        /// The column name.
        column: String,
    },
    /// A coded value that is not one of the field's choices.
    #[error("record {record}, field {field} (item {item}): {value:?} is not one of the choices {choices}")]
    InvalidCode {
        /// The record id.
        record: String,
        /// The field name.
        field: String,
        /// The item id.
        item: String,
        /// The value found.
        value: String,
        /// The valid codes.
        choices: Listing,
    },
    /// A missing or malformed value in a required or typed field.
    #[error("record {record}, field {field}: {value:?} is not valid: {reason}")]
    InvalidValue {
        /// The record id.
        record: String,
        /// The field name.
        field: String,
        /// The value found.
        value: String,
        /// Why.
        reason: String,
    },
}

impl Problem for RedcapProblem {
    fn code(&self) -> &'static str {
        match self {
            RedcapProblem::Csv { .. } => "invalid_csv",
            RedcapProblem::UnknownColumn { .. } => "unknown_column",
            RedcapProblem::MissingColumn { .. } => "missing_column",
            RedcapProblem::DuplicateColumn { .. } => "duplicate_column",
            RedcapProblem::InvalidCode { .. } => "invalid_code",
            RedcapProblem::InvalidValue { .. } => "invalid_value",
        }
    }

    fn location(&self) -> Location<'_> {
        match self {
            RedcapProblem::Csv { line, .. } => {
                Location::Text { line: usize::try_from(*line).unwrap_or(usize::MAX), column: 1 }
            }
            RedcapProblem::UnknownColumn { column, .. }
            | RedcapProblem::MissingColumn { column }
            | RedcapProblem::DuplicateColumn { column } => Location::Cell { record: None, column },
            RedcapProblem::InvalidCode { record, field, .. } | RedcapProblem::InvalidValue { record, field, .. } => {
                Location::Cell { record: Some(record), column: field }
            }
        }
    }
}

/// The error of [`import_responses`]: every problem found in the export.
pub type RedcapError = Problems<RedcapProblem>;

/// The subject of a record export's problems.
const RECORDS: &str = "REDCap records";

/// How instruments and responses are written as REDCap files.
///
/// ```
/// use health_equity_assessment::Formulas;
/// use health_equity_assessment::redcap::RedcapOptions;
///
/// let raw = RedcapOptions::default().with_formulas(Formulas::Raw);
/// assert_eq!(raw.formulas(), Formulas::Raw);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RedcapOptions {
    formulas: Formulas,
}

impl RedcapOptions {
    /// Sets what happens to text cells a spreadsheet would run as formulas (by default they
    /// are neutralized with a leading `'`, which [`import_responses`] removes again).
    #[must_use]
    pub fn with_formulas(mut self, formulas: Formulas) -> Self {
        self.formulas = formulas;
        self
    }

    /// What happens to formula-like text cells.
    #[must_use]
    pub fn formulas(&self) -> Formulas {
        self.formulas
    }
}

/// REDCap's own columns in a record export, ignored on import (with `<form>_complete` and
/// `<form>_timestamp` of the instrument's form).
pub const SYSTEM_COLUMNS: [&str; 5] = [
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
    "redcap_data_access_group",
    "redcap_survey_identifier",
];

/// Reads a REDCap raw record export of the instrument's form into one response per record, all
/// or nothing: any bad record fails the whole import. [`import_records`] keeps going past bad
/// records instead.
///
/// # Errors
/// [`RedcapError`] naming every unknown or missing column and every invalid value by record and
/// field.
pub fn import_responses(
    csv_text: &str,
    instrument: &Instrument,
    options: &RedcapOptions,
) -> Result<Vec<Response>, RedcapError> {
    let imported = import_records(csv_text, instrument, options)?;
    let problems: Vec<RedcapProblem> = imported.rejected.into_iter().flat_map(|r| r.problems).collect();
    Problems::or_ok(RECORDS, problems, imported.responses.into_iter().map(|(_, response)| response).collect())
}

/// The records of a REDCap export: the ones that became responses and the ones that did not.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ImportedRecords {
    /// Each good record's id (`record_id`, or its position from 1 when blank) and response, in
    /// file order.
    pub responses: Vec<(String, Response)>,
    /// Each bad record with every problem found in it, in file order.
    pub rejected: Vec<RejectedRecord>,
}

/// A record that did not become a response.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RejectedRecord {
    /// The record id (`record_id`, or its position from 1 when blank or unreadable).
    pub record: String,
    /// Every problem in the record.
    pub problems: Vec<RedcapProblem>,
}

/// Reads a REDCap raw record export of the instrument's form, keeping going past bad records:
/// each good record becomes a response, each bad one is listed with its record id and every
/// problem in it (as `score --ndjson` does with bad lines).
///
/// ```
/// use health_equity_assessment::{Registry, redcap};
///
/// let heoa = Registry::builtin().latest("heoa").unwrap();
/// let csv = "record_id,organization_id,assessed_on\n1,org-1,2024-03-01\n2,org-2,not a date\n3,org-3,2024-03-02\n";
/// let imported = redcap::import_records(csv, heoa, &redcap::RedcapOptions::default())?;
/// assert_eq!(imported.responses.len(), 2);
/// assert_eq!(imported.rejected[0].record, "2");
/// # Ok::<(), redcap::RedcapError>(())
/// ```
///
/// # Errors
/// [`RedcapError`] when the file as a whole cannot be read: an unreadable header, unknown,
/// duplicate or missing columns.
pub fn import_records(
    csv_text: &str,
    instrument: &Instrument,
    _options: &RedcapOptions,
) -> Result<ImportedRecords, RedcapError> {
    let form = form_name(instrument);
    let csv_text = csv_text.strip_prefix('\u{feff}').unwrap_or(csv_text);
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(csv_text.as_bytes());
    let csv_error = |e: &csv::Error| RedcapProblem::Csv {
        line: e.position().map_or(0, csv::Position::line),
        message: e.to_string(),
    };
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(Problems::one(RECORDS, csv_error(&e))),
    };
    let items: HashMap<String, (&Item, Option<&Scale>)> = instrument
        .items()
        .enumerate()
        .map(|(i, (_, item))| (item_field(instrument, i, item), (item, instrument.scale_of(item))))
        .collect();
    let calcs: Vec<String> =
        instrument.categories().iter().enumerate().map(|(k, c)| category_field(k, &c.id)).collect();
    let focus_columns: Vec<String> = (1..=instrument.categories().len()).map(|k| format!("focus___{k}")).collect();
    let mut problems = Vec::new();
    let own = [format!("{form}_complete"), format!("{form}_timestamp")];
    let mut seen = std::collections::HashSet::new();
    for column in &header {
        if !seen.insert(column) {
            problems.push(RedcapProblem::DuplicateColumn { column: clip(column) });
            continue;
        }
        let known = ["record_id", "organization_id", "organization_name", "assessed_on"].contains(&column)
            || SYSTEM_COLUMNS.contains(&column)
            || own.iter().any(|c| c == column)
            || items.contains_key(column)
            || calcs.iter().any(|c| c == column)
            || focus_columns.iter().any(|c| c == column);
        if !known {
            problems.push(RedcapProblem::UnknownColumn { column: clip(column), form: form.clone() });
        }
    }
    for required in ["organization_id", "assessed_on"] {
        if !header.iter().any(|h| h == required) {
            problems.push(RedcapProblem::MissingColumn { column: required.to_owned() });
        }
    }
    if let Some(problems) = Problems::new(RECORDS, std::mem::take(&mut problems)) {
        return Err(problems);
    }
    let position = |name: &str| header.iter().position(|h| h == name);
    let mut imported = ImportedRecords { responses: Vec::new(), rejected: Vec::new() };
    for (n, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                imported.rejected.push(RejectedRecord { record: (n + 1).to_string(), problems: vec![csv_error(&e)] });
                continue;
            }
        };
        let mut problems = Vec::new();
        let get = |name: &str| position(name).and_then(|p| record.get(p)).unwrap_or_default();
        let record_id = match get("record_id") {
            "" => (n + 1).to_string(),
            id => id.to_owned(),
        };
        let org = restore_formula(get("organization_id"));
        if org.trim().is_empty() {
            problems.push(RedcapProblem::InvalidValue {
                record: record_id.clone(),
                field: "organization_id".to_owned(),
                value: clip(&org),
                reason: "an organization id is required".to_owned(),
            });
        }
        let date = match parse_date(get("assessed_on")) {
            Ok(date) => Some(date),
            Err(reason) => {
                problems.push(RedcapProblem::InvalidValue {
                    record: record_id.clone(),
                    field: "assessed_on".to_owned(),
                    value: clip(get("assessed_on")),
                    reason,
                });
                None
            }
        };
        let mut answers = std::collections::BTreeMap::new();
        for (column, value) in header.iter().zip(record.iter()) {
            let Some((item, scale)) = items.get(column) else { continue };
            if value.is_empty() {
                continue;
            }
            let option = value
                .parse::<usize>()
                .ok()
                .and_then(|code| code.checked_sub(1))
                .and_then(|k| scale.and_then(|s| s.options.get(k)));
            match option {
                Some(option) => {
                    answers.insert(item.id.clone(), option.id.clone());
                }
                None => problems.push(RedcapProblem::InvalidCode {
                    record: record_id.clone(),
                    field: column.to_owned(),
                    item: item.id.clone(),
                    value: clip(value),
                    choices: Listing::of((1..=scale.map_or(0, |s| s.options.len())).map(|c| c.to_string())),
                }),
            }
        }
        let mut focus: Vec<String> = Vec::new();
        for (category, column) in instrument.categories().iter().zip(&focus_columns) {
            // A raw export writes 0 or 1 (blank when the field was never shown); anything else is
            // a labelled export or an edit, and silently dropping the category would lose data.
            match get(column) {
                "1" => focus.push(category.id.clone()),
                "0" | "" => {}
                other => problems.push(RedcapProblem::InvalidValue {
                    record: record_id.clone(),
                    field: column.clone(),
                    value: clip(other),
                    reason: format!(
                        "a focus checkbox (category {}) is 1 (checked), 0 or blank in a raw export",
                        category.id
                    ),
                }),
            }
        }
        let has_focus_columns = focus_columns.iter().any(|c| position(c).is_some());
        if !problems.is_empty() {
            imported.rejected.push(RejectedRecord { record: record_id, problems });
            continue;
        }
        if let (false, Some(assessed_on)) = (org.trim().is_empty(), date) {
            let name = restore_formula(get("organization_name"));
            let response = Response {
                instrument: instrument.reference(),
                organization: Organization::new(org.as_ref(), (!name.is_empty()).then(|| name.into_owned())),
                assessed_on,
                answers,
                notes: None,
                focus_categories: (has_focus_columns && !focus.is_empty()).then_some(focus),
                extensions: None,
            };
            imported.responses.push((record_id, response));
        }
    }
    Ok(imported)
}
