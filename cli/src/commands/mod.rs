//! One module per subcommand: its arguments (`Args`) and what it does (`run`).

pub mod cohort;
pub mod crosswalk;
pub mod diff;
pub mod export;
pub mod import;
pub mod instrument;
pub mod instruments;
pub mod schema;
pub mod score;
pub mod synthetic_cohort;
pub mod template;
pub mod trend;
pub mod validate;

use health_equity_assessment::{ResponseError, ValidatedResponse};

use crate::args::Against;
use crate::input::{self, InputError};
use crate::output::Failure;

/// Problem lines naming the file, as printed on standard error.
pub fn problem_lines<P: std::fmt::Display>(path: &str, problems: impl IntoIterator<Item = P>) -> Vec<String> {
    let path = input::display_name(path);
    problems.into_iter().map(|p| format!("{path}: {p}")).collect()
}

/// A response document that failed validation, as problem lines.
pub fn invalid(path: &str, error: &ResponseError) -> Failure {
    Failure::Invalid(problem_lines(path, error.problems()))
}

/// Reads the response document at `path` (bounded by `--max-document-bytes`) and checks it
/// against `against`, handing the outcome to `then`: a document that could not be read is an
/// `Err` of the outer result.
pub fn read_and_validate<T>(
    path: &str,
    against: &Against,
    then: impl FnOnce(Result<Result<ValidatedResponse<'_>, ResponseError>, InputError>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    match input::read_text(path, input::max_bytes()) {
        Ok(text) => then(Ok(against.validate(&text))),
        Err(e) => then(Err(e)),
    }
}

/// [`read_and_validate`] for commands that need a valid document: anything else fails.
pub fn read_valid<T>(
    path: &str,
    against: &Against,
    then: impl FnOnce(ValidatedResponse<'_>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    read_and_validate(path, against, |read| then(read?.map_err(|e| invalid(path, &e))?))
}
