//! The assessment in a browser: the list of instruments, each instrument as a server-rendered
//! HTML form, and a submitted form scored into the organization's report. Nothing is stored.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use health_equity_assessment::{
    Date, Instrument, InstrumentListing, Problem, Response as ResponseDocument, parse_date, render,
};
use minijinja::{Environment, context};
use serde::Serialize;

use crate::AppState;
use crate::problem::{Failure, ProblemCodes};

type Shared = State<Arc<AppState>>;
/// The `{id}/{version}` of a form's address; a malformed one is a 404 page, not a text error.
type FormPath = Result<Path<(String, String)>, PathRejection>;

/// The templates, compiled once; `.html` templates escape every value they print.
static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in [
        ("page.html", include_str!("../templates/page.html")),
        ("index.html", include_str!("../templates/index.html")),
        ("form.html", include_str!("../templates/form.html")),
        ("error.html", include_str!("../templates/error.html")),
    ] {
        // The templates are part of the binary and tested: a broken one fails every test.
        if let Err(e) = env.add_template(name, source) {
            tracing::error!("template {name}: {e}");
        }
    }
    env
});

/// What a page may load. The service adds `nosniff` and `no-referrer` to every answer.
#[derive(Debug, Clone, Copy)]
enum Policy {
    /// The list and the form: only the service's own stylesheet and script, and the script
    /// talks only to this service.
    Form,
    /// The report, a self-contained page: its own inline style and `data:` images, no script.
    Report,
}

