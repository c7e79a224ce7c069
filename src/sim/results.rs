//! The bodies of `GET /test-runs/{id}/status` and `GET /test-runs/{id}/results`.

use std::collections::HashMap;
use std::time::Instant;

use serde_json::{Map, Value, json};

use super::index::Index;
use super::outcome::{self, Verdict};
use super::runs::{Call, CallState, Phase, Run};
use super::workspace::{RunOutcome, Workspace};

/// Where recordings and transcription data "live": a reserved `.invalid` host, so nobody
/// mistakes them for real files.
const MEDIA_BASE: &str = "https://media.hamming-sim.invalid";

/// Fixed targets that decide each summary metric's `status`: `pass` at or under the target,
/// `warn` up to a fifth over it, `fail` beyond.
const METRIC_TARGETS: &[(&str, &str, &str, f64)] = &[
    ("latencyP50", "latencyP50", "s", 1.5),
    ("latencyP90", "latencyP90", "s", 2.5),
    ("latencyP95", "latencyP95", "s", 3.0),
    ("timeToFirstWord", "assistantTimeToFirstWord", "s", 1.5),
    ("userInterruptions", "userInterruptionCount", "count", 1.0),
];

/// The wire status of a test run in a phase.
pub fn run_status(phase: Phase) -> &'static str {
    match phase {
        Phase::Queued => "QUEUED",
        Phase::Running | Phase::Scoring => "RUNNING",
        Phase::Ended(RunOutcome::Completed) => "COMPLETED",
        Phase::Ended(RunOutcome::Canceled) => "CANCELED",
        Phase::Ended(_) => "FAILED",
    }
}

/// `{ status }`.
pub fn status_body(run: &Run, now: Instant) -> Value {
    json!({ "status": run_status(run.phase(now)) })
}

/// `{ summary, results }`, partial while the run is in progress.
pub fn results_body(ws: &Workspace, index: &Index, run: &Run, now: Instant) -> Value {
    let phase = run.phase(now);
    let mut stats = Stats::default();
    let mut all_verdicts: Vec<(usize, Verdict)> = Vec::new();
    let mut metric_sums: Map<String, Value> = Map::new();
    let mut finished = 0usize;
    let mut errored_calls = 0usize;
    let mut results = Vec::with_capacity(run.calls.len());
    for (index, call) in run.calls.iter().enumerate() {
        let state = run.call_state(call, now);
        let Some(case) = ws.test_cases.get(call.case) else {
            continue;
        };
        let mut entry = Map::new();
        entry.insert("id".into(), json!(call.id));
        entry.insert("testCaseId".into(), json!(case.id));
        if !ws.omit_phone_number {
            entry.insert("phoneNumber".into(), json!(call.number));
        }
        match state {
            CallState::Waiting | CallState::InProgress => {
                if state == CallState::Waiting {
                    stats.pending += 1;
                } else {
                    stats.in_progress += 1;
                }
                pending_entry(&mut entry);
            }
            CallState::Aborted => {
                stats.completed += 1;
                stats.errored += 1;
                errored_calls += 1;
                pending_entry(&mut entry);
                entry.insert("status".into(), json!("ERROR"));
            }
            CallState::Done => {
                stats.completed += 1;
                let status = outcome::call_status(call.drawn);
                match status {
                    "PASSED" => stats.passed += 1,
                    "FAILED" => stats.failed += 1,
                    _ => {
                        stats.errored += 1;
                        errored_calls += 1;
                    }
                }
                let verdicts = outcome::verdicts(ws, case, call.drawn);
                let metrics = outcome::metrics(case, call.duration);
                for (name, value) in &metrics {
                    let sum = metric_sums.get(name).and_then(Value::as_f64).unwrap_or(0.0);
                    metric_sums.insert(name.clone(), json!(sum + value.as_f64().unwrap_or(0.0)));
                }
                finished += 1;
                let recording = recording_url(run, call, now);
                done_entry(
                    &mut entry, run, call, status, recording, &verdicts, metrics, case,
                );
                all_verdicts.extend(verdicts.into_iter().map(|v| (index, v)));
            }
        }
        if let Some(overrides) = &call.overrides {
            entry.insert("overrides".into(), overrides.clone());
        }
        results.push(Value::Object(entry));
    }
    stats.total = run.calls.len();
    let refs: Vec<&Verdict> = all_verdicts.iter().map(|(_, v)| v).collect();
    let assertions = outcome::assertion_scores(&refs);
    let mut metrics = summary_metrics(&metric_sums, finished);
    // The observed summary mixes a bare 0–100 `overallScore` with the metric objects.
    if finished > 0 {
        metrics.insert("overallScore".into(), assertions["overallScore"].clone());
    }
    json!({
        "summary": {
            "id": run.id,
            "status": run_status(phase),
            "stats": stats.to_json(),
            "metrics": metrics,
            "assertions": assertions,
            "topIssues": top_issues(index, &all_verdicts, errored_calls),
        },
        "results": results,
    })
}

/// `GET /test-case-runs/{id}/details`: the call's recording link, empty until it is out.
pub fn details_body(run: &Run, call: &Call, now: Instant) -> Value {
    json!({
        "id": call.id,
        "recordingUrl": recording_url(run, call, now).unwrap_or_default(),
    })
}

