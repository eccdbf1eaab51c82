//! What every renderer shares: escaping per output format, padded columns, percents, and the
//! HTML page frame.

use std::borrow::Cow;

use crate::Exact;

/// Text from the input for a terminal: control characters (line breaks included) shown escaped.
pub(crate) fn t(text: &str) -> Cow<'_, str> {
    crate::escape_controls(text)
}

/// How text from the input is made safe for one output format.
pub(crate) type Escape = fn(&str) -> String;

pub(crate) fn escape_terminal(text: &str) -> String {
    t(text).into_owned()
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
    format!("{text:<width$}")
}

/// Right-aligns `text` in `width` characters.
pub(crate) fn pad_left(text: &str, width: usize) -> String {
    format!("{text:>width$}")
}

/// A percent for people: two decimals from the exact value.
pub(crate) fn percent_text(exact: &Exact) -> String {
    format!("{}%", exact.to_decimal_string(2))
}

/// A percent for people, or an em dash when absent.
pub(crate) fn percent(exact: Option<&Exact>) -> String {
    exact.map_or_else(|| "—".to_owned(), percent_text)
}

/// A change in percentage points with its sign (`+16.67`, `-6.67`, `0.00`), or an em dash.
pub(crate) fn signed(change: Option<&Exact>) -> String {
    match change {
        None => "—".to_owned(),
        Some(c) if c.sign() == std::cmp::Ordering::Greater => format!("+{}", c.to_decimal_string(2)),
        Some(c) => c.to_decimal_string(2),
    }
}

/// The levels of a level set for a caption: `Beginning from 0%, Developing from 25%, …`, the
/// labels escaped by `esc`.
pub(crate) fn bands_sentence(levels: &[crate::Level], esc: Escape) -> String {
    levels
        .iter()
        .map(|l| format!("{} from {}%", esc(&l.label), l.min_percent.to_decimal_string(2).trim_end_matches(".00")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text from the input as literal Markdown: no raw HTML, links, images or table breaks.
pub(crate) fn md(text: &str) -> String {
    crate::escape_markdown(text)
}

/// ASCII ids and versions (`heoa@1.0.0`) as a code span, which no Markdown renderer links.
pub(crate) fn code_span(text: &str) -> String {
    format!("`{}`", text.replace('`', ""))
}

/// A fenced code block around `body` (text from the input, control characters escaped): the
/// fence is longer than any run of backticks inside, so the body cannot close it.
pub(crate) fn code_block(info: &str, body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{info}\n{body}{fence}\n")
}

/// Escapes text for HTML element content and attribute values. Control and bidirectional
/// characters are shown as escapes (`\u{1b}`), as on a terminal: HTML has no safe way to write
/// them, and the page may well be read with `cat`.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if crate::is_unsafe_char(c) => {
                out.push_str(&crate::escape_controls(c.encode_utf8(&mut [0; 4])));
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The style of every HTML report: readable on a screen, and on paper (A4 or Letter: the page
/// size is left to the printer, margins are set, the chart scales to the text width and
/// sections are not split across pages where that can be helped).
const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1d2733;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d6dde6;padding-bottom:.2rem}h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.meta{color:#4a5868}.summary{background:#f2f6fa;border-left:4px solid #1f5c99;padding:.7rem 1rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e3e8ee;vertical-align:top}
th{background:#f7f9fb}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.improved{color:#1b7a3a;font-weight:600}
.declined{color:#b3261e;font-weight:600}.focus{font-size:.8rem;background:#fff3c4;border-radius:3px;padding:0 .3rem;margin-left:.3rem;white-space:nowrap}
figure{margin:1rem 0}figcaption{color:#4a5868;font-size:.9rem;margin-top:.3rem}.chart svg{width:100%;height:auto;display:block}
.small-multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1rem}
li{margin:.2rem 0}footer{margin-top:2rem;color:#6b7886;font-size:.85rem}.answer{white-space:nowrap}
@media (max-width:600px){body{margin:1rem auto}table{display:block;overflow-x:auto;font-size:.85rem}th,td{padding:.3rem .4rem}.chart{overflow-x:auto}.chart svg{min-width:640px}}
@media print{@page{margin:14mm}body{max-width:none;margin:0;padding:0;font-size:10.5pt;color:#000}
h2{break-after:avoid;page-break-after:avoid}h3{break-after:avoid;page-break-after:avoid}
figure,tr,.summary,section.category{break-inside:avoid;page-break-inside:avoid}
.summary{border:1px solid #999;border-left:4px solid #1f5c99}th{background:none}a{color:inherit;text-decoration:none}}";

/// The start of an HTML page: doctype, metadata, title (already escaped) and style.
pub(crate) fn page_start(out: &mut String, title: &str) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // No network: nothing may be fetched, whatever a future edit puts in the page.
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n",
    );
    out.push_str("<title>");
    out.push_str(title);
    out.push_str("</title>\n<style>\n");
    out.push_str(STYLE);
    out.push_str("\n</style>\n</head>\n<body>\n");
}

/// The footer and the end of the page.
pub(crate) fn page_end(out: &mut String, engine: &crate::Engine) {
    out.push_str("<footer>Generated by ");
    out.push_str(&html(&engine.name));
    out.push(' ');
    out.push_str(&html(&engine.version));
    out.push_str(
        ". Percents are exact values rounded to two decimals; levels are decided on the exact values.</footer>\n</body>\n</html>\n",
    );
}
