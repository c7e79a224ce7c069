//! The trend page: several JSON reports of the same suite file, oldest first, drawn per suite
//! as its pass rate over the reports (with intervals and the bar) and the median of each
//! latency metric over the reports (with its bound), above a table of every report.

use indexmap::IndexMap;
use serde::Serialize;

use super::CSP;
use super::latency::is_latency;
use super::line_chart::{
    BOTTOM, DASHES, HorizontalMark, LEFT, LineChart, RIGHT, Series, TOP, TrendPoint, frame, point,
    series, spread_labels, x_ticks,
};
use super::scale::{self, Linear};
use super::view::{self, Link, VerdictView};
use crate::outcome::{Outcome, SuiteOutcome};

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
        // At most as many lines as there are dash patterns: the bounded metrics first, then
        // the others as they first appear. The table below lists every metric.
        let mut drawn: Vec<&String> = metrics
            .iter()
            .filter(|m| bounds.iter().any(|(b, _)| b == *m))
            .chain(
                metrics
                    .iter()
                    .filter(|m| !bounds.iter().any(|(b, _)| b == *m)),
            )
            .take(DASHES.len())
            .collect();
        drawn.sort_by_key(|m| metrics.iter().position(|n| n == *m));
        let largest = medians
            .iter()
            .flat_map(|m| drawn.iter().filter_map(|name| m.get(*name)).copied())
            .chain(bounds.iter().map(|(_, b)| *b))
            .fold(0.0, f64::max);
        let y = Linear::new(scale::nice_max(largest), BOTTOM, TOP);
        let mut series_list: Vec<Series> = drawn
            .iter()
            .enumerate()
            .map(|(k, metric)| {
                let points = found
                    .iter()
                    .enumerate()
                    .filter_map(|(i, suite)| {
                        let value = *medians[i].get(metric.as_str())?;
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
        spread_labels(&mut series_list);
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
