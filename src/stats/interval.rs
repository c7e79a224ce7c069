//! Confidence intervals for a pass rate, and the three-way decision an interval gate makes
//! with them.
//!
//! - Clopper–Pearson (1934): the exact interval, from the beta quantiles of the binomial
//!   tails. Its coverage is at least the confidence for every true rate and sample size.
//! - Wilson (1927): the score interval. Its coverage is close to the confidence on average
//!   and it is narrower than Clopper–Pearson, but it can dip below the confidence at some
//!   rates (Brown, Cai & DasGupta 2001).
//! - Chernoff (KL): for the mean of independent shares in [0, 1] (a call that evaluated three
//!   assertions of a category and passed two contributes 2/3), where no exact binomial
//!   interval applies. It inverts Hoeffding's (1963) bound `P(mean − μ ≥ t) ≤
//!   exp(−n·KL(μ + t ‖ μ))`, which holds for any such variables, so it is valid but wider.
//!
//! The normal-approximation ("Wald") interval is deliberately absent: at the sample sizes of
//! paid phone calls and rates near 1 its coverage collapses (Brown, Cai & DasGupta 2001).
//!
//! Every interval here is two-sided at `confidence`: each side misses with probability at
//! most `(1 − confidence) / 2`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::special::{beta_inc_inv, normal_quantile};

/// A two-sided confidence interval for a rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub lower: f64,
    pub upper: f64,
}

/// How an interval is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntervalMethod {
    /// Exact (Clopper & Pearson 1934): never covers less than the confidence.
    ClopperPearson,
    /// Score interval (Wilson 1927): narrower, coverage close to the confidence on average.
    Wilson,
    /// Chernoff–Hoeffding (KL) bound, for means of shares in [0, 1]: valid, wider.
    Chernoff,
}

impl IntervalMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClopperPearson => "clopper_pearson",
            Self::Wilson => "wilson",
            Self::Chernoff => "chernoff",
        }
    }

    /// A short name for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::ClopperPearson => "Clopper-Pearson",
            Self::Wilson => "Wilson",
            Self::Chernoff => "Chernoff",
        }
    }
}

/// What an interval says about a rate measured against a bar: below it, confidently at or
/// above `bar − margin`, or neither yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Pass,
    Fail,
    Undecided,
}

impl Interval {
    /// The interval's decision: `Fail` when the whole interval lies below `bar`, `Pass` when
    /// it lies at or above `bar − margin`, `Undecided` otherwise. A rate confidently below
    /// the bar fails even when the drop is smaller than the margin: a bar is a bar.
    pub fn decide(&self, bar: f64, margin: f64) -> Decision {
        if self.upper < bar {
            Decision::Fail
        } else if self.lower >= bar - margin {
            Decision::Pass
        } else {
            Decision::Undecided
        }
    }
}

/// The interval of `method` for `successes` out of `trials` (successes may be fractional for
/// shares; the exact method then falls back to the Chernoff bound).
pub fn interval(method: IntervalMethod, successes: f64, trials: u64, confidence: f64) -> Interval {
    let whole = successes.fract() == 0.0;
    match method {
        IntervalMethod::ClopperPearson if whole => {
            clopper_pearson(successes as u64, trials, confidence)
        }
        IntervalMethod::Wilson => wilson(successes, trials, confidence),
        IntervalMethod::ClopperPearson | IntervalMethod::Chernoff => chernoff(
            if trials == 0 {
                0.0
            } else {
                successes / trials as f64
            },
            trials,
            confidence,
        ),
    }
}

/// The method actually used by `interval` for these successes.
pub fn method_for(method: IntervalMethod, successes: f64) -> IntervalMethod {
    match method {
        IntervalMethod::ClopperPearson if successes.fract() != 0.0 => IntervalMethod::Chernoff,
        other => other,
    }
}

/// The exact Clopper–Pearson interval.
pub fn clopper_pearson(successes: u64, trials: u64, confidence: f64) -> Interval {
    if trials == 0 {
        return Interval {
            lower: 0.0,
            upper: 1.0,
        };
    }
    let x = successes.min(trials);
    let tail = (1.0 - confidence) / 2.0;
    let (x, n) = (x as f64, trials as f64);
    let lower = if x == 0.0 {
        0.0
    } else {
        beta_inc_inv(x, n - x + 1.0, tail)
    };
    let upper = if x == n {
        1.0
    } else {
        beta_inc_inv(x + 1.0, n - x, 1.0 - tail)
    };
    Interval { lower, upper }
}

/// The Wilson score interval (successes may be fractional).
pub fn wilson(successes: f64, trials: u64, confidence: f64) -> Interval {
    if trials == 0 {
        return Interval {
            lower: 0.0,
            upper: 1.0,
        };
    }
    let n = trials as f64;
    let p = (successes / n).clamp(0.0, 1.0);
    let z = normal_quantile(1.0 - (1.0 - confidence) / 2.0);
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At 0 and n successes the bound equals 0 or 1 exactly; rounding must not move it.
    Interval {
        lower: if p == 0.0 {
            0.0
        } else {
            (center - half).max(0.0)
        },
        upper: if p == 1.0 {
            1.0
        } else {
            (center + half).min(1.0)
        },
    }
}

