//! How commands print: colour decisions and the `error:` prefix in one place.

use crate::console;
use crate::untrusted::{lines, redact};

/// Output settings resolved once per invocation.
pub use super::Global as Output;

/// Prints `error: message` to stderr, in red on a terminal. The message is redacted and made
/// printable (it may quote a server); a stderr that cannot be written is ignored.
pub fn error(out: &Output, message: &str) {
    let message = lines(&redact(message)).into_owned();
    if out.color {
        console::err_raw(&format!("\x1b[1;31merror\x1b[0m: {message}\n"));
    } else {
        console::err_raw(&format!("error: {message}\n"));
    }
}
