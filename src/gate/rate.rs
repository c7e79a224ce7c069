//! One rate threshold judged on the data: its evidence wave by wave, the interval (fixed
//! samples) or Wald's test replayed over the waves (adaptive samples), and the check that
//! reports it as `0.87 [0.79, 0.92] 95 %` with a one-line reason.

use crate::outcome::{CallOutcome, CheckStatus, RateEstimate, SequentialEvidence, ThresholdCheck};
use crate::stats::Sprt;
use crate::stats::interval::{self, Decision, IntervalMethod};
use crate::suite::Statistics;

use super::checks::check;
use super::evidence::Tally;
use super::number::num;
use super::waves::Wave;

/// What a rate check is about.
pub(super) struct Rate {
    pub name: String,
    pub bar: f64,
    pub default_bar: bool,
    /// What the trials count, after "26/30", e.g. "calls passed".
    pub unit: &'static str,
    pub test_case_id: Option<String>,
}

impl Rate {
    pub fn named(name: &str, bar: f64, unit: &'static str) -> Self {
        Self {
            name: name.to_owned(),
            bar,
            default_bar: false,
            unit,
            test_case_id: None,
        }
    }
}

/// The shared context of the rate checks of one suite.
pub(super) struct Judge<'a> {
    pub statistics: &'a Statistics,
    pub sequential: bool,
    pub waves: &'a [Wave],
    pub calls: &'a [CallOutcome],
}

impl Judge<'_> {
    /// One rate, from the tally `count` makes of each wave's calls.
    pub fn rate(&self, rate: Rate, count: impl Fn(&[CallOutcome]) -> Tally) -> ThresholdCheck {
        let per_wave: Vec<Tally> = self
            .waves
            .iter()
            .map(|w| count(&self.calls[w.gated.clone()]))
            .collect();
        self.rate_from(rate, &per_wave)
    }

    pub fn rate_from(&self, rate: Rate, per_wave: &[Tally]) -> ThresholdCheck {
        let s = self.statistics;
        let expected = format!(
            ">= {}{}, margin {}",
            num(rate.bar),
            if rate.default_bar { " (default)" } else { "" },
            num(s.margin)
        );
        let mut total = Tally::default();
        per_wave.iter().for_each(|t| total.add(*t));
        if total.trials == 0 {
            let mut none = check(
                rate.name.clone(),
                expected,
                None,
                false,
                format!(
                    "`{}` was never measured: no call counts towards it",
                    rate.name
                ),
            );
            none.test_case_id = rate.test_case_id;
            return none;
        }
        let (decision, evidence, sequential) = if self.sequential {
            self.sequential_decision(&rate, per_wave)
        } else {
            let interval = interval::interval(
                method_for(s, total),
                total.successes,
                total.trials,
                s.confidence,
            );
            (interval.decide(rate.bar, s.margin), total, None)
        };
        let estimate = estimate(s, rate.bar, evidence, sequential);
        let count = format!(
            "{}/{} {}",
            num_count(evidence.successes),
            evidence.trials,
            rate.unit
        );
        let measured = format!("{} ({count})", estimate.display());
        let reason = reason(&rate, s, &estimate, decision, &count);
        ThresholdCheck {
            name: rate.name,
            expected,
            measured: Some(measured),
            status: match decision {
                Decision::Pass => CheckStatus::Passed,
                Decision::Fail => CheckStatus::Failed,
                Decision::Undecided => CheckStatus::Inconclusive,
            },
            reason,
            test_case_id: rate.test_case_id,
            rate: Some(estimate),
        }
    }

    /// Wald's test replayed wave by wave; the first wave that crosses a boundary decides.
    /// Returns the decision, the evidence at the deciding wave (or all of it while
    /// undecided), and the test's state.
    fn sequential_decision(
        &self,
        rate: &Rate,
        per_wave: &[Tally],
    ) -> (Decision, Tally, Option<SequentialEvidence>) {
        let s = self.statistics;
        let mut cumulative = Tally::default();
        let Some(test) = Sprt::for_threshold(rate.bar, s.margin, s.confidence) else {
            // A bar of 0 cannot fail.
            per_wave.iter().for_each(|t| cumulative.add(*t));
            return (Decision::Pass, cumulative, None);
        };
        let mut decided = None;
        for (i, tally) in per_wave.iter().enumerate() {
            if tally.trials == 0 {
                continue;
            }
            cumulative.add(*tally);
            let decision = test.decide(cumulative.successes, cumulative.failures());
            if decision != Decision::Undecided {
                decided = Some((decision, i as u32 + 1));
                break;
            }
        }
        let llr = test.log_likelihood_ratio(cumulative.successes, cumulative.failures());
        let evidence = SequentialEvidence {
            log_likelihood_ratio: llr.is_finite().then_some(llr),
            pass_boundary: test.pass_boundary(),
            fail_boundary: test.fail_boundary(),
            decided_in_wave: decided.map(|(_, wave)| wave),
        };
        (
            decided.map_or(Decision::Undecided, |(d, _)| d),
            cumulative,
            Some(evidence),
        )
    }
}