/// The Chernoff–Hoeffding (KL) interval for the mean of `trials` independent shares in
/// [0, 1] whose average is `mean`.
pub fn chernoff(mean: f64, trials: u64, confidence: f64) -> Interval {
    if trials == 0 {
        return Interval {
            lower: 0.0,
            upper: 1.0,
        };
    }
    let mean = mean.clamp(0.0, 1.0);
    let budget = (2.0 / (1.0 - confidence)).ln() / trials as f64;
    let solve = |mut inside: f64, mut outside: f64| {
        for _ in 0..200 {
            let mid = 0.5 * (inside + outside);
            if kl(mean, mid) <= budget {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        inside
    };
    Interval {
        lower: if mean == 0.0 { 0.0 } else { solve(mean, 0.0) },
        upper: if mean == 1.0 { 1.0 } else { solve(mean, 1.0) },
    }
}

/// The Kullback–Leibler divergence of Bernoulli(q) from Bernoulli(p).
pub fn kl(p: f64, q: f64) -> f64 {
    let term = |a: f64, b: f64| {
        if a == 0.0 {
            0.0
        } else if b == 0.0 {
            f64::INFINITY
        } else {
            a * (a / b).ln()
        }
    };
    term(p, q) + term(1.0 - p, 1.0 - q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_interval(got: Interval, lower: f64, upper: f64) {
        assert!(
            (got.lower - lower).abs() < 5e-5 && (got.upper - upper).abs() < 5e-5,
            "got [{:.5}, {:.5}], expected [{lower}, {upper}]",
            got.lower,
            got.upper
        );
    }

    /// Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison
    /// of seven methods", Statistics in Medicine 17, Table II: method 5 (exact,
    /// Clopper–Pearson) and method 3 (score, Wilson), 95 %.
    /// (successes, trials, exact interval, score interval).
    type Row = (u64, u64, (f64, f64), (f64, f64));

    const NEWCOMBE: [Row; 4] = [
        (81, 263, (0.2527, 0.3676), (0.2553, 0.3662)),
        (15, 148, (0.0578, 0.1617), (0.0624, 0.1605)),
        (0, 20, (0.0, 0.1684), (0.0, 0.1611)),
        (1, 29, (0.0009, 0.1776), (0.0061, 0.1718)),
    ];

    #[test]
    fn clopper_pearson_matches_newcombes_table() {
        for (x, n, (lower, upper), _) in NEWCOMBE {
            assert_interval(clopper_pearson(x, n, 0.95), lower, upper);
        }
    }

    #[test]
    fn wilson_matches_newcombes_table() {
        for (x, n, _, (lower, upper)) in NEWCOMBE {
            assert_interval(wilson(x as f64, n, 0.95), lower, upper);
        }
    }

    #[test]
    fn clopper_pearson_matches_the_classic_small_cases() {
        // 5 of 10 (R's `binom.test(5, 10)`): [0.1871, 0.8129]; 0 of 10: upper 0.3085, the
        // "rule of three" territory; all of n: lower = (α/2)^(1/n).
        assert_interval(clopper_pearson(5, 10, 0.95), 0.1871, 0.8129);
        assert_interval(clopper_pearson(0, 10, 0.95), 0.0, 0.3085);
        let all = clopper_pearson(30, 30, 0.95);
        assert!((all.lower - 0.025f64.powf(1.0 / 30.0)).abs() < 1e-12);
        assert_eq!(all.upper, 1.0);
        // 99 %: 5 of 10 → [0.1283, 0.8717].
        assert_interval(clopper_pearson(5, 10, 0.99), 0.1283, 0.8717);
    }

    #[test]
    fn exact_is_wider_than_score_and_chernoff_wider_still() {
        let exact = clopper_pearson(26, 30, 0.95);
        let score = wilson(26.0, 30, 0.95);
        let kl_bound = chernoff(26.0 / 30.0, 30, 0.95);
        assert!(exact.lower < score.lower && exact.upper > score.upper);
        assert!(kl_bound.lower < exact.lower && kl_bound.upper > exact.upper);
    }

    #[test]
    fn fractional_successes_use_the_chernoff_bound_under_the_exact_method() {
        assert_eq!(
            method_for(IntervalMethod::ClopperPearson, 2.5),
            IntervalMethod::Chernoff
        );
        assert_eq!(
            method_for(IntervalMethod::ClopperPearson, 2.0),
            IntervalMethod::ClopperPearson
        );
        assert_eq!(
            interval(IntervalMethod::ClopperPearson, 2.5, 4, 0.95),
            chernoff(0.625, 4, 0.95)
        );
    }

    #[test]
    fn no_data_is_the_whole_range() {
        for method in [
            IntervalMethod::ClopperPearson,
            IntervalMethod::Wilson,
            IntervalMethod::Chernoff,
        ] {
            assert_eq!(
                interval(method, 0.0, 0, 0.95),
                Interval {
                    lower: 0.0,
                    upper: 1.0
                }
            );
        }
    }

    #[test]
    fn the_decision_is_fail_below_the_bar_and_pass_above_bar_minus_margin() {
        let at = |lower, upper| Interval { lower, upper };
        assert_eq!(at(0.70, 0.89).decide(0.9, 0.1), Decision::Fail);
        assert_eq!(at(0.80, 0.97).decide(0.9, 0.1), Decision::Pass);
        assert_eq!(at(0.79, 0.97).decide(0.9, 0.1), Decision::Undecided);
        // Confidently below the bar but within the margin: the bar wins.
        assert_eq!(at(0.85, 0.88).decide(0.9, 0.1), Decision::Fail);
    }
}
