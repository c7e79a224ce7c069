//! The suite file: its model (and so its JSON Schema), durations, and resolution of each suite
//! against the defaults.

pub mod date;
pub mod duration;
mod ids;
pub mod model;
pub mod phone;
pub mod quarantine;
pub mod resolve;
pub mod samples;
pub mod shard;
pub mod statistics;
pub mod tags;
pub mod workspace_schema;

pub use date::Date;
pub use duration::HumanDuration;
pub use model::{
    IntervalKind, MetricBound, NoAssertions, OnInconclusive, Persona, RegressionPolicy, SuiteFile,
    SuiteName, SuiteSpec, TestCaseSpec, Thresholds,
};
pub use quarantine::{Quarantine, QuarantineSpec};
pub use resolve::{Problem, ResolvedSuite, ResolvedThresholds, Selection, SuiteSource, resolve};
pub use samples::{AdaptiveSamples, Samples};
pub use statistics::Statistics;
pub use tags::{TagExpression, TagSelector};

/// The JSON Schema of the suite file, as published under `schemas/`.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(SuiteFile);
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("$id".into(), serde_json::Value::String(SCHEMA_ID.into()));
    }
    value
}

/// The schema as published: pretty JSON with a trailing newline.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// Where the published schema lives; starter files point their modeline here.
pub const SCHEMA_ID: &str = "https://raw.githubusercontent.com/hamming-runner/hamming-runner/main/schemas/hamming-suites.schema.json";
