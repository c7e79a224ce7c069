//! Fault injection: the `X-Hamming-Sim-Fault` header syntax, the workspace's fault rules, and
//! the faulty responses themselves.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::hostile::{self, Location, Redirect, Reply};
use super::ids;
use super::workspace::{FaultRule, RunOutcome};

/// The request header that asks for a fault on that one request.
pub const FAULT_HEADER: &str = "x-hamming-sim-fault";

/// What a fault does to one request. Parsed from `key[=value]` directives joined by `;`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultSpec {
    /// Answer with this status (400–599) instead of the real response.
    pub status: Option<u16>,
    /// Error body as an HTML page instead of JSON.
    pub html: bool,
    /// `Retry-After` header to send with the status.
    pub retry_after: Option<RetryAfter>,
    /// Wait this long before answering.
    pub delay: Option<Duration>,
    /// Spoil the body of the real response.
    pub payload: Option<Payload>,
    /// Accept the request and never answer.
    pub no_response: bool,
    /// Run the request first, then replace its response with the error status: the request
    /// took effect although the client sees an error.
    pub after_handler: bool,
    /// On a create request: how the new run ends.
    pub run: Option<RunOutcome>,
    /// Rewrite the real JSON body (keeping its status) before answering.
    pub rewrite: Option<Rewrite>,
    /// Answer with a redirect instead of the real response.
    pub redirect: Option<Redirect>,
    /// The error body repeats the credentials the request carried (its `Authorization`
    /// header), as a careless server's error page might.
    pub echo_auth: bool,
    /// Replace a 2xx answer with one that names no run.
    pub reply: Option<Reply>,
    /// Replace the run id of a create answer with this text.
    pub run_id: Option<String>,
}

/// Ways to rewrite a real JSON body into one a newer or older server might send.
#[derive(Debug, Clone, PartialEq)]
pub enum Rewrite {
    /// Replace the run status (`status`, and `summary.status` in results) with this value.
    StatusValue(String),
    /// Drop every null and every optional field (metrics, assertions, transcripts, stats,
    /// URLs, durations, top issues): what a terse or older server might send.
    Sparse,
    /// Add unknown fields to every object: what a newer server might send.
    Extra,
    /// Make every text hostile (terminal escapes, bidi overrides, workflow commands, HTML)
    /// and every link a `javascript:` link; error messages too.
    Hostile,
}

/// The two forms of `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RetryAfter {
    /// Delay in seconds.
    Seconds(u64),
    /// An HTTP-date this many seconds from now.
    DateIn(u64),
}

/// Ways to spoil a response body.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Payload {
    /// Status 200 with a body that is not JSON at all.
    MalformedJson,
    /// Status 200 with the first half of the real body, properly framed.
    TruncatedJson,
    /// Status 200, half the real body sent, then the connection is dropped.
    Reset,
}

