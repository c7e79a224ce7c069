//! The comparison with a baseline end to end: the real binary against the simulator, a
//! baseline report written by one run and read by the next. The cases always pass or always
//! fail, so every comparison is deterministic.

mod engine;

use engine::*;
use serde_json::Value;

/// Ten cases that pass; `WORSE` makes the first five fail.
const BETTER: &str = r#"seed: 3
queue_delay_seconds: 0
agents:
  - id: agent-1
  - id: agent-2
test_cases:
  - { id: case-01, title: Books a table, agent_ids: [agent-1, agent-2], duration_seconds: 1 }
  - { id: case-02, title: Cancels a booking, agent_ids: [agent-1, agent-2], duration_seconds: 1 }
  - { id: case-03, title: Moves a booking, agent_ids: [agent-1, agent-2], duration_seconds: 1 }
  - { id: case-04, title: Asks for the menu, agent_ids: [agent-1, agent-2], duration_seconds: 1 }
  - { id: case-05, title: Complains, agent_ids: [agent-1, agent-2], duration_seconds: 1 }
  - { id: case-06, title: Orders takeaway, agent_ids: [agent-1, agent-2], duration_seconds: 1 }
  - { id: case-07, title: Asks for opening hours, agent_ids: [agent-1, agent-2], duration_seconds: 1 }
  - { id: case-08, title: Asks for parking, agent_ids: [agent-1, agent-2], duration_seconds: 1 }
  - { id: case-09, title: Books for a group, agent_ids: [agent-1, agent-2], duration_seconds: 1 }
  - { id: case-10, title: Pays a deposit, agent_ids: [agent-1, agent-2], duration_seconds: 1 }
"#;

fn worse() -> String {
    let mut text = BETTER.to_owned();
    for case in ["case-01", "case-02", "case-03", "case-04", "case-05"] {
        text = text.replace(
            &format!("{{ id: {case},"),
            &format!("{{ id: {case}, outcome: fail,"),
        );
    }
    text
}

/// Every case twice (20 calls) against an absolute bar of 0.4 that a run at 50 % still holds.
fn suite_file() -> String {
    let cases: Vec<String> = (1..=10).map(|i| format!("{{ id: case-{i:02} }}")).collect();
    suite(&format!(
        "test_cases: [{}]\n    samples: 2\n    thresholds: {{ min_test_pass_rate: 0.4 }}",
        cases.join(", ")
    ))
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["suites"][0]["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no check {name} in {report:#}"))
}

