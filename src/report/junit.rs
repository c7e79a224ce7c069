//! JUnit XML, for CI test viewers.
//!
//! One `<testsuite>` per suite and one `<testcase>` per call, named
//! `<case title> [<case id>] <number> #<k>` (without the title when it is unknown), with the
//! suite's name as classname. The number is the one the call's result names (`phoneNumber`,
//! else `toNumber`) and `k` numbers the case's calls at that number (its samples) in the order
//! the API lists them; when the results name no number it is left out, never guessed, and `k`
//! numbers the case's calls across numbers and samples. Each suite also
//! has a `thresholds` testcase that fails with every failed check, so a viewer shows why the
//! gate failed even when every call passed, and errors when the run could not be judged.
//!
//! A call still pending when the suite timed out or was interrupted is an `<error>`, not
//! `<skipped>`: the gate counts it as not passed, and a viewer must not show it as fine.
//! Flaky cases are listed in the suite's `flaky_cases` property and in each of their calls'
//! `<system-out>`.
//!
//! The output validates against the Surefire JUnit 10 XSD; `quick-junit` writes a `skipped`
//! attribute on `<testsuites>` that the XSD does not allow, so it is removed afterwards.
//!
//! Names, messages and properties are one printable line each and multi-line texts are
//! printable line by line (see `untrusted::printable`): a CI viewer shows a server's control
//! characters and bidi overrides as escapes, never obeys them.

use std::io::{self, Write};
use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use crate::outcome::{CallOutcome, CheckStatus, Outcome, SuiteOutcome, Verdict};
use crate::untrusted::{lines, one_line};

/// A value for an attribute or a one-line message.
pub(super) fn line(value: &str) -> String {
    one_line(value).into_owned()
}

/// A text of several lines, each printable.
pub(super) fn text(value: &str) -> String {
    lines(value).into_owned()
}

/// The name of each suite's testcase that carries the threshold checks.
pub const THRESHOLDS_TESTCASE: &str = "thresholds";

/// Writes the JUnit XML report.
pub fn write_junit(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(outcome)?.as_bytes())
}

/// Renders the JUnit XML report as a string.
pub fn render(outcome: &Outcome) -> io::Result<String> {
    let mut report = Report::new("hamming-runner");
    let mut total = Duration::ZERO;
    for suite in &outcome.suites {
        let elapsed = seconds(suite.elapsed_seconds);
        total += elapsed;
        report.add_test_suite(test_suite(suite, elapsed));
    }
    report.set_time(total);
    let xml = report.to_string().map_err(io::Error::other)?;
    Ok(strip_testsuites_skipped(&xml))
}

fn seconds(value: f64) -> Duration {
    Duration::try_from_secs_f64(value).unwrap_or_default()
}

fn test_suite(suite: &SuiteOutcome, elapsed: Duration) -> TestSuite {
    let mut ts = TestSuite::new(line(&suite.name));
    ts.set_time(elapsed);
    ts.add_property(Property::new("verdict", suite.verdict.as_str()));
    ts.add_property(Property::new("agent_id", line(&suite.agent_id)));
    if let Some(id) = &suite.run_id {
        ts.add_property(Property::new("run_id", line(id)));
    }
    if let Some(url) = &suite.results_url {
        ts.add_property(Property::new("results_url", line(url)));
    }
    if let Some(rate) = suite.pass_rate {
        ts.add_property(Property::new("pass_rate", rate.to_string()));
    }
    if let Some(score) = suite.assertion_score {
        ts.add_property(Property::new("assertion_score", score.to_string()));
    }
    if let Some(statistics) = &suite.statistics {
        ts.add_property(Property::new(
            "confidence",
            statistics.confidence.to_string(),
        ));
        ts.add_property(Property::new("margin", statistics.margin.to_string()));
        if let Some(rate) = suite
            .checks
            .iter()
            .find(|c| c.name == "min_test_pass_rate")
            .and_then(|c| c.rate.as_ref())
        {
            ts.add_property(Property::new("pass_rate_interval", rate.display()));
        }
        if statistics.adaptive.is_some() {
            ts.add_property(Property::new("waves", statistics.waves.len().to_string()));
            ts.add_property(Property::new("run_ids", suite.run_ids().join(",")));
            for wave in &statistics.waves {
                ts.add_property(Property::new(
                    format!("wave_{}", wave.wave),
                    format!(
                        "run {}: {} cases x {} samples, {} calls; then {}",
                        wave.run_id.as_deref().unwrap_or("(none)"),
                        wave.cases,
                        wave.samples,
                        wave.calls,
                        wave.verdict.as_str()
                    ),
                ));
            }
        }
    }
    for property in super::junit_baseline::properties(suite) {
        ts.add_property(property);
    }
    if !suite.flaky.is_empty() {
        let ids: Vec<&str> = suite
            .flaky
            .iter()
            .map(|f| f.test_case_id.as_str())
            .collect();
        ts.add_property(Property::new("flaky_cases", line(&ids.join(","))));
    }
    for call in &suite.calls {
        ts.add_test_case(call_case(suite, call));
    }
    ts.add_test_case(thresholds_case(suite));
    ts
}

