//! The reports: each module renders an `Outcome` to a writer and never calls the API.
//!
//! `atomic` writes report files so that a reader never sees half of one, even when the run
//! is interrupted while writing.

pub mod atomic;
pub mod baseline_text;
pub mod files;
pub mod github;
mod github_baseline;
pub mod json;
pub mod junit;
mod junit_baseline;
pub mod markdown;
mod markdown_baseline;
pub mod setup;
pub mod statistics_text;
pub mod terminal;
mod terminal_baseline;

#[cfg(test)]
mod tests;

use crate::exit;

/// What an exit code means, in a few words, for the last line of a report.
pub fn exit_meaning(code: u8) -> &'static str {
    match code {
        exit::SUCCESS => "every gate held",
        exit::GATE_FAILED => "a gate failed",
        exit::USAGE => "usage error or invalid suite file",
        exit::PLATFORM => "API or platform error",
        exit::TIMEOUT => "timed out",
        exit::INTERRUPTED => "interrupted",
        _ => "unknown exit code",
    }
}
