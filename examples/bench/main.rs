//! The performance figures of the README, measured the same way each time:
//!
//! ```sh
//! cargo build --release && cargo run --release --example bench -- [all|startup|load|simulate|jobs|memory|scale|calls]
//! cargo run --release --example bench -- compare CANDIDATE REFERENCE [--max-ratio 1.3]
//! ```
//!
//! It runs the release binary (`target/release/hamming-runner`, or `$HAMMING_RUNNER_BIN`) as a
//! child process and reads wall time, CPU time and peak RSS from the kernel's accounting of
//! children; `jobs`, `memory` and `calls` run the simulator in this process. `scale` and
//! `calls` measure cost against size as ratios within one run (5,000 against 20,000 suites;
//! 1,000 against 10,000 calls); `compare` measures two builds on the same work.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

mod compare;
mod measure;
mod scale;

use measure::{Cost, measure, report, rss_kib};

use hamming_runner::sim::{self, SimOptions, Workspace};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().cloned().unwrap_or_else(|| "all".into());
    if what == "compare" {
        return compare::compare(&args[1..]);
    }
    const KNOWN: &[&str] = &[
        "all", "startup", "load", "simulate", "jobs", "memory", "scale", "calls",
    ];
    anyhow::ensure!(
        KNOWN.contains(&what.as_str()),
        "unknown benchmark {what:?}: choose one of {} or compare",
        KNOWN.join(", ")
    );
    let bin = binary()?;
    println!(
        "binary: {} ({} bytes)",
        bin.display(),
        std::fs::metadata(&bin)?.len()
    );
    let all = what == "all";
    if all || what == "startup" {
        startup(&bin)?;
    }
    if all || what == "load" {
        load(&bin)?;
    }
    if all || what == "simulate" {
        simulate(&bin)?;
    }
    if all || what == "scale" {
        scale::load(&bin)?;
    }
    let runtime = tokio::runtime::Runtime::new()?;
    if all || what == "jobs" {
        runtime.block_on(jobs(&bin))?;
    }
    if all || what == "memory" {
        runtime.block_on(memory())?;
    }
    if all || what == "calls" {
        scale::calls(&bin)?;
    }
    Ok(())
}

fn binary() -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("HAMMING_RUNNER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/release/hamming-runner"));
    anyhow::ensure!(
        path.exists(),
        "{} is missing: run `cargo build --release` first",
        path.display()
    );
    Ok(path)
}

fn startup(bin: &Path) -> anyhow::Result<()> {
    report("startup (`--version`)", || {
        let mut c = Command::new(bin);
        c.arg("--version");
        c
    })?;
    Ok(())
}

/// A suite file of 1,000 suites and 10,000 explicit test configurations.
fn big_suite_file(dir: &Path) -> anyhow::Result<PathBuf> {
    let mut text = String::from(
        "version: 1\ndefaults:\n  agent_id: cmc1benchagent0000000000001\n  phone_numbers: [\"+14155550100\"]\n  thresholds: { min_test_pass_rate: 0.9 }\nsuites:\n",
    );
    for suite in 0..1000 {
        text.push_str(&format!(
            "  suite-{suite}:\n    samples: 2\n    test_cases:\n"
        ));
        for case in 0..10 {
            text.push_str(&format!(
                "      - id: c{suite:012}{case:012}\n        scenario_facts: {{ customer: \"Customer {case}\", plan: premium }}\n"
            ));
        }
    }
    let path = dir.join("big.yaml");
    std::fs::write(&path, text)?;
    Ok(path)
}

fn load(bin: &Path) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = big_suite_file(dir.path())?;
    let size = std::fs::metadata(&file)?.len();
    report(
        &format!(
            "validate 1,000 suites / 10,000 test cases ({} KiB)",
            size / 1024
        ),
        || {
            let mut c = Command::new(bin);
            c.arg("validate").arg(&file);
            c
        },
    )?;
    Ok(())
}

fn simulate(bin: &Path) -> anyhow::Result<()> {
    report(
        "run hamming.example.yaml --simulate (zero call time)",
        || {
            let mut c = Command::new(bin);
            c.args([
                "run",
                "hamming.example.yaml",
                "--simulate",
                "--simulate-speed",
                "1e9",
                "-q",
            ]);
            c
        },
    )?;
    Ok(())
}

