//! What a suite's statistical gate can decide and what it costs, computed exactly before any
//! call is placed: for each rate threshold, the calls at the first look, on average when the
//! agent is at the bar and at `bar − margin`, and at worst; the chance of a decision; with a
//! fixed number of samples, the smallest drop detected with 80 % power. `plan` prints it and
//! `plan` and `validate` warn when a threshold is unlikely to be decided within the suite's
//! own limits.
//!
//! Every figure assumes each call passes with the same probability (the agent "at" a rate);
//! for a rate over assertions, that each call counts as one pass or failure.

use crate::stats::Sprt;
use crate::stats::design::{self, Operating};
use crate::suite::samples::{MAX_ADAPTIVE_SAMPLES, MAX_SAMPLES_PER_RUN};
use crate::suite::{ResolvedSuite, Statistics};

/// The chance of a decision (and of catching a drop) the plan holds a design to.
pub const POWER: f64 = 0.8;

/// One rate threshold's plan.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RatePlan {
    /// The check's name, e.g. `min_test_pass_rate`.
    pub name: String,
    /// Whether the threshold is judged per case (`min_case_pass_rate`).
    pub per_case: bool,
    pub bar: f64,
    /// `bar − margin`, at least 0.
    pub floor: f64,
    /// Calls one more sample per case and number adds to what the threshold is judged on.
    pub calls_per_sample: u64,
    /// Whether the threshold is judged by the sequential test (adaptive samples).
    pub sequential: bool,
    /// Calls at the first (or only) look.
    pub first_calls: u64,
    pub at_bar: Operating,
    pub at_floor: Operating,
    /// With a fixed number of samples: the smallest drop below the bar failed with 80 %
    /// power. `None` when no result can fail it.
    pub detectable_drop: Option<f64>,
    /// The fewest calls (in whole samples) after which an agent at the bar and one at
    /// `bar − margin` are each decided 80 % of the time; `None` beyond 1,000 samples.
    pub calls_to_decide: Option<u64>,
}

impl RatePlan {
    /// Whether the threshold is unlikely to be decided within the suite's limits.
    pub fn undecidable(&self) -> bool {
        self.at_bar.decided() < POWER || self.at_floor.decided() < POWER
    }
}