/// A run of `workspace` with the suite file, its JSON report at `report`, and `extra` flags.
async fn run(workspace: &str, dir: Option<&Finished>, report: &str, extra: &[&str]) -> Finished {
    let sim = start_sim(workspace).await;
    let mut runner = Runner::new(&sim).suite(&suite_file());
    if let Some(earlier) = dir {
        runner = runner.in_dir(earlier);
    }
    let mut args = vec!["--report-json", report];
    args.extend_from_slice(extra);
    runner.args(&args).run().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_confident_drop_fails_the_baseline_check_and_names_the_new_failures() {
    let baseline = run(BETTER, None, "baseline.json", &[]).await;
    baseline.assert_code(0);
    let report = baseline.json("baseline.json");
    assert_eq!(
        report["schema_version"], 1,
        "no baseline: the report keeps version 1"
    );

    let sim = start_sim(&worse()).await;
    let now = Runner::new(&sim)
        .in_dir(&baseline)
        .github()
        .args(&[
            "--baseline",
            "baseline.json",
            "--report-json",
            "report.json",
            "--junit",
            "junit.xml",
            "--summary",
            "summary.md",
        ])
        .run()
        .await;
    now.assert_code(1);
    now.assert_no_key();
    let report = now.json("report.json");
    assert_eq!(report["schema_version"], 3);
    let suite = &report["suites"][0];
    assert_eq!(suite["verdict"], "failed");
    assert_eq!(
        check(&report, "min_test_pass_rate")["status"],
        "passed",
        "the absolute bar still holds"
    );
    let baseline_check = check(&report, "baseline");
    assert_eq!(baseline_check["status"], "failed");
    let reason = baseline_check["reason"].as_str().unwrap();
    assert!(
        reason.contains("fell from 1.0 (20/20) to 0.5 (10/20)"),
        "{reason}"
    );
    assert!(reason.contains("Boschloo's exact test"), "{reason}");
    for case in ["Books a table [case-01]", "Pays a deposit"] {
        assert_eq!(reason.contains(case), case.contains("case-01"), "{reason}");
    }
    assert!(
        reason.contains("new failures: Books a table [case-01], Cancels a booking [case-02], Moves a booking [case-03], Asks for the menu [case-04], Complains [case-05]"),
        "{reason}"
    );
    let comparison = &suite["baseline"];
    assert_eq!(comparison["status"], "regressed");
    assert_eq!(
        comparison["baseline"],
        serde_json::json!({ "passed": 20, "calls": 20 })
    );
    assert_eq!(
        comparison["now"],
        serde_json::json!({ "passed": 10, "calls": 20 })
    );
    assert!(comparison["test"]["p_value"].as_f64().unwrap() < 0.001);
    let cases = comparison["cases"].as_array().unwrap();
    let kinds: Vec<&str> = cases
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        &kinds[..5],
        ["new_failure"; 5],
        "new failures first: {kinds:?}"
    );
    assert_eq!(&kinds[5..], ["still_passing"; 5]);
    assert_eq!(
        comparison["rates"][0],
        serde_json::json!({ "name": "min_test_pass_rate", "baseline": 1.0, "now": 0.5 })
    );

    // Every report shows it.
    assert!(
        now.stdout.contains("baseline 1.00 → 0.50  expected >= 0.4"),
        "{}",
        now.stdout
    );
    assert!(now.stdout.contains("new failure (5):"), "{}", now.stdout);
    let summary = now.text("summary.md");
    assert!(summary.contains("| vs baseline |"), "{summary}");
    assert!(summary.contains("1.00 → 0.50, regressed"), "{summary}");
    let new_failures = summary
        .find("new failure (5):")
        .expect("new failures listed");
    let calls = summary
        .find("Calls that did not pass")
        .expect("calls listed");
    assert!(new_failures < calls, "new failures come first:\n{summary}");
    let junit = now.text("junit.xml");
    assert!(
        junit.contains(r#"<property name="baseline_status" value="regressed"/>"#),
        "{junit}"
    );
    assert!(
        junit.contains(
            r#"name="baseline_new_failure" value="case-01,case-02,case-03,case-04,case-05""#
        ),
        "{junit}"
    );
    assert!(
        junit.contains("gate failed: baseline: the pass rate fell"),
        "{junit}"
    );
    assert!(
        now.stdout
            .contains("::error file=suite.yaml,line=8,title=suite s%3A baseline failed::"),
        "{}",
        now.stdout
    );
    let outputs = now.text("gh-output");
    assert!(outputs.contains("baseline_s<<"), "{outputs}");
    assert!(outputs.contains("\nregressed\n"), "{outputs}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_run_against_an_equal_baseline_holds() {
    let first = run(&worse(), None, "baseline.json", &[]).await;
    first.assert_code(0);
    let second = run(
        &worse(),
        Some(&first),
        "report.json",
        &["--baseline", "baseline.json"],
    )
    .await;
    second.assert_code(0);
    let report = second.json("report.json");
    let baseline_check = check(&report, "baseline");
    assert_eq!(baseline_check["status"], "passed");
    let comparison = &report["suites"][0]["baseline"];
    assert_eq!(comparison["status"], "held");
    let p = comparison["test"]["p_value"].as_f64().unwrap();
    assert!(p > 0.4, "no drop, no evidence of one: p = {p}");
    let kinds: Vec<&str> = comparison["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(&kinds[..5], ["still_failing"; 5], "{kinds:?}");
    assert!(
        second
            .stdout
            .contains("vs baseline baseline.json: 0.50 → 0.50, held"),
        "{}",
        second.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_baseline_that_cannot_speak_for_a_suite_says_so_and_is_not_compared() {
    let first = run(BETTER, None, "baseline.json", &[]).await;
    first.assert_code(0);
    let mut report = first.json("baseline.json");
    // Another agent, then another suite name, then another selection: none is compared.
    report["suites"][0]["agent_id"] = "agent-2".into();
    std::fs::write(first.path("other-agent.json"), report.to_string()).unwrap();
    report["suites"][0]["agent_id"] = "agent-1".into();
    report["suites"][0]["name"] = "renamed".into();
    std::fs::write(first.path("other-suite.json"), report.to_string()).unwrap();
    report["suites"][0]["name"] = "s".into();
    report["suites"][0]["selection"] = "tags: smoke".into();
    std::fs::write(first.path("other-selection.json"), report.to_string()).unwrap();
    for (file, why) in [
        (
            "other-agent.json",
            "not compared: the baseline tested agent `agent-2`, this run agent `agent-1`",
        ),
        (
            "other-suite.json",
            "not compared: the baseline report has no suite `s` (it has renamed)",
        ),
        (
            "other-selection.json",
            "not compared: the baseline's suite selected tags: smoke, this run's selects test cases",
        ),
    ] {
        let now = run(&worse(), Some(&first), "report.json", &["--baseline", file]).await;
        now.assert_code(0);
        let report = now.json("report.json");
        let comparison = &report["suites"][0]["baseline"];
        assert_eq!(comparison["status"], "not_compared", "{file}");
        assert_eq!(comparison["reason"], why, "{file}");
        assert!(
            report["suites"][0]["checks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["name"] != "baseline"),
            "{file}: no baseline check when not compared"
        );
        assert!(now.stdout.contains(why), "{}", now.stdout);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unusable_baseline_stops_the_run_before_any_call() {
    let sim = start_sim(BETTER).await;
    for (file, text, why) in [
        (
            "nowhere.json",
            None,
            "cannot read the baseline report nowhere.json",
        ),
        (
            "results.json",
            Some(r#"{"summary": {}, "results": []}"#),
            "results.json is not a hamming-runner JSON report",
        ),
        (
            "newer.json",
            Some(r#"{"schema_version": 9, "suites": []}"#),
            "has schema version 9",
        ),
        (
            "broken.json",
            Some(r#"{"schema_version": 3, "#),
            "the baseline report broken.json is not JSON",
        ),
        (
            "reports",
            None,
            "cannot read the baseline report reports: it is a directory, not a regular file",
        ),
        (
            "pipe.json",
            None,
            "cannot read the baseline report pipe.json: it is a FIFO (named pipe), not a regular file",
        ),
    ] {
        let mut runner = Runner::new(&sim).suite(&suite_file());
        if let Some(text) = text {
            runner = runner.file(file, text);
        }
        if file == "reports" {
            runner = runner.dir(file);
        }
        if file == "pipe.json" {
            runner = runner.fifo(file);
        }
        let refused = runner.args(&["--baseline", file]).run().await;
        refused.assert_code(2);
        assert!(refused.stderr.contains(why), "{file}: {}", refused.stderr);
    }
    assert!(
        posts(&sim.requests()).is_empty(),
        "nothing was created for a comparison that cannot happen"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_old_baseline_is_a_warning_and_a_broken_suite_in_it_is_not_compared() {
    let first = run(BETTER, None, "baseline.json", &[]).await;
    first.assert_code(0);
    let mut report = first.json("baseline.json");
    report["finished_at"] = "2020-01-01T00:00:00Z".into();
    std::fs::write(first.path("old.json"), report.to_string()).unwrap();
    report["suites"][0]["calls"] = "not a list".into();
    std::fs::write(first.path("broken.json"), report.to_string()).unwrap();

    let old = run(
        BETTER,
        Some(&first),
        "report.json",
        &["--baseline", "old.json"],
    )
    .await;
    old.assert_code(0);
    assert!(
        old.stderr
            .contains("warning: the baseline report old.json is 2") // "2xxx days old"
            && old.stderr.contains("older than --baseline-max-age 14 days"),
        "{}",
        old.stderr
    );
    let report = old.json("report.json");
    assert_eq!(report["suites"][0]["baseline"]["status"], "held");
    assert_eq!(
        report["suites"][0]["baseline"]["warnings"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A generous --baseline-max-age keeps quiet.
    let quiet = run(
        BETTER,
        Some(&first),
        "report.json",
        &["--baseline", "old.json", "--baseline-max-age", "100000d"],
    )
    .await;
    quiet.assert_code(0);
    assert!(!quiet.stderr.contains("warning"), "{}", quiet.stderr);

    let broken = run(
        BETTER,
        Some(&first),
        "report.json",
        &["--baseline", "broken.json"],
    )
    .await;
    broken.assert_code(0);
    let reason = broken.json("report.json")["suites"][0]["baseline"]["reason"].clone();
    assert!(
        reason
            .as_str()
            .unwrap()
            .starts_with("not compared: the baseline's suite `s` does not read"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn check_and_merge_compare_too() {
    let first = run(BETTER, None, "baseline.json", &[]).await;
    first.assert_code(0);
    let now = run(&worse(), Some(&first), "report.json", &[]).await;
    now.assert_code(0);

    // `merge` of the run's report (one shard) against the baseline.
    let merged = Runner::offline()
        .in_dir(&now)
        .args_only(&[
            "merge",
            "report.json",
            "--baseline",
            "baseline.json",
            "--report-json",
            "merged.json",
        ])
        .run()
        .await;
    merged.assert_code(1);
    let report = merged.json("merged.json");
    assert_eq!(report["suites"][0]["baseline"]["status"], "regressed");
    assert_eq!(report["exit_code"], 1);

    // `check` of a run's results, with the suite's thresholds, against the baseline.
    let sim = start_sim(&worse()).await;
    let checked = Runner::new(&sim)
        .in_dir(&now)
        .shell(
            r#"id=$("$HR" create suite.yaml) && "$HR" wait "$id" --timeout 20s --output results.json >/dev/null && "$HR" check results.json --suite-file suite.yaml --baseline baseline.json --report-json checked.json"#,
        )
        .await;
    checked.assert_code(1);
    let report = checked.json("checked.json");
    assert_eq!(report["suites"][0]["baseline"]["status"], "regressed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_baseline_cannot_write_to_the_log_or_the_summary_nor_leak_the_key() {
    let first = run(BETTER, None, "baseline.json", &[]).await;
    first.assert_code(0);
    let mut report = first.json("baseline.json");
    let hostile = format!(
        "\u{1b}]0;owned\u{7}<script>alert(1)</script>\n::error::injected {KEY} \u{202e}gnp"
    );
    report["suites"][0]["agent_id"] = hostile.clone().into();
    report["suites"][0]["results_url"] = "javascript:alert(1)".into();
    report["suites"][0]["run_id"] = hostile.into();
    // Outside the run's directory, whose every file is searched for the key afterwards.
    let elsewhere = tempfile::tempdir().unwrap();
    let hostile_file = elsewhere.path().join("hostile.json");
    std::fs::write(&hostile_file, report.to_string()).unwrap();
    let hostile_file = hostile_file.display().to_string();

    let sim = start_sim(BETTER).await;
    let now = Runner::new(&sim)
        .in_dir(&first)
        .github()
        .args(&[
            "--baseline",
            &hostile_file,
            "--report-json",
            "report.json",
            "--summary",
            "summary.md",
            "--junit",
            "junit.xml",
        ])
        .run()
        .await;
    now.assert_code(0);
    now.assert_no_key();
    let comparison = &now.json("report.json")["suites"][0]["baseline"];
    assert_eq!(comparison["status"], "not_compared");
    assert!(comparison["results_url"].is_null(), "{comparison:#}");
    for (what, text) in [
        ("stdout", now.stdout.clone()),
        ("stderr", now.stderr.clone()),
        ("summary", now.text("summary.md")),
        ("step summary", now.text("gh-summary")),
        ("junit", now.text("junit.xml")),
    ] {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{what}: {text}"
        );
        assert!(
            !text.lines().any(|l| l.starts_with("::error::injected")),
            "{what} runs a workflow command: {text}"
        );
        if what.contains("summary") {
            assert!(!text.contains("<script>"), "{what}: {text}");
        }
    }
}
