//! The statistical gate end to end: the real binary against the simulator, with
//! `thresholds.confidence` and adaptive samples. The cases here always pass or always fail,
//! so every decision is deterministic; the flaky-case behaviour is measured by the gate
//! benchmark (`examples/gate_bench.rs`).

mod engine;

use engine::*;
use serde_json::{Value, json};

/// Cases that always pass, and one that always fails; calls take a second (under a
/// millisecond at the simulator's speed), slow ones ten minutes (half a second).
const WORKSPACE: &str = r#"seed: 11
queue_delay_seconds: 0
agents:
  - id: agent-1
test_cases:
  - { id: good-1, title: Books a table, agent_ids: [agent-1], duration_seconds: 1 }
  - { id: good-2, title: Cancels a booking, agent_ids: [agent-1], duration_seconds: 1 }
  - { id: bad-1, title: Refunds a deposit, agent_ids: [agent-1], outcome: fail, duration_seconds: 1 }
  - { id: slow-1, title: Long call, agent_ids: [agent-1], duration_seconds: 600 }
  - { id: slow-2, title: Long call too, agent_ids: [agent-1], duration_seconds: 600 }
"#;

/// An adaptive suite over `cases` with a bar of 0.8 and a margin of 0.3 (so 8 straight
/// passes decide: 8 × ln(0.8/0.5) = 3.76 ≥ ln 39), and any extra lines.
fn adaptive(cases: &str, extra: &str) -> String {
    suite(&format!(
        "test_cases: {cases}\n    samples: {{ min: 2, max: 10 }}\n    thresholds: {{ min_test_pass_rate: 0.8, confidence: 0.95, margin: 0.3 }}{extra}"
    ))
}

/// Runs an adaptive suite over `cases` (see `adaptive`) with a JSON report.
async fn run_adaptive(sim: &hamming_runner::sim::SimHandle, cases: &str, extra: &str) -> Finished {
    Runner::new(sim)
        .suite(&adaptive(cases, extra))
        .args(&["--report-json", "report.json"])
        .run()
        .await
}

