//! The exit codes of `hamming-runner`: part of its interface, so they live in one place, with
//! what each command means by each code it can return (printed under that command's
//! `--help`).
//!
//! CI scripts branch on these, so a gate failure (the agent regressed) is kept apart from a
//! tool or platform failure (the run could not be judged), and 2 always means that nothing
//! was run.

/// Every selected suite ran to completion and every threshold held.
pub const SUCCESS: u8 = 0;

/// At least one gate failed: a threshold did not hold on a completed run.
pub const GATE_FAILED: u8 = 1;

/// Usage error, invalid suite file, or every suite refused before its run was created:
/// nothing was run.
pub const USAGE: u8 = 2;

/// API or platform error: authentication, exhausted retries, a run that ended FAILED or
/// CANCELED; or a suite refused while other suites placed calls.
pub const PLATFORM: u8 = 3;

/// A suite hit its deadline; partial results were still judged and reported.
pub const TIMEOUT: u8 = 4;

/// Interrupted by Ctrl-C or SIGTERM; partial results were still reported.
pub const INTERRUPTED: u8 = 130;

/// One code a command can return, and what that command means by it.
pub type Meaning = (u8, &'static str);

/// Every code, as the top-level `--help` and the README list them.
pub const ALL: &[Meaning] = &[
    (SUCCESS, "every gate held"),
    (GATE_FAILED, "a gate failed (the agent regressed)"),
    (
        USAGE,
        "nothing was run: usage error, invalid suite file, or every suite refused",
    ),
    (
        PLATFORM,
        "a run could not be judged: API or platform error (auth, exhausted retries, run FAILED/CANCELED), or a suite refused while others ran",
    ),
    (
        TIMEOUT,
        "timed out (partial results were judged and reported)",
    ),
    (
        INTERRUPTED,
        "interrupted (Ctrl-C or SIGTERM; partial results were reported)",
    ),
];

/// `run`, `report` and `merge`: the codes of judged suites.
pub const RUN: &[Meaning] = &[
    (SUCCESS, "every gate held"),
    (
        GATE_FAILED,
        "a gate failed: a threshold did not hold on a completed run (the agent regressed)",
    ),
    (
        USAGE,
        "nothing was run: usage error, invalid suite file, unwritable report or state path, or every suite refused (unknown agent, tag or test case, empty selection, max_calls)",
    ),
    (
        PLATFORM,
        "a run could not be judged: API or platform error (auth, exhausted retries, run FAILED/CANCELED, a create whose run may exist, a report not written), or a suite refused while others placed calls",
    ),
    (
        TIMEOUT,
        "timed out: partial results were judged and reported",
    ),
    (
        INTERRUPTED,
        "interrupted (Ctrl-C or SIGTERM): partial results were reported; runs already created go on on Hamming",
    ),
];

/// `report FILE.json`: the saved outcome's code, judged again.
pub const REPORT: &[Meaning] = &[
    (
        SUCCESS,
        "every suite in the report passed (its record, not its word, is judged)",
    ),
    (GATE_FAILED, "a gate failed in the report"),
    (
        USAGE,
        "the report cannot be read or a report file cannot be written, or the report records exit 2",
    ),
    (PLATFORM, "a suite in the report could not be judged"),
    (TIMEOUT, "a suite in the report timed out"),
    (INTERRUPTED, "the reported run was interrupted"),
];

/// `merge A.json B.json…`.
pub const MERGE: &[Meaning] = &[
    (SUCCESS, "every suite of every shard passed"),
    (GATE_FAILED, "a gate failed in a shard"),
    (
        USAGE,
        "a report cannot be read, is given twice, or comes from another suite file",
    ),
    (
        PLATFORM,
        "a suite could not be judged, or fewer reports than --shards (a shard's report is missing)",
    ),
    (TIMEOUT, "a suite of a shard timed out"),
    (INTERRUPTED, "a shard was interrupted"),
];

/// `validate FILE…`.
pub const VALIDATE: &[Meaning] = &[
    (SUCCESS, "every file is valid"),
    (USAGE, "a file is invalid or cannot be read"),
];

/// `plan FILE`.
pub const PLAN: &[Meaning] = &[
    (SUCCESS, "every suite resolves; nothing was placed"),
    (
        USAGE,
        "usage error, invalid suite file, or a suite refused (unknown agent, tag or test case, empty selection, max_calls)",
    ),
    (
        PLATFORM,
        "the catalog could not be read (auth, exhausted retries)",
    ),
];

/// `create [FILE]`.
pub const CREATE: &[Meaning] = &[
    (SUCCESS, "the run was created; its id is on stdout"),
    (
        USAGE,
        "nothing was created: usage error, invalid suite file, or the suite was refused",
    ),
    (
        PLATFORM,
        "API error, or a create whose run may exist (look for it in the Hamming app)",
    ),
];

/// `wait ID`.
pub const WAIT: &[Meaning] = &[
    (
        SUCCESS,
        "the run completed (its results are not judged here)",
    ),
    (
        USAGE,
        "usage error: a malformed run id, a bad flag or variable",
    ),
    (
        PLATFORM,
        "the run ended FAILED or CANCELED, could not be followed, or its results not written",
    ),
    (
        TIMEOUT,
        "timed out: the partial results were written; the run goes on on Hamming",
    ),
    (
        INTERRUPTED,
        "interrupted (Ctrl-C or SIGTERM); the run goes on on Hamming",
    ),
];

/// `check ID|FILE|-`.
pub const CHECK: &[Meaning] = &[
    (SUCCESS, "every threshold held"),
    (GATE_FAILED, "a threshold did not hold"),
    (
        USAGE,
        "usage error: unreadable results, a run still going, a bad flag or suite file",
    ),
    (
        PLATFORM,
        "the results could not be fetched or judged (run FAILED/CANCELED, not found, no calls)",
    ),
    (TIMEOUT, "the results were written on a timeout (partial)"),
];

/// `schema`.
pub const SCHEMA: &[Meaning] = &[
    (SUCCESS, "the schema was written"),
    (
        USAGE,
        "usage error, missing key, or the output cannot be written",
    ),
    (PLATFORM, "with --workspace: the catalog could not be read"),
];

/// `init`, `completions`, `man`: commands that only write text.
pub const WRITE: &[Meaning] = &[
    (SUCCESS, "written"),
    (
        USAGE,
        "usage error, or the output cannot be written (an existing file without --force)",
    ),
];

/// `sim`.
pub const SIM: &[Meaning] = &[
    (SUCCESS, "served until Ctrl-C"),
    (
        USAGE,
        "the workspace file is invalid, or the port is in use",
    ),
];

/// The `Exit codes:` section of a command's `--help`, each meaning wrapped under itself.
pub fn help(codes: &[Meaning]) -> String {
    /// Narrow enough that clap's own wrapping (at 100 columns) leaves it alone.
    const WIDTH: usize = 96;
    const INDENT: usize = 7;
    let mut text = String::from("Exit codes:");
    for (code, meaning) in codes {
        let mut line = format!("  {code:<4} ");
        for word in meaning.split(' ') {
            if line.len() + word.len() >= WIDTH && line.len() > INDENT {
                text.push('\n');
                text.push_str(line.trim_end());
                line = " ".repeat(INDENT);
            }
            line.push_str(word);
            line.push(' ');
        }
        text.push('\n');
        text.push_str(line.trim_end());
    }
    text
}

/// Combines the codes of several suites into the code of the whole command.
///
/// The most actionable problem wins: an interruption, then a usage error (nothing was run),
/// then a platform error (the result cannot be trusted), then a timeout, then a gate failure.
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
        assert_eq!(worst([PLATFORM, USAGE]), USAGE);
        assert_eq!(worst([PLATFORM, INTERRUPTED]), INTERRUPTED);
    }

    #[test]
    fn every_command_table_lists_success_and_usage_in_order() {
        for table in [
            RUN, REPORT, MERGE, VALIDATE, PLAN, CREATE, WAIT, CHECK, SCHEMA, WRITE, SIM,
        ] {
            let codes: Vec<u8> = table.iter().map(|(c, _)| *c).collect();
            assert_eq!(codes.first(), Some(&SUCCESS), "{table:?}");
            assert!(codes.contains(&USAGE), "{table:?}");
            assert!(codes.windows(2).all(|w| w[0] < w[1]), "{table:?}");
        }
        assert!(help(VALIDATE).starts_with("Exit codes:\n  0    every file is valid"));
    }
}
