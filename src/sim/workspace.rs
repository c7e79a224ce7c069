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

/// A workspace file that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// The file could not be read.
    #[error("failed to read workspace file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The YAML did not parse or did not match the model.
    #[error("invalid workspace file {path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The workspace parsed but is inconsistent.
    #[error("invalid workspace {path}: {problems}", problems = problems.join("; "))]
    Invalid {
        /// The file (or `<inline>`).
        path: String,
        /// Every problem found.
        problems: Vec<String>,
    },
}

impl Workspace {
    /// Reads, parses and checks a workspace file.
    pub fn load(path: &Path) -> Result<Workspace, WorkspaceError> {
        let text = std::fs::read_to_string(path).map_err(|source| WorkspaceError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_yaml(&text, &path.display().to_string())
    }

    /// Parses and checks workspace YAML; `origin` names it in errors.
    pub fn from_yaml(text: &str, origin: &str) -> Result<Workspace, WorkspaceError> {
        let workspace: Workspace =
            serde_saphyr::from_str(text).map_err(|e| WorkspaceError::Parse {
                path: origin.to_owned(),
                message: e.to_string(),
            })?;
        let problems = workspace.problems();
        if problems.is_empty() {
            Ok(workspace)
        } else {
            Err(WorkspaceError::Invalid {
                path: origin.to_owned(),
                problems,
            })
        }
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

    /// Consistency problems: dangling references and out-of-range numbers.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let positive = |v: Option<f64>, what: &str, problems: &mut Vec<String>| {
            if let Some(v) = v
                && !(v.is_finite() && v >= 0.0)
            {
                problems.push(format!("{what} must be a finite number ≥ 0, got {v}"));
            }
        };
        if let Some(speed) = self.speed
            && !(speed.is_finite() && speed > 0.0)
        {
            problems.push(format!("speed must be a finite number > 0, got {speed}"));
        }
        positive(
            self.queue_delay_seconds,
            "queue_delay_seconds",
            &mut problems,
        );
        positive(self.scoring_seconds, "scoring_seconds", &mut problems);
        positive(self.run_ttl_seconds, "run_ttl_seconds", &mut problems);
        positive(
            self.recording_delay_seconds,
            "recording_delay_seconds",
            &mut problems,
        );
        if self.max_runs == Some(0) {
            problems.push("max_runs must be at least 1".to_owned());
        }
        if let Some(keys) = &self.api_keys
            && keys.iter().any(|k| k.trim().is_empty())
        {
            problems.push("api_keys must not contain an empty key".to_owned());
        }
        let mut seen = std::collections::HashSet::new();
        for agent in &self.agents {
            if !seen.insert(agent.id.as_str()) {
                problems.push(format!("agent id {} appears twice", agent.id));
            }
            positive(
                agent.run_ends_after_seconds,
                &format!("agent {}: run_ends_after_seconds", agent.id),
                &mut problems,
            );
        }
        for case in &self.test_cases {
            let at = format!("test case {}", case.id);
            if !seen.insert(case.id.as_str()) {
                problems.push(format!("{at}: id appears twice or is also an agent id"));
            }
            for tag in &case.tags {
                if self.find_tag(tag).is_none() {
                    problems.push(format!("{at}: unknown tag {tag:?} (add it under tags)"));
                }
            }
            for agent in &case.agent_ids {
                if !self.agents.iter().any(|a| &a.id == agent) {
                    problems.push(format!(
                        "{at}: unknown agent {agent:?} (add it under agents)"
                    ));
                }
            }
            if let Some(p) = case.fail_probability
                && !(0.0..=1.0).contains(&p)
            {
                problems.push(format!("{at}: fail_probability must be in [0, 1], got {p}"));
            }
            positive(
                case.duration_seconds,
                &format!("{at}: duration_seconds"),
                &mut problems,
            );
        }
        for dataset in &self.datasets {
            for case in &dataset.test_cases {
                if !self.test_cases.iter().any(|c| &c.id == case) {
                    problems.push(format!(
                        "dataset {}: unknown test case {case:?}",
                        dataset.id
                    ));
                }
            }
        }
        for (index, rule) in self.faults.iter().enumerate() {
            if let Err(e) = super::faults::FaultSpec::parse(&rule.fault) {
                problems.push(format!("faults[{index}]: {e}"));
            }
            if let Some(p) = rule.probability
                && !(0.0..=1.0).contains(&p)
            {
                problems.push(format!(
                    "faults[{index}]: probability must be in [0, 1], got {p}"
                ));
            }
        }
        problems
    }
}

/// The JSON Schema of the workspace file, as published under `schemas/`.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Workspace);
    serde_json::to_value(schema).unwrap_or_default()
}
