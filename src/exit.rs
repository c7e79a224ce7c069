//! The exit codes of `hamming-runner`: part of its interface, so they live in one place.
//!
//! CI scripts branch on these, so a gate failure (the agent regressed) is kept apart from a
//! tool or platform failure (the run could not be judged).

/// Every selected suite ran to completion and every threshold held.
pub const SUCCESS: u8 = 0;

/// At least one gate failed: a threshold did not hold on a completed run.
pub const GATE_FAILED: u8 = 1;

/// Usage error or invalid suite file: nothing was run.
pub const USAGE: u8 = 2;

/// API or platform error: authentication, exhausted retries, a run that ended FAILED or
/// CANCELED, or a selection the server rejected.
pub const PLATFORM: u8 = 3;

/// A suite hit its deadline; partial results were still judged and reported.
pub const TIMEOUT: u8 = 4;

/// Interrupted by Ctrl-C or SIGTERM; partial results were still reported.
pub const INTERRUPTED: u8 = 130;

/// The table as printed in `--help` and the README.
pub const TABLE: &str = "\
Exit codes:
  0    every gate held
  1    a gate failed (the agent regressed)
  2    usage error or invalid suite file (nothing was run)
  3    API or platform error (auth, exhausted retries, run FAILED/CANCELED)
  4    timed out (partial results were judged and reported)
  130  interrupted (Ctrl-C or SIGTERM; partial results were reported)";

/// Combines the codes of several suites into the code of the whole command.
///
/// The most actionable problem wins: an interruption, then a platform error (the result
/// cannot be trusted), then a timeout, then a gate failure.
pub fn worst(codes: impl IntoIterator<Item = u8>) -> u8 {
    fn rank(code: u8) -> u8 {
        match code {
            INTERRUPTED => 5,
            USAGE => 4,
            PLATFORM => 3,
            TIMEOUT => 2,
            GATE_FAILED => 1,
            _ => 0,
        }
    }
    codes
        .into_iter()
        .max_by_key(|c| rank(*c))
        .unwrap_or(SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_prefers_the_most_actionable_code() {
        assert_eq!(worst([]), SUCCESS);
        assert_eq!(worst([SUCCESS, GATE_FAILED]), GATE_FAILED);
        assert_eq!(worst([GATE_FAILED, TIMEOUT]), TIMEOUT);
        assert_eq!(worst([TIMEOUT, PLATFORM, GATE_FAILED]), PLATFORM);
        assert_eq!(worst([PLATFORM, INTERRUPTED]), INTERRUPTED);
    }
}
