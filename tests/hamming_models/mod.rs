//! Strict models of the Hamming bodies the simulator serves, written from the field lists of
//! the public evidence (Hamming's own v2 client models, read field by field, its LiveKit
//! plugin, and live responses seen by third-party clients), not from the simulator's code.
//!
//! Strict means: every field the evidence marks required is required, every type is exact
//! (an integer is an integer, a string a string), enumerations are closed, and no field
//! outside the lists is allowed. A field the simulator invents is listed here with
//! `[invented]`, so that adding one is a visible decision. Unknown fields a newer server may
//! add are tolerated only through the `extra-fields` fault, whose additions the harness
//! removes from records (never from keyed maps, where they would have to be values of the
//! map's type) before a body is checked.
//!
//! Marks: [confirmed] Hamming's docs or its v2 scripts corrected against live responses;
//! [official-client] Hamming's LiveKit plugin; [observed] a third-party client of the live
//! API; [invented] the simulator's own.

#![allow(dead_code)]

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{Number, Value};

/// `POST /test-runs/test-inbound-agent` → 200.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Created {
    /// [confirmed] required.
    pub test_run_id: String,
    /// [confirmed] required in Hamming's create model.
    pub results_url: String,
    /// [confirmed] one entry per call; no `status` on the create answer.
    pub test_case_runs: Vec<CreatedEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreatedEntry {
    /// [invented] the test-case run id.
    pub id: Option<String>,
    /// [invented]
    pub test_case_id: Option<String>,
    /// [invented] always `PENDING`.
    pub status: Option<CallStatus>,
    /// [confirmed] the test case.
    pub test_case: Option<TestCaseRef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCaseRef {
    /// [invented] the fields of `testCase`.
    pub id: String,
    pub title: String,
}

/// `GET /test-runs/{id}/status` [confirmed].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Status {
    pub status: RunStatus,
}

/// Run statuses: `QUEUED` [observed], the others [confirmed]; `CANCELED` with one L.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RunStatus {
    Queued,
    Running,
    Completed,
    Failed,
    Canceled,
}

/// `GET /test-runs/{id}/results`: `{ summary, results }`, both required [confirmed].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Results {
    pub summary: Summary,
    pub results: Vec<CallResult>,
    /// [confirmed] optional in Hamming's model.
    pub results_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Summary {
    /// [confirmed] required.
    pub id: String,
    /// [confirmed] required; the status endpoint's values.
    pub status: RunStatus,
    pub stats: Option<Stats>,
    /// [observed] keyed entries, each a bare number or `{ value, unit, status }`.
    pub metrics: Option<IndexMap<String, SummaryMetric>>,
    pub assertions: Option<RunAssertions>,
    pub top_issues: Option<Vec<TopIssue>>,
}

/// `summary.stats`: five counts [confirmed], two more [observed, a third-party guess].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Stats {
    pub total: u64,
    pub completed: u64,
    pub failed: u64,
    pub pending: u64,
    pub in_progress: u64,
    pub passed: Option<u64>,
    pub errored: Option<u64>,
}

/// One `summary.metrics` entry [observed]: the map mixes both forms.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum SummaryMetric {
    Bare(f64),
    Object(MetricObject),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricObject {
    pub value: f64,
    pub unit: MetricUnit,
    pub status: MetricStatus,
}

