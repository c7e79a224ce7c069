//! The fault matrix: the real binary against a simulator that misbehaves in every way the
//! runner must survive. Each drill ends with the right exit code, a complete JSON report and
//! no hang. Time is compressed twice: the simulator runs 1200x faster than real time, and the
//! runner's retry waits and budgets are scaled by `--retry-scale` with a short
//! `--request-timeout`, so no test sits through real backoff.
//!
//! The soak test at the end is `#[ignore]`d; run it with
//! `SOAK_SUITES=40 cargo test --test faults -- --ignored soak` (200 suites by default).

mod engine;

use std::time::{Duration, Instant, SystemTime};

use engine::*;
use hamming_runner::sim::SimHandle;
use serde_json::Value;

/// Flags every drill runs with: a short request timeout and retries scaled 100x down (a read
/// gives up after about 1.2 s of trying instead of two minutes).
const FAST: &[&str] = &[
    "--request-timeout",
    "300ms",
    "--retry-scale",
    "0.01",
    "--report-json",
    "report.json",
];

/// The read endpoints as fault-rule paths.
const READS: &[&str] = &[
    "test-runs/*/status",
    "test-runs/*/results",
    "test-tags",
    "test-cases",
];

/// One drill: a simulator with these fault rules, one suite, the runner with `FAST` flags.
async fn drill(faults: &str, body: &str, extra: &[&str]) -> (Finished, SimHandle) {
    let sim = start_sim(&format!("faults:\n{faults}{WORKSPACE}")).await;
    let mut args: Vec<&str> = FAST.to_vec();
    args.extend_from_slice(extra);
    let run = Runner::new(&sim)
        .suite(&suite(body))
        .args(&args)
        .run()
        .await;
    (run, sim)
}

/// Checks the exit code and that `report.json` is complete: parsed, one suite with the
/// expected verdict, and the same exit code. Returns the report, or what was wrong.
fn check(run: &Finished, code: i32, verdict: &str) -> Result<Value, String> {
    expect_report(run, "report.json", code, verdict)
}

fn faulted(sim: &SimHandle, path_end: &str, status: u16) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path.ends_with(path_end) && r.status == Some(status))
        .count()
}

/// `test-runs/*/status` → `/status`, `test-tags` → `/test-tags`.
fn path_end(rule_path: &str) -> String {
    format!("/{}", rule_path.rsplit('/').next().unwrap_or(rule_path))
}

