//! The create places paid calls and has no idempotency key: these drills prove it is never
//! sent twice, and that a run that may exist is never forgotten. Each runs the real binary
//! against a simulator that misbehaves exactly so, counts the creates the server received
//! (and the runs it holds), checks the exit code and the JSON report, and searches every
//! output and file for the key.
//!
//! - a redirect on the create is never followed, to the same host, another one or in a loop;
//! - a 2xx create answer that names no run is "the run may exist";
//! - `kill -9` before, during and after the create, and while polling: a re-run creates
//!   once, stops, or re-attaches, and never places the calls twice;
//! - a state file is used by one run at a time, and one that cannot be written (or reports
//!   that cannot be) stop the run before anything is created;
//! - a closed or full stderr changes neither the reports nor the exit code;
//! - reads follow redirects only within the API's own address;
//! - SIGTERM bounds the wait for partial results, and a status unreadable for the whole
//!   timeout says so.

mod engine;

use std::time::{Duration, Instant};

use engine::*;
use hamming_runner::sim::SimHandle;

/// Flags every drill runs with: short request timeout, retries scaled 100x down, reports
/// and state in `reports/`.
const FAST: &[&str] = &[
    "--request-timeout",
    "300ms",
    "--retry-scale",
    "0.01",
    "--report-dir",
    "reports",
];

const CREATE: &str = "test-runs/test-inbound-agent";

/// A run of suite `s` (`tags: [smoke]`, or `body`) with `FAST` flags and `extra`.
async fn run_suite(sim: &SimHandle, body: &str, extra: &[&str]) -> Finished {
    let mut args = FAST.to_vec();
    args.extend_from_slice(extra);
    Runner::new(sim).suite(&suite(body)).args(&args).run().await
}

/// The same command again, in the same directory (suite file, reports, state).
async fn again(sim: &SimHandle, earlier: &Finished, extra: &[&str]) -> Finished {
    let mut args = FAST.to_vec();
    args.extend_from_slice(extra);
    Runner::new(sim).in_dir(earlier).args(&args).run().await
}

fn creates(sim: &SimHandle) -> usize {
    posts(&sim.requests()).len()
}

