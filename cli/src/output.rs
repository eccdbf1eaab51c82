//! How a command ends: what it writes to standard output, and how it fails.

use std::io::{self, Write};

use health_equity_assessment::{escape_controls, is_unsafe_char};
use serde::Serialize;

/// How a command failed.
pub enum Failure {
    /// Bad arguments or unreadable files: exit 2.
    Usage(String),
    /// A document or instrument with problems: exit 1, one line each.
    Invalid(Vec<String>),
    /// Standard output went away (for example `| head`): stop quietly.
    Closed,
}

impl From<crate::input::InputError> for Failure {
    fn from(e: crate::input::InputError) -> Self {
        // A file that was read but is too large or not UTF-8 is a bad document (exit 1); one
        // that cannot be read at all is a usage problem (exit 2).
        match e.document_problem_code() {
            Some(_) => Failure::Invalid(vec![e.to_string()]),
            None => Failure::Usage(e.to_string()),
        }
    }
}

/// A failed write to standard output: a closed pipe ends the command quietly.
pub fn write_failure(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::Closed
    } else {
        Failure::Usage(format!("cannot write to standard output: {e}"))
    }
}

/// Writes to standard output; a closed pipe ends the command quietly.
pub fn emit(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(write_failure)
}

/// Writes text for a person: any control character that a renderer let through is shown
/// escaped (renderers escape the text they take from input, line breaks included; this keeps
/// escape sequences out of the terminal even if one is missed).
pub fn emit_text(text: &str) -> Result<(), Failure> {
    emit(&escape_lines(text))
}

/// Text with every control character but the line breaks shown escaped.
pub fn escape_lines(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe_char(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let safe: Vec<std::borrow::Cow<'_, str>> = text.split('\n').map(escape_controls).collect();
    std::borrow::Cow::Owned(safe.join("\n"))
}

/// Writes a value as pretty JSON and a final newline.
pub fn emit_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Failure::Usage(format!("cannot serialize: {e}")))?;
    text.push('\n');
    emit(&text)
}

/// Writes newline-delimited JSON, one value per line as it comes, in constant memory.
pub fn emit_lines<T: Serialize>(values: impl IntoIterator<Item = T>) -> Result<(), Failure> {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    for value in values {
        serde_json::to_writer(&mut out, &value)
            .map_err(io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(write_failure)?;
    }
    out.flush().map_err(write_failure)
}

/// Rows as CSV text.
pub fn csv_text<T: Serialize>(rows: &[T], formulas: health_equity_assessment::Formulas) -> Result<String, Failure> {
    health_equity_assessment::to_csv(rows, formulas).map_err(|e| Failure::Usage(e.to_string()))
}

/// Writes rows as CSV as they come, a few thousand at a time, in bounded memory.
pub fn emit_csv_rows<T: Serialize>(
    rows: impl IntoIterator<Item = T>,
    formulas: health_equity_assessment::Formulas,
) -> Result<(), Failure> {
    let mut writer = health_equity_assessment::CsvWriter::new(formulas);
    let mut out = io::stdout().lock();
    for (n, row) in rows.into_iter().enumerate() {
        writer.row(&row).map_err(|e| Failure::Usage(e.to_string()))?;
        if n % 4096 == 4095 {
            out.write_all(&writer.take().map_err(|e| Failure::Usage(e.to_string()))?).map_err(write_failure)?;
        }
    }
    out.write_all(&writer.take().map_err(|e| Failure::Usage(e.to_string()))?).map_err(write_failure)?;
    out.flush().map_err(write_failure)
}
