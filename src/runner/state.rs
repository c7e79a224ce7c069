//! The state file: every run the runner creates is recorded here, atomically, before it is
//! polled. Running the same command again with the same state file re-attaches to the
//! recorded runs instead of creating new ones, so a crash, a `kill -9` or a CI re-run never
//! places the same paid calls twice and never loses a run.
//!
//! A create is recorded as pending, durably (written, flushed to disk, renamed into place),
//! before its request is sent, and the entry is replaced by the run once the answer names
//! one. A run that finds a pending entry for a suite knows an earlier attempt sent the
//! create and never learnt its run: it stops with exit 3 instead of creating again, until
//! `--fresh`. The file is locked (an advisory lock on a `.lock` file beside it) for the whole
//! run, so two runs never share it; and it is written once when opened, so a state that
//! cannot be written is found before anything is created.
//!
//! A run whose end was seen (it ended FAILED or CANCELED, or COMPLETED and was judged) is
//! marked as ended once its reports are written. Such a run is never re-attached: a new
//! attempt (a CI "re-run failed jobs", say) starts a new run for that suite, so a platform
//! failure can be recovered from. Only runs whose end was never observed (the runner was
//! killed, timed out or interrupted) are followed again.

use std::fs::{File, OpenOptions, TryLockError};
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
    /// How the run was seen to end (`COMPLETED`, `FAILED`, …), once its outcome was
    /// reported; absent while its end was never observed. Older state files lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<String>,
    /// With adaptive samples: the follow-up waves created after this (first) run, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waves: Vec<RecordedWave>,
}

/// A create that was sent, or about to be, and whose run was never recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCreate {
    /// What the suite asked for.
    pub fingerprint: String,
    /// When the request was sent (RFC 3339).
    pub sent_at: String,
    /// The agent the run was for, to look the run up in the Hamming app.
    pub agent_id: String,
}

impl PendingCreate {
    /// Why a suite with this pending create is not created again, and what to do.
    pub fn stop_message(&self, state_path: &Path) -> String {
        format!(
            "an earlier attempt sent this suite's create request at {} and never recorded its answer (it was killed, or the answer named no run): the run may exist and its calls may have been placed. Look for a new run of agent {} started then in the Hamming app; to place the calls again anyway, re-run with --fresh ({} keeps this suite from being created twice until then)",
            self.sent_at,
            self.agent_id,
            state_path.display()
        )
    }
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
    /// Suite name → a create sent whose answer was never recorded.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub pending: IndexMap<String, PendingCreate>,
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
    #[error(
        "the state file {path} is in use by another hamming-runner (it holds the lock {lock}); two runs sharing one state file could both create the same suite and place its calls twice. Wait for the other run to end, or give this one its own --state FILE or --report-dir"
    )]
    Locked { path: String, lock: String },
    #[error(
        "cannot lock the state file {path} ({source}); the runner does not share a state file unlocked: put --state (or --report-dir) on a local disk"
    )]
    Lock {
        path: String,
        source: std::io::Error,
    },
}

/// A state file in use: what it held at start, and the writer that records new runs.
pub struct StateFile {
    path: PathBuf,
    doc: Mutex<StateDoc>,
    /// The locked `.lock` file, held (and so locked) for as long as this value lives.
    lock: Option<File>,
}

