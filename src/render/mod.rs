//! Reports for people: the text a terminal shows, Markdown for a wiki or an email, and one
//! self-contained HTML page (inline CSS and SVG chart, no scripts, no network), rendered from the
//! same report types every other surface serializes as JSON. The `equity-assess` command and the
//! scoring service print exactly these strings.
//!
//! Everything here is a pure function from a report to a `String` (no I/O). Text that came from
//! an input document (organization names, titles, notes) is escaped for the format it lands in:
//! control and bidirectional characters are shown as escapes on a terminal and in HTML, Markdown
//! syntax and raw HTML are made literal in Markdown, and HTML metacharacters are entities in HTML.
//!
//! Enabled by the `render` feature.
//!
//! # Example
//!
//! ```
//! use health_equity_assessment::{Registry, render};
//!
//! let registry = Registry::builtin();
//! let validated = registry.validate_json(include_str!("../../examples/heoa-baseline.json"))?;
//! let report = validated.score();
//!
//! let page = render::score_html(&report, validated.instrument());
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains("<svg"));
//!
//! let text = render::score_text(&report, validated.instrument());
//! assert!(text.contains("Opportunities for improvement"));
//! # Ok::<(), health_equity_assessment::ResponseError>(())
//! ```

mod chart;
mod cohort;
mod format;
mod prefill;
mod progress;
mod score;
mod trend;

pub use chart::{progress_chart_svg, score_chart_svg};
pub use cohort::cohort_text;
pub use prefill::prefill_text;
pub use progress::{Labels, progress_html, progress_markdown, progress_text};
pub use score::{category_figures, overall_figures, score_html, score_markdown, score_text};
pub use trend::{trend_html, trend_text};
