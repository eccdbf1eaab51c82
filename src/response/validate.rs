//! Checks a response against its instrument, producing a [`ValidatedResponse`]: the only
//! thing that can be scored.

use std::borrow::Cow;
use std::collections::BTreeMap;

use jiff::civil::Date;

use super::parse::{self, Draft, DraftRef};
use super::{Organization, RESPONSE, Response, ResponseError, ResponseLimits, ResponseProblem, refused};
use crate::instrument::{Category, Extensions, Instrument, InstrumentRef, Item, ScaleOption};
use crate::json::{clip, push_index, push_token};
use crate::problem::{JsonProblem, Listing};
use crate::registry::Registry;

/// A response that fits its instrument: every answer names a known item and one of that
/// item's options. Only a validated response can be scored, so scoring cannot fail.
///
/// ```
/// use health_equity_assessment::Registry;
///
/// let validated = Registry::builtin().validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// assert_eq!(validated.organization().id, "org-001");
/// let answer = validated.answer("data-collection.real-self-reported").unwrap();
/// assert_eq!(answer.id, "in_progress");
/// let report = validated.score();
/// assert_eq!(report.categories.len(), 7);
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedResponse<'i> {
    instrument: &'i Instrument,
    organization: Organization,
    assessed_on: Date,
    /// Option index per item, in instrument order; `None` when unanswered.
    answers: Vec<Option<u8>>,
    notes: Option<BTreeMap<String, String>>,
    focus_categories: Option<Vec<String>>,
    extensions: Option<Extensions>,
}

impl<'i> ValidatedResponse<'i> {
    /// A response whose parts were checked against `instrument` (by the fast reader).
    pub(super) fn from_parts(
        instrument: &'i Instrument,
        organization: Organization,
        assessed_on: Date,
        answers: Vec<Option<u8>>,
        notes: Option<BTreeMap<String, String>>,
        focus_categories: Option<Vec<String>>,
    ) -> Self {
        ValidatedResponse { instrument, organization, assessed_on, answers, notes, focus_categories, extensions: None }
    }

    /// The instrument the response was validated against.
    #[must_use]
    pub fn instrument(&self) -> &'i Instrument {
        self.instrument
    }

    /// Who answered.
    #[must_use]
    pub fn organization(&self) -> &Organization {
        &self.organization
    }

    /// When the assessment was completed.
    #[must_use]
    pub fn assessed_on(&self) -> Date {
        self.assessed_on
    }

    /// The focus categories, in the order given.
    #[must_use]
    pub fn focus_categories(&self) -> &[String] {
        self.focus_categories.as_deref().unwrap_or_default()
    }

    /// The free-text notes by item id.
    #[must_use]
    pub fn notes(&self) -> Option<&BTreeMap<String, String>> {
        self.notes.as_ref()
    }

    /// The option chosen for an item, or `None` when the item is unanswered or unknown.
    #[must_use]
    pub fn answer(&self, item: &str) -> Option<&'i ScaleOption> {
        self.answer_at(self.instrument.item_index(item)?)
    }

    /// The option chosen for the item at a global index.
    pub(crate) fn answer_at(&self, item: usize) -> Option<&'i ScaleOption> {
        let option = usize::from((*self.answers.get(item)?)?);
        let entry = self.instrument.index().items.get(item)?;
        self.instrument.scales().get(entry.scale)?.options.get(option)
    }

    /// Every item in instrument order with its category and the option chosen, if any.
    pub fn answers(&self) -> impl Iterator<Item = (&'i Category, &'i Item, Option<&'i ScaleOption>)> + '_ {
        let instrument = self.instrument;
        instrument.items().enumerate().map(move |(i, (c, item))| (c, item, self.answer_at(i)))
    }

    /// The items left unanswered, in instrument order.
    pub fn missing(&self) -> impl Iterator<Item = &'i Item> + '_ {
        self.answers().filter(|(_, _, a)| a.is_none()).map(|(_, item, _)| item)
    }

    /// Option indices by global item index (for scoring).
    pub(crate) fn option_indices(&self) -> &[Option<u8>] {
        &self.answers
    }

    /// Scores the response. See [`ScoreReport`](crate::ScoreReport).
    #[must_use]
    pub fn score(&self) -> crate::ScoreReport {
        crate::score::score(self)
    }

    /// The [`ScoreSummary`](crate::ScoreSummary): the report cut to per-category and overall
    /// totals and the opportunities as item ids.
    #[must_use]
    pub fn score_summary(&self) -> crate::ScoreSummary {
        let sheet = self.sheet();
        crate::score::summary(self.instrument, self.organization.clone(), self.assessed_on, &sheet)
    }

    /// Appends the score report as compact JSON to `out`: the same bytes as
    /// `serde_json::to_writer(out, &self.score())`, written directly from the scores (no
    /// report is built), several times faster.
    ///
    /// ```
    /// use health_equity_assessment::Registry;
    ///
    /// let validated = Registry::builtin().validate_json(include_str!("../../examples/heoa-baseline.json"))?;
    /// let mut out = Vec::new();
    /// validated.write_score_json(&mut out);
    /// assert_eq!(out, serde_json::to_vec(&validated.score())?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_score_json(&self, out: &mut Vec<u8>) {
        let sheet = self.sheet();
        crate::writer::report(out, self.instrument, &self.answers, &self.organization, self.assessed_on, &sheet);
    }

    /// Appends the score summary as compact JSON to `out`: the same bytes as
    /// `serde_json::to_writer(out, &self.score_summary())`.
    pub fn write_summary_json(&self, out: &mut Vec<u8>) {
        let sheet = self.sheet();
        crate::writer::summary(out, self.instrument, &self.organization, self.assessed_on, &sheet);
    }

    fn sheet(&self) -> crate::score::Sheet {
        crate::score::sheet(self.instrument, &self.answers, crate::score::focus_of(self))
    }

    /// The response document again, losslessly (notes, focus categories and extensions
    /// included).
    #[must_use]
    pub fn to_response(&self) -> Response {
        let answers =
            self.answers().filter_map(|(_, item, option)| Some((item.id.clone(), option?.id.clone()))).collect();
        Response {
            instrument: self.instrument.reference(),
            organization: self.organization.clone(),
            assessed_on: self.assessed_on,
            answers,
            notes: self.notes.clone(),
            focus_categories: self.focus_categories.clone(),
            extensions: self.extensions.clone(),
        }
    }
}

