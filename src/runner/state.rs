//! The state file: every run the runner creates is recorded here, atomically, before it is
//! polled. Running the same command again with the same state file re-attaches to the
//! recorded runs instead of creating new ones, so a crash, a `kill -9` or a CI re-run never
//! places the same paid calls twice and never loses a run.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::suite::{ResolvedSuite, Selection};

/// The version of the state file's shape.
pub const STATE_VERSION: u32 = 1;

/// One recorded run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRun {
    pub run_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results_url: Option<String>,
    /// When the run was created (RFC 3339).
    pub created_at: String,
    /// What the suite asked for when the run was created; a changed suite gets a new run.
    pub fingerprint: String,
    /// With adaptive samples: the follow-up waves created after this (first) run, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waves: Vec<RecordedWave>,
}

/// A follow-up wave of an adaptive suite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedWave {
    /// 1-based; the first follow-up is wave 2.
    pub wave: u32,
    pub run_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results_url: Option<String>,
    /// When the run was created (RFC 3339).
    pub created_at: String,
    /// The cases the wave asked for, and samples per case and number.
    pub cases: Vec<String>,
    pub samples: u32,
}

/// The file's content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateDoc {
    pub version: u32,
    /// Suite name → its run.
    pub runs: IndexMap<String, RecordedRun>,
}

/// Why the state file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read the state file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the state file {path} is not one this version understands ({reason}); move it aside, or pass --fresh to start new runs"
    )]
    Invalid { path: String, reason: String },
    #[error("cannot write the state file {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// A state file in use: what it held at start, and the writer that records new runs.
pub struct StateFile {
    path: PathBuf,
    doc: Mutex<StateDoc>,
}

