//! Responses built in code, for programs that do not start from JSON text.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::{Organization, Response};
use crate::{InstrumentRef, SharedStr};

/// Builds a [`Response`] in code: [`Response::builder`], then the answers, then
/// [`build`](Self::build). Nothing is checked until the response is validated against its
/// instrument, exactly as a response read from JSON.
///
/// ```
/// use health_equity_assessment::{InstrumentRef, Registry, Response};
///
/// let heoa: InstrumentRef = "heoa@1.0.0".parse()?;
/// let date = health_equity_assessment::Date::constant(2024, 3, 1);
/// let response = Response::builder(heoa, "org-042", date)
///     .name("Riverside General")
///     .answer("data-collection.real-self-reported", "implemented")
///     .answer("data-collection.sogi", "in_progress")
///     .note("data-collection.sogi", "EHR fields added in January")
///     .focus("data-collection")
///     .build();
/// let instrument = Registry::builtin().by_reference(&response.instrument).ok_or("not built in")?;
/// let report = response.validate(instrument)?.score();
/// let mut table = String::new();
/// for category in &report.categories {
///     let level = category.level.as_ref().map_or("-", |l| l.as_str());
///     table.push_str(&format!("{:<30}{:>4}/{:<4}{}\n", category.title, category.points, category.max_points, level));
/// }
/// assert!(table.starts_with("Data collection                  5/18  developing\n"), "{table}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ResponseBuilder {
    response: Response,
}

impl Response {
    /// A builder for a response to `instrument` by organization `organization_id`, assessed on
    /// `assessed_on`.
    pub fn builder(
        instrument: InstrumentRef,
        organization_id: impl Into<SharedStr>,
        assessed_on: Date,
    ) -> ResponseBuilder {
        ResponseBuilder {
            response: Response {
                instrument,
                organization: Organization { id: organization_id.into(), name: None },
                assessed_on,
                answers: BTreeMap::new(),
                notes: None,
                focus_categories: None,
                extensions: None,
            },
        }
    }
}

impl ResponseBuilder {
    /// The organization's name.
    pub fn name(mut self, name: impl Into<SharedStr>) -> Self {
        self.response.organization.name = Some(name.into());
        self
    }

    /// Answers `item` with the option id `option` (a second answer to the same item replaces
    /// the first).
    pub fn answer(mut self, item: impl Into<String>, option: impl Into<String>) -> Self {
        self.response.answers.insert(item.into(), option.into());
        self
    }

    /// A note on `item`.
    pub fn note(mut self, item: impl Into<String>, text: impl Into<String>) -> Self {
        self.response.notes.get_or_insert_with(BTreeMap::new).insert(item.into(), text.into());
        self
    }

    /// Marks `category` as one the organization focuses on.
    pub fn focus(mut self, category: impl Into<String>) -> Self {
        self.response.focus_categories.get_or_insert_with(Vec::new).push(category.into());
        self
    }

    /// The response.
    #[must_use]
    pub fn build(self) -> Response {
        self.response
    }
}