/// A page with its Content-Security-Policy, never cached (it may hold an organization's answers).
fn page(status: StatusCode, html: String, policy: Policy) -> Response {
    let csp = match policy {
        Policy::Form => {
            "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        }
        Policy::Report => {
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        }
    };
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A file of the pages (stylesheet, script), part of the binary.
fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn rendered(template: &str, ctx: minijinja::Value) -> Result<String, Failure> {
    TEMPLATES.get_template(template).and_then(|t| t.render(ctx)).map_err(|e| {
        Failure::one(StatusCode::INTERNAL_SERVER_ERROR, "template", format!("the page could not be drawn: {e}"))
    })
}

/// A failed form request, answered as a page (a person is reading); the problem codes still
/// reach the metrics.
#[derive(Debug)]
pub struct PageFailure(Failure);

impl From<Failure> for PageFailure {
    fn from(failure: Failure) -> Self {
        PageFailure(failure)
    }
}

impl IntoResponse for PageFailure {
    fn into_response(self) -> Response {
        let details = self.0.details();
        let status = StatusCode::from_u16(details.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let messages: Vec<String> = details.problems.iter().map(|p| p.message.clone()).collect();
        let html =
            rendered("error.html", context! { title => details.title, detail => details.detail, problems => messages })
                .unwrap_or_else(|_| format!("<!DOCTYPE html><title>{status}</title><p>{status}</p>"));
        let mut response = page(status, html, Policy::Form);
        response.extensions_mut().insert(ProblemCodes(details.problems.iter().map(|p| p.code.clone()).collect()));
        response
    }
}

/// The instrument of a form's address, or a 404 (a malformed address included).
fn form_instrument(state: &AppState, path: FormPath) -> Result<&Instrument, Failure> {
    let Path((id, version)) = path.map_err(|_| {
        Failure::one(StatusCode::NOT_FOUND, "unknown_instrument", "no such form: the address is not /forms/ID/VERSION")
    })?;
    crate::routes::instrument_of(&state.registry, &id, &version)
}

/// The most fields a form of `instrument` can have: organization, date, an answer and a note per
/// item, a box per category, and room for a browser's extras. More is not this form.
fn max_fields(instrument: &Instrument) -> usize {
    64 + 2 * instrument.item_count() + instrument.categories().len()
}

/// The fields of a posted form: its media type checked, its body read within the service's
/// limit and decoded strictly.
async fn posted_fields(
    state: &AppState,
    instrument: &Instrument,
    headers: &HeaderMap,
    body: Body,
) -> Result<Vec<(String, String)>, Failure> {
    crate::routes::require(headers, &["application/x-www-form-urlencoded"])?;
    let bytes = crate::routes::read_body(body, state.limits.body_bytes).await?;
    parse_fields(&bytes, max_fields(instrument))
}

/// The fields of an `application/x-www-form-urlencoded` body, in order, repeated names kept.
/// Stricter than browsers need: a name or value that is not UTF-8 once decoded is refused (400
/// `not_utf8`), never replaced with U+FFFD; more than `max` fields is refused (422
/// `too_many_fields`) before they are all held in memory.
///
/// # Errors
///
/// The failure to answer with.
pub fn parse_fields(body: &[u8], max: usize) -> Result<Vec<(String, String)>, Failure> {
    let decode = |raw: &[u8]| -> Option<String> {
        let spaced: Vec<u8> = raw.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
        String::from_utf8(percent_encoding::percent_decode(&spaced).collect()).ok()
    };
    let mut fields = Vec::new();
    for pair in body.split(|&b| b == b'&').filter(|pair| !pair.is_empty()) {
        if fields.len() == max {
            return Err(Failure::one(
                StatusCode::UNPROCESSABLE_ENTITY,
                "too_many_fields",
                format!("the form has more than {max} fields, more than this instrument's form has"),
            ));
        }
        let (name, value) = match pair.iter().position(|&b| b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        match (decode(name), decode(value)) {
            (Some(name), Some(value)) => fields.push((name, value)),
            _ => {
                return Err(Failure::one(
                    StatusCode::BAD_REQUEST,
                    "not_utf8",
                    format!("field {} of the form is not UTF-8 text", fields.len() + 1),
                ));
            }
        }
    }
    Ok(fields)
}

/// `GET /forms/style.css`.
pub async fn style() -> Response {
    asset(include_str!("../templates/style.css"), "text/css; charset=utf-8")
}

/// `GET /forms/live.js`: the form's live category percents, where JavaScript runs.
pub async fn script() -> Response {
    asset(include_str!("../templates/live.js"), "text/javascript; charset=utf-8")
}

/// One category's figures as the report prints them.
#[derive(Debug, Serialize)]
pub struct LiveFigure {
    /// The category id (absent for the overall figure).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The percent as the report prints it (`66.67%`, or `—` when every item is not applicable).
    pub percent: String,
    /// The maturity level's label as the report prints it.
    pub level: String,
}

/// The live figures of a form being filled.
#[derive(Debug, Serialize)]
pub struct Live {
    /// One per category, in the instrument's order.
    pub categories: Vec<LiveFigure>,
    /// The overall figure.
    pub overall: LiveFigure,
}

/// `POST /forms/{id}/{version}/live`: the category percents and levels of the form as it is
/// now, scored by the same code as the report (so the numbers are the report's), before the
/// organization and date are filled in. Answers the form's own fields, urlencoded, with JSON.
pub async fn live(State(state): Shared, path: FormPath, headers: HeaderMap, body: Body) -> Result<Response, Failure> {
    let instrument = form_instrument(&state, path)?;
    let fields = posted_fields(&state, instrument, &headers, body).await?;
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let figures = live_figures(instrument, &fields, today).map_err(|problems| {
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the form has problems; submit it to see them next to their fields",
            problems
                .lines()
                .map(|message| health_equity_assessment::ProblemRecord::new("invalid_form", None, message))
                .collect(),
        )
    })?;
    let mut response = axum::Json(figures).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The live figures of `fields`: the organization and date may still be blank or unfinished
/// (they do not change a score; `today` stands in for the date), every other problem is returned.
///
/// # Errors
///
/// The form's problems other than those of the organization id and date.
pub fn live_figures(instrument: &Instrument, fields: &[(String, String)], today: Date) -> Result<Live, Problems> {
    let (mut filled, mut problems) = read_form(instrument, fields);
    problems.list.retain(|p| p.field != "organization_id" && p.field != "assessed_on");
    if !problems.is_empty() {
        return Err(problems);
    }
    if filled.organization_id.trim().is_empty() {
        "(being filled in)".clone_into(&mut filled.organization_id);
    }
    let response = filled.response_on(instrument, filled.date.unwrap_or(today));
    let validated = response.validate(instrument).map_err(|e| Problems::of_response(&e))?;
    let report = validated.score();
    let figure = |id: Option<String>, (percent, level): (String, String)| LiveFigure { id, percent, level };
    Ok(Live {
        categories: report
            .categories
            .iter()
            .map(|c| figure(Some(c.id.to_string()), render::category_figures(c)))
            .collect(),
        overall: figure(None, render::overall_figures(&report.overall)),
    })
}

#[derive(Serialize)]
struct Listed {
    id: String,
    version: String,
    title: String,
    status: String,
    note: Option<String>,
    categories: usize,
    items: usize,
}

/// `GET /`: the instruments, each with a link to its form.
pub async fn index(State(state): Shared) -> Result<Response, PageFailure> {
    let instruments: Vec<Listed> = state
        .registry
        .iter()
        .map(|i| {
            let listing = InstrumentListing::of(i);
            Listed {
                id: listing.id,
                version: listing.version,
                title: listing.title,
                status: listing.status.to_string(),
                note: listing
                    .lifecycle
                    .as_ref()
                    .map(ToString::to_string)
                    .filter(|_| listing.status.as_str() != "active"),
                categories: listing.categories,
                items: listing.items,
            }
        })
        .collect();
    let html = rendered(
        "index.html",
        context! { title => "Health equity self-assessments", instruments => minijinja::Value::from(minijinja::value::Serde(&instruments)) },
    )?;
    Ok(page(StatusCode::OK, html, Policy::Form))
}

/// `GET /forms/{id}/{version}`: the empty form.
pub async fn form(State(state): Shared, path: FormPath) -> Result<Response, PageFailure> {
    let instrument = form_instrument(&state, path)?;
    let html = form_page(instrument, &Filled::default(), &Problems::default())?;
    Ok(page(StatusCode::OK, html, Policy::Form))
}

/// `POST /forms/{id}/{version}`: the form scored, or shown again with its problems.
pub async fn submit(
    State(state): Shared,
    path: FormPath,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, PageFailure> {
    let instrument = form_instrument(&state, path)?;
    let fields = posted_fields(&state, instrument, &headers, body).await?;
    let (filled, mut problems) = read_form(instrument, &fields);
    if problems.is_empty()
        && let Some(response) = filled.response(instrument)
    {
        match response.validate(instrument) {
            Ok(validated) => return Ok(page(StatusCode::OK, report_page(&validated)?, Policy::Report)),
            Err(e) => problems = Problems::of_response(&e),
        }
    }
    let html = form_page(instrument, &filled, &problems)?;
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, html, Policy::Form))
}

/// `POST /forms/{id}/{version}/prefill` (multipart): the form started from an uploaded baseline
/// response, as the re-assessment template does: same organization, focus categories carried,
/// answers blank unless `carry_answers` is checked, the date left for the organization to give
/// (the server's "today" is UTC, tomorrow already for an evening in the Americas).
pub async fn prefill(
    State(state): Shared,
    path: FormPath,
    request: axum::extract::Request,
) -> Result<Response, PageFailure> {
    let instrument = form_instrument(&state, path)?;
    let mut multipart = axum::extract::Multipart::from_request(request, &()).await.map_err(|e| {
        Failure::one(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("expected multipart/form-data: {e}"),
        )
    })?;
    // The route's body limit (the service's) bounds the whole upload, headers and every part
    // included; over it, the error's status is 413.
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        let (status, code) = match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            _ => (StatusCode::BAD_REQUEST, "invalid_form"),
        };
        Failure::one(status, code, format!("the upload could not be read: {}", e.body_text()))
    };
    let (mut baseline, mut carry) = (Vec::new(), false);
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or("").to_owned();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            match name.as_str() {
                "baseline" => baseline.extend_from_slice(&chunk),
                "carry_answers" => carry = true,
                _ => {}
            }
        }
    }
    let problems_page = |message: String| -> Result<Response, PageFailure> {
        let mut problems = Problems::default();
        problems.push("baseline", || message);
        Ok(page(StatusCode::UNPROCESSABLE_ENTITY, form_page(instrument, &Filled::default(), &problems)?, Policy::Form))
    };
    let validated = match state
        .registry
        .validate_slice_with(&baseline, &health_equity_assessment::ResponseLimits::default())
    {
        Ok(validated) => validated,
        Err(e) => {
            let messages: Vec<String> = e.problems().iter().map(ToString::to_string).collect();
            return problems_page(format!("the baseline is not a valid response document: {}", messages.join("; ")));
        }
    };
    if validated.instrument().id() != instrument.id() {
        return problems_page(format!(
            "the baseline answers {}, not {}",
            validated.instrument().reference(),
            instrument.reference()
        ));
    }
    let options = health_equity_assessment::TemplateOptions::default().with_carry_answers(carry);
    let follow_up = health_equity_assessment::template(&validated, instrument, &options);
    let filled = Filled {
        organization_id: follow_up.organization.id.to_string(),
        organization_name: follow_up.organization.name.as_deref().unwrap_or("").to_owned(),
        assessed_on: String::new(),
        answers: follow_up.answers.clone(),
        notes: BTreeMap::new(),
        focus: follow_up.focus_categories.clone().unwrap_or_default(),
        date: None,
    };
    Ok(page(StatusCode::OK, form_page(instrument, &filled, &Problems::default())?, Policy::Form))
}