fn bodies(sim: &hamming_runner::sim::SimHandle) -> Vec<Value> {
    posts(&sim.requests())
        .iter()
        .map(|p| p.body.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn waves_run_until_the_sequential_test_decides() {
    let sim = start_sim(WORKSPACE).await;
    let run = run_adaptive(
        &sim,
        "[{ id: good-1, persona: { name: Impatient } }, { id: good-2 }]",
        "",
    )
    .await;
    run.assert_code(0);
    // Two waves of 2 cases × 2 samples: 4 passes (ln-ratio 1.88), then 8 (3.76).
    let posts = bodies(&sim);
    assert_eq!(posts.len(), 2, "{posts:#?}");
    assert_eq!(posts[1]["samplingCount"], 2);
    assert_eq!(
        posts[1]["testConfigurations"],
        json!([
            { "testCaseId": "good-1", "overrides": { "persona": { "name": "Impatient" } } },
            { "testCaseId": "good-2" }
        ]),
        "a follow-up wave names its cases and keeps their overrides"
    );
    let report = run.json("report.json");
    assert_eq!(report["schema_version"], 2);
    let suite = &report["suites"][0];
    assert_eq!(suite["verdict"], "passed");
    assert_eq!(suite["counts"]["total"], 8, "counts add up every wave");
    let waves = suite["statistics"]["waves"].as_array().unwrap();
    assert_eq!(waves.len(), 2);
    assert_eq!(waves[0]["verdict"], "inconclusive");
    assert_eq!(waves[1]["verdict"], "passed");
    assert_ne!(waves[0]["run_id"], waves[1]["run_id"]);
    let check = &suite["checks"][0];
    assert_eq!(check["rate"]["sequential"]["decided_in_wave"], 2);
    assert!(
        check["measured"]
            .as_str()
            .unwrap()
            .starts_with("1.00 [0.63, 1.00] 95 %"),
        "{check}"
    );
    assert!(
        run.stderr.contains("s: wave 2: created run"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("decided by Wald's sequential test"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_stops_the_waves_at_once() {
    let sim = start_sim(WORKSPACE).await;
    let run = run_adaptive(
        &sim,
        "[{ id: good-1 }, { id: bad-1 }]",
        "\n    max_calls: 40",
    )
    .await;
    // 2 passes, 2 failures: 2 × 0.47 − 2 × 0.92 = −0.89; then −1.78, −2.66, −3.55, −4.44.
    run.assert_code(1);
    let report = run.json("report.json");
    let suite = &report["suites"][0];
    assert_eq!(suite["verdict"], "failed");
    assert_eq!(suite["statistics"]["waves"].as_array().unwrap().len(), 5);
    assert_eq!(bodies(&sim).len(), 5);
    assert!(
        run.stderr.contains("no more waves: a threshold failed"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn undecided_at_max_is_inconclusive_and_fails_unless_told_otherwise() {
    // A bar of 0.9 with a margin of 0.1 needs 31 straight passes; max 3 per case gives 6.
    let body = "test_cases: [{ id: good-1 }, { id: good-2 }]\n    samples: { min: 2, max: 3 }\n    thresholds: { min_test_pass_rate: 0.9, confidence: 0.95";
    let sim = start_sim(WORKSPACE).await;
    let run = Runner::new(&sim)
        .suite(&suite(&format!("{body} }}")))
        .args(&["--report-dir", "reports"])
        .run()
        .await;
    run.assert_code(1);
    let report = run.json("reports/report.json");
    assert_eq!(report["verdict"], "inconclusive");
    let waves = report["suites"][0]["statistics"]["waves"]
        .as_array()
        .unwrap();
    // 2 samples, then the last one the plan allows.
    assert_eq!(waves.len(), 2);
    assert_eq!(waves[1]["samples"], 1);
    assert!(run.stdout.contains("INCONCLUSIVE"), "{}", run.stdout);
    let junit = run.text("reports/junit.xml");
    assert!(junit.contains(r#"type="inconclusive""#), "{junit}");
    let summary = run.text("reports/summary.md");
    assert!(summary.contains("❔ inconclusive"), "{summary}");

    let sim = start_sim(WORKSPACE).await;
    let lenient = Runner::new(&sim)
        .suite(&suite(&format!("{body}, on_inconclusive: pass }}")))
        .args(&["--report-json", "report.json"])
        .run()
        .await;
    lenient.assert_code(0);
    assert_eq!(lenient.json("report.json")["verdict"], "inconclusive");
}

#[tokio::test(flavor = "multi_thread")]
async fn max_calls_stops_the_waves_before_it_is_exceeded() {
    let sim = start_sim(WORKSPACE).await;
    let run = run_adaptive(
        &sim,
        "[{ id: good-1 }, { id: good-2 }]",
        "\n    max_calls: 6",
    )
    .await;
    // 4 calls, then room for one more sample of each case (2 calls), then none.
    run.assert_code(1);
    let report = run.json("report.json");
    assert_eq!(report["suites"][0]["counts"]["total"], 6);
    assert!(
        run.stderr.contains("would exceed max_calls 6"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rerun_reattaches_wave_by_wave_and_places_nothing_twice() {
    let sim = start_sim(WORKSPACE).await;
    let suite_file = adaptive("[{ id: slow-1 }, { id: slow-2 }]", "");
    let child = Runner::new(&sim)
        .suite(&suite_file)
        .args(&["--state", "state.json", "--report-json", "report.json"])
        .spawn();
    let child = child.wait_for_stderr("wave 2: created run").await;
    child.signal("KILL");
    let killed = child.finish().await;
    assert_eq!(bodies(&sim).len(), 2);
    let state: Value = serde_json::from_str(&killed.text("state.json")).unwrap();
    let recorded = &state["runs"]["s"];
    assert_eq!(recorded["waves"][0]["wave"], 2);
    assert_eq!(recorded["waves"][0]["cases"], json!(["slow-1", "slow-2"]));

    let again = Runner::new(&sim)
        .in_dir(&killed)
        .args(&["--state", "state.json", "--report-json", "report.json"])
        .run()
        .await;
    again.assert_code(0);
    assert_eq!(bodies(&sim).len(), 2, "no wave was created twice");
    assert!(
        again.stderr.contains("wave 2: re-attaching to run"),
        "{}",
        again.stderr
    );
    let report = again.json("report.json");
    let waves = report["suites"][0]["statistics"]["waves"]
        .as_array()
        .unwrap();
    assert_eq!(waves[1]["run_id"], recorded["waves"][0]["run_id"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_during_a_waves_create_stops_the_rerun_instead_of_creating_it_again() {
    // The first create goes through; the second (wave 2) takes effect and its answer is held
    // back, and the runner dies waiting for it.
    let sim = start_sim(&format!(
        "faults:\n  - {{ method: POST, path: \"test-runs/test-inbound-agent\", fault: \"phase=after;delay=30s\", after: 1, count: 1 }}\n{WORKSPACE}"
    ))
    .await;
    let child = Runner::new(&sim)
        .suite(&adaptive("[{ id: good-1 }, { id: good-2 }]", ""))
        .args(&["--state", "state.json", "--report-json", "report.json"])
        .spawn();
    until_runs(&sim, 2).await;
    child.signal("KILL");
    let killed = child.finish().await;
    assert_eq!(killed.code, None, "not killed: {}", killed.stderr);
    assert_eq!(sim.stored_runs(), 2);
    let state: Value = serde_json::from_str(&killed.text("state.json")).unwrap();
    assert!(state["pending"]["s"].is_object(), "{state}");

    // The re-run re-attaches to wave 1, finds wave 2's create pending and stops: exit 3,
    // nothing sent twice.
    let again = Runner::new(&sim)
        .in_dir(&killed)
        .args(&["--state", "state.json", "--report-json", "report.json"])
        .run()
        .await;
    again.assert_code(3);
    assert_eq!(sim.stored_runs(), 2, "wave 2 was created twice");
    let report = again.json("report.json");
    let reason = report["suites"][0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("an earlier attempt sent this suite's create request"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fixed_suite_with_confidence_reports_intervals_everywhere() {
    let sim = start_sim(WORKSPACE).await;
    let run = Runner::new(&sim)
        .suite(&suite(
            "test_cases: [{ id: good-1 }, { id: bad-1 }]\n    samples: 5\n    thresholds: { min_test_pass_rate: 0.9, confidence: 0.95 }",
        ))
        .args(&["--report-dir", "reports"])
        .github()
        .run()
        .await;
    // 5 of 10: [0.19, 0.82] lies below 0.9.
    run.assert_code(1);
    assert_eq!(bodies(&sim).len(), 1);
    assert!(
        run.stdout
            .contains("0.50 [0.18, 0.82] 95 % (5/10 calls passed)"),
        "{}",
        run.stdout
    );
    let outputs = run.text("gh-output");
    assert!(outputs.contains("verdict_s<<"), "{outputs}");
    let summary = run.text("gh-summary");
    assert!(
        summary.contains("0.50 [0.18, 0.82] 95 % (5/10)"),
        "{summary}"
    );
    assert!(summary.contains("pass^3"), "{summary}");
}

#[tokio::test(flavor = "multi_thread")]
async fn validate_and_plan_warn_about_a_suite_that_cannot_decide() {
    let file = suite(
        "test_cases: [{ id: good-1 }, { id: good-2 }]\n    samples: 3\n    thresholds: { min_test_pass_rate: 0.9, confidence: 0.95 }",
    );
    let validated = Runner::offline()
        .suite(&file)
        .args_only(&["validate", "suite.yaml"])
        .run()
        .await;
    validated.assert_code(0);
    assert!(
        validated
            .stderr
            .contains("warning: suite `s`: `min_test_pass_rate` (>= 0.9, margin 0.1, confidence 95 %) is unlikely to be decided within 6 calls"),
        "{}",
        validated.stderr
    );
    assert!(
        validated.stderr.contains("suite.yaml:"),
        "{}",
        validated.stderr
    );

    let sim = start_sim(WORKSPACE).await;
    let planned = Runner::new(&sim)
        .suite(&file)
        .args_only(&["plan", "suite.yaml"])
        .run()
        .await;
    planned.assert_code(0);
    assert!(
        planned.stdout.contains("detects a drop to"),
        "{}",
        planned.stdout
    );
    assert!(
        planned.stderr.contains("warning: suite `s`"),
        "{}",
        planned.stderr
    );
    assert!(posts(&sim.requests()).is_empty(), "plan places nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn adaptive_samples_without_confidence_are_refused() {
    let run = Runner::offline()
        .suite(&suite(
            "test_cases: [{ id: good-1 }]\n    samples: { min: 2, max: 10 }",
        ))
        .args_only(&["validate", "suite.yaml"])
        .run()
        .await;
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("adaptive `samples` in suite `s` needs `thresholds.confidence`"),
        "{}",
        run.stderr
    );
}
