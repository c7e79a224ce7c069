//! Text the runner did not write itself: server answers (error bodies, judge reasons, titles,
//! links, run ids) and values read back from saved files. Three rules apply to it:
//!
//! - `redact`: secrets (the API key, every secret a template was allowed to read, URL user
//!   names and passwords, `Bearer` tokens) are replaced before the text enters an outcome, an
//!   error or a report;
//! - `printable`: before it reaches a terminal or a CI log it is one line, with control
//!   characters, terminal escapes and bidi overrides shown as escapes, and no workflow command
//!   can start in it;
//! - `links`: a link is kept only if it is `https:` (or `http:` against a loopback API).

pub mod links;
pub mod printable;
pub mod redact;

pub use links::{HttpLinks, LinkPolicy};
pub use printable::{lines, one_line, visible};
pub use redact::{Redactor, redact};

/// A server's text made safe for an error message: redacted, on one line, and cut to `max`
/// characters.
pub fn excerpt_of(text: &str, max: usize) -> String {
    let safe = one_line(&redact(text)).into_owned();
    match safe.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &safe[..cut]),
        None => safe,
    }
}
