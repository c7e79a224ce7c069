//! The suite file as the user writes it: the serde + schemars model behind the JSON Schema.
//!
//! Every field is optional at this level so that suites can inherit from `defaults` field by
//! field; `resolve` turns a suite plus the defaults into a `ResolvedSuite` with every value
//! settled. Doc comments here become the descriptions an IDE shows on hover, so they are
//! written for the person editing the file.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::duration::HumanDuration;
use super::quarantine::QuarantineSpec;
use super::samples::Samples;
use super::tags::TagSelector;

/// A `hamming-runner` suite file: named suites of Hamming voice-agent tests, with shared
/// defaults and pass thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "hamming-runner suite file")]
pub struct SuiteFile {
    /// Optional schema reference, accepted so that JSON and TOML editors can find the schema.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,

    /// Format version of this file. Only `1` exists.
    #[schemars(range(min = 1, max = 1), example = 1)]
    pub version: u32,

    /// Settings every suite inherits. A suite overrides them field by field; inside
    /// `thresholds`, key by key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<SuiteSpec>,

    /// The suites, by name. They run in the order written here unless `--jobs` runs several
    /// at once. A name is letters, digits, `-`, `_` and `.`, and names the suite in reports.
    #[schemars(extend("minProperties" = 1))]
    pub suites: IndexMap<SuiteName, SuiteSpec>,
}

/// A suite name: letters, digits, `-`, `_` and `.`, starting with a letter or digit.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct SuiteName(
    #[schemars(pattern(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"), example = &"smoke")] pub String,
);

impl std::fmt::Display for SuiteName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What one suite runs and how it is judged. In `defaults`, the same fields give the values
/// every suite inherits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuiteSpec {
    /// Free text shown in reports next to the suite name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,

    /// Id of the Hamming voice agent under test. Usually templated, e.g.
    /// `"{{ env.HAMMING_AGENT_ID }}"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1), example = &"cmc1agent0000000000000001")]
    pub agent_id: Option<String>,

    /// Phone numbers of the agent that Hamming's callers dial, in E.164 form (`+` and the
    /// country code). Every selected case is called at every number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // A templated entry (`{{ … }}`) is accepted here so that editors do not flag it; the
    // loader checks the rendered value against the same schema.
    #[schemars(
        length(min = 1),
        inner(pattern(r"^(\+[1-9][0-9]{6,14}|.*\{\{.*\}\}.*)$"))
    )]
    #[schemars(example = ["+14155550100"])]
    pub phone_numbers: Option<Vec<String>>,

    /// Select test cases by tag, by tag name or tag id: a list (cases carrying any of the
    /// tags) or an expression `{ all: [...], any: [...], none: [...] }`, which is resolved to
    /// explicit test cases through the workspace's catalog. Exclusive with `test_cases`. The
    /// selection is inherited as a unit: a suite that sets `tags` or `test_cases` replaces the
    /// default selection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = ["smoke-test"], example = tags_expression_example())]
    pub tags: Option<TagSelector>,

    /// Select test cases explicitly, each with optional scenario-fact and persona overrides.
    /// Exclusive with `tags`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub test_cases: Option<Vec<TestCaseSpec>>,

    /// Run a Hamming dataset through the legacy ("v1") flow instead of selecting test cases:
    /// every case of the dataset is called once at every phone number. Exclusive with `tags`
    /// and `test_cases`. By default the suite passes as Hamming's v1 check did: every call
    /// ended and no score is 0; `thresholds.min_test_pass_rate` relaxes that.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1), example = &"cmc1dataset00000000000001")]
    pub dataset: Option<String>,

    /// Calls placed per selected case and phone number (Hamming's `samplingCount`): a number
    /// (1–50), or an adaptive plan `{ min: 2, max: 30 }` that runs a first wave of `min`
    /// samples and follow-up waves only for the cases still undecided, until every rate
    /// threshold is decided (needs `thresholds.confidence`). More samples reveal flaky cases.
    /// Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = 3, example = adaptive_samples_example())]
    pub samples: Option<Samples>,

    /// How many calls Hamming places at once for this run. Default: the server's (10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100), example = 10)]
    pub max_concurrent_calls: Option<u32>,

    /// Refuse to start the suite when it would place more calls than this
    /// (cases × samples × phone numbers). A guard against an accidental, costly run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1), example = 100)]
    pub max_calls: Option<u32>,

    /// How long the runner follows the run before it judges the partial results and exits
    /// with code 4. Default `15m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<HumanDuration>,

    /// How often the runner asks for the run's status. Default `10s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_interval: Option<HumanDuration>,

    /// The bar the run must clear for the suite to pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Thresholds>,

    /// Test cases known to be broken: each still runs and is reported, marked with its
    /// reason, but counts in no threshold and no baseline comparison until its `until` date.
    /// In `defaults`, an entry applies to every suite that selects its case; a suite's own
    /// entry for the same case replaces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarantine: Option<Vec<QuarantineSpec>>,
}

/// One explicitly selected test case, optionally with overrides for this run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestCaseSpec {
    /// Id of the Hamming test case (a 25-character id such as `cmc220l4i00zsgn0gvqkvpvxh`).
    #[schemars(length(min = 1), example = &"cmc220l4i00zsgn0gvqkvpvxh")]
    pub id: String,

    /// Scenario facts that replace the case's own for this run, by fact name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = scenario_facts_example())]
    pub scenario_facts: Option<IndexMap<String, serde_json::Value>>,

    /// The simulated caller for this run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persona: Option<Persona>,
}

fn adaptive_samples_example() -> serde_json::Value {
    serde_json::json!({ "min": 2, "max": 30 })
}