impl StateFile {
    /// Opens the state file: its recorded runs unless `fresh`, an empty state otherwise.
    pub fn open(path: &Path, fresh: bool) -> Result<Self, StateError> {
        let doc = if fresh || !path.exists() {
            StateDoc {
                version: STATE_VERSION,
                runs: IndexMap::new(),
            }
        } else {
            let text = std::fs::read_to_string(path).map_err(|source| StateError::Read {
                path: path.display().to_string(),
                source,
            })?;
            let doc: StateDoc = serde_json::from_str(&text).map_err(|e| StateError::Invalid {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
            if doc.version != STATE_VERSION {
                return Err(StateError::Invalid {
                    path: path.display().to_string(),
                    reason: format!("version {}", doc.version),
                });
            }
            doc
        };
        Ok(Self {
            path: path.to_owned(),
            doc: Mutex::new(doc),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The recorded run of a suite, if the suite still asks for what it asked for then.
    pub fn recorded(&self, suite: &ResolvedSuite) -> Option<RecordedRun> {
        let doc = self.doc.lock().ok()?;
        doc.runs
            .get(&suite.name)
            .filter(|r| r.fingerprint == fingerprint(suite))
            .cloned()
    }

    /// Forgets the recorded runs with these ids, so the suites that made them start new runs.
    /// `--rerun-failed` uses it: the run that failed is the one not to re-attach to.
    pub fn forget_runs(&self, run_ids: &[String]) {
        if let Ok(mut doc) = self.doc.lock() {
            doc.runs.retain(|_, run| !run_ids.contains(&run.run_id));
        }
    }

    /// Records a new run and writes the file at once, atomically.
    pub fn record(
        &self,
        suite: &ResolvedSuite,
        run_id: &str,
        results_url: Option<&str>,
    ) -> Result<(), StateError> {
        let Ok(mut doc) = self.doc.lock() else {
            return Ok(());
        };
        doc.runs.insert(
            suite.name.clone(),
            RecordedRun {
                run_id: run_id.to_owned(),
                results_url: results_url.map(str::to_owned),
                created_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                    .to_string(),
                fingerprint: fingerprint(suite),
                waves: Vec::new(),
            },
        );
        self.write(&doc)
    }

    /// The follow-up wave `wave` recorded for the suite's recorded run, if any.
    pub fn recorded_wave(&self, suite: &ResolvedSuite, wave: u32) -> Option<RecordedWave> {
        let recorded = self.recorded(suite)?;
        recorded.waves.into_iter().find(|w| w.wave == wave)
    }

    /// Records a follow-up wave under the suite's first run and writes the file at once,
    /// atomically, before the wave is polled (like `record`).
    pub fn record_wave(&self, suite: &ResolvedSuite, wave: RecordedWave) -> Result<(), StateError> {
        let Ok(mut doc) = self.doc.lock() else {
            return Ok(());
        };
        let Some(run) = doc.runs.get_mut(&suite.name) else {
            return Ok(());
        };
        run.waves.retain(|w| w.wave != wave.wave);
        run.waves.push(wave);
        self.write(&doc)
    }

    fn write(&self, doc: &StateDoc) -> Result<(), StateError> {
        write_atomic(&self.path, doc).map_err(|source| StateError::Write {
            path: self.path.display().to_string(),
            source,
        })
    }
}

fn write_atomic(path: &Path, doc: &StateDoc) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    crate::report::atomic::write_atomic(path, |out| {
        serde_json::to_writer_pretty(&mut *out, doc).map_err(std::io::Error::other)?;
        writeln!(out)
    })
}

/// A stable digest of what a suite asks Hamming for (FNV-1a over a canonical rendering),
/// so a re-attach never follows a run made for a different selection.
pub fn fingerprint(suite: &ResolvedSuite) -> String {
    let selection = match &suite.selection {
        Selection::Tags(tags) => serde_json::json!({ "tags": tags }),
        Selection::Expression(expression) => serde_json::json!({ "tag_expression": expression }),
        Selection::Dataset(dataset) => serde_json::json!({ "dataset": dataset }),
        Selection::TestCases(cases) => serde_json::json!({ "test_cases": cases }),
    };
    let mut canonical = serde_json::json!({
        "agent_id": suite.agent_id,
        "phone_numbers": suite.phone_numbers,
        "selection": selection,
        "samples": suite.samples,
        "max_concurrent_calls": suite.max_concurrent_calls,
    });
    // An adaptive suite's waves depend on its plan and on how rates are judged; a fixed
    // suite's fingerprint stays what it always was, so existing state files stay valid.
    if let (Some(plan), Some(object)) = (&suite.adaptive, canonical.as_object_mut()) {
        let statistics = suite.thresholds.statistics.map(|s| {
            serde_json::json!({
                "confidence": s.confidence,
                "margin": s.margin,
                "interval": s.interval,
            })
        });
        object.insert(
            "adaptive".into(),
            serde_json::json!({ "plan": plan, "statistics": statistics }),
        );
    }
    let canonical = canonical.to_string();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in canonical.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::fixtures::{statistics, suite, thresholds};
    use crate::suite::{AdaptiveSamples, ResolvedThresholds};

    #[test]
    fn a_fixed_suite_keeps_its_fingerprint_and_an_adaptive_one_adds_its_plan() {
        let fixed = suite("s", thresholds());
        // FNV-1a of the canonical rendering every state file written so far holds for it:
        // {"agent_id":…,"phone_numbers":[…],"selection":{"test_cases":[…]},"samples":1,
        // "max_concurrent_calls":null}.
        assert_eq!(fingerprint(&fixed), "7f5a9c269fd9c9a5");
        let judged = suite(
            "s",
            ResolvedThresholds {
                statistics: Some(statistics()),
                ..thresholds()
            },
        );
        assert_eq!(fingerprint(&judged), fingerprint(&fixed));
        let mut adaptive = judged.clone();
        adaptive.adaptive = Some(AdaptiveSamples {
            min: 1,
            max: 10,
            wave: None,
        });
        let mut longer = adaptive.clone();
        longer.adaptive = Some(AdaptiveSamples {
            min: 1,
            max: 20,
            wave: None,
        });
        assert_ne!(fingerprint(&adaptive), fingerprint(&fixed));
        assert_ne!(fingerprint(&adaptive), fingerprint(&longer));
    }

    #[test]
    fn waves_are_recorded_under_their_suite_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut s = suite("s", thresholds());
        s.adaptive = Some(AdaptiveSamples {
            min: 1,
            max: 10,
            wave: None,
        });
        let state = StateFile::open(&path, false).unwrap();
        state.record(&s, "cmrun1", None).unwrap();
        let wave = RecordedWave {
            wave: 2,
            run_id: "cmrun2".into(),
            results_url: None,
            created_at: "2026-01-01T00:00:00Z".into(),
            cases: vec!["case_refund".into()],
            samples: 1,
        };
        state.record_wave(&s, wave.clone()).unwrap();
        let reopened = StateFile::open(&path, false).unwrap();
        assert_eq!(reopened.recorded_wave(&s, 2), Some(wave));
        assert_eq!(reopened.recorded_wave(&s, 3), None);
        // A new first run starts the waves over.
        reopened.record(&s, "cmrun9", None).unwrap();
        assert_eq!(reopened.recorded_wave(&s, 2), None);
    }
}
