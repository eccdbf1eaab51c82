//! `equity-assess instruments`: the built-in instruments.

use health_equity_assessment::{InstrumentListing, InstrumentStatus, Registry};

use crate::args::ListFormat;
use crate::output::{Failure, emit_json, emit_text};

/// List the built-in instruments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
}

/// Prints the list.
pub fn run(args: Args) -> Result<(), Failure> {
    let listing: Vec<InstrumentListing> = Registry::builtin().iter().map(InstrumentListing::of).collect();
    match args.format {
        ListFormat::Json => emit_json(&listing),
        ListFormat::Text => {
            let width = listing.iter().map(|l| l.id.chars().count() + l.version.len() + 1).max().unwrap_or(0);
            let text: String = listing
                .iter()
                .map(|l| {
                    // The status, with its dates and the current name when renamed, under the title.
                    let status = match &l.lifecycle {
                        Some(status) => format!("\n{:width$}  {}", "", status_line(status)),
                        None => String::new(),
                    };
                    format!(
                        "{:<width$}  {:<10}  {:>2} categor{}  {:>3} items  {}{status}\n",
                        format!("{}@{}", l.id, l.version),
                        l.status,
                        l.categories,
                        if l.categories == 1 { "y  " } else { "ies" },
                        l.items,
                        l.title
                    )
                })
                .collect();
            emit_text(&text)
        }
    }
}

/// `retired 2025-10-01 (in effect from 2023-01-01)`, `now: National Performance Goal 4 …`.
fn status_line(status: &InstrumentStatus) -> String {
    let mut parts = Vec::new();
    if let Some(effective) = status.effective {
        parts.push(format!("in effect from {effective}"));
    }
    if let Some(retired) = status.retired {
        parts.push(format!("retired {retired}"));
    }
    if let Some(successor) = &status.superseded_by {
        parts.push(format!("superseded by {successor}"));
    }
    if let Some(name) = &status.current_name {
        parts.push(format!("now: {name}"));
    }
    parts.join("; ")
}
