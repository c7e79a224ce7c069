//! Quarantine end to end: a known-broken case runs and is reported but gates nothing until its
//! `until` day, and gates again from that day on; the day is fixed with `HAMMING_RUNNER_NOW`.

mod engine;

use engine::*;
use serde_json::Value;

/// One case that passes, one that fails (with a failing assertion), both with assertions.
const WORKSPACE: &str = r#"seed: 5
queue_delay_seconds: 0
agents:
  - id: agent-1
tags:
  - name: smoke
test_cases:
  - id: good-1
    title: Books a table
    tags: [smoke]
    agent_ids: [agent-1]
    duration_seconds: 1
    assertions: [{ name: Greets politely, category: Courtesy }]
  - id: bad-1
    title: Refunds a deposit
    tags: [smoke]
    agent_ids: [agent-1]
    outcome: fail
    duration_seconds: 1
    assertions:
      - name: Verifies identity
        category: Compliance
        failure_reason: The agent never asked for the booking reference.
"#;

/// Both cases twice, every call and the assertion score must pass, `bad-1` quarantined until
/// 2026-03-01.
fn suite_file() -> String {
    suite(
        "test_cases: [{ id: good-1 }, { id: bad-1 }]\n    samples: 2\n    thresholds: { min_test_pass_rate: 1.0, min_assertion_score: 0.9 }\n    quarantine:\n      - { test_case: bad-1, until: 2026-03-01, reason: Refund bug TICKET-42 }",
    )
}

async fn run_on(day: &str) -> Finished {
    let sim = start_sim(WORKSPACE).await;
    Runner::new(&sim)
        .suite(&suite_file())
        .env("HAMMING_RUNNER_NOW", day)
        .github()
        .args(&["--report-json", "report.json", "--junit", "junit.xml"])
        .run()
        .await
}