/// Suite `s` ended as "the run may exist": exit 3, the look-for-it advice, a pending entry
/// in the state file; and the same command again stops without sending a create.
async fn may_exist(sim: &SimHandle, run: &Finished, said: &str) -> Result<(), String> {
    let report = expect_report(run, "reports/report.json", 3, "error")?;
    let reason = report["suites"][0]["reason"].as_str().unwrap_or_default();
    for needle in [
        said,
        "may exist",
        "Look for a new run of agent agent-1",
        "--fresh",
    ] {
        ensure(reason.contains(needle), || {
            format!("no `{needle}` in the reason: {reason}")
        })?;
    }
    let state = run.text("reports/state.json");
    ensure(state.contains("\"pending\""), || {
        format!("no pending create in {state}")
    })?;
    let before = creates(sim);
    let rerun = again(sim, run, &[]).await;
    let report = expect_report(&rerun, "reports/report.json", 3, "error")?;
    let reason = report["suites"][0]["reason"].as_str().unwrap_or_default();
    ensure(
        reason.contains("an earlier attempt sent this suite's create"),
        || format!("the re-run did not stop on the pending create: {reason}"),
    )?;
    ensure(creates(sim) == before, || "the re-run sent a create".into())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirected_create_is_never_followed_and_the_run_may_exist() {
    let other = start_sim(WORKSPACE).await;
    let origin = other.base_url().replace("/api/rest", "");
    let mut drills: Vec<(String, Drill)> = Vec::new();
    for status in [301u16, 302, 303, 307, 308] {
        for (target, extra) in [
            ("to itself once", ", count: 1".to_owned()),
            ("in a loop", String::new()),
            ("to another host", String::new()),
        ] {
            let location = if target == "to another host" {
                format!(";location-origin={origin}")
            } else {
                String::new()
            };
            let rule = format!(
                "  - {{ method: POST, path: \"{CREATE}\", fault: \"redirect={status}{location}\"{extra} }}\n"
            );
            drills.push((
                format!("{status} {target}"),
                Box::pin(async move {
                    let sim = start_sim_with_faults(&rule).await;
                    let run = run_suite(&sim, "tags: [smoke]", &[]).await;
                    may_exist(&sim, &run, "redirect").await?;
                    // The one create the server saw is the redirected one: not re-sent, not
                    // turned into a GET.
                    let requests = sim.requests();
                    let to_create: Vec<_> = requests
                        .iter()
                        .filter(|r| r.path.ends_with(CREATE))
                        .collect();
                    ensure(
                        to_create.len() == 1 && to_create[0].status == Some(status),
                        || format!("requests to the create path: {to_create:#?}"),
                    )?;
                    ensure(sim.stored_runs() == 0, || "a run was created".into())
                }),
            ));
        }
    }
    all(drills).await;
    assert!(
        other.requests().is_empty(),
        "the other host was contacted: {:#?}",
        other.requests()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_answer_that_names_no_run_is_a_run_that_may_exist() {
    let mut drills: Vec<(String, Drill)> = Vec::new();
    for (fault, said) in [
        ("reply=empty", "the body is empty"),
        ("reply=no-content", "HTTP 204"),
        ("reply=null", "not an object"),
        ("reply=array", "JSON an array, not an object"),
        ("reply=html", "an HTML page"),
        ("reply=no-id", "no `testRunId`"),
        ("reply=blank-id", "`testRunId` is blank"),
        ("malformed-json", "not JSON"),
        ("run-id=../../other run", "not an id"),
    ] {
        drills.push((
            fault.to_owned(),
            Box::pin(async move {
                let rule =
                    format!("  - {{ method: POST, path: \"{CREATE}\", fault: \"{fault}\" }}\n");
                let sim = start_sim_with_faults(&rule).await;
                let run = run_suite(&sim, "tags: [smoke]", &[]).await;
                may_exist(&sim, &run, said).await?;
                // The server did create the run: its calls are being placed.
                ensure(creates(&sim) == 1 && sim.stored_runs() == 1, || {
                    format!("{} creates, {} runs", creates(&sim), sim.stored_runs())
                })?;
                // `--fresh` is the way to place the calls again.
                let fresh = again(&sim, &run, &["--fresh"]).await;
                ensure(creates(&sim) == 2, || {
                    format!("--fresh sent {} creates in all", creates(&sim))
                })?;
                expect_report(&fresh, "reports/report.json", 3, "error").map(|_| ())
            }),
        ));
    }
    all(drills).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_before_the_create_lets_the_rerun_create_once() {
    // The catalog read that precedes the create is held for 5 s; the runner dies in it.
    let sim =
        start_sim_with_faults("  - { path: \"test-tags\", fault: \"delay=5s\", count: 1 }\n").await;
    // The default request timeout (30 s), so the held read is not timed out and retried.
    let child = Runner::new(&sim)
        .suite(&suite("tags: [smoke]"))
        .args(&["--report-dir", "reports"])
        .spawn();
    tokio::time::sleep(Duration::from_millis(800)).await;
    child.signal("KILL");
    let killed = child.finish().await;
    assert_eq!(killed.code, None, "not killed: {}", killed.stderr);
    assert_eq!((creates(&sim), sim.stored_runs()), (0, 0));
    let rerun = again(&sim, &killed, &[]).await;
    expect_report(&rerun, "reports/report.json", 0, "passed").unwrap();
    assert_eq!((creates(&sim), sim.stored_runs()), (1, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_during_the_create_stops_the_rerun_until_fresh() {
    // The create takes effect, then its answer is held back; the runner dies waiting.
    let sim = start_sim_with_faults(&format!(
        "  - {{ method: POST, path: \"{CREATE}\", fault: \"phase=after;delay=30s\", count: 1 }}\n"
    ))
    .await;
    let child = Runner::new(&sim)
        .suite(&suite("tags: [smoke]"))
        .args(FAST)
        .spawn();
    until_runs(&sim, 1).await;
    child.signal("KILL");
    let killed = child.finish().await;
    assert_eq!(killed.code, None, "not killed: {}", killed.stderr);
    // The re-run finds the create recorded as sent, with no run: it stops, places nothing.
    let rerun = again(&sim, &killed, &[]).await;
    let report = expect_report(&rerun, "reports/report.json", 3, "error").unwrap();
    let reason = report["suites"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("an earlier attempt sent this suite's create request"),
        "{reason}"
    );
    assert!(reason.contains("--fresh"), "{reason}");
    assert_eq!(sim.stored_runs(), 1);
    assert!(
        posts(&sim.requests()).is_empty(),
        "the re-run sent a create"
    );
    // Once the user has looked, --fresh places the calls again, exactly once.
    let fresh = again(&sim, &killed, &["--fresh"]).await;
    expect_report(&fresh, "reports/report.json", 0, "passed").unwrap();
    assert_eq!(sim.stored_runs(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_after_the_create_or_mid_poll_reattaches_without_creating() {
    for wait_for in ["created run", "RUNNING after"] {
        let sim = start_sim(WORKSPACE).await;
        let child = Runner::new(&sim)
            .suite(&suite("tags: [hang]"))
            .args(FAST)
            .spawn()
            .wait_for_stderr(wait_for)
            .await;
        child.signal("KILL");
        let killed = child.finish().await;
        assert_eq!(killed.code, None, "{wait_for}: not killed");
        let rerun = again(&sim, &killed, &["--timeout", "2s"]).await;
        let report = expect_report(&rerun, "reports/report.json", 4, "timed_out").unwrap();
        assert!(
            rerun.stderr.contains("re-attaching to run"),
            "{}",
            rerun.stderr
        );
        assert!(report["suites"][0]["run_id"].is_string());
        assert_eq!((creates(&sim), sim.stored_runs()), (1, 1), "{wait_for}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_runner_on_the_same_state_file_is_refused() {
    let sim = start_sim(WORKSPACE).await;
    let file = suites("  s: { tags: [hang] }\n  t: { tags: [smoke] }\n");
    let first = Runner::new(&sim)
        .suite(&file)
        .args(&[FAST, &["--suite", "s", "--timeout", "3s"]].concat())
        .spawn()
        .wait_for_stderr("created run")
        .await;
    for other in ["s", "t"] {
        let second = Runner::new(&sim)
            .beside(&first)
            .args(&[FAST, &["--suite", other]].concat())
            .run()
            .await;
        second.assert_code(2);
        assert!(
            second
                .stderr
                .contains("is in use by another hamming-runner"),
            "{}",
            second.stderr
        );
        assert!(second.stderr.contains("--state"), "{}", second.stderr);
    }
    let first = first.finish().await;
    first.assert_code(4);
    assert_eq!(creates(&sim), 1, "only the first runner created");
    // Once the first is done, the lock is free again.
    let third = again(&sim, &first, &["--suite", "t"]).await;
    third.assert_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unwritable_state_or_report_is_refused_before_anything_is_created() {
    let sim = start_sim(WORKSPACE).await;
    // Paths no user can write, not even root: below a regular file, or onto a directory.
    for (args, said) in [
        (
            vec!["--state", "a-file/state.json"],
            "cannot write the state file",
        ),
        (vec!["--state", "a-dir"], "state file a-dir"),
        (vec!["--report-dir", "a-file"], "a-file"),
        (
            vec!["--junit", "a-dir", "--state", "state.json"],
            "it is a directory",
        ),
        (
            vec!["--report-json", "a-file/report.json"],
            "cannot write the JSON report",
        ),
    ] {
        let run = Runner::new(&sim)
            .suite(&suite("tags: [smoke]"))
            .file("a-file", "not a directory")
            .dir("a-dir")
            .args(&args)
            .run()
            .await;
        run.assert_code(2);
        assert!(run.stderr.contains(said), "{args:?}: {}", run.stderr);
        run.assert_no_key();
    }
    assert!(sim.requests().is_empty(), "{:#?}", sim.requests());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_or_full_stderr_changes_nothing() {
    let sim = start_sim(WORKSPACE).await;
    for (name, script) in [
        (
            "stderr on /dev/full",
            r#""$HR" run suite.yaml --report-dir reports -v 2>/dev/full; echo $? > code"#,
        ),
        (
            "stdout and stderr into a closed pipe",
            r#""$HR" run suite.yaml --report-dir reports -v 2>&1 | head -c 1 > /dev/null; echo "${PIPESTATUS[0]}" > code"#,
        ),
    ] {
        for github in [false, true] {
            let mut runner = Runner::new(&sim).suite(&suite("tags: [smoke]"));
            if github {
                runner = runner.github();
            }
            let run = runner.shell(script).await;
            let code = run.text("code");
            assert_eq!(
                code.trim(),
                "0",
                "{name} (github: {github}): {}",
                run.stderr
            );
            let report = run.json("reports/report.json");
            assert_eq!(report["verdict"], "passed", "{name}");
            assert!(run.path("reports/junit.xml").exists(), "{name}");
            assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
            if github {
                assert!(run.text("gh-summary").contains("passed"), "{name}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_follow_redirects_only_within_the_api_address() {
    // A foreign server with a completed, failing run: if its answer were believed, the
    // suite would be a false regression (exit 1).
    let foreign = start_sim(WORKSPACE).await;
    let foreign_run = Runner::new(&foreign)
        .suite(&suite("tags: [failing]"))
        .args(FAST)
        .run()
        .await;
    foreign_run.assert_code(1);
    let foreign_id = foreign_run.json("reports/report.json")["suites"][0]["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let foreign_seen = foreign.requests().len();
    let foreign_base = foreign.base_url();

    let mut drills: Vec<(String, Drill)> = Vec::new();
    let status = "test-runs/*/status";
    for (name, rule, code, said) in [
        (
            "status to a foreign host that says COMPLETED",
            format!(
                "{{ path: \"{status}\", fault: \"location={foreign_base}/test-runs/{foreign_id}/status\" }}"
            ),
            3,
            "outside the API's own scheme, host and port",
        ),
        (
            "results to a foreign host",
            format!(
                "{{ path: \"test-runs/*/results\", fault: \"redirect=302;location={foreign_base}/test-runs/{foreign_id}/results\" }}"
            ),
            3,
            "outside the API's own scheme, host and port",
        ),
        (
            "status to plain http on a remote host",
            format!(
                "{{ path: \"{status}\", fault: \"redirect=301;location=http://10.255.255.1/api/rest/x\" }}"
            ),
            3,
            "outside the API's own scheme, host and port",
        ),
        (
            "status redirected without end",
            format!("{{ path: \"{status}\", fault: \"redirect=307\" }}"),
            3,
            "more than 5 times",
        ),
        (
            "status to itself once (followed)",
            format!("{{ path: \"{status}\", fault: \"redirect=307\", count: 1 }}"),
            0,
            "",
        ),
        (
            "catalog to itself twice (followed)",
            "{ path: \"test-tags\", fault: \"redirect=308\", count: 2 }".to_owned(),
            0,
            "",
        ),
    ] {
        drills.push((
            name.to_owned(),
            Box::pin(async move {
                let sim = start_sim_with_faults(&format!("  - {rule}\n")).await;
                let started = Instant::now();
                let run = run_suite(&sim, "tags: [smoke]", &[]).await;
                let verdict = if code == 0 { "passed" } else { "error" };
                let report = expect_report(&run, "reports/report.json", code, verdict)?;
                let reason = report["suites"][0]["reason"].as_str().unwrap_or_default();
                ensure(reason.contains(said), || {
                    format!("no `{said}` in: {reason}")
                })?;
                ensure(creates(&sim) == 1, || format!("{} creates", creates(&sim)))?;
                // Refused redirects are not retried: the drill ends well within the read
                // budget, without waiting on the unreachable host.
                ensure(started.elapsed() < Duration::from_secs(20), || {
                    format!("took {:?}", started.elapsed())
                })
            }),
        ));
    }
    all(drills).await;
    assert_eq!(
        foreign.requests().len(),
        foreign_seen,
        "the runner talked to the foreign host"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_bounds_the_wait_for_partial_results() {
    // The results read never answers: after SIGTERM the runner gives it a few seconds, then
    // reports, well before CI's SIGKILL (10 s after SIGTERM on GitHub Actions).
    let sim =
        start_sim_with_faults("  - { path: \"test-runs/*/results\", fault: \"no-response\" }\n")
            .await;
    let child = Runner::new(&sim)
        .suite(&suite("tags: [hang]"))
        .args(&["--report-dir", "reports"])
        .spawn()
        .wait_for_stderr("RUNNING after")
        .await;
    let signalled = Instant::now();
    child.signal("TERM");
    let run = child.finish().await;
    let took = signalled.elapsed();
    expect_report(&run, "reports/report.json", 130, "interrupted").unwrap();
    assert!(
        run.stderr.contains("gave up fetching partial results"),
        "{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(9), "took {took:?} after SIGTERM");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_status_unreadable_for_the_whole_timeout_says_why() {
    let sim =
        start_sim_with_faults("  - { path: \"test-runs/*/status\", fault: \"status=503\" }\n")
            .await;
    let run = Runner::new(&sim)
        .suite(&suite("tags: [smoke]\n    timeout: 2s"))
        .args(&["--request-timeout", "300ms", "--report-dir", "reports"])
        .run()
        .await;
    let report = expect_report(&run, "reports/report.json", 3, "error").unwrap();
    let reason: &str = report["suites"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("could not be read at all within the suite's timeout of 2s"),
        "{reason}"
    );
    assert!(reason.contains("HTTP 503"), "{reason}");
}
