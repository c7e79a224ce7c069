//! The environment as the commands see it: `--env-file` (and `.env` in the working directory,
//! as python-dotenv loads it for Hamming's v2 scripts) merged under the real environment, and
//! the v2 variables read from the result. With no suite file, `create`, `wait`, `check` and
//! `run` take their suite, pacing and thresholds from here.

use std::path::{Path, PathBuf};

use crate::envconfig::{EnvError, V2Env, Vars, dotenv};
use crate::suite::ResolvedSuite;

use super::output::{Output, error};

/// `--env-file`: a dotenv file for the environment, for every command that reads templates
/// or the environment.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Templates and environment")]
pub struct DotenvArgs {
    /// Read environment variables from this dotenv file too (KEY=VALUE lines); a variable
    /// already in the environment wins over the file. Without it, `.env` in the working
    /// directory is read only when no suite file is given, as Hamming's v2 scripts read it.
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
}

/// Where the v2 variables may also come from.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct EnvArgs {
    #[command(flatten)]
    pub dotenv: DotenvArgs,

    /// The web UI, for results links the API does not give [default: HAMMING_UI_BASE_URL,
    /// else the API base without /api/rest].
    #[arg(long, value_name = "URL", help_heading = "Connection")]
    pub ui_base_url: Option<String>,
}

/// What a run is, given on the command line instead of the environment; only without a
/// suite file. Each beats its variable.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Selection")]
pub struct EnvSuiteArgs {
    /// Without a suite file: the agent under test [default: AGENT_ID].
    #[arg(long, value_name = "ID")]
    pub agent_id: Option<String>,

    /// Without a suite file: comma-separated tag ids or names [default: TAG_IDS].
    #[arg(long, value_name = "IDS", conflicts_with = "test_case_ids")]
    pub tag_ids: Option<String>,

    /// Without a suite file: comma-separated test case ids [default: TEST_CASE_IDS].
    #[arg(long, value_name = "IDS")]
    pub test_case_ids: Option<String>,

    /// Without a suite file: comma-separated E.164 numbers [default: PHONE_NUMBERS].
    #[arg(long, value_name = "NUMBERS")]
    pub phone_numbers: Option<String>,
}

impl EnvSuiteArgs {
    /// Each flag given, as (variable, flag, value).
    fn given(&self) -> Vec<(&'static str, &'static str, &str)> {
        [
            ("AGENT_ID", "--agent-id", &self.agent_id),
            ("TAG_IDS", "--tag-ids", &self.tag_ids),
            ("TEST_CASE_IDS", "--test-case-ids", &self.test_case_ids),
            ("PHONE_NUMBERS", "--phone-numbers", &self.phone_numbers),
        ]
        .into_iter()
        .filter_map(|(var, flag, value)| value.as_deref().map(|v| (var, flag, v)))
        .collect()
    }

    /// A suite file defines the run; these flags would be ignored, so they are refused.
    pub fn refuse_with_file(&self, out: &Output) -> Result<(), u8> {
        match self.given().first() {
            Some((_, flag, _)) => {
                error(
                    out,
                    &format!(
                        "{flag} applies only without a suite file; set it in the suite file instead"
                    ),
                );
                Err(crate::exit::USAGE)
            }
            None => Ok(()),
        }
    }
}

/// The dotenv file a command reads: `--env-file`, else `./.env` when `implicit` (the command
/// runs from the environment) and it exists.
fn dotenv_path(args: &DotenvArgs, implicit: bool) -> Option<PathBuf> {
    args.env_file.clone().or_else(|| {
        let default = Path::new(".env");
        (implicit && default.is_file()).then(|| default.to_owned())
    })
}

/// Adds the dotenv file's variables to the process environment, leaving every variable
/// that is already set untouched (python-dotenv's default), so that the API key and the
/// templates of a suite file see them as they would see exported variables.
///
/// Must be called before the command starts its async runtime or any other thread: it
/// changes the process environment.
pub fn load_dotenv(args: &DotenvArgs, implicit: bool, out: &Output) -> Result<(), u8> {
    let Some(path) = dotenv_path(args, implicit) else {
        return Ok(());
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        error(
            out,
            &format!("cannot read the env file {}: {e}", path.display()),
        );
        crate::exit::USAGE
    })?;
    let entries = dotenv::parse(&text, &path, &|name| std::env::var(name).ok()).map_err(|e| {
        // At its file and line, through the same renderer as a suite file's errors; the
        // line itself is not quoted, since a .env line may hold a secret.
        let mut diagnostic = crate::load::Diagnostic::on_line(
            e.path.clone(),
            u32::try_from(e.line).unwrap_or(u32::MAX),
            e.message.clone(),
        );
        diagnostic.hint = Some(
            "write KEY=VALUE lines; quote a value with spaces or `#` in it, and close every quote"
                .into(),
        );
        super::output::diagnostics(out, &crate::load::Diagnostics(vec![diagnostic]));
        crate::exit::USAGE
    })?;
    for entry in entries {
        if std::env::var_os(&entry.key).is_none() {
            // SAFETY: every caller runs on the main thread before the async runtime, the
            // progress bars or anything else that could start a thread, so nothing can read
            // the environment concurrently.
            unsafe { std::env::set_var(&entry.key, &entry.value) };
        }
    }
    Ok(())
}