/// A finished call's recording link, once the workspace's recording delay has passed.
fn recording_url(run: &Run, call: &Call, now: Instant) -> Option<String> {
    run.recording_ready(call, now)
        .then(|| format!("{MEDIA_BASE}/recordings/{}/{}.wav", run.id, call.id))
}

fn pending_entry(entry: &mut Map<String, Value>) {
    entry.insert("status".into(), json!("PENDING"));
    entry.insert("durationSeconds".into(), Value::Null);
    entry.insert("recordingUrl".into(), Value::Null);
    entry.insert("transcriptionDataUrl".into(), Value::Null);
    entry.insert("transcript".into(), json!({ "messages": [] }));
    entry.insert("assertions".into(), outcome::call_assertions(&[]));
    entry.insert("assertionResults".into(), json!([]));
    entry.insert("metrics".into(), json!({}));
}

#[allow(clippy::too_many_arguments)]
fn done_entry(
    entry: &mut Map<String, Value>,
    run: &Run,
    call: &Call,
    status: &str,
    recording: Option<String>,
    verdicts: &[Verdict],
    metrics: Map<String, Value>,
    case: &super::workspace::TestCase,
) {
    let refs: Vec<&Verdict> = verdicts.iter().collect();
    entry.insert("status".into(), json!(status));
    // Whole seconds, as Hamming's client model types it.
    entry.insert(
        "durationSeconds".into(),
        json!(call.duration.max(0.0).round() as u64),
    );
    entry.insert("recordingUrl".into(), json!(recording));
    entry.insert(
        "transcriptionDataUrl".into(),
        json!(format!(
            "{MEDIA_BASE}/transcriptions/{}/{}.json",
            run.id, call.id
        )),
    );
    entry.insert("transcript".into(), outcome::transcript(case, call.drawn));
    entry.insert("assertions".into(), outcome::call_assertions(&refs));
    let results: Vec<Value> = verdicts
        .iter()
        .map(|v| {
            json!({
                "assertionId": v.id,
                "assertionName": v.name,
                "status": v.status,
                "reason": v.reason,
            })
        })
        .collect();
    entry.insert("assertionResults".into(), Value::Array(results));
    entry.insert("metrics".into(), Value::Object(metrics));
}

#[derive(Default)]
struct Stats {
    total: usize,
    completed: usize,
    passed: usize,
    failed: usize,
    errored: usize,
    pending: usize,
    in_progress: usize,
}

impl Stats {
    fn to_json(&self) -> Value {
        json!({
            "total": self.total,
            "completed": self.completed,
            "passed": self.passed,
            "failed": self.failed,
            "errored": self.errored,
            "pending": self.pending,
            "inProgress": self.in_progress,
        })
    }
}

fn summary_metrics(sums: &Map<String, Value>, finished: usize) -> Map<String, Value> {
    let mut out = Map::new();
    if finished == 0 {
        return out;
    }
    for (key, source, unit, target) in METRIC_TARGETS {
        let Some(sum) = sums.get(*source).and_then(Value::as_f64) else {
            continue;
        };
        let value = (sum / finished as f64 * 1000.0).round() / 1000.0;
        let status = if value <= *target {
            "pass"
        } else if value <= target * 1.2 {
            "warn"
        } else {
            "fail"
        };
        out.insert(
            (*key).to_owned(),
            json!({ "value": value, "unit": unit, "status": status }),
        );
    }
    out
}

fn top_issues(index: &Index, verdicts: &[(usize, Verdict)], errored_calls: usize) -> Value {
    // (id, failed, judged, name) in order of first appearance.
    let mut issues: Vec<(String, usize, usize, String)> = Vec::new();
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (_, v) in verdicts {
        let failed = usize::from(v.status == "FAILED");
        match position.get(v.id.as_str()) {
            Some(&at) => {
                issues[at].1 += failed;
                issues[at].2 += 1;
            }
            None => {
                position.insert(&v.id, issues.len());
                issues.push((v.id.clone(), failed, 1, v.name.clone()));
            }
        }
    }
    let mut out: Vec<Value> = issues
        .into_iter()
        .filter(|(_, failed, ..)| *failed > 0)
        .map(|(id, failed, judged, name)| {
            let share = failed as f64 / judged as f64;
            let severity = if share >= 0.5 {
                "HIGH"
            } else if share >= 0.2 {
                "MEDIUM"
            } else {
                "LOW"
            };
            let recommendation = index
                .failure_reason(&id)
                .map(|r| format!("Review the failing calls: {r}"))
                .unwrap_or_else(|| {
                    format!("Review the calls where \u{201c}{name}\u{201d} failed.")
                });
            json!({
                "title": format!("{name} failed"),
                "severity": severity,
                "affectedCallCount": failed,
                "recommendation": recommendation,
            })
        })
        .collect();
    if errored_calls > 0 {
        out.push(json!({
            "title": "Calls ended in an error",
            "severity": "HIGH",
            "affectedCallCount": errored_calls,
            "recommendation": "Check that the agent answers at the dialled numbers.",
        }));
    }
    Value::Array(out)
}
