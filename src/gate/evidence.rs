//! The evidence behind each rate threshold, wave by wave: how many of the trials passed.
//!
//! The unit of a rate is the call, because the calls of one run are what is independent:
//! the several assertions judged on one call share its transcript and its judge, so counting
//! them as separate trials would overstate the evidence (the clustering Miller (2024) warns
//! of). A rate over assertions therefore counts each call once, with its share of the
//! assertions that passed.

use indexmap::IndexMap;

use crate::outcome::{AssertionOutcome, CallOutcome};

/// Passes among trials; passes are fractional when a call contributes a share.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Tally {
    pub successes: f64,
    pub trials: u64,
    /// Whether some trial was a share strictly between 0 and 1 (then no binomial interval
    /// is exact, even when the shares add up to a whole number).
    pub shares: bool,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.successes += other.successes;
        self.trials += other.trials;
        self.shares |= other.shares;
    }

    pub fn failures(&self) -> f64 {
        (self.trials as f64 - self.successes).max(0.0)
    }

    pub fn rate(&self) -> f64 {
        if self.trials == 0 {
            0.0
        } else {
            self.successes / self.trials as f64
        }
    }
}

/// Calls that passed, among all calls (pending and unknown ones count as not passed).
pub(super) fn calls_passed(calls: &[CallOutcome]) -> Tally {
    Tally {
        successes: calls.iter().filter(|c| c.passed()).count() as f64,
        trials: calls.len() as u64,
        shares: false,
    }
}

/// Calls that passed, per case, in the order the cases first appear.
pub(super) fn by_case(calls: &[CallOutcome]) -> IndexMap<&str, Tally> {
    let mut out: IndexMap<&str, Tally> = IndexMap::new();
    for call in calls {
        let tally = out.entry(call.test_case_id.as_str()).or_default();
        tally.trials += 1;
        if call.passed() {
            tally.successes += 1.0;
        }
    }
    out
}

/// Each call that evaluated at least one of the assertions `counts` picks contributes one
/// trial, and the share of those evaluations that passed.
pub(super) fn assertion_shares(
    calls: &[CallOutcome],
    counts: impl Fn(&AssertionOutcome) -> bool,
) -> Tally {
    let mut tally = Tally::default();
    for call in calls {
        let (mut evaluated, mut passed) = (0u32, 0u32);
        for assertion in call.assertions.iter().filter(|a| counts(a)) {
            evaluated += 1;
            if assertion.passed() {
                passed += 1;
            }
        }
        if evaluated > 0 {
            tally.trials += 1;
            tally.successes += f64::from(passed) / f64::from(evaluated);
            tally.shares |= passed > 0 && passed < evaluated;
        }
    }
    tally
}

/// Whether an assertion result was judged (a skipped one says nothing about the agent).
pub(super) fn judged(assertion: &AssertionOutcome) -> bool {
    !assertion.status.eq_ignore_ascii_case("SKIPPED")
}
