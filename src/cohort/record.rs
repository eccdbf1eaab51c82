//! What a cohort keeps of each assessment: the numbers its statistics and tables need, packed
//! into one small allocation, with the texts (ids, titles, option ids, level ids) kept once per
//! instrument version in a shared [`Layout`]. A million organizations' baselines and follow-ups
//! fit in a few hundred megabytes instead of a full score report each.

use std::ops::Range;
use std::sync::Arc;

use jiff::civil::Date;

use crate::instrument::InstrumentRef;
use crate::response::{Organization, ValidatedResponse};
use crate::rules::OverallRule;
use crate::score::{ItemStatus, ScoreReport, Sheet, item_state};
use crate::{Exact, Instrument, SharedStr};

/// The texts every assessment of one instrument version shares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub(crate) instrument: InstrumentRef,
    pub(crate) overall_rule: OverallRule,
    pub(crate) categories: Vec<LayoutCategory>,
    pub(crate) items: Vec<LayoutItem>,
    /// Category level ids by level index (as far as known).
    pub(crate) levels: Vec<Option<SharedStr>>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LayoutCategory {
    pub(crate) id: SharedStr,
    pub(crate) title: SharedStr,
    pub(crate) items: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LayoutItem {
    pub(crate) id: SharedStr,
    /// Answer code `k + 1` is `answers[k]`; code 0 is unanswered.
    pub(crate) answers: Vec<(SharedStr, ItemStatus)>,
}

impl Layout {
    /// The layout of an instrument: every option of every item, in scale order.
    pub(crate) fn of_instrument(instrument: &Instrument) -> Layout {
        let index = instrument.index();
        let names = &index.names;
        let categories = names
            .category_ids
            .iter()
            .zip(&names.category_titles)
            .zip(&index.category_items)
            .map(|((id, title), items)| LayoutCategory { id: id.clone(), title: title.clone(), items: items.clone() })
            .collect();
        let items = names
            .item_ids
            .iter()
            .enumerate()
            .map(|(item, id)| {
                let scale = index.items.get(item).map_or(0, |e| e.scale);
                let options = names.option_ids.get(scale).map(Vec::as_slice).unwrap_or_default();
                let answers = options
                    .iter()
                    .enumerate()
                    .map(|(o, option)| {
                        let status = item_state(index, item, u8::try_from(o).ok()).status;
                        (option.clone(), status)
                    })
                    .collect();
                LayoutItem { id: id.clone(), answers }
            })
            .collect();
        let levels = names
            .levels
            .get(index.category_levels)
            .map_or_else(Vec::new, |set| set.iter().map(|(id, _)| Some(id.clone())).collect());
        Layout {
            instrument: names.reference.clone(),
            overall_rule: instrument.scoring().overall.rule,
            categories,
            items,
            levels,
        }
    }

    /// A layout for a report's structure, with no answers known yet.
    fn of_report(report: &ScoreReport) -> Layout {
        let mut items = Vec::new();
        let categories = report
            .categories
            .iter()
            .map(|c| {
                let start = items.len();
                items.extend(c.items.iter().map(|i| LayoutItem { id: i.id.clone(), answers: Vec::new() }));
                LayoutCategory { id: c.id.clone(), title: c.title.clone(), items: start..items.len() }
            })
            .collect();
        let overall_rule = match report.overall.rule {
            crate::OverallRuleKind::MeanOfCategoryPercents => OverallRule::MeanOfCategoryPercents,
            crate::OverallRuleKind::SumOfCategoryPoints => OverallRule::SumOfCategoryPoints,
        };
        Layout { instrument: report.instrument.clone(), overall_rule, categories, items, levels: Vec::new() }
    }

    /// Whether `report` has this layout's structure (instrument, categories and items).
    fn fits(&self, report: &ScoreReport) -> bool {
        self.instrument == report.instrument
            && self.categories.len() == report.categories.len()
            && self.categories.iter().zip(&report.categories).all(|(l, c)| {
                l.id == c.id
                    && l.title == c.title
                    && l.items.len() == c.items.len()
                    && self.items[l.items.clone()].iter().zip(&c.items).all(|(li, i)| li.id == i.id)
            })
    }

    /// The category of item `item`'s position, by id, within a category.
    pub(crate) fn item_status(&self, item: usize, code: u8) -> Option<ItemStatus> {
        if code == 0 {
            return Some(ItemStatus::Missing);
        }
        self.items.get(item)?.answers.get(usize::from(code) - 1).map(|(_, status)| *status)
    }

    pub(crate) fn answer(&self, item: usize, code: u8) -> Option<&SharedStr> {
        let code = usize::from(code).checked_sub(1)?;
        self.items.get(item)?.answers.get(code).map(|(answer, _)| answer)
    }
}

/// The layouts of a cohort: one per instrument (from responses) and one per report structure.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layouts {
    pub(crate) all: Vec<Arc<Layout>>,
    /// Instruments seen, by address, with what identifies them: the address alone could be
    /// another instrument's after the first was dropped.
    by_instrument: Vec<(usize, InstrumentRef, usize, u32)>,
}

