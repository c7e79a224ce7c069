//! `hamming-runner sim`: serve the simulator until Ctrl-C.

use std::path::PathBuf;

use anyhow::Context;

use super::{SimOptions, Workspace, start};

/// Arguments of the `sim` command.
#[derive(Debug, Clone, clap::Args)]
pub struct SimArgs {
    /// Workspace file (YAML) with agents, tags, test cases, outcomes and faults. Without it
    /// the simulator serves an empty workspace.
    #[arg(long, value_name = "FILE")]
    pub workspace: Option<PathBuf>,
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

/// Serves the simulator until Ctrl-C, after printing its base URL.
pub async fn serve(args: SimArgs) -> anyhow::Result<()> {
    let workspace = match &args.workspace {
        Some(path) => Workspace::load(path)?,
        None => Workspace::default(),
    };
    let handle = start(
        workspace,
        SimOptions {
            speed: args.speed,
            seed: args.seed,
            record: args.record.clone(),
            port: args.port,
        },
    )
    .await?;
    let _ = crate::console::out(&format!(
        "Hamming simulator listening on {}\nhint: export HAMMING_API_BASE_URL={} (any non-empty HAMMING_API_KEY works unless the workspace sets api_keys)",
        handle.base_url(),
        handle.base_url()
    ));
    tokio::signal::ctrl_c()
        .await
        .context("failed to wait for Ctrl-C")?;
    handle.shutdown().await;
    Ok(())
}
