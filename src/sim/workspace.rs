//! The simulator's workspace file: what the simulated Hamming account contains and how its
//! calls turn out.
//!
//! The file is YAML (read with serde-saphyr); its JSON Schema is generated from these types
//! and published under `schemas/hamming-workspace.schema.json`.

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::Deserialize;

use super::ids;

/// A simulated Hamming workspace: the catalog (agents, tags, test cases, datasets), how each
/// test case's calls turn out, and the faults to inject.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workspace {
    /// Seed for every derived id and every random draw (flaky outcomes, fault probabilities).
    /// The same seed and the same requests give the same answers. Default 0.
    #[serde(default)]
    pub seed: u64,
    /// Simulated seconds per real second. 600 makes a 3-minute call take 300 ms. Default 60.
    #[serde(default)]
    pub speed: Option<f64>,
    /// Simulated seconds a new run stays QUEUED (a legacy experiment stays CREATED) before its
    /// first call starts. Default 5.
    #[serde(default)]
    pub queue_delay_seconds: Option<f64>,
    /// Simulated seconds a legacy experiment spends in SCORING after its last call. Default 10.
    #[serde(default)]
    pub scoring_seconds: Option<f64>,
    /// Real seconds a finished run (or legacy experiment) stays readable; after that its id
    /// answers 404. Default 3600.
    #[serde(default)]
    pub run_ttl_seconds: Option<f64>,
    /// Most runs (and, separately, legacy experiments) kept at once; creating one more evicts
    /// the oldest finished one, or the oldest of all when none has finished. Default 1000.
    #[serde(default)]
    pub max_runs: Option<usize>,
    /// Bearer keys accepted. When absent, any non-empty bearer token is accepted.
    #[serde(default)]
    pub api_keys: Option<Vec<String>>,
    /// What a create does when its selection resolves to no test case: `reject` (400, as the
    /// current service does) or `accept` (200 with an empty `testCaseRuns` and a run with no
    /// calls, as older servers did). Default `reject`.
    #[serde(default)]
    pub empty_selection: Option<EmptySelection>,
    /// Base of the `resultsUrl` handed back on creation. Default: the simulator's own origin.
    #[serde(default)]
    pub ui_base_url: Option<String>,
    /// Leave `phoneNumber` out of every result entry, as one live response did (November
    /// 2025), so a client must do without it. Default false: each entry names the number its
    /// call dialled, as Hamming's current client model allows.
    #[serde(default)]
    pub omit_phone_number: bool,
    /// Simulated seconds after a call's result is in before its recording link appears: until
    /// then `recordingUrl` is null in the results and empty in the call's details, as the
    /// real service fills it in later. Default 0.
    #[serde(default)]
    pub recording_delay_seconds: Option<f64>,
    /// The voice agents of the workspace.
    #[serde(default)]
    pub agents: Vec<Agent>,
    /// Test-case tags.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Test cases, each with the outcome its calls have.
    #[serde(default)]
    pub test_cases: Vec<TestCase>,
    /// Datasets for the legacy `/voice-agent/{id}/run` flow.
    #[serde(default)]
    pub datasets: Vec<Dataset>,
    /// Faults injected into matching requests.
    #[serde(default)]
    pub faults: Vec<FaultRule>,
}

/// A voice agent.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    /// The agent id as clients send it (`agentId`).
    pub id: String,
    /// Display name. Defaults to the id.
    #[serde(default)]
    pub name: Option<String>,
    /// Optional description.
    #[serde(default)]
    pub description: Option<String>,
    /// How every run (and legacy experiment) against this agent ends. Default `completed`.
    #[serde(default)]
    pub run_outcome: Option<RunOutcome>,
    /// Simulated seconds after the run starts RUNNING at which a `failed` or `canceled`
    /// outcome ends it. Default: when its last call would have ended.
    #[serde(default)]
    pub run_ends_after_seconds: Option<f64>,
}

/// How a run ends, whatever its calls do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// The run ends COMPLETED once every call has ended.
    Completed,
    /// The run ends FAILED (a legacy experiment ends FAILED).
    Failed,
    /// The run ends CANCELED (a legacy experiment ends FAILED).
    Canceled,
    /// The run stays RUNNING forever, even after its calls have ended.
    NeverFinishes,
    /// Legacy experiments only: scoring fails (SCORING_FAILED). Test runs end FAILED.
    ScoringFailed,
}

/// How a create answers a selection that resolves to no test case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmptySelection {
    /// 400 `Requested run selection resolved to no runnable test cases`.
    Reject,
    /// 200 with an empty `testCaseRuns`, like older servers.
    Accept,
}

/// A test-case tag.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    /// The tag id (`tagId`). Derived from the seed and the name when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The tag name.
    pub name: String,
    /// Optional description; the catalog search matches it too.
    #[serde(default)]
    pub description: Option<String>,
}

