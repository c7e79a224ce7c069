//! The end-of-run summary for a person reading a terminal or a CI log: per suite the
//! verdict, every threshold with its measured value, failing and flaky calls with the judge's
//! reasons and links, then one totals line.
//!
//! Every value is printed through `one_line`: server text (a judge's reason, a title, a
//! status) can neither move the terminal nor start a workflow command in a CI log.

use std::io::{self, Write};

use super::baseline_text;
use crate::outcome::{CallOutcome, CheckStatus, Outcome, SuiteOutcome, Verdict};
use crate::untrusted::one_line as t;

/// How many failing calls a suite lists before pointing at the full reports.
pub const MAX_FAILING_CALLS: usize = 20;

/// Rendering options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TerminalOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Wrap each suite in a collapsible `::group::` of the GitHub Actions log.
    pub github_groups: bool,
}

/// Writes the summary without colour.
pub fn write_terminal(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    write_terminal_with(outcome, out, TerminalOptions::default())
}

/// Writes the summary with the given options.
pub fn write_terminal_with(
    outcome: &Outcome,
    out: &mut dyn Write,
    options: TerminalOptions,
) -> io::Result<()> {
    let paint = Paint(options.color);
    for suite in &outcome.suites {
        if options.github_groups {
            let title = format!("{}: {}", t(&suite.name), suite.verdict.label());
            out.write_all(super::github::group(&title).as_bytes())?;
        }
        write_suite(suite, out, paint)?;
        if options.github_groups {
            out.write_all(super::github::endgroup().as_bytes())?;
        }
        writeln!(out)?;
    }
    write_totals(outcome, out, paint)
}

/// The widest a threshold table column is padded to.
const MAX_COLUMN: usize = 40;

#[derive(Clone, Copy)]
pub(super) struct Paint(bool);