impl FaultSpec {
    /// Parses `status=503;body=html`, `status=429;retry-after=2`, `delay=2000ms`, ….
    pub fn parse<'a>(text: &'a str) -> Result<FaultSpec, String> {
        let mut spec = FaultSpec::default();
        let mut location = None;
        for directive in text.split(';').map(str::trim).filter(|d| !d.is_empty()) {
            let (key, value) = match directive.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.trim())),
                None => (directive.to_ascii_lowercase(), None),
            };
            let need = |v: Option<&'a str>| -> Result<&'a str, String> {
                v.ok_or_else(|| format!("fault directive {key} needs a value"))
            };
            match key.as_str() {
                "status" => {
                    let v = need(value)?;
                    let code: u16 = v
                        .parse()
                        .map_err(|_| format!("fault status {v:?} is not a number"))?;
                    if !(400..=599).contains(&code) {
                        return Err(format!("fault status {code} is not in 400–599"));
                    }
                    spec.status = Some(code);
                }
                "body" => match need(value)? {
                    "html" => spec.html = true,
                    "json" => spec.html = false,
                    other => return Err(format!("fault body {other:?} is not html or json")),
                },
                "retry-after" => {
                    let v = need(value)?;
                    let secs = v.parse().map_err(|_| {
                        format!("retry-after {v:?} is not a whole number of seconds")
                    })?;
                    spec.retry_after = Some(RetryAfter::Seconds(secs));
                }
                "retry-after-date" => {
                    let secs = match value {
                        Some(v) => v.parse().map_err(|_| {
                            format!("retry-after-date {v:?} is not a whole number of seconds")
                        })?,
                        None => 2,
                    };
                    spec.retry_after = Some(RetryAfter::DateIn(secs));
                }
                "delay" => {
                    let v = need(value)?;
                    let d = crate::suite::duration::parse(v).map_err(|e| {
                        format!("fault delay {v:?} is not a duration like 2000ms: {e}")
                    })?;
                    spec.delay = Some(d);
                }
                "malformed-json" => spec.payload = Some(Payload::MalformedJson),
                "truncated-json" => spec.payload = Some(Payload::TruncatedJson),
                "reset" => spec.payload = Some(Payload::Reset),
                "no-response" => spec.no_response = true,
                "status-value" => {
                    spec.rewrite = Some(Rewrite::StatusValue(need(value)?.to_owned()));
                }
                "sparse-json" => spec.rewrite = Some(Rewrite::Sparse),
                "extra-fields" => spec.rewrite = Some(Rewrite::Extra),
                "hostile-text" => spec.rewrite = Some(Rewrite::Hostile),
                "redirect" => {
                    spec.redirect = Some(Redirect {
                        status: Redirect::parse_status(need(value)?)?,
                        to: Location::Same,
                    });
                }
                "location" => location = Some(Location::Exact(need(value)?.to_owned())),
                "location-origin" => location = Some(Location::Origin(need(value)?.to_owned())),
                "echo-auth" => spec.echo_auth = true,
                "reply" => spec.reply = Some(Reply::parse(need(value)?)?),
                "run-id" => spec.run_id = Some(value.unwrap_or_default().to_owned()),
                "phase" => match need(value)? {
                    "before" => spec.after_handler = false,
                    "after" => spec.after_handler = true,
                    other => return Err(format!("fault phase {other:?} is not before or after")),
                },
                "run" => {
                    spec.run = Some(match need(value)? {
                        "failed" => RunOutcome::Failed,
                        "canceled" => RunOutcome::Canceled,
                        "never-finishes" => RunOutcome::NeverFinishes,
                        "scoring-failed" => RunOutcome::ScoringFailed,
                        "completed" => RunOutcome::Completed,
                        other => {
                            return Err(format!(
                                "fault run outcome {other:?} is not failed, canceled, never-finishes, scoring-failed or completed"
                            ));
                        }
                    })
                }
                other => return Err(format!("unknown fault directive {other:?}")),
            }
        }
        // A location alone implies a 307; a redirect without one points back at itself.
        if let Some(to) = location {
            spec.redirect.get_or_insert(Redirect {
                status: 307,
                to: Location::Same,
            });
            if let Some(redirect) = &mut spec.redirect {
                redirect.to = to;
            }
        }
        // A Retry-After or a body kind alone implies the status they belong to.
        if spec.status.is_none() && spec.retry_after.is_some() {
            spec.status = Some(429);
        }
        if spec.status.is_none() && spec.echo_auth {
            spec.status = Some(401);
        }
        if spec.status.is_none() && spec.html {
            spec.status = Some(503);
        }
        Ok(spec)
    }

    /// The error response this fault answers with, if it has a status. `credentials` is
    /// what the request carried, repeated in the body under `echo-auth`.
    pub fn error_response(&self, credentials: &str) -> Option<Response> {
        let code = StatusCode::from_u16(self.status?).ok()?;
        let mut said = String::new();
        if self.echo_auth {
            said.push_str(&format!("; received {credentials}"));
        }
        if self.rewrite == Some(Rewrite::Hostile) {
            said.push_str(hostile::HOSTILE_TEXT);
        }
        let mut response = if self.html {
            let reason = code.canonical_reason().unwrap_or("Error");
            let page = format!(
                "<!DOCTYPE html>\n<html><head><title>{n} {reason}</title></head>\n<body><center><h1>{n} {reason}</h1></center><hr><center>nginx{said}</center></body></html>\n",
                n = code.as_u16()
            );
            (
                code,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                page,
            )
                .into_response()
        } else {
            let body = serde_json::json!({
                "message": format!("simulated fault: {}{said}", code.canonical_reason().unwrap_or("error")),
                "code": "SIMULATED_FAULT",
                "httpStatus": code.as_u16(),
            });
            (code, axum::Json(body)).into_response()
        };
        if let Some(retry) = self.retry_after {
            let value = match retry {
                RetryAfter::Seconds(s) => s.to_string(),
                RetryAfter::DateIn(s) => {
                    httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(s))
                }
            };
            if let Ok(v) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        Some(response)
    }
}