/// Validates an owned document (built in code or read by serde), with the checks the JSON
/// reader applies while reading.
pub(super) fn validate_response<'i>(
    response: &Response,
    instrument: &'i Instrument,
    limits: &ResponseLimits,
) -> Result<ValidatedResponse<'i>, ResponseError> {
    let mut draft = Draft {
        instrument: Some(DraftRef {
            id: Cow::Borrowed(&response.instrument.id),
            version: Some(response.instrument.version.clone()),
        }),
        organization: Some(response.organization.clone()),
        assessed_on: Some(response.assessed_on),
        answers: lenient(&response.answers),
        notes: response.notes.as_ref().map(|n| lenient(n)),
        focus_categories: response.focus_categories.clone(),
        extensions: response.extensions.clone(),
        problems: Vec::new(),
    };
    draft.check_built(limits);
    validate_draft(draft, instrument)
}

fn lenient(map: &BTreeMap<String, String>) -> Vec<(Cow<'_, str>, parse::Lenient<'_>)> {
    map.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Ok(Cow::Borrowed(v.as_str())))).collect()
}

pub(super) fn validate_draft<'i>(
    draft: Draft<'_>,
    instrument: &'i Instrument,
) -> Result<ValidatedResponse<'i>, ResponseError> {
    let mut problems = draft.problems;
    let name = || instrument.reference();

    if let Some(DraftRef { id, version: Some(version) }) = &draft.instrument
        && (id != instrument.id() || version != instrument.version())
    {
        // Everything after would be the other instrument's items, one line each: the mismatch
        // is the one problem worth reading.
        problems.push(ResponseProblem::InstrumentMismatch {
            expected: name(),
            found: InstrumentRef::new(clip(id), version.clone()),
        });
        return Err(ResponseError::one_of(RESPONSE, problems));
    }

    // Suggestions cost a scan of the candidates each: a hostile document with thousands of
    // unknown keys gets them for its first few only.
    let mut suggestions_left = SUGGESTIONS;
    let mut item_ids: Option<Vec<&str>> = None;
    let mut suggest_item = |key: &str| -> Option<String> {
        suggestions_left = suggestions_left.checked_sub(1)?;
        let ids = item_ids.get_or_insert_with(|| instrument.items().map(|(_, item)| item.id.as_str()).collect());
        crate::suggest::closest(key, ids.iter().copied()).map(str::to_owned)
    };

    let mut answers = vec![None; instrument.item_count()];
    let mut seen = vec![false; instrument.item_count()];
    let mut unknown: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (key, value) in &draft.answers {
        let Some(item) = instrument.item_index(key) else {
            if !unknown.insert(key.as_ref()) {
                problems.push(ResponseProblem::Json(JsonProblem::DuplicateKey {
                    pointer: "/answers".to_owned(),
                    key: clip(key),
                }));
            } else {
                problems.push(ResponseProblem::UnknownItem {
                    pointer: push_token("/answers", key),
                    item: clip(key),
                    instrument: name(),
                    suggestion: suggest_item(key),
                });
            }
            continue;
        };
        if std::mem::replace(&mut seen[item], true) {
            problems.push(ResponseProblem::Json(JsonProblem::DuplicateKey {
                pointer: "/answers".to_owned(),
                key: clip(key),
            }));
        }
        match value {
            Err(found) => problems.push(ResponseProblem::Json(JsonProblem::InvalidValue {
                pointer: push_token("/answers", key),
                message: format!("expected an option id string, found {found}"),
            })),
            Ok(option) => match instrument.option_index(item, option).and_then(|o| u8::try_from(o).ok()) {
                Some(o) => answers[item] = Some(o),
                None => problems.push(ResponseProblem::InvalidOption {
                    pointer: push_token("/answers", key),
                    item: clip(key),
                    value: clip(option),
                    allowed: allowed_options(instrument, item),
                    suggestion: option_ids(instrument, item)
                        .and_then(|ids| crate::suggest::closest(option, ids))
                        .map(str::to_owned),
                }),
            },
        }
    }

    let notes = draft.notes.map(|pairs| {
        let mut notes = BTreeMap::new();
        for (key, value) in pairs {
            let pointer = || push_token("/notes", &key);
            if instrument.item_index(&key).is_none() {
                problems.push(ResponseProblem::UnknownItem {
                    pointer: pointer(),
                    item: clip(&key),
                    instrument: name(),
                    suggestion: suggest_item(&key),
                });
                continue;
            }
            match value {
                Ok(text) => {
                    if notes.insert(key.clone().into_owned(), text.into_owned()).is_some() {
                        problems.push(ResponseProblem::Json(JsonProblem::DuplicateKey {
                            pointer: "/notes".to_owned(),
                            key: clip(&key),
                        }));
                    }
                }
                Err(found) => problems.push(ResponseProblem::Json(JsonProblem::InvalidValue {
                    pointer: pointer(),
                    message: format!("expected a string, found {found}"),
                })),
            }
        }
        notes
    });

    if let Some(focus) = &draft.focus_categories {
        // Listed once for every problem: the list is capped, never copied whole per problem.
        let mut known: Option<Listing> = None;
        let mut seen = vec![false; instrument.categories().len()];
        for (i, category) in focus.iter().enumerate() {
            let pointer = || push_index("/focus_categories", i);
            match instrument.category_index(category) {
                None => problems.push(ResponseProblem::UnknownFocusCategory {
                    pointer: pointer(),
                    category: clip(category),
                    known: known
                        .get_or_insert_with(|| Listing::of(instrument.categories().iter().map(|c| c.id.as_str())))
                        .clone(),
                }),
                Some(k) => {
                    if seen.get(k).copied().unwrap_or(false) {
                        problems.push(ResponseProblem::DuplicateFocusCategory {
                            pointer: pointer(),
                            category: clip(category),
                        });
                    } else if let Some(slot) = seen.get_mut(k) {
                        *slot = true;
                    }
                }
            }
        }
    }

    match (draft.organization, draft.assessed_on) {
        (Some(organization), Some(assessed_on)) if problems.is_empty() && draft.instrument.is_some() => {
            Ok(ValidatedResponse {
                instrument,
                organization,
                assessed_on,
                answers,
                notes,
                focus_categories: draft.focus_categories,
                extensions: draft.extensions,
            })
        }
        _ => Err(refused(problems)),
    }
}

