//! The statistical gate's benchmark: the real runner and gate (the library `run` uses)
//! against the simulator, on many independent suites whose true pass rate is known, compared
//! with the best fixed-sample design of the same error rates, computed exactly.
//!
//! ```sh
//! cargo run --release --example gate_bench -- [--suites N] [--jobs J] [--seed S]
//! ```
//!
//! Each suite has `CASES` cases, every one a simulator case that fails with probability
//! `1 − p` (drawn from the seed per run, case, sample and number, so every wave of every suite
//! draws afresh). The suite file asks for `min_test_pass_rate: 0.9` with `confidence: 0.95`
//! and `margin: 0.1`, judged with adaptive samples `{ min: 1, max: 30 }`: waves of one sample
//! per case until Wald's test decides. For each true rate the benchmark prints the share of
//! wrong verdicts (failing an agent at or above the bar, passing one at or below
//! `bar − margin`), the share inconclusive, and the mean and worst calls, with their
//! Monte-Carlo standard errors; then the same figures computed exactly for the adaptive design
//! and for the smallest fixed design with one cut that has the adaptive design's nominal error
//! rates. It exits non-zero when a suite could not be judged (the pipeline broke); the
//! statistical targets are reported, not enforced, since a small run is noisy.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hamming_runner::api::{ApiKey, Client, ClientOptions, parse_base_url};
use hamming_runner::gate;
use hamming_runner::load::{LoadOptions, Source, load_source};
use hamming_runner::outcome::Verdict;
use hamming_runner::runner::{self, Cancel, Pacing, Progress, RunOptions};
use hamming_runner::sim::{self, SimOptions, Workspace};
use hamming_runner::stats::Sprt;
use hamming_runner::stats::design;

/// Cases per suite.
const CASES: usize = 10;
const BAR: f64 = 0.9;
const MARGIN: f64 = 0.1;
const CONFIDENCE: f64 = 0.95;
/// The adaptive plan, in samples per case.
const MIN: u64 = 1;
const WAVE: u64 = 1;
const MAX: u64 = 30;
/// The true pass rates: above the bar, at it, in between, at `bar − margin`, below.
const RATES: [f64; 5] = [0.95, 0.90, 0.85, 0.80, 0.70];
/// The simulator's clock: a one-second call takes a microsecond.
const SPEED: f64 = 1e6;

struct Args {
    suites: usize,
    jobs: usize,
    seed: u64,
}

fn args() -> anyhow::Result<Args> {
    let mut args = Args {
        suites: 1000,
        jobs: 64,
        seed: 13,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))?;
        match flag.as_str() {
            "--suites" => args.suites = value.parse()?,
            "--jobs" => args.jobs = value.parse()?,
            "--seed" => args.seed = value.parse()?,
            other => anyhow::bail!("unknown flag {other}; use --suites N, --jobs J, --seed S"),
        }
    }
    anyhow::ensure!(args.suites > 0, "--suites must be at least 1");
    Ok(args)
}

/// What the simulated suites of one true rate amounted to.
#[derive(Default)]
struct Tally {
    suites: usize,
    passed: usize,
    failed: usize,
    inconclusive: usize,
    broken: usize,
    calls: Vec<u64>,
    /// Why the first few suites that could not be judged could not.
    reasons: Vec<String>,
}

fn main() -> anyhow::Result<()> {
    let args = args()?;
    let runtime = tokio::runtime::Runtime::new()?;
    let started = Instant::now();
    let tallies = runtime.block_on(simulate(&args))?;
    let elapsed = started.elapsed();
    print!("{}", table(&args, &tallies, elapsed));
    let broken: usize = tallies.iter().map(|t| t.broken).sum();
    anyhow::ensure!(
        broken == 0,
        "{broken} suites could not be judged (platform error, timeout or interruption)"
    );
    Ok(())
}

/// The workspace: for each true rate, `CASES` flaky cases failing with `1 − p`. The
/// simulator keeps 500 runs (the finished ones go first), far more than the waves in flight,
/// and few enough that its bookkeeping on each create stays cheap.
fn workspace(seed: u64) -> anyhow::Result<Workspace> {
    let mut text = format!(
        "seed: {seed}\nqueue_delay_seconds: 0\nmax_runs: 500\nagents: [{{ id: agent-1 }}]\ntest_cases:\n"
    );
    for p in RATES {
        for case in 0..CASES {
            writeln!(
                text,
                "  - {{ id: {}, title: Case {case} at {p}, agent_ids: [agent-1], outcome: flaky, fail_probability: {}, duration_seconds: 1 }}",
                case_id(p, case),
                (1.0 - p).max(0.0)
            )?;
        }
    }
    Ok(Workspace::from_yaml(&text, "gate bench workspace")?)
}

fn case_id(p: f64, case: usize) -> String {
    format!("p{:03}-case{case:02}", (p * 1000.0).round() as u32)
}

