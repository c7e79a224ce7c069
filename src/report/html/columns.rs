//! The page's extension points, kept in one place: the columns of the suite overview, and the
//! markers shown beside a suite's name and beside a case in the grid. Adding a column (say,
//! a comparison with a baseline) is one entry in `COLUMNS`; adding a marker (say, a
//! quarantined case) is one line in `suite_markers` or `case_markers`. The templates render
//! whatever these return.

use serde::Serialize;

use super::view::{self, Link, Marker, VerdictView};
use crate::outcome::{BaselineStatus, CaseChangeKind, FlakyCase, Outcome, SuiteOutcome};
use crate::report::baseline_text;

/// One cell of the overview.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Cell {
    pub text: String,
    /// A link around the text.
    pub link: Option<Link>,
    /// A small bar drawn behind the text, from 0 to 1, with its tone.
    pub bar: Option<Bar>,
    /// A glyph before the text (never alone: the text says the same).
    pub glyph: Option<&'static str>,
    /// The CSS class of the cell.
    pub class: &'static str,
}

/// A bar in a cell.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// Width in percent, 0 to 100.
    pub percent: f64,
    pub tone: &'static str,
}

/// A column of the overview: its heading and how a suite fills it.
pub struct Column {
    pub heading: &'static str,
    pub cell: fn(&SuiteOutcome) -> Cell,
}

/// The overview's columns for this outcome: "vs baseline" only when a baseline was given,
/// so other pages keep their shape.
pub fn columns(outcome: &Outcome) -> Vec<&'static Column> {
    let compared = outcome.suites.iter().any(|s| s.baseline.is_some());
    COLUMNS
        .iter()
        .filter(|c| compared || c.heading != BASELINE_HEADING)
        .collect()
}

const BASELINE_HEADING: &str = "vs baseline";

/// The overview's columns, in order.
pub const COLUMNS: &[Column] = &[
    Column {
        heading: "verdict",
        cell: verdict,
    },
    Column {
        heading: "pass rate",
        cell: pass_rate,
    },
    Column {
        heading: BASELINE_HEADING,
        cell: versus_baseline,
    },
    Column {
        heading: "calls",
        cell: calls,
    },
    Column {
        heading: "flaky",
        cell: flaky,
    },
    Column {
        heading: "elapsed",
        cell: elapsed,
    },
    Column {
        heading: "run",
        cell: run,
    },
];

fn verdict(suite: &SuiteOutcome) -> Cell {
    let verdict = VerdictView::of(suite.verdict);
    Cell {
        text: verdict.label.to_owned(),
        glyph: Some(verdict.glyph),
        class: verdict.tone,
        ..Cell::default()
    }
}

fn pass_rate(suite: &SuiteOutcome) -> Cell {
    let Some(rate) = suite.pass_rate else {
        return Cell {
            text: "–".to_owned(),
            ..Cell::default()
        };
    };
    let interval = suite
        .checks
        .iter()
        .find(|c| c.name == "min_test_pass_rate")
        .and_then(|c| c.rate.as_ref());
    // As the Markdown summary writes it: with an interval, the counts it is over.
    let text = match interval {
        Some(estimate) => format!(
            "{} ({}/{})",
            estimate.display(),
            estimate.successes,
            estimate.trials
        ),
        None => format!(
            "{} ({}/{})",
            view::percent(rate),
            suite.counts.passed,
            suite.counts.total
        ),
    };
    Cell {
        text,
        bar: Some(Bar {
            percent: (rate * 100.0).clamp(0.0, 100.0),
            tone: VerdictView::of(suite.verdict).tone,
        }),
        class: "number",
        ..Cell::default()
    }
}

