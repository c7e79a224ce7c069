//! Cost against size, measured as ratios in one run so that the machine's speed cancels out:
//! loading 5,000 against 20,000 suites (YAML and TOML), and following a run of 1,000 against
//! 10,000 calls (`run` and `check`), with peak memory against the size of the results body.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use super::measure::{Cost, median};

/// Runs per size: the 20,000-suite file takes a second or more to load.
const RUNS: usize = 3;
/// Most CPU for 4x the suites: linear would be 4x.
const LOAD_TARGET: f64 = 5.0;
/// Samples per case in the `calls` runs.
const SAMPLES: usize = 10;
/// Most peak RSS of following a 10,000-call run, as a multiple of its results body.
const MEMORY_TARGET: f64 = 4.0;

#[derive(Debug, Clone, Copy)]
pub enum Format {
    Yaml,
    Toml,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Yaml => "YAML",
            Format::Toml => "TOML",
        }
    }
}

/// `n` small suites: every other one selects a tag, the rest two explicit test cases with a
/// scenario fact; all inherit agent, numbers and thresholds from `defaults`.
pub fn suites_file(dir: &Path, n: usize, format: Format) -> anyhow::Result<PathBuf> {
    let mut text = String::new();
    let path = match format {
        Format::Yaml => {
            text.push_str(
                "version: 1\ndefaults:\n  agent_id: cmc1benchagent0000000000001\n  phone_numbers: [\"+14155550100\"]\n  thresholds: { min_test_pass_rate: 0.9 }\nsuites:\n",
            );
            for i in 0..n {
                if i % 2 == 0 {
                    writeln!(text, "  suite-{i}:\n    tags: [smoke]")?;
                } else {
                    writeln!(
                        text,
                        "  suite-{i}:\n    test_cases:\n      - id: c{i:024}\n        scenario_facts: {{ plan: premium }}\n      - id: d{i:024}"
                    )?;
                }
            }
            dir.join(format!("suites-{n}.yaml"))
        }
        Format::Toml => {
            text.push_str(
                "version = 1\n\n[defaults]\nagent_id = \"cmc1benchagent0000000000001\"\nphone_numbers = [\"+14155550100\"]\n\n[defaults.thresholds]\nmin_test_pass_rate = 0.9\n",
            );
            for i in 0..n {
                if i % 2 == 0 {
                    writeln!(text, "\n[suites.suite-{i}]\ntags = [\"smoke\"]")?;
                } else {
                    writeln!(
                        text,
                        "\n[suites.suite-{i}]\ntest_cases = [{{ id = \"c{i:024}\", scenario_facts = {{ plan = \"premium\" }} }}, {{ id = \"d{i:024}\" }}]"
                    )?;
                }
            }
            dir.join(format!("suites-{n}.toml"))
        }
    };
    std::fs::write(&path, text)?;
    Ok(path)
}

/// `validate` on 5,000 and 20,000 suites, in YAML and in TOML.
pub fn load(bin: &Path) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    println!(
        "\nloading against the number of suites (target: 20,000 suites cost at most {LOAD_TARGET}x 5,000; linear is 4x)"
    );
    for format in [Format::Yaml, Format::Toml] {
        let mut costs = Vec::new();
        for n in [5_000, 20_000] {
            let file = suites_file(dir.path(), n, format)?;
            let size = std::fs::metadata(&file)?.len();
            let cost = median(
                &format!(
                    "  validate {n} {} suites ({} KiB)",
                    format.name(),
                    size >> 10
                ),
                RUNS,
                || {
                    let mut c = Command::new(bin);
                    c.arg("validate").arg(&file);
                    c
                },
            )?;
            anyhow::ensure!(
                cost.code == Some(0),
                "validate of {} failed: the generated file is wrong",
                file.display()
            );
            costs.push((n, cost));
        }
        let ratio = costs[1].1.cpu.as_secs_f64() / costs[0].1.cpu.as_secs_f64();
        let per_suite = |(n, c): (usize, Cost)| c.cpu.as_secs_f64() * 1e6 / n as f64;
        println!(
            "  {}: 20,000 / 5,000 suites = {ratio:.2}x CPU ({:.1} vs {:.1} µs per suite) {}",
            format.name(),
            per_suite(costs[0]),
            per_suite(costs[1]),
            verdict(ratio <= LOAD_TARGET)
        );
    }
    Ok(())
}

/// `run` and `check` on runs of 1,000 and 10,000 calls, against the simulator in this process.
pub fn calls(bin: &Path) -> anyhow::Result<()> {
    println!(
        "\nfollowing a run against its number of calls (targets: CPU per call flat; peak RSS at most {MEMORY_TARGET}x the results body at 10,000 calls)"
    );
    let mut rows = Vec::new();
    for n in [1_000, 10_000] {
        rows.push(one_size(bin, n)?);
    }
    for (command, pick) in [
        ("run", (|r: &Sized| r.run) as fn(&Sized) -> Cost),
        ("check", |r: &Sized| r.check),
    ] {
        let per_call = |r: &Sized| pick(r).cpu.as_secs_f64() * 1e6 / r.calls as f64;
        let ratio = per_call(&rows[1]) / per_call(&rows[0]);
        println!(
            "  {command}: CPU per call {:.1} µs at 1,000, {:.1} µs at 10,000 calls ({ratio:.2}x) {}",
            per_call(&rows[0]),
            per_call(&rows[1]),
            verdict(ratio <= 1.25)
        );
    }
    for row in &rows {
        for (command, cost) in [("run", row.run), ("check", row.check)] {
            let ratio = (cost.max_rss_kib << 10) as f64 / row.body_bytes as f64;
            println!(
                "  {command} at {} calls: peak RSS {:.1} MiB for a {:.1} MiB results body = {ratio:.2}x {}",
                row.calls,
                cost.max_rss_kib as f64 / 1024.0,
                row.body_bytes as f64 / (1 << 20) as f64,
                if row.calls == 10_000 {
                    verdict(ratio <= MEMORY_TARGET)
                } else {
                    ""
                }
            );
        }
    }
    Ok(())
}

