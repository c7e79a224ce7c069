//! The Hamming REST API's wire format: every path, field name and status value the runner
//! sends or reads is written here and nowhere else.
//!
//! Requests are built exactly; responses are parsed leniently (unknown fields ignored,
//! missing ones tolerated, close type variants accepted), because the API publishes no
//! schema and a CI gate must not break on a new optional field. When production turns out
//! to differ from what is known, the fix is a line in this file.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient;

/// Paths, relative to the base URL (which ends in `/api/rest`).
pub mod path {
    pub const CREATE_TEST_RUN: &str = "/test-runs/test-inbound-agent";
    pub fn status(run_id: &str) -> String {
        format!("/test-runs/{}/status", super::segment(run_id))
    }
    pub fn results(run_id: &str) -> String {
        format!("/test-runs/{}/results", super::segment(run_id))
    }
    /// One call's details (its recording link), by test-case run id.
    pub fn call_details(call_id: &str) -> String {
        format!("/test-case-runs/{}/details", super::segment(call_id))
    }
    pub const AGENTS: &str = "/agents";
    pub const TEST_TAGS: &str = "/test-tags";
    pub fn agent_test_tags(agent_id: &str) -> String {
        format!("/agents/{}/test-tags", super::segment(agent_id))
    }
    pub const TEST_CASES: &str = "/test-cases";
    pub fn legacy_run(agent_id: &str) -> String {
        format!("/voice-agent/{}/run", super::segment(agent_id))
    }
    pub fn legacy_experiment(id: &str) -> String {
        format!("/voice-experiment/{}", super::segment(id))
    }
    pub fn legacy_calls(id: &str) -> String {
        format!("/voice-experiment/{}/calls", super::segment(id))
    }
    pub const DATASETS: &str = "/datasets";
}

/// Percent-encodes an id for use as one path segment, so an id can never change the path.
fn segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The largest page the test-case catalog serves.
pub const TEST_CASES_PAGE_LIMIT: u32 = 500;

// ---------------------------------------------------------------------------------------------
// Create a test run.

/// Body of `POST /test-runs/test-inbound-agent`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTestRun {
    pub agent_id: String,
    pub phone_numbers: Vec<String>,
    pub test_configurations: Vec<TestConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sampling_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_concurrent_calls: Option<u32>,
}

/// One item of `testConfigurations`: exactly one of `tagId` and `testCaseId`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_case_id: Option<String>,
    /// Per-case overrides. Their wire shape is known only from Hamming's design notes
    /// (`overrides: { scenarioFacts, persona }`); it is built in `TestConfiguration::for_case`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overrides: Option<Overrides>,
}

/// `overrides` on a test configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario_facts: Option<IndexMap<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persona: Option<PersonaOverride>,
}

/// `overrides.persona`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonaOverride {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
}

impl TestConfiguration {
    pub fn for_tag(tag_id: impl Into<String>) -> Self {
        Self {
            tag_id: Some(tag_id.into()),
            test_case_id: None,
            overrides: None,
        }
    }

    pub fn for_case(
        test_case_id: impl Into<String>,
        scenario_facts: Option<IndexMap<String, Value>>,
        persona: Option<PersonaOverride>,
    ) -> Self {
        let overrides = (scenario_facts.is_some() || persona.is_some()).then_some(Overrides {
            scenario_facts,
            persona,
        });
        Self {
            tag_id: None,
            test_case_id: Some(test_case_id.into()),
            overrides,
        }
    }
}

/// Response of the create call.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreatedTestRun {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub test_run_id: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub results_url: Option<String>,
    /// `None` when the field is absent; an empty list means nothing was selected.
    #[serde(deserialize_with = "lenient::opt_list")]
    pub test_case_runs: Option<Vec<Value>>,
}

// ---------------------------------------------------------------------------------------------
// Status and results.

/// Response of `GET /test-runs/{id}/status`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StatusBody {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
}

/// A test run's status. Unknown values are kept and treated as not terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum RunStatus {
    Queued,
    Running,
    Completed,
    Failed,
    Canceled,
    Other(String),
}