fn check<'a>(suite: &'a Value, name: &str) -> &'a Value {
    suite["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no check {name} in {suite:#}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quarantined_failing_case_gates_nothing_until_its_day_then_gates_again() {
    let before = run_on("2026-02-28T23:59:00Z").await;
    before.assert_code(0);
    before.assert_no_key();
    let report = before.json("report.json");
    assert_eq!(report["schema_version"], 3);
    let suite = &report["suites"][0];
    assert_eq!(suite["verdict"], "passed");
    assert_eq!(
        suite["counts"]["total"], 4,
        "the quarantined case still runs"
    );
    assert_eq!(suite["counts"]["failed"], 2);
    assert!(
        check(suite, "min_test_pass_rate")["measured"]
            .as_str()
            .unwrap()
            .contains("2/2 calls passed"),
        "{suite:#}"
    );
    assert_eq!(
        check(suite, "min_assertion_score")["status"],
        "passed",
        "the quarantined case's failed assertions are not in the score: {suite:#}"
    );
    assert_eq!(
        suite["quarantine"][0],
        serde_json::json!({
            "test_case_id": "bad-1",
            "title": "Refunds a deposit",
            "until": "2026-03-01",
            "reason": "Refund bug TICKET-42",
            "expired": false,
            "calls": 2,
            "passed": 0,
            "line": 13
        })
    );
    let marked: Vec<&Value> = suite["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["quarantined"] == "Refund bug TICKET-42")
        .collect();
    assert_eq!(marked.len(), 2, "{suite:#}");
    assert!(
        suite["reason"]
            .as_str()
            .unwrap()
            .ends_with("2 calls of 1 quarantined case were reported but not judged"),
        "{}",
        suite["reason"]
    );
    assert!(
        before.stdout.contains(
            "Refunds a deposit [bad-1]: in quarantine until 2026-03-01 (Refund bug TICKET-42): 0 of 2 calls passed; gates nothing"
        ),
        "{}",
        before.stdout
    );
    assert!(
        before.stdout.contains(
            "::warning file=suite.yaml,line=13,title=suite s%3A quarantined case Refunds a deposit [bad-1] did not pass::"
        ),
        "{}",
        before.stdout
    );
    assert!(
        before.error_annotations().is_empty(),
        "a quarantined case is no error: {:?}",
        before.error_annotations()
    );
    let junit = before.text("junit.xml");
    assert!(
        junit.contains(r#"<skipped message="quarantined until 2026-03-01 (Refund bug TICKET-42): the call FAILED"#),
        "{junit}"
    );

    let after = run_on("2026-03-01").await;
    after.assert_code(1);
    let report = after.json("report.json");
    let suite = &report["suites"][0];
    assert_eq!(suite["verdict"], "failed");
    assert_eq!(suite["quarantine"][0]["expired"], true);
    assert_eq!(check(suite, "min_test_pass_rate")["status"], "failed");
    assert!(
        suite["calls"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("quarantined").is_none()),
        "an expired quarantine marks no call"
    );
    assert!(
        after.stderr.contains(
            "warning: the quarantine of test case `bad-1` in suite `s` expired on 2026-03-01 (today is 2026-03-01): the case gates again"
        ),
        "{}",
        after.stderr
    );
    assert!(
        after.stderr.contains("--> suite.yaml:13:"),
        "{}",
        after.stderr
    );
    assert!(
        after.stdout.contains(
            "::warning file=suite.yaml,line=13,title=suite s%3A quarantine of Refunds a deposit [bad-1] expired::"
        ),
        "{}",
        after.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quarantined_case_is_no_regression_against_a_baseline() {
    // The baseline: both cases, with the failing one quarantined it passed; now the same,
    // against a baseline where the broken case still passed (its report edited so).
    let first = run_on("2026-02-01").await;
    first.assert_code(0);
    let mut baseline = first.json("report.json");
    for call in baseline["suites"][0]["calls"].as_array_mut().unwrap() {
        call["status"] = "PASSED".into();
    }
    baseline["suites"][0]["counts"]["passed"] = 4.into();
    baseline["suites"][0]["counts"]["failed"] = 0.into();
    std::fs::write(first.path("baseline.json"), baseline.to_string()).unwrap();

    let sim = start_sim(WORKSPACE).await;
    let now = Runner::new(&sim)
        .in_dir(&first)
        .env("HAMMING_RUNNER_NOW", "2026-02-02")
        .args(&["--baseline", "baseline.json", "--report-json", "now.json"])
        .run()
        .await;
    now.assert_code(0);
    let suite = &now.json("now.json")["suites"][0];
    let comparison = &suite["baseline"];
    assert_eq!(comparison["status"], "held", "{comparison:#}");
    assert_eq!(
        comparison["now"],
        serde_json::json!({ "passed": 2, "calls": 2 })
    );
    let bad = comparison["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["test_case_id"] == "bad-1")
        .unwrap();
    assert_eq!(bad["change"], "new_failure");
    assert_eq!(bad["quarantined"], true);
    assert!(
        !comparison["reason"]
            .as_str()
            .unwrap()
            .contains("new failures"),
        "a quarantined case is not named as a new failure: {}",
        comparison["reason"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn validate_refuses_a_quarantine_beyond_ninety_days_at_its_place() {
    let file = suite(
        "test_cases: [{ id: good-1 }]\n    quarantine:\n      - { test_case: good-1, until: 2026-06-01, reason: Slow fix }",
    );
    let refused = Runner::offline()
        .suite(&file)
        .env("HAMMING_RUNNER_NOW", "2026-03-01")
        .args_only(&["validate", "suite.yaml"])
        .run()
        .await;
    refused.assert_code(2);
    assert!(
        refused.stderr.contains(
            "the quarantine of `good-1` runs until 2026-06-01, 92 days from today (2026-03-01) in suite `s`; a quarantine lasts at most 90 days"
        ),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("--> suite.yaml:11:37"),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains("set `until` to 2026-05-30 or earlier"),
        "{}",
        refused.stderr
    );
    // 90 days ahead is allowed; an expired one is valid, with a warning.
    for (day, warned) in [("2026-03-03", false), ("2026-06-02", true)] {
        let checked = Runner::offline()
            .suite(&file)
            .env("HAMMING_RUNNER_NOW", day)
            .args_only(&["validate", "suite.yaml"])
            .run()
            .await;
        checked.assert_code(0);
        assert_eq!(
            checked
                .stderr
                .contains("warning: the quarantine of test case `good-1`"),
            warned,
            "{day}: {}",
            checked.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_checks_a_tag_suites_quarantine_against_the_catalog() {
    let sim = start_sim(WORKSPACE).await;
    let file = suite(
        "tags: [smoke]\n    quarantine:\n      - { test_case: bad-1, until: 2026-03-01, reason: Refund bug }\n      - { test_case: gone-1, until: 2026-03-01, reason: Deleted case }",
    );
    let planned = Runner::new(&sim)
        .suite(&file)
        .env("HAMMING_RUNNER_NOW", "2026-02-01")
        .args_only(&["plan", "suite.yaml"])
        .run()
        .await;
    planned.assert_code(2);
    assert!(
        planned.stderr.contains(
            "error: suite `s` quarantines test case `gone-1`, which its tags do not select for agent agent-1"
        ),
        "{}",
        planned.stderr
    );
    assert!(
        planned.stderr.contains("--> suite.yaml:12:22"),
        "{}",
        planned.stderr
    );
    assert!(!planned.stderr.contains("`bad-1`"), "{}", planned.stderr);
    assert!(posts(&sim.requests()).is_empty(), "plan places nothing");
}
