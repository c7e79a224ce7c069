//! The case × sample grid: one row per case (per case and number when the suite dialled
//! several), one cell per call, in sample order. Each cell shows its status as a glyph and a
//! colour; hovering or focusing it (every cell is reachable with the keyboard) shows the
//! call, its status and the judge's reason. A flaky case is marked beside its name.

use indexmap::IndexMap;
use serde::Serialize;

use super::columns::case_markers;
use super::view::{Marker, StatusView, call_detail, short};
use crate::outcome::{CallOutcome, SuiteOutcome};

/// The most rows drawn; the rest are counted.
const MAX_ROWS: usize = 400;
/// The most samples drawn per row; the rest are counted.
const MAX_SAMPLES: usize = 60;
/// The longest reason shown in a cell's tip.
const MAX_TIP: usize = 400;

#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    /// The sample numbers heading the columns.
    pub samples: Vec<u32>,
    pub rows: Vec<GridRow>,
    /// Rows not drawn.
    pub more_rows: usize,
    /// Whether rows name a number.
    pub numbers: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    pub title: Option<String>,
    pub case_id: String,
    pub number: Option<String>,
    pub markers: Vec<Marker>,
    /// By sample; `None` where the case has no call with that sample.
    pub cells: Vec<Option<Cell>>,
    /// Calls beyond the samples drawn.
    pub more: usize,
    pub passed: usize,
    pub calls: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub status: StatusView,
    pub name: String,
    /// Status, duration and wave, in a few words.
    pub detail: String,
    pub reason: Option<String>,
    /// The call's entry among the calls that did not pass, when it is listed there.
    pub anchor: Option<String>,
}

impl Grid {
    /// The grid of a suite's calls; `anchor` names a call's entry on the page, when it has
    /// one. `None` when the suite has no calls.
    pub fn of(suite: &SuiteOutcome, anchor: impl Fn(usize) -> Option<String>) -> Option<Self> {
        if suite.calls.is_empty() {
            return None;
        }
        let numbers = suite.shows_numbers();
        let mut groups: IndexMap<(&str, Option<&str>), Vec<usize>> = IndexMap::new();
        for (i, call) in suite.calls.iter().enumerate() {
            let number = if numbers {
                call.phone_number.as_deref()
            } else {
                None
            };
            groups
                .entry((call.test_case_id.as_str(), number))
                .or_default()
                .push(i);
        }
        let more_rows = groups.len().saturating_sub(MAX_ROWS);
        let rows: Vec<GridRow> = groups
            .into_iter()
            .take(MAX_ROWS)
            .map(|((case_id, number), calls)| row(suite, case_id, number, &calls, &anchor))
            .collect();
        let widest = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        Some(Self {
            samples: (1..=widest as u32).collect(),
            rows,
            more_rows,
            numbers,
        })
    }
}

fn row(
    suite: &SuiteOutcome,
    case_id: &str,
    number: Option<&str>,
    calls: &[usize],
    anchor: &impl Fn(usize) -> Option<String>,
) -> GridRow {
    let mut cells: Vec<Option<Cell>> = Vec::new();
    let mut more = 0;
    for &i in calls {
        let call = &suite.calls[i];
        // A call's sample is its index; two calls claiming one sample (results no valid run
        // has) both stay visible, the second in the next free place.
        let mut slot = (call.index.max(1) - 1) as usize;
        while cells.get(slot).is_some_and(Option::is_some) {
            slot += 1;
        }
        if slot >= MAX_SAMPLES {
            more += 1;
            continue;
        }
        if cells.len() <= slot {
            cells.resize_with(slot + 1, || None);
        }
        cells[slot] = Some(cell(suite, call, anchor(i)));
    }
    let first = &suite.calls[calls[0]];
    GridRow {
        title: first.title.clone(),
        case_id: case_id.to_owned(),
        number: number.map(str::to_owned),
        markers: case_markers(suite, case_id),
        cells,
        more,
        passed: calls.iter().filter(|&&i| suite.calls[i].passed()).count(),
        calls: calls.len(),
    }
}

fn cell(suite: &SuiteOutcome, call: &CallOutcome, anchor: Option<String>) -> Cell {
    let mut detail = vec![call.status.clone()];
    detail.extend(call_detail(suite, call));
    Cell {
        status: StatusView::of(&call.status),
        name: call.display_name(),
        detail: detail.join(" · "),
        reason: call.reason.as_deref().map(|r| short(r, MAX_TIP)),
        anchor,
    }
}