impl RunStatus {
    pub fn parse(text: &str) -> Self {
        match text.trim().to_ascii_uppercase().as_str() {
            "QUEUED" => Self::Queued,
            "RUNNING" => Self::Running,
            "COMPLETED" => Self::Completed,
            "FAILED" => Self::Failed,
            // Hamming's client spells it with one L; tolerate the other spelling too.
            "CANCELED" | "CANCELLED" => Self::Canceled,
            _ => Self::Other(text.to_owned()),
        }
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Canceled)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Queued => "QUEUED",
            Self::Running => "RUNNING",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
            Self::Canceled => "CANCELED",
            Self::Other(s) => s,
        }
    }
}

/// Response of `GET /test-runs/{id}/results`. It is read leniently (see `results_body`):
/// only JSON that is not well-formed is an error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultsBody {
    pub summary: Option<Summary>,
    pub results: Vec<CallResult>,
}

/// `summary` of a results body.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Summary {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "lenient::opt_object")]
    pub stats: Option<Stats>,
    #[serde(deserialize_with = "summary_metrics")]
    pub metrics: IndexMap<String, SummaryMetric>,
    #[serde(deserialize_with = "lenient::opt_object")]
    pub assertions: Option<AssertionScores>,
    #[serde(deserialize_with = "lenient::vec_of")]
    pub top_issues: Vec<TopIssue>,
}

/// `summary.stats`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Stats {
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub total: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub completed: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub passed: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub failed: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub errored: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub pending: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub in_progress: Option<u64>,
}

/// One entry of `summary.metrics`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct SummaryMetric {
    #[serde(deserialize_with = "lenient::opt_f64")]
    pub value: Option<f64>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub unit: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
}

fn summary_metrics<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<IndexMap<String, SummaryMetric>, D::Error> {
    let Value::Object(map) = Value::deserialize(d)? else {
        return Ok(IndexMap::new());
    };
    Ok(map
        .into_iter()
        .filter_map(|(name, v)| {
            let metric = match &v {
                // A bare number is read as the value.
                Value::Number(_) | Value::String(_) => SummaryMetric {
                    value: lenient::as_f64(&v),
                    ..SummaryMetric::default()
                },
                Value::Object(_) => serde_json::from_value(v).ok()?,
                _ => return None,
            };
            Some((name, metric))
        })
        .collect())
}

/// `summary.assertions`, and the per-call `assertions`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AssertionScores {
    /// On a 0–100 scale.
    #[serde(deserialize_with = "lenient::opt_f64")]
    pub overall_score: Option<f64>,
    /// Objects in the run summary; on a call, Hamming's client model reads category names
    /// (strings) here. Either is read, a name as a category with only its name.
    #[serde(deserialize_with = "categories")]
    pub categories: Vec<Category>,
    /// An overall score outside 0–100 that the server sent, set aside (see
    /// `ResultsBody::without_impossible_values`): never judged, never read as "none".
    #[serde(skip)]
    pub rejected_score: Option<f64>,
}

fn categories<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Category>, D::Error> {
    let Value::Array(items) = Value::deserialize(d)? else {
        return Ok(Vec::new());
    };
    Ok(items
        .into_iter()
        .filter_map(|item| match item {
            Value::String(name) => Some(Category {
                name: Some(name),
                ..Category::default()
            }),
            object @ Value::Object(_) => serde_json::from_value(object).ok(),
            _ => None,
        })
        .collect())
}

impl AssertionScores {
    /// Hamming's own reading: a zero overall score with no categories means that no
    /// assertions are configured, not that every assertion failed.
    pub fn none_configured(&self) -> bool {
        self.categories.is_empty()
            && self.rejected_score.is_none()
            && self.overall_score.unwrap_or(0.0) == 0.0
    }
}

/// One assertion category.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Category {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// On a 0–100 scale, when present.
    #[serde(deserialize_with = "lenient::opt_f64")]
    pub score: Option<f64>,
    /// Lower case `passed` / `failed`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    pub stats: Option<Value>,
    #[serde(deserialize_with = "lenient::vec_of")]
    pub assertion_ids: Vec<String>,
}