fn call_case(suite: &SuiteOutcome, call: &CallOutcome) -> TestCase {
    let status = match (call.status.as_str(), &call.quarantined) {
        ("PASSED", _) => TestCaseStatus::success(),
        // A quarantined case gates nothing: a viewer shows its calls as skipped, with what
        // happened and why the case is in quarantine.
        (status, Some(reason)) => super::junit_baseline::quarantined(suite, call, status, reason),
        ("FAILED", None) => non_success(NonSuccessKind::Failure, "FAILED", call, suite),
        (other, None) => non_success(NonSuccessKind::Error, other, call, suite),
    };
    let mut case = TestCase::new(line(&call.display_name()), status);
    case.set_classname(line(&suite.name));
    if let Some(duration) = call.duration_seconds {
        case.set_time(seconds(duration));
    }
    let mut out = Vec::new();
    if call.flaky
        && let Some(flaky) = suite
            .flaky
            .iter()
            .find(|f| f.test_case_id == call.test_case_id)
    {
        out.push(format!(
            "flaky: case [{}] passed {} of {} calls",
            flaky.test_case_id, flaky.passed, flaky.calls
        ));
    }
    if call.passed() {
        if let Some(reason) = &call.quarantined {
            out.push(format!("quarantined: {reason}"));
        }
        out.extend(links(call));
    }
    if !out.is_empty() {
        case.set_system_out(text(&out.join("\n")));
    }
    case
}

fn non_success(
    kind: NonSuccessKind,
    ty: &str,
    call: &CallOutcome,
    suite: &SuiteOutcome,
) -> TestCaseStatus {
    let message = match (call.status.as_str(), suite.verdict) {
        ("PENDING", Verdict::TimedOut) => {
            "the call had not finished when the suite timed out".to_owned()
        }
        ("PENDING", Verdict::Interrupted) => {
            "the call had not finished when the run was interrupted".to_owned()
        }
        _ => call
            .reason
            .clone()
            .unwrap_or_else(|| format!("the call ended {ty}")),
    };
    let lines = details(suite, call);
    let mut status = TestCaseStatus::non_success(kind);
    status.set_message(line(&message)).set_type(line(ty));
    if !lines.is_empty() {
        status.set_description(text(&lines.join("\n")));
    }
    status
}

/// What a call that did not pass shows under its message: each assertion with its reason,
/// the number when it is unknown, and the links.
pub(super) fn details(suite: &SuiteOutcome, call: &CallOutcome) -> Vec<String> {
    let mut lines: Vec<String> = call
        .assertions
        .iter()
        .map(|a| match &a.reason {
            Some(reason) => format!("{} {}: {reason}", a.status, a.name),
            None => format!("{} {}", a.status, a.name),
        })
        .collect();
    lines.extend(suite.unknown_number_note(call).map(str::to_owned));
    lines.extend(links(call));
    lines
}

fn links(call: &CallOutcome) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(url) = &call.transcript_url {
        lines.push(format!("transcript: {url}"));
    }
    if let Some(url) = &call.recording_url {
        lines.push(format!("recording: {url}"));
    }
    if lines.is_empty()
        && let Some(url) = &call.link
    {
        lines.push(format!("results: {url}"));
    }
    if call.recording_pending {
        lines.push("recording: pending".to_owned());
    }
    lines
}

