//! The terminal's account of the comparison with a baseline and of quarantine.

use std::io::{self, Write};

use super::baseline_text;
use super::terminal::Paint;
use crate::outcome::{BaselineStatus, SuiteBaseline, SuiteOutcome};
use crate::untrusted::one_line as t;

/// The comparison with the baseline: the headline and why, then the cases by change (new
/// failures first), and any warning.
pub(super) fn write_baseline(
    comparison: &SuiteBaseline,
    out: &mut dyn Write,
    paint: Paint,
) -> io::Result<()> {
    let headline = baseline_text::headline(comparison);
    let headline = match comparison.status {
        BaselineStatus::Regressed => paint.red(&headline),
        BaselineStatus::Held => paint.green(&headline),
        BaselineStatus::NotCompared => paint.yellow(&headline),
    };
    writeln!(out, "  vs baseline {}: {headline}", t(&comparison.report))?;
    // A regression's reason is already under its failed (or warning) `baseline` check.
    if comparison.status != BaselineStatus::Regressed {
        writeln!(out, "    {}", t(&comparison.reason))?;
    }
    for (kind, cases) in baseline_text::groups(comparison) {
        writeln!(out, "    {} ({}):", kind.label(), cases.len())?;
        for case in cases.iter().take(baseline_text::MAX_CASES) {
            writeln!(out, "      {}", t(&baseline_text::case_line(case)))?;
        }
        if cases.len() > baseline_text::MAX_CASES {
            writeln!(
                out,
                "      … and {} more; see the JSON report",
                cases.len() - baseline_text::MAX_CASES
            )?;
        }
    }
    let passing = baseline_text::still_passing(comparison);
    if passing > 0 {
        writeln!(
            out,
            "    still passing: {passing} case{}",
            if passing == 1 { "" } else { "s" }
        )?;
    }
    for warning in &comparison.warnings {
        writeln!(
            out,
            "    {}",
            paint.yellow(&format!("warning: {}", t(warning)))
        )?;
    }
    Ok(())
}

/// The suite's quarantined cases, one a line; one that failed or whose quarantine expired
/// in yellow.
pub(super) fn write_quarantine(
    suite: &SuiteOutcome,
    out: &mut dyn Write,
    paint: Paint,
) -> io::Result<()> {
    if suite.quarantine.is_empty() {
        return Ok(());
    }
    writeln!(out, "  quarantine:")?;
    for case in &suite.quarantine {
        let line = format!("    {}: {}", t(&case.name()), t(&case.summary()));
        if case.expired || case.passed < case.calls {
            writeln!(out, "{}", paint.yellow(&line))?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}
