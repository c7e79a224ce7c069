//! Operating characteristics, computed exactly: for a design and a true pass rate, the chance
//! that it passes, fails or stays undecided, and the calls it places on average.
//!
//! - `sequential`: Wald's test looked at after each wave and stopped at a maximum (a
//!   truncated, group-sequential SPRT), by dynamic programming over the number of passes
//!   among the paths still undecided. Undecided paths stay between Wald's two lines, so the
//!   state is a few dozen numbers wide whatever the number of calls.
//! - `fixed`: an interval gate on a fixed number of calls, from the binomial tails at the
//!   cut points where its interval crosses the bar and `bar − margin`.
//! - `best_fixed`: the smallest fixed number of calls, with one cut, whose error rates are
//!   those asked for: the design a sequential test is measured against.
//!
//! All of them assume every call passes with the same probability, which is how a plan is
//! read ("if the agent were at the bar"); the gate itself does not assume it.

use super::binomial;
use super::interval::{Decision, IntervalMethod, interval};
use super::sprt::Sprt;

/// A chance too small to change any figure a plan prints.
const NEGLIGIBLE: f64 = 1e-12;

/// What a design does at one true pass rate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Operating {
    /// The true pass rate.
    pub p: f64,
    /// Chance of a pass verdict.
    pub pass: f64,
    /// Chance of a fail verdict.
    pub fail: f64,
    /// Chance of ending undecided (inconclusive).
    pub undecided: f64,
    /// Calls placed on average.
    pub expected_calls: f64,
    /// Calls placed at most.
    pub worst_calls: u64,
    /// After each look: the calls placed by then and the chance of a decision by then.
    #[serde(skip)]
    pub decided_by: Vec<(u64, f64)>,
}

impl Operating {
    /// The chance of a decision either way.
    pub fn decided(&self) -> f64 {
        self.pass + self.fail
    }

    /// The fewest calls after which a decision has come with at least this chance.
    pub fn calls_to_decide(&self, chance: f64) -> Option<u64> {
        self.decided_by
            .iter()
            .find(|(_, decided)| *decided >= chance)
            .map(|(calls, _)| *calls)
    }
}

/// The calls placed by each look: `first`, then `step` more at a time, the last look at
/// `max` (so the last step may be shorter).
pub fn looks(first: u64, step: u64, max: u64) -> Vec<u64> {
    let mut out = Vec::new();
    if first == 0 || max == 0 {
        return out;
    }
    let mut at = first.min(max);
    out.push(at);
    let step = step.max(1);
    while at < max {
        at = (at + step).min(max);
        out.push(at);
    }
    out
}

/// Wald's test looked at after each of `looks` (cumulative calls, increasing), at true rate
/// `p`.
pub fn sequential(test: &Sprt, looks: &[u64], p: f64) -> Operating {
    // live[i] = chance of i + offset passes on a path still undecided.
    let mut live: Vec<f64> = vec![1.0];
    let mut offset: u64 = 0;
    let (mut pass, mut fail, mut expected) = (0.0, 0.0, 0.0);
    let mut previous = 0u64;
    let mut decided_by = Vec::with_capacity(looks.len());
    for &calls in looks {
        let step = calls.saturating_sub(previous);
        previous = calls;
        let (shift, batch) = binomial::distribution_trimmed(step, p);
        offset += shift;
        let mut next = vec![0.0; live.len() + batch.len() - 1];
        for (i, a) in live.iter().enumerate() {
            if *a == 0.0 {
                continue;
            }
            for (j, b) in batch.iter().enumerate() {
                next[i + j] += a * b;
            }
        }
        let (mut passed_now, mut failed_now) = (0.0, 0.0);
        for (i, mass) in next.iter_mut().enumerate() {
            let successes = offset + i as u64;
            let failures = calls.saturating_sub(successes);
            match test.decide(successes as f64, failures as f64) {
                Decision::Pass => {
                    passed_now += *mass;
                    *mass = 0.0;
                }
                Decision::Fail => {
                    failed_now += *mass;
                    *mass = 0.0;
                }
                Decision::Undecided => {}
            }
        }
        pass += passed_now;
        fail += failed_now;
        expected += (passed_now + failed_now) * calls as f64;
        decided_by.push((calls, pass + fail));
        // Keep only the undecided band.
        let first = next.iter().position(|m| *m > 0.0);
        let last = next.iter().rposition(|m| *m > 0.0);
        match (first, last) {
            (Some(first), Some(last)) => {
                offset += first as u64;
                live = next[first..=last].to_vec();
            }
            _ => {
                live = Vec::new();
                break;
            }
        }
        // What is left undecided no longer changes any figure: stop (it counts as
        // undecided at this look's calls, not at the maximum's).
        if live.iter().sum::<f64>() < NEGLIGIBLE {
            break;
        }
    }
    let undecided: f64 = live.iter().sum();
    let worst = looks.last().copied().unwrap_or(0);
    expected += undecided * worst as f64;
    Operating {
        p,
        pass,
        fail,
        undecided,
        expected_calls: expected,
        worst_calls: worst,
        decided_by,
    }
}

