//! Connection flags shared by every command that talks to Hamming, and the simulator that
//! stands in for it under `--simulate`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use crate::api::{self, ApiKey, Client, ClientOptions};
use crate::sim::{self, Seed, SeedAssertion, SimHandle, SimOptions, Workspace};
use crate::suite::duration;
use crate::suite::{MetricBound, ResolvedSuite, Selection};

/// How much faster than real time the in-process simulator runs: a three-minute call takes
/// 300 ms, and the suite's timeouts and poll intervals shrink by the same factor.
pub const SIMULATE_SPEED: f64 = 600.0;

/// Where the API is and how to authenticate.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnectionArgs {
    /// Base URL of the Hamming REST API [env: HAMMING_API_BASE_URL, else HAMMING_BASE_URL (the host) + /api/rest] [default: https://app.hamming.ai/api/rest].
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,

    /// Read the API key from this file instead of HAMMING_API_KEY. The key is never taken
    /// from the command line, where shell history and process listings would keep it.
    #[arg(long, value_name = "FILE")]
    pub api_key_file: Option<PathBuf>,

    /// Advanced: give up on a single HTTP request after this long [default: 30s]. A read that
    /// times out is retried; a create that times out is not (it may have placed calls).
    #[arg(long, value_name = "DURATION", value_parser = duration::parse_positive_flag, hide_short_help = true)]
    pub request_timeout: Option<Duration>,

    /// For testing and rehearsal only: multiply every retry wait and retry budget by FACTOR
    /// (0 < FACTOR ≤ 1), so a fault drill does not sit through real backoff. Never needed
    /// against the real API, so never shown in --help.
    #[arg(long, value_name = "FACTOR", value_parser = parse_retry_scale, hide = true)]
    pub retry_scale: Option<f64>,
}

/// Parses `--retry-scale`: a factor in (0, 1].
fn parse_retry_scale(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(f) if f > 0.0 && f <= 1.0 => Ok(f),
        _ => Err(format!(
            "`{text}` is not a factor between 0 (exclusive) and 1, such as 0.01"
        )),
    }
}

/// A client, and the simulator behind it when simulating.
pub struct Connection {
    pub client: Client,
    /// Keeps the in-process simulator alive for as long as the connection.
    pub sim: Option<SimHandle>,
    /// 1.0 against the real API; 1/speed under the simulator.
    pub time_scale: f64,
}

