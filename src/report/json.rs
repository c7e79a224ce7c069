//! The JSON report: the `Outcome` as pretty JSON, its published JSON Schema, and the reader
//! that `report FILE.json` uses to re-render without the network.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::outcome::{OLDEST_SCHEMA_VERSION, Outcome, SCHEMA_VERSION};

/// Where the published schema lives.
pub const SCHEMA_ID: &str = "https://raw.githubusercontent.com/hamming-runner/hamming-runner/main/schemas/hamming-report.schema.json";

/// Writes the outcome as pretty JSON, with a trailing newline.
pub fn write_json(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, outcome).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// The JSON Schema of the report, as committed under `schemas/hamming-report.schema.json`.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Outcome);
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("$id".into(), serde_json::Value::String(SCHEMA_ID.into()));
        object.insert(
            "title".into(),
            serde_json::Value::String("hamming-runner JSON report".into()),
        );
    }
    value
}

/// Why a saved report could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read report {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("report {path} is not valid JSON: {source}")]
    Syntax {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path} is not a hamming-runner JSON report: it has no `schema_version`")]
    NotAReport { path: PathBuf },
    #[error(
        "report {path} has schema version {found}, but this hamming-runner reads versions 1 to {expected}; re-render it with the hamming-runner version that wrote it{writer}"
    )]
    UnknownVersion {
        path: PathBuf,
        found: String,
        expected: u32,
        writer: String,
    },
    #[error("report {path} does not match schema version {expected}: {source}")]
    Shape {
        path: PathBuf,
        expected: u32,
        source: serde_json::Error,
    },
}

/// Reads a saved JSON report, rejecting versions this build does not know. Version 1
/// reports read as they are: everything version 2 added is optional.
pub fn read_outcome(path: &Path) -> Result<Outcome, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse_outcome(path, &text)
}

/// When a report's `schema_version` is one this build does not read: the version it says,
/// and the version of the tool that wrote it, if it says.
pub fn unknown_version(
    version: &serde_json::Value,
    report: &serde_json::Value,
) -> Option<(String, Option<String>)> {
    let known = (u64::from(OLDEST_SCHEMA_VERSION)..=u64::from(SCHEMA_VERSION))
        .contains(&version.as_u64().unwrap_or(0));
    (!known).then(|| {
        let writer = report
            .pointer("/tool/version")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        (version.to_string(), writer)
    })
}

/// Parses a report's text; `path` only names it in errors.
pub fn parse_outcome(path: &Path, text: &str) -> Result<Outcome, ReadError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|source| ReadError::Syntax {
            path: path.to_owned(),
            source,
        })?;
    let Some(version) = value.get("schema_version") else {
        return Err(ReadError::NotAReport {
            path: path.to_owned(),
        });
    };
    if let Some((found, writer)) = unknown_version(version, &value) {
        return Err(ReadError::UnknownVersion {
            path: path.to_owned(),
            found,
            expected: SCHEMA_VERSION,
            writer: writer.map(|v| format!(" ({v})")).unwrap_or_default(),
        });
    }
    serde_json::from_value(value).map_err(|source| ReadError::Shape {
        path: path.to_owned(),
        expected: SCHEMA_VERSION,
        source,
    })
}
