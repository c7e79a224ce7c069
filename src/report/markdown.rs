//! The Markdown summary (GitHub's step summary): a table of suites, then per suite its
//! thresholds, the calls that did not pass with the judge's reason and links, and flaky
//! cases. Trimmed to stay under GitHub's 1 MiB step-summary limit, with a note saying so.
//!
//! Every value is escaped so that it renders as the text it is: HTML (`<script>`, `<img>`)
//! and Markdown syntax (links, emphasis, headings, table pipes) from a server or a suite
//! file stay text, and control characters are shown as escapes. Links are written only for
//! `http:` and `https:` addresses (the outcome's links were vetted before rendering).

use std::io::{self, Write};

use super::baseline_text;
use super::markdown_baseline::{baseline_lines, icon_of, quarantine_lines};
use crate::outcome::{CallOutcome, CheckStatus, Outcome, SuiteOutcome, SuiteStatistics, Verdict};
use crate::untrusted::one_line;

/// GitHub rejects a step summary above 1 MiB; stay clearly below it.
pub const SUMMARY_LIMIT: usize = 1024 * 1024 - 16 * 1024;

/// The longest text put in one table cell or list item before it is cut.
const MAX_TEXT: usize = 500;

/// Writes the summary, trimmed to `SUMMARY_LIMIT` bytes.
pub fn write_markdown(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(outcome, SUMMARY_LIMIT).as_bytes())
}

/// Renders the summary in at most `limit` bytes (the head is always kept).
pub fn render(outcome: &Outcome, limit: usize) -> String {
    let head = head(outcome);
    let footer = format!(
        "\n<sub>{} {} · exit {} ({}) · {} to {}</sub>\n",
        outcome.tool.name,
        outcome.tool.version,
        outcome.exit_code,
        super::exit_meaning(outcome.exit_code),
        outcome.started_at,
        outcome.finished_at
    );
    let body: Vec<String> = outcome.suites.iter().flat_map(suite_lines).collect();

    let mut text = head;
    // Room for the footer and the trimming note, so adding them never crosses the limit.
    let reserve = footer.len() + 400;
    let mut left_out = 0usize;
    for (i, line) in body.iter().enumerate() {
        if text.len() + line.len() + 1 + reserve > limit {
            left_out = body.len() - i;
            break;
        }
        text.push_str(line);
        text.push('\n');
    }
    if left_out > 0 {
        text.push_str(&format!(
            "\n> [!NOTE]\n> This summary was trimmed to stay under GitHub's 1 MiB step-summary limit: {left_out} lines were left out. The JSON and JUnit reports have every call.\n"
        ));
    }
    text.push_str(&footer);
    text
}

fn icon(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "✅",
        Verdict::Failed | Verdict::Error => "❌",
        Verdict::TimedOut | Verdict::Interrupted => "⏱️",
        Verdict::NotRun => "⏭️",
        Verdict::Inconclusive => "❔",
    }
}

fn head(outcome: &Outcome) -> String {
    let mut text = format!(
        "## {} hamming-runner: {}\n\n",
        icon(outcome.verdict),
        outcome.verdict.label()
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

fn suite_lines(suite: &SuiteOutcome) -> Vec<String> {
    let mut lines = vec![
        String::new(),
        format!(
            "### {} {}: {}",
            icon(suite.verdict),
            code(&suite.name),
            suite.verdict.label()
        ),
        String::new(),
        paragraph(&suite.reason),
    ];
    // New failures come first: what changed since the baseline is what a reviewer reads.
    if let Some(comparison) = &suite.baseline {
        lines.extend(baseline_lines(comparison, MAX_CASES));
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
        lines.extend(statistics_lines(statistics));
    }
    let failing = suite.failing_calls_ranked();
    if !failing.is_empty() {
        lines.push(String::new());
        lines.push(format!("**Calls that did not pass ({})**", failing.len()));
        lines.push(String::new());
        lines.extend(failing.iter().map(|call| call_line(suite, call)));
    }
    if !suite.flaky.is_empty() {
        lines.push(String::new());
        lines.push(format!("**Flaky cases ({})**", suite.flaky.len()));
        lines.push(String::new());
        for case in &suite.flaky {
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
    }
    lines
}

/// How many cases (and waves) the summary lists before pointing at the JSON report.
const MAX_CASES: usize = 50;

/// The statistics of a suite: settings, the waves (adaptive samples) and the cases.
fn statistics_lines(statistics: &SuiteStatistics) -> Vec<String> {
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
                "| … | {skipped} earlier waves are in the JSON report | | | | |"
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
            lines.push(format!(
                "{} more cases are in the JSON report.",
                cases.len() - MAX_CASES
            ));
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

/// Plain text on one line, cut to `MAX_TEXT` characters: printable, and with every
/// character that HTML or Markdown would read as inline syntax escaped.
pub(crate) fn text(value: &str) -> String {
    escape(&shortened(value), false)
}

/// `text` for the runner's own messages, which mark names as `code`: each balanced pair of
/// backticks becomes an inline code span (its content shown as written, never read as
/// Markdown or HTML), everything between is escaped like `text`.
pub(crate) fn prose(value: &str) -> String {
    let short = shortened(value);
    let parts: Vec<&str> = short.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return escape(&short, false);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                code(part)
            } else {
                escape(part, false)
            }
        })
        .collect()
}

/// `text` for a line of its own, where a leading `#`, `>` or `-` would start a block.
pub(super) fn paragraph(value: &str) -> String {
    escape(&shortened(value), true)
}

fn shortened(value: &str) -> String {
    let printable = one_line(value);
    let one_line = printable.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX_TEXT) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

/// Escapes HTML and Markdown syntax: `<` and `&` (no tag or entity can start), the
/// characters of links, code, emphasis and table cells, and the block markers that only
/// count at the start of a line. An `_` inside a word stays as it is (GitHub reads it as
/// text there), so `min_test_pass_rate` reads as written.
fn escape(value: &str, line_start: bool) -> String {
    let chars: Vec<char> = value.chars().collect();
    let mut out = String::with_capacity(value.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let inside_word = i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        match c {
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '_' if inside_word => out.push(c),
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '>' | '-' | '+' | '=' if i == 0 && line_start => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text safe inside a table cell: `text` escapes every pipe already.
pub(super) fn cell(value: &str) -> String {
    text(value)
}

/// A name as inline code: printable, one line; a value that holds a backtick (which would
/// end the span early) is written as escaped text instead. Pipes are escaped even in code,
/// as GitHub's tables require.
pub(super) fn code(value: &str) -> String {
    let printable = one_line(value);
    let one_line = printable.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() || one_line.contains('`') || one_line.chars().count() > MAX_TEXT {
        return text(value);
    }
    format!("`{}`", one_line.replace('|', "\\|"))
}

/// A Markdown link, for `http:` and `https:` addresses only; characters that would end the
/// link early are percent-encoded.
fn link(label: &str, url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let mut target = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            '(' => target.push_str("%28"),
            ')' => target.push_str("%29"),
            '<' => target.push_str("%3C"),
            '>' => target.push_str("%3E"),
            '|' => target.push_str("%7C"),
            c if c.is_whitespace() || c.is_control() => return None,
            c => target.push(c),
        }
    }
    Some(format!("[{label}]({target})"))
}
