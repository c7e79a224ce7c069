//! Scale-out and re-runs end to end: `run --shard K/N` + `merge` against one unsharded run,
//! and `run --rerun-failed` against the report of an earlier run, all against the simulator.

mod engine;

use engine::*;
use serde_json::Value;

/// Suites of different sizes, passing and failing, none flaky (a flaky draw depends on the
/// run's sequence number, which differs between a sharded and an unsharded run).
fn suites_file() -> String {
    suites(
        r#"  smoke-a:
    tags: [smoke]
    samples: 3
  failing-b:
    tags: [failing]
  explicit-c:
    test_cases: [{ id: case-pass }]
  lenient-d:
    test_cases: [{ id: case-fail }]
    thresholds: { min_test_pass_rate: 0.0 }
  slow-e:
    tags: [slow]
    phone_numbers: ["+14155550100", "+14155550101"]
  pair-f:
    test_cases: [{ id: case-pass }, { id: case-slow }]
    samples: 2
  strict-g:
    test_cases: [{ id: case-fail }]
"#,
    )
}

fn verdicts(report: &Value) -> Vec<(String, String)> {
    report["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_owned(),
                s["verdict"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn four_shards_merged_judge_like_one_unsharded_run() {
    let sim = start_sim(WORKSPACE).await;
    let whole = Runner::new(&sim)
        .suite(&suites_file())
        .args(&["--report-json", "whole.json", "--quiet"])
        .run()
        .await;
    whole.assert_code(1);
    let expected = verdicts(&whole.json("whole.json"));
    assert_eq!(expected.len(), 7);

    let mut ran = Vec::new();
    for k in 1..=4 {
        let shard = format!("{k}/4");
        let report = format!("shard-{k}.json");
        let run = Runner::new(&sim)
            .in_dir(&whole)
            .args(&["--shard", &shard, "--report-json", &report])
            .run()
            .await;
        let names: Vec<String> = verdicts(&run.json(&report))
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert!(
            !names.is_empty(),
            "shard {shard} ran nothing: {}",
            run.stderr
        );
        assert!(run.stderr.contains(&format!("shard {shard}: running")));
        ran.extend(names);
    }
    // Every suite ran exactly once across the four machines.
    ran.sort();
    let mut all: Vec<String> = expected.iter().map(|(n, _)| n.clone()).collect();
    all.sort();
    assert_eq!(ran, all);

    let merged = Runner::new(&sim)
        .in_dir(&whole)
        .args_only(&[
            "merge",
            "shard-3.json",
            "shard-1.json",
            "shard-4.json",
            "shard-2.json",
            "--report-json",
            "merged.json",
            "--junit",
            "merged.xml",
        ])
        .run()
        .await;
    merged.assert_code(1);
    let report = merged.json("merged.json");
    // Same verdicts, suite by suite, in the file's order, and the same exit code.
    assert_eq!(verdicts(&report), expected);
    assert_eq!(report["exit_code"], whole.json("whole.json")["exit_code"]);
    assert_eq!(report["verdict"], "failed");
    assert!(merged.text("merged.xml").contains("strict-g"));

    // A report passed twice is refused, not double-counted.
    let twice = Runner::new(&sim)
        .in_dir(&whole)
        .args_only(&["merge", "shard-1.json", "shard-1.json"])
        .run()
        .await;
    twice.assert_code(2);
    assert!(
        twice
            .stderr
            .contains("shard-1.json is given more than once; pass each shard's report once"),
        "{}",
        twice.stderr
    );
    assert!(!twice.stderr.contains("is in both"), "{}", twice.stderr);

    // A shard whose report never arrived cannot make the merged run pass.
    let missing = Runner::new(&sim)
        .in_dir(&whole)
        .args_only(&["merge", "--shards", "4", "shard-1.json", "shard-2.json"])
        .run()
        .await;
    missing.assert_code(3);
    assert!(missing.stderr.contains("is missing"), "{}", missing.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_shard_exits_0_with_a_note_and_bad_shards_are_usage_errors() {
    let sim = start_sim(WORKSPACE).await;
    let file = suite("tags: [smoke]");
    let empty = Runner::new(&sim)
        .suite(&file)
        .args(&["--shard", "3/3", "--report-json", "empty.json"])
        .run()
        .await;
    empty.assert_code(0);
    assert!(
        empty.stderr.contains("no suite falls to this shard"),
        "{}",
        empty.stderr
    );
    assert_eq!(empty.json("empty.json")["suites"], Value::Array(Vec::new()));
    assert!(posts(&sim.requests()).is_empty());

    for bad in ["0/4", "5/4", "two/4"] {
        let run = Runner::new(&sim)
            .suite(&file)
            .args(&["--shard", bad])
            .run()
            .await;
        run.assert_code(2);
        assert!(run.stderr.contains("shard"), "{bad}: {}", run.stderr);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rerun_failed_runs_only_the_failing_cases_with_their_overrides() {
    let sim = start_sim(WORKSPACE).await;
    let file = suites(
        r#"  ok:
    tags: [smoke]
  listed:
    test_cases:
      - id: case-pass
        scenario_facts: { plan: basic }
      - id: case-fail
        scenario_facts: { plan: premium }
        persona: { name: Impatient caller }
  tagged:
    tags: [failing]
"#,
    );
    let first = Runner::new(&sim)
        .suite(&file)
        .args(&["--report-json", "first.json", "--quiet"])
        .run()
        .await;
    first.assert_code(1);
    let posts_before = posts(&sim.requests()).len();
    assert_eq!(posts_before, 3);

    let again = Runner::new(&sim)
        .in_dir(&first)
        .args(&[
            "--rerun-failed",
            "first.json",
            "--report-json",
            "again.json",
        ])
        .run()
        .await;
    again.assert_code(1);
    let requests = sim.requests();
    let new_posts: Vec<_> = posts(&requests).into_iter().skip(posts_before).collect();
    // `ok` passed and is not run again; the two failing suites run only `case-fail`.
    assert_eq!(new_posts.len(), 2, "{}", again.stderr);
    assert_eq!(
        new_posts[0].body["testConfigurations"],
        serde_json::json!([{
            "testCaseId": "case-fail",
            "overrides": {
                "scenarioFacts": { "plan": "premium" },
                "persona": { "name": "Impatient caller" }
            }
        }])
    );
    assert_eq!(
        new_posts[1].body["testConfigurations"],
        serde_json::json!([{ "testCaseId": "case-fail" }])
    );
    let report = again.json("again.json");
    assert_eq!(
        verdicts(&report),
        vec![
            ("ok".to_owned(), "passed".to_owned()),
            ("listed".to_owned(), "failed".to_owned()),
            ("tagged".to_owned(), "failed".to_owned()),
        ]
    );
    assert!(
        report["suites"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("not re-run: passed in first.json")
    );
    assert_eq!(report["suites"][1]["counts"]["total"], 1);
    assert!(again.stderr.contains("re-running 1 test case(s)"));

    // Once everything passed, a re-run places nothing and passes.
    let passing = Runner::new(&sim)
        .in_dir(&first)
        .args(&["--suite", "ok", "--rerun-failed", "first.json"])
        .run()
        .await;
    passing.assert_code(0);
    assert!(
        passing.stderr.contains("nothing to re-run"),
        "{}",
        passing.stderr
    );
    assert_eq!(posts(&sim.requests()).len(), posts_before + 2);

    // A suite that failed on a run-level threshold (every call passed) runs again whole,
    // and a state file does not re-attach it to the run that failed.
    let metric = Runner::new(&sim)
        .suite(&suite(
            "tags: [smoke]\n    thresholds: { metrics: { latencyP90: { max: 0.5 } } }",
        ))
        .args(&[
            "--state",
            "state.json",
            "--report-json",
            "metric.json",
            "--quiet",
        ])
        .run()
        .await;
    metric.assert_code(1);
    let before = posts(&sim.requests()).len();
    let whole = Runner::new(&sim)
        .in_dir(&metric)
        .args(&["--state", "state.json", "--rerun-failed", "metric.json"])
        .run()
        .await;
    whole.assert_code(1);
    assert!(
        whole.stderr.contains("re-running the whole suite"),
        "{}",
        whole.stderr
    );
    assert_eq!(posts(&sim.requests()).len(), before + 1, "{}", whole.stderr);

    // A report that is not one is a usage error.
    let missing = Runner::new(&sim)
        .in_dir(&first)
        .args(&["--rerun-failed", "missing.json"])
        .run()
        .await;
    missing.assert_code(2);
}