/// Reads the v2 variables, after loading the dotenv file. Every malformed value and every
/// mistyped name is printed; any of them is a usage error (exit 2).
pub fn read(args: &EnvArgs, out: &Output) -> Result<V2Env, u8> {
    read_with(args, &EnvSuiteArgs::default(), out)
}

/// As `read`, with the command line's values in place of their variables. A selection flag
/// replaces both selection variables, so `--tag-ids` beats a TEST_CASE_IDS in the
/// environment rather than clashing with it.
fn read_with(args: &EnvArgs, flags: &EnvSuiteArgs, out: &Output) -> Result<V2Env, u8> {
    load_dotenv(&args.dotenv, true, out)?;
    let mut vars = Vars::from_process();
    let mut given = flags.given();
    if let Some(url) = &args.ui_base_url {
        given.push(("HAMMING_UI_BASE_URL", "--ui-base-url", url));
    }
    for (var, _, value) in &given {
        if matches!(*var, "TAG_IDS" | "TEST_CASE_IDS") {
            vars.0.remove("TAG_IDS");
            vars.0.remove("TEST_CASE_IDS");
        }
        vars.0.insert((*var).to_owned(), (*value).to_owned());
    }
    V2Env::read(&vars).map_err(|errors| {
        for e in &errors {
            let message = match e {
                EnvError::Malformed {
                    name,
                    value,
                    problem,
                } => match given.iter().find(|(var, _, _)| var == name) {
                    Some((_, flag, _)) => format!("{flag} {value:?} {problem}"),
                    None => e.to_string(),
                },
                _ => e.to_string(),
            };
            error(out, &message);
        }
        crate::exit::USAGE
    })
}

/// The suite the environment defines, for `create` and `run` without a suite file. `--suite`
/// may only name it (`env`).
pub fn suite(
    args: &EnvArgs,
    flags: &EnvSuiteArgs,
    names: &[String],
    out: &Output,
) -> Result<(V2Env, ResolvedSuite), u8> {
    let env = read_with(args, flags, out)?;
    let suite = env.suite().map_err(|e| {
        error(out, &e.to_string());
        crate::exit::USAGE
    })?;
    if let Some(name) = names.iter().find(|n| **n != suite.name) {
        error(
            out,
            &format!(
                "no suite named `{name}`: with no suite file, the one suite is `{}`, read from the environment",
                suite.name
            ),
        );
        return Err(crate::exit::USAGE);
    }
    Ok((env, suite))
}

/// With a suite file, only the results links come from the environment: HAMMING_UI_BASE_URL
/// (or `--ui-base-url`) is read and checked, and nothing else.
pub fn links(args: &EnvArgs, out: &Output) -> Result<V2Env, u8> {
    const NAME: &str = "HAMMING_UI_BASE_URL";
    let value = args
        .ui_base_url
        .clone()
        .or_else(|| std::env::var(NAME).ok());
    V2Env::read(&Vars::from_pairs(value.map(|v| (NAME, v)))).map_err(|errors| {
        for e in &errors {
            error(out, &e.to_string());
        }
        crate::exit::USAGE
    })
}

/// Fills in a results link the API did not give, as v2's `get_test_run_url` builds it.
pub fn fill_results_url(
    env: &V2Env,
    api_base: &str,
    run_id: Option<&str>,
    results_url: &mut Option<String>,
) {
    if results_url.is_none()
        && let Some(id) = run_id
    {
        *results_url = env.run_url(api_base, id);
    }
}

/// The variables `./.env` defines among `names`, when `./.env` exists and is not the file
/// `--env-file` already read: a suite file reads `./.env` only when told to.
pub fn dotenv_defines(args: &DotenvArgs, names: &[String]) -> Vec<String> {
    let default = Path::new(".env");
    if names.is_empty() || args.env_file.as_deref() == Some(default) || !default.is_file() {
        return Vec::new();
    }
    let Ok(text) = std::fs::read_to_string(default) else {
        return Vec::new();
    };
    let Ok(entries) = dotenv::parse(&text, default, &|name| std::env::var(name).ok()) else {
        return Vec::new();
    };
    names
        .iter()
        .filter(|name| entries.iter().any(|e| &e.key == *name))
        .cloned()
        .collect()
}
