//! How commands print: colour decisions and the `error:` prefix in one place.
//!
//! Every error printed here is also remembered, so a command that stops before running
//! anything can repeat what it said where GitHub Actions shows it (annotations and the step
//! summary), not only in the log.

use std::sync::Mutex;

use crate::load::Diagnostics;
use crate::report::setup::SetupFailure;

use crate::console;
use crate::untrusted::{lines, redact};

/// Output settings resolved once per invocation.
pub use super::Global as Output;

static TOLD: Mutex<SetupFailure> = Mutex::new(SetupFailure {
    diagnostics: Vec::new(),
    messages: Vec::new(),
});

/// Prints `error: message` to stderr, in red on a terminal. The message is redacted and made
/// printable (it may quote a server); a stderr that cannot be written is ignored.
pub fn error(out: &Output, message: &str) {
    let message = lines(&redact(message)).into_owned();
    if out.color {
        console::err_raw(&format!("\x1b[1;31merror\x1b[0m: {message}\n"));
    } else {
        console::err_raw(&format!("error: {message}\n"));
    }
    if let Ok(mut told) = TOLD.lock() {
        told.messages.push(message);
    }
}

/// Prints a suite file's diagnostics, rustc-style, and remembers them.
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
