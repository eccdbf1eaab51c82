//! Batch scoring of newline-delimited JSON: one response document per input line, one
//! [`BatchLine`] per output line, in order, so a service can stream thousands of documents
//! through constant memory. This module is pure; `equity-assess score --ndjson` does the I/O.
//!
//! ```
//! use health_equity_assessment::Registry;
//! use health_equity_assessment::{BatchLine, score_line};
//!
//! let good = include_str!("../examples/heoa-baseline.json").replace('\n', " ");
//! let ok = score_line(Registry::builtin(), 1, &good);
//! assert!(matches!(ok, BatchLine::Report { line: 1, .. }));
//! let bad = score_line(Registry::builtin(), 2, "{\"instrument\": 3}");
//! let BatchLine::Problems { line, problems } = bad else { panic!() };
//! assert_eq!(line, 2);
//! assert_eq!(problems[0].code, "invalid_value");
//! ```

use crate::problem::JsonProblem;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::problem::ProblemRecord;
use crate::registry::Registry;
use crate::response::{ResponseError, ResponseLimits, ResponseProblem};
use crate::score::{ScoreReport, ScoreSummary};

/// One output line of a batch: the report of a good input line, or the problems of a bad one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[non_exhaustive]
pub enum BatchLine {
    /// The input line was a valid response.
    Report {
        /// 1-based input line number.
        line: u64,
        /// Its score report.
        report: Box<ScoreReport>,
    },
    /// The input line was a valid response, summarized (`score --ndjson --report summary`).
    Summary {
        /// 1-based input line number.
        line: u64,
        /// Its score summary.
        summary: Box<ScoreSummary>,
    },
    /// The input line could not be scored.
    Problems {
        /// 1-based input line number.
        line: u64,
        /// Every problem found.
        problems: Vec<ProblemRecord>,
    },
}

impl BatchLine {
    /// The input line number.
    #[must_use]
    pub fn line(&self) -> u64 {
        match self {
            BatchLine::Report { line, .. } | BatchLine::Summary { line, .. } | BatchLine::Problems { line, .. } => {
                *line
            }
        }
    }

    /// Whether the line was scored (a report or a summary).
    #[must_use]
    pub fn is_report(&self) -> bool {
        matches!(self, BatchLine::Report { .. } | BatchLine::Summary { .. })
    }

    /// A line that could not be read at all (too long, not UTF-8): one problem with `code`.
    #[must_use]
    pub fn unreadable(line: u64, code: &str, message: String) -> Self {
        BatchLine::Problems { line, problems: vec![ProblemRecord::new(code, None, message)] }
    }
}

/// The outcome of validating one response document, as `equity-assess validate --format json`
/// writes it: valid or not, and every problem.
///
/// ```
/// use health_equity_assessment::Registry;
/// use health_equity_assessment::ValidationResult;
///
/// let result = ValidationResult::of(&Registry::builtin().validate_json("{}"));
/// assert!(!result.valid);
/// assert_eq!(result.problems[0].code, "missing_field");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ValidationResult {
    /// Whether the document is a valid response.
    pub valid: bool,
    /// The instrument it was validated against, `id@version` (`null` when invalid).
    pub instrument: Option<String>,
    /// The items left unanswered, in instrument order (empty when invalid).
    pub unanswered: Vec<String>,
    /// Every problem found (empty when valid).
    pub problems: Vec<ProblemRecord>,
}

impl ValidationResult {
    /// The result of a validation.
    #[must_use]
    pub fn of(result: &Result<crate::ValidatedResponse<'_>, ResponseError>) -> Self {
        match result {
            Ok(v) => ValidationResult {
                valid: true,
                instrument: Some(v.instrument().reference().to_string()),
                unanswered: v.missing().map(|i| i.id.clone()).collect(),
                problems: Vec::new(),
            },
            Err(e) => {
                ValidationResult { valid: false, instrument: None, unanswered: Vec::new(), problems: e.records() }
            }
        }
    }

    /// An invalid result with one problem (a document that could not be read).
    #[must_use]
    pub fn unreadable(problem: ProblemRecord) -> Self {
        ValidationResult { valid: false, instrument: None, unanswered: Vec::new(), problems: vec![problem] }
    }
}

