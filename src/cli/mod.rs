//! The command line: parses arguments, dispatches to one module per command, and maps each
//! command's outcome to an exit code. Nothing below this module calls `process::exit`.
//!
//! Command modules (`run`, `wait`, `check`, …) import only from below them: the shared
//! argument groups (`connect`, `env_config`, `load_args`, `outputs`), `output` and
//! `global`, and the library; never from one another.

mod baseline;
mod check;
mod clock;
mod completions;
mod connect;
mod create;
mod env_config;
mod global;
mod init;
mod load_args;
mod merge;
mod narrow;
mod output;
mod outputs;
mod panic_hook;
mod plan;
mod plan_power;
mod quarantine;
mod report;
mod run;
mod runtime;
mod schema;
mod schema_workspace;
mod sim;
mod suites;
mod validate;
mod version;
mod wait;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::exit;

pub use global::{ColorChoice, Global, GlobalArgs};

/// Declarative CI test runner for voice agents on the Hamming platform.
#[derive(Debug, Parser)]
#[command(
    name = "hamming-runner",
    // The version names the manual page; `-V` is this command's own flag, so that
    // `--version --verbose` can say more.
    version,
    disable_version_flag = true,
    disable_help_flag = true,
    after_help = exit::help(exit::ALL) + "\n\nEach command's --help lists the codes it returns."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Print the version; with -v, also the commit, build date, target and TLS backend.
    #[arg(short = 'V', long, help_heading = "Global options")]
    pub version: bool,

    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check suite files offline: YAML, templates, JSON Schema and rules, with every error.
    #[command(after_help = exit::help(exit::VALIDATE))]
    Validate(validate::Args),
    /// Print the JSON Schema of the suite file.
    #[command(after_help = exit::help(exit::SCHEMA))]
    Schema(schema::Args),
    /// Write a commented starter suite file.
    #[command(after_help = exit::help(exit::WRITE))]
    Init(init::Args),
    /// Run suites: create each test run, follow it, judge it, report. The main job.
    #[command(after_help = exit::help(exit::RUN))]
    Run(Box<run::RunArgs>),
    /// Resolve suites against the workspace and show the calls each would place.
    #[command(after_help = exit::help(exit::PLAN))]
    Plan(plan::PlanArgs),
    /// Start one suite's test run and print its id (for scripts).
    #[command(after_help = exit::help(exit::CREATE))]
    Create(create::CreateArgs),
    /// Follow an existing test run to its end and optionally write its results JSON.
    #[command(after_help = exit::help(exit::WAIT))]
    Wait(wait::WaitArgs),
    /// Judge a run's results (by run id, file, or stdin) against thresholds.
    #[command(after_help = exit::help(exit::CHECK))]
    Check(check::CheckArgs),
    /// Re-render reports from a saved JSON report, without network.
    #[command(after_help = exit::help(exit::REPORT))]
    Report(report::Args),
    /// Merge the JSON reports of a sharded run (`run --shard K/N`) into one outcome and one
    /// set of reports; exits with the merged exit code.
    #[command(after_help = exit::help(exit::MERGE))]
    Merge(merge::MergeArgs),
    /// Serve the Hamming API simulator on 127.0.0.1 (no key needed, no calls placed).
    #[command(after_help = exit::help(exit::SIM))]
    Sim(sim::SimArgs),
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    #[command(after_help = exit::help(exit::WRITE) + COMPLETIONS_HELP)]
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into a directory.
    #[command(after_help = exit::help(exit::WRITE))]
    Man(completions::ManArgs),
}