/// Spoils a real response body as the payload fault says.
pub fn spoil(payload: Payload, status: StatusCode, body: Bytes) -> Response {
    let json = [(header::CONTENT_TYPE, "application/json")];
    match payload {
        Payload::MalformedJson => (
            StatusCode::OK,
            json,
            "{\"summary\": {status: RUNNING,, 'results': [}\n",
        )
            .into_response(),
        Payload::TruncatedJson => {
            let half = body.slice(0..body.len() / 2);
            (status, json, half).into_response()
        }
        Payload::Reset => {
            let total = body.len();
            let half = body.slice(0..total / 2);
            // The error comes a moment after the first half so the status line, headers
            // and that half reach the client before the connection drops.
            let first = futures_util::stream::iter([Ok::<Bytes, std::io::Error>(half)]);
            let cut = futures_util::stream::once(async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "simulated connection reset",
                ))
            });
            let chunks = futures_util::StreamExt::chain(first, cut);
            let mut response = Response::new(Body::from_stream(chunks));
            *response.status_mut() = status;
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(total));
            response
        }
    }
}

/// Rewrites a real JSON body as the rewrite says; a body that is not JSON passes unchanged.
pub fn rewrite(rewrite: &Rewrite, status: StatusCode, body: Bytes) -> Response {
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return (status, body).into_response();
    };
    match rewrite {
        Rewrite::StatusValue(new) => {
            if let Some(object) = value.as_object_mut() {
                if object.contains_key("status") {
                    object.insert("status".into(), new.clone().into());
                }
                if let Some(summary) = object.get_mut("summary").and_then(|s| s.as_object_mut()) {
                    summary.insert("status".into(), new.clone().into());
                }
            }
        }
        Rewrite::Sparse => strip_optional(&mut value),
        Rewrite::Extra => add_unknown(&mut value),
        Rewrite::Hostile => hostile::hostile(&mut value),
    }
    (status, axum::Json(value)).into_response()
}

/// Fields a lenient client must do without: the ones Hamming's client models mark optional
/// (`resultsUrl` on a create is required there, so it stays).
const OPTIONAL_FIELDS: &[&str] = &[
    "metrics",
    "assertions",
    "assertionResults",
    "transcript",
    "topIssues",
    "recordingUrl",
    "transcriptionDataUrl",
    "durationSeconds",
    "stats",
    "testCase",
    "overrides",
    "phoneNumber",
];

fn strip_optional(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|k, v| !v.is_null() && !OPTIONAL_FIELDS.contains(&k.as_str()));
            map.values_mut().for_each(strip_optional);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_optional),
        _ => {}
    }
}

/// Objects keyed by name whose values all have one type (metric values, counts, scores,
/// facts): a newer server adds entries of that type there, not fields of another shape, so
/// the unknown fields go into their values instead.
const KEYED_MAPS: &[&str] = &["metrics", "stats", "scores", "scenarioFacts"];

fn add_unknown(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match (KEYED_MAPS.contains(&key.as_str()), child) {
                    (true, serde_json::Value::Object(entries)) => {
                        entries.values_mut().for_each(add_unknown);
                    }
                    (_, child) => add_unknown(child),
                }
            }
            map.insert(
                "unexpectedField".into(),
                serde_json::json!({ "nested": [1, "two", null, { "deep": true }] }),
            );
            map.insert("anotherNewThing".into(), 42.into());
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(add_unknown),
        _ => {}
    }
}

