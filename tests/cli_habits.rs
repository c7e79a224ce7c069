//! The command line's habits that a transcript (`tests/cmd/`) cannot show, because they need
//! a live simulator that outlives one command, a signal, a process killed midway, or a
//! terminal.

mod engine;

use engine::*;
use hamming_runner::sim::SimHandle;

/// Runs suite `s` (`body`) with `args`, and sends `signal` once its run is created.
#[cfg(unix)]
async fn signalled_once_created(
    sim: &SimHandle,
    body: &str,
    args: &[&str],
    signal: &str,
) -> Finished {
    let child = Runner::new(sim)
        .suite(&suite(body))
        .args(args)
        .spawn()
        .wait_for_stderr("created run")
        .await;
    child.signal(signal);
    child.finish().await
}

/// Waits, with `wait`, until run `id` has ended on the server.
async fn until_ended(sim: &SimHandle, dir: &Finished, id: &str) {
    Runner::new(sim)
        .in_dir(dir)
        .args_only(&["wait", id, "--poll-interval", "100ms"])
        .run()
        .await
        .assert_code(0);
}

/// A run of `tags: [smoke]` created with `create`, and waited for until it ended: the
/// directory (with `suite.yaml`) and the run id.
async fn an_ended_run(sim: &SimHandle) -> (Finished, String) {
    let created = Runner::new(sim)
        .suite(&suite("tags: [smoke]"))
        .args_only(&["create", "suite.yaml"])
        .run()
        .await;
    created.assert_code(0);
    let id = created.stdout.trim().to_owned();
    until_ended(sim, &created, &id).await;
    (created, id)
}

/// Ctrl-C stops the runner, not the run: Hamming has no cancel, so the runner says that the
/// run goes on and is billed, and where to find it.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_run_says_its_calls_go_on_and_are_billed_with_its_link() {
    let sim = start_sim(WORKSPACE).await;
    let args = ["--report-json", "report.json"];
    let run = signalled_once_created(&sim, "tags: [hang]\n    timeout: 10m", &args, "INT").await;
    run.assert_code(130);
    let report = run.json("report.json");
    let suite = &report["suites"][0];
    let run_id = suite["run_id"].as_str().expect("a run id");
    let url = suite["results_url"].as_str().expect("a results link");
    assert!(
        run.stderr.contains(
            "runs already created go on on Hamming, where their calls are still placed (and billed)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "run {run_id} goes on on Hamming, where its calls are still placed (and billed): {url}"
        )),
        "{}",
        run.stderr
    );
    // The summary and the reports say it too, beside the run's link.
    assert!(
        run.stdout
            .contains(&format!("run {run_id} goes on on Hamming")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(url), "{}", run.stdout);
}

/// `wait` on a run that has ended looks at once. The timeout (1 s) is shorter than the wait
/// before the first look after a create (2 s): had it waited, it would time out (exit 4).
#[tokio::test(flavor = "multi_thread")]
async fn wait_on_a_run_that_ended_looks_at_once() {
    let sim = start_sim(WORKSPACE).await;
    let (created, id) = an_ended_run(&sim).await;
    let again = Runner::new(&sim)
        .in_dir(&created)
        .args_only(&["wait", &id, "--timeout", "1s", "--poll-interval", "10m"])
        .run()
        .await;
    again.assert_code(0);
    assert!(
        again.stderr.contains(&format!("run {id} completed")),
        "{}",
        again.stderr
    );
}

/// Re-attaching to a recorded run that ended while no runner watched it looks at once too.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn re_attaching_to_a_run_that_ended_unwatched_looks_at_once() {
    let sim = start_sim(WORKSPACE).await;
    let args = ["--state", "state.json"];
    let killed = signalled_once_created(&sim, "tags: [smoke]", &args, "KILL").await;
    assert_eq!(killed.code, None, "not killed: {}", killed.stderr);
    let id = killed.json("state.json")["runs"]["s"]["run_id"]
        .as_str()
        .expect("the run is recorded")
        .to_owned();
    // The run ends on the server while nothing follows it.
    until_ended(&sim, &killed, &id).await;
    let rerun = Runner::new(&sim)
        .in_dir(&killed)
        .args(&[
            "--state",
            "state.json",
            "--timeout",
            "1s",
            "--poll-interval",
            "10m",
            "--report-json",
            "report.json",
        ])
        .run()
        .await;
    assert!(
        rerun.stderr.contains(&format!("re-attaching to run {id}")),
        "{}",
        rerun.stderr
    );
    rerun.assert_code(0);
    assert_eq!(
        rerun.json("report.json")["suites"][0]["run_id"],
        id.as_str()
    );
}