const COMPLETIONS_HELP: &str = "\n\nInstall, for example:\n  bash: hamming-runner completions bash > ~/.local/share/bash-completion/completions/hamming-runner\n  zsh:  hamming-runner completions zsh > \"${fpath[1]}/_hamming-runner\"\n  fish: hamming-runner completions fish > ~/.config/fish/completions/hamming-runner.fish";

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    panic_hook::install();
    // The key in the environment is redacted from everything this process prints or writes,
    // whichever command runs (a results file or a server's error may echo it).
    if let Ok(key) = std::env::var(crate::api::KEY_ENV) {
        crate::untrusted::redact::register(&key);
    }
    // A key on the command line lands in shell history and in process listings: refuse it
    // before clap parses (or echoes) anything, and never repeat the argument itself.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let env_key = std::env::var(crate::api::KEY_ENV).ok();
    if let Some(index) = crate::api::key::find_key_on_argv(&args, env_key.as_deref()) {
        output::error_with_help(
            &Global::before_parsing(),
            &format!(
                "argument {} looks like an API key or a key flag (or holds one, as in `--var name=sk-…`); a key is never taken from the command line, where shell history and process listings would keep it",
                index + 1
            ),
            Some(
                "set HAMMING_API_KEY (in GitHub Actions, from a secret) or pass --api-key-file FILE; if the key was typed into a shared shell, rotate it",
            ),
        );
        return ExitCode::from(exit::USAGE);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return ExitCode::from(bad_command_line(&err)),
    };
    ExitCode::from(run(cli))
}

/// Prints clap's error (or the help or version it was asked for) and returns the exit code.
fn bad_command_line(err: &clap::Error) -> u8 {
    let _ = err.print();
    if !err.use_stderr() {
        return exit::SUCCESS;
    }
    // Under GitHub Actions a bad flag (say, in a workflow's `args`) is also an annotation
    // and a step summary, not only a line in the log.
    let rendered = err.render().to_string();
    let first = rendered.lines().next().unwrap_or_default();
    let failure = crate::report::setup::SetupFailure {
        diagnostics: Vec::new(),
        messages: vec![first.strip_prefix("error: ").unwrap_or(first).to_owned()],
    };
    outputs::emit_setup_failure(&failure, exit::USAGE, None, &Global::default())
}

/// Runs a parsed command line and returns its exit code.
pub fn run(cli: Cli) -> u8 {
    let global = Global::from_args(&cli.global);
    if cli.version {
        return version::print(global.verbose > 0);
    }
    let Some(command) = cli.command else {
        let err = Cli::command().error(
            clap::error::ErrorKind::MissingSubcommand,
            "a command is required; `hamming-runner --help` lists them",
        );
        return bad_command_line(&err);
    };
    match command {
        Command::Validate(args) => validate::run(args, &global),
        Command::Schema(args) => schema::run(&args, &global),
        Command::Init(args) => init::run(&args, &global),
        Command::Run(args) => run::run(*args, &global),
        Command::Plan(args) => plan::run(args, &global),
        Command::Create(args) => create::run(args, &global),
        Command::Wait(args) => wait::run(args, &global),
        Command::Check(args) => check::run(args, &global),
        Command::Report(args) => report::run(args, &global),
        Command::Merge(args) => merge::run(args, &global),
        Command::Sim(args) => sim::run(args, &global),
        Command::Completions(args) => completions::completions(&args, Cli::command(), &global),
        Command::Man(args) => completions::man(&args, Cli::command(), &global),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// Every option sits under a heading, and the global options come last, so a command's
    /// own options are read first.
    #[test]
    fn every_option_has_a_heading_and_global_options_come_last() {
        let mut root = Cli::command();
        root.build();
        for command in root.get_subcommands() {
            let headings: Vec<&str> = command
                .get_arguments()
                .filter(|a| !a.is_positional() && !a.is_hide_set())
                .map(|a| a.get_help_heading().unwrap_or("(none)"))
                .collect();
            assert!(
                !headings.contains(&"(none)"),
                "{}: an option without a heading: {headings:?}",
                command.get_name()
            );
            let first_global = headings.iter().position(|h| *h == "Global options");
            if let Some(at) = first_global {
                assert!(
                    headings[at..].iter().all(|h| *h == "Global options"),
                    "{}: {headings:?}",
                    command.get_name()
                );
            }
        }
    }
}
