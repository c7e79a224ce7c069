//! The run engine end to end: the real binary against the simulator over real HTTP.
//!
//! Each test starts its own simulator (fast clock), writes a suite file into a temp dir, runs
//! `hamming-runner` as a child process with the key and base URL in its environment, and
//! checks the exit code, the output, the reports and the simulator's request log.

mod engine;

use engine::*;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread")]
async fn a_passing_suite_exits_0_and_sends_the_exact_wire_body() {
    let sim = start_sim(WORKSPACE).await;
    let run = Runner::new(&sim)
        .suite(&suite(
            "tags: [smoke]\n    samples: 2\n    max_concurrent_calls: 4",
        ))
        .args(&["--report-json", "report.json"])
        .run()
        .await;
    run.assert_code(0);
    let requests = sim.requests();
    let posts = posts(&requests);
    assert_eq!(posts.len(), 1, "{requests:#?}");
    let smoke_id = tag_id(&sim, "smoke").await;
    assert_eq!(
        posts[0].body,
        json!({
            "agentId": "agent-1",
            "phoneNumbers": ["+14155550100"],
            "testConfigurations": [{ "tagId": smoke_id }],
            "samplingCount": 2,
            "maxConcurrentCalls": 4
        })
    );
    // After the create: status polls, then exactly one results fetch once terminal.
    let after_create: Vec<_> = requests
        .iter()
        .skip_while(|r| r.method != "POST")
        .skip(1)
        .collect();
    let results = after_create
        .iter()
        .filter(|r| r.path.ends_with("/results"))
        .count();
    assert_eq!(results, 1, "{after_create:#?}");
    assert!(
        after_create
            .last()
            .is_some_and(|r| r.path.ends_with("/results"))
    );
    let report = run.json("report.json");
    assert_eq!(report["verdict"], "passed");
    assert_eq!(report["suites"][0]["counts"]["total"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn polling_sends_at_most_one_request_per_tick() {
    let sim = start_sim(WORKSPACE).await;
    let started = std::time::Instant::now();
    let run = Runner::new(&sim).suite(&suite("tags: [slow]")).run().await;
    let elapsed = started.elapsed();
    run.assert_code(0);
    let status_polls = sim
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/status"))
        .count();
    // poll_interval is 100 ms: however slow the machine, no more than one poll per interval
    // (plus the first, sooner one) fits in the time the run took.
    let bound = (elapsed.as_millis() / 100) as usize + 2;
    assert!(
        status_polls >= 2 && status_polls <= bound,
        "{status_polls} polls in {elapsed:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poll_floor_overrides_a_suite_that_polls_too_often() {
    let sim = start_sim(WORKSPACE).await;
    let started = std::time::Instant::now();
    let run = Runner::new(&sim)
        .suite(&suite("tags: [slow]"))
        .args(&["--min-poll-interval", "400ms"])
        .run()
        .await;
    let elapsed = started.elapsed();
    run.assert_code(0);
    let status_polls = sim
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/status"))
        .count();
    // The suite asks for 100 ms; the floor makes it at most one poll per 400 ms.
    let bound = (elapsed.as_millis() / 400) as usize + 2;
    assert!(status_polls <= bound, "{status_polls} polls in {elapsed:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_kind_of_threshold_fails_the_gate_with_exit_1() {
    let sim = start_sim(WORKSPACE).await;
    let file = suites(
        r#"  pass-rate:
    tags: [failing]
  assertion-score:
    tags: [failing]
    thresholds: { min_test_pass_rate: 0.0, min_assertion_score: 0.9 }
  category:
    tags: [failing]
    thresholds: { min_test_pass_rate: 0.0, categories: { Compliance: 0.9 } }
  must-pass:
    tags: [failing]
    thresholds: { min_test_pass_rate: 0.0, must_pass_assertions: [Verifies identity] }
  metric:
    tags: [smoke]
    thresholds: { metrics: { latencyP90: { max: 0.5 } } }
  case-rate:
    tags: [flaky]
    samples: 8
    thresholds: { min_test_pass_rate: 0.0, min_case_pass_rate: 0.99 }
"#,
    );
    let run = Runner::new(&sim)
        .suite(&file)
        .args(&["--jobs", "6", "--report-json", "report.json"])
        .run()
        .await;
    run.assert_code(1);
    let report = run.json("report.json");
    let failed = |suite: &str| -> Vec<String> {
        let suite = report["suites"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == suite)
            .unwrap();
        assert_eq!(suite["verdict"], "failed", "{suite:#}");
        suite["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "failed")
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(failed("pass-rate"), ["min_test_pass_rate"]);
    assert_eq!(failed("assertion-score"), ["min_assertion_score"]);
    assert_eq!(failed("category"), ["categories.Compliance"]);
    assert_eq!(
        failed("must-pass"),
        ["must_pass_assertions.Verifies identity"]
    );
    assert_eq!(failed("metric"), ["metrics.latencyP90"]);
    assert_eq!(failed("case-rate"), ["min_case_pass_rate"]);
    // The flaky case is named as flaky, and the failing call's reason reaches the summary.
    assert!(run.stdout.contains("flaky"), "{}", run.stdout);
    assert!(
        run.stdout.contains("never asked for the account number"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timeout_judges_partial_results_and_exits_4() {
    let sim = start_sim(WORKSPACE).await;
    let run = Runner::new(&sim)
        .suite(&suite("tags: [hang]\n    timeout: 1s"))
        .args(&["--report-json", "report.json", "--junit", "junit.xml"])
        .run()
        .await;
    run.assert_code(4);
    let report = run.json("report.json");
    let suite = &report["suites"][0];
    assert_eq!(suite["verdict"], "timed_out");
    assert_eq!(suite["counts"]["total"], 2, "{suite:#}");
    assert_eq!(suite["counts"]["passed"], 1, "{suite:#}");
    assert!(run.path("junit.xml").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_that_ends_failed_is_a_platform_error() {
    let sim = start_sim(&WORKSPACE.replace(
        "  - id: agent-1\n",
        "  - id: agent-1\n    run_outcome: failed\n",
    ))
    .await;
    let run = Runner::new(&sim)
        .suite(&suite("tags: [smoke]"))
        .args(&["--report-json", "report.json"])
        .run()
        .await;
    run.assert_code(3);
    assert_eq!(run.json("report.json")["suites"][0]["verdict"], "error");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_key_exits_3_without_retrying() {
    let sim = start_sim(&format!("api_keys: [sk-someone-else-0000]\n{WORKSPACE}")).await;
    let run = Runner::new(&sim).suite(&suite("tags: [smoke]")).run().await;
    run.assert_code(3);
    assert!(run.stderr.contains("HTTP 401"), "{}", run.stderr);
    assert!(run.stderr.contains("HAMMING_API_KEY"), "{}", run.stderr);
    assert!(posts(&sim.requests()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_tag_is_named_before_any_call_is_placed() {
    let sim = start_sim(WORKSPACE).await;
    let run = Runner::new(&sim).suite(&suite("tags: [smok]")).run().await;
    run.assert_code(2);
    assert!(run.stderr.contains("unknown tag `smok`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `smoke`"),
        "{}",
        run.stderr
    );
    assert!(posts(&sim.requests()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_selection_is_never_a_pass() {
    let sim = start_sim(WORKSPACE).await;
    let run = Runner::new(&sim)
        .suite(&suite("tags: [other-agent]"))
        .run()
        .await;
    run.assert_code(2);
    assert!(
        run.stderr.contains("no test case attached"),
        "{}",
        run.stderr
    );
    assert!(posts(&sim.requests()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_selects_nothing_fails_the_suite_either_way() {
    // With the catalog unreadable the runner sends the tag id as written, and the server is
    // the one to find that it selects nothing: with a 400 (current servers) or a 200 with no
    // test case runs (older ones). Neither is ever a pass.
    let faults = "faults:\n  - { path: \"test-cases\", fault: \"status=404\" }\n";
    for (extra, message) in [
        ("", "resolved to no runnable test cases"),
        (
            "empty_selection: accept\n",
            "created with no test case runs",
        ),
    ] {
        let sim = start_sim(&format!("{faults}{extra}{WORKSPACE}")).await;
        let other = tag_id(&sim, "other-agent").await;
        let run = Runner::new(&sim)
            .suite(&suite(&format!("tags: [{other}]")))
            .run()
            .await;
        run.assert_code(3);
        assert!(
            run.stdout.contains(message) || run.stderr.contains(message),
            "{}\n{}",
            run.stdout,
            run.stderr
        );
        assert_eq!(posts(&sim.requests()).len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_test_case_is_named_before_any_call_is_placed() {
    let sim = start_sim(WORKSPACE).await;
    let run = Runner::new(&sim)
        .suite(&suite("test_cases: [{ id: case-pass }, { id: case-nope }]"))
        .run()
        .await;
    run.assert_code(2);
    assert!(
        run.stderr.contains("unknown test case `case-nope`"),
        "{}",
        run.stderr
    );
    assert!(posts(&sim.requests()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn read_faults_are_retried_and_the_run_still_passes() {
    let faults = r#"faults:
  - { path: "test-runs/*/status", fault: "retry-after=0", count: 1 }
  - { path: "test-runs/*/status", fault: "status=503;body=html", count: 2 }
  - { path: "test-runs/*/results", fault: "status=502", count: 1 }
  - { path: "test-cases", fault: "status=500", count: 1 }
"#;
    let sim = start_sim(&format!("{faults}{WORKSPACE}")).await;
    let run = Runner::new(&sim).suite(&suite("tags: [smoke]")).run().await;
    run.assert_code(0);
    let failed_reads = sim
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.status.is_some_and(|s| s >= 429))
        .count();
    assert_eq!(failed_reads, 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_5xx_on_create_is_never_resent() {
    let faults = r#"faults:
  - { method: POST, path: "test-runs/test-inbound-agent", fault: "status=502;body=html" }
"#;
    let sim = start_sim(&format!("{faults}{WORKSPACE}")).await;
    let run = Runner::new(&sim)
        .suite(&suite("tags: [smoke]"))
        .args(&["--report-json", "report.json"])
        .run()
        .await;
    run.assert_code(3);
    assert_eq!(posts(&sim.requests()).len(), 1);
    assert!(run.stderr.contains("not resent"), "{}", run.stderr);
    assert!(run.stdout.contains("HTML error page"), "{}", run.stdout);
    assert_eq!(run.json("report.json")["suites"][0]["verdict"], "error");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_on_create_is_retried_because_it_was_refused() {
    let faults = r#"faults:
  - { method: POST, path: "test-runs/test-inbound-agent", fault: "retry-after=0", count: 1 }
"#;
    let sim = start_sim(&format!("{faults}{WORKSPACE}")).await;
    let run = Runner::new(&sim).suite(&suite("tags: [smoke]")).run().await;
    run.assert_code(0);
    let statuses: Vec<_> = posts(&sim.requests()).iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(429), Some(200)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn suites_can_be_picked_and_run_several_at_once() {
    let sim = start_sim(WORKSPACE).await;
    let file = suites(
        r#"  one: { tags: [slow] }
  two: { tags: [slow] }
  three: { tags: [slow] }
  skipped: { tags: [failing] }
"#,
    );
    let run = Runner::new(&sim)
        .suite(&file)
        .args(&[
            "--jobs", "3", "--suite", "one", "--suite", "two", "--suite", "three",
        ])
        .run()
        .await;
    run.assert_code(0);
    let requests = sim.requests();
    assert_eq!(posts(&requests).len(), 3);
    // With --jobs 3 every run is created before any of them is finished.
    let last_post = requests.iter().rposition(|r| r.method == "POST").unwrap();
    let first_results = requests
        .iter()
        .position(|r| r.path.ends_with("/results"))
        .unwrap();
    assert!(last_post < first_results, "{requests:#?}");

    let unknown = Runner::new(&sim)
        .suite(&file)
        .args(&["--suite", "tree"])
        .run()
        .await;
    unknown.assert_code(2);
    assert!(
        unknown.stderr.contains("did you mean `three`"),
        "{}",
        unknown.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn fail_fast_starts_no_suite_after_a_failure() {
    let sim = start_sim(WORKSPACE).await;
    let file = r#"version: 1
defaults: { agent_id: agent-1, phone_numbers: ["+14155550100"], timeout: 20s, poll_interval: 100ms }
suites:
  first: { tags: [failing] }
  second: { tags: [smoke] }
"#;
    let run = Runner::new(&sim)
        .suite(file)
        .args(&["--fail-fast", "--report-json", "report.json"])
        .run()
        .await;
    run.assert_code(1);
    assert_eq!(posts(&sim.requests()).len(), 1);
    assert_eq!(run.json("report.json")["suites"][1]["verdict"], "not_run");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_fetches_partial_results_writes_reports_and_exits_130() {
    let sim = start_sim(WORKSPACE).await;
    let child = Runner::new(&sim)
        .suite(&suite("tags: [hang]\n    timeout: 10m"))
        .args(&[
            "--report-json",
            "report.json",
            "--junit",
            "junit.xml",
            "--html",
            "report.html",
        ])
        .spawn();
    let child = child.wait_for_stderr("created run").await;
    child.signal("INT");
    let run = child.finish().await;
    run.assert_code(130);
    let report = run.json("report.json");
    assert_eq!(report["suites"][0]["verdict"], "interrupted");
    assert_eq!(report["suites"][0]["counts"]["total"], 2);
    assert!(run.path("junit.xml").exists());
    assert!(
        run.text("report.html")
            .contains("data-verdict=\"interrupted\"")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_wait_and_check_chain_through_a_shell() {
    let sim = start_sim(WORKSPACE).await;
    for (tag, expected) in [("smoke", 0), ("failing", 1)] {
        let run = Runner::new(&sim)
            .suite(&suite(&format!("tags: [{tag}]")))
            .shell(
                r#"set -o pipefail
id=$("$HR" create suite.yaml) || exit 10
echo "run id: $id" >&2
"$HR" wait "$id" --poll-interval 100ms --output - | "$HR" check -"#,
            )
            .await;
        run.assert_code(expected);
        assert!(run.stderr.contains("run id: c"), "{}", run.stderr);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn check_reads_a_run_id_or_a_saved_file() {
    let sim = start_sim(WORKSPACE).await;
    let created = Runner::new(&sim)
        .suite(&suite("tags: [failing]"))
        .args_only(&["create", "suite.yaml"])
        .run()
        .await;
    created.assert_code(0);
    let id = created.stdout.trim().to_owned();
    assert_eq!(id.len(), 25, "{}", created.stdout);
    let waited = Runner::new(&sim)
        .args_only(&[
            "wait",
            &id,
            "--poll-interval",
            "100ms",
            "--output",
            "results.json",
        ])
        .run()
        .await;
    waited.assert_code(0);
    let by_file = Runner::new(&sim)
        .in_dir(&waited)
        .args_only(&[
            "check",
            "results.json",
            "--min-test-pass-rate",
            "0.4",
            "--min-assertion-score",
            "0.4",
        ])
        .run()
        .await;
    by_file.assert_code(0);
    let by_id = Runner::new(&sim).args_only(&["check", &id]).run().await;
    by_id.assert_code(1);
    assert!(
        by_id.stdout.contains("min_test_pass_rate"),
        "{}",
        by_id.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_never_appears_in_any_output_at_any_verbosity() {
    let sim = start_sim(WORKSPACE).await;
    for tags in ["smoke", "failing", "smok"] {
        let run = Runner::new(&sim)
            .suite(&suite(&format!("tags: [{tags}]")))
            .args(&["-vv", "--report-dir", "reports"])
            .run()
            .await;
        run.assert_no_key();
    }
    let rejected = start_sim(&format!("api_keys: [sk-someone-else-0000]\n{WORKSPACE}")).await;
    let run = Runner::new(&rejected)
        .suite(&suite("tags: [smoke]"))
        .args(&["-vv", "--report-dir", "reports"])
        .run()
        .await;
    run.assert_code(3);
    run.assert_no_key();
    for args in [
        vec!["plan", "suite.yaml", "-vv"],
        vec!["create", "suite.yaml", "-vv"],
        vec!["check", "cnotarealrun00000000000000", "-vv"],
        vec!["wait", "cnotarealrun00000000000000", "-vv"],
    ] {
        let run = Runner::new(&sim)
            .suite(&suite("tags: [smoke]"))
            .args_only(&args)
            .run()
            .await;
        run.assert_no_key();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_counts_the_calls_without_placing_any() {
    let sim = start_sim(WORKSPACE).await;
    let file = r#"version: 1
defaults: { agent_id: agent-1, phone_numbers: ["+14155550100", "+14155550101"] }
suites:
  smoke: { tags: [smoke, failing], samples: 3 }
  cases: { test_cases: [{ id: case-pass }] }
"#;
    let run = Runner::new(&sim)
        .suite(file)
        .args_only(&["plan", "suite.yaml", "--cases"])
        .run()
        .await;
    run.assert_code(0);
    assert!(
        run.stdout.contains("would place 14 call(s)"),
        "{}",
        run.stdout
    );
    assert!(posts(&sim.requests()).is_empty());

    let capped = Runner::new(&sim)
        .suite(file)
        .args_only(&["plan", "suite.yaml", "--max-calls", "10"])
        .run()
        .await;
    capped.assert_code(2);
    assert!(
        capped.stderr.contains("above its limit of 10"),
        "{}",
        capped.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_run_reattaches_to_its_recorded_run_instead_of_placing_calls_again() {
    let sim = start_sim(WORKSPACE).await;
    let file = suite("tags: [slow]");
    let child = Runner::new(&sim)
        .suite(&file)
        .args(&["--report-dir", "reports"])
        .spawn();
    let child = child.wait_for_stderr("created run").await;
    child.signal("KILL");
    let killed = child.finish().await;
    assert!(killed.path("reports/state.json").exists());
    let again = Runner::new(&sim)
        .in_dir(&killed)
        .args(&["--report-dir", "reports"])
        .run()
        .await;
    again.assert_code(0);
    assert!(
        again.stderr.contains("re-attaching to run"),
        "{}",
        again.stderr
    );
    assert_eq!(posts(&sim.requests()).len(), 1);

    let fresh = Runner::new(&sim)
        .in_dir(&killed)
        .args(&["--report-dir", "reports", "--fresh"])
        .run()
        .await;
    fresh.assert_code(0);
    assert_eq!(posts(&sim.requests()).len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_seen_to_end_is_not_reattached_so_a_new_attempt_recovers_from_a_failed_run() {
    // The first create's run ends FAILED (a platform failure); later runs complete.
    let sim = start_sim(&format!(
        "{WORKSPACE}faults:\n  - {{ method: POST, path: test-runs/test-inbound-agent, fault: \"run=failed\", count: 1 }}\n"
    ))
    .await;
    let report_dir = ["--report-dir", "reports"];
    let first = Runner::new(&sim)
        .suite(&suite("tags: [smoke]"))
        .args(&report_dir)
        .run()
        .await;
    first.assert_code(3);
    let run_id = |run: &Finished| run.json("reports/report.json")["suites"][0]["run_id"].clone();
    let failed_run = run_id(&first);
    let state = first.json("reports/state.json");
    assert_eq!(state["runs"]["s"]["ended"], "FAILED", "{state:#}");
    assert_eq!(state["runs"]["s"]["run_id"], failed_run);

    // "Re-run failed jobs" (same command, same state file), then once more: each attempt
    // starts a new run, since the one before was seen to end, and says why.
    let attempts = [
        (
            2,
            format!(
                "{} recorded in reports/state.json ended FAILED",
                failed_run.as_str().unwrap_or_default()
            ),
        ),
        (3, "ended COMPLETED".to_owned()),
    ];
    let mut earlier = first;
    let mut previous = failed_run;
    for (attempt, ended) in attempts {
        let again = Runner::new(&sim)
            .in_dir(&earlier)
            .args(&report_dir)
            .run()
            .await;
        again.assert_code(0);
        assert!(
            again
                .stderr
                .contains(&format!("{ended} in an earlier attempt")),
            "{}",
            again.stderr
        );
        assert!(!again.stderr.contains("re-attaching"), "{}", again.stderr);
        assert_eq!(posts(&sim.requests()).len(), attempt);
        let new_run = run_id(&again);
        assert_ne!(new_run, previous);
        previous = new_run;
        assert_eq!(
            again.json("reports/state.json")["runs"]["s"]["ended"],
            "COMPLETED"
        );
        earlier = again;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn simulate_runs_the_readme_example_with_no_key() {
    let run = Runner::offline()
        .args_only(&[
            "run",
            concat!(env!("CARGO_MANIFEST_DIR"), "/hamming.example.yaml"),
            "--simulate",
            "--report-dir",
            "reports",
        ])
        .run()
        .await;
    run.assert_code(0);
    assert!(run.stdout.contains("PASSED"), "{}", run.stdout);
    let report: Value = run.json("reports/report.json");
    assert_eq!(report["suites"].as_array().map(Vec::len), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn under_github_actions_it_writes_outputs_summary_and_annotations() {
    let sim = start_sim(WORKSPACE).await;
    let file = r#"version: 1
defaults:
  agent_id: agent-1
  phone_numbers: ["+14155550100"]
  poll_interval: 100ms
suites:
  smoke:
    tags: [smoke]
  refunds:
    test_cases:
      - id: case-pass
      - id: case-fail
"#;
    let run = Runner::new(&sim)
        .suite(file)
        .github()
        .args(&["--report-dir", "reports"])
        .run()
        .await;
    run.assert_code(1);
    assert!(
        run.stdout.starts_with(&format!("::add-mask::{KEY}\n")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("::group::smoke: passed"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("::endgroup::"), "{}", run.stdout);
    // The failing suite is annotated at its name (line 9), the failing case at its entry
    // (line 12).
    let annotations = run.error_annotations();
    assert_eq!(annotations.len(), 2, "{}", run.stdout);
    assert!(annotations[0].starts_with(
        "::error file=suite.yaml,line=9,title=suite refunds%3A min_test_pass_rate failed::"
    ));
    assert!(annotations[1].starts_with(
        "::error file=suite.yaml,line=12,title=suite refunds%3A case Refund request did not pass::"
    ));
    assert!(annotations[1].contains("never asked for the account number"));
    let output = run.text("gh-output");
    let value = |name: &str| -> String {
        let start = output
            .find(&format!("{name}<<"))
            .unwrap_or_else(|| panic!("{name} in {output}"));
        output[start..].lines().nth(1).unwrap().to_owned()
    };
    assert_eq!(value("passed"), "false");
    assert_eq!(value("exit_code"), "1");
    assert_eq!(value("pass_rate_smoke"), "1");
    assert_eq!(value("pass_rate_refunds"), "0.5");
    assert_eq!(value("test_run_ids").split(',').count(), 2);
    assert_eq!(value("report_junit"), "reports/junit.xml");
    let summary = run.text("gh-summary");
    assert!(summary.contains("refunds"), "{summary}");
    assert_eq!(summary, run.text("reports/summary.md"));
}

#[tokio::test(flavor = "multi_thread")]
async fn under_github_actions_a_suite_file_error_is_annotated_at_its_place_and_summarised() {
    let file = suites("  smoke:\n    tags: [smoke]\n    treshold: {}\n  billing:\n    tags: []\n");
    let run = Runner::offline()
        .suite(&file)
        .github()
        .args(&["--report-dir", "reports"])
        .run()
        .await;
    run.assert_code(2);
    let annotations = run.error_annotations();
    assert_eq!(annotations.len(), 2, "{}", run.stdout);
    assert!(
        annotations[0].starts_with(
            "::error file=suite.yaml,line=10,col=5,title=invalid suite file (suite smoke)::unknown key `treshold`"
        ),
        "{}",
        run.stdout
    );
    assert!(annotations[1].contains("line=12,col=11,"), "{}", run.stdout);
    // The step summary says what stopped the run, and the summary file a pull-request
    // comment reads says the same.
    let summary = run.text("gh-summary");
    assert!(
        summary.starts_with("## ❌ hamming-runner: nothing was run (exit 2)"),
        "{summary}"
    );
    assert!(summary.contains("`suite.yaml` has 2 errors"), "{summary}");
    assert!(
        summary.contains("- `suite.yaml:10:5`: unknown key"),
        "{summary}"
    );
    assert_eq!(summary, run.text("reports/summary.md"));
    let output = run.text("gh-output");
    assert!(output.contains("passed<<"), "{output}");
    assert!(output.contains("\nfalse\n"), "{output}");
    assert!(!run.path("reports/report.json").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn under_github_actions_a_missing_key_is_an_annotation_and_a_summary() {
    let run = Runner::offline()
        .suite(&suite("tags: [smoke]"))
        .github()
        .args(&["--report-dir", "reports"])
        .run()
        .await;
    run.assert_code(2);
    assert!(
        run.stdout.contains(
            "::error title=hamming-runner%3A nothing was run::no API key: set HAMMING_API_KEY"
        ),
        "{}",
        run.stdout
    );
    let summary = run.text("gh-summary");
    assert!(
        summary.contains("- no API key: set HAMMING_API_KEY"),
        "{summary}"
    );
    assert_eq!(summary, run.text("reports/summary.md"));

    // Outside GitHub Actions nothing extra is printed, but the summary file is still written.
    let plain = Runner::offline()
        .suite(&suite("tags: [smoke]"))
        .args(&["--report-dir", "reports"])
        .run()
        .await;
    plain.assert_code(2);
    assert!(!plain.stdout.contains("::error"), "{}", plain.stdout);
    assert!(plain.text("reports/summary.md").contains("no API key"));
}

#[tokio::test(flavor = "multi_thread")]
async fn under_github_actions_validate_annotates_each_error_at_its_place() {
    let run = Runner::offline()
        .suite(&suite("tags: [smoke]\n    treshold: {}"))
        .github()
        .args_only(&["validate", "suite.yaml"])
        .run()
        .await;
    run.assert_code(2);
    assert_eq!(
        run.error_annotations(),
        vec![
            "::error file=suite.yaml,line=10,col=5,title=invalid suite file (suite s)::unknown key `treshold` in suite `s` (help: did you mean `thresholds`?)"
        ],
        "{}",
        run.stdout
    );
}