/// `check RUN_ID --suite-file F` links to the API it was given (here the simulator), by the
/// same rule as `run`, never to Hamming's production app.
#[tokio::test(flavor = "multi_thread")]
async fn check_of_a_run_id_links_to_the_api_it_reads() {
    let sim = start_sim(WORKSPACE).await;
    let (created, id) = an_ended_run(&sim).await;
    let checked = Runner::new(&sim)
        .in_dir(&created)
        .args_only(&[
            "check",
            &id,
            "--suite-file",
            "suite.yaml",
            "--report-json",
            "report.json",
        ])
        .run()
        .await;
    checked.assert_code(0);
    let link = checked.json("report.json")["suites"][0]["results_url"]
        .as_str()
        .expect("a results link")
        .to_owned();
    let host = sim.base_url().trim_end_matches("/api/rest").to_owned();
    assert_eq!(link, format!("{host}/test-runs/{id}"));
    assert!(
        !checked.stdout.contains("app.hamming.ai"),
        "{}",
        checked.stdout
    );
}

/// `--report-json -` puts the report alone on stdout, where a pipe can parse it; the summary
/// goes to stderr.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_on_stdout_is_all_that_is_on_stdout() {
    let sim = start_sim(WORKSPACE).await;
    let run = Runner::new(&sim)
        .suite(&suite("tags: [failing]"))
        .args(&["--report-json", "-"])
        .run()
        .await;
    run.assert_code(1);
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("stdout is the JSON report");
    assert_eq!(report["verdict"], "failed");
    assert!(
        run.stderr.contains("suite s: GATE FAILED"),
        "{}",
        run.stderr
    );
    // And no file named `-`.
    assert!(!run.path("-").exists());
}

/// In a terminal, the progress display leaves nothing behind: each suite's spinner is
/// cleared and replaced by one line saying how its run ended (with the calls finished), and
/// the summary starts on a line of its own. Runs under `script`, which gives the runner a
/// pseudo-terminal, and reads the screen back through a terminal emulator.
#[cfg(target_os = "linux")]
#[test]
fn the_progress_display_is_cleared_before_the_summary() {
    let Ok(script) = which("script") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "`script` (util-linux) is needed in CI to give the runner a terminal"
        );
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let command = format!(
        "stty cols 120 rows 200; {} run hamming.example.yaml --simulate --color never",
        env!("CARGO_BIN_EXE_hamming-runner")
    );
    let output = std::process::Command::new(script)
        .args(["-qec", &command, "/dev/null"])
        .current_dir(root)
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("NO_COLOR")
        .env_remove("HAMMING_AGENT_ID")
        .env_remove("HAMMING_PHONE_NUMBER")
        .output()
        .expect("script runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let size = |n: u16| std::num::NonZeroU16::new(n).expect("not zero");
    let mut screen = vt100::Parser::new(size(200), size(120), 0);
    screen.process(&output.stdout);
    // Row by row, as the terminal shows them (`contents` would join wrapped rows).
    let rows: Vec<String> = screen.screen().rows(0, 120).collect();
    let text = rows.join("\n");
    let lines: Vec<&str> = rows.iter().map(|r| r.trim_end()).collect();
    let position = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starts with {prefix:?}:\n{text}"))
    };
    // One line per suite's end, with the calls finished, and no spinner left anywhere.
    position("smoke: COMPLETED after ");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("billing: COMPLETED after ")
                && l.ends_with("6 of 6 calls finished")),
        "{text}"
    );
    assert!(
        !text.contains("(timeout "),
        "a spinner was left on screen:\n{text}"
    );
    // The summary starts on its own line, after every progress line.
    let summary = position("suite smoke: PASSED");
    assert!(summary > position("billing: COMPLETED after "), "{text}");
}

#[cfg(target_os = "linux")]
fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .ok_or(())
}

/// `GET /agents` is known only from third-party clients: a server without it does not stop
/// a run, and the agent id goes to the server as written, with a note.
#[tokio::test(flavor = "multi_thread")]
async fn without_an_agent_list_the_agent_is_sent_as_written() {
    let sim =
        start_sim_with_faults("  - { method: GET, path: \"agents\", fault: \"status=404\" }\n")
            .await;
    let run = Runner::new(&sim).suite(&suite("tags: [smoke]")).run().await;
    run.assert_code(0);
    assert!(
        run.stderr.contains(
            "the agent list could not be read; agent `agent-1` is sent as written and the server checks it"
        ),
        "{}",
        run.stderr
    );
}