/// A document as a `data:` URL to download: base64, a third larger than the JSON, where
/// percent-encoding is up to nine times larger for non-Latin notes (browsers cap a URL's length).
fn data_url<T: Serialize>(document: &T) -> Result<String, Failure> {
    let mut text = serde_json::to_string_pretty(document).map_err(|e| {
        Failure::one(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("the download could not be written: {e}"))
    })?;
    text.push('\n');
    Ok(format!("data:application/json;base64,{}", data_encoding::BASE64.encode(text.as_bytes())))
}

/// The report page (the command's `score --format html`), with links to download the response
/// and the report as JSON (data: URLs: the server keeps nothing to link to).
fn report_page(validated: &health_equity_assessment::ValidatedResponse<'_>) -> Result<String, Failure> {
    let report = validated.score();
    let html = render::score_html(&report, validated.instrument());
    let downloads = format!(
        "<nav class=\"downloads\" aria-label=\"Downloads\"><p><a download=\"response.json\" href=\"{}\">Download the response (JSON)</a> · <a download=\"score-report.json\" href=\"{}\">Download the score report (JSON)</a> · <a href=\"/forms/{}/{}\">Fill in a new assessment</a></p><p>Nothing is stored on the server: download the response to keep it, and to start the follow-up from it.</p></nav>\n",
        data_url(&validated.to_response())?,
        data_url(&report)?,
        report.instrument.id,
        report.instrument.version,
    );
    // Under the overall result, where a person looks first (the report's first section heading
    // is the renderer's own markup, never text from the response).
    Ok(match html.find("<h2>").or_else(|| html.rfind("<footer>")) {
        Some(at) => format!("{}{downloads}{}", &html[..at], &html[at..]),
        None => html,
    })
}

