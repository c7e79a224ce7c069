//! A suite's cases against the same cases in the baseline: each case's change, the calls the
//! regression test compares, and the rates both reports measured.

use indexmap::IndexMap;

use crate::outcome::{
    CallOutcome, CaseChange, CaseChangeKind, PassCount, RateChange, SuiteOutcome,
};

/// A case's calls in one report.
#[derive(Debug, Clone, Default)]
struct Tally {
    title: Option<String>,
    count: Option<PassCount>,
}

impl Tally {
    fn count(&self) -> PassCount {
        self.count.unwrap_or(PassCount {
            passed: 0,
            calls: 0,
        })
    }

    /// A case passes when every one of its calls passed.
    fn passing(&self) -> bool {
        let count = self.count();
        count.calls > 0 && count.passed == count.calls
    }
}

/// Each case's calls, by case id, in the order the cases first appear (every wave).
fn by_case(calls: &[CallOutcome]) -> IndexMap<&str, Tally> {
    let mut out: IndexMap<&str, Tally> = IndexMap::new();
    for call in calls {
        let tally = out.entry(call.test_case_id.as_str()).or_default();
        if tally.title.is_none() {
            tally.title.clone_from(&call.title);
        }
        let count = tally.count.get_or_insert(PassCount {
            passed: 0,
            calls: 0,
        });
        count.calls += 1;
        if call.passed() {
            count.passed += 1;
        }
    }
    out
}

/// Every case of either report with its change, what needs a look first (new failures)
/// first, each group in the order the cases appear now (then in the baseline).
pub(super) fn changes(now: &SuiteOutcome, baseline: &SuiteOutcome) -> Vec<CaseChange> {
    let current = by_case(&now.calls);
    let before = by_case(&baseline.calls);
    let mut out: Vec<CaseChange> = Vec::new();
    for (id, tally) in &current {
        let earlier = before.get(id);
        let change = match earlier {
            None => CaseChangeKind::New,
            Some(b) => match (b.passing(), tally.passing()) {
                (true, false) => CaseChangeKind::NewFailure,
                (false, true) => CaseChangeKind::Fixed,
                (false, false) => CaseChangeKind::StillFailing,
                (true, true) => CaseChangeKind::StillPassing,
            },
        };
        out.push(CaseChange {
            test_case_id: (*id).to_owned(),
            title: tally
                .title
                .clone()
                .or_else(|| earlier.and_then(|b| b.title.clone())),
            change,
            baseline: earlier.map(Tally::count),
            now: Some(tally.count()),
            quarantined: now.quarantined(id).is_some(),
        });
    }
    for (id, tally) in before.iter().filter(|(id, _)| !current.contains_key(*id)) {
        out.push(CaseChange {
            test_case_id: (*id).to_owned(),
            title: tally.title.clone(),
            change: CaseChangeKind::Gone,
            baseline: Some(tally.count()),
            now: None,
            quarantined: now.quarantined(id).is_some(),
        });
    }
    out.sort_by_key(|c| c.change.rank());
    out
}

/// The calls the regression test compares: every wave's calls of the cases both reports
/// have, quarantined cases left out; and how many cases that is.
pub(super) fn compared(changes: &[CaseChange]) -> (PassCount, PassCount, usize) {
    let mut baseline = PassCount {
        passed: 0,
        calls: 0,
    };
    let mut now = baseline;
    let mut cases = 0;
    for change in changes.iter().filter(|c| !c.quarantined) {
        if let (Some(b), Some(n)) = (change.baseline, change.now) {
            baseline.passed += b.passed;
            baseline.calls += b.calls;
            now.passed += n.passed;
            now.calls += n.calls;
            cases += 1;
        }
    }
    (baseline, now, cases)
}

/// The rates both reports measured, by threshold check, each as its report measured it: the
/// pass rate over the calls that gated (quarantined ones left out), and every other
/// suite-wide check whose measurement is a number (a rate judged with an interval, a score).
pub(super) fn rates(now: &SuiteOutcome, baseline: &SuiteOutcome) -> Vec<RateChange> {
    let gated = |suite: &SuiteOutcome| {
        let calls: Vec<&CallOutcome> = suite
            .calls
            .iter()
            .filter(|c| c.quarantined.is_none())
            .collect();
        PassCount {
            passed: calls.iter().filter(|c| c.passed()).count() as u64,
            calls: calls.len() as u64,
        }
        .rate()
    };
    let mut out = vec![RateChange {
        name: "min_test_pass_rate".to_owned(),
        baseline: gated(baseline),
        now: gated(now),
    }];
    for check in now
        .checks
        .iter()
        .filter(|c| c.test_case_id.is_none() && c.name != "min_test_pass_rate")
    {
        let earlier = baseline
            .checks
            .iter()
            .find(|b| b.name == check.name && b.test_case_id.is_none());
        if let (Some(now_value), Some(baseline_value)) = (value(check), earlier.and_then(value)) {
            out.push(RateChange {
                name: check.name.clone(),
                baseline: baseline_value,
                now: now_value,
            });
        }
    }
    out
}

/// A check's measurement as a number: its rate's estimate, or a measurement that is a bare
/// number (a score).
fn value(check: &crate::outcome::ThresholdCheck) -> Option<f64> {
    check.rate.as_ref().map(|r| r.estimate).or_else(|| {
        check
            .measured
            .as_deref()
            .and_then(|m| m.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite())
    })
}
