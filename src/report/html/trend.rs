//! The trend page: several JSON reports of the same suite file, oldest first, drawn per suite
//! as its pass rate over the reports (with intervals and the bar) and the median of each
//! latency metric over the reports (with its bound), above a table of every report.

use indexmap::IndexMap;
use serde::Serialize;

use super::CSP;
use super::latency::is_latency;
use super::scale::{self, Linear, Tick};
use super::view::{self, Link, VerdictView};
use crate::outcome::{Outcome, SuiteOutcome};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 540.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 180.0;
/// Dash patterns told apart without colour, one per series.
const DASHES: &[&str] = &["", "6 3", "2 3", "8 3 2 3"];

#[derive(Debug, Clone, Serialize)]
pub struct TrendPage {
    pub csp: &'static str,
    pub title: String,
    pub suite_file: String,
    pub reports: Vec<ReportRow>,
    pub suites: Vec<SuiteTrend>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    pub label: String,
    pub verdict: VerdictView,
    pub exit_code: u8,
    pub suites: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SuiteTrend {
    pub name: String,
    pub anchor: String,
    pub pass_rate: LineChart,
    pub latency: Option<LineChart>,
    pub metrics: Vec<String>,
    pub rows: Vec<TrendRow>,
}

/// The suite in one report.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    pub label: String,
    pub verdict: VerdictView,
    pub pass_rate: String,
    pub calls: u64,
    /// The median of each metric in `SuiteTrend::metrics`, or a dash.
    pub medians: Vec<String>,
    pub link: Option<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LineChart {
    pub title: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub series: Vec<Series>,
    pub bounds: Vec<HorizontalMark>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub name: String,
    pub dash: &'static str,
    /// The line's path, from numbers only.
    pub path: String,
    pub points: Vec<TrendPoint>,
    /// Where the series' name is written, after its last point.
    pub label: Option<(f64, f64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub x: f64,
    pub y: f64,
    /// `circle` (passed), `cross` (failed or error), `diamond` (anything else).
    pub shape: &'static str,
    pub tone: &'static str,
    pub interval: Option<(f64, f64)>,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HorizontalMark {
    pub y: f64,
    pub label: String,
}

impl TrendPage {
    /// The page for `reports`, oldest first.
    pub fn of(reports: &[Outcome]) -> Self {
        let labels: Vec<String> = reports.iter().map(|r| date_label(&r.started_at)).collect();
        let mut names: Vec<&str> = Vec::new();
        for report in reports.iter().rev() {
            for suite in &report.suites {
                if !names.contains(&suite.name.as_str()) {
                    names.push(&suite.name);
                }
            }
        }
        let suite_file = reports
            .last()
            .map(|r| r.suite_file.clone())
            .unwrap_or_default();
        Self {
            csp: CSP,
            title: format!(
                "hamming-runner trend: {} reports of {suite_file}",
                reports.len()
            ),
            suite_file,
            reports: reports
                .iter()
                .zip(&labels)
                .map(|(r, label)| ReportRow {
                    label: label.clone(),
                    verdict: VerdictView::of(r.verdict),
                    exit_code: r.exit_code,
                    suites: r.suites.len(),
                })
                .collect(),
            suites: names
                .iter()
                .enumerate()
                .map(|(i, name)| suite_trend(name, i, reports, &labels))
                .collect(),
        }
    }
}

/// `2026-01-01 00:00` from an RFC 3339 time; the text itself when it is not one.
fn date_label(rfc3339: &str) -> String {
    match humantime::parse_rfc3339_weak(rfc3339) {
        Ok(time) => {
            let text = humantime::format_rfc3339_seconds(time).to_string();
            text.get(..16).map(|t| t.replace('T', " ")).unwrap_or(text)
        }
        Err(_) => view::short(rfc3339, 25),
    }
}

fn suite_trend(name: &str, position: usize, reports: &[Outcome], labels: &[String]) -> SuiteTrend {
    let found: Vec<Option<&SuiteOutcome>> = reports
        .iter()
        .map(|r| r.suites.iter().find(|s| s.name == name))
        .collect();
    let x = |i: usize| -> f64 {
        if reports.len() <= 1 {
            (LEFT + RIGHT) / 2.0
        } else {
            scale::round1(LEFT + (RIGHT - LEFT) * i as f64 / (reports.len() - 1) as f64)
        }
    };
    let x_ticks = x_ticks(labels, &x);
    let newest = found.iter().rev().flatten().next().copied();

    // Pass rate, 0 to 100 %.
    let y_rate = Linear::new(1.0, BOTTOM, TOP);
    let points: Vec<(usize, TrendPoint)> = found
        .iter()
        .enumerate()
        .filter_map(|(i, suite)| {
            let suite = (*suite)?;
            let rate = suite.pass_rate?;
            let estimate = suite
                .checks
                .iter()
                .find(|c| c.name == "min_test_pass_rate")
                .and_then(|c| c.rate.as_ref());
            Some((
                i,
                point(
                    x(i),
                    y_rate.at(rate),
                    suite,
                    format!(
                        "{}: {} ({}/{} calls passed), {}",
                        labels[i],
                        view::percent(rate),
                        suite.counts.passed,
                        suite.counts.total,
                        suite.verdict.label()
                    ),
                    estimate.map(|e| (y_rate.at(e.upper), y_rate.at(e.lower))),
                ),
            ))
        })
        .collect();
    let bar = newest
        .and_then(|s| s.checks.iter().find(|c| c.name == "min_test_pass_rate"))
        .and_then(|c| {
            c.rate
                .as_ref()
                .map(|r| r.bar)
                .or(scale::bounds(&c.expected).0)
        });
    let pass_rate = LineChart {
        title: "pass rate".to_owned(),
        y_ticks: y_rate.ticks(|v| format!("{:.0}%", v * 100.0)),
        x_ticks: x_ticks.clone(),
        series: vec![series("pass rate", 0, points)],
        bounds: bar
            .map(|b| HorizontalMark {
                y: y_rate.at(b),
                label: format!("bar {}", view::percent(b)),
            })
            .into_iter()
            .collect(),
        ..frame()
    };

    // The median of each latency metric.
    let mut metrics: Vec<String> = Vec::new();
    let medians: Vec<IndexMap<String, f64>> = found
        .iter()
        .map(|suite| suite.map(latency_medians).unwrap_or_default())
        .collect();
    for per_report in &medians {
        for name in per_report.keys() {
            if !metrics.contains(name) {
                metrics.push(name.clone());
            }
        }
    }
    let latency = (!metrics.is_empty()).then(|| {
        let bounds: Vec<(String, f64)> = metrics
            .iter()
            .filter_map(|m| {
                let check = newest?
                    .checks
                    .iter()
                    .find(|c| c.name == format!("metrics.{m}"))?;
                let (_, high) = scale::bounds(&check.expected);
                Some((m.clone(), high?))
            })
            .collect();
        let largest = medians
            .iter()
            .flat_map(|m| m.values().copied())
            .chain(bounds.iter().map(|(_, b)| *b))
            .fold(0.0, f64::max);
        let y = Linear::new(scale::nice_max(largest), BOTTOM, TOP);
        let series_list = metrics
            .iter()
            .enumerate()
            .map(|(k, metric)| {
                let points = found
                    .iter()
                    .enumerate()
                    .filter_map(|(i, suite)| {
                        let value = *medians[i].get(metric)?;
                        Some((
                            i,
                            point(
                                x(i),
                                y.at(value),
                                (*suite)?,
                                format!("{}: {metric} median {}", labels[i], view::num(value)),
                                None,
                            ),
                        ))
                    })
                    .collect();
                series(metric, k, points)
            })
            .collect();
        LineChart {
            title: "latency (median of the calls)".to_owned(),
            y_ticks: y.ticks(view::num),
            x_ticks,
            series: series_list,
            bounds: bounds
                .into_iter()
                .map(|(m, b)| HorizontalMark {
                    y: y.at(b),
                    label: format!("{m} max {}", view::num(b)),
                })
                .collect(),
            ..frame()
        }
    });

    let rows = found
        .iter()
        .enumerate()
        .filter_map(|(i, suite)| {
            let suite = (*suite)?;
            Some(TrendRow {
                label: labels[i].clone(),
                verdict: VerdictView::of(suite.verdict),
                pass_rate: suite
                    .pass_rate
                    .map(|r| {
                        format!(
                            "{} ({}/{})",
                            view::percent(r),
                            suite.counts.passed,
                            suite.counts.total
                        )
                    })
                    .unwrap_or_else(|| "–".to_owned()),
                calls: suite.counts.total,
                medians: metrics
                    .iter()
                    .map(|m| {
                        medians[i]
                            .get(m)
                            .map(|v| view::num(*v))
                            .unwrap_or_else(|| "–".to_owned())
                    })
                    .collect(),
                link: view::link(
                    suite.run_id.clone().unwrap_or_else(|| "results".to_owned()),
                    suite.results_url.as_deref(),
                ),
            })
        })
        .collect();
    SuiteTrend {
        name: name.to_owned(),
        anchor: format!("suite-{}", position + 1),
        pass_rate,
        latency,
        metrics,
        rows,
    }
}

/// The frame every trend chart shares.
fn frame() -> LineChart {
    LineChart {
        title: String::new(),
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        right: RIGHT,
        top: TOP,
        bottom: BOTTOM,
        y_ticks: Vec::new(),
        x_ticks: Vec::new(),
        series: Vec::new(),
        bounds: Vec::new(),
    }
}

/// At most six dates under the axis, the newest always among them.
fn x_ticks(labels: &[String], x: &impl Fn(usize) -> f64) -> Vec<Tick> {
    let step = labels.len().div_ceil(6).max(1);
    labels
        .iter()
        .enumerate()
        .filter(|(i, _)| (labels.len() - 1 - i).is_multiple_of(step))
        .map(|(i, label)| Tick {
            at: x(i),
            // `01-31 02:00` under the axis; the year is in the table.
            label: match label.get(5..) {
                Some(short) if label.len() == 16 => short.to_owned(),
                _ => view::short(label, 12),
            },
        })
        .collect()
}

fn point(
    x: f64,
    y: f64,
    suite: &SuiteOutcome,
    title: String,
    interval: Option<(f64, f64)>,
) -> TrendPoint {
    let verdict = VerdictView::of(suite.verdict);
    TrendPoint {
        x,
        y,
        shape: match verdict.tone {
            "good" => "circle",
            "bad" => "cross",
            _ => "diamond",
        },
        tone: verdict.tone,
        interval,
        title,
    }
}

/// A series through its points, broken where a report lacks the suite.
fn series(name: &str, index: usize, points: Vec<(usize, TrendPoint)>) -> Series {
    let mut path = String::new();
    let mut previous: Option<usize> = None;
    for (i, p) in &points {
        let joined = previous.is_some_and(|prev| prev + 1 == *i);
        path.push_str(&format!(
            "{}{} {} ",
            if joined { "L" } else { "M" },
            p.x,
            p.y
        ));
        previous = Some(*i);
    }
    let label = points.last().map(|(_, p)| (p.x + 8.0, p.y + 4.0));
    Series {
        name: name.to_owned(),
        dash: DASHES[index % DASHES.len()],
        path: path.trim_end().to_owned(),
        points: points.into_iter().map(|(_, p)| p).collect(),
        label,
    }
}

/// The median of each latency metric of a suite's calls, in the order first seen.
fn latency_medians(suite: &SuiteOutcome) -> IndexMap<String, f64> {
    let mut values: IndexMap<String, Vec<f64>> = IndexMap::new();
    for call in &suite.calls {
        for (name, value) in &call.metrics {
            if value.is_finite() && is_latency(name) {
                values.entry(name.clone()).or_default().push(*value);
            }
        }
    }
    values
        .into_iter()
        .filter_map(|(name, mut v)| {
            v.sort_by(f64::total_cmp);
            Some((name, scale::quantile(&v, 0.5)?))
        })
        .collect()
}