/// Unknown keys that get a "did you mean" in one document.
const SUGGESTIONS: usize = 16;

/// The option ids of an item's scale.
fn option_ids(instrument: &Instrument, item: usize) -> Option<impl Iterator<Item = &str> + Clone> {
    let scale = instrument.scales().get(instrument.index().items.get(item)?.scale)?;
    Some(scale.options.iter().map(|o| o.id.as_str()))
}

fn allowed_options(instrument: &Instrument, item: usize) -> Listing {
    instrument
        .index()
        .items
        .get(item)
        .and_then(|e| instrument.scales().get(e.scale))
        .map(|s| Listing::of(s.options.iter().map(|o| o.id.as_str())))
        .unwrap_or_default()
}

impl Instrument {
    /// Parses a response document and checks it against this instrument, reporting every
    /// problem: structural ones first, then those that do not fit the instrument.
    ///
    /// Use this for a custom instrument; [`Registry::validate_json`] picks the instrument the
    /// response names.
    ///
    /// # Errors
    /// [`ResponseError`] with every problem found.
    pub fn validate_json<'i>(&'i self, text: &str) -> Result<ValidatedResponse<'i>, ResponseError> {
        self.validate_json_with(text, &ResponseLimits::default())
    }

    /// [`validate_json`](Self::validate_json) with explicit limits.
    ///
    /// # Errors
    /// [`ResponseError`] with every problem found.
    pub fn validate_json_with<'i>(
        &'i self,
        text: &str,
        limits: &ResponseLimits,
    ) -> Result<ValidatedResponse<'i>, ResponseError> {
        let fast = super::fast::validate(text, limits, |id, version| {
            (id == self.id() && version == self.version()).then_some(self)
        });
        match fast {
            Some(validated) => Ok(validated),
            None => validate_draft(parse::parse(text, limits), self),
        }
    }
}