impl Layouts {
    /// The index of the layout of `instrument`, made on first sight.
    fn of_instrument(&mut self, instrument: &Instrument) -> u32 {
        let address = std::ptr::from_ref(instrument) as usize;
        let seen = self.by_instrument.iter().find(|(a, reference, items, _)| {
            *a == address && *items == instrument.item_count() && reference == &instrument.index().names.reference
        });
        if let Some((_, _, _, at)) = seen {
            return *at;
        }
        self.all.push(Arc::new(Layout::of_instrument(instrument)));
        let at = u32::try_from(self.all.len() - 1).unwrap_or(u32::MAX);
        self.by_instrument.push((address, instrument.reference(), instrument.item_count(), at));
        at
    }

    /// The index of a layout that fits `report`, made on first sight.
    fn of_report(&mut self, report: &ScoreReport) -> usize {
        match self.all.iter().position(|l| l.fits(report)) {
            Some(at) => at,
            None => {
                self.all.push(Arc::new(Layout::of_report(report)));
                self.all.len() - 1
            }
        }
    }
}

/// Per category in a record's numbers: points and maximum (u32 each, or u64 each when the
/// record's format byte says so), the level index (u16, `u16::MAX`: none) and flags.
const HAS_PERCENT: u8 = 1;
const FOCUS: u8 = 2;
const NO_LEVEL: u16 = u16::MAX;
/// The record's numbers use u32 points and maxima (10 + 2 + 1 bytes a category), or u64.
const NARROW: u8 = 0;
const WIDE: u8 = 1;

/// Where a text is in the cohort's text arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    start: usize,
    len: u32,
}

const NO_TEXT: u32 = u32::MAX;

/// The texts and numbers of every assessment of a cohort, in two growing buffers: two small
/// allocations in all instead of several per assessment.
#[derive(Debug, Clone, Default)]
pub(crate) struct Arena {
    text: String,
    numbers: Vec<u8>,
}

impl Arena {
    fn text(&mut self, text: &str) -> Span {
        let start = self.text.len();
        // A text over 4 GiB is cut: sources and organization ids are short.
        let text = &text[..floor_char_boundary(text, (NO_TEXT - 1) as usize)];
        self.text.push_str(text);
        Span { start, len: u32::try_from(text.len()).unwrap_or(NO_TEXT - 1) }
    }

    pub(crate) fn get(&self, span: Span) -> Option<&str> {
        (span.len != NO_TEXT).then(|| self.text.get(span.start..span.start + span.len as usize).unwrap_or_default())
    }
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0)
}

/// One assessment, as a cohort keeps it: its texts and numbers are in the cohort's [`Arena`].
#[derive(Debug, Clone)]
pub(crate) struct Record {
    numbers: usize,
    pub(crate) source: Span,
    organization_id: Span,
    organization_name: Span,
    assessed_on: Date,
    layout: u32,
    overall_level: u16,
}

/// An assessment reduced to what a cohort needs, made from a validated response: in any
/// thread, before it is added to a [`Cohort`](crate::Cohort) with
/// [`add_record`](crate::Cohort::add_record).
///
/// ```
/// use health_equity_assessment::{Cohort, CohortOptions, CohortRecord, Registry};
///
/// let registry = Registry::builtin();
/// let baseline = registry.validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let follow_up = registry.validate_json(include_str!("../../examples/heoa-follow-up.json"))?;
/// let mut cohort = Cohort::new();
/// cohort.add_record("baseline.json", CohortRecord::new(&baseline));
/// cohort.add_record("follow-up.json", CohortRecord::new(&follow_up));
/// let mut same = Cohort::new();
/// same.add("baseline.json", baseline.score());
/// same.add("follow-up.json", follow_up.score());
/// let options = CohortOptions::default();
/// assert_eq!(cohort.analyze(&options)?, same.analyze(&options)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CohortRecord<'i> {
    instrument: &'i Instrument,
    numbers: Vec<u8>,
    organization: Organization,
    assessed_on: Date,
    overall_level: u16,
}

