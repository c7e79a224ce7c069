//! The environment Hamming's v2 CI scripts read, read the same way: the same variables,
//! meanings and defaults, so that switching to `hamming-runner` is a one-line change. Unlike
//! the scripts, a malformed value or a mistyped name is an error naming the variable, never a
//! silent default.
//!
//! `dotenv` reads `.env` files; `typos` finds mistyped names; `suite` turns the settings
//! into a `ResolvedSuite` and into the equivalent suite file.

pub mod dotenv;
pub mod suite;
pub mod typos;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::suite::phone;
use crate::suite::resolve::{
    DEFAULT_MIN_TEST_PASS_RATE, DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT, MAX_POLL_INTERVAL,
    MAX_TIMEOUT, MIN_POLL_INTERVAL, MIN_TIMEOUT,
};

pub use dotenv::DotenvError;

/// Every variable the v2 scripts read, with what it means; `.env.example` lists the same.
pub const VARIABLES: &[(&str, &str)] = &[
    ("HAMMING_API_KEY", "the API key (secret)"),
    (
        "HAMMING_API_BASE_URL",
        "the REST API [default: https://app.hamming.ai/api/rest]",
    ),
    (
        "HAMMING_BASE_URL",
        "Hamming's host, as Hamming's LiveKit plugin reads it; /api/rest is appended [used when HAMMING_API_BASE_URL is unset]",
    ),
    (
        "HAMMING_UI_BASE_URL",
        "the web UI, for results links [default: the API base without /api/rest]",
    ),
    ("AGENT_ID", "the agent under test"),
    ("TAG_IDS", "comma-separated tag ids or names"),
    ("TEST_CASE_IDS", "comma-separated test case ids"),
    ("PHONE_NUMBERS", "comma-separated E.164 numbers"),
    (
        "POLL_INTERVAL_SECONDS",
        "seconds between polls [default: 10]",
    ),
    ("TIMEOUT_SECONDS", "seconds before giving up [default: 900]"),
    (
        "MIN_TEST_PASS_RATE",
        "share of calls that must pass [default: 1.0]",
    ),
    (
        "MIN_ASSERTION_PASS_RATE",
        "minimum assertion score, 0 to 1 [default: 1.0]",
    ),
];

/// The default share of the assertion score, as in the v2 check script.
pub const DEFAULT_MIN_ASSERTION_PASS_RATE: f64 = 1.0;

/// A snapshot of the environment: name → value. Names and values that are not UTF-8 are
/// left out; none of the variables read here can be such.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars(pub BTreeMap<String, String>);

impl Vars {
    /// The process environment as it is now.
    pub fn from_process() -> Self {
        Self(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        )
    }

    /// From name/value pairs (tests, and the `.env` overlay).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// The value of `name`; an empty value counts as unset, as in the v2 scripts (and as
    /// GitHub Actions passes an input nobody gave).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }
}

/// Which test cases the environment selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvSelection {
    /// From `TAG_IDS`: tag ids (or, beyond v2, tag names).
    Tags(Vec<String>),
    /// From `TEST_CASE_IDS`.
    TestCases(Vec<String>),
}

/// The v2 settings, each present value checked, defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct V2Env {
    pub agent_id: Option<String>,
    pub selection: Option<EnvSelection>,
    pub phone_numbers: Option<Vec<String>>,
    pub poll_interval: Duration,
    pub timeout: Duration,
    pub min_test_pass_rate: f64,
    pub min_assertion_pass_rate: f64,
    pub api_base_url: Option<String>,
    pub ui_base_url: Option<String>,
}

