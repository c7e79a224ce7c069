//! How the Markdown summary (and the pull-request comment made from it) is laid out for a
//! reader: a one-line pass-rate bar per suite, passed suites folded into `<details>`, long
//! lists cut with a count and a pointer to the reports that have everything, and a size
//! limit whose cut never leaves a `<details>` open.

use crate::outcome::SuiteOutcome;
use crate::untrusted::one_line;

/// How long the summary may be, and what sets that limit (said when it is trimmed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub bytes: usize,
    pub name: &'static str,
}

/// GitHub rejects a step summary above 1 MiB; stay clearly below it.
pub const STEP_SUMMARY: Limit = Limit {
    bytes: 1024 * 1024 - 16 * 1024,
    name: "GitHub's 1 MiB step-summary limit",
};

/// A pull-request comment holds at most 65,536 characters; the summary file, which the
/// reusable workflow posts as the comment, stays below that with room for its marker line.
pub const COMMENT: Limit = Limit {
    bytes: 60 * 1024,
    name: "the size of a pull-request comment",
};

/// Where the summary sends a reader for what it leaves out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pointers {
    /// The HTML report's file name, when one is written.
    pub html: Option<String>,
    /// The page of the CI run whose artifacts hold the reports (GitHub Actions).
    pub artifacts: Option<String>,
}

impl Pointers {
    /// "the HTML report `report.html` ([in this run's artifacts](…))", or the JSON report.
    pub fn full_report(&self) -> String {
        match &self.html {
            Some(name) => format!(
                "the HTML report {}{}",
                super::markdown::code(name),
                self.where_()
            ),
            None => "the JSON report".to_owned(),
        }
    }

    fn where_(&self) -> String {
        self.artifacts
            .as_deref()
            .and_then(|url| super::markdown::link("in this run's artifacts", url))
            .map(|l| format!(" ({l})"))
            .unwrap_or_default()
    }

    /// The line that closes every summary written beside an HTML report.
    pub fn closing_line(&self) -> Option<String> {
        self.html.as_ref()?;
        Some(format!(
            "📊 {} has every call, the case × sample grid and the charts.",
            capitalised(&self.full_report())
        ))
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// How many items a list shows before it is cut.
pub const MAX_ITEMS: usize = 10;

/// The line that stands for the items a list left out.
pub fn more_line(left_out: usize, what: &str, pointers: &Pointers) -> String {
    format!(
        "- … and {left_out} more {what}: see {}.",
        pointers.full_report()
    )
}

/// The width of the pass-rate bar, in blocks.
const BAR_BLOCKS: usize = 20;

/// `████████████████░░░░`: the share of calls that passed, never shown full unless all
/// passed and never empty unless none did.
fn blocks(share: f64) -> String {
    let share = share.clamp(0.0, 1.0);
    let mut filled = (share * BAR_BLOCKS as f64).floor() as usize;
    if share < 1.0 {
        filled = filled.min(BAR_BLOCKS - 1);
    }
    if share > 0.0 {
        filled = filled.max(1);
    }
    format!("{}{}", "█".repeat(filled), "░".repeat(BAR_BLOCKS - filled))
}

/// The suite's pass-rate bar with its figures: "`████░…` 75.0% passed (15/20) · interval
/// [0.51, 0.91] 95 % · bar 80.0%"; `None` for a suite without calls. Numbers only, so it
/// needs no escaping in Markdown or HTML.
pub fn pass_rate_bar(suite: &SuiteOutcome) -> Option<String> {
    let share = suite.pass_rate?;
    let check = suite.checks.iter().find(|c| c.name == "min_test_pass_rate");
    let mut line = format!(
        "<code>{}</code> {:.1}% passed ({}/{})",
        blocks(share),
        share * 100.0,
        suite.counts.passed,
        suite.counts.total
    );
    if let Some(rate) = check.and_then(|c| c.rate.as_ref()) {
        line.push_str(&format!(
            " · interval {} {}",
            rate.interval_text(),
            crate::outcome::statistics::percent(rate.confidence)
        ));
    }
    let bar = check.and_then(|c| {
        c.rate
            .as_ref()
            .map(|r| r.bar)
            .or_else(|| super::html::stated_bounds(&c.expected).0)
    });
    if let Some(bar) = bar {
        line.push_str(&format!(" · bar {:.1}%", bar * 100.0));
    }
    Some(line)
}

/// Text for an HTML element of the summary (a `<summary>`): one printable line with `&`,
/// `<`, `>` and quotes escaped. Markdown is not read inside such an element.
pub fn html_text(value: &str) -> String {
    let printable = one_line(value);
    let mut out = String::with_capacity(value.len());
    for c in printable
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
    {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The summary's head cut to `budget` bytes: the table keeps the rows that fit and a last row
/// counts the others (only a run of hundreds of suites needs this).
pub fn cut_head(head: &str, budget: usize, pointers: &Pointers) -> String {
    if head.len() <= budget {
        return head.to_owned();
    }
    let lines: Vec<&str> = head.lines().collect();
    let first_row = lines
        .iter()
        .position(|l| l.starts_with("| ---"))
        .map_or(lines.len(), |separator| separator + 1);
    let last = |rows: usize| format!("| … {rows} more suites: see {} |\n", pointers.full_report());
    let room = last(lines.len()).len();
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i >= first_row && text.len() + line.len() + 1 + room > budget {
            let rows = lines[i..].iter().filter(|l| l.starts_with('|')).count();
            text.push_str(&last(rows));
            text.push('\n');
            return text;
        }
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Adds body lines to `text` while they fit in `limit` (keeping `reserve` bytes free), and
/// closes every `<details>` a cut left open. Returns how many lines were left out.
pub fn fill(text: &mut String, body: &[String], limit: usize, reserve: usize) -> usize {
    let mut open = 0usize;
    for (i, line) in body.iter().enumerate() {
        let closing = open * "</details>\n".len();
        if text.len() + line.len() + 1 + reserve + closing > limit {
            for _ in 0..open {
                text.push_str("</details>\n");
            }
            return body.len() - i;
        }
        match line.as_str() {
            "<details>" => open += 1,
            "</details>" => open = open.saturating_sub(1),
            _ => {}
        }
        text.push_str(line);
        text.push('\n');
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_is_full_only_when_every_call_passed() {
        assert_eq!(blocks(1.0), "█".repeat(20));
        assert_eq!(blocks(0.99), format!("{}░", "█".repeat(19)));
        assert_eq!(blocks(0.0), "░".repeat(20));
        assert_eq!(blocks(0.01), format!("█{}", "░".repeat(19)));
        assert_eq!(blocks(0.5), format!("{}{}", "█".repeat(10), "░".repeat(10)));
    }

    #[test]
    fn a_cut_closes_every_open_details() {
        let body: Vec<String> = [
            "<details>",
            "<summary>x</summary>",
            "",
            "a long line",
            "</details>",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut text = String::new();
        let left = fill(&mut text, &body, 50, 0);
        assert_eq!(left, 2);
        assert_eq!(text, "<details>\n<summary>x</summary>\n\n</details>\n");
        let mut whole = String::new();
        assert_eq!(fill(&mut whole, &body, 1000, 0), 0);
        assert!(whole.ends_with("</details>\n"));
    }

    #[test]
    fn html_text_is_escaped_and_on_one_line() {
        assert_eq!(
            html_text("<b>\"x\" & 'y'</b>\nnext"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt; next"
        );
    }
}
