//! Narrowing what `run` runs beyond `--suite`: `--shard K/N` keeps this machine's share of
//! the suites, and `--rerun-failed REPORT` keeps only what failed (or was flaky) in an
//! earlier JSON report, restricted to the failing test cases.
//!
//! The shard is taken first, over every selected suite, so that a re-run of a sharded matrix
//! keeps each suite on the machine that ran it the first time.

use std::path::Path;

use indexmap::IndexMap;

use crate::outcome::{Outcome, SuiteOutcome, Verdict};
use crate::report::json::read_outcome;
use crate::suite::shard::{self, Shard};
use crate::suite::{ResolvedSuite, Selection, TestCaseSpec};

/// What `run` does after narrowing.
#[derive(Debug, Default)]
pub struct Narrowed {
    /// The suites to run, in file order.
    pub run: Vec<ResolvedSuite>,
    /// Suites not run again, with the outcome to report for them (their earlier one).
    pub carried: Vec<SuiteOutcome>,
    /// What the user should know about the narrowing, one line each.
    pub notes: Vec<String>,
    /// The runs of the report being re-run: a state file must not re-attach to them.
    pub previous_run_ids: Vec<String>,
}

/// Applies `--shard` and then `--rerun-failed` to the selected suites.
pub fn narrow(
    suites: Vec<ResolvedSuite>,
    shard: Option<Shard>,
    rerun_failed: Option<&Path>,
) -> Result<Narrowed, String> {
    let mut narrowed = Narrowed::default();
    let suites = match shard {
        None => suites,
        Some(shard) => {
            let total = suites.len();
            let mine = shard::select(suites, shard);
            let names: Vec<&str> = mine.iter().map(|s| s.name.as_str()).collect();
            narrowed.notes.push(if mine.is_empty() {
                format!(
                    "shard {shard}: no suite falls to this shard ({total} suite(s) across {} shards); nothing to run",
                    shard.count
                )
            } else {
                format!(
                    "shard {shard}: running {} of {total} suite(s): {}",
                    mine.len(),
                    names.join(", ")
                )
            });
            mine
        }
    };
    let Some(path) = rerun_failed else {
        narrowed.run = suites;
        return Ok(narrowed);
    };
    let mut previous = read_outcome(path).map_err(|e| e.to_string())?;
    // What passed there is judged again from the report's record, not from its word.
    for note in crate::outcome::recheck(&mut previous) {
        narrowed.notes.push(format!("{}: {note}", path.display()));
    }
    narrowed.previous_run_ids = previous
        .suites
        .iter()
        .flat_map(|s| s.run_ids())
        .map(str::to_owned)
        .collect();
    rerun_plan(suites, &previous, path, &mut narrowed);
    if narrowed.run.is_empty() {
        narrowed.notes.push(format!(
            "nothing failed or was flaky in {}; nothing to re-run",
            path.display()
        ));
    }
    Ok(narrowed)
}

/// Decides, suite by suite, what to run again after `previous`.
fn rerun_plan(
    suites: Vec<ResolvedSuite>,
    previous: &Outcome,
    path: &Path,
    narrowed: &mut Narrowed,
) {
    let report = path.display();
    for mut suite in suites {
        let Some(earlier) = previous.suites.iter().find(|s| s.name == suite.name) else {
            narrowed.notes.push(format!(
                "{}: not in {report}, so it did not fail there; not re-run",
                suite.name
            ));
            continue;
        };
        if earlier.verdict == Verdict::Passed && earlier.flaky.is_empty() {
            let mut carried = earlier.clone();
            carried.reason = format!("not re-run: passed in {report} ({})", earlier.reason);
            narrowed.carried.push(carried);
            continue;
        }
        let ids = cases_to_rerun(earlier);
        if matches!(suite.selection, Selection::Dataset(_)) {
            // The legacy flow runs a dataset as a whole; it cannot be narrowed to some calls.
            narrowed.notes.push(format!(
                "{}: {} in {report}; a dataset runs as a whole, so the whole suite runs again",
                suite.name,
                earlier.verdict.label()
            ));
        } else if ids.is_empty() {
            narrowed.notes.push(format!(
                "{}: {} in {report} with no failing test case to single out ({}); re-running the whole suite",
                suite.name,
                earlier.verdict.label(),
                earlier.reason
            ));
        } else {
            narrowed.notes.push(format!(
                "{}: re-running {} test case(s) that failed or were flaky in {report}: {}",
                suite.name,
                ids.len(),
                ids.join(", ")
            ));
            restrict(&mut suite, &ids);
        }
        narrowed.run.push(suite);
    }
}

