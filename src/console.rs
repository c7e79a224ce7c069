//! Writing to stdout and stderr without ever stopping the process.
//!
//! `println!` and `eprintln!` panic when the stream cannot be written (stderr on a full disk,
//! a pipe whose reader exited), and a release build aborts on a panic: a gate that already
//! placed paid calls would then die without its reports. Progress, notes and messages go
//! through these functions instead, which drop what cannot be written; the report files,
//! the state file and the exit code do not depend on them.
//!
//! Messages are made printable line by line (see `untrusted::printable`), because they
//! carry server text; `out_raw` is for the runner's own workflow commands only.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::untrusted::{lines, redact};

/// Prints a message (one or more lines) on stderr; a write error is ignored.
pub fn err(message: &str) {
    let text = redact(message);
    let text = lines(&text);
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{text}");
    let _ = stderr.flush();
}

/// Prints text on stderr exactly as given (diagnostics that carry their own colours); a
/// write error is ignored.
pub fn err_raw(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// Prints a message line on stdout (what a script captures, such as a run id).
pub fn out(message: &str) -> std::io::Result<()> {
    let text = redact(message);
    let text = lines(&text);
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")?;
    stdout.flush()
}

/// Prints the runner's own text (workflow commands such as `::add-mask::`, a schema) on
/// stdout exactly as given.
pub fn out_raw(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// Set once a report is written to stdout (`--junit -`): stdout then carries that report
/// alone, and the summary and workflow commands go to stderr.
static STDOUT_CARRIES_A_REPORT: AtomicBool = AtomicBool::new(false);

/// Gives stdout to a report for the rest of the process.
pub fn give_stdout_to_a_report() {
    STDOUT_CARRIES_A_REPORT.store(true, Ordering::SeqCst);
}

/// Whether stdout carries a report, so nothing else may be written there.
pub fn stdout_carries_a_report() -> bool {
    STDOUT_CARRIES_A_REPORT.load(Ordering::SeqCst)
}

/// Prints the runner's own workflow commands (`::add-mask::`, annotations): on stdout, or on
/// stderr when stdout carries a report (GitHub Actions reads them from either stream).
pub fn workflow_commands(text: &str) -> std::io::Result<()> {
    if stdout_carries_a_report() {
        err_raw(text);
        Ok(())
    } else {
        out_raw(text)
    }
}

/// Whether output to a stream should be coloured when the user has not said `--color
/// always` or `never`, from the stream and the environment (`env` reads a variable):
///
/// - `NO_COLOR` (non-empty) wins over everything else (<https://no-color.org>);
/// - `FORCE_COLOR` or `CLICOLOR_FORCE` (non-empty, not `0` or `false`) turn colour on, for
///   a pipe that ends in something that renders ANSI;
/// - under GitHub Actions colour is on: its log renders ANSI, and nothing there is a
///   terminal;
/// - `CLICOLOR=0` or `TERM=dumb` turn it off on a terminal;
/// - otherwise a terminal is coloured and anything else is not.
pub fn color_wanted(is_terminal: bool, env: &dyn Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    let forced =
        |name: &str| set(name).is_some_and(|v| v != "0" && !v.eq_ignore_ascii_case("false"));
    if forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") {
        return true;
    }
    if set("GITHUB_ACTIONS").as_deref() == Some("true") {
        return true;
    }
    if set("CLICOLOR").as_deref() == Some("0") || set("TERM").as_deref() == Some("dumb") {
        return false;
    }
    is_terminal
}

#[cfg(test)]
mod tests {
    use super::color_wanted;

    fn with(pairs: &[(&str, &str)], is_terminal: bool) -> bool {
        let env = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        color_wanted(is_terminal, &env)
    }

    #[test]
    fn a_terminal_is_coloured_and_a_pipe_is_not() {
        assert!(with(&[], true));
        assert!(!with(&[], false));
        assert!(!with(&[("TERM", "dumb")], true));
        assert!(!with(&[("CLICOLOR", "0")], true));
    }

    #[test]
    fn force_color_and_github_actions_colour_a_pipe() {
        assert!(with(&[("FORCE_COLOR", "1")], false));
        assert!(with(&[("CLICOLOR_FORCE", "1")], false));
        assert!(!with(&[("FORCE_COLOR", "0")], false));
        assert!(!with(&[("FORCE_COLOR", "")], false));
        assert!(with(&[("GITHUB_ACTIONS", "true")], false));
        assert!(!with(&[("GITHUB_ACTIONS", "")], false));
    }

    #[test]
    fn no_color_wins() {
        for other in [
            ("FORCE_COLOR", "1"),
            ("CLICOLOR_FORCE", "1"),
            ("GITHUB_ACTIONS", "true"),
        ] {
            assert!(!with(&[("NO_COLOR", "1"), other], true), "{other:?}");
        }
        // An empty NO_COLOR does not count, as the convention says.
        assert!(with(&[("NO_COLOR", "")], true));
    }
}
