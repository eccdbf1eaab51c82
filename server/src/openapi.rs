//! The OpenAPI 3.1 contract, built from the committed JSON Schemas of the documents.

use health_equity_assessment::SchemaKind;
use serde_json::{Map, Value, json};

use crate::problem::ProblemDetails;
use crate::routes::{CohortQuery, DiffRequest};

/// `Score-report` → `ScoreReport`.
fn component_name(kind: &str) -> String {
    kind.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// Points every `#/$defs/X` reference of a schema at its component `Name.X`.
fn rewrite_refs(value: &mut Value, name: &str) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "$ref" {
                    if let Some(target) = inner.as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
                        *inner = Value::String(format!("#/components/schemas/{name}.{target}"));
                    }
                } else {
                    rewrite_refs(inner, name);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, name)),
        _ => {}
    }
}

/// Adds a document schema (and its definitions) to the components, named `name`.
fn add_schema(components: &mut Map<String, Value>, name: &str, mut schema: Value) {
    if let Value::Object(map) = &mut schema {
        map.remove("$schema");
        map.remove("$id");
        if let Some(Value::Object(defs)) = map.remove("$defs") {
            for (def, mut body) in defs {
                rewrite_refs(&mut body, name);
                components.insert(format!("{name}.{def}"), body);
            }
        }
    }
    rewrite_refs(&mut schema, name);
    components.insert(name.to_owned(), schema);
}

fn generated<T: schemars::JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    serde_json::to_value(generator.into_root_schema_for::<T>()).unwrap_or(Value::Null)
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn json_content(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema } })
}

/// Every error status an endpoint may answer, as problem documents.
fn responses(ok: Value, errors: &[&str]) -> Value {
    let mut map = Map::new();
    map.insert("200".to_owned(), ok);
    for status in errors.iter().chain(["500", "503"].iter()) {
        let description = match *status {
            "400" => "The request is malformed: not JSON, not UTF-8, or a bad query or option.",
            "404" => "No such instrument or schema.",
            "413" => "The request body is larger than the limit.",
            "415" => "The request body has the wrong Content-Type.",
            "422" => "The JSON is well formed but not a valid document, or the documents cannot be compared.",
            "500" => "An internal error (never bad input): logged, the server goes on.",
            _ => "The request took longer than the time limit.",
        };
        map.insert(
            (*status).to_owned(),
            json!({ "description": description,
                    "content": { "application/problem+json": { "schema": reference("ProblemDetails") } } }),
        );
    }
    Value::Object(map)
}

fn ok(description: &str, content: Value) -> Value {
    json!({ "description": description, "content": content })
}

fn path_parameters() -> Value {
    json!([
        { "name": "id", "in": "path", "required": true, "schema": { "type": "string" },
          "description": "The instrument id, such as `heoa`." },
        { "name": "version", "in": "path", "required": true, "schema": { "type": "string" },
          "description": "The edition's exact version, such as `1.0.0`." }
    ])
}

fn query_parameters(schema: &Value) -> Value {
    let properties = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    Value::Array(
        properties
            .into_iter()
            .map(|(name, mut property)| {
                let description = property.as_object_mut().and_then(|p| p.remove("description")).unwrap_or(Value::Null);
                let mut parameter = json!({ "name": name, "in": "query", "required": false, "schema": property });
                if !description.is_null() {
                    parameter["description"] = description;
                }
                parameter
            })
            .collect(),
    )
}

