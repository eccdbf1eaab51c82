//! Error responses: RFC 9457 `application/problem+json` with every problem of the input.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use health_equity_assessment::ProblemRecord;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An RFC 9457 problem details document, extended with the list of problems found (the same
/// records `equity-assess validate --format json` writes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProblemDetails {
    /// A URI naming the kind of failure (`about:blank` plus the status when there is no more
    /// specific kind).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of failure.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// Every problem found, each with a stable code, a JSON Pointer when there is one, and a
    /// message.
    pub problems: Vec<ProblemRecord>,
}

/// A failed request: a status and its problems.
#[derive(Debug, Clone)]
pub struct Failure {
    status: StatusCode,
    detail: String,
    problems: Vec<ProblemRecord>,
}

impl Failure {
    /// A failure with this status, summary and problems.
    pub fn new(status: StatusCode, detail: impl Into<String>, problems: Vec<ProblemRecord>) -> Self {
        Failure { status, detail: detail.into(), problems }
    }

    /// A failure with one problem.
    pub fn one(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Failure::new(status, message.clone(), vec![ProblemRecord::new(code, None, message)])
    }

    /// The document.
    pub fn details(&self) -> ProblemDetails {
        ProblemDetails {
            kind: "about:blank".to_owned(),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            problems: self.problems.clone(),
        }
    }
}

/// The codes of a response's problems, for the metrics (read back from the response).
#[derive(Debug, Clone)]
pub struct ProblemCodes(pub Vec<String>);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec_pretty(&self.details()).unwrap_or_default();
        let codes = ProblemCodes(self.problems.iter().map(|p| p.code.clone()).collect());
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        response.extensions_mut().insert(codes);
        response
    }
}
