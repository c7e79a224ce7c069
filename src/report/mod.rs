//! The reports: each module renders an `Outcome` to a writer and never calls the API.
//!
//! `atomic` writes report files so that a reader never sees half of one, even when the run
//! is interrupted while writing.

pub mod atomic;
pub mod baseline_text;
pub mod files;
pub mod github;
mod github_baseline;
pub mod html;
pub mod json;
pub mod junit;
mod junit_baseline;
pub mod markdown;
mod markdown_baseline;
pub mod markdown_layout;
mod markdown_text;
pub mod setup;
pub mod statistics_text;
pub mod terminal;
mod terminal_baseline;

#[cfg(test)]
mod tests;

use crate::exit;
use crate::outcome::{Outcome, Verdict};

/// What an exit code means, in a few words, for the last line of a report.
pub fn exit_meaning(code: u8) -> &'static str {
    match code {
        exit::SUCCESS => "every gate held",
        exit::GATE_FAILED => "a gate failed",
        exit::USAGE => "nothing was run",
        exit::PLATFORM => "a run could not be judged",
        exit::TIMEOUT => "timed out",
        exit::INTERRUPTED => "interrupted",
        _ => "unknown exit code",
    }
}

/// Why an outcome exits with its code, in the README's words for that code, made specific
/// by what the outcome holds (a refusal beside suites that ran is a 3, never "nothing was
/// run").
pub fn exit_reason(outcome: &Outcome) -> String {
    let has = |verdict: Verdict| outcome.suites.iter().any(|s| s.verdict == verdict);
    match outcome.exit_code {
        exit::USAGE if has(Verdict::Refused) => "nothing was run: every suite was refused".into(),
        exit::PLATFORM if has(Verdict::Error) && has(Verdict::Refused) => {
            "a run could not be judged, and a suite was refused".into()
        }
        exit::PLATFORM if has(Verdict::Refused) => "a suite was refused while others ran".into(),
        code => exit_meaning(code).into(),
    }
}

/// The headline's lead: each kind of verdict present, most actionable first, e.g.
/// `REFUSED, GATE FAILED`; `PASSED` when every suite passed.
pub fn headline(outcome: &Outcome) -> String {
    outcome
        .kinds()
        .iter()
        .map(|v| v.label().to_uppercase())
        .collect::<Vec<_>>()
        .join(", ")
}