/// The suite file: suites `from..to` of every true rate, each over that rate's cases.
fn suite_file(from: usize, to: usize) -> String {
    let mut text = format!(
        "version: 1\ndefaults:\n  agent_id: agent-1\n  phone_numbers: [\"+14155550100\"]\n  timeout: 48h\n  poll_interval: 100ms\n  samples: {{ min: {MIN}, max: {MAX}, wave: {WAVE} }}\n  thresholds: {{ min_test_pass_rate: {BAR}, confidence: {CONFIDENCE}, margin: {MARGIN} }}\nsuites:\n"
    );
    for p in RATES {
        let cases: Vec<String> = (0..CASES)
            .map(|c| format!("{{ id: {} }}", case_id(p, c)))
            .collect();
        for i in from..to {
            let _ = writeln!(
                text,
                "  p{:03}-{i:05}:\n    test_cases: [{}]",
                (p * 1000.0).round() as u32,
                cases.join(", ")
            );
        }
    }
    text
}

async fn simulate(args: &Args) -> anyhow::Result<Vec<Tally>> {
    let sim = sim::start(
        workspace(args.seed)?,
        SimOptions {
            speed: Some(SPEED),
            seed: Some(args.seed),
            ..SimOptions::default()
        },
    )
    .await?;
    let client = Client::new(
        parse_base_url(&sim.base_url())?,
        ApiKey::new("sk-bench-00000000")?,
        ClientOptions {
            reads: hamming_runner::api::retry::RetryPolicy::READS.scaled(0.001),
            create: hamming_runner::api::retry::RetryPolicy::CREATE.scaled(0.001),
            ..ClientOptions::default()
        },
    )?;
    let mut tallies: Vec<Tally> = RATES.iter().map(|_| Tally::default()).collect();
    // In batches, so that only one batch's results are held at a time.
    let mut from = 0;
    while from < args.suites {
        let to = (from + BATCH).min(args.suites);
        let source = Source::new("gate-bench.yaml", suite_file(from, to));
        let loaded = load_source(&source, &LoadOptions::default())
            .map_err(|d| anyhow::anyhow!("the generated suite file is invalid:\n{d}"))?;
        run_batch(&client, loaded.suites, args, &mut tallies).await;
        eprintln!("{to} of {} suites per true rate judged", args.suites);
        from = to;
    }
    sim.shutdown().await;
    Ok(tallies)
}

/// Suites per true rate run (and held) at a time.
const BATCH: usize = 100;

async fn run_batch(
    client: &Client,
    suites: Vec<hamming_runner::suite::ResolvedSuite>,
    args: &Args,
    tallies: &mut [Tally],
) {
    let options = RunOptions {
        jobs: args.jobs,
        fail_fast: false,
        max_calls: None,
        // The runner's clock runs 1000 times faster than real time: it polls every 10 ms,
        // and the suites' 48 h deadline becomes 173 s per wave, which no wave comes near
        // even on a busy machine.
        pacing: Pacing {
            time_scale: 1e-3,
            ..Pacing::default()
        },
    };
    let followed = runner::run_suites(
        client,
        suites,
        &options,
        Arc::new(Progress::Quiet),
        Cancel::never(),
        Arc::new(|_| false),
        None,
    )
    .await;
    for f in followed {
        let outcome = gate::judge(f.observation);
        let Some(index) = RATES.iter().position(|p| {
            outcome
                .name
                .starts_with(&format!("p{:03}-", (p * 1000.0).round() as u32))
        }) else {
            continue;
        };
        let tally = &mut tallies[index];
        tally.suites += 1;
        tally.calls.push(outcome.counts.total);
        match outcome.verdict {
            Verdict::Passed => tally.passed += 1,
            Verdict::Failed => tally.failed += 1,
            Verdict::Inconclusive => tally.inconclusive += 1,
            _ => {
                tally.broken += 1;
                if tally.reasons.len() < 3 {
                    tally
                        .reasons
                        .push(format!("{}: {}", outcome.name, outcome.reason));
                }
            }
        }
    }
}

/// Whether a measured figure is within a target, given its Monte-Carlo standard error.
fn verdict(value: f64, se: f64, target: f64) -> &'static str {
    if value <= target {
        "met"
    } else if value - 2.0 * se <= target {
        "above the target but within two standard errors: run more suites"
    } else {
        "MISSED"
    }
}

/// A share with its Monte-Carlo standard error, in percent.
fn share(count: usize, n: usize) -> String {
    let q = count as f64 / n.max(1) as f64;
    let se = (q * (1.0 - q) / n.max(1) as f64).sqrt();
    format!("{:.1} % ± {:.1}", q * 100.0, se * 100.0)
}

