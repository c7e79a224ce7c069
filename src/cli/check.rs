//! `check ID|FILE|-`: judge a run's results against thresholds, from a run id (fetched), a
//! saved results file, or stdin (`wait ID --output - | check -`). Thresholds come from a
//! suite in a suite file, or else from MIN_TEST_PASS_RATE and MIN_ASSERTION_PASS_RATE with
//! the defaults of Hamming's v2 check script; flags override either.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::api::wire::{ResultsBody, RunStatus, looks_like_run_id};
use crate::gate;
use crate::outcome::{Outcome, RunEnd, RunObservation};
use crate::suite::{NoAssertions, ResolvedSuite};
use crate::untrusted::LinkPolicy;

use super::baseline::BaselineArgs;
use super::connect::ConnectionArgs;
use super::env_config::{self, EnvArgs};
use super::load_args::LoadArgs;
use super::output::{Output, error};
use super::outputs::{self, ReportArgs};

#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// A test run id, a results JSON file, or `-` to read the results from stdin.
    pub source: String,

    /// Take the thresholds from a suite in this suite file.
    #[arg(long, value_name = "FILE", help_heading = "Thresholds")]
    pub suite_file: Option<PathBuf>,

    /// The suite whose thresholds apply; required when the file defines more than one.
    #[arg(
        long,
        value_name = "NAME",
        requires = "suite_file",
        help_heading = "Thresholds"
    )]
    pub suite: Option<String>,

    /// Minimum share of calls that must pass [default: MIN_TEST_PASS_RATE, else 1.0, or the
    /// suite's].
    #[arg(long, value_name = "RATE", value_parser = parse_rate, help_heading = "Thresholds")]
    pub min_test_pass_rate: Option<f64>,

    /// Minimum overall assertion score, 0 to 1 [default: MIN_ASSERTION_PASS_RATE, else 1.0,
    /// or the suite's].
    #[arg(long, alias = "min-assertion-pass-rate", value_name = "SCORE", value_parser = parse_rate, help_heading = "Thresholds")]
    pub min_assertion_score: Option<f64>,

    /// What an assertion threshold does when no assertions are configured [default: skip, as
    /// Hamming's v2 check does, or the suite's].
    #[arg(long, value_name = "POLICY", value_parser = parse_no_assertions, help_heading = "Thresholds")]
    pub no_assertions: Option<NoAssertions>,

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
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(v) => Err(format!("{v} is outside 0 to 1; write a share such as 0.9")),
        Err(_) => Err(format!(
            "`{text}` is not a number; write a share such as 0.9"
        )),
    }
}

fn parse_no_assertions(text: &str) -> Result<NoAssertions, String> {
    match text {
        "fail" => Ok(NoAssertions::Fail),
        "skip" => Ok(NoAssertions::Skip),
        other => Err(format!("`{other}` is not a policy; use `fail` or `skip`")),
    }
}

pub fn run(mut args: CheckArgs, out: &Output) -> u8 {
    if let Err(code) = args.reports.resolve_or_report(out) {
        return code;
    }
    let (mut suite, env) = match &args.suite_file {
        Some(path) => {
            if let Err(code) = env_config::load_dotenv(&args.env.dotenv, false, out) {
                return code;
            }
            let links = match env_config::links(&args.env, out) {
                Ok(links) => links,
                Err(code) => return code,
            };
            match suite_from_file(path, &args, out) {
                Ok(s) => (s, links),
                Err(code) => return code,
            }
        }
        None => match env_config::read(&args.env, out) {
            Ok(env) => {
                let mut suite = ResolvedSuite::bare("check", env.timeout, env.poll_interval);
                suite.thresholds = env.thresholds();
                (suite, env)
            }
            Err(code) => return code,
        },
    };
    if let Some(rate) = args.min_test_pass_rate {
        suite.thresholds.min_test_pass_rate = rate;
    }
    if let Some(score) = args.min_assertion_score {
        suite.thresholds.min_assertion_score = Some(score);
    }
    if let Some(policy) = args.no_assertions {
        suite.thresholds.no_assertions = policy;
    }

    let baseline = match args.baseline.read(out) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let started = SystemTime::now();
    let (run_id, status, results) = match read_source(&args, out) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let end = match status.as_ref() {
        // The pseudo-statuses Hamming's v2 wait script writes when it gives up.
        Some(RunStatus::Other(s)) if s.eq_ignore_ascii_case("TIMEOUT") => RunEnd::TimedOut,
        Some(RunStatus::Other(s)) if s.eq_ignore_ascii_case("NOT_FOUND") => RunEnd::PlatformError {
            message: format!(
                "the results say run {} was not found; check the run id",
                run_id.as_deref().unwrap_or("?")
            ),
        },
        Some(s) if !s.is_terminal() => {
            error(
                out,
                &format!(
                    "run {} is still {}; wait for it first: hamming-runner wait {} --output - | hamming-runner check -",
                    run_id.as_deref().unwrap_or("?"),
                    s.as_str(),
                    run_id.as_deref().unwrap_or("RUN_ID")
                ),
            );
            return crate::exit::USAGE;
        }
        _ => RunEnd::Finished,
    };
    // Links follow the API the flags and the environment name, by the same rule as `run`.
    let base = match args.connection.api_base() {
        Ok(base) => base,
        Err(e) => {
            error(out, &e.to_string());
            return crate::exit::USAGE;
        }
    };
    let mut results_url = None;
    env_config::fill_results_url(&env, &base, run_id.as_deref(), &mut results_url);
    let observation = RunObservation {
        suite,
        run_id,
        results_url,
        last_status: status,
        results: Some(results),
        end,
        started_at: started,
        elapsed: Duration::ZERO,
        case_titles: Default::default(),
        follow_ups: Vec::new(),
    };
    let source = args
        .suite_file
        .as_deref()
        .unwrap_or(Path::new(&args.source));
    let mut outcome = Outcome::new(
        source.display().to_string(),
        started,
        SystemTime::now(),
        vec![gate::judge(observation)],
    );
    args.baseline.compare(&mut outcome, baseline.as_ref());
    let links = LinkPolicy::for_api_text(&base);
    outputs::emit_with(&outcome, &args.reports, out, links)
}

