//! The statistical settings of a suite after inheritance (`thresholds.confidence`, `margin`,
//! `on_inconclusive`, `interval`, and an adaptive `samples` plan), and the rules that tie
//! them together.

use super::model::{IntervalKind, OnInconclusive, SuiteSpec, Thresholds};
use super::resolve::Problem;
use super::samples::{AdaptiveSamples, MAX_SAMPLES_PER_RUN, Samples};
use crate::stats::IntervalMethod;

/// The smallest drop worth catching when `margin` is not set.
pub const DEFAULT_MARGIN: f64 = 0.1;

/// How a suite's rates are judged when `thresholds.confidence` is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Statistics {
    /// The confidence of each two-sided interval; each wrong verdict happens at most
    /// `(1 − confidence) / 2` of the time.
    pub confidence: f64,
    /// A rate passes once confidently at or above `bar − margin`.
    pub margin: f64,
    pub on_inconclusive: OnInconclusive,
    pub interval: IntervalMethod,
}

impl Statistics {
    /// The chance of each wrong verdict the design allows.
    pub fn error_rate(&self) -> f64 {
        (1.0 - self.confidence) / 2.0
    }
}

/// The statistics of merged thresholds, or `None` without `confidence`.
pub fn of(defaults: &Thresholds, own: &Thresholds) -> Option<Statistics> {
    let confidence = own.confidence.or(defaults.confidence)?;
    Some(Statistics {
        confidence,
        margin: own.margin.or(defaults.margin).unwrap_or(DEFAULT_MARGIN),
        on_inconclusive: own
            .on_inconclusive
            .or(defaults.on_inconclusive)
            .unwrap_or_default(),
        interval: own
            .interval
            .or(defaults.interval)
            .unwrap_or(IntervalKind::ClopperPearson)
            .method(),
    })
}

/// The adaptive plan a suite runs, if any, checking that it can run: it needs `confidence`
/// (waves stop when every rate is decided at that confidence) and `min` at most `max`.
pub fn adaptive(
    name: &str,
    pointer: &str,
    spec: &SuiteSpec,
    defaults: &SuiteSpec,
    statistics: Option<&Statistics>,
    problems: &mut Vec<Problem>,
) -> Option<AdaptiveSamples> {
    let (samples, at) = match (spec.samples, defaults.samples) {
        (Some(own), _) => (own, format!("{pointer}/samples")),
        (None, Some(inherited)) => (inherited, "/defaults/samples".to_owned()),
        (None, None) => return None,
    };
    let Samples::Adaptive(plan) = samples else {
        return None;
    };
    let problem = |at: String, message: String, hint: &str| Problem {
        suite: Some(name.to_owned()),
        pointer: at,
        message,
        hint: Some(hint.to_owned()),
    };
    if statistics.is_none() {
        problems.push(problem(
            at.clone(),
            format!("adaptive `samples` in suite `{name}` needs `thresholds.confidence`: waves stop when every rate is decided at that confidence"),
            "add `thresholds: { confidence: 0.95 }`, or use a fixed number such as `samples: 3`",
        ));
    }
    if plan.min > plan.max {
        problems.push(problem(
            format!("{at}/min"),
            format!("`samples.min` ({}) is above `samples.max` ({})", plan.min, plan.max),
            "the first wave places `min` samples per case and number, and `max` caps all waves together; make `min` at most `max`",
        ));
    }
    if plan.min > MAX_SAMPLES_PER_RUN {
        problems.push(problem(
            format!("{at}/min"),
            format!(
                "`samples.min` is {}, but one run takes at most {MAX_SAMPLES_PER_RUN} samples",
                plan.min
            ),
            "lower `min`; later waves add the rest",
        ));
    }
    Some(plan)
}

/// A statistical setting written without `confidence` does nothing: say so, at the first one.
pub fn check_orphans(
    name: &str,
    pointer: &str,
    spec: &SuiteSpec,
    defaults: &SuiteSpec,
    problems: &mut Vec<Problem>,
) {
    let own = spec.thresholds.as_ref();
    let inherited = defaults.thresholds.as_ref();
    let confidence = own
        .and_then(|t| t.confidence)
        .or(inherited.and_then(|t| t.confidence));
    if confidence.is_some() {
        return;
    }
    let written = |t: Option<&Thresholds>| -> Option<&'static str> {
        let t = t?;
        if t.margin.is_some() {
            Some("margin")
        } else if t.on_inconclusive.is_some() {
            Some("on_inconclusive")
        } else if t.interval.is_some() {
            Some("interval")
        } else {
            None
        }
    };
    let (key, at) = match (written(own), written(inherited)) {
        (Some(key), _) => (key, format!("{pointer}/thresholds/{key}")),
        (None, Some(key)) => (key, format!("/defaults/thresholds/{key}")),
        (None, None) => return,
    };
    problems.push(Problem {
        suite: Some(name.to_owned()),
        pointer: at,
        message: format!("`thresholds.{key}` has no effect without `thresholds.confidence`"),
        hint: Some(format!(
            "set `thresholds.confidence` (e.g. 0.95) to judge rates with intervals, or remove `{key}`"
        )),
    });
}
