//! The small pieces every part of the page shares: verdicts and statuses as words, glyphs and
//! CSS classes (colour is never the only signal: each comes with its glyph and its word),
//! vetted links, and numbers written for people.

use std::time::Duration;

use serde::Serialize;

use crate::outcome::{CallOutcome, CheckStatus, SuiteOutcome, Verdict};
use crate::untrusted::LinkPolicy;

/// A verdict as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct VerdictView {
    /// The wire name, also the CSS class: `passed`, `failed`, …
    pub word: &'static str,
    /// For people: "gate failed".
    pub label: &'static str,
    pub glyph: &'static str,
    /// `good`, `bad` or `warn`: the colour family.
    pub tone: &'static str,
}

impl VerdictView {
    pub fn of(verdict: Verdict) -> Self {
        let (glyph, tone) = match verdict {
            Verdict::Passed => ("✓", "good"),
            Verdict::Failed | Verdict::Error | Verdict::Refused => ("✗", "bad"),
            Verdict::TimedOut => ("◷", "warn"),
            Verdict::Interrupted => ("■", "warn"),
            Verdict::NotRun => ("–", "warn"),
            Verdict::Inconclusive => ("?", "warn"),
        };
        Self {
            word: verdict.as_str(),
            label: verdict.label(),
            glyph,
            tone,
        }
    }
}

/// A call's status as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    /// The status as the results give it, e.g. `FAILED`.
    pub label: String,
    pub glyph: &'static str,
    /// `pass`, `fail`, `error`, `pending` or `other`: the CSS class.
    pub class: &'static str,
}

impl StatusView {
    pub fn of(status: &str) -> Self {
        let (glyph, class) = match status {
            "PASSED" => ("✓", "pass"),
            "FAILED" => ("✗", "fail"),
            "ERROR" => ("!", "error"),
            "PENDING" => ("…", "pending"),
            _ => ("?", "other"),
        };
        Self {
            label: status.to_owned(),
            glyph,
            class,
        }
    }

    pub fn of_check(status: CheckStatus) -> Self {
        let (glyph, class) = match status {
            CheckStatus::Passed => ("✓", "pass"),
            CheckStatus::Failed => ("✗", "fail"),
            CheckStatus::Skipped => ("–", "pending"),
            CheckStatus::Inconclusive => ("?", "other"),
            CheckStatus::NotEvaluated => ("–", "pending"),
            CheckStatus::Warning => ("⚠", "other"),
        };
        Self {
            label: status.as_str().to_owned(),
            glyph,
            class,
        }
    }
}

/// A link the page may show.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub label: String,
    pub href: String,
}

/// A link, when `href` passes the link policy every report follows (`https:`, or `http:` to
/// a loopback host). The outcome was vetted before rendering; this keeps the page safe on its
/// own, whatever it is given.
pub fn link(label: impl Into<String>, href: Option<&str>) -> Option<Link> {
    LinkPolicy::SAVED.vet(href?).map(|href| Link {
        label: label.into(),
        href,
    })
}

/// A marker beside a suite or a case: a word with a tone and an explanation on hover.
#[derive(Debug, Clone, Serialize)]
pub struct Marker {
    pub text: String,
    /// The CSS class: `flaky`, `note`, …
    pub class: &'static str,
    pub title: String,
}

/// A share as a percentage with one decimal: `87.5%`.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// Seconds as the suite file writes durations (`1m35s`); a value no run can have (negative,
/// not a number) as a dash.
pub fn elapsed(seconds: f64) -> String {
    match Duration::try_from_secs_f64(seconds.round()) {
        Ok(duration) => crate::suite::duration::format(duration),
        Err(_) => "–".to_owned(),
    }
}

/// A number as the gate writes it (`0.8`, `1.25`).
pub fn num(value: f64) -> String {
    crate::gate::number::num(value)
}

/// Text cut to `max` characters, with an ellipsis when cut.
pub fn short(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// A call's circumstances in a few words: duration, wave, an unknown number, a flaky case.
pub fn call_detail(suite: &SuiteOutcome, call: &CallOutcome) -> Vec<String> {
    let mut detail = Vec::new();
    if let Some(seconds) = call.duration_seconds.filter(|s| s.is_finite()) {
        detail.push(format!("{seconds:.1}s"));
    }
    if let Some(wave) = call.wave {
        detail.push(format!("wave {wave}"));
    }
    if let Some(note) = suite.unknown_number_note(call) {
        detail.push(note.to_owned());
    }
    if call.flaky {
        detail.push("flaky case".to_owned());
    }
    detail
}
