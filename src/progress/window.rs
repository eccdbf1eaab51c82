//! The follow-up window: was the follow-up assessment completed within the agreed time after
//! the improvement program ended?
//!
//! IPRO's HEOA affinity group asks participants to "complete another HEOA assessment within one
//! month of completing the affinity group". This module makes that rule exact:
//!
//! - the window is an ISO 8601 calendar duration (default `P1M`), added to the program's
//!   completion date with calendar arithmetic: one month after 2023-05-11 is 2023-06-11; one
//!   month after 2023-01-31 is 2023-02-28 (2024-02-29 in a leap year), never "30 days";
//! - the deadline is inclusive, and so is the completion day itself: a follow-up on any day from
//!   the completion date to the deadline is [`within`](WindowVerdict::Within);
//! - a follow-up dated before the completion date is
//!   [`before_program_end`](WindowVerdict::BeforeProgramEnd); one after the deadline is
//!   [`late`](WindowVerdict::Late) by a number of days.

use std::fmt;
use std::str::FromStr;

use jiff::Span;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A window given as an ISO 8601 calendar duration of whole days, weeks, months or years,
/// such as `P1M`, `P6W` or `P1Y2M`.
///
/// ```
/// use health_equity_assessment::FollowUpWindow;
/// use health_equity_assessment::Date;
///
/// let one_month: FollowUpWindow = "P1M".parse()?;
/// assert_eq!(one_month.deadline(Date::constant(2023, 5, 11)), Some(Date::constant(2023, 6, 11)));
/// assert_eq!(one_month.deadline(Date::constant(2023, 1, 31)), Some(Date::constant(2023, 2, 28)));
/// assert_eq!(one_month.deadline(Date::constant(2024, 1, 31)), Some(Date::constant(2024, 2, 29)));
/// assert!("PT12H".parse::<FollowUpWindow>().is_err());
/// # Ok::<(), health_equity_assessment::WindowError>(())
/// ```
#[derive(Clone, Copy)]
pub struct FollowUpWindow {
    span: Span,
}

impl PartialEq for FollowUpWindow {
    /// Field by field: `P1M` and `P30D` are different windows.
    fn eq(&self, other: &Self) -> bool {
        self.span.fieldwise() == other.span.fieldwise()
    }
}

impl Eq for FollowUpWindow {}

impl FollowUpWindow {
    /// One calendar month, the affinity group's rule.
    #[must_use]
    pub fn one_month() -> Self {
        FollowUpWindow { span: Span::new().months(1) }
    }

    /// The last day of the window that opens on `completed_on`, or `None` when it falls
    /// outside the supported calendar (years -9999 to 9999).
    #[must_use]
    pub fn deadline(&self, completed_on: Date) -> Option<Date> {
        completed_on.checked_add(self.span).ok()
    }

    /// The duration.
    #[must_use]
    pub fn span(&self) -> Span {
        self.span
    }
}

impl Default for FollowUpWindow {
    fn default() -> Self {
        Self::one_month()
    }
}

impl fmt::Display for FollowUpWindow {
    /// ISO 8601, as the window was given: `P1M`, `P6W`, `P1Y2M`; the empty window is `P0D`
    /// (jiff writes a zero span as `PT0S`, a time duration this format does not accept).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.span.is_zero() { f.pad("P0D") } else { f.pad(&self.span.to_string()) }
    }
}

impl fmt::Debug for FollowUpWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FollowUpWindow({})", self.span)
    }
}

/// The error returned for a window that is not a usable ISO 8601 calendar duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid follow-up window {input:?}: {reason}")]
pub struct WindowError {
    input: String,
    reason: String,
}

impl crate::problem::Problem for WindowError {
    fn code(&self) -> &'static str {
        "invalid_window"
    }

    fn location(&self) -> crate::problem::Location<'_> {
        crate::problem::Location::Inputs
    }
}