/// `1.00 → 0.50, regressed (p = 0.00012)`, `held`, or `not compared`, with a glyph, as the
/// Markdown summary's column says it.
fn versus_baseline(suite: &SuiteOutcome) -> Cell {
    let Some(comparison) = &suite.baseline else {
        return Cell {
            text: "–".to_owned(),
            ..Cell::default()
        };
    };
    let (glyph, class) = match comparison.status {
        BaselineStatus::Held => ("✓", "good"),
        BaselineStatus::Regressed if !suite.regression.is_fail() => ("⚠", "warn"),
        BaselineStatus::Regressed => ("✗", "bad"),
        BaselineStatus::NotCompared => ("–", "warn"),
    };
    Cell {
        text: baseline_text::headline(comparison),
        glyph: Some(glyph),
        class,
        ..Cell::default()
    }
}

fn calls(suite: &SuiteOutcome) -> Cell {
    let c = &suite.counts;
    let mut parts = vec![format!("{} passed", c.passed)];
    for (count, word) in [
        (c.failed, "failed"),
        (c.errored, "errored"),
        (c.pending, "pending"),
    ] {
        if count > 0 {
            parts.push(format!("{count} {word}"));
        }
    }
    Cell {
        text: format!("{} ({})", c.total, parts.join(", ")),
        class: "number",
        ..Cell::default()
    }
}

fn flaky(suite: &SuiteOutcome) -> Cell {
    Cell {
        text: suite.flaky.len().to_string(),
        class: if suite.flaky.is_empty() {
            "number"
        } else {
            "number warn"
        },
        ..Cell::default()
    }
}

fn elapsed(suite: &SuiteOutcome) -> Cell {
    Cell {
        text: view::elapsed(suite.elapsed_seconds),
        class: "number",
        ..Cell::default()
    }
}

fn run(suite: &SuiteOutcome) -> Cell {
    let ids = suite.run_ids();
    let text = match ids.as_slice() {
        [] => "–".to_owned(),
        [one] => (*one).to_owned(),
        [first, rest @ ..] => format!("{first} (+{} waves)", rest.len()),
    };
    Cell {
        link: view::link(text.clone(), suite.results_url.as_deref()),
        text,
        class: "id",
        ..Cell::default()
    }
}

/// The markers beside a suite's name.
pub fn suite_markers(suite: &SuiteOutcome) -> Vec<Marker> {
    let mut markers = Vec::new();
    if suite.verdict == crate::outcome::Verdict::Inconclusive
        && suite.exit_code() == crate::exit::SUCCESS
    {
        markers.push(Marker {
            text: "let through".to_owned(),
            class: "note",
            title: "inconclusive, and on_inconclusive: pass lets it through".to_owned(),
        });
    }
    markers
}

/// The markers beside a case.
pub fn case_markers(suite: &SuiteOutcome, case_id: &str) -> Vec<Marker> {
    let mut markers = Vec::new();
    if let Some(case) = suite.flaky.iter().find(|c| c.test_case_id == case_id) {
        markers.push(flaky_marker(case));
    }
    if let Some(entry) = suite.quarantine.iter().find(|q| q.test_case_id == case_id) {
        markers.push(Marker {
            text: if entry.expired {
                "quarantine expired".to_owned()
            } else {
                "quarantined".to_owned()
            },
            class: "note",
            title: if entry.expired {
                format!(
                    "quarantined until {} ({}); the quarantine has expired, so the case gates again",
                    entry.until, entry.reason
                )
            } else {
                format!(
                    "quarantined until {}: {}; it runs and is reported, but gates nothing",
                    entry.until, entry.reason
                )
            },
        });
    }
    let change = suite
        .baseline
        .iter()
        .flat_map(|b| &b.cases)
        .find(|c| c.test_case_id == case_id);
    if let Some(case) = change.filter(|c| c.change == CaseChangeKind::NewFailure) {
        markers.push(Marker {
            text: "new failure".to_owned(),
            class: "flaky",
            title: baseline_text::case_line(case),
        });
    }
    markers
}

fn flaky_marker(case: &FlakyCase) -> Marker {
    Marker {
        text: "flaky".to_owned(),
        class: "flaky",
        title: format!(
            "passed {} of {} calls ({} failed, {} errored)",
            case.passed, case.calls, case.failed, case.errored
        ),
    }
}