/// The test cases to run again: those with a call that did not pass, the flaky ones, and
/// those a failed check names, in the order the report first mentions them.
pub fn cases_to_rerun(earlier: &SuiteOutcome) -> Vec<String> {
    let mut ids: IndexMap<String, ()> = IndexMap::new();
    for call in earlier.failing_calls() {
        ids.insert(call.test_case_id.clone(), ());
    }
    for case in &earlier.flaky {
        ids.insert(case.test_case_id.clone(), ());
    }
    for check in earlier.failed_checks() {
        if let Some(id) = &check.test_case_id {
            ids.insert(id.clone(), ());
        }
    }
    ids.into_keys().filter(|id| !id.is_empty()).collect()
}

/// Restricts a suite to these test cases, as explicit test cases. A case the suite file
/// lists explicitly keeps its overrides and its line; one selected through a tag runs with
/// none, as the tag ran it.
pub fn restrict(suite: &mut ResolvedSuite, ids: &[String]) {
    let (specs, lines) = match &suite.selection {
        Selection::TestCases(listed) => {
            let mut specs = Vec::new();
            let mut lines = Vec::new();
            for id in ids {
                match listed.iter().position(|c| &c.id == id) {
                    Some(i) => {
                        specs.push(listed[i].clone());
                        lines.push(suite.source.test_case_lines.get(i).copied().unwrap_or(0));
                    }
                    None => {
                        specs.push(plain(id));
                        lines.push(0);
                    }
                }
            }
            (specs, lines)
        }
        Selection::Tags(_) | Selection::Expression(_) | Selection::Dataset(_) => {
            (ids.iter().map(|id| plain(id)).collect(), Vec::new())
        }
    };
    suite.selection = Selection::TestCases(specs);
    suite.source.test_case_lines = lines;
}

fn plain(id: &str) -> TestCaseSpec {
    TestCaseSpec {
        id: id.to_owned(),
        scenario_facts: None,
        persona: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::fixtures;

    #[test]
    fn failing_and_flaky_cases_are_singled_out_once() {
        let failed = &fixtures::gate_failure().suites[0];
        let ids = cases_to_rerun(failed);
        assert!(!ids.is_empty());
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(ids, unique);
        for call in failed.failing_calls() {
            assert!(ids.contains(&call.test_case_id));
        }
        let flaky = &fixtures::flaky().suites[0];
        for case in &flaky.flaky {
            assert!(cases_to_rerun(flaky).contains(&case.test_case_id));
        }
    }

    #[test]
    fn restricting_keeps_the_overrides_and_lines_of_listed_cases() {
        let mut suite = fixtures::suite("billing", fixtures::thresholds());
        let mut first = plain("case-a");
        first.scenario_facts = Some(IndexMap::from([("plan".into(), "premium".into())]));
        suite.selection = Selection::TestCases(vec![first.clone(), plain("case-b")]);
        suite.source.test_case_lines = vec![14, 16];
        restrict(&mut suite, &["case-b".into(), "case-a".into()]);
        assert_eq!(
            suite.selection,
            Selection::TestCases(vec![plain("case-b"), first])
        );
        assert_eq!(suite.source.test_case_lines, vec![16, 14]);

        let mut tagged = fixtures::suite("smoke", fixtures::thresholds());
        tagged.selection = Selection::Tags(vec!["smoke".into()]);
        restrict(&mut tagged, &["case-x".into()]);
        assert_eq!(
            tagged.selection,
            Selection::TestCases(vec![plain("case-x")])
        );
    }

    #[test]
    fn passed_suites_are_carried_and_failed_ones_narrowed() {
        let previous = fixtures::outcome(vec![
            fixtures::passing().suites[0].clone(),
            fixtures::gate_failure().suites[0].clone(),
        ]);
        let passed_name = previous.suites[0].name.clone();
        let failed_name = previous.suites[1].name.clone();
        let suites = vec![
            fixtures::suite(&passed_name, fixtures::thresholds()),
            fixtures::suite(&failed_name, fixtures::thresholds()),
            fixtures::suite("never-ran", fixtures::thresholds()),
        ];
        let mut narrowed = Narrowed::default();
        rerun_plan(suites, &previous, Path::new("prev.json"), &mut narrowed);
        assert_eq!(narrowed.carried.len(), 1);
        assert_eq!(narrowed.carried[0].verdict, Verdict::Passed);
        assert!(
            narrowed.carried[0]
                .reason
                .starts_with("not re-run: passed in prev.json")
        );
        let run: Vec<&str> = narrowed.run.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(run, vec![failed_name.as_str()]);
        assert!(matches!(narrowed.run[0].selection, Selection::TestCases(_)));
        assert!(narrowed.notes.iter().any(|n| n.contains("never-ran")));
    }
}
