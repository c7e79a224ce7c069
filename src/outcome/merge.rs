//! Combining the JSON reports of a sharded run (`run --shard K/N` on N machines) into one
//! outcome, as if one machine had run every suite.

use std::path::PathBuf;

use super::model::{Outcome, SuiteOutcome, Verdict};
use crate::exit;

/// Why reports cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("nothing to merge: name the JSON reports of every shard")]
    NoReports,
    #[error(
        "{second} is a report of suite file `{second_file}`, but {first} is of `{first_file}`; merge only the shards of one suite file"
    )]
    MixedFiles {
        first: PathBuf,
        first_file: String,
        second: PathBuf,
        second_file: String,
    },
    #[error("{0} is given more than once; pass each shard's report once")]
    SameReport(PathBuf),
    #[error(
        "suite `{suite}` is in both {first} and {second}; each shard runs different suites, so one of the reports comes from another run"
    )]
    Duplicate {
        suite: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(
        "the reports hold no suite at all; an empty run is never a pass (were the shards' reports written by runs that selected nothing?)"
    )]
    Empty,
}

/// Merges shard reports: suites in suite-file order (by the line that defines them), the
/// verdict recomputed from the suites, the exit code the worst of the shards' own codes and
/// of the suites' verdicts. Suites a shard reported as not run (e.g. skipped by
/// `--fail-fast`) count only through that shard's own exit code, as they did there.
pub fn merge(reports: Vec<(PathBuf, Outcome)>) -> Result<Outcome, MergeError> {
    let Some((first_path, first)) = reports.first() else {
        return Err(MergeError::NoReports);
    };
    for (at, (path, _)) in reports.iter().enumerate() {
        if reports[..at].iter().any(|(earlier, _)| earlier == path) {
            return Err(MergeError::SameReport(path.clone()));
        }
    }
    let mut seen: Vec<(String, PathBuf)> = Vec::new();
    let mut suites = Vec::new();
    let mut shard_codes = Vec::new();
    let mut started_at = first.started_at.clone();
    let mut finished_at = first.finished_at.clone();
    for (path, outcome) in &reports {
        if outcome.suite_file != first.suite_file {
            return Err(MergeError::MixedFiles {
                first: first_path.clone(),
                first_file: first.suite_file.clone(),
                second: path.clone(),
                second_file: outcome.suite_file.clone(),
            });
        }
        for suite in &outcome.suites {
            if let Some((_, earlier)) = seen.iter().find(|(name, _)| *name == suite.name) {
                return Err(MergeError::Duplicate {
                    suite: suite.name.clone(),
                    first: earlier.clone(),
                    second: path.clone(),
                });
            }
            seen.push((suite.name.clone(), path.clone()));
            suites.push(suite.clone());
        }
        shard_codes.push(outcome.exit_code);
        // RFC 3339 timestamps in UTC to the second compare as text.
        if outcome.started_at < started_at {
            started_at.clone_from(&outcome.started_at);
        }
        if outcome.finished_at > finished_at {
            finished_at.clone_from(&outcome.finished_at);
        }
    }
    if suites.is_empty() {
        return Err(MergeError::Empty);
    }
    in_file_order(&mut suites);
    // A shard whose every suite was refused exits 2 (nothing was run there); once another
    // shard ran a suite, the whole did run, and that refusal counts as a 3.
    let something_ran = suites
        .iter()
        .any(|s| !matches!(s.verdict, Verdict::Refused | Verdict::NotRun));
    let shard_codes = shard_codes.into_iter().map(|code| match code {
        exit::USAGE if something_ran => exit::PLATFORM,
        code => code,
    });
    let exit_code = exit::worst(shard_codes.chain(super::model::suite_codes(&suites)));
    let verdict = match super::model::verdict_for(&suites, exit_code) {
        Verdict::Passed if exit_code != exit::SUCCESS => worst_verdict(&suites),
        verdict => verdict,
    };
    let mut merged = Outcome {
        schema_version: super::model::schema_version_for(&suites),
        suites,
        verdict,
        exit_code,
        started_at,
        finished_at,
        ..first.clone()
    };
    merged.tool = super::model::ToolInfo::current();
    Ok(merged)
}

/// Puts suites in suite-file order, by the line of each suite's name; a suite whose line is
/// unknown (0) goes last, by name, rather than first.
pub fn in_file_order(suites: &mut [SuiteOutcome]) {
    suites.sort_by(|a, b| {
        let key = |line: u32| if line == 0 { u32::MAX } else { line };
        key(a.source.line)
            .cmp(&key(b.source.line))
            .then_with(|| a.name.cmp(&b.name))
    });
}