/// The rate of `tally` with its interval at the suite's confidence.
pub(super) fn estimate(
    s: &Statistics,
    bar: f64,
    tally: Tally,
    sequential: Option<SequentialEvidence>,
) -> RateEstimate {
    let method = method_for(s, tally);
    let bounds = interval::interval(method, tally.successes, tally.trials, s.confidence);
    RateEstimate {
        successes: tally.successes,
        trials: tally.trials,
        estimate: tally.rate(),
        lower: bounds.lower,
        upper: bounds.upper,
        confidence: s.confidence,
        method,
        bar,
        margin: s.margin,
        sequential,
    }
}

/// The interval for a tally: the one asked for, except that shares of several assertions
/// have no exact binomial interval and take the Chernoff bound instead.
fn method_for(s: &Statistics, tally: Tally) -> IntervalMethod {
    if tally.shares && s.interval == IntervalMethod::ClopperPearson {
        IntervalMethod::Chernoff
    } else {
        interval::method_for(s.interval, tally.successes)
    }
}

/// `26` for whole passes, `25.5` for shares.
fn num_count(successes: f64) -> String {
    if successes.fract() == 0.0 {
        format!("{successes:.0}")
    } else {
        num(successes)
    }
}

/// Why a rate got its status, in one line.
fn reason(
    rate: &Rate,
    s: &Statistics,
    e: &RateEstimate,
    decision: Decision,
    count: &str,
) -> String {
    let level = crate::outcome::statistics::percent(s.confidence);
    let floor = (rate.bar - s.margin).max(0.0);
    let shown = e.display();
    if let Some(seq) = &e.sequential {
        let test = format!(
            "the sequential test of {} against {} (Wald's SPRT, each error at most {})",
            num(rate.bar),
            num(floor),
            num(s.error_rate())
        );
        return match (decision, seq.decided_in_wave) {
            (Decision::Pass, Some(wave)) => {
                format!("{count}: {test} passed after wave {wave}; {shown}")
            }
            (Decision::Fail, Some(wave)) => format!(
                "{count}: {test} failed after wave {wave}: the rate is below {}; {shown}",
                num(rate.bar)
            ),
            _ => format!(
                "inconclusive: {test} had not decided when the waves stopped, at {count}; {shown}"
            ),
        };
    }
    let interval = format!("the {level} interval {}", e.interval_text());
    match decision {
        Decision::Pass => format!(
            "{count}; {interval} lies at or above {} (the bar {} less the margin {})",
            num(floor),
            num(rate.bar),
            num(s.margin)
        ),
        Decision::Fail => format!("{count}; {interval} lies below the bar {}", num(rate.bar)),
        Decision::Undecided => format!(
            "inconclusive: {count}; {interval} reaches both below {} and up to the bar {}, so neither a pass nor a fail is confident yet; more samples would decide",
            num(floor),
            num(rate.bar)
        ),
    }
}
