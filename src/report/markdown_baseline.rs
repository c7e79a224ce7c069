//! The Markdown summary's account of the comparison with a baseline and of quarantine: what
//! changed since the baseline (new failures first) and which cases gate nothing, and why.

use super::baseline_text;
use super::markdown::{code, paragraph, text};
use crate::outcome::{BaselineStatus, SuiteBaseline, SuiteOutcome};

/// The mark of a comparison: held, regressed or not compared.
pub(super) fn icon_of(comparison: &SuiteBaseline) -> &'static str {
    match comparison.status {
        BaselineStatus::Held => "✅",
        BaselineStatus::Regressed => "📉",
        BaselineStatus::NotCompared => "➖",
    }
}

/// The comparison with the baseline: its headline and why, the cases by change (new
/// failures first, at most `max` of each), and any warning.
pub(super) fn baseline_lines(comparison: &SuiteBaseline, max: usize) -> Vec<String> {
    let mut lines = vec![
        String::new(),
        format!(
            "**vs baseline** {}: {} {}",
            code(&comparison.report),
            icon_of(comparison),
            text(&baseline_text::headline(comparison))
        ),
        String::new(),
        paragraph(&comparison.reason),
    ];
    for (kind, cases) in baseline_text::groups(comparison) {
        lines.push(String::new());
        lines.push(format!("{} ({}):", kind.label(), cases.len()));
        lines.push(String::new());
        for case in cases.iter().take(max) {
            lines.push(format!("- {}", text(&baseline_text::case_line(case))));
        }
        if cases.len() > max {
            lines.push(format!(
                "- … and {} more in the JSON report",
                cases.len() - max
            ));
        }
    }
    let passing = baseline_text::still_passing(comparison);
    if passing > 0 {
        lines.push(String::new());
        lines.push(format!(
            "Still passing: {passing} case{}.",
            if passing == 1 { "" } else { "s" }
        ));
    }
    for warning in &comparison.warnings {
        lines.push(String::new());
        lines.push(format!("> [!WARNING]\n> {}", text(warning)));
    }
    lines
}

/// The suite's quarantined cases, each with until when, why and how its calls went; an
/// expired one marked.
pub(super) fn quarantine_lines(suite: &SuiteOutcome) -> Vec<String> {
    if suite.quarantine.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        String::new(),
        format!("**Quarantined cases ({})**", suite.quarantine.len()),
        String::new(),
    ];
    for case in &suite.quarantine {
        let mark = if case.expired { "⚠️ " } else { "" };
        lines.push(format!(
            "- {mark}{}: {}",
            text(&case.name()),
            text(&case.summary())
        ));
    }
    lines
}
