//! The Markdown summary (GitHub's step summary, and the pull-request comment): a table of
//! suites, then per suite a pass-rate bar, the calls that did not pass with the judge's
//! reason and links, its thresholds and flaky cases; suites that did not pass come first,
//! passed ones are folded into `<details>`, and long lists are cut with a count and a
//! pointer to the HTML report (see `markdown_layout`). Trimmed to a size limit, with a note
//! saying so.
//!
//! Every value is escaped so that it renders as the text it is: HTML (`<script>`, `<img>`)
//! and Markdown syntax (links, emphasis, headings, table pipes) from a server or a suite
//! file stay text, and control characters are shown as escapes. Links are written only for
//! `http:` and `https:` addresses (the outcome's links were vetted before rendering).

use std::io::{self, Write};

use super::baseline_text;
use super::markdown_baseline::{baseline_lines, icon_of, quarantine_lines};
use super::markdown_layout::{
    self as layout, COMMENT, Limit, MAX_ITEMS, Pointers, STEP_SUMMARY, more_line,
};
use crate::outcome::{CallOutcome, CheckStatus, Outcome, SuiteOutcome, SuiteStatistics, Verdict};

pub(crate) use super::markdown_text::{cell, code, link, paragraph, prose, text};

/// GitHub rejects a step summary above 1 MiB; stay clearly below it.
pub const SUMMARY_LIMIT: usize = STEP_SUMMARY.bytes;

/// Writes the summary file, trimmed to fit a pull-request comment, with no pointers.
pub fn write_markdown(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    write_markdown_with(outcome, &Pointers::default(), out)
}

/// Writes the summary file, trimmed to fit a pull-request comment (the reusable workflow
/// posts it as one).
pub fn write_markdown_with(
    outcome: &Outcome,
    pointers: &Pointers,
    out: &mut dyn Write,
) -> io::Result<()> {
    out.write_all(render_with(outcome, COMMENT, pointers).as_bytes())
}

/// Renders the summary in at most `limit` bytes of the step summary (the head is always
/// kept).
pub fn render(outcome: &Outcome, limit: usize) -> String {
    let limit = Limit {
        bytes: limit,
        ..STEP_SUMMARY
    };
    render_with(outcome, limit, &Pointers::default())
}

/// Renders the summary within `limit` (the head is always kept).
pub fn render_with(outcome: &Outcome, limit: Limit, pointers: &Pointers) -> String {
    let head = head(outcome);
    let mut footer = String::new();
    if let Some(line) = pointers.closing_line() {
        footer.push_str(&format!("\n{line}\n"));
    }
    footer.push_str(&format!(
        "\n<sub>{} {} · exit {} ({}) · {} to {}</sub>\n",
        outcome.tool.name,
        outcome.tool.version,
        outcome.exit_code,
        super::exit_reason(outcome),
        outcome.started_at,
        outcome.finished_at
    ));
    // Suites that did not pass first, in file order; passed ones after them, folded.
    let (passed, others): (Vec<&SuiteOutcome>, Vec<&SuiteOutcome>) = outcome
        .suites
        .iter()
        .partition(|s| s.verdict == Verdict::Passed);
    let body: Vec<String> = others
        .into_iter()
        .flat_map(|suite| suite_lines(suite, pointers))
        .chain(passed.into_iter().flat_map(|suite| folded(suite, pointers)))
        .collect();

    // Room for the footer and the trimming note, so adding them never crosses the limit.
    let reserve = footer.len() + 600;
    let mut text = layout::cut_head(&head, limit.bytes.saturating_sub(reserve), pointers);
    let left_out = layout::fill(&mut text, &body, limit.bytes, reserve);
    if left_out > 0 {
        let everything = match &pointers.html {
            Some(_) => format!(
                "The JSON and JUnit reports have every call, and so does {}.",
                pointers.full_report()
            ),
            None => "The JSON and JUnit reports have every call.".to_owned(),
        };
        text.push_str(&format!(
            "\n> [!NOTE]\n> This summary was trimmed to stay under {}: {left_out} lines were left out. {everything}\n",
            limit.name
        ));
    }
    text.push_str(&footer);
    text
}

