//! The statistical part of `plan` and `validate`: what each rate threshold can decide and
//! what it costs, and the warnings for thresholds unlikely to be decided.

use std::path::Path;

use crate::gate::number::num;
use crate::gate::power::{self, RatePlan, Warning};
use crate::load::positions::{Anchor, child};
use crate::load::{Diagnostic, LoadedFile, Source};
use crate::outcome::statistics::percent;
use crate::suite::ResolvedSuite;

/// The text `plan` prints for a suite with `confidence`: its settings, then per rate
/// threshold the calls and the chance of each verdict at the bar and at `bar − margin`.
pub fn render(suite: &ResolvedSuite, plans: &[RatePlan]) -> String {
    let Some(s) = suite.thresholds.statistics else {
        return String::new();
    };
    let sampling = match suite.adaptive {
        Some(plan) => format!(
            "adaptive samples {} to {} per case and number, {} more per wave",
            plan.min,
            plan.max,
            plan.wave_size()
        ),
        None => format!(
            "{} sample{} per case and number",
            suite.samples,
            if suite.samples == 1 { "" } else { "s" }
        ),
    };
    let mut text = format!(
        "{}: confidence {}, margin {}, {} intervals; {sampling}\n",
        suite.name,
        percent(s.confidence),
        num(s.margin),
        s.interval.label()
    );
    let pct = |p: f64| format!("{:.1} %", p * 100.0);
    for plan in plans {
        let scope = if plan.per_case { " per case" } else { "" };
        text.push_str(&format!(
            "  {} >= {}{scope} ({} call{} per sample):\n",
            plan.name,
            num(plan.bar),
            plan.calls_per_sample,
            if plan.calls_per_sample == 1 { "" } else { "s" }
        ));
        if plan.sequential {
            text.push_str(&format!(
                "    first look at {} call{}{scope}, at most {}\n",
                plan.first_calls,
                if plan.first_calls == 1 { "" } else { "s" },
                plan.at_bar.worst_calls
            ));
        } else {
            let drop = match plan.detectable_drop {
                Some(drop) => format!(
                    "detects a drop to {} ({} below the bar) with 80 % power",
                    num(plan.bar - drop),
                    num(drop)
                ),
                None => "cannot fail at all on this many calls".to_owned(),
            };
            text.push_str(&format!("    {} calls{scope}; {drop}\n", plan.first_calls));
        }
        for (label, at, wrong, wrongly) in [
            ("at the bar", &plan.at_bar, plan.at_bar.fail, "failed"),
            (
                "at bar - margin",
                &plan.at_floor,
                plan.at_floor.pass,
                "passed",
            ),
        ] {
            let average = if plan.sequential {
                format!("{:.0} calls{scope} on average; ", at.expected_calls)
            } else {
                String::new()
            };
            text.push_str(&format!(
                "    agent {label} ({}): {average}decided {} of the time, {wrongly} wrongly {}\n",
                num(at.p),
                pct(at.decided()),
                pct(wrong)
            ));
        }
    }
    text
}

/// The plans and warnings of one suite.
pub fn assess(
    suite: &ResolvedSuite,
    cases: Option<u64>,
    max_calls: Option<u64>,
) -> (Vec<RatePlan>, Vec<Warning>) {
    let plans = power::rates(suite, cases, max_calls);
    let warnings = plans
        .iter()
        .filter_map(|p| power::warning(suite, p))
        .collect();
    (plans, warnings)
}

/// A warning as `plan` prints it.
pub fn render_warning(suite: &ResolvedSuite, warning: &Warning) -> String {
    format!(
        "warning: suite `{}`: {}\n  = help: {}\n",
        suite.name, warning.message, warning.hint
    )
}

/// `validate`'s warnings for a loaded file: each rate threshold unlikely to be decided,
/// located at the suite's `samples` (or the suite). A suite-wide rate is checked only when
/// its cases are listed in the file; tags are resolved online by `plan`.
pub fn file_warnings(loaded: &LoadedFile, path: &Path) -> Vec<Diagnostic> {
    let source = Source::read(path).ok();
    let mut out = Vec::new();
    for suite in &loaded.suites {
        let cases = match &suite.selection {
            crate::suite::Selection::TestCases(cases) => Some(cases.len() as u64),
            _ => None,
        };
        let (_, warnings) = assess(suite, cases, None);
        let pointer = child(&child("/suites", &suite.name), "samples");
        let span = loaded.positions.find(&pointer, Anchor::Key);
        for warning in warnings {
            let (line, column, width) = span.map_or((0, 0, 1), |s| (s.line, s.column, s.width));
            let message = format!("suite `{}`: {}", suite.name, warning.message);
            let mut diagnostic = match &source {
                Some(source) if line > 0 => Diagnostic::at(source, line, column, width, message),
                _ => Diagnostic::whole_file(&path.display().to_string(), message, ""),
            };
            diagnostic.hint = Some(warning.hint);
            diagnostic.suite = Some(suite.name.clone());
            out.push(diagnostic);
        }
    }
    out
}
