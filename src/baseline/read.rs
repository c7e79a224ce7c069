//! Reading a baseline report. It is input the runner did not write in this process, so it is
//! read like a server's body: at most `MAX_BYTES`, and leniently below the top level (a suite
//! that does not read is one suite not compared, not a failed command). What makes the file
//! unusable as a whole (missing, not JSON, not a report, a version this build does not know)
//! is an error before anything runs, so no paid call is placed for a comparison that cannot
//! happen.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;

use crate::outcome::{OLDEST_SCHEMA_VERSION, SCHEMA_VERSION, SuiteOutcome};

/// The largest baseline report read, as for a server's body.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// A baseline report, as far as it could be read.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// The file as the user named it.
    pub path: String,
    /// When its run finished, as it says (RFC 3339).
    pub finished_at: Option<String>,
    /// The same, read as a time (`None` when absent or not RFC 3339).
    pub finished: Option<SystemTime>,
    /// Its suites, in order.
    pub suites: Vec<BaselineSuite>,
}

/// One suite of a baseline report.
#[derive(Debug, Clone)]
pub enum BaselineSuite {
    Read(Box<SuiteOutcome>),
    /// A suite whose record does not read as this build's report format.
    Unreadable {
        name: String,
        error: String,
    },
}

impl BaselineSuite {
    pub fn name(&self) -> &str {
        match self {
            Self::Read(suite) => &suite.name,
            Self::Unreadable { name, .. } => name,
        }
    }
}

/// Why a baseline report cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the baseline report {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the baseline report {path} is larger than {} MiB", MAX_BYTES >> 20)]
    TooLarge { path: PathBuf },
    #[error("the baseline report {path} is not JSON: {source}")]
    Syntax {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "{path} is not a hamming-runner JSON report (it has no `schema_version` and `suites`); --baseline takes the report.json an earlier run wrote"
    )]
    NotAReport { path: PathBuf },
    #[error(
        "the baseline report {path} has schema version {found}, but this hamming-runner reads versions {OLDEST_SCHEMA_VERSION} to {SCHEMA_VERSION}; compare with a report of the same hamming-runner version{writer}"
    )]
    UnknownVersion {
        path: PathBuf,
        found: String,
        writer: String,
    },
}

impl Baseline {
    /// Reads a baseline report from a file.
    pub fn read(path: &Path) -> Result<Self, ReadError> {
        let io = |source| ReadError::Io {
            path: path.to_owned(),
            source,
        };
        // A FIFO or a device given by mistake is refused at once, never waited on.
        let file = crate::load::source::open_regular(path).map_err(io)?;
        let mut bytes = Vec::new();
        file.take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err(ReadError::TooLarge {
                path: path.to_owned(),
            });
        }
        let value: Value = serde_json::from_slice(&bytes).map_err(|source| ReadError::Syntax {
            path: path.to_owned(),
            source,
        })?;
        Self::from_value(path, &value)
    }

    /// Reads a baseline report's JSON; `path` only names it.
    pub fn from_value(path: &Path, value: &Value) -> Result<Self, ReadError> {
        let (Some(version), Some(suites)) = (
            value.get("schema_version"),
            value.get("suites").and_then(Value::as_array),
        ) else {
            return Err(ReadError::NotAReport {
                path: path.to_owned(),
            });
        };
        if let Some((found, writer)) = crate::report::json::unknown_version(version, value) {
            let excerpt = |text: &str| crate::untrusted::excerpt_of(text, 40);
            return Err(ReadError::UnknownVersion {
                path: path.to_owned(),
                found: excerpt(&found),
                writer: writer
                    .map(|v| format!(" (it was written by {})", excerpt(&v)))
                    .unwrap_or_default(),
            });
        }
        let finished_at = value
            .get("finished_at")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let finished = finished_at
            .as_deref()
            .and_then(|t| humantime::parse_rfc3339_weak(t).ok());
        let suites = suites
            .iter()
            .enumerate()
            .map(
                |(i, suite)| match serde_json::from_value::<SuiteOutcome>(suite.clone()) {
                    Ok(read) => BaselineSuite::Read(Box::new(read)),
                    Err(e) => BaselineSuite::Unreadable {
                        name: suite
                            .get("name")
                            .and_then(Value::as_str)
                            .map_or_else(|| format!("#{}", i + 1), str::to_owned),
                        error: e.to_string(),
                    },
                },
            )
            .collect();
        Ok(Self {
            path: path.display().to_string(),
            finished_at,
            finished,
            suites,
        })
    }

    /// The suite of that name, if the report has one.
    pub fn suite(&self, name: &str) -> Option<&BaselineSuite> {
        self.suites.iter().find(|s| s.name() == name)
    }
}
