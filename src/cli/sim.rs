//! `hamming-runner sim`: serve the Hamming simulator on 127.0.0.1 until Ctrl-C.
//!
//! Without `--workspace` it serves the demo workspace: the one `run hamming.example.yaml
//! --simulate` seeds from the example suite file (every agent, tag and test case the file
//! names exists and every call passes), so the README's example runs against it as written.

use std::path::PathBuf;

use crate::exit;
use crate::load::{LoadOptions, Source, load_source};
use crate::sim::{self, NOT_STARTED, SimOptions, Workspace, WorkspaceError};

use super::output::{Output as Global, error};
use super::runtime;

/// The example suite file the demo workspace is seeded from, as shipped.
const EXAMPLE_NAME: &str = "hamming.example.yaml";
const EXAMPLE_TEXT: &str = include_str!("../../hamming.example.yaml");

/// Arguments of the `sim` command.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Simulator")]
pub struct SimArgs {
    /// Workspace file (YAML) with agents, tags, test cases, outcomes and faults. Without it
    /// the simulator serves the demo workspace of hamming.example.yaml, as `run
    /// hamming.example.yaml --simulate` does.
    #[arg(long, value_name = "FILE", conflicts_with = "empty")]
    pub workspace: Option<PathBuf>,
    /// Serve an empty workspace (no agents, tags or test cases) instead of the demo one.
    #[arg(long)]
    pub empty: bool,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, value_name = "N", default_value_t = 8787)]
    pub port: u16,
    /// Simulated seconds per real second (overrides the workspace's `speed`).
    #[arg(long, value_name = "X")]
    pub speed: Option<f64>,
    /// Seed for ids and random outcomes (overrides the workspace's `seed`).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Write every request as a JSON line to FILE (headers, and so the API key, are never
    /// written).
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

/// Serves until Ctrl-C; exit 2 when the workspace or the port is unusable.
pub fn run(args: SimArgs, global: &Global) -> u8 {
    let (workspace, what) = match workspace(&args) {
        Ok(chosen) => chosen,
        Err(WorkspaceError::File(diagnostics)) => {
            crate::console::err_raw(&diagnostics.render_closing(global.color, NOT_STARTED));
            return exit::USAGE;
        }
        Err(other) => {
            error(global, &other.to_string());
            return exit::USAGE;
        }
    };
    runtime::block_on_server(serve(args, workspace, what, *global))
}

/// The workspace to serve and a line saying what it holds.
fn workspace(args: &SimArgs) -> Result<(Workspace, String), WorkspaceError> {
    let (workspace, name) = match &args.workspace {
        Some(path) => (Workspace::load(path)?, path.display().to_string()),
        None if args.empty => (Workspace::default(), "an empty workspace".to_owned()),
        None => (
            demo_workspace()?,
            format!("the demo workspace of {EXAMPLE_NAME} (every call passes)"),
        ),
    };
    let count = |n: usize, what: &str| match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    };
    let what = format!(
        "serving {name}: {}, {}, {}",
        count(workspace.agents.len(), "agent"),
        count(workspace.tags.len(), "tag"),
        count(workspace.test_cases.len(), "test case")
    );
    Ok((workspace, what))
}

/// The workspace `--simulate` seeds from the example suite file, at the same speed.
pub fn demo_workspace() -> Result<Workspace, WorkspaceError> {
    let source = Source::new(EXAMPLE_NAME, EXAMPLE_TEXT.to_owned());
    let loaded =
        load_source(&source, &LoadOptions::default()).map_err(|d| WorkspaceError::Invalid {
            path: EXAMPLE_NAME.to_owned(),
            problems: vec![d.render(false)],
        })?;
    let mut workspace = Workspace::seeded(&super::connect::seed_for(&loaded.suites));
    workspace.speed = Some(super::connect::SIMULATE_SPEED);
    Ok(workspace)
}

async fn serve(args: SimArgs, workspace: Workspace, what: String, global: Global) -> u8 {
    let handle = match sim::start(
        workspace,
        SimOptions {
            speed: args.speed,
            seed: args.seed,
            record: args.record.clone(),
            port: args.port,
        },
    )
    .await
    {
        Ok(handle) => handle,
        Err(sim::SimError::Workspace(WorkspaceError::File(diagnostics))) => {
            crate::console::err_raw(&diagnostics.render_closing(global.color, NOT_STARTED));
            return exit::USAGE;
        }
        Err(e) => {
            error(&global, &e.to_string());
            return exit::USAGE;
        }
    };
    let _ = crate::console::out(&format!(
        "Hamming simulator listening on {}\n{what}\nhint: export HAMMING_API_BASE_URL={} (any non-empty HAMMING_API_KEY works unless the workspace sets api_keys)",
        handle.base_url(),
        handle.base_url()
    ));
    if let Err(e) = tokio::signal::ctrl_c().await {
        error(&global, &format!("failed to wait for Ctrl-C: {e}"));
    }
    handle.shutdown().await;
    exit::SUCCESS
}
