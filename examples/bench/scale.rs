//! Cost against size, measured as ratios in one run so that the machine's speed cancels out:
//! loading 5,000 against 20,000 suites (YAML and TOML), and following a run of 1,000 against
//! 10,000 calls (`run` and `check`), with peak memory against the size of the results body.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use hamming_runner::sim::{self, SimOptions, Workspace};

use super::measure::{Cost, median};

/// Runs per size: the 20,000-suite file takes a second or more to load.
const RUNS: usize = 3;
/// Most CPU for 4x the suites: linear would be 4x.
const LOAD_TARGET: f64 = 5.0;
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
pub async fn calls(bin: &Path) -> anyhow::Result<()> {
    println!(
        "\nfollowing a run against its number of calls (targets: CPU per call flat; peak RSS at most {MEMORY_TARGET}x the results body at 10,000 calls)"
    );
    let mut rows = Vec::new();
    for n in [1_000, 10_000] {
        rows.push(one_size(bin, n).await?);
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

/// A workspace of `n` test cases under one tag, calls that take no time, one suite selecting
/// the tag once: a run of `n` calls.
async fn one_size(bin: &Path, n: usize) -> anyhow::Result<Sized> {
    // One case written out, repeated in memory: a workspace file of 10,000 cases is over the
    // loader's value budget, which is meant for hand-written files.
    let mut workspace = Workspace::from_yaml(
        "queue_delay_seconds: 0\nagents: [{ id: agent-1 }]\ntags: [{ name: bench }]\ntest_cases:\n  - { id: case-0, title: Case 0, tags: [bench], agent_ids: [agent-1], duration_seconds: 1, assertions: [{ name: Greets the caller, category: Compliance }] }\n",
        "scale workspace",
    )?;
    let template = workspace.test_cases[0].clone();
    workspace.test_cases = (0..n)
        .map(|i| {
            let mut case = template.clone();
            case.id = format!("case-{i}");
            case.title = format!("Case {i}");
            case
        })
        .collect();
    let sim = sim::start(
        workspace,
        SimOptions {
            speed: Some(1e9),
            ..SimOptions::default()
        },
    )
    .await?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("scale.yaml");
    std::fs::write(
        &file,
        "version: 1\nsuites:\n  scale:\n    agent_id: agent-1\n    phone_numbers: [\"+14155550100\"]\n    tags: [bench]\n    poll_interval: 100ms\n    max_concurrent_calls: 100\n    thresholds: { min_test_pass_rate: 0.5 }\n",
    )?;
    let base = sim.base_url();
    let command = |args: &[&std::ffi::OsStr]| {
        let mut c = Command::new(bin);
        c.args(args)
            .env("HAMMING_API_KEY", "sk-bench-00000000")
            .env("HAMMING_API_BASE_URL", &base)
            .env("CI", "true");
        c
    };
    let run = median(&format!("  run, {n} calls"), RUNS, || {
        command(&["run".as_ref(), file.as_os_str(), "-q".as_ref()])
    })?;
    anyhow::ensure!(
        run.code == Some(0),
        "run of {n} calls exited {:?}",
        run.code
    );
    let run_id = sim
        .requests()
        .iter()
        .rev()
        .find_map(|r| {
            r.path
                .strip_suffix("/results")
                .and_then(|p| p.rsplit('/').next())
                .map(str::to_owned)
        })
        .ok_or_else(|| anyhow::anyhow!("the run fetched no results"))?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let body = reqwest::Client::new()
        .get(format!("{base}/test-runs/{run_id}/results"))
        .bearer_auth("sk-bench-00000000")
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
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
    sim.shutdown().await;
    Ok(Sized {
        calls: n,
        body_bytes: body.len(),
        run,
        check,
    })
}
