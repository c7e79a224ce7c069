//! What comes after a wave of an adaptive suite, from the gate's judgement of the waves so
//! far: another wave (which cases, how many samples) or none, and why. Pure.

use indexmap::IndexMap;

use crate::outcome::{CheckStatus, SuiteOutcome, Verdict};
use crate::suite::AdaptiveSamples;
use crate::suite::samples::MAX_SAMPLES_PER_RUN;

/// What comes after a wave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// No more waves, and why.
    Done(String),
    /// Another wave: these cases, this many samples per case and number.
    Wave { cases: Vec<String>, samples: u32 },
}

/// Decides the next wave from the gate's judgement of the waves so far. Pure.
///
/// `sampled` is the samples per case and number each case has had so far; `calls` the calls
/// placed so far; `all_cases` every case of the suite, in order.
pub fn next_wave(
    outcome: &SuiteOutcome,
    plan: &AdaptiveSamples,
    sampled: &IndexMap<String, u32>,
    all_cases: &[String],
    numbers: usize,
    calls: u64,
    max_calls: Option<u64>,
) -> Next {
    match outcome.verdict {
        Verdict::Inconclusive => {}
        Verdict::Passed => return Next::Done("every threshold is decided".into()),
        Verdict::Failed => {
            return Next::Done(
                "a threshold failed, which decides the suite; more calls cannot change that".into(),
            );
        }
        other => return Next::Done(format!("the suite ended {}", other.label())),
    }
    let open: Vec<_> = outcome
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Inconclusive)
        .collect();
    let cases: Vec<String> = if open.iter().any(|c| c.test_case_id.is_none()) {
        all_cases.to_vec()
    } else {
        let mut ids: Vec<String> = Vec::new();
        for id in open.iter().filter_map(|c| c.test_case_id.as_ref()) {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        ids
    };
    if cases.is_empty() {
        return Next::Done("no case is left to sample".into());
    }
    let most = cases
        .iter()
        .map(|c| sampled.get(c).copied().unwrap_or(0))
        .max()
        .unwrap_or(0);
    let left = plan.max.saturating_sub(most);
    if left == 0 {
        return Next::Done(format!(
            "the plan's maximum of {} samples per case and number is reached",
            plan.max
        ));
    }
    let mut samples = plan.wave_size().min(left).min(MAX_SAMPLES_PER_RUN);
    let per_sample = cases.len() as u64 * numbers.max(1) as u64;
    if let Some(limit) = max_calls {
        let room = limit.saturating_sub(calls) / per_sample;
        samples = samples.min(u32::try_from(room).unwrap_or(u32::MAX));
        if samples == 0 {
            return Next::Done(format!(
                "another wave ({} calls at least) would exceed max_calls {limit} ({calls} placed)",
                per_sample
            ));
        }
    }
    Next::Wave { cases, samples }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::outcome::RunEnd;
    use crate::outcome::fixtures::{
        self, calls_of, observation, results, statistics, suite, summary, thresholds,
    };
    use crate::suite::{ResolvedThresholds, Statistics};

    const PLAN: AdaptiveSamples = AdaptiveSamples {
        min: 2,
        max: 10,
        wave: Some(3),
    };

    fn cases() -> Vec<String> {
        vec!["case_refund".to_owned(), "case_billing".to_owned()]
    }

    fn sampled(n: u32) -> IndexMap<String, u32> {
        cases().into_iter().map(|c| (c, n)).collect()
    }

    #[test]
    fn an_undecided_suite_rate_asks_for_every_case() {
        let outcome = fixtures::inconclusive().suites.remove(0);
        let next = next_wave(&outcome, &PLAN, &sampled(2), &cases(), 1, 10, None);
        assert_eq!(
            next,
            Next::Wave {
                cases: cases(),
                samples: 3
            }
        );
    }

    #[test]
    fn undecided_cases_alone_are_sampled_again() {
        let mut s = suite(
            "s",
            ResolvedThresholds {
                min_test_pass_rate: 0.0,
                min_case_pass_rate: Some(0.8),
                statistics: Some(Statistics {
                    margin: 0.3,
                    ..statistics()
                }),
                ..thresholds()
            },
        );
        s.adaptive = Some(PLAN);
        let mut calls = calls_of("case_refund", 8, 0);
        calls.extend(calls_of("case_billing", 2, 0));
        let outcome = crate::gate::judge(observation(
            s,
            Some(results(summary(0.0, json!([])), calls)),
            RunEnd::Finished,
        ));
        let next = next_wave(&outcome, &PLAN, &sampled(2), &cases(), 1, 10, None);
        assert_eq!(
            next,
            Next::Wave {
                cases: vec!["case_billing".to_owned()],
                samples: 3
            }
        );
    }

    #[test]
    fn waves_stop_at_a_verdict_at_max_and_before_max_calls() {
        let passed = fixtures::adaptive().suites.remove(0);
        assert!(matches!(
            next_wave(&passed, &PLAN, &sampled(6), &cases(), 1, 12, None),
            Next::Done(why) if why.contains("every threshold is decided")
        ));
        let open = fixtures::inconclusive().suites.remove(0);
        assert!(matches!(
            next_wave(&open, &PLAN, &sampled(10), &cases(), 1, 20, None),
            Next::Done(why) if why.contains("maximum of 10 samples")
        ));
        // 9 of 10 taken: one more sample, not the wave's three.
        assert_eq!(
            next_wave(&open, &PLAN, &sampled(9), &cases(), 1, 18, None),
            Next::Wave {
                cases: cases(),
                samples: 1
            }
        );
        // Room for 4 more calls over 2 cases and 2 numbers: one sample.
        assert_eq!(
            next_wave(&open, &PLAN, &sampled(2), &cases(), 2, 8, Some(12)),
            Next::Wave {
                cases: cases(),
                samples: 1
            }
        );
        assert!(matches!(
            next_wave(&open, &PLAN, &sampled(2), &cases(), 2, 8, Some(11)),
            Next::Done(why) if why.contains("would exceed max_calls 11")
        ));
    }
}
