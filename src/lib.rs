//! health-equity-assessment (work in progress).
mod exact;
pub use exact::{Exact, ParseExactError};
