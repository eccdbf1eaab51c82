//! Output that is safe for whoever reads it: a terminal, a Markdown renderer, a spreadsheet.
//!
//! Free text in reports (organization names, notes, custom instruments' titles and labels,
//! file names) comes from input, so every renderer passes it through the escaper of its format:
//!
//! - terminals and line-oriented readers: [`escape_controls`] shows control characters as
//!   escapes, so input can neither colour a terminal, move its cursor, nor forge a line;
//! - Markdown: [`escape_markdown`] turns HTML and Markdown syntax into literal text, so input
//!   can inject neither raw HTML nor a link or an image;
//! - CSV opened in a spreadsheet: [`neutralize_formula`] prefixes a text cell that a
//!   spreadsheet would run as a formula with `'`, as OWASP recommends (CSV injection);
//!   [`restore_formula`] undoes it.
//!
//! HTML output escapes element content and attribute values the usual way; JSON output is
//! escaped by the JSON writer.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal or a line-oriented reader raw: C0 and C1 controls,
/// DEL, the line and paragraph separators, and the bidirectional overrides and isolates that
/// can reorder what a reader sees ("Trojan Source").
///
/// ```
/// use health_equity_assessment::is_unsafe_char;
///
/// assert!(is_unsafe_char('\u{1b}') && is_unsafe_char('\n') && is_unsafe_char('\u{202e}'));
/// assert!(!is_unsafe_char('é') && !is_unsafe_char(' '));
/// ```
#[must_use]
pub fn is_unsafe_char(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// `text` with every [unsafe character](is_unsafe_char) written as a Rust-style escape (`\n`,
/// `\t`, `\r`, `\u{1b}`): a person reading a terminal or a log sees which bytes were sent,
/// never what they would do. Borrowed when there is nothing to escape.
///
/// ```
/// use health_equity_assessment::escape_controls;
///
/// assert_eq!(escape_controls("org-1"), "org-1");
/// assert_eq!(escape_controls("a\u{1b}[31mb\nc"), r"a\u{1b}[31mb\nc");
/// ```
#[must_use]
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `text` as literal Markdown inline text (CommonMark and GitHub Flavored Markdown): `&`, `<`
/// and `>` become character references, so no raw HTML survives; the characters that open
/// emphasis, code, links, images, tables, strikethrough and autolinks are backslash-escaped;
/// a leading `#`, `-`, `+` or `1.` cannot start a heading or a list; and line breaks become
/// spaces, so the text stays inside its line, list item or table cell.
///
/// ```
/// use health_equity_assessment::escape_markdown;
///
/// let hostile = "<img src=x onerror=alert(1)>[x](javascript:alert(1))";
/// let safe = escape_markdown(hostile);
/// assert!(!safe.contains("<img") && !safe.contains("](javascript:"));
/// assert_eq!(escape_markdown("Example Community Hospital"), "Example Community Hospital");
/// ```
#[must_use]
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // A leading block marker would make a heading, quote or list of the text.
    let digits: usize = text.bytes().take_while(u8::is_ascii_digit).count();
    let ordered = digits > 0 && matches!(text.as_bytes().get(digits), Some(b'.' | b')'));
    if matches!(text.as_bytes().first(), Some(b'#' | b'-' | b'+' | b'=')) {
        out.push('\\');
    }
    let mut position = 0usize;
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_unsafe_char(c) => out.push_str(&escape_controls(c.encode_utf8(&mut [0; 4]))),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '|' | '~' | ':' | '@' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '.' if ordered && position == digits => {
                out.push('\\');
                out.push(c);
            }
            // `www.` starts an extended autolink in GitHub Flavored Markdown.
            '.' if out.ends_with("www") || out.ends_with("WWW") => out.push_str("\\."),
            c => out.push(c),
        }
        position += c.len_utf8();
    }
    out
}

/// Whether a spreadsheet would treat a text cell beginning with `c` as a formula (OWASP's list
/// for CSV injection: `=`, `+`, `-`, `@`, tab, carriage return).
fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// Whether `text` is apostrophes followed by a formula character (`=x`, `'=x`, `''@x`).
fn needs_prefix(text: &str) -> bool {
    text.trim_start_matches('\'').chars().next().is_some_and(starts_formula)
}

/// A CSV text cell made safe to open in a spreadsheet: a cell that begins with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'`, as OWASP recommends against CSV
/// injection. A cell of apostrophes followed by one of those characters gets one more `'`, so
/// [`restore_formula`] gives back exactly the original text. Numbers and dates are never passed
/// through this function; other text is unchanged.
///
/// ```
/// use health_equity_assessment::{neutralize_formula, restore_formula};
///
/// assert_eq!(neutralize_formula("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(neutralize_formula("'Ohana Health"), "'Ohana Health");
/// for text in ["=1+1", "'=1", "-", "plain", "'Ohana"] {
///     assert_eq!(restore_formula(&neutralize_formula(text)), text);
/// }
/// ```
#[must_use]
pub fn neutralize_formula(text: &str) -> Cow<'_, str> {
    if needs_prefix(text) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// The inverse of [`neutralize_formula`]: removes the `'` it added. Text it would not have
/// changed is returned unchanged.
#[must_use]
pub fn restore_formula(text: &str) -> Cow<'_, str> {
    match text.strip_prefix('\'') {
        Some(rest) if needs_prefix(rest) => Cow::Borrowed(rest),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_neutralizes_every_construct() {
        for (input, expected) in [
            ("# Title", "\\# Title"),
            ("- item", "\\- item"),
            ("12. list", "12\\. list"),
            ("1) list", "1\\) list"),
            ("a | b", "a \\| b"),
            ("line\nbreak", "line break"),
            ("visit www.evil.example", "visit www\\.evil.example"),
            ("https://x", "https\\://x"),
            ("`code`", "\\`code\\`"),
            ("![i](u)", "\\!\\[i\\]\\(u\\)"),
            ("a & b", "a &amp; b"),
            ("Hospital: East (North)", "Hospital\\: East \\(North\\)"),
        ] {
            assert_eq!(escape_markdown(input), expected, "{input:?}");
        }
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(escape_controls("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(escape_controls("\u{202e}abc"), "\\u{202e}abc");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn formulas_round_trip() {
        for text in ["", "=", "'", "''", "'=", "''=", "+1", "-1", "@SUM", "\tx", "\rx", "a=b", "'a"] {
            let safe = neutralize_formula(text);
            assert!(!safe.chars().next().is_some_and(starts_formula), "{text:?} -> {safe:?}");
            assert_eq!(restore_formula(&safe), text, "{text:?}");
        }
    }
}
