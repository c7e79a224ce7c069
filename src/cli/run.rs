//! `run`: the main job. Load and validate the suite file, run each selected suite, judge it,
//! report, and exit with a code that tells a regression from a broken run.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::gate;
use crate::outcome::Outcome;
use crate::report::github;
use crate::runner::state::StateFile;
use crate::runner::{self, Cancel, Pacing, Progress, RunOptions, cancel};
use crate::untrusted::{LinkPolicy, redact};

use super::baseline::BaselineArgs;
use super::connect::{self, ConnectionArgs};
use super::env_config::{self, EnvArgs, EnvSuiteArgs};
use super::load_args::LoadArgs;
use super::output::{Output, error};
use super::outputs::{self, ReportArgs};
use crate::suite::duration::{parse_poll_interval_flag, parse_timeout_flag};

#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// The suite file (YAML or TOML). Without it, one suite (`env`) is read from the
    /// environment Hamming's v2 scripts read: AGENT_ID, PHONE_NUMBERS, TAG_IDS or
    /// TEST_CASE_IDS, and the thresholds (see .env.example).
    pub file: Option<PathBuf>,

    /// Run only these suites (repeatable, or comma-separated); default every suite, in file
    /// order.
    #[arg(
        long = "suite",
        value_name = "NAME",
        value_delimiter = ',',
        help_heading = "Selection"
    )]
    pub suites: Vec<String>,

    /// Run up to N suites at once.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256), help_heading = "Pacing")]
    pub jobs: u16,

    /// Run only this machine's share of the selected suites: shard K of N (e.g. `2/4`),
    /// balanced by estimated calls; N machines with K = 1..N run every suite exactly once.
    /// Combine their JSON reports with `hamming-runner merge`.
    #[arg(long, value_name = "K/N", help_heading = "Selection")]
    pub shard: Option<crate::suite::shard::Shard>,

    /// Re-run only what failed in this earlier JSON report: each failed (or flaky) suite
    /// restricted to its failing and flaky test cases; suites that passed are reported as
    /// passed there and not run again.
    #[arg(long, value_name = "REPORT.json", help_heading = "Selection")]
    pub rerun_failed: Option<PathBuf>,

    /// Refuse any suite that would place more calls than this (nothing of it is run).
    #[arg(long, value_name = "N", help_heading = "Selection")]
    pub max_calls: Option<u64>,

    /// Start no new suite after one fails (running ones finish and are reported).
    #[arg(long, help_heading = "Pacing")]
    pub fail_fast: bool,

    /// Override every suite's timeout (e.g. `30m`; 1s to 48h, as in the suite file).
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout_flag, help_heading = "Pacing")]
    pub timeout: Option<Duration>,

    /// Override every suite's poll interval (e.g. `15s`; 100ms to 10m, as in the suite file).
    #[arg(long, value_name = "DURATION", value_parser = parse_poll_interval_flag, help_heading = "Pacing")]
    pub poll_interval: Option<Duration>,

    /// Never poll a run more often than this, whatever the suite file says (e.g. `15s`).
    #[arg(long, value_name = "DURATION", value_parser = parse_poll_interval_flag, help_heading = "Pacing")]
    pub min_poll_interval: Option<Duration>,

    /// Never poll a run less often than this, whatever the suite file says (e.g. `30s`).
    #[arg(long, value_name = "DURATION", value_parser = parse_poll_interval_flag, help_heading = "Pacing")]
    pub max_poll_interval: Option<Duration>,

    /// Record each created run in this file before polling it, and re-attach to the runs it
    /// records instead of creating new ones [default: state.json in --report-dir, when given].
    #[arg(long, value_name = "FILE", help_heading = "State")]
    pub state: Option<PathBuf>,

    /// Ignore the runs recorded in the state file and create new ones.
    #[arg(long, help_heading = "State")]
    pub fresh: bool,

    #[command(flatten)]
    pub simulator: connect::SimulateArgs,

    #[command(flatten)]
    pub reports: ReportArgs,

    #[command(flatten)]
    pub baseline: BaselineArgs,

    #[command(flatten)]
    pub load: LoadArgs,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub env: EnvArgs,

    #[command(flatten)]
    pub env_suite: EnvSuiteArgs,
}