/// A passed suite, folded: its verdict and pass-rate bar on the one line that shows.
fn folded(suite: &SuiteOutcome, pointers: &Pointers) -> Vec<String> {
    let bar = layout::pass_rate_bar(suite)
        .map(|b| format!(" · {b}"))
        .unwrap_or_default();
    let mut lines = vec![
        String::new(),
        "<details>".to_owned(),
        format!(
            "<summary>{} <code>{}</code>: {}{bar}</summary>",
            icon(suite.verdict),
            layout::html_text(&suite.name),
            suite.verdict.label()
        ),
    ];
    // The heading and the bar are in the summary line already.
    lines.extend(suite_lines(suite, pointers).into_iter().skip(4));
    lines.push(String::new());
    lines.push("</details>".to_owned());
    lines
}

fn icon(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "✅",
        Verdict::Failed | Verdict::Error | Verdict::Refused => "❌",
        Verdict::TimedOut | Verdict::Interrupted => "⏱️",
        Verdict::NotRun => "⏭️",
        Verdict::Inconclusive => "❔",
    }
}

fn head(outcome: &Outcome) -> String {
    let mut text = format!(
        "## {} hamming-runner: {}\n\n",
        icon(outcome.verdict),
        super::headline(outcome).to_lowercase()
    );
    // The "vs baseline" column only when a baseline was given, so other summaries keep their
    // shape.
    let compared = outcome.suites.iter().any(|s| s.baseline.is_some());
    if compared {
        text.push_str(
            "| suite | verdict | pass rate | vs baseline | assertion score | calls | flaky | run |\n",
        );
        text.push_str("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    } else {
        text.push_str("| suite | verdict | pass rate | assertion score | calls | flaky | run |\n");
        text.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    }
    for suite in &outcome.suites {
        let interval = suite
            .checks
            .iter()
            .find(|c| c.name == "min_test_pass_rate")
            .and_then(|c| c.rate.as_ref());
        let pass_rate = match (suite.pass_rate, interval) {
            // The counts the interval is over (with waves, those when the rate was decided).
            (Some(_), Some(rate)) => {
                format!("{} ({}/{})", rate.display(), rate.successes, rate.trials)
            }
            (Some(r), None) => format!(
                "{:.1}% ({}/{})",
                r * 100.0,
                suite.counts.passed,
                suite.counts.total
            ),
            (None, _) => "–".to_owned(),
        };
        let score = suite
            .assertion_score
            .map(|s| format!("{:.1}%", s * 100.0))
            .unwrap_or_else(|| "–".to_owned());
        let run = match (&suite.run_id, &suite.results_url) {
            (Some(id), Some(url)) => link(&cell(id), url).unwrap_or_else(|| cell(id)),
            (Some(id), None) => cell(id),
            _ => "–".to_owned(),
        };
        let versus = if compared {
            let cell_text = suite.baseline.as_ref().map_or_else(
                || "–".to_owned(),
                |b| format!("{} {}", icon_of(b), cell(&baseline_text::headline(b))),
            );
            format!(" {cell_text} |")
        } else {
            String::new()
        };
        text.push_str(&format!(
            "| {} | {} {} | {pass_rate} |{versus} {score} | {} | {} | {run} |\n",
            code(&suite.name),
            icon(suite.verdict),
            suite.verdict.label(),
            suite.counts.total,
            suite.flaky.len()
        ));
    }
    text
}

fn suite_lines(suite: &SuiteOutcome, pointers: &Pointers) -> Vec<String> {
    let mut lines = vec![
        String::new(),
        format!(
            "### {} {}: {}",
            icon(suite.verdict),
            code(&suite.name),
            suite.verdict.label()
        ),
        String::new(),
    ];
    // A suite with no calls (refused, never created) has no bar to draw.
    if let Some(bar) = layout::pass_rate_bar(suite) {
        lines.push(bar);
        lines.push(String::new());
    }
    lines.push(paragraph(&suite.reason));
    // What changed since the baseline comes first: it is what a reviewer reads.
    if let Some(comparison) = &suite.baseline {
        lines.extend(baseline_lines(comparison, MAX_CASES));
    }
    // Failing calls, new failures first.
    let failing = suite.failing_calls_ranked();
    if !failing.is_empty() {
        lines.push(String::new());
        lines.push(format!("**Calls that did not pass ({})**", failing.len()));
        lines.push(String::new());
        lines.extend(
            failing
                .iter()
                .take(MAX_ITEMS)
                .map(|call| call_line(suite, call)),
        );
        if failing.len() > MAX_ITEMS {
            lines.push(more_line(
                failing.len() - MAX_ITEMS,
                "calls that did not pass",
                pointers,
            ));
        }
    }
    if !suite.checks.is_empty() {
        let rates = suite
            .baseline
            .as_ref()
            .map(|b| b.rates.as_slice())
            .unwrap_or_default();
        lines.push(String::new());
        if rates.is_empty() {
            lines.push("| threshold | expected | measured | result |".to_owned());
            lines.push("| --- | --- | --- | --- |".to_owned());
        } else {
            lines.push("| threshold | expected | measured | vs baseline | result |".to_owned());
            lines.push("| --- | --- | --- | --- | --- |".to_owned());
        }
        for check in &suite.checks {
            let result = match check.status {
                CheckStatus::Passed => "✅ passed".to_owned(),
                CheckStatus::Failed => format!("❌ {}", cell(&check.reason)),
                CheckStatus::Skipped => format!("⏭️ {}", cell(&check.reason)),
                CheckStatus::Inconclusive => format!("❔ {}", cell(&check.reason)),
                CheckStatus::NotEvaluated => "➖ not evaluated".to_owned(),
                CheckStatus::Warning => format!("⚠️ {}", cell(&check.reason)),
            };
            let versus = if rates.is_empty() {
                String::new()
            } else {
                let delta = rates
                    .iter()
                    .find(|r| r.name == check.name && check.test_case_id.is_none())
                    .map_or_else(|| "–".to_owned(), |r| cell(&baseline_text::delta(r)));
                format!(" {delta} |")
            };
            lines.push(format!(
                "| {} | {} | {} |{versus} {result} |",
                code(&check.name),
                cell(&check.expected),
                cell(check.measured.as_deref().unwrap_or("–"))
            ));
        }
    }
    lines.extend(quarantine_lines(suite));
    if suite.shows_numbers() {
        lines.push(String::new());
        lines.push("| number | calls | passed | failed | errored | pending |".to_owned());
        lines.push("| --- | --- | --- | --- | --- | --- |".to_owned());
        for number in &suite.by_number {
            let c = &number.counts;
            lines.push(format!(
                "| {} | {} | {} | {} | {} | {} |",
                cell(number.label()),
                c.total,
                c.passed,
                c.failed,
                c.errored,
                c.pending
            ));
        }
    }
    if let Some(statistics) = &suite.statistics {
        lines.extend(statistics_lines(statistics, pointers));
    }
    if !suite.flaky.is_empty() {
        lines.push(String::new());
        lines.push(format!("**Flaky cases ({})**", suite.flaky.len()));
        lines.push(String::new());
        for case in suite.flaky.iter().take(MAX_ITEMS) {
            let title = case
                .title
                .as_deref()
                .map(|t| format!("{} ", text(t)))
                .unwrap_or_default();
            lines.push(format!(
                "- {title}{}: {} of {} calls passed, {} failed, {} errored",
                code(&format!("[{}]", case.test_case_id)),
                case.passed,
                case.calls,
                case.failed,
                case.errored
            ));
        }
        if suite.flaky.len() > MAX_ITEMS {
            lines.push(more_line(
                suite.flaky.len() - MAX_ITEMS,
                "flaky cases",
                pointers,
            ));
        }
    }
    lines
}

/// How many cases (and waves) the summary lists before pointing at the full reports.
const MAX_CASES: usize = 20;

/// The statistics of a suite: settings, the waves (adaptive samples) and the cases.
fn statistics_lines(statistics: &SuiteStatistics, pointers: &Pointers) -> Vec<String> {
    use super::statistics_text::{case_name, cases_by_rate, pass_k, settings};
    let mut lines = vec![
        String::new(),
        format!("Statistics: {}.", text(&settings(statistics))),
    ];
    if statistics.adaptive.is_some() {
        lines.push(String::new());
        lines.push("| wave | run | cases | samples | calls | verdict after it |".to_owned());
        lines.push("| --- | --- | --- | --- | --- | --- |".to_owned());
        // The last waves, where the verdict was reached; every one is in the JSON report.
        let skipped = statistics.waves.len().saturating_sub(MAX_CASES);
        if skipped > 0 {
            lines.push(format!(
                "| … | {skipped} earlier waves: see {} | | | | |",
                pointers.full_report()
            ));
        }
        for wave in statistics.waves.iter().skip(skipped) {
            let run = match (&wave.run_id, &wave.results_url) {
                (Some(id), Some(url)) => link(&cell(id), url).unwrap_or_else(|| cell(id)),
                (Some(id), None) => cell(id),
                _ => "–".to_owned(),
            };
            lines.push(format!(
                "| {} | {run} | {} | {} | {} | {} {} |",
                wave.wave,
                wave.cases,
                wave.samples,
                wave.calls,
                icon(wave.verdict),
                wave.verdict.label()
            ));
        }
    }
    if !statistics.cases.is_empty() {
        let cases = cases_by_rate(statistics);
        lines.push(String::new());
        lines.push("| case (lowest pass rate first) | passed | pass rate | pass^k |".to_owned());
        lines.push("| --- | --- | --- | --- |".to_owned());
        for case in cases.iter().take(MAX_CASES) {
            let consistency = pass_k(case);
            lines.push(format!(
                "| {} | {}/{} | {} | {} |",
                cell(&case_name(case)),
                case.passed,
                case.calls,
                case.rate.display(),
                if consistency.is_empty() {
                    "–".to_owned()
                } else {
                    consistency
                }
            ));
        }
        if cases.len() > MAX_CASES {
            lines.push(String::new());
            lines.push(more_line(cases.len() - MAX_CASES, "cases", pointers));
        }
    }
    lines
}

fn call_line(suite: &SuiteOutcome, call: &CallOutcome) -> String {
    let number = suite
        .unknown_number_note(call)
        .map(|note| format!(" ({note})"))
        .unwrap_or_default();
    let duration = call
        .duration_seconds
        .map(|d| format!(" ({d:.1}s)"))
        .unwrap_or_default();
    let flaky = if call.flaky { " · flaky" } else { "" };
    let flaky = match &call.quarantined {
        Some(reason) => format!("{flaky} · quarantined ({})", text(reason)),
        None => flaky.to_owned(),
    };
    let reason = call
        .reason
        .as_deref()
        .map(|r| format!(": {}", text(r)))
        .unwrap_or_default();
    let mut links = Vec::new();
    if let Some(url) = &call.transcript_url {
        links.extend(link("transcript", url));
    }
    if let Some(url) = &call.recording_url {
        links.extend(link("recording", url));
    }
    if links.is_empty()
        && let Some(url) = &call.link
    {
        links.extend(link("results", url));
    }
    if call.recording_pending {
        links.push("recording pending".to_owned());
    }
    let links = if links.is_empty() {
        String::new()
    } else {
        format!(" · {}", links.join(" · "))
    };
    format!(
        "- **{}**{number} {}{duration}{flaky}{reason}{links}",
        text(&call.display_name()),
        text(&call.status)
    )
}