impl FromStr for FollowUpWindow {
    type Err = WindowError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: &str| WindowError { input: crate::json::clip(s), reason: reason.to_owned() };
        // jiff also reads its "friendly" format ("1 month"); the contract is ISO 8601.
        if !s.starts_with('P') {
            return Err(err("expected an ISO 8601 duration such as P1M, P30D or P6W"));
        }
        let span: Span = s.parse().map_err(|e: jiff::Error| err(&e.to_string()))?;
        if span.is_negative() {
            return Err(err("the window cannot be negative"));
        }
        let time_units = [
            span.get_hours() != 0,
            span.get_minutes() != 0,
            span.get_seconds() != 0,
            span.get_milliseconds() != 0,
            span.get_microseconds() != 0,
            span.get_nanoseconds() != 0,
        ];
        if time_units.into_iter().any(|t| t) {
            return Err(err("the window is counted in whole days, weeks, months or years, not hours"));
        }
        Ok(FollowUpWindow { span })
    }
}

impl Serialize for FollowUpWindow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FollowUpWindow {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for FollowUpWindow {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FollowUpWindow".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An ISO 8601 calendar duration of whole years, months, weeks or days, such as P1M.",
            "type": "string",
            "pattern": "^P(?!$)([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?$"
        })
    }
}

/// An improvement program whose end starts the follow-up window.
///
/// ```
/// use health_equity_assessment::Program;
/// use health_equity_assessment::Date;
///
/// let program = Program::new(Date::constant(2023, 5, 11)).with_name("IPRO HEOA Affinity Group");
/// assert_eq!(program.deadline(), Some(Date::constant(2023, 6, 11)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Program {
    /// The program's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// The day the program was completed (for the affinity group, its last session).
    #[serde(with = "crate::date::serde_date")]
    #[schemars(with = "crate::date::DateSchema")]
    pub completed_on: Date,
    /// The session dates, for the record.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "crate::date::serde_dates")]
    #[schemars(with = "Vec<crate::date::DateSchema>")]
    pub sessions: Vec<Date>,
    /// How long after completion the follow-up may be taken (default `P1M`).
    #[serde(default)]
    pub window: FollowUpWindow,
}

impl Program {
    /// A program completed on `completed_on`, with the default one-month window.
    #[must_use]
    pub fn new(completed_on: Date) -> Self {
        Program { name: None, completed_on, sessions: Vec::new(), window: FollowUpWindow::default() }
    }

    /// Sets the name.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the session dates.
    #[must_use]
    pub fn with_sessions(mut self, sessions: Vec<Date>) -> Self {
        self.sessions = sessions;
        self
    }

    /// Sets the window.
    #[must_use]
    pub fn with_window(mut self, window: FollowUpWindow) -> Self {
        self.window = window;
        self
    }

    /// The last day a follow-up counts as within the window.
    #[must_use]
    pub fn deadline(&self) -> Option<Date> {
        self.window.deadline(self.completed_on)
    }

    /// Checks a follow-up date against the window.
    #[must_use]
    pub fn check(&self, follow_up: Date) -> WindowCheck {
        let deadline = self.deadline();
        let (verdict, days_late) = self.verdict(deadline, follow_up);
        WindowCheck { program: Some(self.clone()), deadline, follow_up, verdict, days_late }
    }

    /// The verdict and days late for a follow-up, given this program's `deadline` (so a cohort
    /// computes the deadline once).
    pub(crate) fn verdict(&self, deadline: Option<Date>, follow_up: Date) -> (WindowVerdict, Option<u32>) {
        match deadline {
            _ if follow_up < self.completed_on => (WindowVerdict::BeforeProgramEnd, None),
            Some(deadline) if follow_up <= deadline => (WindowVerdict::Within, None),
            Some(deadline) => {
                let days = deadline.until(follow_up).map(|s| s.get_days()).unwrap_or_default();
                (WindowVerdict::Late, Some(u32::try_from(days).unwrap_or_default()))
            }
            // A deadline past the calendar's end: every representable date is within it.
            None => (WindowVerdict::Within, None),
        }
    }
}

/// Where the follow-up falls relative to the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WindowVerdict {
    /// On or after the completion date and on or before the deadline.
    Within,
    /// Before the program was completed.
    BeforeProgramEnd,
    /// After the deadline (see `days_late`).
    Late,
    /// No program was given, so nothing was checked.
    NotChecked,
}

