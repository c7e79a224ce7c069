//! Faults that test what a client believes and prints, rather than whether it retries:
//! redirects (to the same place, to another host, in a loop), error bodies that echo the
//! caller's key, create answers that name no run (empty, `null`, an array, HTML, no or a
//! blank `testRunId`, a hostile run id), and answers whose strings carry terminal escapes,
//! bidi overrides, workflow commands, HTML and `javascript:` links.
//!
//! The directives are parsed with the others in `faults.rs`; this file builds the responses.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// A redirect answered instead of the real response.
#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    /// 301, 302, 303, 307 or 308.
    pub status: u16,
    pub to: Location,
}

/// Where a redirect points.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// The request's own path and query on this server, with `redirected=1` added to the
    /// query (so each hop is a new address): a chain without end, unless the rule's `count`
    /// lets the next request through.
    Same,
    /// The request's path and query on another origin (`http://host:port`).
    Origin(String),
    /// Exactly this URL.
    Exact(String),
}

impl Redirect {
    pub fn parse_status(text: &str) -> Result<u16, String> {
        match text.parse::<u16>() {
            Ok(code @ (301 | 302 | 303 | 307 | 308)) => Ok(code),
            _ => Err(format!(
                "redirect {text:?} is not one of 301, 302, 303, 307, 308"
            )),
        }
    }

    /// The redirect for a request to `path_and_query` on the server at `origin`.
    pub fn response(&self, origin: &str, path_and_query: &str) -> Response {
        let target = match &self.to {
            Location::Same => {
                let joiner = if path_and_query.contains('?') {
                    '&'
                } else {
                    '?'
                };
                format!("{origin}{path_and_query}{joiner}redirected=1")
            }
            Location::Origin(other) => format!("{}{path_and_query}", other.trim_end_matches('/')),
            Location::Exact(url) => url.clone(),
        };
        let code = StatusCode::from_u16(self.status).unwrap_or(StatusCode::TEMPORARY_REDIRECT);
        let mut response = (code, "").into_response();
        if let Ok(value) = HeaderValue::from_str(&target) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        response
    }
}

/// What an echoing error body repeats: the credentials the request carried.
pub fn echoed_credentials(headers: &HeaderMap) -> String {
    ["authorization", "x-api-key", "x-workspace-key"]
        .iter()
        .filter_map(|name| {
            headers
                .get(*name)
                .and_then(|v| v.to_str().ok())
                .map(|v| format!("{name}: {v}"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A 2xx create answer that names no run usable by a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// 200 with an empty body.
    Empty,
    /// 204 No Content.
    NoContent,
    /// 200 with `null`.
    Null,
    /// 200 with a JSON array.
    Array,
    /// 200 with an HTML page.
    Html,
    /// 200 with the real answer minus `testRunId`.
    NoId,
    /// 200 with the real answer and `testRunId: ""`.
    BlankId,
}

impl Reply {
    pub fn parse(text: &str) -> Result<Reply, String> {
        Ok(match text {
            "empty" => Reply::Empty,
            "no-content" => Reply::NoContent,
            "null" => Reply::Null,
            "array" => Reply::Array,
            "html" => Reply::Html,
            "no-id" => Reply::NoId,
            "blank-id" => Reply::BlankId,
            other => {
                return Err(format!(
                    "reply {other:?} is not empty, no-content, null, array, html, no-id or blank-id"
                ));
            }
        })
    }

    /// The answer replacing a real one (only 2xx answers are replaced).
    pub fn response(self, status: StatusCode, body: &Bytes) -> Response {
        let json = [(header::CONTENT_TYPE, "application/json")];
        match self {
            Reply::Empty => (StatusCode::OK, json, "").into_response(),
            Reply::NoContent => StatusCode::NO_CONTENT.into_response(),
            Reply::Null => (StatusCode::OK, json, "null").into_response(),
            Reply::Array => (StatusCode::OK, json, r#"["1","2"]"#).into_response(),
            Reply::Html => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/html")],
                "<!DOCTYPE html><html><head><title>Welcome</title></head><body>Sign in</body></html>",
            )
                .into_response(),
            Reply::NoId | Reply::BlankId => {
                let mut value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
                if let Some(object) = value.as_object_mut() {
                    for field in ["testRunId", "voice_experiment_id"] {
                        if object.contains_key(field) {
                            if self == Reply::NoId {
                                object.remove(field);
                            } else {
                                object.insert(field.into(), "".into());
                            }
                        }
                    }
                }
                (status, axum::Json(value)).into_response()
            }
        }
    }
}

/// The real answer with its run id (`testRunId`, or the legacy `voice_experiment_id`)
/// replaced by `id`.
pub fn with_run_id(id: &str, status: StatusCode, body: &Bytes) -> Response {
    let mut value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if let Some(object) = value.as_object_mut() {
        for field in ["testRunId", "voice_experiment_id"] {
            if object.contains_key(field) {
                object.insert(field.into(), id.into());
            }
        }
    }
    (status, axum::Json(value)).into_response()
}

/// What a hostile server appends to every text: a line break and a workflow command, the
/// legacy command form, a terminal colour and an OSC 8 hyperlink, BEL, a bidi override,
/// HTML and a Markdown `javascript:` link.
pub const HOSTILE_TEXT: &str = "\n::error file=x::injected\r\n##[error]legacy \u{1b}[31mred\u{1b}]8;;https://evil.example\u{7}osc\u{1b}]8;;\u{7} \u{202e}desrever\u{202c} <script>alert(1)</script><img src=x onerror=alert(1)> [click](javascript:alert(1))";

/// Where a hostile link points.
pub const HOSTILE_LINK: &str = "javascript:alert(document.domain)";

/// Fields left alone so the answer still parses as what it is: ids and statuses (the run id
/// has its own directive, `run-id`).
const KEPT: &[&str] = &[
    "id",
    "testRunId",
    "testCaseId",
    "assertionId",
    "status",
    "agentId",
];

/// Every string of a JSON answer made hostile: links become `javascript:` links, other
/// texts get `HOSTILE_TEXT` appended, keys that name metrics and ids are kept.
pub fn hostile(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::String(text) if key.ends_with("Url") || key.ends_with("url") => {
                        *text = HOSTILE_LINK.to_owned();
                    }
                    Value::String(text) if !KEPT.contains(&key.as_str()) => {
                        text.push_str(HOSTILE_TEXT);
                    }
                    Value::String(_) => {}
                    other => hostile(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(hostile),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_answers_keep_ids_and_statuses() {
        let mut value = serde_json::json!({
            "testRunId": "c1", "status": "PASSED", "resultsUrl": "https://x",
            "results": [ { "id": "r1", "reason": "fine", "recordingUrl": "https://r" } ]
        });
        hostile(&mut value);
        assert_eq!(value["testRunId"], "c1");
        assert_eq!(value["status"], "PASSED");
        assert_eq!(value["resultsUrl"], HOSTILE_LINK);
        assert_eq!(value["results"][0]["recordingUrl"], HOSTILE_LINK);
        assert!(
            value["results"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("::error")
        );
    }

    #[test]
    fn only_redirect_statuses_parse() {
        assert_eq!(Redirect::parse_status("307"), Ok(307));
        assert!(Redirect::parse_status("304").is_err());
        assert!(Redirect::parse_status("x").is_err());
    }
}
