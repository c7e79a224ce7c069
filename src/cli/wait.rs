//! `wait ID`: follow an existing run to its end and optionally pass its results on
//! (`--output -` writes them to stdout, so `wait ID --output - | check -` works as a pipe).
//! On timeout the partial results are written too, never an empty list. The timeout and
//! poll interval default to TIMEOUT_SECONDS and POLL_INTERVAL_SECONDS, as in Hamming's v2
//! wait script, whose optional second argument (the timeout in seconds) is accepted too.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::api::wire::{RunStatus, looks_like_run_id};
use crate::outcome::{RunEnd, RunObservation};
use crate::runner::follow::{self, Context, FirstLook, Keep, Pacing};
use crate::runner::{Cancel, Progress, cancel};
use crate::suite::ResolvedSuite;
use crate::suite::duration::{self, parse_poll_interval_flag, parse_timeout_flag};

use super::connect::ConnectionArgs;
use super::env_config::{self, EnvArgs};
use super::output::{Output, error, error_with_help};

mod pass_on;

#[derive(Debug, Clone, clap::Args)]
pub struct WaitArgs {
    /// The test run id (as printed by `create`).
    pub run_id: String,

    /// The timeout in seconds, as the v2 wait script's second argument (same as --timeout).
    #[arg(
        value_name = "TIMEOUT_SECONDS",
        value_parser = duration::parse_timeout_seconds,
        conflicts_with = "timeout"
    )]
    pub timeout_seconds: Option<Duration>,

    /// How long to wait before giving up (exit 4, partial results still written), 1s to 48h
    /// [default: TIMEOUT_SECONDS, else 15m].
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout_flag, help_heading = "Pacing")]
    pub timeout: Option<Duration>,

    /// How often to ask for the run's status, 100ms to 10m [default: POLL_INTERVAL_SECONDS,
    /// else 10s].
    #[arg(long, value_name = "DURATION", value_parser = parse_poll_interval_flag, help_heading = "Pacing")]
    pub poll_interval: Option<Duration>,

    /// Write the results JSON, as the API sent it (with secrets redacted), to FILE (`-` for
    /// stdout).
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Reports")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub env: EnvArgs,
}

pub fn run(args: WaitArgs, out: &Output) -> u8 {
    if !looks_like_run_id(&args.run_id) {
        error(
            out,
            &format!(
                "`{}` does not look like a run id (letters, digits, `-` and `_`, as `create` prints it); check the argument",
                args.run_id
            ),
        );
        return crate::exit::USAGE;
    }
    let env = match env_config::read(&args.env, out) {
        Ok(env) => env,
        Err(code) => return code,
    };
    let timeout = args.timeout.or(args.timeout_seconds).unwrap_or(env.timeout);
    let poll_interval = args.poll_interval.unwrap_or(env.poll_interval);
    let connection = match args.connection.connect_or_report(out, None) {
        Ok(c) => c,
        Err(code) => return code,
    };
    super::runtime::block_on(async {
        let (trigger, cancel) = Cancel::new();
        cancel::listen_for_signals(trigger);
        let progress = Progress::auto(out.quiet);
        let suite = ResolvedSuite::bare("wait", timeout, poll_interval);
        let mut results_url = None;
        env_config::fill_results_url(
            &env,
            connection.client.base_url().as_str(),
            Some(&args.run_id),
            &mut results_url,
        );
        let link = results_url
            .as_deref()
            .map(|u| format!(": {u}"))
            .unwrap_or_default();
        out.info(&format!(
            "waiting for run {} (timeout {}, polling every {}){link}",
            args.run_id,
            duration::format(timeout),
            duration::format(poll_interval),
        ));
        let ctx = Context {
            client: &connection.client,
            progress: &progress,
            cancel,
            pacing: Pacing::default(),
            max_calls: None,
            state: None,
        };
        let observation = RunObservation {
            suite,
            run_id: Some(args.run_id.clone()),
            results_url,
            last_status: None,
            results: None,
            end: RunEnd::Finished,
            started_at: SystemTime::now(),
            elapsed: Duration::ZERO,
            case_titles: Default::default(),
            follow_ups: Vec::new(),
        };
        // The run exists already and may have ended: look at once. The body's text is
        // kept only when it is passed on.
        let keep = match args.output {
            Some(_) => Keep::Text,
            None => Keep::Parsed,
        };
        let (followed, raw) =
            follow::attach(&ctx, observation, Instant::now(), FirstLook::AtOnce, keep).await;
        let mut obs = followed.observation;
        // Only the status and the end are read from here on.
        obs.results = None;
        // Passed on as the server sent it, but never with a secret in it.
        if let (Some(path), Some(raw)) = (&args.output, &raw)
            && let Err(e) = write_results(path, raw)
        {
            error(
                out,
                &format!("cannot write the results to {}: {e}", path.display()),
            );
            return crate::exit::PLATFORM;
        }
        let status = obs
            .last_status
            .as_ref()
            .map(RunStatus::as_str)
            .unwrap_or("unknown");
        let goes_on = format!(
            "run {} goes on on Hamming and its calls are still placed (and billed){link}",
            args.run_id
        );
        let again = format!("follow it again with `hamming-runner wait {}`", args.run_id);
        match &obs.end {
            RunEnd::Finished if obs.last_status == Some(RunStatus::Completed) => {
                out.info(&format!("run {} completed", args.run_id));
                crate::exit::SUCCESS
            }
            RunEnd::Finished => {
                error(out, &format!("run {} ended {status}", args.run_id));
                crate::exit::PLATFORM
            }
            RunEnd::TimedOut => {
                error_with_help(
                    out,
                    &format!(
                        "run {} still {status} after {}; partial results {}; {goes_on}",
                        args.run_id,
                        duration::format(timeout),
                        if raw.is_some() {
                            "were written"
                        } else {
                            "could not be fetched"
                        }
                    ),
                    Some(&again),
                );
                crate::exit::TIMEOUT
            }
            RunEnd::Interrupted => {
                error_with_help(out, &format!("interrupted: {goes_on}"), Some(&again));
                crate::exit::INTERRUPTED
            }
            RunEnd::PlatformError { message }
            | RunEnd::NotStarted { message }
            | RunEnd::Refused { message } => {
                error(out, message);
                crate::exit::PLATFORM
            }
        }
    })
}

/// Writes the results body to `path` (`-` for stdout): as the server sent it, redacted and
/// indented.
fn write_results(path: &Path, text: &str) -> std::io::Result<()> {
    if path.as_os_str() == "-" {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        pass_on::write_redacted(text, &mut out)?;
        out.flush()
    } else {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        crate::report::atomic::write_atomic(path, |w| pass_on::write_redacted(text, w))
    }
}