impl Registry {
    /// [`validate_json`](Self::validate_json) on bytes: invalid UTF-8 is a
    /// `not_utf8` problem; a leading byte-order mark is ignored.
    ///
    /// # Errors
    /// [`ResponseError`] with every problem found.
    pub fn validate_slice(&self, bytes: &[u8]) -> Result<ValidatedResponse<'_>, ResponseError> {
        self.validate_slice_with(bytes, &ResponseLimits::default())
    }

    /// [`validate_slice`](Self::validate_slice) with explicit limits.
    ///
    /// # Errors
    /// [`ResponseError`] with every problem found.
    pub fn validate_slice_with(
        &self,
        bytes: &[u8],
        limits: &ResponseLimits,
    ) -> Result<ValidatedResponse<'_>, ResponseError> {
        match parse::text_of(bytes, limits) {
            Ok(text) => self.validate_json_with(text, limits),
            Err(problem) => Err(ResponseError::one(RESPONSE, problem)),
        }
    }

    /// Parses a response document, finds the instrument it names, and checks it, reporting
    /// every problem: structural ones first, then those that do not fit the instrument.
    ///
    /// # Errors
    /// [`ResponseError`] with every problem found, including an unknown instrument or version.
    ///
    /// ```
    /// use health_equity_assessment::Registry;
    ///
    /// let text = r#"{"instrument": {"id": "heoa", "version": "7.0.0"},
    ///   "organization": {"id": "o"}, "assessed_on": "2023-01-01", "answers": {}}"#;
    /// let err = Registry::builtin().validate_json(text).unwrap_err();
    /// assert_eq!(err.codes(), ["unknown_version"]);
    /// assert!(err.to_string().contains("available: 1.0.0"));
    /// ```
    pub fn validate_json(&self, text: &str) -> Result<ValidatedResponse<'_>, ResponseError> {
        self.validate_json_with(text, &ResponseLimits::default())
    }

    /// [`validate_json`](Self::validate_json) with explicit limits.
    ///
    /// # Errors
    /// [`ResponseError`] with every problem found.
    pub fn validate_json_with(
        &self,
        text: &str,
        limits: &ResponseLimits,
    ) -> Result<ValidatedResponse<'_>, ResponseError> {
        if let Some(validated) = super::fast::validate(text, limits, |id, version| self.by_version(id, version)) {
            return Ok(validated);
        }
        let mut draft = parse::parse(text, limits);
        let Some(DraftRef { id, version }) = &draft.instrument else {
            return Err(refused(draft.problems));
        };
        let Some(version) = version else {
            return Err(refused(draft.problems));
        };
        if let Some(instrument) = self.by_version(id, version) {
            return validate_draft(draft, instrument);
        }
        let problem = if self.versions(id).next().is_some() {
            ResponseProblem::UnknownVersion {
                id: clip(id),
                version: clip(&version.to_string()),
                available: Listing::of(self.versions(id).map(ToString::to_string)),
            }
        } else {
            let mut known: Vec<&str> = self.iter().map(Instrument::id).collect();
            known.dedup();
            ResponseProblem::UnknownInstrument { id: clip(id), known: Listing::of(known) }
        };
        draft.problems.push(problem);
        Err(refused(draft.problems))
    }
}