/// A test case and how its calls turn out.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// The test case id (`testCaseId`).
    pub id: String,
    /// Title shown in the catalog and in `testCaseRuns[].testCase.title`.
    pub title: String,
    /// Tags of the case, each given by tag id or tag name.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Agents the case belongs to; a tag only selects cases whose agents include the run's.
    #[serde(default)]
    pub agent_ids: Vec<String>,
    /// What each call of this case does. Default `pass`.
    #[serde(default)]
    pub outcome: Option<CallOutcome>,
    /// For `flaky`: probability in [0, 1] that a call fails (drawn per run, case, sample and
    /// number from the seed). Default 0.5.
    #[serde(default)]
    pub fail_probability: Option<f64>,
    /// Simulated call length in seconds. Default 120.
    #[serde(default)]
    pub duration_seconds: Option<f64>,
    /// Assertions the judge scores on each call.
    #[serde(default)]
    pub assertions: Vec<Assertion>,
    /// Per-call metrics (e.g. `latencyP50: 1.2`), merged over the defaults.
    #[serde(default)]
    pub metrics: BTreeMap<String, f64>,
    /// Transcript of each call. Default: a short generated exchange.
    #[serde(default)]
    pub transcript: Vec<TranscriptMessage>,
    /// A run that includes this case ends this way (overrides the agent's setting).
    #[serde(default)]
    pub run_outcome: Option<RunOutcome>,
}

/// What a call does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// The call ends PASSED; its assertions pass.
    Pass,
    /// The call ends FAILED; assertions marked `fails_on_failure` fail.
    Fail,
    /// The call ends ERROR; its assertions report ERROR.
    Error,
    /// Each call fails with `fail_probability`, else passes.
    Flaky,
    /// The call never ends, so the run never finishes.
    Hang,
}

/// One assertion the judge scores.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assertion {
    /// Assertion id. Derived from the seed and the name when absent, so the same name in two
    /// cases is the same assertion.
    #[serde(default)]
    pub id: Option<String>,
    /// The assertion name (`assertionName`).
    pub name: String,
    /// Category the assertion is scored under. Default `General`.
    #[serde(default)]
    pub category: Option<String>,
    /// The judge's reason when the assertion passes.
    #[serde(default)]
    pub reason: Option<String>,
    /// The judge's reason when the assertion fails.
    #[serde(default)]
    pub failure_reason: Option<String>,
    /// Whether this assertion fails when the call fails. Default true.
    #[serde(default)]
    pub fails_on_failure: Option<bool>,
}

/// One transcript message.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TranscriptMessage {
    /// Speaker, e.g. `user` or `assistant`.
    pub role: String,
    /// What was said.
    pub content: String,
}

/// A dataset for the legacy flow.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// The dataset id (`dataset_id`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Optional description.
    #[serde(default)]
    pub description: Option<String>,
    /// Test cases (by id) whose outcomes the dataset's calls take, one call per case and
    /// number.
    pub test_cases: Vec<String>,
}

/// A fault injected into matching requests.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// HTTP method to match (e.g. `GET`). Default: any.
    #[serde(default)]
    pub method: Option<String>,
    /// Path to match under `/api/rest`, `*` standing for one segment, e.g.
    /// `/test-runs/*/results`. A trailing `/**` matches any rest. Default: any path.
    #[serde(default)]
    pub path: Option<String>,
    /// The fault, in the syntax of the `X-Hamming-Sim-Fault` header, e.g.
    /// `status=503;body=html` or `status=429;retry-after=2`.
    pub fault: String,
    /// Let this many matching requests through before the rule applies. Default 0.
    #[serde(default)]
    pub after: Option<u64>,
    /// Apply to at most this many requests, then stop. Default: no limit.
    #[serde(default)]
    pub count: Option<u64>,
    /// Apply to each matching request with this probability (seeded). Default 1.
    #[serde(default)]
    pub probability: Option<f64>,
}

/// A workspace that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// The workspace file could not be read, parsed or checked: every problem, each located
    /// in the file (rendered rustc-style, like a suite file's).
    #[error("{}", .0.render_closing(false, NOT_STARTED))]
    File(crate::load::Diagnostics),
    /// A workspace built in memory is inconsistent.
    #[error("invalid workspace {path}: {problems}", problems = problems.join("; "))]
    Invalid {
        /// What the workspace is (`<workspace>`).
        path: String,
        /// Every problem found.
        problems: Vec<String>,
    },
}

/// What a workspace file's errors prevent, closing their rendering.
pub const NOT_STARTED: &str = "the simulator was not started";

impl Workspace {
    /// Reads, parses and checks a workspace file.
    pub fn load(path: &Path) -> Result<Workspace, WorkspaceError> {
        super::workspace_file::load(path)
    }

    /// Parses and checks workspace YAML; `origin` names it in errors.
    pub fn from_yaml(text: &str, origin: &str) -> Result<Workspace, WorkspaceError> {
        super::workspace_file::parse(&crate::load::Source::new(origin, text.to_owned()))
    }

    /// The id of a tag: its own, or one derived from the seed and its name.
    pub fn tag_id(&self, tag: &Tag) -> String {
        tag.id
            .clone()
            .unwrap_or_else(|| ids::derive(self.seed, &["tag", &tag.name]))
    }

    /// Finds a tag by id or by name.
    pub fn find_tag(&self, key: &str) -> Option<&Tag> {
        self.tags
            .iter()
            .find(|t| self.tag_id(t) == key)
            .or_else(|| self.tags.iter().find(|t| t.name == key))
    }
}

/// The JSON Schema of the workspace file, as published under `schemas/`.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Workspace);
    serde_json::to_value(schema).unwrap_or_default()
}