impl<'i> CohortRecord<'i> {
    /// Scores the response into the numbers a cohort keeps (without building its report).
    #[must_use]
    pub fn new(response: &ValidatedResponse<'i>) -> Self {
        let instrument = response.instrument();
        let sheet = crate::score::sheet(instrument, response.option_indices(), crate::score::focus_of(response));
        let answers = response.option_indices().iter().map(|a| a.map_or(0, |o| o.saturating_add(1)));
        CohortRecord {
            instrument,
            numbers: pack(&sheet, answers),
            organization: response.organization().clone(),
            assessed_on: response.assessed_on(),
            overall_level: level(sheet.overall.level),
        }
    }

    /// Files the record in the arena, under the cohort's layout of its instrument.
    pub(crate) fn into_record(self, source: &str, layouts: &mut Layouts, arena: &mut Arena) -> Record {
        let layout = layouts.of_instrument(self.instrument);
        Record::store(source, layout, &self.numbers, &self.organization, self.assessed_on, self.overall_level, arena)
    }
}

fn level(level: Option<usize>) -> u16 {
    level.and_then(|l| u16::try_from(l).ok()).filter(|l| *l != NO_LEVEL).unwrap_or(NO_LEVEL)
}

/// A record's numbers: a format byte, per category its numbers, then one answer code per item.
fn pack(sheet: &Sheet, answers: impl Iterator<Item = u8>) -> Vec<u8> {
    let wide =
        sheet.categories.iter().any(|c| u32::try_from(c.max_points).is_err() || u32::try_from(c.points).is_err());
    let mut packed = Vec::with_capacity(1 + sheet.categories.len() * 19 + 64);
    packed.push(if wide { WIDE } else { NARROW });
    for c in &sheet.categories {
        if wide {
            packed.extend_from_slice(&c.points.to_le_bytes());
            packed.extend_from_slice(&c.max_points.to_le_bytes());
        } else {
            packed.extend_from_slice(&u32::try_from(c.points).unwrap_or(u32::MAX).to_le_bytes());
            packed.extend_from_slice(&u32::try_from(c.max_points).unwrap_or(u32::MAX).to_le_bytes());
        }
        packed.extend_from_slice(&level(c.level).to_le_bytes());
        packed.push((u8::from(c.percent.is_some()) * HAS_PERCENT) | (u8::from(c.focus) * FOCUS));
    }
    packed.extend(answers);
    packed
}

impl Record {
    fn store(
        source: &str,
        layout: u32,
        numbers: &[u8],
        organization: &Organization,
        assessed_on: Date,
        overall_level: u16,
        arena: &mut Arena,
    ) -> Record {
        let start = arena.numbers.len();
        arena.numbers.extend_from_slice(numbers);
        Record {
            numbers: start,
            source: arena.text(source),
            organization_id: arena.text(&organization.id),
            organization_name: organization.name.as_ref().map_or(Span { start: 0, len: NO_TEXT }, |n| arena.text(n)),
            assessed_on,
            layout,
            overall_level,
        }
    }

    /// The record of a report, filed under a layout that fits it (new answers and level ids
    /// learned as they come).
    pub(crate) fn of_report(source: &str, report: &ScoreReport, layouts: &mut Layouts, arena: &mut Arena) -> Record {
        let at = layouts.of_report(report);
        let layout = Arc::make_mut(&mut layouts.all[at]);
        let mut codes = Vec::with_capacity(layout.items.len());
        for (c, category) in report.categories.iter().zip(&layout.categories) {
            for (i, item) in c.items.iter().zip(category.items.clone()) {
                let Some(answer) = &i.answer else {
                    codes.push(0);
                    continue;
                };
                let known = &mut layout.items[item].answers;
                let code = match known.iter().position(|(a, s)| a == answer && *s == i.status) {
                    Some(k) => k,
                    None => {
                        known.push((answer.clone(), i.status));
                        known.len() - 1
                    }
                };
                codes.push(u8::try_from(code + 1).unwrap_or(u8::MAX));
            }
            if let (Some(index), Some(id)) = (c.level_index, &c.level) {
                if layout.levels.len() <= index {
                    layout.levels.resize(index + 1, None);
                }
                layout.levels[index].get_or_insert_with(|| id.clone());
            }
        }
        let sheet = Sheet {
            categories: report
                .categories
                .iter()
                .map(|c| crate::score::CategorySheet {
                    focus: c.focus,
                    points: c.points,
                    max_points: c.max_points,
                    percent: c.percent_exact.clone(),
                    level: c.level_index,
                    answered: c.answered,
                })
                .collect(),
            overall: crate::score::OverallSheet {
                points: report.overall.points,
                max_points: report.overall.max_points,
                categories_scored: report.overall.categories_scored,
                percent: None,
                level: report.overall.level_index,
            },
            opportunities: Vec::new(),
        };
        let numbers = pack(&sheet, codes.into_iter());
        let layout = u32::try_from(at).unwrap_or(u32::MAX);
        let level = level(report.overall.level_index);
        Record::store(source, layout, &numbers, &report.organization, report.assessed_on, level, arena)
    }
}

