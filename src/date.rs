//! Calendar dates as documents write them: exactly `YYYY-MM-DD` (ISO 8601), one parser and one
//! serde form for every date field of the crate.

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serializer};

/// Parses a calendar date as documents write it: exactly `YYYY-MM-DD` (ISO 8601), a real day.
///
/// ```
/// use health_equity_assessment::parse_date;
///
/// assert_eq!(parse_date("2024-02-29")?, health_equity_assessment::Date::constant(2024, 2, 29));
/// assert_eq!(parse_date("2023-02-29").unwrap_err().to_string().split(':').next(), Some("\"2023-02-29\" is not a calendar date YYYY-MM-DD"));
/// assert!(parse_date("2023-2-1").is_err());
/// # Ok::<(), health_equity_assessment::DateError>(())
/// ```
///
/// # Errors
/// [`DateError`] naming the text and why it is not a date.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    parse(text).map_err(|reason| DateError { input: crate::json::clip(text), reason })
}

/// Text that is not a calendar date `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", not_a_date(.input, .reason))]
pub struct DateError {
    input: String,
    reason: String,
}

impl crate::problem::Problem for DateError {
    fn code(&self) -> &'static str {
        "malformed_date"
    }

    fn location(&self) -> crate::problem::Location<'_> {
        crate::problem::Location::Inputs
    }
}

/// Parses an ISO 8601 calendar date, exactly `YYYY-MM-DD`, or says why it is not one.
pub(crate) fn parse(text: &str) -> Result<Date, String> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err("expected exactly YYYY-MM-DD".to_owned());
    }
    text.parse::<Date>().map_err(|e| e.to_string())
}

/// The message for text that is not a date, as every reader writes it.
pub(crate) fn not_a_date(text: &str, reason: &str) -> String {
    format!("{:?} is not a calendar date YYYY-MM-DD: {reason}", crate::json::clip(text))
}

/// Serde for a date field: `#[serde(with = "crate::date::serde_date")]`.
pub(crate) mod serde_date {
    use super::{Date, Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(date)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        super::parse(&text).map_err(|reason| serde::de::Error::custom(super::not_a_date(&text, &reason)))
    }
}

/// Serde for a list of dates: `#[serde(with = "crate::date::serde_dates")]`.
pub(crate) mod serde_dates {
    use super::{Date, Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(dates: &[Date], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(dates.iter().map(ToString::to_string))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Date>, D::Error> {
        let texts = Vec::<String>::deserialize(deserializer)?;
        texts
            .iter()
            .map(|t| super::parse(t).map_err(|reason| serde::de::Error::custom(super::not_a_date(t, &reason))))
            .collect()
    }
}

/// The JSON Schema of a calendar date: `#[schemars(with = "crate::date::DateSchema")]`.
pub(crate) struct DateSchema;

impl schemars::JsonSchema for DateSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An ISO 8601 calendar date, YYYY-MM-DD (RFC 3339 full-date).",
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        })
    }
}