/// A problem shown next to its field and in the summary at the top.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The id of the element the problem belongs to (`assessed_on`, `item-…`, `focus`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// What a submitted form holds, kept to show it again.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Filled {
    /// The organization id, as typed.
    pub organization_id: String,
    /// The organization name, as typed.
    pub organization_name: String,
    /// The date, as typed.
    pub assessed_on: String,
    /// Item id → option id.
    pub answers: BTreeMap<String, String>,
    /// Item id → note.
    pub notes: BTreeMap<String, String>,
    /// Focus category ids, in the instrument's order.
    pub focus: Vec<String>,
    date: Option<Date>,
}

impl Filled {
    /// The response document, when the date is there.
    fn response(&self, instrument: &Instrument) -> Option<ResponseDocument> {
        Some(self.response_on(instrument, self.date?))
    }

    /// The response document assessed on `date`.
    fn response_on(&self, instrument: &Instrument, date: Date) -> ResponseDocument {
        let mut builder =
            ResponseDocument::builder(instrument.reference(), self.organization_id.trim().to_owned(), date);
        if !self.organization_name.trim().is_empty() {
            builder = builder.name(self.organization_name.trim().to_owned());
        }
        for (item, option) in &self.answers {
            builder = builder.answer(item.clone(), option.clone());
        }
        for (item, note) in &self.notes {
            builder = builder.note(item.clone(), note.clone());
        }
        for category in &self.focus {
            builder = builder.focus(category.clone());
        }
        builder.build()
    }
}

/// The element a response problem's JSON Pointer belongs to.
fn field_of(pointer: &str) -> String {
    let item =
        |rest: &str| format!("item-{}", rest.split('/').next().unwrap_or("").replace("~1", "/").replace("~0", "~"));
    if let Some(rest) = pointer.strip_prefix("/answers/") {
        item(rest)
    } else if let Some(rest) = pointer.strip_prefix("/notes/") {
        item(rest)
    } else if pointer.starts_with("/organization") {
        "organization_id".to_owned()
    } else if pointer.starts_with("/assessed_on") {
        "assessed_on".to_owned()
    } else if pointer.starts_with("/focus_categories") {
        "focus".to_owned()
    } else {
        "problems".to_owned()
    }
}

