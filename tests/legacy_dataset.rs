//! `dataset:` suites through Hamming's legacy ("v1") flow, end to end against the simulator's
//! `/voice-agent` and `/voice-experiment` endpoints.

mod engine;

use engine::*;
use serde_json::json;

fn workspace() -> String {
    format!(
        "{WORKSPACE}datasets:\n  - id: ds-pass\n    name: Passing\n    test_cases: [case-pass]\n  - id: ds-mixed\n    name: Mixed\n    test_cases: [case-pass, case-fail]\n"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dataset_runs_through_the_legacy_flow_and_passes_like_v1() {
    let sim = start_sim(&workspace()).await;
    let run = Runner::new(&sim)
        .suite(&suite(
            "dataset: ds-pass\n    phone_numbers: [\"+14155550100\", \"+14155550101\"]",
        ))
        .args(&["--report-json", "report.json", "--junit", "junit.xml"])
        .run()
        .await;
    run.assert_code(0);
    let requests = sim.requests();
    let posts = posts(&requests);
    assert_eq!(posts.len(), 1, "{requests:#?}");
    assert_eq!(posts[0].path, "/api/rest/voice-agent/agent-1/run");
    assert_eq!(
        posts[0].body,
        json!({ "dataset_id": "ds-pass", "to_number": ["+14155550100", "+14155550101"] })
    );
    assert!(
        requests.iter().any(
            |r| r.path.starts_with("/api/rest/voice-experiment/") && r.path.ends_with("/calls")
        )
    );
    assert!(!requests.iter().any(|r| r.path.contains("/test-runs")));
    let report = run.json("report.json");
    let suite = &report["suites"][0];
    assert_eq!(suite["verdict"], "passed");
    assert_eq!(suite["run_status"], "FINISHED");
    assert_eq!(suite["counts"]["total"], 2);
    assert!(suite["run_id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(run.text("junit.xml").contains("voice experiment call 1"));
    run.assert_no_key();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_score_of_zero_fails_the_v1_gate_unless_the_pass_rate_allows_it() {
    let sim = start_sim(&workspace()).await;
    let strict = Runner::new(&sim)
        .suite(&suite("dataset: ds-mixed"))
        .args(&["--report-json", "report.json"])
        .run()
        .await;
    strict.assert_code(1);
    let posts_seen = posts(&sim.requests()).len();
    assert_eq!(posts_seen, 1);
    // One number is sent as a string, as Hamming's v1 scripts do.
    assert_eq!(posts(&sim.requests())[0].body["to_number"], "+14155550100");
    let report = strict.json("report.json");
    let judged = &report["suites"][0];
    assert_eq!(judged["verdict"], "failed");
    assert_eq!(judged["counts"]["passed"], 1);
    assert_eq!(judged["counts"]["failed"], 1);
    let failing = judged["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "FAILED")
        .unwrap();
    assert!(
        failing["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("never asked for the account number"),
        "{failing:#}"
    );

    let lenient = Runner::new(&sim)
        .suite(&suite(
            "dataset: ds-mixed\n    thresholds: { min_test_pass_rate: 0.5 }",
        ))
        .run()
        .await;
    lenient.assert_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_dataset_or_sampling_a_dataset_is_a_usage_error() {
    let sim = start_sim(&workspace()).await;
    let unknown = Runner::new(&sim)
        .suite(&suite("dataset: ds-nope"))
        .run()
        .await;
    unknown.assert_code(2);
    assert!(
        unknown.stderr.contains("unknown dataset `ds-nope`")
            && unknown.stderr.contains("ds-pass (Passing)"),
        "{}",
        unknown.stderr
    );
    assert!(posts(&sim.requests()).is_empty());

    let sampled = Runner::offline()
        .suite(&suite("dataset: ds-pass\n    samples: 3"))
        .args_only(&["validate", "suite.yaml"])
        .run()
        .await;
    sampled.assert_code(2);
    assert!(
        sampled.stderr.contains("calls each case once"),
        "{}",
        sampled.stderr
    );

    let both = Runner::offline()
        .suite(&suite("dataset: ds-pass\n    tags: [smoke]"))
        .args_only(&["validate", "suite.yaml"])
        .run()
        .await;
    both.assert_code(2);
    assert!(
        both.stderr.contains("`dataset` and `tags` are both set"),
        "{}",
        both.stderr
    );

    let plan = Runner::new(&sim)
        .suite(&suite("dataset: ds-pass"))
        .args_only(&["plan", "suite.yaml"])
        .run()
        .await;
    plan.assert_code(0);
    assert!(plan.stdout.contains("legacy flow"), "{}", plan.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dataset_suite_rehearses_under_simulate() {
    let file = "version: 1\ndefaults:\n  agent_id: agent-1\n  phone_numbers: [\"+14155550100\"]\nsuites:\n  v1:\n    dataset: cmc1dataset00000000000001\n";
    let run = Runner::offline()
        .suite(file)
        .args(&["--simulate", "--report-json", "report.json"])
        .run()
        .await;
    run.assert_code(0);
    assert_eq!(run.json("report.json")["suites"][0]["counts"]["total"], 1);
}