/// Why no connection could be set up; all are usage errors (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Key(#[from] api::key::KeyError),
    #[error(transparent)]
    BaseUrl(#[from] api::client::BaseUrlError),
    #[error(transparent)]
    Host(#[from] api::host::HostError),
    #[error("{0}")]
    Api(#[from] api::ApiError),
    #[error("cannot start the simulator: {0}")]
    Simulator(String),
}

impl ConnectionArgs {
    /// Connects, or prints why not and returns exit code 2: a missing key or a bad base URL
    /// is the caller's to fix. `without_key` is what the command offers instead of a key
    /// (`run` and `plan` can rehearse against the simulator), said when the key is missing.
    pub fn connect_or_report(
        &self,
        out: &super::output::Output,
        without_key: Option<&str>,
    ) -> Result<Connection, u8> {
        self.connect(out.verbose).map_err(|e| {
            let help = match &e {
                ConnectError::Key(api::key::KeyError::Missing | api::key::KeyError::Empty) => {
                    without_key
                }
                _ => None,
            };
            super::output::error_with_help(out, &e.to_string(), help);
            crate::exit::USAGE
        })
    }

    /// The API base these flags and the environment name: `--api-base`, else
    /// HAMMING_API_BASE_URL, else HAMMING_BASE_URL with /api/rest, else Hamming's. `run`
    /// connects to it and `check` builds its links from it, by the same rule.
    pub fn api_base(&self) -> Result<String, ConnectError> {
        Ok(match &self.api_base {
            Some(base) => base.clone(),
            None => {
                api::host::api_base_from_env()?.unwrap_or_else(|| api::DEFAULT_BASE_URL.to_owned())
            }
        })
    }

    /// Connects to the real API (or the one `--api-base`, `HAMMING_API_BASE_URL` or
    /// `HAMMING_BASE_URL` names).
    pub fn connect(&self, verbose: u8) -> Result<Connection, ConnectError> {
        let key = ApiKey::from_env_or_file(self.api_key_file.as_deref())?;
        crate::untrusted::redact::register(key.expose());
        let base = api::parse_base_url(&self.api_base()?)?;
        let defaults = ClientOptions::default();
        let scale = self.retry_scale.unwrap_or(1.0);
        let client = Client::new(
            base,
            key,
            ClientOptions {
                verbose,
                request_timeout: self.request_timeout.unwrap_or(defaults.request_timeout),
                reads: defaults.reads.scaled(scale),
                create: defaults.create.scaled(scale),
                ..defaults
            },
        )?;
        Ok(Connection {
            client,
            sim: None,
            time_scale: 1.0,
        })
    }
}

/// `--simulate` and its companions, for the commands that can rehearse against the
/// built-in simulator (`run`, `plan`).
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Simulator")]
pub struct SimulateArgs {
    /// Rehearse against the built-in simulator, seeded from the suite file (every agent, tag
    /// and test case it names exists and passes): no key, no calls placed, time compressed
    /// 600x.
    #[arg(long)]
    pub simulate: bool,

    /// With --simulate: serve this simulator workspace file instead (agents, tags, test
    /// cases and how each call ends; see docs/simulator.md), to rehearse failures: a failing
    /// case, a run that ends FAILED, an unknown agent.
    #[arg(long, value_name = "FILE", requires = "simulate")]
    pub simulate_workspace: Option<PathBuf>,

    /// Simulated seconds per real second under --simulate [default: the workspace's
    /// `speed`, else 600] (for benchmarks and rehearsals that want calls to take no time).
    #[arg(long, hide = true, value_name = "X")]
    pub simulate_speed: Option<f64>,
}

/// Starts the in-process simulator on `workspace` and connects to it with a key it accepts.
pub async fn simulate(
    workspace: Workspace,
    verbose: u8,
    speed: Option<f64>,
) -> Result<Connection, ConnectError> {
    let speed = speed
        .or(workspace.speed)
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(SIMULATE_SPEED);
    // A workspace that names its keys accepts only those; any other accepts any key.
    let key = workspace
        .api_keys
        .as_ref()
        .and_then(|keys| keys.first().cloned())
        .unwrap_or_else(|| "sk-simulated-0000000000000000".to_owned());
    let handle = sim::start(
        workspace,
        SimOptions {
            speed: Some(speed),
            seed: None,
            record: None,
            port: 0,
        },
    )
    .await
    .map_err(|e| ConnectError::Simulator(e.to_string()))?;
    let base = api::parse_base_url(&handle.base_url())?;
    let key = ApiKey::new(key)?;
    let scale = 1.0 / speed;
    let reads = api::retry::RetryPolicy::READS.scaled(scale.clamp(0.0001, 0.01));
    let create = api::retry::RetryPolicy::CREATE.scaled(scale.clamp(0.0001, 0.01));
    let client = Client::new(
        base,
        key,
        ClientOptions {
            verbose,
            reads,
            create,
            request_timeout: Duration::from_secs(10),
            ..ClientOptions::default()
        },
    )?;
    Ok(Connection {
        client,
        sim: Some(handle),
        time_scale: scale,
    })
}

/// The simulator when `--simulate` (announcing it on stderr): on the `--simulate-workspace`
/// file, else seeded from `suites`; else the API the connection flags name. On failure
/// prints why and returns exit code 2.
pub async fn connect_or_simulate(
    args: &ConnectionArgs,
    simulate: &SimulateArgs,
    suites: &[ResolvedSuite],
    out: &super::output::Output,
) -> Result<Connection, u8> {
    if !simulate.simulate {
        return args.connect_or_report(
            out,
            Some("to try it without a key and without placing calls, add --simulate"),
        );
    }
    let workspace = match &simulate.simulate_workspace {
        None => Workspace::seeded(&seed_for(suites)),
        Some(path) => match Workspace::load(path) {
            Ok(workspace) => workspace,
            Err(sim::WorkspaceError::File(diagnostics)) => {
                super::output::diagnostics(out, &diagnostics);
                return Err(crate::exit::USAGE);
            }
            Err(other) => {
                super::output::error(out, &other.to_string());
                return Err(crate::exit::USAGE);
            }
        },
    };
    let what = match &simulate.simulate_workspace {
        Some(path) => format!("on {}", path.display()),
        None => "seeded from the suite file".to_owned(),
    };
    out.info(&format!(
        "simulating: the Hamming simulator runs in-process {what}; no key is used and no calls are placed"
    ));
    self::simulate(workspace, out.verbose, simulate.simulate_speed)
        .await
        .map_err(|e| {
            super::output::error(out, &e.to_string());
            crate::exit::USAGE
        })
}

/// Everything the suites reference, for seeding the simulator: agents, tags and test cases,
/// and on every case the assertions, categories and metrics the thresholds name, with values
/// inside their bounds, so a rehearsal passes unless the simulator is told otherwise.
pub fn seed_for(suites: &[ResolvedSuite]) -> Seed {
    let mut seed = Seed::default();
    let mut assertions = HashSet::new();
    let mut categories = HashSet::new();
    // Every seeded case carries one general assertion, so an assertion score exists.
    push_assertion(
        &mut seed,
        &mut assertions,
        &mut categories,
        "Completes the conversation",
        Some("General".into()),
    );
    for suite in suites {
        let t = &suite.thresholds;
        let first_category = t.categories.keys().next().cloned();
        for name in &t.must_pass_assertions {
            push_assertion(
                &mut seed,
                &mut assertions,
                &mut categories,
                name,
                first_category.clone(),
            );
        }
        for category in t.categories.keys() {
            if !categories.contains(category.as_str()) {
                push_assertion(
                    &mut seed,
                    &mut assertions,
                    &mut categories,
                    &format!("{category} check"),
                    Some(category.clone()),
                );
            }
        }
        for (metric, bound) in &t.metrics {
            seed.metrics.entry(metric.clone()).or_insert(inside(bound));
        }
        seed.agents.push(suite.agent_id.clone());
        match &suite.selection {
            Selection::Tags(tags) => seed.tags.extend(tags.iter().cloned()),
            Selection::TestCases(cases) => {
                seed.test_cases.extend(cases.iter().map(|c| c.id.clone()));
            }
            Selection::Dataset(dataset) => seed.datasets.push(dataset.clone()),
            Selection::Expression(expression) => {
                seed.tags.extend(expression.named().cloned());
                // One case carries every `all` tag and the first `any` tag, and no `none`
                // tag, so the expression selects it.
                let mut set: Vec<String> = expression.all().to_vec();
                set.extend(expression.any().first().cloned());
                seed.tag_sets.push(set);
            }
        }
    }
    for list in [
        &mut seed.agents,
        &mut seed.tags,
        &mut seed.test_cases,
        &mut seed.datasets,
    ] {
        let mut seen = HashSet::new();
        list.retain(|item| seen.insert(item.clone()));
    }
    seed
}

/// Adds an assertion unless one of that name is already seeded.
fn push_assertion(
    seed: &mut Seed,
    names: &mut HashSet<String>,
    categories: &mut HashSet<String>,
    name: &str,
    category: Option<String>,
) {
    if names.insert(name.to_owned()) {
        categories.extend(category.clone());
        seed.assertions.push(SeedAssertion {
            name: name.to_owned(),
            category,
        });
    }
}

/// A value comfortably inside a metric's bounds.
fn inside(bound: &MetricBound) -> f64 {
    match (bound.min, bound.max) {
        (Some(min), Some(max)) => (min + max) / 2.0,
        (None, Some(max)) => max * 0.8,
        (Some(min), None) => min.abs() * 1.25 + 1.0,
        (None, None) => 1.0,
    }
}
