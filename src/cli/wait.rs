//! `wait ID`: follow an existing run to its end and optionally pass its results on
//! (`--output -` writes them to stdout, so `wait ID --output - | check -` works as a pipe).
//! On timeout the partial results are written too, never an empty list. The timeout and
//! poll interval default to TIMEOUT_SECONDS and POLL_INTERVAL_SECONDS, as in Hamming's v2
//! wait script, whose optional second argument (the timeout in seconds) is accepted too.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use crate::api::wire::{RunStatus, looks_like_run_id};
use crate::outcome::{RunEnd, RunObservation};
use crate::runner::follow::{self, Context, Pacing};
use crate::runner::{Cancel, Progress, cancel};
use crate::suite::duration;
use crate::suite::resolve::{MAX_POLL_INTERVAL, MAX_TIMEOUT, MIN_POLL_INTERVAL, MIN_TIMEOUT};
use crate::untrusted::redact;

use super::connect::ConnectionArgs;
use super::env_config::{self, EnvArgs};
use super::output::{Output, error};

#[derive(Debug, Clone, clap::Args)]
pub struct WaitArgs {
    /// The test run id (as printed by `create`).
    pub run_id: String,

    /// The timeout in seconds, as the v2 wait script's second argument (same as --timeout).
    #[arg(value_name = "TIMEOUT_SECONDS", value_parser = parse_seconds, conflicts_with = "timeout")]
    pub timeout_seconds: Option<Duration>,

    /// How long to wait before giving up (exit 4, partial results still written), 1s to 48h
    /// [default: TIMEOUT_SECONDS, else 15m].
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,

    /// How often to ask for the run's status, 100ms to 10m [default: POLL_INTERVAL_SECONDS,
    /// else 10s].
    #[arg(long, value_name = "DURATION", value_parser = parse_poll_interval)]
    pub poll_interval: Option<Duration>,

    /// Write the results JSON, as the API sent it (with secrets redacted), to FILE (`-` for
    /// stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub env: EnvArgs,
}

/// Whole (or fractional) seconds, or a duration such as `15m`, within the timeout's range.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let parsed = match text.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 => {
            Duration::from_millis((secs * 1000.0).round() as u64)
        }
        Ok(_) => return Err(format!("`{text}` is not a positive number of seconds")),
        Err(_) => parse_duration(text)?,
    };
    within(parsed, text, (MIN_TIMEOUT, MAX_TIMEOUT))
}

/// Parses a human duration flag such as `15m` or `90s`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    duration::parse(text).map_err(|e| format!("invalid duration: {e}"))
}

/// Parses a timeout flag: a duration within the range a suite file allows (1s to 48h), so
/// the command line cannot do what the file may not (`--timeout 0s` would create a run and
/// abandon it at once).
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    within(parse_duration(text)?, text, (MIN_TIMEOUT, MAX_TIMEOUT))
}

/// Parses a poll-interval flag: a duration within the range a suite file allows (100ms to
/// 10m), so the command line cannot poll in a tight loop.
pub fn parse_poll_interval(text: &str) -> Result<Duration, String> {
    within(
        parse_duration(text)?,
        text,
        (MIN_POLL_INTERVAL, MAX_POLL_INTERVAL),
    )
}

fn within(
    value: Duration,
    text: &str,
    (min, max): (Duration, Duration),
) -> Result<Duration, String> {
    if value < min || value > max {
        return Err(format!(
            "`{}` is outside {} to {}, the range a suite file allows",
            text.trim(),
            duration::format(min),
            duration::format(max)
        ));
    }
    Ok(value)
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
    let connection = match args.connection.connect_or_report(out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    super::runtime::block_on(async {
        let (trigger, cancel) = Cancel::new();
        cancel::listen_for_signals(trigger);
        let progress = Progress::auto(false);
        let suite = super::check::bare_suite("wait", timeout, poll_interval);
        let mut results_url = None;
        env_config::fill_results_url(
            &env,
            connection.client.base_url().as_str(),
            Some(&args.run_id),
            &mut results_url,
        );
        crate::console::err(&format!(
            "waiting for run {} (timeout {}, polling every {}){}",
            args.run_id,
            duration::format(timeout),
            duration::format(poll_interval),
            results_url
                .as_deref()
                .map(|u| format!(": {u}"))
                .unwrap_or_default()
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
        let (followed, mut raw) = follow::attach(&ctx, observation, Instant::now()).await;
        // Passed on as the server sent it, but never with a secret in it.
        if let Some(raw) = &mut raw {
            redact::redact_json(raw);
        }
        let obs = followed.observation;
        if let (Some(path), Some(raw)) = (&args.output, &raw)
            && let Err(e) = super::outputs::write_json_value(path, raw)
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
        match &obs.end {
            RunEnd::Finished if obs.last_status == Some(RunStatus::Completed) => {
                crate::console::err(&format!("run {} completed", args.run_id));
                crate::exit::SUCCESS
            }
            RunEnd::Finished => {
                error(out, &format!("run {} ended {status}", args.run_id));
                crate::exit::PLATFORM
            }
            RunEnd::TimedOut => {
                error(
                    out,
                    &format!(
                        "run {} still {status} after {}; partial results {}",
                        args.run_id,
                        duration::format(timeout),
                        if raw.is_some() {
                            "were written"
                        } else {
                            "could not be fetched"
                        }
                    ),
                );
                crate::exit::TIMEOUT
            }
            RunEnd::Interrupted => crate::exit::INTERRUPTED,
            RunEnd::PlatformError { message } | RunEnd::NotStarted { message } => {
                error(out, message);
                crate::exit::PLATFORM
            }
        }
    })
}