#[derive(Debug, Deserialize)]
pub enum MetricUnit {
    #[serde(rename = "s")]
    Seconds,
    #[serde(rename = "ratio")]
    Ratio,
    #[serde(rename = "/min")]
    PerMinute,
    #[serde(rename = "count")]
    Count,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricStatus {
    Pass,
    Warn,
    Fail,
}

/// `summary.assertions` [confirmed].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RunAssertions {
    /// 0–100.
    pub overall_score: Option<f64>,
    pub categories: Option<Vec<RunCategory>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RunCategory {
    /// [confirmed] required.
    pub name: String,
    /// 0–100.
    pub score: Option<f64>,
    /// Lower case.
    pub status: Option<CategoryStatus>,
    /// [observed] keys.
    pub stats: Option<CategoryStats>,
    pub assertion_ids: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CategoryStatus {
    Passed,
    Failed,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryStats {
    pub passed: Option<u64>,
    pub failed: Option<u64>,
    pub skipped: Option<u64>,
    pub pending: Option<u64>,
}

/// `summary.topIssues[]` [observed].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TopIssue {
    pub title: String,
    pub severity: Severity,
    pub affected_call_count: u64,
    pub recommendation: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    High,
    Medium,
    Low,
}

/// One `results[]` entry [confirmed unless marked].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CallResult {
    /// Required.
    pub id: String,
    /// Required.
    pub test_case_id: String,
    /// Required.
    pub status: CallStatus,
    /// Optional; E.164 when present.
    pub phone_number: Option<String>,
    /// An integer in Hamming's client model.
    pub duration_seconds: Option<u64>,
    pub recording_url: Option<String>,
    pub transcription_data_url: Option<String>,
    pub transcript: Option<Transcript>,
    pub assertions: Option<CallAssertions>,
    pub assertion_results: Option<Vec<AssertionResult>>,
    /// Plain numbers, never objects.
    pub metrics: Option<IndexMap<String, Number>>,
    /// [invented] the overrides the configuration sent, echoed.
    pub overrides: Option<Overrides>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CallStatus {
    Passed,
    Failed,
    Pending,
    Error,
}

/// `{ messages: [...] }`, or a string in older data; message fields are [unknown].
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Transcript {
    Messages(TranscriptMessages),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranscriptMessages {
    pub messages: Vec<Value>,
}

/// A call's `assertions`: `categories` is a list of category names [confirmed].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CallAssertions {
    pub overall_score: Option<f64>,
    pub categories: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AssertionResult {
    pub assertion_id: String,
    pub assertion_name: String,
    pub status: AssertionStatus,
    pub reason: Option<String>,
    pub details: Option<serde_json::Map<String, Value>>,
}

/// `PASSED`, `FAILED`, `ERROR` [confirmed]; `SKIPPED` [observed].
#[derive(Debug, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AssertionStatus {
    Passed,
    Failed,
    Error,
    Skipped,
}

/// [invented] the echo of a configuration's overrides.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Overrides {
    pub scenario_facts: Option<serde_json::Map<String, Value>>,
    pub persona: Option<Persona>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    pub name: Option<String>,
    pub voice: Option<String>,
    pub prompt: Option<String>,
}

/// `GET /test-case-runs/{id}/details` [official-client]: `recordingUrl`, a string that may
/// be empty for a while (read with `.get`, so optional).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Details {
    /// [invented]
    pub id: Option<String>,
    pub recording_url: Option<String>,
}

/// The value-level rules serde cannot express. Each returns every violation.
pub trait Rules {
    fn violations(&self) -> Vec<String>;
}

impl Rules for Created {
    fn violations(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !looks_like_id(&self.test_run_id) {
            out.push(format!(
                "testRunId {:?} is not a 25-character id",
                self.test_run_id
            ));
        }
        out
    }
}

impl Rules for Status {
    fn violations(&self) -> Vec<String> {
        Vec::new()
    }
}

impl Rules for Details {
    fn violations(&self) -> Vec<String> {
        Vec::new()
    }
}

impl Rules for Results {
    fn violations(&self) -> Vec<String> {
        let mut out = Vec::new();
        let s = &self.summary;
        if let Some(a) = &s.assertions {
            score(&mut out, "summary.assertions.overallScore", a.overall_score);
            for c in a.categories.iter().flatten() {
                score(&mut out, "summary.assertions.categories[].score", c.score);
            }
        }
        if let Some(stats) = &s.stats
            && stats.completed + stats.pending + stats.in_progress != stats.total
        {
            out.push(format!("summary.stats do not add up: {stats:?}"));
        }
        for (i, call) in self.results.iter().enumerate() {
            if let Some(number) = &call.phone_number
                && !is_e164(number)
            {
                out.push(format!("results[{i}].phoneNumber {number:?} is not E.164"));
            }
            if let Some(a) = &call.assertions {
                score(
                    &mut out,
                    "results[].assertions.overallScore",
                    a.overall_score,
                );
            }
            for (name, value) in call.metrics.iter().flatten() {
                let whole = value.is_u64();
                if name.ends_with("Count") && !whole {
                    out.push(format!(
                        "results[{i}].metrics.{name} = {value} is not an integer"
                    ));
                }
            }
        }
        out
    }
}

fn score(out: &mut Vec<String>, what: &str, value: Option<f64>) {
    if let Some(v) = value
        && !(0.0..=100.0).contains(&v)
    {
        out.push(format!("{what} = {v} is not on the 0–100 scale"));
    }
}

fn looks_like_id(id: &str) -> bool {
    id.len() == 25 && id.starts_with('c') && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn is_e164(number: &str) -> bool {
    number.strip_prefix('+').is_some_and(|digits| {
        (2..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

/// Checks a body against a model: it must parse and keep every value rule.
pub fn check<T: serde::de::DeserializeOwned + Rules>(body: &Value) -> Result<(), String> {
    let parsed: T = serde_json::from_value(body.clone()).map_err(|e| e.to_string())?;
    match parsed.violations().as_slice() {
        [] => Ok(()),
        violations => Err(violations.join("; ")),
    }
}