fn worst_verdict(suites: &[SuiteOutcome]) -> Verdict {
    let code = exit::worst(suites.iter().map(SuiteOutcome::exit_code));
    super::model::verdict_for(suites, code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::fixtures;

    fn shard(outcome: &Outcome, keep: &[&str]) -> Outcome {
        let mut part = outcome.clone();
        part.suites.retain(|s| keep.contains(&s.name.as_str()));
        part.exit_code = exit::worst(part.suites.iter().map(|s| s.verdict.exit_code()));
        part
    }

    fn two_suites() -> Outcome {
        let mut whole = fixtures::gate_failure();
        let mut second = fixtures::passing().suites[0].clone();
        second.name = "zz-second".into();
        second.source.line = whole.suites[0].source.line + 10;
        whole.suites.push(second);
        whole
    }

    #[test]
    fn shards_merge_back_into_file_order_with_the_worst_code() {
        let whole = two_suites();
        let first = whole.suites[0].name.clone();
        // Passed in reverse order: the merge restores the file's order.
        let merged = merge(vec![
            ("b.json".into(), shard(&whole, &["zz-second"])),
            ("a.json".into(), shard(&whole, &[first.as_str()])),
        ])
        .unwrap();
        let names: Vec<&str> = merged.suites.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec![first.as_str(), "zz-second"]);
        assert_eq!(merged.exit_code, exit::GATE_FAILED);
        assert_eq!(merged.verdict, Verdict::Failed);
        assert_eq!(merged.suite_file, whole.suite_file);
    }

    #[test]
    fn an_empty_shard_merges_away() {
        let whole = two_suites();
        let merged = merge(vec![
            ("a.json".into(), shard(&whole, &["zz-second"])),
            ("empty.json".into(), shard(&whole, &[])),
        ])
        .unwrap();
        assert_eq!(merged.exit_code, exit::SUCCESS);
        assert_eq!(merged.verdict, Verdict::Passed);
    }

    #[test]
    fn duplicates_mixed_files_and_nothing_are_refused() {
        let whole = two_suites();
        let err = merge(vec![
            ("a.json".into(), whole.clone()),
            ("b.json".into(), shard(&whole, &["zz-second"])),
        ])
        .unwrap_err();
        assert!(matches!(&err, MergeError::Duplicate { suite, .. } if suite == "zz-second"));
        assert!(err.to_string().contains("b.json"), "{err}");

        let mut other = shard(&whole, &["zz-second"]);
        other.suite_file = "other.yaml".into();
        let err = merge(vec![
            ("a.json".into(), shard(&whole, &[])),
            ("b.json".into(), other),
        ])
        .unwrap_err();
        assert!(matches!(err, MergeError::MixedFiles { .. }), "{err}");

        assert_eq!(merge(Vec::new()), Err(MergeError::NoReports));
        assert_eq!(
            merge(vec![("a.json".into(), shard(&whole, &[]))]),
            Err(MergeError::Empty)
        );
    }

    #[test]
    fn a_shards_own_code_is_kept() {
        // A shard that recorded a platform error (a report it could not write) keeps the
        // merged run failing.
        let whole = two_suites();
        let mut broken = shard(&whole, &["zz-second"]);
        broken.exit_code = exit::PLATFORM;
        let merged = merge(vec![("a.json".into(), broken)]).unwrap();
        assert_eq!(merged.exit_code, exit::PLATFORM);
    }

    #[test]
    fn a_shard_that_ran_nothing_does_not_make_the_whole_claim_nothing_ran() {
        let whole = two_suites();
        let ran = shard(&whole, &["zz-second"]);
        let mut refused = shard(&whole, &[whole.suites[0].name.as_str()]);
        refused.suites[0].verdict = Verdict::Refused;
        refused.suites[0].end = crate::outcome::EndKind::NotStarted;
        refused.suites[0].run_id = None;
        refused.suites[0].calls.clear();
        refused.suites[0].checks.clear();
        refused.suites[0].counts = Default::default();
        refused.exit_code = exit::USAGE;
        let merged = merge(vec![
            ("a.json".into(), ran),
            ("b.json".into(), refused.clone()),
        ])
        .unwrap();
        assert_eq!(merged.exit_code, exit::PLATFORM, "{merged:#?}");
        assert_eq!(merged.verdict, Verdict::Refused);
        // Alone, it ran nothing.
        let alone = merge(vec![("b.json".into(), refused)]).unwrap();
        assert_eq!(alone.exit_code, exit::USAGE);
    }

    #[test]
    fn the_same_report_twice_is_named_once() {
        let whole = two_suites();
        let a = shard(&whole, &["zz-second"]);
        let err = merge(vec![("a.json".into(), a.clone()), ("a.json".into(), a)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.json is given more than once; pass each shard's report once"
        );
    }
}
