//! Human-readable renderings of reports. JSON output is the reports' own serde form.

pub mod chart;
pub mod cohort_text;
pub mod prefill_text;
pub mod progress;
pub mod score_text;

/// Text from the input for a terminal: control characters (line breaks included) shown escaped.
pub(crate) fn t(text: &str) -> std::borrow::Cow<'_, str> {
    health_equity_assessment::escape_controls(text)
}

/// The widest a padded text column gets, in characters: a longer entry overflows its own row
/// instead of padding every row of the table to its length (a megabyte title would otherwise
/// make the table rows × megabytes).
const MAX_COLUMN: usize = 80;

/// The width of a text column: its longest entry, at least `min`, at most [`MAX_COLUMN`].
pub(crate) fn column_width(lengths: impl Iterator<Item = usize>, min: usize) -> usize {
    lengths.max().unwrap_or(0).clamp(min, MAX_COLUMN.max(min))
}

/// Pads `text` with spaces to `width` characters (counted as `char`s).
pub(crate) fn pad(text: &str, width: usize) -> String {
    let len = text.chars().count();
    let mut out = String::with_capacity(width.max(len));
    out.push_str(text);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(len)));
    out
}

/// Right-aligns `text` in `width` characters.
pub(crate) fn pad_left(text: &str, width: usize) -> String {
    let len = text.chars().count();
    let mut out: String = std::iter::repeat_n(' ', width.saturating_sub(len)).collect();
    out.push_str(text);
    out
}

/// A percent for people: two decimals from the exact value, or an em dash when absent.
pub(crate) fn percent(exact: Option<&health_equity_assessment::Exact>) -> String {
    exact.map_or_else(|| "—".to_owned(), |p| format!("{}%", p.to_decimal_string(2)))
}