/// The workspace's fault rules with their counters.
#[derive(Debug)]
pub struct FaultRules {
    seed: u64,
    rules: Vec<(FaultRule, FaultSpec)>,
    counters: Mutex<Vec<RuleCounter>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct RuleCounter {
    matched: u64,
    applied: u64,
}

impl FaultRules {
    /// Rules from the workspace; rules whose fault does not parse are skipped (the workspace
    /// check reports them before the simulator starts).
    pub fn new(seed: u64, rules: &[FaultRule]) -> FaultRules {
        let rules: Vec<_> = rules
            .iter()
            .filter_map(|r| FaultSpec::parse(&r.fault).ok().map(|s| (r.clone(), s)))
            .collect();
        let counters = Mutex::new(vec![RuleCounter::default(); rules.len()]);
        FaultRules {
            seed,
            rules,
            counters,
        }
    }

    /// The fault for a request, from the first rule that matches and fires.
    pub fn pick(&self, method: &str, path: &str) -> Option<FaultSpec> {
        let mut counters = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        for (index, (rule, spec)) in self.rules.iter().enumerate() {
            if !rule_matches(rule, method, path) {
                continue;
            }
            let counter = &mut counters[index];
            counter.matched += 1;
            if counter.matched <= rule.after.unwrap_or(0) {
                continue;
            }
            if rule.count.is_some_and(|max| counter.applied >= max) {
                continue;
            }
            if let Some(p) = rule.probability {
                let draw = ids::unit(
                    self.seed,
                    &["fault", &index.to_string(), &counter.matched.to_string()],
                );
                if draw >= p {
                    continue;
                }
            }
            counter.applied += 1;
            return Some(spec.clone());
        }
        None
    }
}

fn rule_matches(rule: &FaultRule, method: &str, path: &str) -> bool {
    if let Some(m) = &rule.method
        && !m.eq_ignore_ascii_case(method)
    {
        return false;
    }
    match &rule.path {
        None => true,
        Some(pattern) => path_matches(pattern, path),
    }
}

/// Matches `/test-runs/*/results` against a path; `*` is one segment, a final `**` any rest.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut want = pattern.trim_matches('/').split('/');
    let mut have = path.trim_matches('/').split('/');
    loop {
        match (want.next(), have.next()) {
            (Some("**"), _) => return true,
            (Some(w), Some(h)) if w == "*" || w == h => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_directive() {
        let s = FaultSpec::parse("status=503; body=html").unwrap();
        assert_eq!((s.status, s.html), (Some(503), true));
        let s = FaultSpec::parse("status=429;retry-after=2").unwrap();
        assert_eq!(s.retry_after, Some(RetryAfter::Seconds(2)));
        let s = FaultSpec::parse("retry-after-date").unwrap();
        assert_eq!(
            (s.status, s.retry_after),
            (Some(429), Some(RetryAfter::DateIn(2)))
        );
        assert_eq!(
            FaultSpec::parse("delay=2000ms").unwrap().delay,
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            FaultSpec::parse("malformed-json").unwrap().payload,
            Some(Payload::MalformedJson)
        );
        assert_eq!(
            FaultSpec::parse("truncated-json").unwrap().payload,
            Some(Payload::TruncatedJson)
        );
        assert_eq!(
            FaultSpec::parse("reset").unwrap().payload,
            Some(Payload::Reset)
        );
        assert!(FaultSpec::parse("no-response").unwrap().no_response);
        assert_eq!(
            FaultSpec::parse("status-value=PAUSED").unwrap().rewrite,
            Some(Rewrite::StatusValue("PAUSED".into()))
        );
        assert_eq!(
            FaultSpec::parse("sparse-json").unwrap().rewrite,
            Some(Rewrite::Sparse)
        );
        assert_eq!(
            FaultSpec::parse("extra-fields").unwrap().rewrite,
            Some(Rewrite::Extra)
        );
        assert!(
            FaultSpec::parse("status=502;phase=after")
                .unwrap()
                .after_handler
        );
        assert_eq!(
            FaultSpec::parse("run=canceled").unwrap().run,
            Some(RunOutcome::Canceled)
        );
    }

    #[tokio::test]
    async fn rewrites_change_the_real_body() {
        let body = Bytes::from(
            r#"{"summary":{"status":"RUNNING","stats":{"total":1}},"results":[{"id":"r","status":"PASSED","metrics":{},"recordingUrl":null}]}"#,
        );
        let read = |response: Response| async move {
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
        };
        let sparse = read(rewrite(&Rewrite::Sparse, StatusCode::OK, body.clone())).await;
        assert_eq!(
            sparse,
            serde_json::json!({"summary":{"status":"RUNNING"},"results":[{"id":"r","status":"PASSED"}]})
        );
        let extra = read(rewrite(&Rewrite::Extra, StatusCode::OK, body.clone())).await;
        assert_eq!(extra["results"][0]["anotherNewThing"], 42);
        assert_eq!(
            extra["summary"]["unexpectedField"]["nested"][3]["deep"],
            true
        );
        // Keyed maps keep values of one type: no object lands among the counts.
        assert!(extra["summary"]["stats"].get("unexpectedField").is_none());
        assert_eq!(extra["results"][0]["metrics"], serde_json::json!({}));
        let status = Rewrite::StatusValue("PAUSED".into());
        let renamed = read(rewrite(&status, StatusCode::OK, body)).await;
        assert_eq!(renamed["summary"]["status"], "PAUSED");
    }

    #[test]
    fn parses_the_trust_faults() {
        let s = FaultSpec::parse("redirect=302").unwrap();
        assert_eq!(
            s.redirect,
            Some(Redirect {
                status: 302,
                to: Location::Same
            })
        );
        let s = FaultSpec::parse("location-origin=http://localhost:9").unwrap();
        assert_eq!(
            s.redirect,
            Some(Redirect {
                status: 307,
                to: Location::Origin("http://localhost:9".into())
            })
        );
        let s = FaultSpec::parse("echo-auth").unwrap();
        assert_eq!((s.status, s.echo_auth), (Some(401), true));
        assert_eq!(
            FaultSpec::parse("reply=array").unwrap().reply,
            Some(Reply::Array)
        );
        assert_eq!(
            FaultSpec::parse("run-id=a b").unwrap().run_id.as_deref(),
            Some("a b")
        );
        assert_eq!(
            FaultSpec::parse("hostile-text").unwrap().rewrite,
            Some(Rewrite::Hostile)
        );
        assert!(FaultSpec::parse("redirect=200").is_err());
        assert!(FaultSpec::parse("reply=maybe").is_err());
    }

    #[test]
    fn rejects_nonsense() {
        assert!(FaultSpec::parse("status=200").is_err());
        assert!(FaultSpec::parse("status=abc").is_err());
        assert!(FaultSpec::parse("explode").is_err());
        assert!(FaultSpec::parse("delay=soon").is_err());
    }

    #[test]
    fn paths_match_by_segment() {
        assert!(path_matches(
            "/test-runs/*/results",
            "/test-runs/abc/results"
        ));
        assert!(!path_matches(
            "/test-runs/*/results",
            "/test-runs/abc/status"
        ));
        assert!(path_matches("/test-runs/**", "/test-runs/abc/status"));
        assert!(!path_matches("/agents", "/agents/x/test-tags"));
    }

    #[test]
    fn rules_honour_after_and_count() {
        let rule = FaultRule {
            method: Some("GET".into()),
            path: Some("/agents".into()),
            fault: "status=500".into(),
            after: Some(1),
            count: Some(2),
            probability: None,
        };
        let rules = FaultRules::new(0, &[rule]);
        let hits: Vec<bool> = (0..5)
            .map(|_| rules.pick("GET", "/agents").is_some())
            .collect();
        assert_eq!(hits, vec![false, true, true, false, false]);
        assert!(rules.pick("POST", "/agents").is_none());
    }
}
