//! The latency chart of a suite: for each latency metric of the calls (and each metric a
//! threshold bounds), every call as a dot on one row, the middle half of the calls as a box
//! with its median, the 90th percentile, and the threshold as a dashed line. A call beyond
//! its bound is drawn as a cross, not only in another colour.

use indexmap::IndexMap;
use serde::Serialize;

use super::scale::{self, Linear, Tick};
use super::view;
use crate::outcome::SuiteOutcome;

const WIDTH: f64 = 640.0;
const PLOT_FROM: f64 = 200.0;
const PLOT_TO: f64 = 620.0;
const ROW: f64 = 64.0;
const TOP: f64 = 8.0;

/// The chart, in pixels.
#[derive(Debug, Clone, Serialize)]
pub struct LatencyChart {
    pub width: f64,
    pub height: f64,
    pub rows: Vec<Row>,
}

/// One metric.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The metric's name, cut to fit beside the chart.
    pub label: String,
    pub name: String,
    /// The row's top edge.
    pub top: f64,
    /// The strip's centre line.
    pub middle: f64,
    /// The axis line.
    pub axis: f64,
    pub from: f64,
    pub to: f64,
    pub ticks: Vec<Tick>,
    pub points: Vec<Point>,
    /// The middle half of the calls (25th to 75th percentile) and the median.
    pub quartiles: (f64, f64),
    pub median: f64,
    pub p90: f64,
    pub bounds: Vec<Bound>,
    /// The figures in words, for the table beside the chart.
    pub calls: usize,
    pub median_text: String,
    pub p90_text: String,
    pub max_text: String,
    pub bound_text: String,
    pub beyond: usize,
}

/// A call's value.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    /// Beyond the metric's bound.
    pub beyond: bool,
    pub title: String,
}

/// A threshold on the metric.
#[derive(Debug, Clone, Serialize)]
pub struct Bound {
    pub x: f64,
    pub label: String,
}

/// Whether a metric measures latency, by its name (`latencyP90`, `assistantTimeToFirstWord`).
pub fn is_latency(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("latency") || lower.contains("timetofirst")
}

/// The metrics worth a row: latency, and any metric a threshold bounds.
fn charted(name: &str, bounded: bool) -> bool {
    bounded || is_latency(name)
}

impl LatencyChart {
    /// The chart of a suite whose calls carry latency metrics; `None` when none do.
    pub fn of(suite: &SuiteOutcome) -> Option<Self> {
        let mut values: IndexMap<&str, Vec<(f64, String)>> = IndexMap::new();
        for call in &suite.calls {
            for (name, value) in &call.metrics {
                let bounded = suite.checks.iter().any(|c| is_bound_of(&c.name, name));
                if value.is_finite() && charted(name, bounded) {
                    values
                        .entry(name.as_str())
                        .or_default()
                        .push((*value, call.display_name()));
                }
            }
        }
        if values.is_empty() {
            return None;
        }
        let rows: Vec<Row> = values
            .into_iter()
            .enumerate()
            .map(|(i, (name, calls))| row(suite, name, calls, TOP + ROW * i as f64))
            .collect();
        Some(Self {
            width: WIDTH,
            height: TOP + ROW * rows.len() as f64,
            rows,
        })
    }
}

fn is_bound_of(check: &str, metric: &str) -> bool {
    check.strip_prefix("metrics.") == Some(metric)
}

fn row(suite: &SuiteOutcome, name: &str, calls: Vec<(f64, String)>, top: f64) -> Row {
    let (low, high) = suite
        .checks
        .iter()
        .find(|c| is_bound_of(&c.name, name))
        .map(|c| scale::bounds(&c.expected))
        .unwrap_or((None, None));
    let mut sorted: Vec<f64> = calls.iter().map(|(v, _)| *v).collect();
    sorted.sort_by(f64::total_cmp);
    let largest = sorted.last().copied().unwrap_or(0.0);
    let end = scale::nice_max(
        [largest, low.unwrap_or(0.0), high.unwrap_or(0.0)]
            .iter()
            .copied()
            .fold(0.0, f64::max),
    );
    let axis = Linear::new(end, PLOT_FROM, PLOT_TO);
    let middle = top + 22.0;
    let q = |p: f64| scale::quantile(&sorted, p).unwrap_or(0.0);
    let beyond_bound = |v: f64| low.is_some_and(|l| v < l) || high.is_some_and(|h| v > h);
    let points: Vec<Point> = calls
        .iter()
        .enumerate()
        .map(|(i, (value, call))| Point {
            x: axis.at(*value),
            // A fixed spread, so dots of equal value stay apart and the page is stable.
            y: scale::round1(middle + ((i * 7) % 11) as f64 * 1.4 - 7.0),
            beyond: beyond_bound(*value),
            title: format!("{call}: {}", view::num(*value)),
        })
        .collect();
    let mut bounds = Vec::new();
    if let Some(l) = low {
        bounds.push(Bound {
            x: axis.at(l),
            label: format!("min {}", view::num(l)),
        });
    }
    if let Some(h) = high {
        bounds.push(Bound {
            x: axis.at(h),
            label: format!("max {}", view::num(h)),
        });
    }
    let bound_text = match (low, high) {
        (Some(l), Some(h)) => format!("{} to {}", view::num(l), view::num(h)),
        (Some(l), None) => format!(">= {}", view::num(l)),
        (None, Some(h)) => format!("<= {}", view::num(h)),
        (None, None) => "none".to_owned(),
    };
    Row {
        label: view::short(name, 26),
        name: name.to_owned(),
        top,
        middle,
        axis: top + 40.0,
        from: PLOT_FROM,
        to: PLOT_TO,
        ticks: axis.ticks(view::num),
        quartiles: (axis.at(q(0.25)), axis.at(q(0.75))),
        median: axis.at(q(0.5)),
        p90: axis.at(q(0.9)),
        bounds,
        calls: calls.len(),
        median_text: view::num(q(0.5)),
        p90_text: view::num(q(0.9)),
        max_text: view::num(largest),
        bound_text,
        beyond: points.iter().filter(|p| p.beyond).count(),
        points,
    }
}