fn thresholds_case(suite: &SuiteOutcome) -> TestCase {
    let all_checks: Vec<String> = suite
        .checks
        .iter()
        .map(|c| {
            format!(
                "{} {}: measured {}, expected {} ({})",
                c.status.as_str(),
                c.name,
                c.measured.as_deref().unwrap_or("nothing"),
                c.expected,
                c.reason
            )
        })
        .collect();
    let mut description = all_checks.join("\n");
    if let Some(url) = &suite.results_url {
        if !description.is_empty() {
            description.push('\n');
        }
        description.push_str(&format!("results: {url}"));
    }
    let status = match suite.verdict {
        Verdict::Passed => TestCaseStatus::success(),
        Verdict::Failed => {
            let failed: Vec<String> = suite
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Failed)
                .map(|c| format!("{}: {}", c.name, c.reason))
                .collect();
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(line(&format!("gate failed: {}", failed.join("; "))))
                .set_type("gate");
            status.set_description(text(&description));
            status
        }
        Verdict::Inconclusive => {
            let open: Vec<String> = suite
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Inconclusive)
                .map(|c| {
                    format!(
                        "{} {}",
                        c.name,
                        c.measured.as_deref().unwrap_or("not measured")
                    )
                })
                .collect();
            // With `on_inconclusive: pass` the gate lets it through: shown as skipped, never
            // as a plain pass.
            let lets_through = suite.exit_code() == crate::exit::SUCCESS;
            let mut status = if lets_through {
                TestCaseStatus::skipped()
            } else {
                TestCaseStatus::non_success(NonSuccessKind::Failure)
            };
            status
                .set_message(format!(
                    "inconclusive: {}{}",
                    open.join("; "),
                    if lets_through {
                        " (on_inconclusive: pass)"
                    } else {
                        ""
                    }
                ))
                .set_type("inconclusive");
            status.set_description(description.clone());
            status
        }
        Verdict::NotRun => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(line(&suite.reason)).set_type("not_run");
            status
        }
        Verdict::Error | Verdict::Refused | Verdict::TimedOut | Verdict::Interrupted => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status
                .set_message(line(&suite.reason))
                .set_type(suite.verdict.as_str());
            if !description.is_empty() {
                status.set_description(text(&description));
            }
            status
        }
    };
    let passed = matches!(status, TestCaseStatus::Success { .. });
    let mut case = TestCase::new(THRESHOLDS_TESTCASE, status);
    case.set_classname(line(&suite.name));
    if passed && !description.is_empty() {
        case.set_system_out(text(&description));
    }
    case
}

/// Removes the `skipped` attribute from the `<testsuites>` start tag, which the JUnit 10 XSD
/// does not allow there (it stays on each `<testsuite>`, where it is allowed).
fn strip_testsuites_skipped(xml: &str) -> String {
    let Some(start) = xml.find("<testsuites") else {
        return xml.to_owned();
    };
    let Some(tag_len) = xml[start..].find('>') else {
        return xml.to_owned();
    };
    let tag = &xml[start..start + tag_len];
    let Some(attr) = tag.find(" skipped=\"") else {
        return xml.to_owned();
    };
    let value_start = attr + " skipped=\"".len();
    let Some(value_len) = tag[value_start..].find('"') else {
        return xml.to_owned();
    };
    let mut cleaned = String::with_capacity(xml.len());
    cleaned.push_str(&xml[..start + attr]);
    cleaned.push_str(&xml[start + value_start + value_len + 1..]);
    cleaned
}

#[cfg(test)]
mod tests {
    use super::strip_testsuites_skipped;

    #[test]
    fn only_the_testsuites_skipped_attribute_is_removed() {
        let xml = r#"<?xml version="1.0"?><testsuites name="x" tests="1" skipped="0" failures="0"><testsuite name="s" skipped="0"/></testsuites>"#;
        assert_eq!(
            strip_testsuites_skipped(xml),
            r#"<?xml version="1.0"?><testsuites name="x" tests="1" failures="0"><testsuite name="s" skipped="0"/></testsuites>"#
        );
    }
}
