//! Tag expressions (`tags: { all, any, none }`) end to end against the simulator: resolved
//! through the catalog to explicit test cases before the run is created.

mod engine;

use engine::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn an_expression_is_sent_as_the_explicit_cases_it_matches() {
    let sim = start_sim(WORKSPACE).await;
    // `failing` tags case-pass and case-fail; case-pass also carries `hang`.
    let file = suite(
        "tags: { all: [failing], none: [hang] }\n    thresholds: { min_test_pass_rate: 0.0 }",
    );
    let run = Runner::new(&sim)
        .suite(&file)
        .args(&["--report-json", "report.json"])
        .run()
        .await;
    run.assert_code(0);
    let requests = sim.requests();
    let posts = posts(&requests);
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].body["testConfigurations"],
        json!([{ "testCaseId": "case-fail" }])
    );
    let report = run.json("report.json");
    assert_eq!(report["suites"][0]["counts"]["total"], 1);
    assert_eq!(report["suites"][0]["calls"][0]["title"], "Refund request");

    // `any` with `none`: smoke or flaky, but not hang → case-flaky only.
    let plan = Runner::new(&sim)
        .suite(&suite("tags: { any: [smoke, flaky], none: [hang] }"))
        .args_only(&["plan", "suite.yaml", "--cases"])
        .run()
        .await;
    plan.assert_code(0);
    assert!(
        plan.stdout.contains("case-flaky  Noisy line"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("case-pass"), "{}", plan.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expression_matching_nothing_or_naming_an_unknown_tag_exits_2() {
    let sim = start_sim(WORKSPACE).await;
    let nothing = Runner::new(&sim)
        .suite(&suite("tags: { all: [smoke, slow] }"))
        .run()
        .await;
    nothing.assert_code(2);
    assert!(
        nothing
            .stderr
            .contains("the tag expression { all: [smoke, slow] } matches no test case"),
        "{}",
        nothing.stderr
    );

    let unknown = Runner::new(&sim)
        .suite(&suite("tags: { all: [smoke], none: [slwo] }"))
        .args_only(&["plan", "suite.yaml"])
        .run()
        .await;
    unknown.assert_code(2);
    assert!(
        unknown.stderr.contains("unknown tag `slwo`") && unknown.stderr.contains("`slow`"),
        "{}",
        unknown.stderr
    );
    assert!(posts(&sim.requests()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rehearsal_seeds_a_case_for_the_expression() {
    let file = "version: 1\ndefaults:\n  agent_id: agent-1\n  phone_numbers: [\"+14155550100\"]\nsuites:\n  s:\n    tags: { all: [smoke, billing], any: [en, es], none: [slow] }\n";
    let run = Runner::offline()
        .suite(file)
        .args(&["--simulate", "--report-json", "report.json"])
        .run()
        .await;
    run.assert_code(0);
    let report = run.json("report.json");
    assert_eq!(report["suites"][0]["counts"]["total"], 1);
}
