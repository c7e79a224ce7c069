//! How commands print: colour decisions and the `error:` prefix in one place.

use std::io::IsTerminal;

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Output settings resolved once per invocation.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub color_stdout: bool,
    pub color_stderr: bool,
    pub verbose: u8,
}

impl Output {
    pub fn new(choice: ColorChoice, verbose: u8) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let pick = |is_tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_tty && !no_color,
        };
        Self {
            color_stdout: pick(std::io::stdout().is_terminal()),
            color_stderr: pick(std::io::stderr().is_terminal()),
            verbose,
        }
    }
}

/// Prints `error: message` to stderr, in red on a terminal.
pub fn error(out: &Output, message: &str) {
    if out.color_stderr {
        eprintln!("\x1b[1;31merror\x1b[0m: {message}");
    } else {
        eprintln!("error: {message}");
    }
}

/// Prints `warning: message` to stderr.
pub fn warning(out: &Output, message: &str) {
    if out.color_stderr {
        eprintln!("\x1b[1;33mwarning\x1b[0m: {message}");
    } else {
        eprintln!("warning: {message}");
    }
}