/// What is wrong with the environment. Values are shown only for variables that are never
/// secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvError {
    #[error("{name}={value:?} {problem}")]
    Malformed {
        name: &'static str,
        value: String,
        problem: String,
    },
    #[error(
        "{found} is set, which hamming-runner does not read; did you mean {known}? rename it (a misspelt name would otherwise fall back to a default)"
    )]
    Mistyped { found: String, known: &'static str },
    #[error("TAG_IDS and TEST_CASE_IDS are both set; select by one of them and unset the other")]
    BothSelections,
    #[error("{names} not set; {hint}")]
    Missing { names: String, hint: String },
    #[error(transparent)]
    Dotenv(#[from] DotenvError),
}

impl V2Env {
    /// Reads every v2 variable present in `vars`, reporting every problem at once:
    /// malformed values and mistyped names alike.
    pub fn read(vars: &Vars) -> Result<Self, Vec<EnvError>> {
        let mut errors: Vec<EnvError> = typos::mistyped(vars);

        let agent_id = vars.get("AGENT_ID").map(|v| v.trim().to_owned());
        let tags = keep(&mut errors, list(vars, "TAG_IDS")).flatten();
        let cases = keep(&mut errors, list(vars, "TEST_CASE_IDS")).flatten();
        let selection = match (tags, cases) {
            (Some(_), Some(_)) => {
                errors.push(EnvError::BothSelections);
                None
            }
            (Some(tags), None) => Some(EnvSelection::Tags(tags)),
            (None, Some(cases)) => Some(EnvSelection::TestCases(cases)),
            (None, None) => None,
        };
        let phone_numbers = keep(&mut errors, phone_numbers(vars)).flatten();
        let poll_interval = keep(
            &mut errors,
            seconds(
                vars,
                "POLL_INTERVAL_SECONDS",
                DEFAULT_POLL_INTERVAL,
                (MIN_POLL_INTERVAL, MAX_POLL_INTERVAL),
            ),
        );
        let timeout = keep(
            &mut errors,
            seconds(
                vars,
                "TIMEOUT_SECONDS",
                DEFAULT_TIMEOUT,
                (MIN_TIMEOUT, MAX_TIMEOUT),
            ),
        );
        let min_test_pass_rate = keep(
            &mut errors,
            rate(vars, "MIN_TEST_PASS_RATE", DEFAULT_MIN_TEST_PASS_RATE),
        );
        let min_assertion_pass_rate = keep(
            &mut errors,
            rate(
                vars,
                "MIN_ASSERTION_PASS_RATE",
                DEFAULT_MIN_ASSERTION_PASS_RATE,
            ),
        );
        let api_base_url = keep(&mut errors, api_base(vars)).flatten();
        let ui_base_url = keep(&mut errors, ui_base(vars)).flatten();

        match (
            poll_interval,
            timeout,
            min_test_pass_rate,
            min_assertion_pass_rate,
        ) {
            (Some(poll_interval), Some(timeout), Some(min_test), Some(min_assertion))
                if errors.is_empty() =>
            {
                Ok(Self {
                    agent_id,
                    selection,
                    phone_numbers,
                    poll_interval,
                    timeout,
                    min_test_pass_rate: min_test,
                    min_assertion_pass_rate: min_assertion,
                    api_base_url,
                    ui_base_url,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The value, or `None` with the error recorded.
fn keep<T>(errors: &mut Vec<EnvError>, result: Result<T, EnvError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

fn malformed(name: &'static str, value: &str, problem: impl Into<String>) -> EnvError {
    EnvError::Malformed {
        name,
        value: value.to_owned(),
        problem: problem.into(),
    }
}

/// A comma-separated list; blanks around items and empty items are dropped, as v2 does.
fn list(vars: &Vars, name: &'static str) -> Result<Option<Vec<String>>, EnvError> {
    let Some(value) = vars.get(name) else {
        return Ok(None);
    };
    let items: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if items.is_empty() {
        return Err(malformed(
            name,
            value,
            "lists nothing; write comma-separated ids, e.g. a,b",
        ));
    }
    if let Some(bad) = items.iter().find(|i| i.chars().any(char::is_whitespace)) {
        return Err(malformed(
            name,
            value,
            format!("has `{bad}`, which contains a blank; separate ids with commas"),
        ));
    }
    Ok(Some(items))
}

fn phone_numbers(vars: &Vars) -> Result<Option<Vec<String>>, EnvError> {
    const NAME: &str = "PHONE_NUMBERS";
    let Some(numbers) = list(vars, NAME)? else {
        return Ok(None);
    };
    let value = vars.get(NAME).unwrap_or_default();
    for number in &numbers {
        if phone::is_e164(number) {
            continue;
        }
        let meant = phone::likely_e164(number)
            .map(|e164| format!(", e.g. {e164}"))
            .unwrap_or_default();
        let problem = if number.starts_with('+') {
            format!(
                "has `{number}`, which is not E.164 (`+`, country code, 7 to 15 digits, no blanks or dashes){meant}"
            )
        } else {
            format!(
                "has `{number}` without a leading `+` and its country code; write it in E.164 form{meant}"
            )
        };
        return Err(malformed(NAME, value, problem));
    }
    Ok(Some(numbers))
}

/// Whole seconds as v2 reads them; fractions are accepted too (`0.5`), which v2 refuses.
fn seconds(
    vars: &Vars,
    name: &'static str,
    default: Duration,
    (min, max): (Duration, Duration),
) -> Result<Duration, EnvError> {
    let Some(value) = vars.get(name) else {
        return Ok(default);
    };
    let parsed = value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        // Whole milliseconds, as the suite file's durations are; `as` saturates huge values,
        // which the range check below then refuses.
        .map(|v| Duration::from_millis((v * 1000.0).round() as u64));
    let Some(duration) = parsed else {
        return Err(malformed(
            name,
            value,
            format!(
                "is not a number of seconds; write e.g. {}",
                default.as_secs()
            ),
        ));
    };
    if duration < min || duration > max {
        return Err(malformed(
            name,
            value,
            format!(
                "is outside {} to {} seconds",
                min.as_secs_f64(),
                max.as_secs_f64()
            ),
        ));
    }
    Ok(duration)
}

/// A share from 0 to 1, as v2's thresholds are.
fn rate(vars: &Vars, name: &'static str, default: f64) -> Result<f64, EnvError> {
    let Some(value) = vars.get(name) else {
        return Ok(default);
    };
    match value.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=1.0).contains(&v) => Ok(v),
        Ok(v) if v.is_finite() && v > 1.0 && v <= 100.0 => Err(malformed(
            name,
            value,
            format!(
                "is outside 0 to 1; it is a share, so write {} for {v}%",
                v / 100.0
            ),
        )),
        _ => Err(malformed(
            name,
            value,
            "is not a share from 0 to 1; write e.g. 0.9",
        )),
    }
}

/// HAMMING_API_BASE_URL, else HAMMING_BASE_URL (the host) with `/api/rest` appended.
fn api_base(vars: &Vars) -> Result<Option<String>, EnvError> {
    use crate::api::host::{HOST_ENV, api_base_from};
    const NAME: &str = "HAMMING_API_BASE_URL";
    let (name, value) = match (vars.get(NAME), vars.get(HOST_ENV)) {
        (Some(value), _) => (NAME, value),
        (None, Some(value)) => (HOST_ENV, value),
        (None, None) => return Ok(None),
    };
    let base = api_base_from(vars.get(NAME), vars.get(HOST_ENV))
        .map_err(|e| malformed(name, value, format!("is not usable: {e}")))?;
    match base {
        Some(base) => crate::api::parse_base_url(&base)
            .map(|_| Some(base))
            .map_err(|e| malformed(name, value, format!("is not usable: {e}"))),
        None => Ok(None),
    }
}

fn ui_base(vars: &Vars) -> Result<Option<String>, EnvError> {
    const NAME: &str = "HAMMING_UI_BASE_URL";
    let Some(value) = vars.get(NAME) else {
        return Ok(None);
    };
    match url::Url::parse(value.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(Some(value.trim().trim_end_matches('/').to_owned()))
        }
        _ => Err(malformed(
            NAME,
            value,
            "is not an http(s) URL; write e.g. https://app.hamming.ai",
        )),
    }
}

#[cfg(test)]
mod tests;
