//! The category chart of a suite: the overall assertion score and each category's score as a
//! bar against the bar it must clear (with its interval when `thresholds.confidence` is
//! set). A suite that sets no assertion threshold but whose calls were judged by assertions
//! gets each assertion's share of passed evaluations instead, lowest first.

use indexmap::IndexMap;
use serde::Serialize;

use super::scale::{self, Linear, Tick};
use super::view::{self, StatusView};
use crate::outcome::{CheckStatus, SuiteOutcome, ThresholdCheck};

const WIDTH: f64 = 640.0;
const PLOT_FROM: f64 = 200.0;
const PLOT_TO: f64 = 540.0;
const ROW: f64 = 28.0;
const TOP: f64 = 6.0;
/// The most assertions listed; the rest are counted.
const MAX_ASSERTIONS: usize = 25;

/// The chart, in pixels.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryChart {
    /// What the bars measure.
    pub title: &'static str,
    pub width: f64,
    pub height: f64,
    pub rows: Vec<Row>,
    pub ticks: Vec<Tick>,
    pub axis: f64,
    /// Assertions not listed.
    pub more: usize,
}

/// One category (or assertion).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The name, cut to fit beside the chart.
    pub label: String,
    pub name: String,
    pub top: f64,
    pub from: f64,
    /// The bar's length; `None` when nothing was measured.
    pub width: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub bar: Option<f64>,
    pub status: Option<StatusView>,
    /// The value and the bar in words.
    pub text: String,
}

impl CategoryChart {
    /// The chart of a suite; `None` when it has neither assertion thresholds nor assertions.
    pub fn of(suite: &SuiteOutcome) -> Option<Self> {
        let axis = Linear::new(1.0, PLOT_FROM, PLOT_TO);
        let checks: Vec<&ThresholdCheck> = suite
            .checks
            .iter()
            .filter(|c| c.name == "min_assertion_score" || c.name.starts_with("categories."))
            .collect();
        let (title, mut rows, more) = if !checks.is_empty() {
            let rows = checks.iter().map(|c| check_row(c, &axis)).collect();
            ("Assertion scores against their bars", rows, 0)
        } else {
            let (rows, more) = assertion_rows(suite, &axis);
            if rows.is_empty() {
                return None;
            }
            ("Assertions: share of evaluations passed", rows, more)
        };
        for (i, row) in rows.iter_mut().enumerate() {
            row.top = TOP + ROW * i as f64;
        }
        let axis_y = TOP + ROW * rows.len() as f64 + 2.0;
        Some(Self {
            title,
            width: WIDTH,
            height: axis_y + 18.0,
            ticks: axis.ticks(view::num),
            axis: axis_y,
            rows,
            more,
        })
    }
}

fn check_row(check: &ThresholdCheck, axis: &Linear) -> Row {
    let label = match check.name.strip_prefix("categories.") {
        Some(category) => category.to_owned(),
        None => "overall score".to_owned(),
    };
    let value = check.rate.as_ref().map(|r| r.estimate).or_else(|| {
        check
            .measured
            .as_deref()
            .and_then(|m| m.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
            .filter(|n| n.is_finite())
    });
    let bar = check
        .rate
        .as_ref()
        .map(|r| r.bar)
        .or_else(|| scale::bounds(&check.expected).0);
    let text = match (value, bar) {
        (Some(v), Some(b)) => format!("{} (bar {})", view::num(v), view::num(b)),
        (Some(v), None) => view::num(v),
        (None, _) => "not measured".to_owned(),
    };
    Row {
        label: view::short(&label, 28),
        name: label,
        top: 0.0,
        from: PLOT_FROM,
        width: value.map(|v| scale::round1(axis.at(v) - PLOT_FROM)),
        interval: check
            .rate
            .as_ref()
            .map(|r| (axis.at(r.lower), axis.at(r.upper))),
        bar: bar.map(|b| axis.at(b)),
        status: (check.status != CheckStatus::Skipped).then(|| StatusView::of_check(check.status)),
        text,
    }
}

/// Each assertion's passed evaluations over all calls, lowest share first.
fn assertion_rows(suite: &SuiteOutcome, axis: &Linear) -> (Vec<Row>, usize) {
    let mut tally: IndexMap<&str, (u64, u64)> = IndexMap::new();
    for assertion in suite.calls.iter().flat_map(|c| &c.assertions) {
        let entry = tally.entry(assertion.name.as_str()).or_default();
        entry.1 += 1;
        if assertion.passed() {
            entry.0 += 1;
        }
    }
    let mut shares: Vec<(&str, u64, u64)> =
        tally.into_iter().map(|(n, (p, t))| (n, p, t)).collect();
    shares.sort_by(|a, b| (a.1 as f64 / a.2 as f64).total_cmp(&(b.1 as f64 / b.2 as f64)));
    let more = shares.len().saturating_sub(MAX_ASSERTIONS);
    let rows = shares
        .into_iter()
        .take(MAX_ASSERTIONS)
        .map(|(name, passed, total)| {
            let share = passed as f64 / total as f64;
            let status = if passed == total { "PASSED" } else { "FAILED" };
            Row {
                label: view::short(name, 28),
                name: name.to_owned(),
                top: 0.0,
                from: PLOT_FROM,
                width: Some(scale::round1(axis.at(share) - PLOT_FROM)),
                interval: None,
                bar: None,
                status: Some(StatusView::of(status)),
                text: format!("{passed}/{total} passed"),
            }
        })
        .collect();
    (rows, more)
}
