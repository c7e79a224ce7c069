//! The pass-rate meter of a suite: its calls as one bar split by status, the interval of the
//! pass rate when `thresholds.confidence` is set, and the bar it must clear.

use serde::Serialize;

use super::scale::{self, Linear, Tick};
use super::view;
use crate::outcome::SuiteOutcome;

const WIDTH: f64 = 640.0;
const LEFT: f64 = 8.0;
const RIGHT: f64 = 600.0;

/// The meter, in pixels.
#[derive(Debug, Clone, Serialize)]
pub struct Meter {
    pub width: f64,
    pub segments: Vec<Segment>,
    pub interval: Option<Interval>,
    pub bar: Option<Mark>,
    /// From `bar − margin` to the bar: either verdict is acceptable there.
    pub margin: Option<(f64, f64)>,
    pub ticks: Vec<Tick>,
    /// What the meter says, in words.
    pub caption: String,
}

/// A run of calls of one status.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    pub x: f64,
    pub width: f64,
    /// `pass`, `fail`, `error` or `pending`.
    pub class: &'static str,
    pub title: String,
}

/// The interval of the pass rate.
#[derive(Debug, Clone, Serialize)]
pub struct Interval {
    pub from: f64,
    pub to: f64,
    pub estimate: f64,
    pub title: String,
}

/// A vertical mark with a label.
#[derive(Debug, Clone, Serialize)]
pub struct Mark {
    pub x: f64,
    pub label: String,
    /// `start` or `end`: the label stays inside the chart.
    pub anchor: &'static str,
}

impl Meter {
    /// The meter of a suite with calls; `None` without.
    pub fn of(suite: &SuiteOutcome) -> Option<Self> {
        let counts = &suite.counts;
        if counts.total == 0 {
            return None;
        }
        let axis = Linear::new(1.0, LEFT, RIGHT);
        let mut segments = Vec::new();
        let mut done = 0u64;
        for (count, class, word) in [
            (counts.passed, "pass", "passed"),
            (counts.failed, "fail", "failed"),
            (counts.errored, "error", "errored"),
            (counts.pending, "pending", "pending"),
        ] {
            if count == 0 {
                continue;
            }
            let from = axis.at(done as f64 / counts.total as f64);
            done += count;
            let to = axis.at(done as f64 / counts.total as f64);
            segments.push(Segment {
                x: from,
                width: scale::round1(to - from),
                class,
                title: format!("{count} of {} calls {word}", counts.total),
            });
        }
        let check = suite.checks.iter().find(|c| c.name == "min_test_pass_rate");
        let rate = check.and_then(|c| c.rate.as_ref());
        let interval = rate.map(|r| Interval {
            from: axis.at(r.lower),
            to: axis.at(r.upper),
            estimate: axis.at(r.estimate),
            title: format!("pass rate {} ({} intervals)", r.display(), r.method.label()),
        });
        let threshold = rate
            .map(|r| r.bar)
            .or_else(|| check.and_then(|c| scale::bounds(&c.expected).0));
        let bar = threshold.map(|t| Mark {
            x: axis.at(t),
            label: format!("bar {}", view::percent(t)),
            anchor: if t > 0.8 { "end" } else { "start" },
        });
        let margin = rate
            .filter(|r| r.margin > 0.0)
            .map(|r| (axis.at(r.bar - r.margin), axis.at(r.bar)));
        let share = counts.passed as f64 / counts.total as f64;
        let mut caption = format!(
            "{} of {} calls passed ({})",
            counts.passed,
            counts.total,
            view::percent(share)
        );
        if let Some(r) = rate {
            caption.push_str(&format!(
                ", interval {} {}",
                r.interval_text(),
                crate::outcome::statistics::percent(r.confidence)
            ));
        }
        if let Some(t) = threshold {
            caption.push_str(&format!("; the bar is {}", view::percent(t)));
        }
        Some(Self {
            width: WIDTH,
            segments,
            interval,
            bar,
            margin,
            ticks: axis.ticks(|v| format!("{:.0}%", v * 100.0)),
            caption,
        })
    }
}