#[tokio::test(flavor = "multi_thread")]
async fn transient_5xx_and_429_on_every_read_endpoint_are_retried_to_a_pass() {
    let mut drills: Vec<(String, Drill)> = Vec::new();
    for path in READS {
        for status in [500u16, 502, 503, 504, 429] {
            for body in ["json", "html"] {
                let name = format!("{path} {status} {body} x2");
                drills.push((name, Box::pin(async move {
                    let rule =
                        format!("  - {{ path: \"{path}\", fault: \"status={status};body={body}\", count: 2 }}\n");
                    let (run, sim) = drill(&rule, "tags: [smoke]", &[]).await;
                    check(&run, 0, "passed")?;
                    let seen = faulted(&sim, &path_end(path), status);
                    (seen == 2)
                        .then_some(())
                        .ok_or(format!("{seen} faulted requests, expected 2"))
                })));
            }
        }
    }
    all(drills).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn persistent_5xx_and_429_on_every_read_endpoint_give_up_with_exit_3() {
    let mut drills: Vec<(String, Drill)> = Vec::new();
    for path in READS {
        for status in [500u16, 502, 503, 504, 429] {
            for body in ["json", "html"] {
                let name = format!("{path} {status} {body} forever");
                drills.push((
                    name,
                    Box::pin(async move {
                        let rule = format!(
                            "  - {{ path: \"{path}\", fault: \"status={status};body={body}\" }}\n"
                        );
                        let started = Instant::now();
                        let (run, sim) = drill(&rule, "tags: [smoke]", &[]).await;
                        let elapsed = started.elapsed();
                        check(&run, 3, "error")?;
                        let all_output = format!("{}{}", run.stdout, run.stderr);
                        if !all_output.contains("gave up after") {
                            return Err(format!("no `gave up after` in\n{all_output}"));
                        }
                        if status == 429 {
                            if !all_output.contains("rate limited (HTTP 429)") {
                                return Err(format!(
                                    "the rate limit is not named in\n{all_output}"
                                ));
                            }
                        } else if body == "html" && !all_output.contains("HTML error page") {
                            return Err(format!("the HTML page is not named in\n{all_output}"));
                        }
                        // Ten attempts at most per read, and a bounded time.
                        let seen = faulted(&sim, &path_end(path), status);
                        if !(2..=10).contains(&seen) {
                            return Err(format!("{seen} faulted requests"));
                        }
                        if elapsed > Duration::from_secs(15) {
                            return Err(format!("took {elapsed:?}"));
                        }
                        Ok(())
                    }),
                ));
            }
        }
    }
    all(drills).await;
}

fn arrival(ts: &str) -> SystemTime {
    humantime::parse_rfc3339(ts).expect("rfc3339 timestamp")
}

/// The wait between the first 429 on `path_end` and the next request to it.
fn wait_after_429(sim: &SimHandle, path_end: &str) -> Duration {
    let requests: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with(path_end))
        .collect();
    let at = requests
        .iter()
        .position(|r| r.status == Some(429))
        .expect("a 429");
    let next = requests.get(at + 1).expect("a retry after the 429");
    arrival(&next.ts)
        .duration_since(arrival(&requests[at].ts))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_are_retried_honouring_retry_after_in_both_forms() {
    let rule = |fault: &str, count: &str| {
        format!("  - {{ path: \"test-runs/*/status\", fault: \"{fault}\"{count} }}\n")
    };
    // Without Retry-After the first backoff step is 2.5–5 ms at this scale; with one, the
    // wait is what the server asked for, capped at the (scaled) 300 ms longest wait.
    for (fault, honoured) in [
        ("status=429", false),
        ("retry-after=1", true),
        ("retry-after-date=3", true),
    ] {
        let (run, sim) = drill(&rule(fault, ", count: 1"), "tags: [smoke]", &[]).await;
        check(&run, 0, "passed").unwrap();
        let wait = wait_after_429(&sim, "/status");
        if honoured {
            assert!(
                wait >= Duration::from_millis(250),
                "{fault}: waited {wait:?}"
            );
        } else {
            assert!(
                wait < Duration::from_millis(200),
                "{fault}: waited {wait:?}"
            );
        }
    }
    let (run, _sim) = drill(&rule("retry-after=0", ""), "tags: [smoke]", &[]).await;
    check(&run, 3, "error").unwrap();
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("rate limited (HTTP 429)"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_bodies_are_retried_and_persistent_ones_give_up() {
    let mut drills: Vec<(String, Drill)> = Vec::new();
    for path in READS {
        for fault in ["reset", "truncated-json", "malformed-json"] {
            drills.push((
                format!("{path} {fault} x2"),
                Box::pin(async move {
                    let rule =
                        format!("  - {{ path: \"{path}\", fault: \"{fault}\", count: 2 }}\n");
                    let (run, _sim) = drill(&rule, "tags: [smoke]", &[]).await;
                    check(&run, 0, "passed").map(|_| ())
                }),
            ));
            drills.push((
                format!("{path} {fault} forever"),
                Box::pin(async move {
                    let rule = format!("  - {{ path: \"{path}\", fault: \"{fault}\" }}\n");
                    let (run, _sim) = drill(&rule, "tags: [smoke]", &[]).await;
                    check(&run, 3, "error")?;
                    let output = format!("{}{}", run.stdout, run.stderr);
                    let expected = if fault == "reset" {
                        "connection broke"
                    } else {
                        "not the JSON expected"
                    };
                    output
                        .contains(expected)
                        .then_some(())
                        .ok_or(format!("no `{expected}` in\n{output}"))
                }),
            ));
        }
    }
    all(drills).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_never_answers_trips_the_request_timeout() {
    // Once: the 300 ms request timeout fires and the read is retried.
    for path in ["test-runs/*/status", "test-runs/*/results", "test-cases"] {
        let started = Instant::now();
        let rule = format!("  - {{ path: \"{path}\", fault: \"no-response\", count: 1 }}\n");
        let (run, _sim) = drill(&rule, "tags: [smoke]", &[]).await;
        check(&run, 0, "passed").unwrap();
        assert!(started.elapsed() < Duration::from_secs(10), "{path}");
    }
    // Always: every attempt times out, and the runner gives up within its read budget.
    let started = Instant::now();
    let rule = "  - { path: \"test-runs/*/status\", fault: \"no-response\" }\n";
    let (run, _sim) = drill(rule, "tags: [smoke]", &[]).await;
    check(&run, 3, "error").unwrap();
    // The configured 300 ms fired, not the 30 s default.
    assert!(run.stdout.contains("within 0.3s"), "{}", run.stdout);
    assert!(started.elapsed() < Duration::from_secs(15));
    // A create that is never answered may have placed calls: it is not resent.
    let rule =
        "  - { method: POST, path: \"test-runs/test-inbound-agent\", fault: \"no-response\" }\n";
    let (run, sim) = drill(rule, "tags: [smoke]", &[]).await;
    check(&run, 3, "error").unwrap();
    assert_eq!(posts(&sim.requests()).len(), 1);
    assert!(run.stderr.contains("not resent"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn lenient_parsing_tolerates_missing_and_unknown_fields() {
    for fault in ["sparse-json", "extra-fields"] {
        let rule = format!("  - {{ method: GET, path: \"**\", fault: \"{fault}\" }}\n");
        let (run, sim) = drill(&rule, "tags: [smoke]", &[]).await;
        let report = check(&run, 0, "passed").unwrap();
        assert_eq!(report["suites"][0]["counts"]["passed"], 1, "{fault}");
        assert!(sim.requests().iter().all(|r| r.status == Some(200)));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_status_is_not_terminal_and_is_bounded_by_the_deadline() {
    // For a while: the runner keeps polling through it and the run passes.
    let rule = "  - { path: \"test-runs/*/status\", fault: \"status-value=PAUSED\", count: 3 }\n";
    let (run, _sim) = drill(rule, "tags: [smoke]", &[]).await;
    check(&run, 0, "passed").unwrap();
    // For ever: the suite's deadline ends it with partial results.
    let rule = "  - { path: \"test-runs/*/status\", fault: \"status-value=PAUSED\" }\n";
    let (run, _sim) = drill(rule, "tags: [smoke]\n    timeout: 1s", &[]).await;
    let report = check(&run, 4, "timed_out").unwrap();
    assert_eq!(report["suites"][0]["counts"]["total"], 1, "{report:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn run_outcomes_map_to_exit_codes_with_a_complete_report() {
    let workspace = |outcome: &str| {
        WORKSPACE.replace(
            "  - id: agent-1\n",
            &format!("  - id: agent-1\n    run_outcome: {outcome}\n"),
        )
    };
    // Stuck in RUNNING for ever: the deadline ends it, partial results are judged.
    let sim = start_sim(&workspace("never_finishes")).await;
    let run = Runner::new(&sim)
        .suite(&suite("tags: [smoke]\n    timeout: 1s"))
        .args(FAST)
        .run()
        .await;
    let report = check(&run, 4, "timed_out").unwrap();
    assert_eq!(report["suites"][0]["counts"]["passed"], 1, "{report:#}");
    for (outcome, status) in [("failed", "FAILED"), ("canceled", "CANCELED")] {
        let sim = start_sim(&workspace(outcome)).await;
        let run = Runner::new(&sim)
            .suite(&suite("tags: [smoke]"))
            .args(FAST)
            .run()
            .await;
        let report = check(&run, 3, "error").unwrap();
        assert!(report.to_string().contains(status), "{outcome}: {report:#}");
    }
}

fn port_of(sim: &SimHandle) -> u16 {
    let url = url::Url::parse(&sim.base_url()).expect("base url");
    url.port().expect("port")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restarted_server_that_lost_the_run_ends_in_exit_3_naming_the_run() {
    let sim = start_sim(WORKSPACE).await;
    let port = port_of(&sim);
    // A wider retry budget (about 6 s) so the reads outlast the restart.
    let child = Runner::new(&sim)
        .suite(&suite("tags: [hang]"))
        .args(&[
            "--retry-scale",
            "0.05",
            "--request-timeout",
            "300ms",
            "--report-dir",
            "reports",
        ])
        .spawn();
    let child = child.wait_for_stderr("created run").await;
    sim.shutdown().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let restarted = start_sim_on(WORKSPACE, port).await;
    let run = child.finish().await;
    run.assert_code(3);
    let report = run.json("reports/report.json");
    let run_id = report["suites"][0]["run_id"]
        .as_str()
        .expect("run id in the report")
        .to_owned();
    let output = format!("{}{}", run.stdout, run.stderr);
    assert!(
        output.contains(&format!("run {run_id} is unknown to the server")),
        "{output}"
    );
    assert!(output.contains("--fresh"), "{output}");
    // The restarted server was asked, and said 404; nothing was created on it.
    let requests = restarted.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.path.ends_with("/status") && r.status == Some(404)),
        "{requests:#?}"
    );
    assert!(posts(&requests).is_empty());
    // The state file still names the run, so a re-run says the same and places no calls.
    let again = Runner::new(&restarted)
        .in_dir(&run)
        .args(&["--retry-scale", "0.01", "--report-dir", "reports"])
        .run()
        .await;
    again.assert_code(3);
    assert!(again.stderr.contains("re-attaching"), "{}", again.stderr);
    assert!(posts(&restarted.requests()).is_empty());
    run.assert_no_key();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_stays_down_exhausts_the_read_budget_with_exit_3() {
    let sim = start_sim(WORKSPACE).await;
    let child = Runner::new(&sim)
        .suite(&suite("tags: [hang]"))
        .args(FAST)
        .spawn();
    let child = child.wait_for_stderr("created run").await;
    let started = Instant::now();
    sim.shutdown().await;
    let run = child.finish().await;
    let report = check(&run, 3, "error").unwrap();
    assert!(
        report.to_string().contains("could not read the status"),
        "{report:#}"
    );
    assert!(started.elapsed() < Duration::from_secs(15));
}

/// The highest resident set size (VmHWM, KiB) of a process, sampled until it exits.
async fn peak_rss_kib(pid: u32) -> u64 {
    let path = format!("/proc/{pid}/status");
    let mut peak = 0;
    while let Ok(text) = tokio::fs::read_to_string(&path).await {
        let hwm = text
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
        match hwm {
            Some(kib) => peak = peak.max(kib),
            // A zombie has no memory lines left: the last sample stands.
            None => break,
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    peak
}

/// Many suites at once under random read faults: every suite gets a verdict, no create is
/// sent twice, the requests stay within the retry budget and the runner's memory stays
/// bounded. `SOAK_SUITES` sets the number of suites (200 by default; CI runs 40).
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
#[ignore = "soak test: run with `cargo test --test faults -- --ignored soak`"]
async fn soak() {
    let suites: usize = std::env::var("SOAK_SUITES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    // Five kinds of read fault, each drawn with probability 0.02: about 10% of reads fail.
    let mut faults = String::from("faults:\n");
    for fault in [
        "status=503",
        "status=502;body=html",
        "retry-after=0",
        "reset",
        "truncated-json",
    ] {
        faults.push_str(&format!(
            "  - {{ method: GET, path: \"**\", fault: \"{fault}\", probability: 0.02 }}\n"
        ));
    }
    let sim = start_sim(&format!("{faults}{WORKSPACE}")).await;
    let mut file = String::from(
        "version: 1\ndefaults:\n  agent_id: agent-1\n  phone_numbers: [\"+14155550100\"]\n  timeout: 60s\n  poll_interval: 100ms\nsuites:\n",
    );
    for i in 0..suites {
        file.push_str(&format!("  s{i}: {{ tags: [smoke] }}\n"));
    }
    let started = Instant::now();
    let child = Runner::new(&sim)
        .suite(&file)
        .args(&[
            "--jobs",
            "20",
            "--quiet",
            "--request-timeout",
            "5s",
            "--retry-scale",
            "0.05",
            "--report-json",
            "report.json",
        ])
        .spawn();
    let pid = child.pid().expect("pid");
    let rss = tokio::spawn(peak_rss_kib(pid));
    let run = child.finish().await;
    let wall = started.elapsed();
    let peak_kib = rss.await.expect("rss sampler");

    run.assert_code(0);
    let report = run.json("report.json");
    let verdicts = report["suites"].as_array().expect("suites");
    assert_eq!(verdicts.len(), suites);
    assert!(verdicts.iter().all(|s| s["verdict"] == "passed"));
    run.assert_no_key();

    let requests = sim.requests();
    let posts = posts(&requests).len();
    let gets: Vec<_> = requests.iter().filter(|r| r.method == "GET").collect();
    let failed = gets.iter().filter(|r| r.status != Some(200)).count();
    // No paid call placed twice: exactly one create per suite, none of them faulted.
    assert_eq!(posts, suites);
    // Each suite needs three catalog reads (its agent, tags, test cases), a few status polls
    // (its run takes about 0.1 s at this speed, polled every 100 ms: allow 3) and one
    // results read: at most 7 reads. Each read fails with probability about 0.1, so it takes
    // 1/0.9 ≈ 1.11 attempts on average; the budget allows 1.5 (10.5, so 11), plus the one
    // create.
    let budget = suites * (1 + 11);
    let total = requests.len();
    eprintln!(
        "soak: {suites} suites in {wall:?}; {total} requests ({posts} creates, {} reads, {failed} faulted); budget {budget}; peak RSS {} KiB",
        gets.len(),
        peak_kib
    );
    assert!(total <= budget, "{total} requests, budget {budget}");
    // Nominally 9.6% (five rules of 2%, first match wins); the seeded draws give 3–7%.
    assert!(
        (failed as f64) > gets.len() as f64 * 0.01 && (failed as f64) < gets.len() as f64 * 0.2,
        "{failed} of {} reads faulted",
        gets.len()
    );
    assert!(
        peak_kib > 0 && peak_kib < 128 * 1024,
        "peak RSS {peak_kib} KiB"
    );
}