fn suite_from_file(path: &Path, args: &CheckArgs, out: &Output) -> Result<ResolvedSuite, u8> {
    let loaded = super::suites::load(path, &args.load.options(), &args.env.dotenv, out)?;
    let names: Vec<String> = args.suite.iter().cloned().collect();
    let suites = super::suites::select(&loaded, &names, out)?;
    for warning in super::quarantine::expired(&loaded, &suites, args.load.today()) {
        crate::console::err_raw(&warning.render_warning(out.color));
    }
    match <[ResolvedSuite; 1]>::try_from(suites) {
        Ok([suite]) => Ok(suite),
        Err(suites) => {
            let names: Vec<&str> = suites.iter().map(|s| s.name.as_str()).collect();
            error(
                out,
                &format!(
                    "{} defines {} suites ({}); pick the one whose thresholds apply with --suite NAME",
                    path.display(),
                    names.len(),
                    names.join(", ")
                ),
            );
            Err(crate::exit::USAGE)
        }
    }
}

type Read3 = (Option<String>, Option<RunStatus>, ResultsBody);

/// Reads the results from stdin, a file, or the API (when the source is neither).
fn read_source(args: &CheckArgs, out: &Output) -> Result<Read3, u8> {
    let origin = if args.source == "-" {
        "stdin"
    } else {
        args.source.as_str()
    };
    let bytes = if args.source == "-" {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            error(out, &format!("cannot read the results from stdin: {e}"));
            return Err(crate::exit::USAGE);
        }
        bytes
    } else if Path::new(&args.source).is_file() {
        match std::fs::read(&args.source) {
            Ok(bytes) => bytes,
            Err(e) => {
                error(out, &format!("cannot read {}: {e}", args.source));
                return Err(crate::exit::USAGE);
            }
        }
    } else {
        return fetch(args, out);
    };
    // Taken over as text without a copy; JSON is UTF-8.
    let text = String::from_utf8(bytes).map_err(|e| {
        let place = if args.source == "-" {
            "the results from stdin".to_owned()
        } else {
            args.source.clone()
        };
        error(
            out,
            &format!(
                "cannot read {place}: the byte at offset {} is not UTF-8, and JSON results are UTF-8 text",
                e.utf8_error().valid_up_to()
            ),
        );
        crate::exit::USAGE
    })?;
    // Read once, typed, straight from the text: a results file can run to tens of megabytes.
    let results = ResultsBody::read(&text).map_err(|e| {
        error(
            out,
            &format!(
                "the results from {origin} are not JSON ({e}); pass the output of `hamming-runner wait ID --output -` or a saved results file"
            ),
        );
        crate::exit::USAGE
    })?;
    if is_runner_report(&text) {
        let file = if args.source == "-" {
            "FILE.json"
        } else {
            args.source.as_str()
        };
        error(
            out,
            &format!(
                "{origin} is a hamming-runner JSON report, not the results of a run: `check` judges a run's results (as `hamming-runner wait ID --output FILE` writes them). To re-render a saved report, with its verdicts checked again, run: hamming-runner report {file}"
            ),
        );
        return Err(crate::exit::USAGE);
    }
    let summary = results.summary.clone().unwrap_or_default();
    let status = summary.status.as_deref().map(RunStatus::parse);
    Ok((summary.id, status, results))
}

/// Whether a JSON text is one of this tool's own reports rather than a run's results: an
/// object with `schema_version` and `tool.name` naming this tool. Read without holding the
/// text as a value; anything of another shape is not a report.
fn is_runner_report(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "present")]
        schema_version: bool,
        #[serde(default)]
        tool: Option<serde_json::Map<String, serde_json::Value>>,
    }
    fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| true)
    }
    use serde::Deserialize;
    if !text.trim_start().starts_with('{') {
        return false;
    }
    serde_json::from_str::<Probe>(text).is_ok_and(|probe| {
        probe.schema_version
            && probe
                .tool
                .as_ref()
                .and_then(|tool| tool.get("name"))
                .and_then(serde_json::Value::as_str)
                == Some(env!("CARGO_PKG_NAME"))
    })
}

fn fetch(args: &CheckArgs, out: &Output) -> Result<Read3, u8> {
    let run_id = args.source.clone();
    if !looks_like_run_id(&run_id) {
        error(
            out,
            &format!(
                "`{run_id}` is not a file, and does not look like a run id (letters, digits, `-` and `_`); check the path"
            ),
        );
        return Err(crate::exit::USAGE);
    }
    let connection = args.connection.connect_or_report(out, None)?;
    let mut fetched = None;
    let code = super::runtime::block_on(async {
        let status = connection.client.status(&run_id).await;
        let results = connection.client.results(&run_id).await;
        match (status, results) {
            (Ok(status), Ok(results)) => {
                fetched = Some((status.status.as_deref().map(RunStatus::parse), results));
                crate::exit::SUCCESS
            }
            (Err(e), _) | (_, Err(e)) => {
                error(
                    out,
                    &format!("cannot read the results of run {run_id}: {e}"),
                );
                e.exit_code()
            }
        }
    });
    match fetched {
        Some((status, results)) => Ok((Some(run_id), status, results)),
        None => Err(code),
    }
}
