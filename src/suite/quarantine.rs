//! Quarantine: test cases known to be broken that still run and are reported, but gate
//! nothing until a date. The entries of `defaults` and of a suite, their rules, and each
//! suite's quarantine after inheritance.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::date::Date;
use super::model::{SuiteFile, SuiteSpec};
use super::resolve::{Problem, Selection};

/// A quarantine lasts at most this many days from the day it is checked.
pub const MAX_DAYS: i64 = 90;

/// A test case in quarantine: it still runs and is reported, marked as quarantined with the
/// reason, but counts in no threshold and in no comparison with a baseline until `until`.
/// From `until` on it gates again, with a warning that the quarantine expired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuarantineSpec {
    /// The id of the test case (one the suite selects).
    #[schemars(length(min = 1), example = &"cmc220l4i00zsgn0gvqkvpvxh")]
    pub test_case: String,

    /// The first day (UTC) the case gates again, `YYYY-MM-DD`, at most 90 days ahead.
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), example = &"2026-03-01")]
    pub until: String,

    /// Why the case is quarantined (shown in every report), e.g. a ticket.
    #[schemars(length(min = 1), example = &"Known bug in the refund flow, see TICKET-123")]
    pub reason: String,
}

/// A quarantine entry of one suite after inheritance, with its state on the day the file
/// was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantine {
    pub test_case_id: String,
    pub until: Date,
    pub reason: String,
    /// `until` has come: the case gates again.
    pub expired: bool,
    /// Where the entry is written (a JSON pointer to the entry), for messages.
    pub pointer: String,
    /// 1-based line of the entry in the suite file (0 when unknown).
    pub line: u32,
    /// The entry comes from `defaults`.
    pub inherited: bool,
}

impl Quarantine {
    /// Whether the entry keeps its case from gating.
    pub fn active(&self) -> bool {
        !self.expired
    }
}

/// A suite's quarantine: the suite's own entries and those of `defaults` for cases the suite
/// may select (all of them for a tag selection, which is resolved online; the listed ones for
/// explicit test cases; none for a dataset). A suite's entry replaces a default one for the
/// same case.
pub fn of_suite(
    name: &str,
    pointer: &str,
    spec: &SuiteSpec,
    defaults: &SuiteSpec,
    selection: Option<&Selection>,
    today: Date,
    problems: &mut Vec<Problem>,
) -> Vec<Quarantine> {
    let own = entries(spec, Some(name), pointer, today, false, problems);
    let inherited = entries(
        defaults,
        Some(name),
        "/defaults",
        today,
        true,
        &mut Vec::new(),
    );
    if let Some(Selection::Dataset(_)) = selection
        && spec.quarantine.is_some()
    {
        problems.push(problem(
            Some(name),
            format!("{pointer}/quarantine"),
            format!(
                "suite `{name}` runs a dataset, whose calls name no test case, so none can be quarantined"
            ),
            "remove `quarantine` from this suite, or select the cases with `tags` or `test_cases`",
        ));
        return Vec::new();
    }
    if let Some(Selection::TestCases(cases)) = selection {
        for entry in &own {
            if !cases.iter().any(|c| c.id == entry.test_case_id) {
                let listed: Vec<&str> = cases.iter().map(|c| c.id.as_str()).take(10).collect();
                problems.push(problem(
                    Some(name),
                    format!("{}/test_case", entry.pointer),
                    format!(
                        "suite `{name}` quarantines test case `{}`, which it does not select",
                        entry.test_case_id
                    ),
                    &format!(
                        "quarantine one of the suite's test cases ({}), or remove the entry",
                        listed.join(", ")
                    ),
                ));
            }
        }
    }
    let selects = |id: &str| match selection {
        Some(Selection::TestCases(cases)) => cases.iter().any(|c| c.id == id),
        Some(Selection::Dataset(_)) => false,
        Some(Selection::Tags(_)) | Some(Selection::Expression(_)) | None => true,
    };
    let mut all: Vec<Quarantine> = inherited
        .into_iter()
        .filter(|d| selects(&d.test_case_id))
        .filter(|d| !own.iter().any(|o| o.test_case_id == d.test_case_id))
        .collect();
    all.extend(own);
    all
}

/// The rules on `defaults`' entries that no one suite can check: each is valid on its own,
/// and some suite may select its case (a tag suite may; an explicit list must name it).
pub fn check_defaults(file: &SuiteFile, today: Date, problems: &mut Vec<Problem>) {
    let Some(defaults) = &file.defaults else {
        return;
    };
    let entries = entries(defaults, None, "/defaults", today, true, problems);
    for entry in &entries {
        // A suite selects by its own selection, or else by the one of `defaults`.
        let selected = file.suites.values().any(|spec| {
            let spec = if spec.tags.is_none() && spec.test_cases.is_none() && spec.dataset.is_none()
            {
                defaults
            } else {
                spec
            };
            match (&spec.tags, &spec.test_cases) {
                (Some(_), _) => true,
                (None, Some(cases)) => cases.iter().any(|c| c.id == entry.test_case_id),
                (None, None) => false,
            }
        });
        if !selected {
            problems.push(problem(
                None,
                format!("{}/test_case", entry.pointer),
                format!(
                    "`defaults` quarantines test case `{}`, which no suite selects",
                    entry.test_case_id
                ),
                "quarantine a test case some suite selects, or remove the entry",
            ));
        }
    }
}

