//! `equity-assess`: validate, score and compare health-equity organizational self-assessments
//! from the command line, for services in any language.
//!
//! Exit status: 0 success, 1 invalid input (a document or instrument with problems), 2 usage
//! (bad arguments, unreadable files). Every failure is reported as one line per problem on
//! standard error, each `equity-assess: [SOURCE: ]MESSAGE` (SOURCE a file, `file:line` or
//! `<stdin>`; records and items are named in the message); the command never panics on any
//! input.
//!
//! The crate is a thin shell over the library: one module per subcommand under `commands/`,
//! argument groups several commands share in `args`, reading in `input` and `sources`, writing
//! in `output`; the renderings for people are the library's `render` module.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod args;
mod commands;
mod input;
mod lines;
mod output;
mod sources;

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use health_equity_assessment::escape_controls;

use crate::commands::{
    cohort, crosswalk, diff, export, import, instrument, instruments, schema, score, synthetic_cohort, template, trend,
    validate,
};
use crate::output::Failure;

/// Validate, score and compare health-equity organizational self-assessments.
///
/// Documents are JSON; FILE may be `-` for standard input. Exit status: 0 success, 1 invalid
/// input, 2 usage error.
#[derive(Debug, Parser)]
#[command(name = "equity-assess", version, about, long_about = None, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Instruments(instruments::Args),
    Schema(schema::Args),
    Validate(validate::Args),
    Diff(diff::Args),
    Cohort(cohort::Args),
    Trend(trend::Args),
    Template(template::Args),
    SyntheticCohort(synthetic_cohort::Args),
    /// Export an instrument for other systems: a REDCap data dictionary (CSV) or a FHIR R4
    /// Questionnaire (JSON).
    #[command(subcommand)]
    Export(export::Format),
    /// Import responses from other systems: a REDCap raw record export (CSV; one response
    /// document per record, written as newline-delimited JSON) or a FHIR R4
    /// QuestionnaireResponse (JSON).
    #[command(subcommand)]
    Import(import::Format),
    Crosswalk(crosswalk::Args),
    Score(score::Args),
    /// Work with instrument files: `instrument check FILE` lists every problem of a custom
    /// instrument (exit 1).
    #[command(subcommand)]
    Instrument(instrument::Action),
}

/// Runs the command with these arguments (the first is the program name) and returns the
/// exit status.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    // A bug must still end in one line, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let _ = writeln!(io::stderr(), "equity-assess: internal error, please report it: {info}");
    }));
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            let _ = io::stderr().write_all(usage_error(e, &args).as_bytes());
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    let outcome = match cli.command {
        Command::Instruments(args) => instruments::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Cohort(args) => cohort::run(args),
        Command::Trend(args) => trend::run(args),
        Command::Template(args) => template::run(args),
        Command::SyntheticCohort(args) => synthetic_cohort::run(args),
        Command::Export(format) => export::run(format),
        Command::Import(format) => import::run(format),
        Command::Crosswalk(args) => crosswalk::run(args),
        Command::Score(args) => score::run(args),
        Command::Instrument(action) => instrument::run(action),
    };
    match outcome {
        Ok(()) | Err(Failure::Closed) => ExitCode::SUCCESS,
        // Every line on standard error shows control characters escaped: a file name or an id
        // from the input can neither drive the terminal nor forge another line.
        Err(Failure::Usage(message)) => {
            let _ = writeln!(io::stderr(), "{}", error_line(&message));
            ExitCode::from(2)
        }
        Err(Failure::Invalid(lines)) => {
            let mut err = io::stderr().lock();
            for line in lines {
                let _ = writeln!(err, "{}", error_line(&line));
            }
            ExitCode::from(1)
        }
    }
}

/// One line on standard error, as every command writes it: `equity-assess: [SOURCE: ]MESSAGE`,
/// with control characters escaped (a file name or an id from the input can neither drive the
/// terminal nor forge another line).
pub(crate) fn error_line(message: &str) -> String {
    format!("equity-assess: {}", escape_controls(message))
}

/// clap's message for bad arguments, with the arguments it quotes shown escaped like every
/// other line on standard error (clap would drop escape sequences silently, so `--bo\e[1mld`
/// would read as `--bold`): the arguments are escaped and parsed again, which fails the same way.
fn usage_error(error: clap::Error, args: &[OsString]) -> String {
    let escaped: Vec<String> = args.iter().map(|a| escape_controls(&a.to_string_lossy()).into_owned()).collect();
    let error = match Cli::try_parse_from(&escaped) {
        Err(again) if again.kind() == error.kind() => again,
        _ => error,
    };
    // The first line in the format of every other error line: `equity-assess: error: …`.
    let text = output::escape_lines(&error.render().to_string()).into_owned();
    format!("equity-assess: {text}")
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
