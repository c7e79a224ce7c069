//! The command line: parses arguments, dispatches to one module per command, and maps each
//! command's outcome to an exit code. Nothing below this module calls `process::exit`.

mod baseline;
mod check;
mod clock;
mod connect;
mod create;
mod env_config;
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
pub mod report;
mod run;
mod runtime;
mod schema;
mod schema_workspace;
mod sim;
mod suites;
mod validate;
mod wait;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::exit;

/// Declarative CI test runner for voice agents on the Hamming platform.
#[derive(Debug, Parser)]
#[command(name = "hamming-runner", version, after_help = exit::TABLE)]
pub struct Cli {
    /// Print more detail (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check suite files offline: YAML, templates, JSON Schema and rules, with every error.
    #[command(after_help = exit::TABLE)]
    Validate(validate::Args),
    /// Print the JSON Schema of the suite file.
    #[command(after_help = exit::TABLE)]
    Schema(schema::Args),
    /// Write a commented starter suite file.
    #[command(after_help = exit::TABLE)]
    Init(init::Args),
    /// Run suites: create each test run, follow it, judge it, report. The main job.
    #[command(after_help = exit::TABLE)]
    Run(run::RunArgs),
    /// Resolve suites against the workspace and show the calls each would place.
    #[command(after_help = exit::TABLE)]
    Plan(plan::PlanArgs),
    /// Start one suite's test run and print its id (for scripts).
    #[command(after_help = exit::TABLE)]
    Create(create::CreateArgs),
    /// Follow an existing test run to its end and optionally write its results JSON.
    #[command(after_help = exit::TABLE)]
    Wait(wait::WaitArgs),
    /// Judge a run's results (by run id, file, or stdin) against thresholds.
    #[command(after_help = exit::TABLE)]
    Check(check::CheckArgs),
    /// Re-render reports from a saved JSON report, without network.
    #[command(after_help = exit::TABLE)]
    Report(report::ReportArgs),
    /// Merge the JSON reports of a sharded run (`run --shard K/N`) into one outcome and one
    /// set of reports; exits with the merged exit code.
    #[command(after_help = exit::TABLE)]
    Merge(merge::MergeArgs),
    /// Serve the Hamming API simulator on 127.0.0.1 (no key needed, no calls placed).
    Sim(sim::SimArgs),
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when the stream is a terminal and `NO_COLOR` is unset.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour what goes to stderr.
    pub fn for_stderr(self) -> bool {
        self.for_stream(std::io::stderr().is_terminal())
    }

    /// Whether to colour what goes to stdout.
    pub fn for_stdout(self) -> bool {
        self.for_stream(std::io::stdout().is_terminal())
    }

    fn for_stream(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// Settings every command sees.
#[derive(Debug, Clone, Copy)]
pub struct Global {
    pub verbose: u8,
    /// Colour diagnostics on stderr.
    pub color: bool,
    /// Colour the summary on stdout.
    pub color_stdout: bool,
}

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
        let global = Global {
            verbose: 0,
            color: ColorChoice::Auto.for_stderr(),
            color_stdout: false,
        };
        print_error(
            global,
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
        Err(err) => {
            let _ = err.print();
            if !err.use_stderr() {
                return ExitCode::from(exit::SUCCESS);
            }
            // Under GitHub Actions a bad flag (say, in a workflow's `args`) is also an
            // annotation and a step summary, not only a line in the log.
            let rendered = err.render().to_string();
            let first = rendered.lines().next().unwrap_or_default();
            let failure = crate::report::setup::SetupFailure {
                diagnostics: Vec::new(),
                messages: vec![first.strip_prefix("error: ").unwrap_or(first).to_owned()],
            };
            let global = Global {
                verbose: 0,
                color: false,
                color_stdout: false,
            };
            return ExitCode::from(outputs::emit_setup_failure(
                &failure,
                exit::USAGE,
                None,
                &global,
            ));
        }
    };
    ExitCode::from(run(cli))
}

/// Runs a parsed command line and returns its exit code.
pub fn run(cli: Cli) -> u8 {
    let global = Global {
        verbose: cli.verbose,
        color: cli.color.for_stderr(),
        color_stdout: cli.color.for_stdout(),
    };
    match cli.command {
        Command::Validate(args) => validate::run(&args, global),
        Command::Schema(args) => schema::run(&args, global),
        Command::Init(args) => init::run(&args, global),
        Command::Run(args) => run::run(args, &global),
        Command::Plan(args) => plan::run(args, &global),
        Command::Create(args) => create::run(args, &global),
        Command::Wait(args) => wait::run(args, &global),
        Command::Check(args) => check::run(args, &global),
        Command::Report(args) => report::run(args, &global),
        Command::Merge(args) => merge::run(args, &global),
        Command::Sim(args) => sim::run(args, &global),
    }
}

/// Parses `key=value` for `--var`.
pub fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!(
            "`{text}` is not `key=value`; write for example `--var region=eu`"
        )),
    }
}

/// Prints `error: …` and an optional hint to stderr, in the diagnostics' style.
pub fn print_error(global: Global, message: &str, hint: Option<&str>) {
    let (red, bold, reset) = if global.color {
        ("\x1b[1;31m", "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    let message = crate::untrusted::lines(&crate::untrusted::redact(message)).into_owned();
    crate::console::err_raw(&format!("{red}error{reset}: {bold}{message}{reset}\n"));
    if let Some(hint) = hint {
        crate::console::err_raw(&format!("  = {bold}help{reset}: {hint}\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn vars_need_a_key() {
        assert_eq!(parse_var("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert_eq!(parse_var("a="), Ok(("a".into(), String::new())));
        assert!(parse_var("=b").is_err());
        assert!(parse_var("ab").is_err());
    }
}
