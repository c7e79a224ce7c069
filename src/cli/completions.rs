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
pub fn completions(args: &CompletionsArgs, command: clap::Command, out: &Output) -> u8 {
    let mut command = visible(&command);
    let name = command.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, name.clone(), &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if args.shell == Shell::Bash {
        script = bash_hyphen_fix(&script, &name);
    }
    write_stdout(script.as_bytes(), out)
}

/// The command without its hidden options (flags for tests and rehearsals), which the
/// completion generators would otherwise offer.
fn visible(command: &clap::Command) -> clap::Command {
    let mut copy = clap::Command::new(command.get_name().to_owned())
        .disable_help_flag(true)
        .disable_version_flag(true)
        .args(
            command
                .get_arguments()
                .filter(|arg| !arg.is_hide_set())
                .cloned(),
        );
    if let Some(about) = command.get_about() {
        copy = copy.about(about.clone());
    }
    for sub in command.get_subcommands() {
        copy = copy.subcommand(visible(sub));
    }
    copy
}

/// clap_complete's bash script spells the state of a subcommand of a hyphenated binary two
/// ways: the loop that reads the words arrives at `hamming__runner__subcmd__run`, the arms
/// that complete its options are labelled `hamming__subcmd__runner__subcmd__run`, so no
/// option of any subcommand ever completes (clap-rs/clap#6421, open). The arms are
/// relabelled the way the loop spells them; CI checks that `run --simu<TAB>` completes.
fn bash_hyphen_fix(script: &str, name: &str) -> String {
    if !name.contains('-') {
        return script.to_owned();
    }
    let wrong = name.replace('-', "__subcmd__");
    let right = name.replace('-', "__");
    script.replace(&wrong, &right)
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
