//! `schema`: prints the JSON Schema of the suite file (the committed copy under `schemas/`
//! must equal it). With `--workspace`, the schema offers the workspace's real tag names,
//! test case ids, agent ids and dataset ids for completion.

use std::path::PathBuf;

use crate::exit;

use super::connect::ConnectionArgs;
use super::output::{Output, error_with_help};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the schema to this file instead of stdout.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Offer the workspace's tag names, test case ids, agent ids and dataset ids for
    /// completion (online: reads the catalog with HAMMING_API_KEY; nothing is placed).
    /// Other values stay valid, so a new tag is never flagged.
    #[arg(long, help_heading = "Selection")]
    pub workspace: bool,

    /// With --workspace: only this agent's tags and test cases.
    #[arg(
        long,
        value_name = "AGENT_ID",
        requires = "workspace",
        help_heading = "Selection"
    )]
    pub agent: Option<String>,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

pub fn run(args: &Args, global: &Output) -> u8 {
    let text = if args.workspace {
        match workspace_text(args, global) {
            Ok(text) => text,
            Err(code) => return code,
        }
    } else {
        crate::suite::json_schema_text()
    };
    match &args.output {
        None => match crate::console::out_raw(&text) {
            Ok(()) => exit::SUCCESS,
            Err(err) => {
                error_with_help(global, &format!("cannot write to stdout: {err}"), None);
                exit::USAGE
            }
        },
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => exit::SUCCESS,
            Err(err) => {
                error_with_help(
                    global,
                    &format!("cannot write `{}`: {err}", path.display()),
                    Some("check that the directory exists and is writable"),
                );
                exit::USAGE
            }
        },
    }
}

/// The schema with the workspace's names, as pretty JSON with a trailing newline.
fn workspace_text(args: &Args, global: &Output) -> Result<String, u8> {
    let connection = args.connection.connect_or_report(global, None)?;
    let mut result = Err(exit::SUCCESS);
    let code = super::runtime::block_on(async {
        match super::schema_workspace::read_names(&connection.client, args.agent.as_deref()).await {
            Ok(names) => {
                global.info(&format!(
                    "offering {} agent(s), {} tag name(s) and id(s), {} test case(s) and {} dataset(s) for completion",
                    names.agents.len(),
                    names.tags.len(),
                    names.test_cases.len(),
                    names.datasets.len()
                ));
                let schema = crate::suite::workspace_schema::with_workspace(
                    crate::suite::json_schema(),
                    &names,
                );
                let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
                text.push('\n');
                result = Ok(text);
                exit::SUCCESS
            }
            Err(err) => {
                error_with_help(
                    global,
                    &format!("cannot read the workspace's catalog: {err}"),
                    Some(
                        "check HAMMING_API_KEY and --api-base; `hamming-runner schema` without --workspace needs no network",
                    ),
                );
                err.exit_code()
            }
        }
    });
    if code == exit::SUCCESS {
        result
    } else {
        Err(code)
    }
}