impl StateFile {
    /// Opens the state file: its recorded runs unless `fresh`, an empty state otherwise.
    pub fn open(path: &Path, fresh: bool) -> Result<Self, StateError> {
        let doc = if fresh || !path.exists() {
            StateDoc {
                version: STATE_VERSION,
                ..StateDoc::default()
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
            if let Some((suite, run)) = doc
                .runs
                .iter()
                .find(|(_, run)| !crate::api::wire::looks_like_run_id(&run.run_id))
            {
                return Err(StateError::Invalid {
                    path: path.display().to_string(),
                    reason: format!(
                        "the run id recorded for suite `{suite}` is not an id: {}",
                        crate::untrusted::excerpt_of(&run.run_id, 60)
                    ),
                });
            }
            doc
        };
        Ok(Self {
            path: path.to_owned(),
            doc: Mutex::new(doc),
            lock: None,
        })
    }

    /// Opens the state file for a run that may create: locks it for as long as the value
    /// lives (a second user gets `Locked`), reads it, and writes it back at once, so a state
    /// that cannot be written is refused before any create depends on it.
    pub fn open_locked(path: &Path, fresh: bool) -> Result<Self, StateError> {
        let write_error = |at: &Path| {
            let at = at.display().to_string();
            move |source| StateError::Write { path: at, source }
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(write_error(path))?;
        }
        let lock_path = lock_path(path);
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(write_error(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(StateError::Locked {
                    path: path.display().to_string(),
                    lock: lock_path.display().to_string(),
                });
            }
            Err(TryLockError::Error(source)) => {
                return Err(StateError::Lock {
                    path: path.display().to_string(),
                    source,
                });
            }
        }
        let mut state = Self::open(path, fresh)?;
        state.lock = Some(lock);
        state.save()?;
        Ok(state)
    }

    /// Whether this state file is locked by this process.
    pub fn is_locked(&self) -> bool {
        self.lock.is_some()
    }

    /// Writes the file as it is now.
    fn save(&self) -> Result<(), StateError> {
        let doc = self.doc.lock().map(|d| d.clone()).unwrap_or_default();
        write_atomic(&self.path, &doc).map_err(|source| StateError::Write {
            path: self.path.display().to_string(),
            source,
        })
    }

    /// Records, durably, that the create for `suite` is about to be sent. If it cannot be
    /// recorded, the create must not be sent.
    pub fn begin_create(&self, suite: &ResolvedSuite) -> Result<(), StateError> {
        let Ok(mut doc) = self.doc.lock() else {
            return Err(StateError::Write {
                path: self.path.display().to_string(),
                source: std::io::Error::other("the state is poisoned by an earlier crash"),
            });
        };
        doc.pending.insert(
            suite.name.clone(),
            PendingCreate {
                fingerprint: fingerprint(suite),
                sent_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                    .to_string(),
                agent_id: suite.agent_id.clone(),
            },
        );
        let written = write_atomic(&self.path, &doc);
        if written.is_err() {
            doc.pending.shift_remove(&suite.name);
        }
        written.map_err(|source| StateError::Write {
            path: self.path.display().to_string(),
            source,
        })
    }

    /// Forgets the pending create of `suite`: the server refused it, so no run exists.
    pub fn create_refused(&self, suite: &ResolvedSuite) -> Result<(), StateError> {
        let Ok(mut doc) = self.doc.lock() else {
            return Ok(());
        };
        if doc.pending.shift_remove(&suite.name).is_none() {
            return Ok(());
        }
        write_atomic(&self.path, &doc).map_err(|source| StateError::Write {
            path: self.path.display().to_string(),
            source,
        })
    }

    /// The create an earlier attempt sent for `suite` and never recorded an answer to, and
    /// whether the suite still asks for what it asked for then.
    pub fn pending(&self, suite: &ResolvedSuite) -> Option<(PendingCreate, bool)> {
        let doc = self.doc.lock().ok()?;
        let pending = doc.pending.get(&suite.name)?.clone();
        let same = pending.fingerprint == fingerprint(suite);
        Some((pending, same))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The recorded run of a suite to re-attach to: one the suite still asks for, whose end
    /// was never observed.
    pub fn recorded(&self, suite: &ResolvedSuite) -> Option<RecordedRun> {
        self.matching(suite).filter(|r| r.ended.is_none())
    }

    /// The recorded run of a suite that was seen to end in an earlier attempt, so is not
    /// re-attached to; for saying why a new run starts.
    pub fn ended_earlier(&self, suite: &ResolvedSuite) -> Option<RecordedRun> {
        self.matching(suite).filter(|r| r.ended.is_some())
    }

    /// The note to print when a suite's recorded run was seen to end earlier and a new run
    /// starts in its place.
    pub fn new_attempt_note(&self, suite: &ResolvedSuite) -> Option<String> {
        let earlier = self.ended_earlier(suite)?;
        Some(format!(
            "{}: run {} recorded in {} ended {} in an earlier attempt, so it is not re-attached; starting a new run",
            suite.name,
            earlier.run_id,
            self.path.display(),
            earlier.ended.as_deref().unwrap_or("earlier"),
        ))
    }

    fn matching(&self, suite: &ResolvedSuite) -> Option<RecordedRun> {
        let doc = self.doc.lock().ok()?;
        doc.runs
            .get(&suite.name)
            .filter(|r| r.fingerprint == fingerprint(suite))
            .cloned()
    }

    /// Marks runs as seen to end (suite name, run id, final status) and writes the file once.
    /// A suite whose record names another run is left alone.
    pub fn mark_ended(&self, ends: &[(String, String, String)]) -> Result<(), StateError> {
        let Ok(mut doc) = self.doc.lock() else {
            return Ok(());
        };
        let mut changed = false;
        for (suite, run_id, status) in ends {
            if let Some(run) = doc.runs.get_mut(suite).filter(|r| &r.run_id == run_id) {
                run.ended = Some(status.clone());
                changed = true;
            }
        }
        if !changed {
            return Ok(());
        }
        write_atomic(&self.path, &doc).map_err(|source| StateError::Write {
            path: self.path.display().to_string(),
            source,
        })
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
        doc.pending.shift_remove(&suite.name);
        doc.runs.insert(
            suite.name.clone(),
            RecordedRun {
                run_id: run_id.to_owned(),
                results_url: results_url.map(str::to_owned),
                created_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                    .to_string(),
                fingerprint: fingerprint(suite),
                ended: None,
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
        // The wave's create is answered: it is no longer pending.
        doc.pending.shift_remove(&suite.name);
        self.write(&doc)
    }

    fn write(&self, doc: &StateDoc) -> Result<(), StateError> {
        write_atomic(&self.path, doc).map_err(|source| StateError::Write {
            path: self.path.display().to_string(),
            source,
        })
    }
}

/// The lock file of a state file: `.state.json.lock` beside `state.json`.
fn lock_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_owned());
    path.with_file_name(format!(".{name}.lock"))
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

    fn smoke() -> ResolvedSuite {
        suite("smoke", thresholds())
    }

    #[test]
    fn a_state_file_from_before_ended_runs_were_marked_still_reattaches() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("state.json");
        let old = serde_json::json!({
            "version": 1,
            "runs": { "smoke": {
                "run_id": "run-1",
                "created_at": "2026-01-01T00:00:00Z",
                "fingerprint": fingerprint(&smoke()),
            } }
        });
        std::fs::write(&path, old.to_string()).expect("write");
        let state = StateFile::open(&path, false).expect("old files still read");
        assert_eq!(
            state.recorded(&smoke()).map(|r| r.run_id),
            Some("run-1".into())
        );
        assert!(state.new_attempt_note(&smoke()).is_none());
    }

    #[test]
    fn a_run_marked_ended_is_not_reattached_and_a_new_record_clears_the_mark() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("state.json");
        let state = StateFile::open(&path, false).expect("open");
        state.record(&smoke(), "run-1", None).expect("record");
        // A mark for another run of the suite changes nothing.
        let other = [("smoke".to_owned(), "run-0".to_owned(), "FAILED".to_owned())];
        state.mark_ended(&other).expect("mark");
        assert!(state.recorded(&smoke()).is_some());
        let ends = [("smoke".to_owned(), "run-1".to_owned(), "FAILED".to_owned())];
        state.mark_ended(&ends).expect("mark");
        assert!(state.recorded(&smoke()).is_none());
        let note = state.new_attempt_note(&smoke()).expect("a note");
        assert!(note.contains("run run-1"), "{note}");
        assert!(
            note.contains("ended FAILED in an earlier attempt"),
            "{note}"
        );

        // The mark is on disk: a later process does not re-attach either.
        let reopened = StateFile::open(&path, false).expect("reopen");
        assert!(reopened.recorded(&smoke()).is_none());
        reopened.record(&smoke(), "run-2", None).expect("record");
        assert_eq!(
            reopened.recorded(&smoke()).map(|r| r.run_id),
            Some("run-2".into())
        );
    }

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
