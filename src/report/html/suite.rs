//! One suite's section of the page: its verdict and reason, facts and links, the pass-rate
//! meter, the thresholds (measured against expected), the calls per number, the grid, the
//! latency and category charts, the calls that did not pass (failed and errored first) with
//! the judge's reasons, links and the transcript, flaky cases, and the statistics.

use serde::Serialize;

use super::categories::CategoryChart;
use super::columns::suite_markers;
use super::grid::Grid;
use super::latency::LatencyChart;
use super::meter::Meter;
use super::view::{self, Link, Marker, StatusView, VerdictView};
use crate::outcome::statistics::fixed2;
use crate::outcome::{CallOutcome, SuiteOutcome, SuiteStatistics, Transcript};
use crate::report::statistics_text::{case_name, cases_by_rate, pass_k, settings};

/// The most calls that did not pass listed per suite; the rest are counted.
pub const MAX_FAILING: usize = 200;
/// The longest reason in a call's summary line; the whole reason is below it.
const HEADLINE: usize = 180;
/// The most cases listed with their rates.
const MAX_CASES: usize = 100;
/// The most waves listed (the last ones).
const MAX_WAVES: usize = 50;

#[derive(Debug, Clone, Serialize)]
pub struct SuiteView {
    /// The section's id, from its position (never from a name).
    pub anchor: String,
    pub name: String,
    pub description: Option<String>,
    pub verdict: VerdictView,
    pub reason: String,
    pub markers: Vec<Marker>,
    /// Shown expanded: it did not pass, or it is the only suite.
    pub open: bool,
    pub facts: Vec<Fact>,
    pub meter: Option<Meter>,
    pub checks: Vec<CheckRow>,
    pub numbers: Vec<NumberRow>,
    pub grid: Option<Grid>,
    pub latency: Option<LatencyChart>,
    pub categories: Option<CategoryChart>,
    pub failing: Vec<CallView>,
    /// Every call that did not pass, listed or not.
    pub failing_total: usize,
    pub flaky: Vec<FlakyRow>,
    pub statistics: Option<StatisticsView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub label: &'static str,
    pub text: String,
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckRow {
    pub name: String,
    pub expected: String,
    pub measured: String,
    pub status: StatusView,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NumberRow {
    pub number: String,
    pub total: u64,
    pub passed: u64,
    pub failed: u64,
    pub errored: u64,
    pub pending: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CallView {
    pub anchor: String,
    pub name: String,
    pub status: StatusView,
    pub reason: Option<String>,
    /// The reason, cut to one line for the call's summary.
    pub headline: Option<String>,
    /// Duration, wave, number note, flaky: a few words.
    pub detail: String,
    pub assertions: Vec<AssertionRow>,
    pub links: Vec<Link>,
    pub recording_pending: bool,
    pub transcript: Option<TranscriptView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssertionRow {
    pub name: String,
    pub status: StatusView,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TranscriptView {
    pub messages: Vec<MessageRow>,
    pub left_out: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct MessageRow {
    pub role: Option<String>,
    pub text: String,
    pub cut: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlakyRow {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatisticsView {
    pub settings: String,
    pub waves: Vec<WaveRow>,
    pub earlier_waves: usize,
    pub cases: Vec<CaseRow>,
    pub more_cases: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaveRow {
    pub wave: u32,
    pub run: String,
    pub link: Option<Link>,
    pub cases: u64,
    pub samples: u32,
    pub calls: u64,
    pub verdict: VerdictView,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseRow {
    pub name: String,
    pub passed: String,
    pub rate: String,
    pub pass_k: String,
}

impl SuiteView {
    /// The section of the suite at `position` (0-based) among `count` suites.
    pub fn of(suite: &SuiteOutcome, position: usize, count: usize) -> Self {
        let anchor = |i: usize| format!("call-{}-{}", position + 1, i + 1);
        let mut failing: Vec<(usize, &CallOutcome)> = suite
            .calls
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.passed())
            .collect();
        // Calls the judge failed or that errored come before those that never finished.
        failing.sort_by_key(|(_, c)| !matches!(c.status.as_str(), "FAILED" | "ERROR"));
        let failing_total = failing.len();
        failing.truncate(MAX_FAILING);
        let listed: Vec<usize> = failing.iter().map(|(i, _)| *i).collect();
        Self {
            anchor: format!("suite-{}", position + 1),
            name: suite.name.clone(),
            description: suite.description.clone(),
            verdict: VerdictView::of(suite.verdict),
            reason: suite.reason.clone(),
            markers: suite_markers(suite),
            open: count == 1 || suite.verdict != crate::outcome::Verdict::Passed,
            facts: facts(suite),
            meter: Meter::of(suite),
            checks: suite.checks.iter().map(check_row).collect(),
            numbers: numbers(suite),
            grid: Grid::of(suite, |i| listed.contains(&i).then(|| anchor(i))),
            latency: LatencyChart::of(suite),
            categories: CategoryChart::of(suite),
            failing: failing
                .into_iter()
                .map(|(i, call)| call_view(suite, call, anchor(i)))
                .collect(),
            failing_total,
            flaky: suite
                .flaky
                .iter()
                .map(|case| FlakyRow {
                    name: match &case.title {
                        Some(title) => format!("{title} [{}]", case.test_case_id),
                        None => format!("[{}]", case.test_case_id),
                    },
                    text: format!(
                        "{} of {} calls passed, {} failed, {} errored",
                        case.passed, case.calls, case.failed, case.errored
                    ),
                })
                .collect(),
            statistics: suite.statistics.as_ref().map(statistics),
        }
    }
}

fn facts(suite: &SuiteOutcome) -> Vec<Fact> {
    let fact = |label, text: String| Fact {
        label,
        text,
        links: Vec::new(),
    };
    let mut facts = Vec::new();
    let runs: Vec<Link> = match &suite.statistics {
        Some(s) if s.waves.len() > 1 => s
            .waves
            .iter()
            .filter_map(|w| view::link(w.run_id.clone()?, w.results_url.as_deref()))
            .collect(),
        _ => view::link(
            suite.run_id.clone().unwrap_or_else(|| "results".to_owned()),
            suite.results_url.as_deref(),
        )
        .into_iter()
        .collect(),
    };
    let run_ids = suite.run_ids();
    facts.push(Fact {
        label: if run_ids.len() > 1 { "runs" } else { "run" },
        text: if runs.is_empty() {
            run_ids.join(", ")
        } else {
            String::new()
        },
        links: runs,
    });
    if let Some(status) = &suite.run_status {
        facts.push(fact("run status", status.clone()));
    }
    facts.push(fact("agent", suite.agent_id.clone()));
    if !suite.phone_numbers.is_empty() {
        facts.push(fact("numbers", suite.phone_numbers.join(", ")));
    }
    facts.push(fact("started", suite.started_at.clone()));
    facts.push(fact("elapsed", view::elapsed(suite.elapsed_seconds)));
    if let Some(score) = suite.assertion_score {
        facts.push(fact("assertion score", view::percent(score)));
    }
    if suite.source.line > 0 {
        facts.push(fact(
            "defined at",
            format!("{}:{}", suite.source.file, suite.source.line),
        ));
    }
    facts.retain(|f| !f.text.is_empty() || !f.links.is_empty());
    facts
}

fn check_row(check: &crate::outcome::ThresholdCheck) -> CheckRow {
    let measured = match (&check.rate, &check.measured) {
        (Some(rate), _) => format!(
            "{} ({}/{})",
            rate.display(),
            fixed2(rate.successes),
            rate.trials
        ),
        (None, Some(measured)) => measured.clone(),
        (None, None) => "–".to_owned(),
    };
    CheckRow {
        name: check.name.clone(),
        expected: check.expected.clone(),
        measured,
        status: StatusView::of_check(check.status),
        reason: check.reason.clone(),
    }
}

fn numbers(suite: &SuiteOutcome) -> Vec<NumberRow> {
    if !suite.shows_numbers() {
        return Vec::new();
    }
    suite
        .by_number
        .iter()
        .map(|n| NumberRow {
            number: n.label().to_owned(),
            total: n.counts.total,
            passed: n.counts.passed,
            failed: n.counts.failed,
            errored: n.counts.errored,
            pending: n.counts.pending,
        })
        .collect()
}

fn call_view(suite: &SuiteOutcome, call: &CallOutcome, anchor: String) -> CallView {
    let detail = view::call_detail(suite, call);
    let mut links: Vec<Link> = [
        view::link("transcript", call.transcript_url.as_deref()),
        view::link("recording", call.recording_url.as_deref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if links.is_empty()
        && let Some(results) = view::link("results", call.link.as_deref())
    {
        links.push(results);
    }
    CallView {
        anchor,
        name: call.display_name(),
        status: StatusView::of(&call.status),
        reason: call.reason.clone(),
        headline: call.reason.as_deref().map(|r| view::short(r, HEADLINE)),
        detail: detail.join(" · "),
        assertions: call
            .assertions
            .iter()
            .map(|a| AssertionRow {
                name: a.name.clone(),
                status: StatusView::of(&a.status),
                reason: a.reason.clone(),
            })
            .collect(),
        links,
        recording_pending: call.recording_pending,
        transcript: call.transcript.as_ref().map(transcript),
    }
}

fn transcript(transcript: &Transcript) -> TranscriptView {
    TranscriptView {
        messages: transcript
            .messages
            .iter()
            .map(|m| MessageRow {
                role: m.role.clone(),
                text: m.text.clone(),
                cut: m.cut,
            })
            .collect(),
        left_out: transcript.left_out,
    }
}

fn statistics(statistics: &SuiteStatistics) -> StatisticsView {
    // Waves are listed for adaptive samples only (the last ones, where the verdict fell).
    let waves: &[crate::outcome::WaveOutcome] = if statistics.adaptive.is_some() {
        &statistics.waves
    } else {
        &[]
    };
    let earlier_waves = waves.len().saturating_sub(MAX_WAVES);
    let cases = cases_by_rate(statistics);
    StatisticsView {
        settings: settings(statistics),
        waves: waves
            .iter()
            .skip(earlier_waves)
            .map(|w| WaveRow {
                wave: w.wave,
                run: w.run_id.clone().unwrap_or_else(|| "–".to_owned()),
                link: view::link(
                    w.run_id.clone().unwrap_or_else(|| "results".to_owned()),
                    w.results_url.as_deref(),
                ),
                cases: w.cases,
                samples: w.samples,
                calls: w.calls,
                verdict: VerdictView::of(w.verdict),
            })
            .collect(),
        earlier_waves,
        more_cases: cases.len().saturating_sub(MAX_CASES),
        cases: cases
            .into_iter()
            .take(MAX_CASES)
            .map(|case| CaseRow {
                name: case_name(case),
                passed: format!("{}/{}", case.passed, case.calls),
                rate: case.rate.display(),
                pass_k: pass_k(case),
            })
            .collect(),
    }
}
