//! The line charts of the trend page: a value per report along the x axis (the reports in
//! order, evenly spaced), a line per series broken where a report lacks the suite, each
//! point shaped by the suite's verdict, and thresholds as labelled horizontal lines.

use serde::Serialize;

use super::scale::Tick;
use super::view::{self, VerdictView};
use crate::outcome::SuiteOutcome;

pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 220.0;
pub const LEFT: f64 = 56.0;
pub const RIGHT: f64 = 540.0;
pub const TOP: f64 = 16.0;
pub const BOTTOM: f64 = 180.0;
/// Dash patterns told apart without colour, one per series.
pub const DASHES: &[&str] = &["", "6 3", "2 3", "8 3 2 3"];

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

/// The frame every trend chart shares.
pub fn frame() -> LineChart {
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
pub fn x_ticks(labels: &[String], x: &impl Fn(usize) -> f64) -> Vec<Tick> {
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

pub fn point(
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
pub fn series(name: &str, index: usize, points: Vec<(usize, TrendPoint)>) -> Series {
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

/// Moves the series' end labels apart, so that lines ending close together keep readable
/// names: each label at least 12 pixels below the one above it.
pub fn spread_labels(series: &mut [Series]) {
    let mut order: Vec<usize> = (0..series.len())
        .filter(|&i| series[i].label.is_some())
        .collect();
    order.sort_by(|&a, &b| {
        let y = |i: usize| series[i].label.map_or(0.0, |(_, y)| y);
        y(a).total_cmp(&y(b))
    });
    let mut floor = f64::NEG_INFINITY;
    for i in order {
        if let Some((x, y)) = series[i].label {
            let y = y.max(floor);
            series[i].label = Some((x, y));
            floor = y + 12.0;
        }
    }
}
