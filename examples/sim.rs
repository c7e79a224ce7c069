//! Serves the Hamming simulator from the command line until Ctrl-C, for manual runs before
//! the `sim` subcommand is wired in: `cargo run --example sim -- --workspace FILE`.

use clap::Parser;
use hamming_runner::sim::{SimArgs, serve};

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: SimArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    serve(Cli::parse().args).await
}
