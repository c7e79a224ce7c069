//! What the commands say about quarantine beyond the gate: a warning for each quarantine
//! that has expired (`validate`, `run`, `check`), and `plan`'s check of the entries of tag
//! suites against the cases the catalog resolves, each at the entry's `file:line:col`.

use std::collections::HashSet;

use indexmap::IndexMap;

use crate::load::positions::Anchor;
use crate::load::{Diagnostic, LoadedFile, Source};
use crate::suite::{Quarantine, ResolvedSuite, Selection};

/// A diagnostic at a quarantine entry's `field` (`test_case`, `until`), of `suite`, with a
/// hint.
fn at_entry(
    loaded: &LoadedFile,
    source: Option<&Source>,
    entry: &Quarantine,
    (field, suite): (&str, Option<&str>),
    message: String,
    hint: String,
) -> Diagnostic {
    let span = loaded
        .positions
        .find(&format!("{}/{field}", entry.pointer), Anchor::Value);
    let mut diagnostic = match (source, span) {
        (Some(source), Some(span)) => {
            Diagnostic::at(source, span.line, span.column, span.width, message)
        }
        _ => Diagnostic::whole_file(&loaded.path.display().to_string(), message, ""),
    };
    diagnostic.suite = suite.map(str::to_owned);
    diagnostic.hint = Some(hint);
    diagnostic
}

/// A warning for each expired quarantine of these suites, at its `until` (an entry of
/// `defaults` once, however many suites inherit it).
pub fn expired(
    loaded: &LoadedFile,
    suites: &[ResolvedSuite],
    today: crate::suite::Date,
) -> Vec<Diagnostic> {
    let source = Source::read(&loaded.path).ok();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for suite in suites {
        for entry in suite.quarantine.iter().filter(|q| q.expired) {
            if !seen.insert(entry.pointer.clone()) {
                continue;
            }
            let owner = if entry.inherited {
                "`defaults`".to_owned()
            } else {
                format!("suite `{}`", suite.name)
            };
            out.push(at_entry(
                loaded,
                source.as_ref(),
                entry,
                ("until", (!entry.inherited).then_some(suite.name.as_str())),
                format!(
                    "the quarantine of test case `{}` in {owner} expired on {} (today is {today}): the case gates again",
                    entry.test_case_id, entry.until
                ),
                format!(
                    "fix the case and remove the entry, or renew the quarantine with a later `until` (at most {} days ahead)",
                    crate::suite::quarantine::MAX_DAYS
                ),
            ));
        }
    }
    out
}

/// `plan`'s check of quarantines against the catalog: each entry of a suite that selects by
/// tag must name a case the tags resolve to, and each entry of `defaults` a case some
/// suite selects. `resolved` holds each planned suite's cases; a suite whose cases are unknown
/// (the catalog could not be read) is not checked, and `defaults` only when every suite was
/// planned and resolved.
pub fn unselected(
    loaded: &LoadedFile,
    resolved: &[(&ResolvedSuite, &IndexMap<String, String>)],
) -> Vec<Diagnostic> {
    let source = Source::read(&loaded.path).ok();
    let mut out = Vec::new();
    let by_tag = |suite: &ResolvedSuite| {
        matches!(
            suite.selection,
            Selection::Tags(_) | Selection::Expression(_)
        )
    };
    for (suite, cases) in resolved.iter().filter(|(s, c)| by_tag(s) && !c.is_empty()) {
        for entry in suite.quarantine.iter().filter(|q| !q.inherited) {
            if !cases.contains_key(&entry.test_case_id) {
                out.push(at_entry(
                    loaded,
                    source.as_ref(),
                    entry,
                    ("test_case", Some(suite.name.as_str())),
                    format!(
                        "suite `{}` quarantines test case `{}`, which its tags do not select for agent {}",
                        suite.name, entry.test_case_id, suite.agent_id
                    ),
                    "quarantine one of the cases `plan --cases` lists for the suite, or remove the entry".to_owned(),
                ));
            }
        }
    }
    // Whether no suite selects an entry of `defaults` is known only when every suite of the
    // file was planned and resolved.
    let all_known = resolved.len() == loaded.suites.len()
        && resolved.iter().all(|(s, c)| !by_tag(s) || !c.is_empty());
    let mut seen = HashSet::new();
    for (suite, _) in resolved {
        for entry in suite.quarantine.iter().filter(|q| q.inherited) {
            if !all_known || !seen.insert(entry.pointer.clone()) {
                continue;
            }
            let selected = resolved.iter().any(|(s, cases)| match &s.selection {
                Selection::TestCases(listed) => listed.iter().any(|c| c.id == entry.test_case_id),
                _ => cases.contains_key(&entry.test_case_id),
            });
            if !selected {
                out.push(at_entry(
                    loaded,
                    source.as_ref(),
                    entry,
                    ("test_case", None),
                    format!(
                        "`defaults` quarantines test case `{}`, which no suite selects",
                        entry.test_case_id
                    ),
                    "quarantine a case some suite selects (see `plan --cases`), or remove the entry".to_owned(),
                ));
            }
        }
    }
    out
}
