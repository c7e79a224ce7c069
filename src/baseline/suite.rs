//! One suite against the same suite in the baseline: whether they can be compared, the exact
//! test of their pass rates, and the `baseline` check it gives.

use crate::gate::number::num;
use crate::outcome::statistics::percent;
use crate::outcome::{
    BaselineStatus, CaseChangeKind, CheckStatus, EndKind, RegressionTest, SuiteBaseline,
    SuiteOutcome, ThresholdCheck, Verdict, verify,
};
use crate::stats::two_proportion::{self, Method, Sample};
use crate::suite::RegressionPolicy;

use super::CHECK;
use super::cases;
use super::read::{Baseline, BaselineSuite};

/// How many new failures a check's reason names before counting the rest.
const MAX_NAMED: usize = 10;

/// The comparison of one suite with its namesake in the baseline.
pub(super) fn compare(suite: &SuiteOutcome, baseline: &Baseline) -> SuiteBaseline {
    let mut out = SuiteBaseline::not_compared(&baseline.path, String::new());
    out.finished_at.clone_from(&baseline.finished_at);
    let name = &suite.name;
    let judged = suite.end == EndKind::Finished
        && matches!(
            suite.verdict,
            Verdict::Passed | Verdict::Failed | Verdict::Inconclusive
        )
        && suite.counts.total > 0;
    if !judged {
        out.reason = format!(
            "not compared: this run of suite `{name}` was not judged ({}), so there is nothing to compare",
            suite.verdict.label()
        );
        return out;
    }
    let earlier = match baseline.suite(name) {
        None => {
            let names: Vec<&str> = baseline.suites.iter().map(BaselineSuite::name).collect();
            out.reason = format!(
                "not compared: the baseline report has no suite `{name}` ({})",
                if names.is_empty() {
                    "it has no suites".to_owned()
                } else {
                    format!("it has {}", names.join(", "))
                }
            );
            return out;
        }
        Some(BaselineSuite::Unreadable { error, .. }) => {
            out.reason = format!(
                "not compared: the baseline's suite `{name}` does not read as a hamming-runner report ({})",
                crate::untrusted::excerpt_of(error, 200)
            );
            return out;
        }
        Some(BaselineSuite::Read(earlier)) => earlier,
    };
    out.run_id.clone_from(&earlier.run_id);
    out.results_url.clone_from(&earlier.results_url);
    let supported = verify::verdict_of(earlier);
    if !matches!(supported, Verdict::Passed | Verdict::Failed) {
        out.reason = format!(
            "not compared: the baseline's run of suite `{name}` was not judged ({}), so it cannot serve as a baseline",
            supported.label()
        );
        return out;
    }
    if !earlier.agent_id.is_empty()
        && !suite.agent_id.is_empty()
        && earlier.agent_id != suite.agent_id
    {
        out.reason = format!(
            "not compared: the baseline tested agent `{}`, this run agent `{}`",
            earlier.agent_id, suite.agent_id
        );
        return out;
    }
    if let (Some(before), Some(now)) = (&earlier.selection, &suite.selection)
        && before != now
    {
        out.reason = format!(
            "not compared: the baseline's suite selected {before}, this run's selects {now}"
        );
        return out;
    }

    out.cases = cases::changes(suite, earlier);
    let (before, now, shared) = cases::compared(&out.cases);
    out.rates = cases::rates(suite, earlier);
    if before.calls == 0 || now.calls == 0 {
        out.reason = "not compared: no case that gates ran both in the baseline and now".to_owned();
        return out;
    }
    let confidence = suite.confidence();
    let lower = two_proportion::lower(
        Sample::new(before.passed, before.calls),
        Sample::new(now.passed, now.calls),
    );
    let alpha = 1.0 - confidence;
    let regressed = lower.p_value <= alpha;
    out.baseline = Some(before);
    out.now = Some(now);
    out.status = if regressed {
        BaselineStatus::Regressed
    } else {
        BaselineStatus::Held
    };
    out.test = Some(RegressionTest {
        method: lower.method.as_str().to_owned(),
        p_value: lower.p_value,
        confidence,
        policy: suite.regression,
    });
    let test = format!(
        "{}, p = {} {} {}",
        method_name(lower.method),
        p_text(lower.p_value),
        if regressed { "<=" } else { ">" },
        num(alpha)
    );
    let on = format!(
        "on the {shared} case{} both runs have",
        if shared == 1 { "" } else { "s" }
    );
    let mut reason = if regressed {
        format!(
            "the pass rate fell from {} to {} {on}: confidently lower than the baseline's ({test})",
            before.display(),
            now.display()
        )
    } else {
        format!(
            "the pass rate {} is not confidently below the baseline's {} {on} ({test})",
            now.display(),
            before.display()
        )
    };
    if let Some(names) = new_failures(&out) {
        reason.push_str(&format!("; new failures: {names}"));
    }
    if regressed && suite.regression == RegressionPolicy::Warn {
        reason.push_str("; thresholds.regression: warn makes this a warning");
    }
    out.reason = reason;
    out
}

/// The `baseline` check of a compared suite; `None` when it was not compared.
pub(super) fn check(comparison: &SuiteBaseline) -> Option<ThresholdCheck> {
    let test = comparison.test.as_ref()?;
    let (before, now) = (comparison.baseline?, comparison.now?);
    let status = match (comparison.status, test.policy) {
        (BaselineStatus::Regressed, RegressionPolicy::Fail) => CheckStatus::Failed,
        (BaselineStatus::Regressed, RegressionPolicy::Warn) => CheckStatus::Warning,
        _ => CheckStatus::Passed,
    };
    // A regression that one case explains is pinned to that case's entry in the suite file.
    let mut failing = comparison
        .cases_of(CaseChangeKind::NewFailure)
        .filter(|c| !c.quarantined);
    let test_case_id = match (failing.next(), failing.next()) {
        (Some(only), None) if status != CheckStatus::Passed => Some(only.test_case_id.clone()),
        _ => None,
    };
    Some(ThresholdCheck {
        name: CHECK.to_owned(),
        expected: format!(
            "pass rate not confidently below the baseline's (one-sided exact test at {})",
            percent(test.confidence)
        ),
        measured: Some(format!(
            "{} against {}; p = {}",
            now.display(),
            before.display(),
            p_text(test.p_value)
        )),
        status,
        reason: comparison.reason.clone(),
        test_case_id,
        rate: None,
    })
}

/// The new failures (not in quarantine) by name, the first few.
fn new_failures(comparison: &SuiteBaseline) -> Option<String> {
    let names: Vec<String> = comparison
        .cases_of(CaseChangeKind::NewFailure)
        .filter(|c| !c.quarantined)
        .map(|c| c.name())
        .collect();
    if names.is_empty() {
        return None;
    }
    let mut text = names
        .iter()
        .take(MAX_NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > MAX_NAMED {
        text.push_str(&format!(" and {} more", names.len() - MAX_NAMED));
    }
    Some(text)
}

fn method_name(method: Method) -> &'static str {
    match method {
        Method::Boschloo => "Boschloo's exact test",
        Method::Fisher => "Fisher's exact test",
    }
}

/// A p-value to two significant figures: `0.035`, `0.0012`, `3.1e-7`.
pub fn p_text(p: f64) -> String {
    if p >= 0.1 {
        format!("{p:.2}")
    } else if p >= 0.001 {
        let digits = (-p.log10()).floor() as usize + 2;
        format!("{p:.digits$}")
    } else {
        format!("{p:.1e}")
    }
}