impl RunArgs {
    /// `--state`, or `state.json` in the report directory when one is given. A simulated run
    /// keeps no state: its runs live only as long as the in-process simulator.
    fn state_path(&self) -> Option<PathBuf> {
        if self.simulator.simulate {
            return None;
        }
        self.state
            .clone()
            .or_else(|| self.reports.dir.as_ref().map(|dir| dir.join("state.json")))
    }
}

/// How `run` ended: with an outcome it reported, or stopped before any suite ran.
enum Ran {
    Reported(u8),
    Stopped(u8),
}

pub fn run(mut args: RunArgs, out: &Output) -> u8 {
    if let Err(code) = args.reports.resolve_or_report(out) {
        return code;
    }
    let summary = args.reports.summary.clone();
    match execute(args, out) {
        Ran::Reported(code) => code,
        // Nothing ran: say why where a CI user looks, not only in the log.
        Ran::Stopped(code) => {
            let told = super::output::take_told();
            outputs::emit_setup_failure(&told, code, summary.as_deref(), out)
        }
    }
}

fn execute(args: RunArgs, out: &Output) -> Ran {
    let (env, suites, secrets_used, source) = match &args.file {
        Some(file) => {
            if let Err(code) = args
                .env_suite
                .refuse_with_file(out)
                .and_then(|()| env_config::load_dotenv(&args.env.dotenv, false, out))
            {
                return Ran::Stopped(code);
            }
            let loaded =
                match super::suites::load(file, &args.load.options(), &args.env.dotenv, out) {
                    Ok(l) => l,
                    Err(code) => return Ran::Stopped(code),
                };
            let suites = match super::suites::select(&loaded, &args.suites, out) {
                Ok(s) => s,
                Err(code) => return Ran::Stopped(code),
            };
            for warning in super::quarantine::expired(&loaded, &suites, args.load.today()) {
                crate::console::err_raw(&warning.render_warning(out.color));
            }
            let links = match env_config::links(&args.env, out) {
                Ok(links) => links,
                Err(code) => return Ran::Stopped(code),
            };
            let source = file.display().to_string();
            (links, suites, loaded.secrets_used, source)
        }
        None => match env_config::suite(&args.env, &args.env_suite, &args.suites, out) {
            Ok((env, suite)) => (env, vec![suite], Vec::new(), "environment".to_owned()),
            Err(code) => return Ran::Stopped(code),
        },
    };
    // The baseline is read before anything runs: no call is placed for a comparison that
    // cannot happen.
    let baseline = match args.baseline.read(out) {
        Ok(b) => b,
        Err(code) => return Ran::Stopped(code),
    };
    let narrowed = match super::narrow::narrow(suites, args.shard, args.rerun_failed.as_deref()) {
        Ok(n) => n,
        Err(e) => {
            error(out, &e);
            return Ran::Stopped(crate::exit::USAGE);
        }
    };
    for note in &narrowed.notes {
        out.info(&format!("note: {note}"));
    }
    let super::narrow::Narrowed {
        run: suites,
        carried,
        previous_run_ids,
        ..
    } = narrowed;
    if suites.is_empty() {
        // An empty shard, or nothing left to re-run: nothing to connect to, but the reports
        // are still written so the matrix job that merges them finds every file.
        let now = SystemTime::now();
        let outcome = Outcome::new(source.clone(), now, now, carried);
        return Ran::Reported(outputs::emit(&outcome, &args.reports, out));
    }
    super::runtime::try_block_on(async move {
        let connection =
            match connect::connect_or_simulate(&args.connection, &args.simulator, &suites, out)
                .await
            {
                Ok(c) => c,
                Err(code) => return Ran::Stopped(code),
            };
        // Every secret a template was allowed to read is now in the suites: it is redacted
        // from every report and log line, like the key.
        for name in &secrets_used {
            if let Ok(value) = std::env::var(name) {
                redact::register(&value);
            }
        }
        if github::detected() {
            // GitHub masks the secrets it injected itself; a key read from a file, and any
            // secret a template was allowed to read, are masked here before anything prints.
            if connection.sim.is_none() {
                let _ = crate::console::workflow_commands(&github::add_mask(
                    connection.client.key().expose(),
                ));
            }
            for name in &secrets_used {
                if let Ok(value) = std::env::var(name) {
                    let _ = crate::console::workflow_commands(&github::add_mask(&value));
                }
            }
        }

        // Nothing is created before the reports and the state are known to be writable:
        // a run whose record would be lost is refused (exit 2) while no call is placed.
        if let Err(e) = outputs::preflight(&args.reports) {
            error(out, &e);
            return Ran::Stopped(crate::exit::USAGE);
        }
        let state = match args
            .state_path()
            .map(|path| StateFile::open_locked(&path, args.fresh))
        {
            None => None,
            Some(Ok(state)) => {
                // A re-run must not re-attach to the very runs it re-runs.
                state.forget_runs(&previous_run_ids);
                Some(Arc::new(state))
            }
            Some(Err(e)) => {
                error(out, &e.to_string());
                return Ran::Stopped(crate::exit::USAGE);
            }
        };

        let (trigger, cancel) = Cancel::new();
        cancel::listen_for_signals(trigger);
        let progress = Arc::new(Progress::auto(out.quiet));
        let options = RunOptions {
            jobs: usize::from(args.jobs),
            fail_fast: args.fail_fast,
            max_calls: args.max_calls,
            pacing: Pacing {
                time_scale: connection.time_scale,
                poll_interval: args.poll_interval,
                poll_floor: args.min_poll_interval,
                poll_ceiling: args.max_poll_interval,
                timeout: args.timeout,
                ..Pacing::default()
            },
        };
        let is_failure: Arc<runner::IsFailure> =
            Arc::new(|obs| gate::judge(obs.clone()).exit_code() != crate::exit::SUCCESS);
        let started = SystemTime::now();
        let mut followed = runner::run_suites(
            &connection.client,
            suites,
            &options,
            Arc::clone(&progress),
            cancel,
            is_failure,
            state.clone(),
        )
        .await;
        // Nothing of the progress display may stay on screen above the summary.
        progress.clear();
        if let Some(sim) = connection.sim {
            sim.shutdown().await;
        }
        let links = LinkPolicy::for_api(connection.client.base_url());
        // Results links the API did not give, as v2's `get_test_run_url` builds them.
        let base = connection.client.base_url().as_str();
        for f in &mut followed {
            let obs = &mut f.observation;
            env_config::fill_results_url(&env, base, obs.run_id.as_deref(), &mut obs.results_url);
        }

        let ended: Vec<(String, String, String)> = followed
            .iter()
            .filter_map(|f| {
                let obs = &f.observation;
                Some((
                    obs.suite.name.clone(),
                    obs.run_id.clone()?,
                    obs.observed_end()?.to_owned(),
                ))
            })
            .collect();
        let judged = followed
            .into_iter()
            .map(|f| match &f.skipped {
                Some(reason) => {
                    gate::not_run(&f.observation.suite, reason, f.observation.started_at)
                }
                None => gate::judge(f.observation),
            })
            .collect();
        let mut outcome = Outcome::new(source, started, SystemTime::now(), judged);
        // The suites that ran are compared with the baseline; those `--rerun-failed` did not
        // run again keep the outcome (and any comparison) they had. They passed, so they do
        // not change the verdict.
        args.baseline.compare(&mut outcome, baseline.as_ref());
        if !carried.is_empty() {
            outcome.suites.extend(carried);
            crate::outcome::in_file_order(&mut outcome.suites);
            outcome.refresh();
        }
        let code = outputs::emit_with(&outcome, &args.reports, out, links);
        // Only now, with the outcome reported, is a run's end "observed": a later attempt
        // starts new runs for these suites instead of re-attaching to ended ones.
        if let Some(state) = state
            && let Err(e) = state.mark_ended(&ended)
        {
            error(
                out,
                &format!("{e}; a re-run would re-attach to runs that have ended"),
            );
        }
        Ran::Reported(code)
    })
    .unwrap_or_else(Ran::Stopped)
}