/// 50 suites of one 2-second call each (simulator at real speed), one suite alone, all 50
/// with `--jobs 50`, and all 50 in turn.
async fn jobs(bin: &Path) -> anyhow::Result<()> {
    let workspace = Workspace::from_yaml(
        "queue_delay_seconds: 0\nagents: [{ id: agent-1 }]\ntags: [{ name: bench }]\ntest_cases:\n  - { id: case-1, title: Two seconds, tags: [bench], agent_ids: [agent-1], duration_seconds: 2 }\n",
        "bench workspace",
    )?;
    let sim = sim::start(
        workspace,
        SimOptions {
            speed: Some(1.0),
            ..SimOptions::default()
        },
    )
    .await?;
    let dir = tempfile::tempdir()?;
    let mut text = String::from(
        "version: 1\ndefaults:\n  agent_id: agent-1\n  phone_numbers: [\"+14155550100\"]\n  poll_interval: 100ms\n  tags: [bench]\nsuites:\n",
    );
    for suite in 0..50 {
        text.push_str(&format!("  s{suite}: {{}}\n"));
    }
    let file = dir.path().join("fifty.yaml");
    std::fs::write(&file, text)?;
    let base = sim.base_url();
    let run = |args: &[&str]| -> anyhow::Result<Cost> {
        let mut c = Command::new(bin);
        c.arg("run")
            .arg(&file)
            .args(args)
            .env("HAMMING_API_KEY", "sk-bench-00000000")
            .env("HAMMING_API_BASE_URL", &base)
            .env("CI", "true");
        measure(&mut c)
    };
    let before = sim.requests().len();
    let one = run(&["--suite", "s0"])?;
    let one_requests = sim.requests().len() - before;
    let fifty = run(&["--jobs", "50"])?;
    println!(
        "one suite: {:.2} s wall, {one_requests} requests; 50 suites with --jobs 50: {:.2} s wall ({:.2}x one suite), {:.1} MiB peak RSS",
        one.wall.as_secs_f64(),
        fifty.wall.as_secs_f64(),
        fifty.wall.as_secs_f64() / one.wall.as_secs_f64(),
        fifty.max_rss_kib as f64 / 1024.0
    );
    if std::env::var_os("BENCH_SEQUENTIAL").is_some() {
        let sequential = run(&[])?;
        println!(
            "50 suites in turn: {:.2} s wall",
            sequential.wall.as_secs_f64()
        );
    }
    requests_per_run(&sim.requests()[before..before + one_requests]);
    sim.shutdown().await;
    Ok(())
}

/// Requests per completed run, by kind, and the delay between the run ending on the server
/// (create + queue 0 + 2 s call) and the runner asking for its results.
fn requests_per_run(log: &[sim::RecordedRequest]) {
    let count = |suffix: &str| log.iter().filter(|r| r.path.ends_with(suffix)).count();
    let ts = |r: &sim::RecordedRequest| humantime::parse_rfc3339_weak(&r.ts).ok();
    let created = log.iter().find(|r| r.method == "POST").and_then(ts);
    let results = log
        .iter()
        .rev()
        .find(|r| r.path.ends_with("/results"))
        .and_then(ts);
    println!(
        "requests for one run: {} catalog, {} create, {} status polls, {} results",
        count("/agents") + count("/test-tags") + count("/test-cases"),
        log.iter().filter(|r| r.method == "POST").count(),
        count("/status"),
        count("/results")
    );
    if let (Some(created), Some(results)) = (created, results) {
        let since = results.duration_since(created).unwrap_or_default();
        let notice = since.saturating_sub(Duration::from_secs(2));
        println!(
            "run finished 2.00 s after create; results fetched {:.3} s after create: noticed within {:.0} ms (poll interval 100 ms)",
            since.as_secs_f64(),
            notice.as_secs_f64() * 1000.0
        );
    }
}

/// The simulator's memory as runs accumulate: 20,000 runs created against a cap of 1,000.
async fn memory() -> anyhow::Result<()> {
    let workspace = Workspace::from_yaml(
        "queue_delay_seconds: 0\nmax_runs: 1000\nagents: [{ id: agent-1 }]\ntest_cases:\n  - { id: case-1, title: Instant, agent_ids: [agent-1], duration_seconds: 1 }\n",
        "memory workspace",
    )?;
    let sim = sim::start(
        workspace,
        SimOptions {
            speed: Some(1e6),
            ..SimOptions::default()
        },
    )
    .await?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let url = format!("{}/test-runs/test-inbound-agent", sim.base_url());
    let body = serde_json::json!({
        "agentId": "agent-1",
        "phoneNumbers": ["+14155550100"],
        "testConfigurations": [{ "testCaseId": "case-1" }]
    });
    for round in 1..=4 {
        for _ in 0..5000 {
            http.post(&url)
                .bearer_auth("sk-bench-00000000")
                .json(&body)
                .send()
                .await?
                .error_for_status()?;
        }
        println!(
            "simulator after {:>6} runs: {} stored, RSS {:.1} MiB",
            round * 5000,
            sim.stored_runs(),
            rss_kib() as f64 / 1024.0
        );
    }
    sim.shutdown().await;
    Ok(())
}
