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