/// The longest value kept from one field, in characters: the body limit bounds the whole form,
/// this keeps one pasted page from being echoed back many times.
pub const MAX_FIELD_CHARS: usize = 10_000;

/// The most problems listed for one form; the rest are counted. A hostile form can have as many
/// problems as fields, and the page lists each.
pub const MAX_PROBLEMS: usize = 100;

/// The problems of a form: at most [`MAX_PROBLEMS`] listed, the rest counted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Problems {
    /// The problems listed, each with its field.
    pub list: Vec<FieldProblem>,
    /// How many more there were.
    pub unlisted: usize,
}

impl Problems {
    /// Adds a problem; the message is only written when it is listed.
    fn push(&mut self, field: &str, message: impl FnOnce() -> String) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(FieldProblem { field: field.to_owned(), message: message() });
        } else {
            self.unlisted += 1;
        }
    }

    /// The problems of a response document the form became, each on the field its JSON
    /// Pointer names.
    fn of_response(error: &health_equity_assessment::ResponseError) -> Self {
        let mut problems = Problems::default();
        for p in error.problems() {
            problems.push(&field_of(p.pointer().unwrap_or("")), || p.to_string());
        }
        problems
    }

    /// No problem at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.unlisted == 0
    }

    /// Every problem, listed or not.
    #[must_use]
    pub fn total(&self) -> usize {
        self.list.len() + self.unlisted
    }

    /// The messages, then a line counting the unlisted ones.
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        let more = (self.unlisted > 0).then(|| {
            let n = self.unlisted;
            format!("and {n} more problem{} not listed", if n == 1 { "" } else { "s" })
        });
        self.list.iter().map(|p| p.message.clone()).chain(more)
    }
}

/// Text from a text area or input as the response keeps it: the line breaks browsers send
/// (CRLF) as `\n`.
fn text(value: &str) -> String {
    value.replace("\r\n", "\n")
}

/// Reads a submitted form: every field checked against the instrument, every problem kept with
/// its field. Unknown fields, unknown items or options, repeated fields and over-long values
/// are problems, never silently dropped or guessed; an over-long text is kept, clipped, so the
/// page shown again does not lose it.
#[must_use]
pub fn read_form(instrument: &Instrument, fields: &[(String, String)]) -> (Filled, Problems) {
    let mut filled = Filled::default();
    let mut problems = Problems::default();
    let mut focus = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let clip = |text: &str, chars: usize| -> String { text.chars().take(chars).collect() };
    for (name, value) in fields {
        let item = name.strip_prefix("answer:").or_else(|| name.strip_prefix("note:"));
        let field = match (name.as_str(), item) {
            ("organization_id" | "organization_name" | "assessed_on" | "focus", _) => name.clone(),
            (_, Some(item)) if instrument.item(item).is_some() => format!("item-{item}"),
            _ => "problems".to_owned(),
        };
        let too_long = value.chars().count() > MAX_FIELD_CHARS;
        if too_long {
            problems.push(&field, || {
                format!("the field {:?} is longer than {MAX_FIELD_CHARS} characters; it was cut", clip(name, 80))
            });
        }
        let value = if too_long { clip(value, MAX_FIELD_CHARS) } else { value.clone() };
        let single = matches!(name.as_str(), "organization_id" | "organization_name" | "assessed_on")
            || name.starts_with("note:");
        if single && !seen.insert(name.clone()) {
            problems.push(&field, || format!("the field {:?} is given more than once", clip(name, 80)));
            continue;
        }
        match name.as_str() {
            "organization_id" => filled.organization_id = value,
            "organization_name" => filled.organization_name = text(&value),
            "assessed_on" => filled.assessed_on = value,
            "focus" => {
                if instrument.category(&value).is_some() {
                    focus.insert(value);
                } else {
                    problems.push(&field, || format!("{:?} is not a category of this instrument", clip(&value, 80)));
                }
            }
            other => {
                if let Some(item) = other.strip_prefix("answer:") {
                    let Some((_, found)) = instrument.item(item) else {
                        problems.push(&field, || format!("{:?} is not an item of this instrument", clip(item, 80)));
                        continue;
                    };
                    let known = instrument.scale_of(found).is_some_and(|s| s.options.iter().any(|o| o.id == value));
                    if !known {
                        problems.push(&field, || format!("{:?} is not an option of this item", clip(&value, 80)));
                    } else if filled.answers.contains_key(item) {
                        // The first answer is kept, as for every repeated field.
                        problems.push(&field, || "answered more than once".to_owned());
                    } else {
                        filled.answers.insert(item.to_owned(), value);
                    }
                } else if let Some(item) = other.strip_prefix("note:") {
                    if instrument.item(item).is_none() {
                        problems.push(&field, || format!("{:?} is not an item of this instrument", clip(item, 80)));
                    } else if !value.trim().is_empty() {
                        filled.notes.insert(item.to_owned(), text(&value));
                    }
                } else {
                    problems.push(&field, || format!("unknown field {:?}", clip(other, 80)));
                }
            }
        }
    }
    filled.focus = instrument.categories().iter().filter(|c| focus.contains(&c.id)).map(|c| c.id.clone()).collect();
    if filled.organization_id.trim().is_empty() {
        problems.push("organization_id", || "the organization id is required".to_owned());
    }
    let date = filled.assessed_on.trim();
    match parse_date(date) {
        Ok(parsed) => filled.date = Some(parsed),
        Err(_) if date.is_empty() => problems.push("assessed_on", || "the assessment date is required".to_owned()),
        Err(_) => problems.push("assessed_on", || {
            format!("{:?} is not a date in the calendar (YYYY-MM-DD, such as 2023-06-08)", clip(date, 80))
        }),
    }
    (filled, problems)
}

