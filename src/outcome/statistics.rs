//! What a statistical gate adds to an outcome: each rate with its interval (and, with
//! adaptive samples, the sequential test's state), the waves a suite ran, and each case's
//! rate and consistency.
//!
//! Every field here is absent from a report whose suites set no `thresholds.confidence`, so
//! such a report keeps the shape (and the `schema_version`) it always had.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::model::Verdict;
use crate::stats::IntervalMethod;
use crate::suite::{AdaptiveSamples, OnInconclusive};

/// A rate judged with a confidence interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RateEstimate {
    /// Passes; fractional when each call contributes its share of several assertions.
    pub successes: f64,
    /// Calls (or evaluations, for a single assertion) the rate is over.
    pub trials: u64,
    /// `successes / trials`.
    pub estimate: f64,
    /// The interval's lower bound.
    pub lower: f64,
    /// The interval's upper bound.
    pub upper: f64,
    /// The interval's confidence, e.g. 0.95.
    pub confidence: f64,
    /// How the interval was computed.
    pub method: IntervalMethod,
    /// The threshold's bar.
    pub bar: f64,
    /// A rate passes once confidently at or above `bar − margin`.
    pub margin: f64,
    /// With adaptive samples: the sequential test that decided (or has not yet decided).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequential: Option<SequentialEvidence>,
}

impl RateEstimate {
    /// `0.87 [0.79, 0.92] 95 %`: the estimate, the interval rounded outwards, the level.
    pub fn display(&self) -> String {
        format!(
            "{} {} {}",
            fixed2(self.estimate),
            self.interval_text(),
            percent(self.confidence)
        )
    }

    /// `[0.79, 0.92]`: the interval rounded outwards, never across the bar or `bar − margin`.
    pub fn interval_text(&self) -> String {
        format!(
            "[{}, {}]",
            bound(self.lower, Round::Down, self.bar - self.margin),
            bound(self.upper, Round::Up, self.bar)
        )
    }
}

/// Wald's test on one rate, as it stood after the last wave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SequentialEvidence {
    /// The log-likelihood ratio of the bar against `bar − margin`; absent when infinite (a
    /// failure under a bar of 1, or a pass when `bar − margin` is 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_likelihood_ratio: Option<f64>,
    /// The test passes at or above this (Wald's `ln A`).
    pub pass_boundary: f64,
    /// The test fails at or below this (Wald's `ln B`).
    pub fail_boundary: f64,
    /// The wave (1-based) after which the test decided; absent while undecided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_in_wave: Option<u32>,
}

/// How a suite's rates were judged, its waves and its cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SuiteStatistics {
    /// The confidence of every interval.
    pub confidence: f64,
    /// The smallest drop worth catching.
    pub margin: f64,
    /// What an inconclusive verdict does to the exit code.
    pub on_inconclusive: OnInconclusive,
    /// The interval asked for.
    pub interval: IntervalMethod,
    /// The adaptive plan, when the suite ran in waves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adaptive: Option<AdaptiveSamples>,
    /// Every run of the suite, in order; one for a fixed number of samples.
    pub waves: Vec<WaveOutcome>,
    /// Each case's pass rate with its interval and consistency, in the order first seen.
    pub cases: Vec<CaseRate>,
}

/// One wave: a run created for the cases still undecided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WaveOutcome {
    /// 1-based.
    pub wave: u32,
    pub run_id: Option<String>,
    pub results_url: Option<String>,
    /// Cases the wave asked for.
    pub cases: u64,
    /// Samples per case and number the wave asked for.
    pub samples: u32,
    /// Calls in the wave's results.
    pub calls: u64,
    /// The suite's verdict on the waves up to and including this one.
    pub verdict: Verdict,
}

/// One case's pass rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseRate {
    pub test_case_id: String,
    pub title: Option<String>,
    pub calls: u64,
    pub passed: u64,
    /// The pass rate with its interval (bar and margin those of `min_case_pass_rate`, or 0
    /// when it is not set).
    pub rate: RateEstimate,
    /// pass^k, the chance that k calls in a row pass, for k from 2 to the case's calls (at
    /// most 10); the unbiased estimate `C(passed, k) / C(calls, k)`.
    pub pass_k: Vec<PassK>,
}

impl CaseRate {
    /// pass^k at the largest k up to 3 the case's calls allow.
    pub fn headline_pass_k(&self) -> Option<&PassK> {
        self.pass_k.iter().rev().find(|p| p.k <= 3)
    }
}

/// pass^k at one k.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PassK {
    pub k: u64,
    pub value: f64,
}

#[derive(Clone, Copy)]
enum Round {
    Down,
    Up,
}

/// A share with two decimals, as in `0.87`.
pub fn fixed2(value: f64) -> String {
    format!("{value:.2}")
}

/// A bound rounded outwards (so the interval shown contains the one computed), with two
/// decimals unless rounding would put it on the wrong side of `mark` (the bar, or
/// `bar − margin`), where the decision was taken; then with up to four.
fn bound(value: f64, round: Round, mark: f64) -> String {
    let mut text = String::new();
    for decimals in 2..=4 {
        let scale = 10f64.powi(decimals);
        let rounded = match round {
            Round::Down => (value * scale + 1e-9).floor() / scale,
            Round::Up => (value * scale - 1e-9).ceil() / scale,
        };
        text = format!("{rounded:.prec$}", prec = decimals as usize);
        let misleading = match round {
            Round::Down => rounded < mark && value >= mark,
            Round::Up => rounded >= mark && value < mark,
        };
        if !misleading {
            break;
        }
    }
    text
}

/// A confidence level as `95 %` (or `97.5 %`).
pub fn percent(level: f64) -> String {
    let value = level * 100.0;
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} %")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(estimate: f64, lower: f64, upper: f64) -> RateEstimate {
        RateEstimate {
            successes: 0.0,
            trials: 0,
            estimate,
            lower,
            upper,
            confidence: 0.95,
            method: IntervalMethod::ClopperPearson,
            bar: 0.9,
            margin: 0.1,
            sequential: None,
        }
    }

    #[test]
    fn rates_read_as_estimate_interval_and_level() {
        assert_eq!(
            estimate(0.8667, 0.6928, 0.9624).display(),
            "0.87 [0.69, 0.97] 95 %"
        );
        assert_eq!(
            estimate(1.0, 0.8843, 1.0).display(),
            "1.00 [0.88, 1.00] 95 %"
        );
        assert_eq!(percent(0.975), "97.5 %");
        assert_eq!(percent(0.99), "99 %");
    }

    #[test]
    fn bounds_are_never_rounded_across_the_bar() {
        // An upper bound of 0.8999 is below the bar of 0.9: it must not read as 0.90.
        assert_eq!(
            estimate(0.8, 0.7, 0.8999).display(),
            "0.80 [0.70, 0.8999] 95 %"
        );
        // A lower bound of 0.8001 is above bar − margin: it may read as 0.80, not 0.79.
        assert_eq!(
            estimate(0.9, 0.8001, 0.97).display(),
            "0.90 [0.80, 0.97] 95 %"
        );
    }
}
