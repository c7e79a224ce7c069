//! `init`: writes a commented starter suite file with the schema modeline, or with
//! `--from-env` the suite file equivalent to the environment Hamming's v2 scripts read.

use std::io::Write;
use std::path::PathBuf;

use crate::exit;

use super::env_config::{self, EnvArgs};
use super::output::{Output, error_with_help};

/// The starter suite file; a test checks that it validates.
pub const STARTER: &str = include_str!("starter.yaml");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the file [default: hamming.yaml; with --from-env, stdout]. `-` is
    /// stdout.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Overwrite the file if it exists.
    #[arg(long, help_heading = "Output")]
    pub force: bool,

    /// Write the suite equivalent to the v2 variables in the environment (AGENT_ID,
    /// PHONE_NUMBERS, TAG_IDS or TEST_CASE_IDS, TIMEOUT_SECONDS, …), to commit in their place.
    #[arg(long, help_heading = "Templates and environment")]
    pub from_env: bool,

    #[command(flatten)]
    pub env: EnvArgs,
}

pub fn run(args: &Args, global: &Output) -> u8 {
    let text = if args.from_env {
        match from_env(args, global) {
            Ok(text) => text,
            Err(code) => return code,
        }
    } else {
        STARTER.to_owned()
    };
    let path = match &args.path {
        Some(path) => path.clone(),
        None if args.from_env => PathBuf::from("-"),
        None => PathBuf::from("hamming.yaml"),
    };
    if path.as_os_str() == "-" {
        return match crate::console::out_raw(&text) {
            Ok(()) => exit::SUCCESS,
            Err(e) => {
                error_with_help(global, &format!("cannot write to stdout: {e}"), None);
                exit::USAGE
            }
        };
    }
    let path = &path;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        // `create_new` refuses an existing file atomically, with no check-then-write race.
        options.create_new(true);
    }
    let result = options
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()));
    match result {
        Ok(()) => {
            let next = if args.from_env {
                format!(
                    "next: run `hamming-runner validate {0}`, commit it, and run `hamming-runner run {0}`",
                    path.display()
                )
            } else {
                format!(
                    "next: set HAMMING_AGENT_ID, then run `hamming-runner validate {}`",
                    path.display()
                )
            };
            if !global.quiet {
                let _ = crate::console::out(&format!("wrote {}\n{next}", path.display()));
            }
            exit::SUCCESS
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            error_with_help(
                global,
                &format!("`{}` already exists", path.display()),
                Some("pass `--force` to overwrite it, or give another path"),
            );
            exit::USAGE
        }
        Err(err) => {
            error_with_help(
                global,
                &format!("cannot write `{}`: {err}", path.display()),
                Some("check that the directory exists and is writable"),
            );
            exit::USAGE
        }
    }
}

/// The suite file for the environment; every problem with it is a usage error.
fn from_env(args: &Args, global: &Output) -> Result<String, u8> {
    let env = env_config::read(&args.env, global)?;
    env.suite_file(crate::envconfig::suite::default_modeline())
        .map_err(|e| {
            error_with_help(global, &e.to_string(), None);
            exit::USAGE
        })
}
