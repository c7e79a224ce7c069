//! The page as a whole: the overall verdict and exit code, the overview of the suites (its
//! columns come from `columns`), then one section per suite.

use serde::Serialize;

use super::CSP;
use super::columns::{Cell, columns};
use super::suite::SuiteView;
use super::view::VerdictView;
use crate::outcome::Outcome;
use crate::report::exit_meaning;

#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub csp: &'static str,
    pub title: String,
    pub verdict: VerdictView,
    pub exit_code: u8,
    pub exit_meaning: &'static str,
    pub suite_file: String,
    pub started_at: String,
    pub finished_at: String,
    pub tool: String,
    pub headings: Vec<&'static str>,
    pub rows: Vec<OverviewRow>,
    pub suites: Vec<SuiteView>,
}

/// A suite's line in the overview.
#[derive(Debug, Clone, Serialize)]
pub struct OverviewRow {
    pub name: String,
    pub anchor: String,
    pub cells: Vec<Cell>,
}

impl Page {
    pub fn of(outcome: &Outcome) -> Self {
        let verdict = VerdictView::of(outcome.verdict);
        let count = outcome.suites.len();
        let suites: Vec<SuiteView> = outcome
            .suites
            .iter()
            .enumerate()
            .map(|(i, suite)| SuiteView::of(suite, i, count))
            .collect();
        let columns = columns(outcome);
        let rows = outcome
            .suites
            .iter()
            .zip(&suites)
            .map(|(suite, view)| OverviewRow {
                name: suite.name.clone(),
                anchor: view.anchor.clone(),
                cells: columns.iter().map(|column| (column.cell)(suite)).collect(),
            })
            .collect();
        Self {
            csp: CSP,
            title: format!("hamming-runner: {} · {}", verdict.label, outcome.suite_file),
            verdict,
            exit_code: outcome.exit_code,
            exit_meaning: exit_meaning(outcome.exit_code),
            suite_file: outcome.suite_file.clone(),
            started_at: outcome.started_at.clone(),
            finished_at: outcome.finished_at.clone(),
            tool: format!("{} {}", outcome.tool.name, outcome.tool.version),
            headings: columns.iter().map(|c| c.heading).collect(),
            rows,
            suites,
        }
    }
}