impl Paint {
    fn apply(self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    pub(super) fn red(self, text: &str) -> String {
        self.apply("1;31", text)
    }
    pub(super) fn green(self, text: &str) -> String {
        self.apply("1;32", text)
    }
    pub(super) fn yellow(self, text: &str) -> String {
        self.apply("1;33", text)
    }
    fn dim(self, text: &str) -> String {
        self.apply("2", text)
    }
    fn bold(self, text: &str) -> String {
        self.apply("1", text)
    }
    fn verdict(self, verdict: Verdict) -> String {
        let text = verdict.label().to_uppercase();
        match verdict {
            Verdict::Passed => self.green(&text),
            Verdict::Failed | Verdict::Error | Verdict::Refused => self.red(&text),
            Verdict::TimedOut | Verdict::Interrupted | Verdict::NotRun | Verdict::Inconclusive => {
                self.yellow(&text)
            }
        }
    }
}

fn write_suite(suite: &SuiteOutcome, out: &mut dyn Write, paint: Paint) -> io::Result<()> {
    writeln!(
        out,
        "{} {}: {}",
        paint.bold("suite"),
        paint.bold(&t(&suite.name)),
        paint.verdict(suite.verdict)
    )?;
    writeln!(out, "  {}", t(&suite.reason))?;
    match (&suite.run_id, &suite.results_url) {
        (Some(id), Some(url)) => writeln!(out, "  run {}: {}", t(id), t(url))?,
        (Some(id), None) => writeln!(out, "  run {}", t(id))?,
        (None, Some(url)) => writeln!(out, "  results: {}", t(url))?,
        (None, None) => {}
    }
    if suite.counts.total > 0 {
        let c = &suite.counts;
        writeln!(
            out,
            "  calls: {} total, {} passed, {} failed, {} errored, {} pending",
            c.total, c.passed, c.failed, c.errored, c.pending
        )?;
    }
    if suite.shows_numbers() {
        writeln!(out, "  by number:")?;
        for number in &suite.by_number {
            let c = &number.counts;
            writeln!(
                out,
                "    {}: {} calls, {} passed, {} failed, {} errored, {} pending",
                number.label(),
                c.total,
                c.passed,
                c.failed,
                c.errored,
                c.pending
            )?;
        }
    }

    if !suite.checks.is_empty() {
        write_checks(suite, out, paint)?;
    }
    if let Some(comparison) = &suite.baseline {
        super::terminal_baseline::write_baseline(comparison, out, paint)?;
    }
    if let Some(statistics) = &suite.statistics {
        super::statistics_text::write(statistics, out)?;
    }
    super::terminal_baseline::write_quarantine(suite, out, paint)?;

    let failing = suite.failing_calls_ranked();
    if !failing.is_empty() {
        writeln!(out, "  calls that did not pass:")?;
        for call in failing.iter().take(MAX_FAILING_CALLS) {
            write_call(suite, call, out, paint)?;
        }
        if failing.len() > MAX_FAILING_CALLS {
            let more = failing.len() - MAX_FAILING_CALLS;
            let place = suite
                .results_url
                .as_deref()
                .map(|u| format!(" or {}", t(u)))
                .unwrap_or_default();
            writeln!(
                out,
                "    … and {more} more; see the JSON or JUnit report{place}"
            )?;
        }
    }

    if !suite.flaky.is_empty() {
        writeln!(out, "  {}:", paint.yellow("flaky cases"))?;
        for case in &suite.flaky {
            let title = case
                .title
                .as_deref()
                .map(|title| format!("{} ", t(title)))
                .unwrap_or_default();
            writeln!(
                out,
                "    {title}[{}]: {} of {} calls passed, {} failed, {} errored",
                t(&case.test_case_id),
                case.passed,
                case.calls,
                case.failed,
                case.errored
            )?;
        }
    }
    Ok(())
}

/// The threshold checks, one a line: mark, name, measurement, and with a baseline each rate
/// as `baseline → now`; the reason under each check that did not pass.
fn write_checks(suite: &SuiteOutcome, out: &mut dyn Write, paint: Paint) -> io::Result<()> {
    if suite
        .checks
        .iter()
        .all(|c| c.status == CheckStatus::NotEvaluated)
    {
        writeln!(
            out,
            "  thresholds (not evaluated: the run cannot be judged):"
        )?;
    } else {
        writeln!(out, "  thresholds:")?;
    }
    // Columns line up for ordinary values; a longer one (a case name, a server's odd
    // text) overflows its column instead of widening every row (and a width beyond
    // what `format!` accepts would be a panic).
    let name_width = suite
        .checks
        .iter()
        .map(|c| t(&c.name).len())
        .max()
        .unwrap_or(0)
        .min(MAX_COLUMN);
    let measured_width = suite
        .checks
        .iter()
        .map(|c| t(measured(c)).len())
        .max()
        .unwrap_or(0)
        .min(MAX_COLUMN);
    // With a baseline, each rate both runs measured as `baseline 1.00 → 0.50`.
    let deltas: Vec<(&str, String)> = suite
        .baseline
        .iter()
        .flat_map(|b| &b.rates)
        .map(|r| {
            (
                r.name.as_str(),
                format!("baseline {}", baseline_text::delta(r)),
            )
        })
        .collect();
    let delta_width = deltas
        .iter()
        .map(|(_, text)| text.chars().count() + 2)
        .max()
        .unwrap_or(0);
    // "inconclusive" widens the mark column only in suites that have one.
    let mark_width = suite
        .checks
        .iter()
        .map(|c| mark_text(c.status).len())
        .max()
        .unwrap_or(4);
    for check in &suite.checks {
        let text = format!("{:<mark_width$}", mark_text(check.status));
        let mark = match check.status {
            CheckStatus::Passed => paint.green(&text),
            CheckStatus::Failed => paint.red(&text),
            CheckStatus::Skipped | CheckStatus::Inconclusive | CheckStatus::Warning => {
                paint.yellow(&text)
            }
            CheckStatus::NotEvaluated => paint.dim(&text),
        };
        let delta = deltas
            .iter()
            .find(|(name, _)| *name == check.name && check.test_case_id.is_none())
            .map_or("", |(_, text)| text.as_str());
        writeln!(
            out,
            "    {mark}  {:<name_width$}  {:<measured_width$}  {:<delta_width$}expected {}",
            t(&check.name),
            t(measured(check)),
            delta,
            t(&check.expected)
        )?;
        // A check that was not evaluated says so once, in the heading above.
        if !matches!(
            check.status,
            CheckStatus::Passed | CheckStatus::NotEvaluated
        ) {
            writeln!(
                out,
                "{:width$}{}",
                "",
                t(&check.reason),
                width = mark_width + 6
            )?;
        }
    }
    Ok(())
}

fn mark_text(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Passed => "pass",
        CheckStatus::Failed => "FAIL",
        CheckStatus::Skipped => "skip",
        CheckStatus::Inconclusive => "inconclusive",
        CheckStatus::NotEvaluated => "  - ",
        CheckStatus::Warning => "warn",
    }
}

