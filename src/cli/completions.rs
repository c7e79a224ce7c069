//! `completions SHELL` and `man`: the shell completion scripts and the roff manual pages,
//! generated from the same command definition that parses the command line, so they never
//! drift from it. CI checks each script with its shell and the pages with `man`.

use std::path::PathBuf;

use clap_complete::Shell;

use crate::exit;

use super::output::{Output, error};

/// Arguments of `completions`.
#[derive(Debug, Clone, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// Arguments of `man`.
#[derive(Debug, Clone, clap::Args)]
pub struct ManArgs {
    /// Write one page per command (`hamming-runner.1`, `hamming-runner-run.1`, …) into this
    /// directory instead of printing the main page on stdout.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub output_dir: Option<PathBuf>,
}

/// Prints the completion script for a shell on stdout; `command` is the whole command line.
pub fn completions(args: &CompletionsArgs, mut command: clap::Command, out: &Output) -> u8 {
    let name = command.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, name, &mut script);
    write_stdout(&script, out)
}

/// Prints the main manual page on stdout, or writes every page into a directory; `command`
/// is the whole command line.
pub fn man(args: &ManArgs, command: clap::Command, out: &Output) -> u8 {
    if let Some(dir) = &args.output_dir {
        return match std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(command, dir))
        {
            Ok(()) => {
                out.info(&format!("wrote the manual pages into {}", dir.display()));
                exit::SUCCESS
            }
            Err(e) => {
                error(
                    out,
                    &format!("cannot write the manual pages into {}: {e}", dir.display()),
                );
                exit::USAGE
            }
        };
    }
    let mut page = Vec::new();
    if let Err(e) = clap_mangen::Man::new(command).render(&mut page) {
        error(out, &format!("cannot render the manual page: {e}"));
        return exit::USAGE;
    }
    write_stdout(&page, out)
}

fn write_stdout(bytes: &[u8], out: &Output) -> u8 {
    match crate::console::out_raw(&String::from_utf8_lossy(bytes)) {
        Ok(()) => exit::SUCCESS,
        Err(e) => {
            error(out, &format!("cannot write to stdout: {e}"));
            exit::USAGE
        }
    }
}
