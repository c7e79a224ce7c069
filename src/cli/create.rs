//! `create`: start one suite's run and print its id, for scripts that drive the steps one by
//! one (`TEST_RUN_ID=$(hamming-runner create hamming.yaml --suite smoke)`). Only the id goes
//! to stdout; everything else goes to stderr. With no suite file the run is read from the
//! environment Hamming's v2 scripts read, so `TEST_RUN_ID=$(hamming-runner create)` replaces
//! `$(python scripts/hamming_run_test.py)`.

use std::path::PathBuf;

use crate::runner::Cancel;
use crate::runner::start::start_run;
use crate::untrusted::LinkPolicy;

use super::connect::ConnectionArgs;
use super::env_config::{self, EnvArgs, EnvSuiteArgs};
use super::load_args::LoadArgs;
use super::output::{Output, error};

#[derive(Debug, Clone, clap::Args)]
pub struct CreateArgs {
    /// The suite file (YAML or TOML). Without it, the run is read from the environment:
    /// AGENT_ID, PHONE_NUMBERS, and TAG_IDS or TEST_CASE_IDS (see .env.example).
    pub file: Option<PathBuf>,

    /// The suite to start; required when the file defines more than one.
    #[arg(long, value_name = "NAME", help_heading = "Selection")]
    pub suite: Option<String>,

    /// Refuse (exit 2) when the run would place more calls than this.
    #[arg(long, value_name = "N", help_heading = "Selection")]
    pub max_calls: Option<u64>,

    #[command(flatten)]
    pub load: LoadArgs,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub env: EnvArgs,

    #[command(flatten)]
    pub env_suite: EnvSuiteArgs,
}

pub fn run(args: CreateArgs, out: &Output) -> u8 {
    let names: Vec<String> = args.suite.iter().cloned().collect();
    let (env, suites, file) = match &args.file {
        Some(file) => {
            if let Err(code) = args
                .env_suite
                .refuse_with_file(out)
                .and_then(|()| env_config::load_dotenv(&args.env.dotenv, false, out))
            {
                return code;
            }
            let loaded =
                match super::suites::load(file, &args.load.options(), &args.env.dotenv, out) {
                    Ok(l) => l,
                    Err(code) => return code,
                };
            let links = match env_config::links(&args.env, out) {
                Ok(links) => links,
                Err(code) => return code,
            };
            match super::suites::select(&loaded, &names, out) {
                Ok(s) => (links, s, file.display().to_string()),
                Err(code) => return code,
            }
        }
        None => match env_config::suite(&args.env, &args.env_suite, &names, out) {
            Ok((env, suite)) => (env, vec![suite], "the environment".to_owned()),
            Err(code) => return code,
        },
    };
    let [suite] = suites.as_slice() else {
        let names: Vec<&str> = suites.iter().map(|s| s.name.as_str()).collect();
        error(
            out,
            &format!(
                "create starts one run, and {} defines {} suites ({}); pick one with --suite NAME",
                file,
                names.len(),
                names.join(", ")
            ),
        );
        return crate::exit::USAGE;
    };
    let connection = match args.connection.connect_or_report(out, None) {
        Ok(c) => c,
        Err(code) => return code,
    };
    super::runtime::block_on(async {
        match start_run(&connection.client, suite, args.max_calls, &Cancel::never()).await {
            Ok((mut run, selection)) => {
                env_config::fill_results_url(
                    &env,
                    connection.client.base_url().as_str(),
                    Some(&run.run_id),
                    &mut run.results_url,
                );
                let link = run
                    .results_url
                    .as_deref()
                    .and_then(|u| LinkPolicy::for_api(connection.client.base_url()).vet(u));
                out.info(&format!(
                    "created run {} for suite `{}` ({} calls){}",
                    run.run_id,
                    suite.name,
                    selection.calls,
                    link.map(|u| format!(": {u}")).unwrap_or_default()
                ));
                if let Some(plan) = suite.adaptive {
                    crate::console::err(&format!(
                        "note: suite `{}` has adaptive samples ({{ min: {}, max: {} }}); this run is its first wave of {} sample(s) per case and number, and only `run` creates the follow-up waves",
                        suite.name, plan.min, plan.max, plan.min
                    ));
                }
                // The id on stdout is what the calling script captures; if it cannot be
                // written, the line above still names the run.
                match crate::console::out(&run.run_id) {
                    Ok(()) => crate::exit::SUCCESS,
                    Err(e) => {
                        error(
                            out,
                            &format!(
                                "run {} was created but its id could not be written to stdout: {e}",
                                run.run_id
                            ),
                        );
                        crate::exit::PLATFORM
                    }
                }
            }
            Err(err) => {
                error(out, &err.to_string());
                err.exit_code()
            }
        }
    })
}