/// One entry of `summary.topIssues`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopIssue {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub title: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub severity: Option<String>,
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub affected_call_count: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub recommendation: Option<String>,
}

/// One entry of `results`: one call (a test case, at one number, one sample).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CallResult {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub test_case_id: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    /// The number the call dialled, in Hamming's client model (optional there, and absent
    /// from one live response).
    #[serde(deserialize_with = "lenient::opt_string")]
    pub phone_number: Option<String>,
    /// The same, under the name a third-party client reads. Kept apart rather than as an
    /// alias, so a body with both fields is not refused.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub to_number: Option<String>,
    /// Whole seconds in Hamming's client model; any number is read.
    #[serde(deserialize_with = "lenient::opt_f64")]
    pub duration_seconds: Option<f64>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub recording_url: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub transcription_data_url: Option<String>,
    /// The transcript's messages, read from `{ messages: [...] }` or, in older data, a
    /// plain string (see `transcript_messages`).
    #[serde(deserialize_with = "transcript::messages")]
    pub transcript: Vec<transcript::Message>,
    #[serde(deserialize_with = "lenient::opt_object")]
    pub assertions: Option<AssertionScores>,
    #[serde(deserialize_with = "lenient::vec_of")]
    pub assertion_results: Vec<AssertionResult>,
    #[serde(deserialize_with = "call_metrics")]
    pub metrics: IndexMap<String, f64>,
}

impl CallResult {
    /// The number the call dialled, from `phoneNumber` or else `toNumber`; `None` when the
    /// results do not say (a call is then never tied to a number by guessing).
    pub fn number(&self) -> Option<&str> {
        [&self.phone_number, &self.to_number]
            .into_iter()
            .filter_map(|n| n.as_deref().map(str::trim))
            .find(|n| !n.is_empty())
    }

    /// The recording link, when the results carry a non-empty one.
    pub fn recording(&self) -> Option<&str> {
        self.recording_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
    }
}

/// Response of `GET /test-case-runs/{id}/details`: the recording link, empty or absent
/// until the service has it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CallDetails {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub recording_url: Option<String>,
}

impl CallDetails {
    /// The recording link, if the service has one yet.
    pub fn recording(&self) -> Option<&str> {
        self.recording_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
    }
}

/// Per-call metrics: plain numbers in Hamming's client model; a `{ value }` object is read
/// too.
fn call_metrics<'de, D: serde::Deserializer<'de>>(d: D) -> Result<IndexMap<String, f64>, D::Error> {
    let Value::Object(map) = Value::deserialize(d)? else {
        return Ok(IndexMap::new());
    };
    Ok(map
        .into_iter()
        .filter_map(|(name, v)| {
            let value = match &v {
                Value::Object(o) => o.get("value").and_then(lenient::as_f64),
                other => lenient::as_f64(other),
            }?;
            Some((name, value))
        })
        .collect())
}

/// A call's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CallStatus {
    Passed,
    Failed,
    Pending,
    Error,
    Other(String),
}

impl CallStatus {
    pub fn parse(text: Option<&str>) -> Self {
        match text.map(|t| t.trim().to_ascii_uppercase()).as_deref() {
            Some("PASSED") => Self::Passed,
            Some("FAILED") => Self::Failed,
            Some("PENDING") | Some("RUNNING") | Some("IN_PROGRESS") | None => Self::Pending,
            Some("ERROR") | Some("ERRORED") => Self::Error,
            Some(_) => Self::Other(text.unwrap_or_default().to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Passed => "PASSED",
            Self::Failed => "FAILED",
            Self::Pending => "PENDING",
            Self::Error => "ERROR",
            Self::Other(s) => s,
        }
    }
}

/// One entry of a call's `assertionResults`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AssertionResult {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub assertion_id: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub assertion_name: Option<String>,
    /// `PASSED`, `FAILED`, `ERROR` or `SKIPPED`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub reason: Option<String>,
    pub details: Option<Value>,
}

