//! A finished run's verdict from its checks, and the one line that says why: used when a
//! suite is judged, and again when a check is added to a judged suite (the comparison with a
//! baseline).

use crate::outcome::{CheckStatus, Counts, EndKind, SuiteOutcome, ThresholdCheck, Verdict};
use crate::suite::OnInconclusive;

use super::number::num;

/// The verdict of a finished run with calls: failed when a check failed, inconclusive when
/// one is undecided (and none failed), else passed; with its reason.
pub(super) fn of_checks(
    checks: &[ThresholdCheck],
    counts: &Counts,
    policy: OnInconclusive,
) -> (Verdict, String) {
    let failed = failed_names(checks);
    let open = undecided(checks);
    let warned = checks
        .iter()
        .filter(|c| c.status == CheckStatus::Warning)
        .count();
    let warnings = match warned {
        0 => String::new(),
        1 => "; 1 check warns".to_owned(),
        n => format!("; {n} checks warn"),
    };
    if failed.is_empty() && !open.is_empty() {
        (
            Verdict::Inconclusive,
            format!(
                "{} of {} threshold check{} inconclusive: {}; no threshold failed ({}); on_inconclusive: {} makes this exit {}{warnings}",
                open.len(),
                checks.len(),
                if checks.len() == 1 { " is" } else { "s are" },
                open.join(", "),
                pass_rate_phrase(counts),
                policy.as_str(),
                match policy {
                    OnInconclusive::Fail => crate::exit::GATE_FAILED,
                    OnInconclusive::Pass => crate::exit::SUCCESS,
                }
            ),
        )
    } else if failed.is_empty() {
        (
            Verdict::Passed,
            format!(
                "every threshold held ({} check{}, {}){warnings}",
                checks.len(),
                if checks.len() == 1 { "" } else { "s" },
                pass_rate_phrase(counts)
            ),
        )
    } else {
        (
            Verdict::Failed,
            format!(
                "{} of {} threshold check{} failed: {}{warnings}",
                checks
                    .iter()
                    .filter(|c| c.status == CheckStatus::Failed)
                    .count(),
                checks.len(),
                if checks.len() == 1 { "" } else { "s" },
                failed.join(", ")
            ),
        )
    }
}

/// Judges a judged suite again from its checks, after a check was added or replaced: only a
/// finished run whose verdict came from its checks (passed, failed or inconclusive) changes.
pub fn rejudge(suite: &mut SuiteOutcome) {
    let from_checks = matches!(
        suite.verdict,
        Verdict::Passed | Verdict::Failed | Verdict::Inconclusive
    );
    if suite.end != EndKind::Finished || !from_checks || suite.counts.total == 0 {
        return;
    }
    let policy = suite
        .statistics
        .as_ref()
        .map(|s| s.on_inconclusive)
        .unwrap_or_default();
    let (verdict, mut reason) = of_checks(&suite.checks, &suite.counts, policy);
    if let Some(note) = super::quarantine::note(&suite.calls) {
        reason.push_str(&format!("; {note}"));
    }
    suite.verdict = verdict;
    suite.reason = reason;
}

/// The names of the checks still undecided, each once.
fn undecided(checks: &[ThresholdCheck]) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for check in checks
        .iter()
        .filter(|c| c.status == CheckStatus::Inconclusive)
    {
        if !names.contains(&check.name.as_str()) {
            names.push(&check.name);
        }
    }
    names
}

fn pass_rate_phrase(counts: &Counts) -> String {
    let rate = counts.passed as f64 / counts.total.max(1) as f64;
    format!(
        "{} of {} calls passed, pass rate {}",
        counts.passed,
        counts.total,
        num(rate)
    )
}

/// The names of the failed checks, each once, in order, with a count where a threshold
/// failed more than once (`min_case_pass_rate` fails per case).
fn failed_names(checks: &[ThresholdCheck]) -> Vec<String> {
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for check in checks.iter().filter(|c| c.status == CheckStatus::Failed) {
        match counted.iter_mut().find(|(name, _)| *name == check.name) {
            Some((_, n)) => *n += 1,
            None => counted.push((&check.name, 1)),
        }
    }
    counted
        .into_iter()
        .map(|(name, n)| match n {
            1 => name.to_owned(),
            n => format!("{name} (×{n})"),
        })
        .collect()
}