/// The plan of every rate threshold of a suite with `confidence`; `cases` is the number of
/// selected cases when known (a suite-wide rate needs it), `max_calls` the `--max-calls`
/// override.
pub fn rates(suite: &ResolvedSuite, cases: Option<u64>, max_calls: Option<u64>) -> Vec<RatePlan> {
    let Some(statistics) = suite.thresholds.statistics else {
        return Vec::new();
    };
    let t = &suite.thresholds;
    let numbers = suite.phone_numbers.len().max(1) as u64;
    let limit = max_calls.or(suite.max_calls.map(u64::from));
    let mut out = Vec::new();
    if let Some(cases) = cases.filter(|c| *c > 0) {
        let unit = cases * numbers;
        let mut wide = |name: String, bar: f64| {
            out.push(plan_one(
                suite,
                &statistics,
                name,
                bar,
                unit,
                unit,
                false,
                limit,
            ));
        };
        wide("min_test_pass_rate".into(), t.min_test_pass_rate);
        if let Some(min) = t.min_assertion_score {
            wide("min_assertion_score".into(), min);
        }
        for (name, min) in &t.categories {
            wide(format!("categories.{name}"), *min);
        }
        for name in &t.must_pass_assertions {
            wide(format!("must_pass_assertions.{name}"), 1.0);
        }
    }
    if let Some(min) = t.min_case_pass_rate {
        let all = cases.unwrap_or(1).max(1) * numbers;
        out.push(plan_one(
            suite,
            &statistics,
            "min_case_pass_rate".into(),
            min,
            numbers,
            all,
            true,
            limit,
        ));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn plan_one(
    suite: &ResolvedSuite,
    s: &Statistics,
    name: String,
    bar: f64,
    unit: u64,
    suite_unit: u64,
    per_case: bool,
    limit: Option<u64>,
) -> RatePlan {
    let floor = (bar - s.margin).max(0.0);
    let (sequential, first_calls, at_bar, at_floor, detectable_drop, calls_to_decide) = match (
        suite.adaptive,
        Sprt::for_threshold(bar, s.margin, s.confidence),
    ) {
        (Some(plan), Some(test)) => {
            // `max_calls` caps every wave together, over all cases.
            let by_budget = limit.map_or(u64::MAX, |l| l / suite_unit.max(1));
            let max = u64::from(plan.max)
                .min(by_budget)
                .max(u64::from(plan.min.min(plan.max)));
            let looks = design::looks(
                u64::from(plan.min) * unit,
                u64::from(plan.wave_size()) * unit,
                max * unit,
            );
            let far = design::looks(
                u64::from(plan.min) * unit,
                u64::from(plan.wave_size()) * unit,
                u64::from(MAX_ADAPTIVE_SAMPLES) * unit,
            );
            let (far_bar, far_floor) = (
                design::sequential(&test, &far, bar),
                design::sequential(&test, &far, floor),
            );
            // Both chances rise with the calls: the later of the two is when both hold.
            let needed = far_bar
                .calls_to_decide(POWER)
                .zip(far_floor.calls_to_decide(POWER))
                .map(|(a, b)| a.max(b));
            (
                true,
                u64::from(plan.min) * unit,
                design::sequential(&test, &looks, bar),
                design::sequential(&test, &looks, floor),
                None,
                needed,
            )
        }
        _ => {
            let n = u64::from(suite.samples) * unit;
            let cuts = design::cuts(s.interval, s.confidence, bar, s.margin, n);
            (
                false,
                n,
                design::fixed(&cuts, bar),
                design::fixed(&cuts, floor),
                design::detectable_drop(&cuts, bar, POWER),
                fixed_calls_to_decide(s, bar, unit),
            )
        }
    };
    RatePlan {
        name,
        per_case,
        bar,
        floor,
        calls_per_sample: unit,
        sequential,
        first_calls,
        at_bar,
        at_floor,
        detectable_drop,
        calls_to_decide,
    }
}

/// The fewest whole samples at which a fixed interval gate decides 80 % of the time both at
/// the bar and at `bar − margin`: doubling, then bisection (the chance of a decision rises
/// with the calls, up to the binomial's small steps).
fn fixed_calls_to_decide(s: &Statistics, bar: f64, unit: u64) -> Option<u64> {
    let floor = (bar - s.margin).max(0.0);
    let decides = |samples: u64| {
        let cuts = design::cuts(s.interval, s.confidence, bar, s.margin, samples * unit);
        design::fixed(&cuts, bar).decided() >= POWER
            && design::fixed(&cuts, floor).decided() >= POWER
    };
    let most = u64::from(MAX_ADAPTIVE_SAMPLES);
    let mut high = 1;
    while !decides(high) {
        if high >= most {
            return None;
        }
        high = (high * 2).min(most);
    }
    let mut low = high / 2;
    while low + 1 < high {
        let mid = (low + high) / 2;
        if decides(mid) {
            high = mid;
        } else {
            low = mid;
        }
    }
    Some(high * unit)
}

/// A warning for a threshold unlikely to be decided: what, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    pub message: String,
    pub hint: String,
}

/// The warning for a rate plan that is unlikely to decide, if it is.
pub fn warning(suite: &ResolvedSuite, plan: &RatePlan) -> Option<Warning> {
    if !plan.undecidable() {
        return None;
    }
    let s = suite.thresholds.statistics?;
    let pct = |p: f64| format!("{:.0} %", p * 100.0);
    let scope = if plan.per_case { " per case" } else { "" };
    let needs = match plan.calls_to_decide {
        Some(calls) => format!(
            "deciding 80 % of the time at both takes about {calls} calls{scope} ({} samples per case and number)",
            calls / plan.calls_per_sample.max(1)
        ),
        None => format!(
            "not even {} samples per case and number decide 80 % of the time at both",
            MAX_ADAPTIVE_SAMPLES
        ),
    };
    let message = format!(
        "`{}` (>= {}, margin {}, confidence {}) is unlikely to be decided within {} calls{scope}: an agent at {} is decided {} of the time, one at {} {}; {needs}",
        plan.name,
        super::number::num(plan.bar),
        super::number::num(s.margin),
        crate::outcome::statistics::percent(s.confidence),
        plan.at_bar.worst_calls,
        super::number::num(plan.bar),
        pct(plan.at_bar.decided()),
        super::number::num(plan.floor),
        pct(plan.at_floor.decided()),
    );
    let needed = plan
        .calls_to_decide
        .map(|c| c / plan.calls_per_sample.max(1));
    let rest = format!(
        "widen `thresholds.margin`, or lower `thresholds.confidence`; an undecided rate is inconclusive (on_inconclusive: {})",
        s.on_inconclusive.as_str()
    );
    let hint = match needed {
        _ if plan.sequential => format!(
            "raise `samples.max`{} (and `max_calls`, if it binds), {rest}",
            needed.map(|n| format!(" to {n}")).unwrap_or_default()
        ),
        Some(n) if n <= u64::from(MAX_SAMPLES_PER_RUN) => {
            format!("raise `samples` to {n}, use adaptive samples, {rest}")
        }
        Some(n) => format!(
            "use adaptive samples such as `{{ min: {}, max: {n} }}` (one run takes at most {MAX_SAMPLES_PER_RUN} samples), {rest}",
            suite.samples
        ),
        None => format!("use adaptive samples, {rest}"),
    };
    Some(Warning { message, hint })
}
