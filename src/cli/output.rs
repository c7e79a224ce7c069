//! How commands report problems: every error goes through the one renderer
//! (`load::diagnostic`), redacted and made printable first, since it may quote a server.
//!
//! Every error printed here is also remembered, so a command that stops before running
//! anything can repeat what it said where GitHub Actions shows it (annotations and the step
//! summary), not only in the log.

use std::sync::Mutex;

use crate::console;
use crate::load::Diagnostics;
use crate::load::diagnostic::{render_error, render_warning};
use crate::report::setup::SetupFailure;
use crate::untrusted::{lines, redact};

/// Output settings resolved once per invocation.
pub use super::global::Global as Output;

/// How a command that reports a result (`plan`, `validate`) prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON document on stdout, for scripts and editors.
    Json,
}

static TOLD: Mutex<SetupFailure> = Mutex::new(SetupFailure {
    diagnostics: Vec::new(),
    messages: Vec::new(),
});

/// Prints `error: message` to stderr, in red when colour is on.
pub fn error(out: &Output, message: &str) {
    error_with_help(out, message, None);
}

/// Prints `error: message` and a help line saying what to do.
pub fn error_with_help(out: &Output, message: &str, help: Option<&str>) {
    let message = safe(message);
    let help = help.map(safe);
    console::err_raw(&render_error(
        &message,
        help.as_slice()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        out.color,
    ));
    if let Ok(mut told) = TOLD.lock() {
        told.messages.push(match help {
            Some(help) => format!("{message} (help: {help})"),
            None => message,
        });
    }
}

/// Prints `warning: message` to stderr; warnings show even under `-q`.
pub fn warning(out: &Output, message: &str) {
    console::err_raw(&render_warning(&safe(message), out.color));
}

/// Prints a file's diagnostics, rustc-style, and remembers them.
pub fn diagnostics(out: &Output, diagnostics: &Diagnostics) {
    console::err_raw(&diagnostics.render(out.color));
    if let Ok(mut told) = TOLD.lock() {
        told.diagnostics.extend(diagnostics.iter().cloned());
    }
}

/// Everything reported as an error so far, emptied.
pub fn take_told() -> SetupFailure {
    TOLD.lock()
        .map(|mut told| std::mem::take(&mut *told))
        .unwrap_or_default()
}

/// Redacted and printable: the text may quote a server or a secret.
fn safe(text: &str) -> String {
    lines(&redact(text)).into_owned()
}