/// Validates and scores one input line (1-based `line`) against the registry.
///
/// A syntax problem names the input line, not the line within the one-line document:
///
/// ```
/// use health_equity_assessment::Registry;
/// use health_equity_assessment::{BatchLine, score_line};
///
/// let BatchLine::Problems { problems, .. } = score_line(Registry::builtin(), 7, "{\"instrument\": oops}") else {
///     panic!("not JSON")
/// };
/// assert_eq!(problems[0].code, "syntax");
/// assert!(problems[0].message.starts_with("line 7, column 16: "), "{}", problems[0].message);
/// ```
#[must_use]
pub fn score_line(registry: &Registry, line: u64, text: &str) -> BatchLine {
    score_line_with(registry, line, text, &ResponseLimits::default())
}

/// [`score_line`] with explicit limits.
#[must_use]
pub fn score_line_with(registry: &Registry, line: u64, text: &str, limits: &ResponseLimits) -> BatchLine {
    match registry.validate_json_with(text, limits) {
        Ok(validated) => BatchLine::Report { line, report: Box::new(validated.score()) },
        Err(e) => problems_line(line, e),
    }
}

/// [`score_line_with`] giving a [`BatchLine::Summary`] for a valid line.
#[must_use]
pub fn summarize_line_with(registry: &Registry, line: u64, text: &str, limits: &ResponseLimits) -> BatchLine {
    match registry.validate_json_with(text, limits) {
        Ok(validated) => BatchLine::Summary { line, summary: Box::new(validated.score_summary()) },
        Err(e) => problems_line(line, e),
    }
}

/// What a batch writes for a valid line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BatchOutput {
    /// The full [`ScoreReport`] ([`score_line_with`]).
    #[default]
    Report,
    /// The [`ScoreSummary`] ([`summarize_line_with`]).
    Summary,
}

/// Scores one input line and appends its output line, `\n` included, to `out`: the bytes of
/// `serde_json::to_writer` of [`score_line_with`] (or [`summarize_line_with`]) and a newline,
/// written without building the report. Returns whether the line was scored.
///
/// ```
/// use health_equity_assessment::{BatchOutput, Registry, ResponseLimits, score_line, write_batch_line};
///
/// let text = include_str!("../examples/heoa-baseline.json").replace('\n', " ");
/// let mut out = Vec::new();
/// assert!(write_batch_line(&mut out, Registry::builtin(), 1, &text, &ResponseLimits::default(), BatchOutput::Report));
/// let mut expected = serde_json::to_vec(&score_line(Registry::builtin(), 1, &text))?;
/// expected.push(b'\n');
/// assert_eq!(out, expected);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn write_batch_line(
    out: &mut Vec<u8>,
    registry: &Registry,
    line: u64,
    text: &str,
    limits: &ResponseLimits,
    output: BatchOutput,
) -> bool {
    let scored = match registry.validate_json_with(text, limits) {
        Ok(validated) => {
            out.extend_from_slice(b"{\"line\":");
            out.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
            match output {
                BatchOutput::Report => {
                    out.extend_from_slice(b",\"report\":");
                    validated.write_score_json(out);
                }
                BatchOutput::Summary => {
                    out.extend_from_slice(b",\"summary\":");
                    validated.write_summary_json(out);
                }
            }
            out.push(b'}');
            true
        }
        Err(e) => {
            // Rare, and a few problems: serde is fast enough here.
            let _ = serde_json::to_writer(&mut *out, &problems_line(line, e));
            false
        }
    };
    out.push(b'\n');
    scored
}

/// The problems of a line; a syntax problem names the input line.
fn problems_line(line: u64, e: ResponseError) -> BatchLine {
    // The document is the input line, so its line 1 is input line `line`.
    let e = e.map(|problem| match problem {
        ResponseProblem::Json(JsonProblem::Syntax { line: within, column, message }) => {
            let within = usize::try_from(line).map_or(within, |first| first.saturating_add(within.saturating_sub(1)));
            ResponseProblem::Json(JsonProblem::Syntax { line: within, column, message })
        }
        other => other,
    });
    BatchLine::Problems { line, problems: e.records() }
}
