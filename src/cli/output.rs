//! How commands print: colour decisions and the `error:` prefix in one place.
//!
//! Every error printed here is also remembered, so a command that stops before running
//! anything can repeat what it said where GitHub Actions shows it (annotations and the step
//! summary), not only in the log.

use std::sync::Mutex;

use crate::load::Diagnostics;
use crate::report::setup::SetupFailure;

/// Output settings resolved once per invocation.
pub use super::Global as Output;

static TOLD: Mutex<SetupFailure> = Mutex::new(SetupFailure {
    diagnostics: Vec::new(),
    messages: Vec::new(),
});

/// Prints `error: message` to stderr, in red on a terminal.
pub fn error(out: &Output, message: &str) {
    if out.color {
        eprintln!("\x1b[1;31merror\x1b[0m: {message}");
    } else {
        eprintln!("error: {message}");
    }
    if let Ok(mut told) = TOLD.lock() {
        told.messages.push(message.to_owned());
    }
}

/// Prints a suite file's diagnostics, rustc-style, and remembers them.
pub fn diagnostics(out: &Output, diagnostics: &Diagnostics) {
    eprint!("{}", diagnostics.render(out.color));
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