fn verdict(met: bool) -> &'static str {
    if met {
        "(target met)"
    } else {
        "(TARGET MISSED)"
    }
}

/// What following one run of a given size cost.
struct Sized {
    calls: usize,
    body_bytes: usize,
    run: Cost,
    check: Cost,
}

/// A workspace of `n`/10 test cases under one tag, calls that take no time, one suite
/// selecting the tag with 10 samples: a run of `n` calls. The simulator runs as a process of its own: a child
/// spawned from a large process inherits that process's memory high-water mark in the kernel's
/// accounting, which would be read as the runner's.
fn one_size(bin: &Path, n: usize) -> anyhow::Result<Sized> {
    let dir = tempfile::tempdir()?;
    let mut yaml = String::from(
        "queue_delay_seconds: 0\nspeed: 1000000000\nagents: [{ id: agent-1 }]\ntags: [{ name: bench }]\ntest_cases:\n",
    );
    // Each call carries a ten-turn transcript, as real results do (about 3 KiB per call).
    let mut transcript = String::from("[");
    for turn in 0..10 {
        let role = if turn % 2 == 0 { "assistant" } else { "user" };
        write!(
            transcript,
            "{}{{ role: {role}, content: \"Turn {turn}: I would like to move my appointment to Thursday afternoon, if a slot is free then; otherwise Friday morning works too.\" }}",
            if turn == 0 { "" } else { ", " }
        )?;
    }
    transcript.push(']');
    // Ten samples of n/10 cases: a workspace file of 10,000 cases with transcripts would be
    // over the 8 MiB cap on files.
    for i in 0..n / SAMPLES {
        writeln!(
            yaml,
            "  - {{ id: case-{i}, title: Case {i}, tags: [bench], agent_ids: [agent-1], duration_seconds: 1, assertions: [{{ name: Greets the caller, category: Compliance }}], transcript: {transcript} }}"
        )?;
    }
    let workspace = dir.path().join("workspace.yaml");
    std::fs::write(&workspace, yaml)?;
    let sim = Simulator::start(bin, &workspace)?;
    let file = dir.path().join("scale.yaml");
    std::fs::write(
        &file,
        "version: 1\nsuites:\n  scale:\n    agent_id: agent-1\n    phone_numbers: [\"+14155550100\"]\n    tags: [bench]\n    samples: 10\n    poll_interval: 100ms\n    max_concurrent_calls: 100\n    thresholds: { min_test_pass_rate: 0.5 }\n",
    )?;
    let base = sim.base.clone();
    let command = |args: &[&std::ffi::OsStr]| {
        let mut c = Command::new(bin);
        c.args(args)
            .env("HAMMING_API_KEY", "sk-bench-00000000")
            .env("HAMMING_API_BASE_URL", &base)
            .env("CI", "true");
        c
    };
    let report = dir.path().join("report.json");
    let run = median(&format!("  run, {n} calls"), RUNS, || {
        command(&[
            "run".as_ref(),
            file.as_os_str(),
            "-q".as_ref(),
            "--report-json".as_ref(),
            report.as_os_str(),
        ])
    })?;
    anyhow::ensure!(
        run.code == Some(0),
        "run of {n} calls exited {:?}",
        run.code
    );
    let run_id = run_id_in(&report)?;
    let body = fetch(&format!("{base}/test-runs/{run_id}/results"))?;
    let check = median(&format!("  check, {n} calls"), RUNS, || {
        command(&[
            "check".as_ref(),
            run_id.as_ref(),
            "--min-test-pass-rate".as_ref(),
            "0.5".as_ref(),
        ])
    })?;
    anyhow::ensure!(
        check.code == Some(0),
        "check of {n} calls exited {:?}",
        check.code
    );
    drop(sim);
    Ok(Sized {
        calls: n,
        body_bytes: body.len(),
        run,
        check,
    })
}

/// `hamming-runner sim` on a free port, stopped when dropped.
struct Simulator {
    child: Child,
    base: String,
}

impl Simulator {
    fn start(bin: &Path, workspace: &Path) -> anyhow::Result<Simulator> {
        let mut child = Command::new(bin)
            .args(["sim", "--port", "0", "--workspace"])
            .arg(workspace)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out).read_line(&mut line)?;
        }
        let Some(base) = line.split_whitespace().find(|w| w.starts_with("http://")) else {
            let _ = child.kill();
            anyhow::bail!("the simulator did not start: {line:?}");
        };
        Ok(Simulator {
            base: base.to_owned(),
            child,
        })
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The run id a JSON report names.
fn run_id_in(report: &Path) -> anyhow::Result<String> {
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(report)?)?;
    json["suites"][0]["run_id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("{} names no run id", report.display()))
}

/// A GET against the simulator, as `curl` would do it; the body's bytes.
fn fetch(url: &str) -> anyhow::Result<Vec<u8>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let body = reqwest::Client::new()
            .get(url)
            .bearer_auth("sk-bench-00000000")
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        Ok(body.to_vec())
    })
}
