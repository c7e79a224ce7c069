//! The options every command takes (`-v`, `-q`, `--color`, `-h`), listed last in every
//! `--help`, and the settings they resolve to.

use std::io::IsTerminal;

use clap::{ArgAction, ValueEnum};

/// The options of every command.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// More detail on stderr, adding at each level: -v each HTTP request (method, path,
    /// status, time) and what a command decided; -vv request and response sizes and retry
    /// decisions; -vvv request and response bodies, with every secret redacted.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,

    /// Only errors, warnings and results: no progress, notes or hints on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// When to colour: auto colours a terminal and GitHub Actions' log, FORCE_COLOR or
    /// CLICOLOR_FORCE colour anything, and NO_COLOR turns colour off.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorChoice::Auto
    )]
    pub color: ColorChoice,

    /// Print help (a summary with -h).
    #[arg(short, long, global = true, action = ArgAction::Help)]
    pub help: Option<bool>,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// A terminal or GitHub Actions' log, unless NO_COLOR is set.
    Auto,
    /// Always, whatever the stream or the environment.
    Always,
    /// Never.
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
                crate::console::color_wanted(is_terminal, &|name| std::env::var(name).ok())
            }
        }
    }
}

/// Settings every command sees.
#[derive(Debug, Clone, Copy, Default)]
pub struct Global {
    /// `-v` counted.
    pub verbose: u8,
    /// `-q`: no progress, notes or hints.
    pub quiet: bool,
    /// Colour diagnostics on stderr.
    pub color: bool,
    /// Colour the summary on stdout.
    pub color_stdout: bool,
}

impl Global {
    /// The settings the options ask for.
    pub fn from_args(args: &GlobalArgs) -> Self {
        Self {
            verbose: args.verbose,
            quiet: args.quiet,
            color: args.color.for_stderr(),
            color_stdout: args.color.for_stdout(),
        }
    }

    /// The settings before the command line is read (an error found while reading it).
    pub fn before_parsing() -> Self {
        Self {
            color: ColorChoice::Auto.for_stderr(),
            ..Self::default()
        }
    }

    /// Prints an informational line on stderr (a note, what the command did), unless `-q`.
    pub fn info(&self, message: &str) {
        if !self.quiet {
            crate::console::err(message);
        }
    }
}
