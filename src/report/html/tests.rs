//! The HTML report of every fixture outcome: a page that renders, escapes everything a
//! server or a saved report says, keeps to the link policy, and draws what each outcome
//! has. (Opening the pages in a browser is `tests/html_report.rs`.)

use crate::outcome::{Outcome, Transcript, fixtures};

use super::{CSP, write_html, write_trend};

fn html(outcome: &Outcome) -> String {
    let mut out = Vec::new();
    write_html(outcome, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// How many times `needle` occurs in `haystack`.
fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn every_fixture_renders_a_self_contained_page() {
    for (name, outcome) in fixtures::all() {
        let page = html(&outcome);
        assert!(page.starts_with("<!DOCTYPE html>"), "{name}");
        assert!(
            page.contains(&format!(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
                CSP.replace('\'', "&#x27;")
            )),
            "{name}: no policy"
        );
        assert!(page.contains(&format!("data-exit-code=\"{}\"", outcome.exit_code)));
        for suite in &outcome.suites {
            assert!(
                page.contains(&format!("data-suite=\"{}\"", suite.name)),
                "{name}"
            );
        }
        let lower = page.to_ascii_lowercase();
        for forbidden in [
            "<script", "<img", "<iframe", "<link", " src=", "@import", "url(",
        ] {
            assert!(!lower.contains(forbidden), "{name}: {forbidden}");
        }
        // Every chart is one <svg>, and every <svg> is a chart.
        assert_eq!(
            count(&page, "<figure class=\"chart\""),
            count(&page, "<svg "),
            "{name}"
        );
    }
}

#[test]
fn each_outcome_gets_the_charts_its_data_allows() {
    let charts = |outcome: &Outcome| -> Vec<String> {
        html(outcome)
            .split("data-chart=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap_or_default().to_owned())
            .collect()
    };
    // Calls with latency, and category thresholds: every chart.
    assert_eq!(
        charts(&fixtures::gate_failure()),
        ["pass-rate", "latency", "categories"]
    );
    // No assertion thresholds, but judged assertions: their shares instead.
    let flaky = html(&fixtures::flaky());
    assert!(
        flaky.contains("Assertions: share of evaluations passed"),
        "{flaky}"
    );
    // A run that was never created has nothing to draw.
    let error = fixtures::platform_error();
    assert_eq!(charts(&error), ["pass-rate", "latency"]);
}

#[test]
fn the_grid_marks_flaky_cases_and_links_failing_calls_to_their_entry() {
    let page = html(&fixtures::flaky());
    // The flaky case has a row at each of its two numbers, each marked.
    assert_eq!(count(&page, "<span class=\"marker flaky\""), 2, "{page}");
    assert!(
        page.contains("<a class=\"cell fail\" href=\"#call-1-2\">"),
        "{page}"
    );
    assert!(page.contains("<details id=\"call-1-2\" open>"), "{page}");
    assert_eq!(count(&page, "<span class=\"cell pass\" tabindex=\"0\">"), 3);
    // Two numbers: each case has a row per number.
    assert!(page.contains("<th class=\"case\">number</th>"));
}

/// Puts `text` into every string of an outcome and its transcripts, as a hostile server
/// (or a hand-written saved report) could.
fn hostile(text: &str) -> Outcome {
    fn each(value: &mut serde_json::Value, text: &str) {
        match value {
            serde_json::Value::String(s) if !s.starts_with("http") => s.push_str(text),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| each(v, text)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|v| each(v, text)),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(fixtures::gate_failure()).unwrap();
    let verdicts: Vec<serde_json::Value> = value["suites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["verdict"].clone())
        .collect();
    each(&mut value, text);
    // Keep the enums readable, so the outcome still parses.
    value["verdict"] = "failed".into();
    for (suite, verdict) in value["suites"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip(verdicts)
    {
        suite["verdict"] = verdict;
        suite["end"] = "finished".into();
        for check in suite["checks"].as_array_mut().unwrap() {
            check["status"] = "failed".into();
        }
    }
    let mut outcome: Outcome = serde_json::from_value(value).unwrap();
    let call = &mut outcome.suites[0].calls[1];
    call.transcript = Transcript::bounded([(Some(format!("user{text}")), format!("hi{text}"))]);
    call.recording_url = Some("javascript:alert(1)".into());
    call.transcript_url = Some("https://app.hamming.ai/t/1\" onmouseover=\"alert(1)".into());
    call.link = Some("data:text/html,<script>alert(1)</script>".into());
    outcome
}

#[test]
fn server_text_is_text_and_only_policy_links_are_written() {
    let attack = "<script>alert(1)</script><img src=x onerror=alert(1)>\"'&{{ 7 * 7 }}";
    let page = html(&hostile(attack));
    let lower = page.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{page}");
    assert!(!lower.contains("<img"), "{page}");
    assert!(!lower.contains("javascript:"), "{page}");
    assert!(!lower.contains("data:text"), "{page}");
    assert!(!lower.contains("onmouseover=\""), "{page}");
    // Text is escaped, never evaluated as a template.
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "{page}"
    );
    assert!(page.contains("{{ 7 * 7 }}") && !page.contains(">49<"));
    // The transcript is there, escaped.
    assert!(
        page.contains("<span class=\"text\">hi&lt;script&gt;"),
        "{page}"
    );
}

#[test]
fn long_lists_are_cut_and_counted() {
    let mut outcome = fixtures::gate_failure();
    let suite = &mut outcome.suites[0];
    let template = suite.calls[1].clone();
    for i in 0..300 {
        let mut call = template.clone();
        call.index = i + 2;
        suite.calls.push(call);
    }
    let page = html(&outcome);
    assert_eq!(
        count(&page, "<li class=\"fail\"><details"),
        super::suite::MAX_FAILING
    );
    assert!(page.contains("101 more calls that did not pass are in the JSON and JUnit reports."));
}

#[test]
fn the_trend_draws_each_suite_over_the_reports() {
    let older = fixtures::gate_failure();
    let mut newer = fixtures::gate_failure();
    newer.started_at = "2026-01-02T00:00:00Z".into();
    newer.suites[0].calls[1].status = "PASSED".into();
    newer.suites[0].pass_rate = Some(1.0);
    newer.suites[0].counts.passed = 2;
    let mut out = Vec::new();
    write_trend(&[older, newer], &mut out).unwrap();
    let page = String::from_utf8(out).unwrap();
    assert!(page.contains("data-suite=\"billing\""));
    assert!(page.contains("data-chart=\"trend-pass-rate\""));
    assert!(page.contains("data-chart=\"trend-latency\""));
    assert_eq!(
        count(&page, "<figure class=\"chart\""),
        count(&page, "<svg ")
    );
    assert!(page.contains("2026-01-01 00:00") && page.contains("2026-01-02 00:00"));
    assert!(
        page.contains("50.0% (1&#x2f;2)") && page.contains("100.0% (2&#x2f;2)"),
        "{page}"
    );
    // The bar of the newest report is drawn.
    assert!(page.contains("bar 100.0%"), "{page}");
}

#[test]
fn a_baseline_adds_its_column_and_quarantined_or_newly_failing_cases_are_marked() {
    use crate::outcome::fixtures_compared::{quarantined, regressed};
    let plain = html(&fixtures::gate_failure());
    assert!(!plain.contains("vs baseline"), "no baseline, no column");

    let outcome = regressed();
    let page = html(&outcome);
    assert!(page.contains("vs baseline"), "the column");
    assert!(page.contains("regressed (p = "), "the comparison, in words");
    assert!(
        page.contains("new failure"),
        "a newly failing case is marked"
    );
    every_page_is_self_contained(&page);

    let page = html(&quarantined());
    assert!(page.contains("quarantined"), "a quarantined case is marked");
    assert!(page.contains("TICKET-7"), "with its reason");
    every_page_is_self_contained(&page);
}

fn every_page_is_self_contained(page: &str) {
    let lower = page.to_ascii_lowercase();
    for forbidden in ["<script", "<img", "<iframe", "<link", " src=", "url("] {
        assert!(!lower.contains(forbidden), "{forbidden}");
    }
}