fn table(args: &Args, tallies: &[Tally], elapsed: Duration) -> String {
    let test = Sprt::for_threshold(BAR, MARGIN, CONFIDENCE).expect("a valid test");
    let looks = design::looks(MIN * CASES as u64, WAVE * CASES as u64, MAX * CASES as u64);
    let fixed = design::best_fixed(&test, 10_000).expect("a fixed design exists");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "gate benchmark: {} suites per true rate, {CASES} cases each, bar {BAR}, margin {MARGIN}, confidence {CONFIDENCE} (each error designed at most {:.3}), adaptive samples {{ min: {MIN}, max: {MAX}, wave: {WAVE} }} per case; {:.1} s",
        args.suites,
        test.alpha,
        elapsed.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "best fixed design with the same error rates (exact): {} calls, passes from {} passes ({:.1} samples per case)\n",
        fixed.calls,
        fixed.pass_from,
        fixed.calls as f64 / CASES as f64
    );
    let _ = writeln!(
        out,
        "| true pass rate | design | wrong verdicts | inconclusive | mean calls | worst calls | mean / fixed |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |");
    let mut targets = Vec::new();
    for (p, tally) in RATES.iter().zip(tallies) {
        let n = tally.suites.max(1);
        let (wrong_count, wrong_what) = if *p >= BAR {
            (tally.failed, "failed")
        } else if *p <= BAR - MARGIN + 1e-9 {
            (tally.passed, "passed")
        } else {
            (0, "")
        };
        let label = if (*p - BAR).abs() < 1e-9 {
            format!("{p} (the bar)")
        } else if (*p - (BAR - MARGIN)).abs() < 1e-9 {
            format!("{p} (bar − margin)")
        } else {
            p.to_string()
        };
        let mean = tally.calls.iter().sum::<u64>() as f64 / n as f64;
        let sd = (tally
            .calls
            .iter()
            .map(|c| (*c as f64 - mean).powi(2))
            .sum::<f64>()
            / n as f64)
            .sqrt();
        let worst = tally.calls.iter().max().copied().unwrap_or(0);
        let wrong = if wrong_what.is_empty() {
            format!(
                "none possible ({} passed, {} failed)",
                share(tally.passed, n),
                share(tally.failed, n)
            )
        } else {
            format!("{} {wrong_what}", share(wrong_count, n))
        };
        let ratio = mean / fixed.calls as f64;
        let _ = writeln!(
            out,
            "| {label} | adaptive, simulated | {wrong} | {} | {mean:.1} ± {:.1} | {worst} | {ratio:.2} |",
            share(tally.inconclusive, n),
            sd / (n as f64).sqrt()
        );
        let exact = design::sequential(&test, &looks, *p);
        let exact_wrong = if *p >= BAR {
            format!("{:.2} % failed", exact.fail * 100.0)
        } else if *p <= BAR - MARGIN + 1e-9 {
            format!("{:.2} % passed", exact.pass * 100.0)
        } else {
            format!(
                "none possible ({:.1} % passed, {:.1} % failed)",
                exact.pass * 100.0,
                exact.fail * 100.0
            )
        };
        let _ = writeln!(
            out,
            "| | adaptive, exact | {exact_wrong} | {:.2} % | {:.1} | {} | {:.2} |",
            exact.undecided * 100.0,
            exact.expected_calls,
            exact.worst_calls,
            exact.expected_calls / fixed.calls as f64
        );
        let fixed_wrong = if *p >= BAR {
            format!("{:.2} % failed", fixed.fail(*p) * 100.0)
        } else if *p <= BAR - MARGIN + 1e-9 {
            format!("{:.2} % passed", fixed.pass(*p) * 100.0)
        } else {
            format!(
                "none possible ({:.1} % passed, {:.1} % failed)",
                fixed.pass(*p) * 100.0,
                fixed.fail(*p) * 100.0
            )
        };
        let _ = writeln!(
            out,
            "| | best fixed, exact | {fixed_wrong} | 0 % | {} | {} | 1.00 |",
            fixed.calls, fixed.calls
        );
        if (*p - BAR).abs() < 1e-9 || (*p - (BAR - MARGIN)).abs() < 1e-9 {
            let q = wrong_count as f64 / n as f64;
            let se = (q * (1.0 - q) / n as f64).sqrt();
            let ratio_se = sd / (n as f64).sqrt() / fixed.calls as f64;
            targets.push(format!(
                "at {p}: wrong verdicts {:.1} % ± {:.1} (configured level {:.0} %): {}; mean calls {ratio:.2} ± {ratio_se:.2} x the fixed design (target at most 0.6): {}",
                q * 100.0,
                se * 100.0,
                (1.0 - CONFIDENCE) * 100.0,
                verdict(q, se, 1.0 - CONFIDENCE),
                verdict(ratio, ratio_se, 0.6)
            ));
        }
    }
    let _ = writeln!(out);
    for target in targets {
        let _ = writeln!(out, "{target}");
    }
    let broken: usize = tallies.iter().map(|t| t.broken).sum();
    let _ = writeln!(out, "suites that could not be judged: {broken}");
    for reason in tallies.iter().flat_map(|t| &t.reasons) {
        let _ = writeln!(out, "  {reason}");
    }
    out
}