/// A record with its layout: what the cohort's pairing and statistics read.
#[derive(Clone, Copy)]
pub(crate) struct View<'c> {
    pub(crate) layout: &'c Layout,
    record: &'c Record,
    arena: &'c Arena,
}

/// One category of a [`View`].
#[derive(Clone, Copy)]
pub(crate) struct CategoryView<'c> {
    view: View<'c>,
    k: usize,
}

impl<'c> View<'c> {
    pub(crate) fn new(layouts: &'c Layouts, arena: &'c Arena, record: &'c Record) -> Option<Self> {
        let layout = layouts.all.get(usize::try_from(record.layout).ok()?)?;
        Some(View { layout, record, arena })
    }

    pub(crate) fn source(&self) -> &'c str {
        self.arena.get(self.record.source).unwrap_or_default()
    }

    pub(crate) fn instrument(&self) -> &'c InstrumentRef {
        &self.layout.instrument
    }

    pub(crate) fn organization_id(&self) -> &'c str {
        self.arena.get(self.record.organization_id).unwrap_or_default()
    }

    pub(crate) fn organization_name(&self) -> Option<&'c str> {
        self.arena.get(self.record.organization_name)
    }

    pub(crate) fn assessed_on(&self) -> Date {
        self.record.assessed_on
    }

    fn wide(&self) -> bool {
        self.arena.numbers.get(self.record.numbers) == Some(&WIDE)
    }

    fn category_bytes(&self) -> usize {
        if self.wide() { 19 } else { 11 }
    }

    fn answers(&self) -> &'c [u8] {
        let start = self.record.numbers + 1 + self.layout.categories.len() * self.category_bytes();
        self.arena.numbers.get(start..start + self.layout.items.len()).unwrap_or_default()
    }

    pub(crate) fn categories(&self) -> impl Iterator<Item = CategoryView<'c>> + 'c {
        let view = *self;
        (0..self.layout.categories.len()).map(move |k| CategoryView { view, k })
    }

    pub(crate) fn category(&self, k: usize) -> Option<CategoryView<'c>> {
        (k < self.layout.categories.len()).then_some(CategoryView { view: *self, k })
    }

    pub(crate) fn category_by_id(&self, id: &str) -> Option<CategoryView<'c>> {
        let k = self.layout.categories.iter().position(|c| c.id == *id)?;
        self.category(k)
    }

    /// Every item id with its answer, instrument order.
    pub(crate) fn answer_pairs(&self) -> impl Iterator<Item = (&'c str, Option<&'c str>)> + 'c {
        let layout = self.layout;
        self.answers().iter().enumerate().map(move |(item, &code)| {
            (layout.items[item].id.as_str(), layout.answer(item, code).map(SharedStr::as_str))
        })
    }

    /// Whether the answers are the same codes under the same layout.
    pub(crate) fn same_codes(&self, other: &View<'_>) -> bool {
        std::ptr::eq(self.layout, other.layout) && self.answers() == other.answers()
    }

    pub(crate) fn overall_percent(&self) -> Option<Exact> {
        let parts: Vec<(u64, u64, Option<Exact>)> =
            self.categories().map(|c| (c.points(), c.max_points(), c.percent_exact())).collect();
        let parts: Vec<(u64, u64, Option<&Exact>)> = parts.iter().map(|(p, m, e)| (*p, *m, e.as_ref())).collect();
        self.layout.overall_rule.percent(&parts)
    }

    pub(crate) fn overall_level(&self) -> Option<usize> {
        (self.record.overall_level != NO_LEVEL).then_some(usize::from(self.record.overall_level))
    }

    /// Exact terms that add up to the overall percent, each with a small denominator: the
    /// scored category percents over their count (mean rule), or the percent itself (sum
    /// rule). A cohort adds these instead of the overall percents, whose denominators differ
    /// from organization to organization, so its sums stay linear in the organizations.
    pub(crate) fn overall_percent_terms(&self, overall: Option<&Exact>) -> Vec<Exact> {
        let percents: Vec<Option<Exact>> = self.categories().map(|c| c.percent_exact()).collect();
        let percents: Vec<Option<&Exact>> = percents.iter().map(Option::as_ref).collect();
        self.layout.overall_rule.percent_terms(overall, &percents)
    }
}