/// The entries of one `quarantine` list, each checked: a real date at most `MAX_DAYS` ahead,
/// a reason, and each case once.
fn entries(
    spec: &SuiteSpec,
    suite: Option<&str>,
    pointer: &str,
    today: Date,
    inherited: bool,
    problems: &mut Vec<Problem>,
) -> Vec<Quarantine> {
    let Some(list) = &spec.quarantine else {
        return Vec::new();
    };
    let mut out: Vec<Quarantine> = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let at = format!("{pointer}/quarantine/{i}");
        let before = problems.len();
        let id = entry.test_case.trim();
        ids.push(id);
        if let Some(first) = ids.iter().position(|seen| *seen == id).filter(|f| *f < i) {
            problems.push(problem(
                suite,
                format!("{at}/test_case"),
                format!(
                    "test case `{id}` is quarantined twice (entries {} and {})",
                    first + 1,
                    i + 1
                ),
                "keep one entry per test case",
            ));
        }
        if entry.reason.trim().is_empty() {
            problems.push(problem(
                suite,
                format!("{at}/reason"),
                format!("the quarantine of `{id}` gives no reason"),
                "say why the case is quarantined (a ticket, a known bug); every report shows it",
            ));
        }
        let until = match Date::parse(entry.until.trim()) {
            Ok(until) => Some(until),
            Err(e) => {
                problems.push(problem(
                    suite,
                    format!("{at}/until"),
                    format!("`until` of the quarantine of `{id}`: {e}"),
                    "write the first day the case gates again, e.g. `until: 2026-03-01`",
                ));
                None
            }
        };
        if let Some(until) = until
            && today.days_until(until) > MAX_DAYS
        {
            problems.push(problem(
                suite,
                format!("{at}/until"),
                format!(
                    "the quarantine of `{id}` runs until {until}, {} days from today ({today}); a quarantine lasts at most {MAX_DAYS} days",
                    today.days_until(until)
                ),
                &format!(
                    "set `until` to {} or earlier, and renew it then if the case is still broken",
                    today.plus_days(MAX_DAYS)
                ),
            ));
        }
        if problems.len() > before {
            continue;
        }
        if let Some(until) = until {
            out.push(Quarantine {
                test_case_id: id.to_owned(),
                until,
                reason: entry.reason.trim().to_owned(),
                expired: today >= until,
                pointer: at,
                line: 0,
                inherited,
            });
        }
    }
    out
}

fn problem(suite: Option<&str>, pointer: String, message: String, hint: &str) -> Problem {
    Problem {
        suite: suite.map(str::to_owned),
        pointer,
        message,
        hint: Some(hint.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::suite::{Date, SuiteFile, resolve};

    fn file(value: serde_json::Value) -> SuiteFile {
        serde_json::from_value(value).unwrap()
    }

    fn today() -> Date {
        Date::parse("2026-03-01").unwrap()
    }

    #[test]
    fn a_suite_inherits_the_entries_of_defaults_for_the_cases_it_may_select() {
        let file = file(json!({
            "version": 1,
            "defaults": {
                "agent_id": "a", "phone_numbers": ["+14155550100"],
                "quarantine": [
                    { "test_case": "c1", "until": "2026-03-10", "reason": "default" },
                    { "test_case": "c2", "until": "2026-03-10", "reason": "default" }
                ]
            },
            "suites": {
                "listed": {
                    "test_cases": [{ "id": "c1" }, { "id": "c3" }],
                    "quarantine": [{ "test_case": "c3", "until": "2026-03-01", "reason": "own" }]
                },
                "tagged": {
                    "tags": ["smoke"],
                    "quarantine": [{ "test_case": "c2", "until": "2026-03-20", "reason": "overridden" }]
                }
            }
        }));
        let suites = resolve(&file, today()).unwrap();
        let entries = |i: usize| -> Vec<(String, String, bool, bool)> {
            suites[i]
                .quarantine
                .iter()
                .map(|q| {
                    (
                        q.test_case_id.clone(),
                        q.reason.clone(),
                        q.expired,
                        q.inherited,
                    )
                })
                .collect()
        };
        assert_eq!(
            entries(0),
            [
                ("c1".into(), "default".into(), false, true),
                ("c3".into(), "own".into(), true, false)
            ],
            "an explicit list inherits only its cases; `until` today has expired"
        );
        assert_eq!(
            entries(1),
            [
                ("c1".into(), "default".into(), false, true),
                ("c2".into(), "overridden".into(), false, false)
            ],
            "a tag suite may select any case; its own entry replaces the default"
        );
        assert_eq!(
            suites[0].quarantine[1].pointer,
            "/suites/listed/quarantine/0"
        );
    }

    #[test]
    fn until_may_reach_ninety_days_ahead_and_no_further() {
        let at = |until: &str| {
            file(json!({
                "version": 1,
                "suites": { "s": {
                    "agent_id": "a", "phone_numbers": ["+14155550100"],
                    "test_cases": [{ "id": "c1" }],
                    "quarantine": [{ "test_case": "c1", "until": until, "reason": "r" }]
                }}
            }))
        };
        assert!(resolve(&at("2026-05-30"), today()).is_ok());
        let problems = resolve(&at("2026-05-31"), today()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].pointer, "/suites/s/quarantine/0/until");
        assert!(
            problems[0]
                .message
                .contains("91 days from today (2026-03-01)")
        );
    }
}
