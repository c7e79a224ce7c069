//! The environment as the commands see it: `--env-file` (and `.env` in the working directory,
//! as python-dotenv loads it for Hamming's v2 scripts) merged under the real environment, and
//! the v2 variables read from the result. With no suite file, `create`, `wait`, `check` and
//! `run` take their suite, pacing and thresholds from here.

use std::path::{Path, PathBuf};

use crate::envconfig::{V2Env, Vars, dotenv};
use crate::suite::ResolvedSuite;

use super::connect::ConnectionArgs;
use super::output::{Output, error};

/// Where the v2 variables may also come from.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct EnvArgs {
    /// Read environment variables from this dotenv file too (KEY=VALUE lines); a variable
    /// already in the environment wins over the file. Without it, `.env` in the working
    /// directory is read when no suite file is given, as Hamming's v2 scripts read it.
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
}

/// The dotenv file a command reads: `--env-file`, else `./.env` when `implicit` (the command
/// runs from the environment) and it exists.
fn dotenv_path(args: &EnvArgs, implicit: bool) -> Option<PathBuf> {
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
pub fn load_dotenv(args: &EnvArgs, implicit: bool, out: &Output) -> Result<(), u8> {
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
        error(out, &format!("{e}"));
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
    load_dotenv(args, true, out)?;
    V2Env::read(&Vars::from_process()).map_err(|errors| {
        for e in &errors {
            error(out, &e.to_string());
        }
        crate::exit::USAGE
    })
}

/// The suite the environment defines, for `create` and `run` without a suite file. `--suite`
/// may only name it (`env`).
pub fn suite(args: &EnvArgs, names: &[String], out: &Output) -> Result<(V2Env, ResolvedSuite), u8> {
    let env = read(args, out)?;
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

/// The API base a command without a connection would use: `--api-base`, else
/// HAMMING_API_BASE_URL, else Hamming's.
pub fn api_base(connection: &ConnectionArgs, env: &V2Env) -> String {
    connection
        .api_base
        .clone()
        .or_else(|| env.api_base_url.clone())
        .unwrap_or_else(|| crate::api::DEFAULT_BASE_URL.to_owned())
}
