//! Connection flags shared by every command that talks to Hamming, and the simulator that
//! stands in for it under `--simulate`.

use std::path::PathBuf;
use std::time::Duration;

use crate::api::{self, ApiKey, Client, ClientOptions};
use crate::sim::{self, Seed, SeedAssertion, SimHandle, SimOptions, Workspace};
use crate::suite::{MetricBound, ResolvedSuite, Selection};

/// How much faster than real time the in-process simulator runs: a three-minute call takes
/// 300 ms, and the suite's timeouts and poll intervals shrink by the same factor.
pub const SIMULATE_SPEED: f64 = 600.0;

/// Where the API is and how to authenticate.
#[derive(Debug, Clone, Default, clap::Args)]
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
    #[arg(long, value_name = "DURATION", value_parser = parse_request_timeout, hide_short_help = true)]
    pub request_timeout: Option<Duration>,

    /// For testing and rehearsal only: multiply every retry wait and retry budget by FACTOR
    /// (0 < FACTOR ≤ 1), so a fault drill does not sit through real backoff. Never needed
    /// against the real API.
    #[arg(long, value_name = "FACTOR", value_parser = parse_retry_scale, hide_short_help = true)]
    pub retry_scale: Option<f64>,
}

/// Parses `--request-timeout`: a duration above zero.
fn parse_request_timeout(text: &str) -> Result<Duration, String> {
    match super::wait::parse_duration(text)? {
        d if d.is_zero() => Err("a request timeout of zero would fail every request".to_owned()),
        d => Ok(d),
    }
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
    /// is the caller's to fix.
    pub fn connect_or_report(&self, out: &super::Global) -> Result<Connection, u8> {
        self.connect(out.verbose > 0).map_err(|e| {
            super::output::error(out, &e.to_string());
            crate::exit::USAGE
        })
    }

    /// Connects to the real API (or the one `--api-base`, `HAMMING_API_BASE_URL` or
    /// `HAMMING_BASE_URL` names).
    pub fn connect(&self, verbose: bool) -> Result<Connection, ConnectError> {
        let key = ApiKey::from_env_or_file(self.api_key_file.as_deref())?;
        let base = match &self.api_base {
            Some(base) => base.clone(),
            None => {
                api::host::api_base_from_env()?.unwrap_or_else(|| api::DEFAULT_BASE_URL.to_owned())
            }
        };
        let base = api::parse_base_url(&base)?;
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

/// Starts the in-process simulator seeded from the suites (every agent, tag and test case
/// they name exists and passes) and connects to it with a throwaway key.
pub async fn simulate(
    suites: &[ResolvedSuite],
    verbose: bool,
    speed: f64,
) -> Result<Connection, ConnectError> {
    let speed = if speed.is_finite() && speed > 0.0 {
        speed
    } else {
        SIMULATE_SPEED
    };
    let handle = sim::start(
        Workspace::seeded(&seed_for(suites)),
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
    let key = ApiKey::new("sk-simulated-0000000000000000")?;
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

/// The simulator seeded from `suites` when `simulate` (announcing it on stderr), else the API
/// the connection flags name; on failure prints why and returns exit code 2.
pub async fn connect_or_simulate(
    args: &ConnectionArgs,
    simulate: Option<f64>,
    suites: &[ResolvedSuite],
    out: &super::Global,
) -> Result<Connection, u8> {
    let Some(speed) = simulate else {
        return args.connect_or_report(out);
    };
    eprintln!(
        "simulating: the Hamming simulator runs in-process, no key is used and no calls are placed (time runs {speed}x faster)"
    );
    self::simulate(suites, out.verbose > 0, speed)
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
    // Every seeded case carries one general assertion, so an assertion score exists.
    seed.assertions.push(SeedAssertion {
        name: "Completes the conversation".into(),
        category: Some("General".into()),
    });
    for suite in suites {
        let t = &suite.thresholds;
        let first_category = t.categories.keys().next().cloned();
        for name in &t.must_pass_assertions {
            push_assertion(&mut seed, name, first_category.clone());
        }
        for category in t.categories.keys() {
            if !seed
                .assertions
                .iter()
                .any(|a| a.category.as_deref() == Some(category))
            {
                push_assertion(
                    &mut seed,
                    &format!("{category} check"),
                    Some(category.clone()),
                );
            }
        }
        for (metric, bound) in &t.metrics {
            seed.metrics.entry(metric.clone()).or_insert(inside(bound));
        }
        push_unique(&mut seed.agents, &suite.agent_id);
        match &suite.selection {
            Selection::Tags(tags) => tags.iter().for_each(|t| push_unique(&mut seed.tags, t)),
            Selection::TestCases(cases) => cases
                .iter()
                .for_each(|c| push_unique(&mut seed.test_cases, &c.id)),
            Selection::Dataset(dataset) => push_unique(&mut seed.datasets, dataset),
            Selection::Expression(expression) => {
                expression
                    .named()
                    .for_each(|t| push_unique(&mut seed.tags, t));
                // One case carries every `all` tag and the first `any` tag, and no `none`
                // tag, so the expression selects it.
                let mut set: Vec<String> = expression.all().to_vec();
                set.extend(expression.any().first().cloned());
                seed.tag_sets.push(set);
            }
        }
    }
    seed
}

fn push_assertion(seed: &mut Seed, name: &str, category: Option<String>) {
    if !seed.assertions.iter().any(|a| a.name == name) {
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

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_owned());
    }
}