fn measured(check: &crate::outcome::ThresholdCheck) -> &str {
    check.measured.as_deref().unwrap_or("not measured")
}

fn write_call(
    suite: &SuiteOutcome,
    call: &CallOutcome,
    out: &mut dyn Write,
    paint: Paint,
) -> io::Result<()> {
    let status = match call.status.as_str() {
        "FAILED" | "ERROR" => paint.red(&call.status),
        other => paint.yellow(&t(other)),
    };
    let duration = call
        .duration_seconds
        .map(|d| format!(" ({d:.1}s)"))
        .unwrap_or_default();
    let flaky = if call.flaky { " [flaky]" } else { "" };
    let quarantined = if call.quarantined.is_some() {
        " [quarantined]"
    } else {
        ""
    };
    let number = suite
        .unknown_number_note(call)
        .map(|note| format!(" ({note})"))
        .unwrap_or_default();
    writeln!(
        out,
        "    {status} {}{number}{duration}{flaky}{quarantined}",
        t(&call.display_name())
    )?;
    if let Some(reason) = &call.reason {
        writeln!(out, "      {}", t(reason))?;
    }
    for (label, url) in [
        ("transcript", &call.transcript_url),
        ("recording", &call.recording_url),
    ] {
        if let Some(url) = url {
            writeln!(out, "      {}", paint.dim(&format!("{label}: {}", t(url))))?;
        }
    }
    if call.transcript_url.is_none()
        && call.recording_url.is_none()
        && let Some(link) = &call.link
    {
        writeln!(out, "      {}", paint.dim(&format!("results: {}", t(link))))?;
    }
    if call.recording_pending {
        writeln!(out, "      {}", paint.dim("recording pending"))?;
    }
    Ok(())
}

fn write_totals(outcome: &Outcome, out: &mut dyn Write, paint: Paint) -> io::Result<()> {
    let mut by_verdict: Vec<(Verdict, usize)> = Vec::new();
    for suite in &outcome.suites {
        match by_verdict.iter_mut().find(|(v, _)| *v == suite.verdict) {
            Some((_, n)) => *n += 1,
            None => by_verdict.push((suite.verdict, 1)),
        }
    }
    let suites = if by_verdict.is_empty() {
        "no suites".to_owned()
    } else {
        by_verdict
            .iter()
            .map(|(v, n)| format!("{n} {}", v.label()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (mut total, mut passed, mut failed, mut errored, mut pending) = (0, 0, 0, 0, 0);
    let mut flaky = 0;
    for suite in &outcome.suites {
        total += suite.counts.total;
        passed += suite.counts.passed;
        failed += suite.counts.failed;
        errored += suite.counts.errored;
        pending += suite.counts.pending;
        flaky += suite.flaky.len();
    }
    let flaky = if flaky > 0 {
        format!(", {flaky} flaky cases")
    } else {
        String::new()
    };
    let line = format!(
        "{}: suites {suites}; calls {total} total, {passed} passed, {failed} failed, {errored} errored, {pending} pending{flaky}; exit {} ({})",
        super::headline(outcome),
        outcome.exit_code,
        super::exit_reason(outcome)
    );
    let line = match outcome.verdict {
        Verdict::Passed => paint.green(&line),
        Verdict::Failed | Verdict::Error => paint.red(&line),
        _ => paint.yellow(&line),
    };
    writeln!(out, "{line}")
}