impl WindowVerdict {
    /// The verdict as written in reports, e.g. `before_program_end`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            WindowVerdict::Within => "within",
            WindowVerdict::BeforeProgramEnd => "before_program_end",
            WindowVerdict::Late => "late",
            WindowVerdict::NotChecked => "not_checked",
        }
    }
}

/// The verdict for people: `within`, `before program end`, `late`, `not checked`. Honours
/// width, fill and alignment.
///
/// ```
/// use health_equity_assessment::WindowVerdict;
///
/// assert_eq!(format!("{:>20}", WindowVerdict::BeforeProgramEnd), "  before program end");
/// ```
impl fmt::Display for WindowVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            WindowVerdict::Within => "within",
            WindowVerdict::BeforeProgramEnd => "before program end",
            WindowVerdict::Late => "late",
            WindowVerdict::NotChecked => "not checked",
        })
    }
}

/// The window check in a progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct WindowCheck {
    /// The program, when one was given.
    pub program: Option<Program>,
    /// The last day within the window.
    #[serde(with = "optional_date")]
    #[schemars(with = "Option<crate::date::DateSchema>")]
    pub deadline: Option<Date>,
    /// The follow-up date checked.
    #[serde(with = "crate::date::serde_date")]
    #[schemars(with = "crate::date::DateSchema")]
    pub follow_up: Date,
    /// The verdict.
    pub verdict: WindowVerdict,
    /// Days after the deadline, for a `late` verdict.
    pub days_late: Option<u32>,
}

impl WindowCheck {
    /// The check when no program is given.
    #[must_use]
    pub fn not_checked(follow_up: Date) -> Self {
        WindowCheck { program: None, deadline: None, follow_up, verdict: WindowVerdict::NotChecked, days_late: None }
    }
}

mod optional_date {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ref_option)] // serde's `with` passes a reference to the field
    pub(super) fn serialize<S: Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => serializer.collect_str(d),
            None => serializer.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Date>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|t| crate::date::parse(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn one_month_is_calendar_arithmetic_and_inclusive_at_both_ends() {
        let program = Program::new(date(2023, 5, 11));
        assert_eq!(program.check(date(2023, 5, 11)).verdict, WindowVerdict::Within);
        assert_eq!(program.check(date(2023, 6, 11)).verdict, WindowVerdict::Within);
        let late = program.check(date(2023, 6, 12));
        assert_eq!((late.verdict, late.days_late), (WindowVerdict::Late, Some(1)));
        assert_eq!(program.check(date(2023, 5, 10)).verdict, WindowVerdict::BeforeProgramEnd);
        assert_eq!(Program::new(date(2023, 1, 31)).deadline(), Some(date(2023, 2, 28)));
        assert_eq!(Program::new(date(2024, 1, 31)).deadline(), Some(date(2024, 2, 29)));
        assert_eq!(Program::new(date(2023, 12, 31)).deadline(), Some(date(2024, 1, 31)));
        let late = Program::new(date(2023, 1, 31)).check(date(2023, 3, 31));
        assert_eq!(late.days_late, Some(31));
    }

    #[test]
    fn windows_parse_as_iso_8601_calendar_durations() {
        for ok in ["P1M", "P30D", "P6W", "P1Y", "P0D", "P1Y2M3D"] {
            let w: FollowUpWindow = ok.parse().unwrap();
            assert_eq!(w.to_string().parse::<FollowUpWindow>().unwrap(), w, "{ok}");
        }
        for bad in ["", "1M", "1 month", "P", "PT1H", "P1DT2H", "-P1M", "P1.5M", "P99999999Y"] {
            assert!(bad.parse::<FollowUpWindow>().is_err(), "{bad}");
        }
        let six_weeks: FollowUpWindow = "P6W".parse().unwrap();
        assert_eq!(six_weeks.deadline(date(2023, 5, 11)), Some(date(2023, 6, 22)));
        let huge: FollowUpWindow = "P9000Y".parse().unwrap();
        assert_eq!(huge.deadline(date(2023, 5, 11)), None);
        assert_eq!(
            Program::new(date(2023, 5, 11)).with_window(huge).check(date(9999, 1, 1)).verdict,
            WindowVerdict::Within
        );
    }
}