impl<'c> CategoryView<'c> {
    fn bytes(&self) -> &'c [u8] {
        let size = self.view.category_bytes();
        let start = self.view.record.numbers + 1 + self.k * size;
        self.view.arena.numbers.get(start..start + size).unwrap_or_default()
    }

    fn number(&self, field: usize) -> u64 {
        let b = self.bytes();
        if self.view.wide() {
            b.get(field * 8..field * 8 + 8).and_then(|w| w.try_into().ok()).map_or(0, u64::from_le_bytes)
        } else {
            b.get(field * 4..field * 4 + 4)
                .and_then(|w| w.try_into().ok())
                .map_or(0, |w| u64::from(u32::from_le_bytes(w)))
        }
    }

    fn tail(&self) -> (u16, u8) {
        let b = self.bytes();
        let n = b.len();
        if n < 3 {
            return (NO_LEVEL, 0);
        }
        (u16::from_le_bytes([b[n - 3], b[n - 2]]), b[n - 1])
    }

    pub(crate) fn id(&self) -> &'c SharedStr {
        &self.view.layout.categories[self.k].id
    }

    pub(crate) fn title(&self) -> &'c SharedStr {
        &self.view.layout.categories[self.k].title
    }

    pub(crate) fn points(&self) -> u64 {
        self.number(0)
    }

    pub(crate) fn max_points(&self) -> u64 {
        self.number(1)
    }

    pub(crate) fn focus(&self) -> bool {
        self.tail().1 & FOCUS != 0
    }

    pub(crate) fn percent_exact(&self) -> Option<Exact> {
        if self.tail().1 & HAS_PERCENT == 0 {
            return None;
        }
        Exact::percent(self.points(), self.max_points())
    }

    pub(crate) fn level_index(&self) -> Option<usize> {
        let level = self.tail().0;
        (level != NO_LEVEL).then_some(usize::from(level))
    }

    pub(crate) fn level_id(&self) -> Option<&'c SharedStr> {
        self.view.layout.levels.get(self.level_index()?)?.as_ref()
    }

    fn item_range(&self) -> Range<usize> {
        self.view.layout.categories[self.k].items.clone()
    }

    pub(crate) fn item_ids(&self) -> impl Iterator<Item = &'c SharedStr> + 'c {
        let layout = self.view.layout;
        self.item_range().map(move |i| &layout.items[i].id)
    }

    pub(crate) fn item_count(&self) -> usize {
        self.item_range().len()
    }

    /// The status of the category's item `i` (position), by position when the ids agree, else by
    /// id.
    pub(crate) fn item_status_like(&self, i: usize, id: &str) -> Option<ItemStatus> {
        let range = self.item_range();
        let answers = self.view.answers();
        let at = |item: usize| self.view.layout.item_status(item, *answers.get(item)?);
        match range.clone().nth(i) {
            Some(item) if self.view.layout.items[item].id == *id => at(item),
            _ => range.clone().find(|&item| self.view.layout.items[item].id == *id).and_then(at),
        }
    }

    fn statuses(&self) -> impl Iterator<Item = ItemStatus> + 'c {
        let answers = self.view.answers();
        let layout = self.view.layout;
        self.item_range().filter_map(move |item| layout.item_status(item, *answers.get(item)?))
    }

    pub(crate) fn answered(&self) -> usize {
        self.statuses().filter(|s| *s != ItemStatus::Missing).count()
    }

    pub(crate) fn missing(&self) -> usize {
        self.statuses().filter(|s| *s == ItemStatus::Missing).count()
    }

    pub(crate) fn not_applicable(&self) -> usize {
        self.statuses().filter(|s| *s == ItemStatus::NotApplicable).count()
    }
}