/// Where an interval gate on `calls` calls decides: it fails at `fail_upto` passes or fewer
/// and passes at `pass_from` passes or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cuts {
    pub calls: u64,
    pub fail_upto: Option<u64>,
    pub pass_from: Option<u64>,
}

/// An interval gate's cut points. The interval's bounds rise with the passes, so each cut is
/// found by bisection.
pub fn cuts(method: IntervalMethod, confidence: f64, bar: f64, margin: f64, calls: u64) -> Cuts {
    let decide = |x: u64| interval(method, x as f64, calls, confidence).decide(bar, margin);
    // Largest x that fails: failing is monotone decreasing in x.
    let fail_upto = if decide(0) == Decision::Fail {
        let (mut low, mut high) = (0u64, calls);
        while low < high {
            let mid = (low + high).div_ceil(2);
            if decide(mid) == Decision::Fail {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        Some(low)
    } else {
        None
    };
    let pass_from = if decide(calls) == Decision::Pass {
        let (mut low, mut high) = (fail_upto.map_or(0, |f| f + 1), calls);
        while low < high {
            let mid = (low + high) / 2;
            if decide(mid) == Decision::Pass {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        Some(low)
    } else {
        None
    };
    Cuts {
        calls,
        fail_upto,
        pass_from,
    }
}

/// An interval gate on a fixed number of calls, at true rate `p`.
pub fn fixed(cuts: &Cuts, p: f64) -> Operating {
    let n = cuts.calls;
    let fail = cuts.fail_upto.map_or(0.0, |k| binomial::cdf(k, n, p));
    let pass = cuts.pass_from.map_or(0.0, |k| binomial::sf(k, n, p));
    Operating {
        p,
        pass,
        fail,
        undecided: (1.0 - pass - fail).max(0.0),
        expected_calls: n as f64,
        worst_calls: n,
        decided_by: vec![(n, pass + fail)],
    }
}

/// The smallest drop below the bar that an interval gate on these cuts fails with at least
/// `power`: `bar − p` for the highest `p` at which it fails that often. `None` when it can
/// never fail.
pub fn detectable_drop(cuts: &Cuts, bar: f64, power: f64) -> Option<f64> {
    let k = cuts.fail_upto?;
    let n = cuts.calls;
    // The chance of failing falls as p rises.
    let (mut low, mut high) = (0.0_f64, bar.min(1.0));
    if binomial::cdf(k, n, low) < power {
        return None;
    }
    for _ in 0..100 {
        let mid = 0.5 * (low + high);
        if binomial::cdf(k, n, mid) >= power {
            low = mid;
        } else {
            high = mid;
        }
    }
    Some(bar - low)
}

/// A fixed design with one cut: pass at `pass_from` passes or more, fail below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedDesign {
    pub calls: u64,
    pub pass_from: u64,
}

impl FixedDesign {
    /// Chance of a fail verdict at true rate `p`.
    pub fn fail(&self, p: f64) -> f64 {
        if self.pass_from == 0 {
            0.0
        } else {
            binomial::cdf(self.pass_from - 1, self.calls, p)
        }
    }

    /// Chance of a pass verdict at true rate `p`.
    pub fn pass(&self, p: f64) -> f64 {
        binomial::sf(self.pass_from, self.calls, p)
    }
}

/// The smallest fixed design (up to `limit` calls) that passes an agent at `test.p0` with
/// chance at most `test.alpha` and fails one at `test.p1` with chance at most `test.beta`,
/// computed from the exact binomial tails.
pub fn best_fixed(test: &Sprt, limit: u64) -> Option<FixedDesign> {
    (1..=limit).find_map(|n| {
        // The lowest cut that keeps passing at p0 within alpha; the tail falls as k rises.
        let (mut low, mut high) = (0u64, n + 1);
        while low < high {
            let mid = (low + high) / 2;
            if binomial::sf(mid, n, test.p0) <= test.alpha {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        let design = FixedDesign {
            calls: n,
            pass_from: low,
        };
        (low <= n && design.fail(test.p1) <= test.beta).then_some(design)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_step_to_the_maximum() {
        assert_eq!(looks(2, 3, 10), vec![2, 5, 8, 10]);
        assert_eq!(looks(4, 4, 4), vec![4]);
        assert_eq!(looks(5, 1, 3), vec![3]);
        assert!(looks(0, 1, 3).is_empty());
    }

    #[test]
    fn sequential_probabilities_add_up_and_match_a_brute_force_count() {
        let test = Sprt::for_threshold(0.9, 0.1, 0.95).unwrap();
        let steps = looks(5, 5, 40);
        let oc = sequential(&test, &steps, 0.85);
        assert!((oc.pass + oc.fail + oc.undecided - 1.0).abs() < 1e-12);
        // Brute force over every sequence of 8 batches of 5 is too many; enumerate the
        // first two looks exactly instead.
        let mut pass = 0.0;
        let mut fail = 0.0;
        for a in 0..=5u64 {
            let pa = binomial::pmf(a, 5, 0.85);
            match test.decide(a as f64, (5 - a) as f64) {
                Decision::Pass => pass += pa,
                Decision::Fail => fail += pa,
                Decision::Undecided => {
                    for b in 0..=5u64 {
                        let pb = pa * binomial::pmf(b, 5, 0.85);
                        match test.decide((a + b) as f64, (10 - a - b) as f64) {
                            Decision::Pass => pass += pb,
                            Decision::Fail => fail += pb,
                            Decision::Undecided => {}
                        }
                    }
                }
            }
        }
        assert!((oc.decided_by[1].1 - (pass + fail)).abs() < 1e-12);
    }

    #[test]
    fn sequential_errors_stay_within_walds_bounds() {
        let test = Sprt::for_threshold(0.9, 0.1, 0.95).unwrap();
        let steps = looks(10, 10, 2000);
        let at_bar = sequential(&test, &steps, 0.9);
        let below = sequential(&test, &steps, 0.8);
        let bound = test.alpha / (1.0 - test.beta);
        assert!(at_bar.fail <= bound, "{at_bar:?}");
        assert!(below.pass <= bound, "{below:?}");
        assert!(at_bar.undecided < 1e-9 && below.undecided < 1e-9);
    }

    #[test]
    fn the_best_fixed_design_is_the_smallest_that_meets_both_errors() {
        let test = Sprt::for_threshold(0.9, 0.1, 0.95).unwrap();
        let design = best_fixed(&test, 1000).unwrap();
        assert!(design.pass(0.8) <= test.alpha && design.fail(0.9) <= test.beta);
        // No smaller n with any cut meets both.
        for n in 1..design.calls {
            let meets = (0..=n + 1).any(|k| {
                let d = FixedDesign {
                    calls: n,
                    pass_from: k,
                };
                d.pass(0.8) <= test.alpha && d.fail(0.9) <= test.beta
            });
            assert!(!meets, "n = {n} would do");
        }
    }

    #[test]
    fn interval_cuts_agree_with_the_interval() {
        let cuts = cuts(IntervalMethod::ClopperPearson, 0.95, 0.9, 0.1, 50);
        let at = |x: u64| interval(IntervalMethod::ClopperPearson, x as f64, 50, 0.95);
        let fail = cuts.fail_upto.unwrap();
        let pass = cuts.pass_from.unwrap();
        assert_eq!(at(fail).decide(0.9, 0.1), Decision::Fail);
        assert_ne!(at(fail + 1).decide(0.9, 0.1), Decision::Fail);
        assert_eq!(at(pass).decide(0.9, 0.1), Decision::Pass);
        assert_ne!(at(pass - 1).decide(0.9, 0.1), Decision::Pass);
        let oc = fixed(&cuts, 0.9);
        assert!(oc.fail <= 0.025);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever the design and the rate: the chances add up to one, and the chance of a
        /// decision only grows look by look (a decided path never becomes undecided).
        #[test]
        fn chances_add_up_and_decisions_only_accumulate(
            bar in 0.2f64..1.0,
            margin in 0.02f64..0.3,
            confidence in 0.6f64..0.999,
            first in 1u64..20,
            step in 1u64..20,
            max in 1u64..200,
            p in 0.0f64..=1.0,
        ) {
            let Some(test) = Sprt::for_threshold(bar, margin, confidence) else {
                return Ok(());
            };
            let oc = sequential(&test, &looks(first, step, max), p);
            proptest::prop_assert!((oc.pass + oc.fail + oc.undecided - 1.0).abs() < 1e-9);
            proptest::prop_assert!(oc.decided_by.windows(2).all(|w| w[1].1 >= w[0].1 - 1e-12));
            proptest::prop_assert!(oc.expected_calls <= oc.worst_calls as f64 + 1e-9);
        }
    }

    #[test]
    fn the_detectable_drop_is_where_failing_reaches_the_power() {
        let cuts = cuts(IntervalMethod::ClopperPearson, 0.95, 0.9, 0.1, 100);
        let drop = detectable_drop(&cuts, 0.9, 0.8).unwrap();
        let p = 0.9 - drop;
        assert!((fixed(&cuts, p).fail - 0.8).abs() < 1e-6);
        // Three calls can never fail a bar of 0.5 at 95 %: [0, 0.708] still reaches it.
        let tiny = super::cuts(IntervalMethod::ClopperPearson, 0.95, 0.5, 0.1, 3);
        assert_eq!(detectable_drop(&tiny, 0.5, 0.8), None);
    }
}