// ---------------------------------------------------------------------------------------------
// Catalog.

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AgentsBody {
    #[serde(deserialize_with = "lenient::vec_of")]
    pub agents: Vec<Agent>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Agent {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
}

impl AgentsBody {
    /// The agents of a `GET /agents` body, or `None` when the body holds no `agents` list
    /// (a shape this client does not know: the list is then unknown, not empty).
    pub fn read(value: &serde_json::Value) -> Option<Vec<Agent>> {
        value.get("agents")?.as_array()?;
        Self::deserialize(value).ok().map(|body| body.agents)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TagsBody {
    #[serde(deserialize_with = "lenient::vec_of")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Tag {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub description: Option<String>,
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub test_case_count: Option<u64>,
}

/// One page of `GET /test-cases`. The list's key is not confirmed; `testCases` is expected
/// and `items`/`data` are accepted.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TestCasesBody {
    #[serde(alias = "items", alias = "data", deserialize_with = "lenient::vec_of")]
    pub test_cases: Vec<TestCaseItem>,
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub total: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TestCaseItem {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub title: Option<String>,
    #[serde(deserialize_with = "lenient::vec_of")]
    pub tags: Vec<TagRef>,
    #[serde(deserialize_with = "lenient::vec_of")]
    pub agent_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TagRef {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Legacy ("v1") flow: snake_case on the wire.

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LegacyRun {
    pub dataset_id: String,
    /// A string or a list of strings.
    pub to_number: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct LegacyRunCreated {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub voice_experiment_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct LegacyExperiment {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// `CREATED`, `RUNNING`, `SCORING`, `SCORING_FAILED`, `FINISHED` or `FAILED`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
}

impl LegacyExperiment {
    pub fn is_terminal(&self) -> bool {
        matches!(
            self.status.as_deref(),
            Some("FINISHED") | Some("FAILED") | Some("SCORING_FAILED")
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct LegacyCallsBody {
    #[serde(deserialize_with = "lenient::vec_of")]
    pub calls: Vec<LegacyCall>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct LegacyCall {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// `ended` when the call finished.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    pub scores: IndexMap<String, LegacyScore>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct LegacyScore {
    #[serde(deserialize_with = "lenient::opt_f64")]
    pub value: Option<f64>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct DatasetsBody {
    #[serde(deserialize_with = "lenient::vec_of")]
    pub datasets: Vec<Dataset>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Dataset {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub description: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Errors.

/// An error body: `{ message, code?, httpStatus?, validationErrors?, data? }`; some servers
/// send `error` instead of `message`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ErrorBody {
    #[serde(deserialize_with = "lenient::opt_string")]
    pub message: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub error: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub code: Option<String>,
    pub validation_errors: Option<Value>,
}

impl ErrorBody {
    pub fn text(&self) -> Option<&str> {
        self.message.as_deref().or(self.error.as_deref())
    }
}

// ---------------------------------------------------------------------------------------------
// Values no valid answer can hold.

/// Scores are on a 0–100 scale.
const SCORE_RANGE: std::ops::RangeInclusive<f64> = 0.0..=100.0;

fn in_range(value: &mut Option<f64>, range: &std::ops::RangeInclusive<f64>) {
    if value.is_some_and(|v| !range.contains(&v)) {
        *value = None;
    }
}

fn trim_id(id: &mut Option<String>) {
    if let Some(text) = id {
        let trimmed = text.trim();
        if trimmed.len() != text.len() {
            *text = trimmed.to_owned();
        }
    }
}

impl AssertionScores {
    fn drop_out_of_range(&mut self) {
        if let Some(score) = self.overall_score.filter(|s| !SCORE_RANGE.contains(s)) {
            self.rejected_score = Some(score);
        }
        in_range(&mut self.overall_score, &SCORE_RANGE);
        for category in &mut self.categories {
            in_range(&mut category.score, &SCORE_RANGE);
        }
    }
}

impl ResultsBody {
    /// The body without values no valid answer can hold, so the gate never judges on them: a
    /// score outside 0–100 and a negative duration read as absent (a threshold on them then
    /// fails as "not measured" instead of passing on nonsense), and ids lose the whitespace
    /// around them, so `case-1 ` and `case-1` are one case.
    pub fn without_impossible_values(mut self) -> Self {
        if let Some(summary) = &mut self.summary {
            trim_id(&mut summary.id);
            if let Some(assertions) = &mut summary.assertions {
                assertions.drop_out_of_range();
            }
        }
        for call in &mut self.results {
            trim_id(&mut call.id);
            trim_id(&mut call.test_case_id);
            in_range(&mut call.duration_seconds, &(0.0..=f64::MAX));
            if let Some(assertions) = &mut call.assertions {
                assertions.drop_out_of_range();
            }
        }
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Reading a create answer.
//
// Everything else is parsed leniently, but the answer to a create is read strictly: it is the
// only record of the run that may now be placing paid calls, and a run id read wrongly (an
// array read field by field, a number, a hostile string) would follow another run or none.
// Only a JSON object with an id-like `testRunId` string is a created run; any other 2xx body
// means "the run may exist".

/// Whether a string has the shape of a run id: 1 to 128 ASCII letters, digits, `-` and `_`
/// (Hamming's ids are 25-character cuids such as `cmc220l4i00zsgn0gvqkvpvxh`). Anything else
/// (spaces, line breaks, `/`, control characters) is refused before it is used in a path, a
/// state file, a log line or a CI output.
pub fn looks_like_run_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Why a 2xx answer to a create names no run that can be followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreateAnswerProblem {
    #[error("the body is empty")]
    Empty,
    #[error("the body is an HTML page, not JSON")]
    Html,
    #[error("the body is not JSON")]
    NotJson,
    #[error("the body is JSON {0}, not an object")]
    NotAnObject(&'static str),
    #[error("the body has no `{0}`")]
    MissingId(&'static str),
    #[error("`{field}` is {kind}, not a string")]
    IdNotAString {
        field: &'static str,
        kind: &'static str,
    },
    #[error("`{0}` is blank")]
    BlankId(&'static str),
    #[error("`{field}` is not an id (letters, digits, `-` and `_` only): {shown}")]
    NotAnId { field: &'static str, shown: String },
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The object a create answer must be, with its run id checked.
fn create_answer_object(
    text: &str,
    html: bool,
    id_field: &'static str,
) -> Result<serde_json::Map<String, Value>, CreateAnswerProblem> {
    if text.trim().is_empty() {
        return Err(CreateAnswerProblem::Empty);
    }
    let value: Value = serde_json::from_str(text).map_err(|_| {
        if html {
            CreateAnswerProblem::Html
        } else {
            CreateAnswerProblem::NotJson
        }
    })?;
    let Value::Object(object) = value else {
        return Err(CreateAnswerProblem::NotAnObject(json_kind(&value)));
    };
    match object.get(id_field) {
        None | Some(Value::Null) => Err(CreateAnswerProblem::MissingId(id_field)),
        Some(Value::String(id)) if id.trim().is_empty() => {
            Err(CreateAnswerProblem::BlankId(id_field))
        }
        Some(Value::String(id)) if !looks_like_run_id(id) => Err(CreateAnswerProblem::NotAnId {
            field: id_field,
            shown: crate::untrusted::excerpt_of(id, 60),
        }),
        Some(Value::String(_)) => Ok(object),
        Some(other) => Err(CreateAnswerProblem::IdNotAString {
            field: id_field,
            kind: json_kind(other),
        }),
    }
}

/// Reads the 2xx answer of `POST /test-runs/test-inbound-agent`; `html` says the server
/// labelled it an HTML page.
pub fn read_create_answer(text: &str, html: bool) -> Result<CreatedTestRun, CreateAnswerProblem> {
    let object = create_answer_object(text, html, "testRunId")?;
    // The id was checked above; the other fields keep the lenient reading.
    Ok(serde_json::from_value(Value::Object(object)).unwrap_or_default())
}

/// Reads the 2xx answer of the legacy `POST /voice-agent/{agentId}/run`.
pub fn read_legacy_answer(text: &str, html: bool) -> Result<LegacyRunCreated, CreateAnswerProblem> {
    let object = create_answer_object(text, html, "voice_experiment_id")?;
    Ok(serde_json::from_value(Value::Object(object)).unwrap_or_default())
}

mod results_body;
mod transcript;

#[cfg(test)]
mod tests;
