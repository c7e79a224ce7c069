//! How commands print: colour decisions and the `error:` prefix in one place.

/// Output settings resolved once per invocation.
pub use super::Global as Output;

/// Prints `error: message` to stderr, in red on a terminal.
pub fn error(out: &Output, message: &str) {
    if out.color {
        eprintln!("\x1b[1;31merror\x1b[0m: {message}");
    } else {
        eprintln!("error: {message}");
    }
}