fn tags_expression_example() -> serde_json::Value {
    serde_json::json!({ "all": ["smoke-test"], "none": ["slow"] })
}

fn scenario_facts_example() -> serde_json::Value {
    serde_json::json!({ "customerName": "John", "plan": "premium" })
}

/// The simulated caller: who they are, how they sound, how they behave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    /// The persona's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"Impatient caller")]
    pub name: Option<String>,

    /// The text-to-speech voice the caller uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"en-US-male-2")]
    pub voice: Option<String>,

    /// Instructions that shape how the caller behaves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"You are in a hurry and interrupt often.")]
    pub prompt: Option<String>,
}

/// Pass thresholds. A suite passes when its run completed and every threshold it sets holds.
/// Rates and scores are shares from 0 to 1.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Minimum share of calls whose status is PASSED, over all calls of the run. Default 1.0
    /// (every call must pass).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0), example = 0.9)]
    pub min_test_pass_rate: Option<f64>,

    /// Minimum overall assertion score of the run (Hamming's 0–100 score divided by 100).
    /// Not checked when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0), example = 0.9)]
    pub min_assertion_score: Option<f64>,

    /// What an assertion threshold does when the run has no assertions configured:
    /// `fail` (default) fails the gate with a clear reason; `skip` reports it and passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_assertions: Option<NoAssertions>,

    /// Minimum score per assertion category, by category name (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // `inner(range)` does not reach map values, so the value schema is written out.
    #[schemars(
        extend("additionalProperties" = { "type": "number", "minimum": 0.0, "maximum": 1.0 }),
        example = categories_example()
    )]
    pub categories: Option<IndexMap<String, f64>>,

    /// Assertions, by name, that must pass in every call where they are evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(length(min = 1)), example = ["Verifies identity"])]
    pub must_pass_assertions: Option<Vec<String>>,

    /// Bounds on the run's metrics, by metric name (e.g. `latencyP90` in seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = metrics_example())]
    pub metrics: Option<IndexMap<String, MetricBound>>,

    /// Minimum pass rate of each test case across its samples and phone numbers. A case that
    /// passes some samples and fails others is reported as flaky either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0), example = 0.66)]
    pub min_case_pass_rate: Option<f64>,

    /// Judge every rate threshold on the data rather than the point: with a confidence
    /// interval at this level, a rate fails when it is confidently below its bar, passes when
    /// it is confidently at or above `bar − margin`, and is inconclusive otherwise. Each wrong
    /// verdict then happens at most `(1 − confidence) / 2` of the time. Any level above 0.5
    /// and below 1, e.g. 0.95. Not set: rates are compared with their bars as points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("exclusiveMinimum" = 0.5, "exclusiveMaximum" = 1.0), example = 0.95)]
    pub confidence: Option<f64>,

    /// The smallest drop below a bar worth catching, with `confidence` (0–1, exclusive).
    /// A rate passes once it is confidently at or above `bar − margin`. Default 0.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("exclusiveMinimum" = 0.0, "exclusiveMaximum" = 1.0), example = 0.1)]
    pub margin: Option<f64>,

    /// What an inconclusive suite does to the exit code, with `confidence`: `fail` (default,
    /// exit 1: never a silent pass) or `pass` (exit 0). Reports say "inconclusive" either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_inconclusive: Option<OnInconclusive>,

    /// The interval, with `confidence`: `clopper_pearson` (exact, default) or `wilson`
    /// (score; narrower, coverage close to the level on average).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<IntervalKind>,

    /// With `--baseline`: what a pass rate confidently below the baseline's does, `fail`
    /// (default: the `baseline` check fails, exit 1) or `warn` (a warning; the gate holds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regression: Option<RegressionPolicy>,
}

/// What a regression against the baseline does to the gate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegressionPolicy {
    /// The `baseline` check fails: exit 1.
    #[default]
    Fail,
    /// The `baseline` check warns; the gate holds.
    Warn,
}

impl RegressionPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fail => "fail",
            Self::Warn => "warn",
        }
    }

    /// Whether this is the default, `fail` (reports leave it out).
    pub fn is_fail(&self) -> bool {
        *self == Self::Fail
    }
}

/// What an inconclusive suite does to the exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnInconclusive {
    /// Exit 1, as a failed gate: an undecided rate is never a silent pass.
    #[default]
    Fail,
    /// Exit 0; the reports still say inconclusive.
    Pass,
}

impl OnInconclusive {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fail => "fail",
            Self::Pass => "pass",
        }
    }
}

/// Which confidence interval judges a rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntervalKind {
    /// Exact (Clopper & Pearson 1934): never covers less than the confidence.
    #[default]
    ClopperPearson,
    /// Score (Wilson 1927): narrower; coverage close to the confidence on average.
    Wilson,
}

impl IntervalKind {
    pub fn method(self) -> crate::stats::IntervalMethod {
        match self {
            Self::ClopperPearson => crate::stats::IntervalMethod::ClopperPearson,
            Self::Wilson => crate::stats::IntervalMethod::Wilson,
        }
    }
}

fn categories_example() -> serde_json::Value {
    serde_json::json!({ "Compliance": 0.95 })
}

fn metrics_example() -> serde_json::Value {
    serde_json::json!({ "latencyP90": { "max": 2.5 } })
}

/// What an assertion threshold does when no assertions are configured for the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoAssertions {
    /// Fail the gate: a threshold that cannot be judged does not pass.
    #[default]
    Fail,
    /// Report that there were no assertions and let the threshold pass.
    Skip,
}

/// Inclusive bounds on one metric. At least one of `min` and `max`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct MetricBound {
    /// The metric must be at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The metric must be at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}
