//! `equity-assess instruments`: the built-in instruments.

use health_equity_assessment::{InstrumentListing, Registry};

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
                    format!(
                        "{:<width$}  {:>2} categor{}  {:>3} items  {}\n",
                        format!("{}@{}", l.id, l.version),
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