/// The service's OpenAPI 3.1 document; `schemas/openapi.json` is this, committed.
pub fn openapi() -> Value {
    let mut components = Map::new();
    for kind in SchemaKind::ALL {
        add_schema(&mut components, &component_name(kind.name()), kind.schema());
    }
    add_schema(&mut components, "ProblemDetails", generated::<ProblemDetails>());
    add_schema(&mut components, "DiffRequest", generated::<DiffRequest>());
    let cohort_query = generated::<CohortQuery>();
    let kinds: Vec<&str> = SchemaKind::ALL.iter().map(|k| k.name()).collect();
    let ndjson = json!({ "type": "string", "description": "Newline-delimited JSON: one response document per line." });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "health-equity-assessment scoring service",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Validate, score, compare and summarize health-equity organizational self-assessments. Every document is the one `equity-assess` writes for the same input; errors are RFC 9457 problem documents with every problem (code, pointer, message).",
            "license": { "name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0" }
        },
        "paths": {
            "/healthz": { "get": {
                "operationId": "healthz", "summary": "Liveness.",
                "responses": responses(ok("The service is up.", json_content(json!({
                    "type": "object", "properties": { "status": { "const": "ok" } }, "required": ["status"] }))), &[])
            }},
            "/openapi.json": { "get": {
                "operationId": "openapi", "summary": "This document.",
                "responses": responses(ok("The OpenAPI document.", json_content(json!({ "type": "object" }))), &[])
            }},
            "/metrics": { "get": {
                "operationId": "metrics", "summary": "Requests, latency and problems by code (Prometheus/OpenMetrics text).",
                "responses": responses(ok("Metrics.", json!({ "application/openmetrics-text": { "schema": { "type": "string" } } })), &[])
            }},
            "/v1/instruments": { "get": {
                "operationId": "listInstruments", "summary": "The instruments served (`equity-assess instruments --format json`).",
                "responses": responses(ok("The list.", json_content(reference("InstrumentList"))), &[])
            }},
            "/v1/instruments/{id}/{version}": { "get": {
                "operationId": "getInstrument", "summary": "An instrument document.",
                "parameters": path_parameters(),
                "responses": responses(ok("The instrument.", json_content(reference("Instrument"))), &["404"])
            }},
            "/v1/instruments/{id}/{version}/fhir-questionnaire": { "get": {
                "operationId": "getFhirQuestionnaire", "summary": "The instrument as a FHIR R4 Questionnaire (`equity-assess export fhir-questionnaire`).",
                "parameters": path_parameters(),
                "responses": responses(ok("A FHIR R4 Questionnaire resource.", json_content(json!({ "type": "object" }))), &["404"])
            }},
            "/v1/instruments/{id}/{version}/redcap-dictionary": { "get": {
                "operationId": "getRedcapDictionary", "summary": "The instrument as a REDCap data dictionary (`equity-assess export redcap-dictionary`).",
                "parameters": path_parameters(),
                "responses": responses(ok("CSV.", json!({ "text/csv": { "schema": { "type": "string" } } })), &["404"])
            }},
            "/v1/schemas/{kind}": { "get": {
                "operationId": "getSchema", "summary": "A JSON Schema (`equity-assess schema KIND`).",
                "parameters": [
                    { "name": "kind", "in": "path", "required": true, "schema": { "type": "string", "enum": kinds } },
                    { "name": "instrument", "in": "query", "required": false, "schema": { "type": "string" },
                      "description": "With `response`: `ID@VERSION`, `ID@REQUIREMENT` or `ID`; the schema of responses to that instrument only." }
                ],
                "responses": responses(ok("A JSON Schema (draft 2020-12).", json_content(json!({ "type": "object" }))), &["400", "404"])
            }},
            "/v1/validate": { "post": {
                "operationId": "validate", "summary": "Check a response document (`equity-assess validate --format json`); 422 lists every problem.",
                "requestBody": { "required": true, "content": json_content(reference("Response")) },
                "responses": responses(ok("The document is valid.", json_content(reference("ValidationResult"))), &["400", "413", "415", "422"])
            }},
            "/v1/score": { "post": {
                "operationId": "score", "summary": "Score a response document (`equity-assess score`), or, with `application/x-ndjson`, one per line (`score --ndjson`).",
                "parameters": [{ "name": "report", "in": "query", "required": false,
                                 "schema": { "type": "string", "enum": ["full", "summary"], "default": "full" } }],
                "requestBody": { "required": true, "content": {
                    "application/json": { "schema": reference("Response") },
                    "application/x-ndjson": { "schema": ndjson.clone() } } },
                "responses": responses(ok("The score report, the summary, or one batch line per input line.", json!({
                    "application/json": { "schema": { "anyOf": [reference("ScoreReport"), reference("ScoreSummary")] } },
                    "application/x-ndjson": { "schema": { "type": "string" } } })), &["400", "413", "415", "422"])
            }},
            "/v1/diff": { "post": {
                "operationId": "diff", "summary": "Compare a baseline with a follow-up (`equity-assess diff --format json`).",
                "requestBody": { "required": true, "content": json_content(reference("DiffRequest")) },
                "responses": responses(ok("The progress report.", json_content(reference("ProgressReport"))), &["400", "413", "415", "422"])
            }},
            "/v1/cohort": { "post": {
                "operationId": "cohort", "summary": "Pair and summarize many assessments (`equity-assess cohort --format json`): newline-delimited documents, or a JSON array of them.",
                "parameters": query_parameters(&cohort_query),
                "requestBody": { "required": true, "content": {
                    "application/x-ndjson": { "schema": ndjson },
                    "application/json": { "schema": { "type": "array", "items": {
                        "description": "A response document (schema `Response`); documents that are not valid are listed under `rejected`, not refused." } } } } },
                "responses": responses(ok("The cohort report.", json_content(reference("CohortReport"))), &["400", "413", "415", "422"])
            }}
        },
        "components": { "schemas": components }
    })
}
