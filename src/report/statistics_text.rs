//! The statistics of a suite as plain text, for the terminal: how rates were judged, the
//! waves, and each case's rate with its interval and pass^k (lowest first).

use std::io::{self, Write};

use crate::outcome::statistics::{fixed2, percent};
use crate::outcome::{CaseRate, SuiteStatistics};

/// How many cases the terminal lists before pointing at the reports.
pub const MAX_CASES: usize = 20;
/// How many waves (the last ones) the terminal lists.
pub const MAX_WAVES: usize = 30;

/// One line on how rates were judged, e.g. "confidence 95 %, margin 0.1, Clopper-Pearson
/// intervals, on_inconclusive: fail; adaptive samples 2 to 30 per case and number".
pub fn settings(statistics: &SuiteStatistics) -> String {
    let mut line = format!(
        "confidence {}, margin {}, {} intervals, on_inconclusive: {}",
        percent(statistics.confidence),
        crate::gate::number::num(statistics.margin),
        statistics.interval.label(),
        statistics.on_inconclusive.as_str()
    );
    if let Some(plan) = &statistics.adaptive {
        line.push_str(&format!(
            "; adaptive samples {} to {} per case and number, {} more per wave, decided by Wald's sequential test",
            plan.min,
            plan.max,
            plan.wave_size()
        ));
    }
    line
}

/// The cases, lowest pass rate first.
pub fn cases_by_rate(statistics: &SuiteStatistics) -> Vec<&CaseRate> {
    let mut cases: Vec<&CaseRate> = statistics.cases.iter().collect();
    cases.sort_by(|a, b| a.rate.estimate.total_cmp(&b.rate.estimate));
    cases
}

/// A case's name: `<title> [<id>]`, or `[<id>]`.
pub fn case_name(case: &CaseRate) -> String {
    crate::outcome::case_name(case.title.as_deref(), &case.test_case_id)
}

/// `pass^3 0.51`, or nothing with fewer than two calls.
pub fn pass_k(case: &CaseRate) -> String {
    case.headline_pass_k()
        .map(|p| format!("pass^{} {}", p.k, fixed2(p.value)))
        .unwrap_or_default()
}

pub fn write(statistics: &SuiteStatistics, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "  statistics: {}", settings(statistics))?;
    if statistics.adaptive.is_some() {
        writeln!(out, "  waves:")?;
        let skipped = statistics.waves.len().saturating_sub(MAX_WAVES);
        if skipped > 0 {
            writeln!(out, "    … {skipped} earlier waves; see the JSON report")?;
        }
        for wave in statistics.waves.iter().skip(skipped) {
            writeln!(
                out,
                "    {:>2}  run {}: {} case{} x {} sample{}, {} call{}; then {}",
                wave.wave,
                wave.run_id.as_deref().unwrap_or("(none)"),
                wave.cases,
                plural(wave.cases),
                wave.samples,
                plural(u64::from(wave.samples)),
                wave.calls,
                plural(wave.calls),
                wave.verdict.label()
            )?;
        }
    }
    if statistics.cases.is_empty() {
        return Ok(());
    }
    writeln!(out, "  cases (lowest pass rate first):")?;
    let cases = cases_by_rate(statistics);
    let names: Vec<String> = cases.iter().map(|c| case_name(c)).collect();
    let width = names.iter().map(String::len).max().unwrap_or(0).min(40);
    for (case, name) in cases.iter().zip(&names).take(MAX_CASES) {
        let line = format!(
            "    {name:<width$}  {:>3}/{:<3} passed  {}  {}",
            case.passed,
            case.calls,
            case.rate.display(),
            pass_k(case)
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    if cases.len() > MAX_CASES {
        writeln!(
            out,
            "    … and {} more; see the JSON report",
            cases.len() - MAX_CASES
        )?;
    }
    Ok(())
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