#[derive(Serialize)]
struct OptionView {
    id: String,
    label: String,
    checked: bool,
}

#[derive(Serialize)]
struct ItemView {
    id: String,
    text: String,
    options: Vec<OptionView>,
    note: String,
    error: Option<String>,
}

#[derive(Serialize)]
struct CategoryView {
    id: String,
    title: String,
    focus: bool,
    items: Vec<ItemView>,
}

fn form_page(instrument: &Instrument, filled: &Filled, problems: &Problems) -> Result<String, Failure> {
    let error_of = |field: &str| -> Option<String> {
        let messages: Vec<&str> =
            problems.list.iter().filter(|p| p.field == field).map(|p| p.message.as_str()).collect();
        (!messages.is_empty()).then(|| messages.join("; "))
    };
    let categories: Vec<CategoryView> = instrument
        .categories()
        .iter()
        .map(|c| CategoryView {
            id: c.id.clone(),
            title: c.title.clone(),
            focus: filled.focus.contains(&c.id),
            items: c
                .items
                .iter()
                .map(|item| ItemView {
                    id: item.id.clone(),
                    text: item.text.clone(),
                    options: instrument
                        .scale_of(item)
                        .map(|s| {
                            s.options
                                .iter()
                                .map(|o| OptionView {
                                    id: o.id.clone(),
                                    label: o.label.clone(),
                                    checked: filled.answers.get(&item.id) == Some(&o.id),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    note: filled.notes.get(&item.id).cloned().unwrap_or_default(),
                    error: error_of(&format!("item-{}", item.id)),
                })
                .collect(),
        })
        .collect();
    let errors: BTreeMap<&str, String> = ["organization_id", "organization_name", "assessed_on", "focus", "baseline"]
        .into_iter()
        .filter_map(|f| error_of(f).map(|e| (f, e)))
        .collect();
    rendered(
        "form.html",
        context! {
            title => instrument.title(),
            instrument => context! {
                id => instrument.id(),
                version => instrument.version().to_string(),
                reference => instrument.reference().to_string(),
                title => instrument.title(),
                status => instrument.status().as_str(),
            },
            values => context! {
                organization_id => filled.organization_id.as_str(),
                organization_name => filled.organization_name.as_str(),
                assessed_on => filled.assessed_on.as_str(),
            },
            errors => minijinja::Value::from(minijinja::value::Serde(&errors)),
            max_chars => MAX_FIELD_CHARS,
            problems => minijinja::Value::from(minijinja::value::Serde(&problems.list)),
            problem_count => problems.total(),
            unlisted => problems.unlisted,
            categories => minijinja::Value::from(minijinja::value::Serde(&categories)),
        },
    )
}

#[cfg(test)]
mod tests {
    use health_equity_assessment::Registry;

    use super::{form_page, read_form};

    fn heoa() -> &'static health_equity_assessment::Instrument {
        Registry::builtin().latest("heoa").unwrap()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_filled_form_becomes_the_response_document() {
        let baseline = Registry::builtin().validate_json(include_str!("../../examples/heoa-baseline.json")).unwrap();
        let document = baseline.to_response();
        let mut fields = pairs(&[
            ("organization_id", "org-001"),
            ("organization_name", "Example Community Hospital"),
            ("assessed_on", "2022-11-17"),
        ]);
        for (item, option) in &document.answers {
            fields.push((format!("answer:{item}"), option.clone()));
        }
        for (item, note) in document.notes.iter().flatten() {
            fields.push((format!("note:{item}"), note.clone()));
        }
        for category in document.focus_categories.iter().flatten() {
            fields.push(("focus".to_owned(), category.clone()));
        }
        fields.push(("note:data-collection.sogi".to_owned(), "  ".to_owned())); // blank: no note
        let (filled, problems) = read_form(heoa(), &fields);
        assert!(problems.is_empty(), "{problems:?}");
        let mut expected = document.clone();
        // The form lists focus categories in the instrument's order.
        let order: Vec<String> = heoa().categories().iter().map(|c| c.id.clone()).collect();
        if let Some(focus) = expected.focus_categories.as_mut() {
            focus.sort_by_key(|c| order.iter().position(|o| o == c));
        }
        assert_eq!(filled.response(heoa()).unwrap(), expected);
    }

    #[test]
    fn hostile_fields_are_problems_not_guesses() {
        let long = "x".repeat(20_000);
        let fields = pairs(&[
            ("organization_id", "<script>alert(1)</script>"),
            ("assessed_on", "2022-02-30"),
            ("answer:data-collection.sogi", "implemented"),
            ("answer:data-collection.sogi", "planning"),
            ("answer:no.such-item", "implemented"),
            ("answer:data-collection.disability", "Implemented"),
            ("focus", "nope"),
            ("colour", "red"),
            ("note:data-collection.sogi", &long),
            ("answer:\u{202e}", "x"),
        ]);
        let (filled, problems) = read_form(heoa(), &fields);
        let fields: Vec<&str> = problems.list.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "item-data-collection.sogi",
                "problems",
                "item-data-collection.disability",
                "focus",
                "problems",
                "item-data-collection.sogi",
                "problems",
                "assessed_on"
            ],
            "{problems:?}"
        );
        // The page shows every value escaped, and keeps the answers given.
        let page = form_page(heoa(), &filled, &problems).unwrap();
        assert!(!page.contains("<script>alert"), "escaped");
        assert!(page.contains("value=\"&lt;script&gt;alert(1)"), "the value is kept, escaped");
        assert!(page.contains("value=\"implemented\" checked"), "the first of a repeated answer is kept");
        assert!(page.contains("aria-describedby=\"error-assessed_on\""));
        assert!(page.contains("id=\"problems\""));
        // The over-long note is kept, cut to the limit, so the person does not lose it.
        assert_eq!(filled.notes["data-collection.sogi"].len(), super::MAX_FIELD_CHARS);
    }

    #[test]
    fn repeated_fields_problem_floods_and_line_breaks() {
        let fields = pairs(&[
            ("organization_id", "a"),
            ("organization_id", "b"),
            ("assessed_on", "2022-11-17"),
            ("note:data-collection.sogi", "first\r\nsecond"),
            ("note:data-collection.sogi", ""),
            ("organization_name", "North\r\nSouth"),
        ]);
        let (filled, problems) = read_form(heoa(), &fields);
        let messages: Vec<&str> = problems.list.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the field \"organization_id\" is given more than once",
                "the field \"note:data-collection.sogi\" is given more than once"
            ]
        );
        assert_eq!(filled.organization_id, "a", "the first kept");
        assert_eq!(filled.notes["data-collection.sogi"], "first\nsecond", "CRLF from a text area kept as \\n");
        assert_eq!(filled.organization_name, "North\nSouth");

        let flood: Vec<(String, String)> = (0..5000).map(|n| (format!("x{n}"), String::new())).collect();
        let (_, problems) = read_form(heoa(), &flood);
        assert_eq!((problems.list.len(), problems.unlisted, problems.total()), (super::MAX_PROBLEMS, 4902, 5002));
        assert_eq!(problems.lines().last().unwrap(), "and 4902 more problems not listed");
        // The summary counts every problem, lists 100 and says how many it leaves out.
        let page = form_page(heoa(), &super::Filled::default(), &problems).unwrap();
        assert!(page.contains("<h2>5002 problems to correct</h2>"));
        assert_eq!(page.matches("<li><a href=\"#problems\">").count(), super::MAX_PROBLEMS);
        assert!(page.contains("<li>and 4902 more problems not listed: correct these first</li>"));

        let (_, problems) = read_form(heoa(), &pairs(&[("organization_id", "a"), ("assessed_on", "2023-02-29")]));
        assert_eq!(
            problems.list[0].message,
            "\"2023-02-29\" is not a date in the calendar (YYYY-MM-DD, such as 2023-06-08)"
        );
    }

    #[test]
    fn form_bodies_are_decoded_strictly() {
        use super::parse_fields;
        assert_eq!(
            parse_fields(b"a=1+2&b=%C3%A9&&c&answer%3Ax=%3Cb%3E", 10).unwrap(),
            [("a", "1 2"), ("b", "\u{e9}"), ("c", ""), ("answer:x", "<b>")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .to_vec()
        );
        assert!(parse_fields(b"a=%FF", 10).is_err(), "not UTF-8");
        assert!(parse_fields(b"a=\xff", 10).is_err(), "raw bytes not UTF-8");
        assert!(parse_fields(b"a=1&b=2&c=3", 2).is_err(), "too many fields");
        assert!(parse_fields(b"a=1&b=2", 2).is_ok());
    }

    #[test]
    fn the_empty_form_has_a_labelled_control_for_everything() {
        let page = form_page(heoa(), &super::Filled::default(), &super::Problems::default()).unwrap();
        assert_eq!(page.matches("<fieldset class=\"item\"").count(), heoa().item_count());
        assert_eq!(page.matches("type=\"radio\"").count(), heoa().item_count() * 5);
        // The focus categories, and "carry the baseline's answers" of the upload.
        assert_eq!(page.matches("type=\"checkbox\"").count(), heoa().categories().len() + 1);
        for id in ["organization_id", "organization_name", "assessed_on", "baseline-file"] {
            assert!(page.contains(&format!("<label for=\"{id}\">")), "{id}");
        }
        // Works without JavaScript: the only script is the service's own file, for live figures.
        assert_eq!(page.matches("<script").count(), 1);
        assert!(page.contains("<script src=\"/forms/live.js\" defer></script>"));
        assert_eq!(page.matches("class=\"live\"").count(), heoa().categories().len() + 1);
    }

    #[test]
    fn live_figures_are_the_reports_figures() {
        let baseline = Registry::builtin().validate_json(include_str!("../../examples/heoa-baseline.json")).unwrap();
        let mut fields: Vec<(String, String)> =
            baseline.to_response().answers.iter().map(|(i, o)| (format!("answer:{i}"), o.clone())).collect();
        // Organization and date still blank: the figures do not depend on them.
        fields.push(("organization_id".to_owned(), String::new()));
        let today = health_equity_assessment::parse_date("2026-12-02").unwrap();
        let live = super::live_figures(heoa(), &fields, today).unwrap();
        let report = health_equity_assessment::render::score_html(&baseline.score(), heoa());
        assert_eq!(live.categories.len(), heoa().categories().len());
        for (figure, category) in live.categories.iter().zip(heoa().categories()) {
            assert_eq!(figure.id.as_deref(), Some(category.id.as_str()));
            let row = format!("<td class=\"num\">{}</td><td>{}</td>", figure.percent, figure.level);
            assert!(report.contains(&row), "{row} in the report");
        }
        let overall = format!("<th class=\"num\">{}</th><th>{}</th>", live.overall.percent, live.overall.level);
        assert!(report.contains(&overall), "{overall}");
        // An unknown item is a problem, not a silently different score.
        fields.push(("answer:no.such".to_owned(), "implemented".to_owned()));
        assert_eq!(super::live_figures(heoa(), &fields, today).unwrap_err().total(), 1);
    }
}
