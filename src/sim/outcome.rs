//! What a finished call looks like: its status, the judge's assertion results, its metrics
//! and its transcript, generated from the test case's settings in the workspace.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::ids;
use super::runs::Drawn;
use super::workspace::{Assertion, TestCase, Workspace};

/// Metric values every call reports unless its test case sets them: the names of Hamming's
/// current client model (`latencyP50`, `latencyP90`, `interactivityScore`,
/// `interruptionCount`) beside those of its earlier one.
const DEFAULT_METRICS: &[(&str, f64)] = &[
    ("latencyP50", 1.1),
    ("latencyP90", 1.7),
    ("latencyP95", 2.0),
    ("latencyMax", 2.6),
    ("userInterruptionCount", 0.0),
    ("assistantInterruptionCount", 0.0),
    ("userTalkRatio", 0.42),
    ("assistantTimeToFirstWord", 0.8),
    ("interactivityScore", 0.86),
];

/// The per-call metric that counts every interruption; unless a case sets it, it is the sum
/// of the two older per-speaker counts.
const INTERRUPTION_COUNT: &str = "interruptionCount";

/// Whether a metric is a count, sent as a whole number (`interruptionCount`, …).
pub fn is_count_metric(name: &str) -> bool {
    name.ends_with("Count")
}

/// Default call length in simulated seconds.
pub const DEFAULT_DURATION: f64 = 120.0;

/// One assertion's verdict on one call.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// Assertion id.
    pub id: String,
    /// Assertion name.
    pub name: String,
    /// Category it is scored under.
    pub category: String,
    /// `PASSED`, `FAILED` or `ERROR`.
    pub status: &'static str,
    /// The judge's reason.
    pub reason: Option<String>,
}

/// The id of an assertion: its own or one derived from its name.
pub fn assertion_id(ws: &Workspace, assertion: &Assertion) -> String {
    assertion
        .id
        .clone()
        .unwrap_or_else(|| ids::derive(ws.seed, &["assertion", &assertion.name]))
}

/// The wire status of a call that ended with this outcome.
pub fn call_status(drawn: Drawn) -> &'static str {
    match drawn {
        Drawn::Pass => "PASSED",
        Drawn::Fail => "FAILED",
        Drawn::Error | Drawn::Hang => "ERROR",
    }
}

/// The judge's verdicts on a finished call.
pub fn verdicts(ws: &Workspace, case: &TestCase, drawn: Drawn) -> Vec<Verdict> {
    case.assertions
        .iter()
        .map(|a| {
            let fails = drawn == Drawn::Fail && a.fails_on_failure.unwrap_or(true);
            let (status, reason) = match drawn {
                Drawn::Error | Drawn::Hang => (
                    "ERROR",
                    Some("the call ended in an error before it could be judged".to_owned()),
                ),
                _ if fails => (
                    "FAILED",
                    Some(a.failure_reason.clone().unwrap_or_else(|| {
                        format!("the agent did not satisfy \u{201c}{}\u{201d}", a.name)
                    })),
                ),
                _ => (
                    "PASSED",
                    Some(a.reason.clone().unwrap_or_else(|| {
                        format!("the agent satisfied \u{201c}{}\u{201d}", a.name)
                    })),
                ),
            };
            Verdict {
                id: assertion_id(ws, a),
                name: a.name.clone(),
                category: a.category.clone().unwrap_or_else(|| "General".to_owned()),
                status,
                reason,
            }
        })
        .collect()
}

/// A call's `{ overallScore, categories }`: on a call, `categories` lists the names of the
/// categories its verdicts fall in (Hamming's client model reads strings there), unlike the
/// run summary's category objects.
pub fn call_assertions(verdicts: &[&Verdict]) -> Value {
    if verdicts.is_empty() {
        return json!({ "overallScore": 0, "categories": [] });
    }
    let mut names: Vec<&str> = Vec::new();
    for v in verdicts {
        if !names.contains(&v.category.as_str()) {
            names.push(&v.category);
        }
    }
    let (passed, _, _) = tally(verdicts);
    json!({ "overallScore": score(passed, verdicts.len()), "categories": names })
}

/// `{ overallScore, categories }` over a set of verdicts; score 0 and no categories when
/// there are none, as Hamming reports a run with no assertions configured.
pub fn assertion_scores(verdicts: &[&Verdict]) -> Value {
    if verdicts.is_empty() {
        return json!({ "overallScore": 0, "categories": [] });
    }
    let mut categories: Vec<(String, Vec<&Verdict>)> = Vec::new();
    for v in verdicts {
        match categories.iter_mut().find(|(name, _)| *name == v.category) {
            Some((_, list)) => list.push(v),
            None => categories.push((v.category.clone(), vec![v])),
        }
    }
    let categories: Vec<Value> = categories
        .iter()
        .map(|(name, list)| {
            let (passed, failed, errored) = tally(list);
            let mut seen = HashSet::new();
            let assertion_ids: Vec<&str> = list
                .iter()
                .map(|v| v.id.as_str())
                .filter(|id| seen.insert(*id))
                .collect();
            // The observed keys; an ERROR verdict counts as failed, as it fails the category.
            json!({
                "name": name,
                "score": score(passed, list.len()),
                "status": if passed == list.len() { "passed" } else { "failed" },
                "stats": { "passed": passed, "failed": failed + errored, "skipped": 0, "pending": 0 },
                "assertionIds": assertion_ids,
            })
        })
        .collect();
    let (passed, _, _) = tally(verdicts);
    json!({ "overallScore": score(passed, verdicts.len()), "categories": categories })
}

fn tally(verdicts: &[&Verdict]) -> (usize, usize, usize) {
    let count = |s: &str| verdicts.iter().filter(|v| v.status == s).count();
    (count("PASSED"), count("FAILED"), count("ERROR"))
}

/// A 0–100 score rounded to one decimal.
pub fn score(passed: usize, total: usize) -> f64 {
    if total == 0 {
        return 0.0;
    }
    (passed as f64 * 1000.0 / total as f64).round() / 10.0
}

/// The per-call metrics, all plain numbers: defaults, overridden by the case, plus the
/// call's length; counts are whole numbers.
pub fn metrics(case: &TestCase, duration: f64) -> Map<String, Value> {
    let mut values: Vec<(String, f64)> = DEFAULT_METRICS
        .iter()
        .map(|(name, value)| ((*name).to_owned(), *value))
        .collect();
    values.push(("callDuration".to_owned(), duration));
    for (name, value) in &case.metrics {
        match values.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = *value,
            None => values.push((name.clone(), *value)),
        }
    }
    if !values.iter().any(|(n, _)| n == INTERRUPTION_COUNT) {
        let of = |name: &str| {
            values
                .iter()
                .find(|(n, _)| n == name)
                .map_or(0.0, |(_, v)| *v)
        };
        let total = of("userInterruptionCount") + of("assistantInterruptionCount");
        values.push((INTERRUPTION_COUNT.to_owned(), total));
    }
    values
        .into_iter()
        .map(|(name, value)| {
            let number = if is_count_metric(&name) {
                json!(value.max(0.0).round() as u64)
            } else {
                json!(value)
            };
            (name, number)
        })
        .collect()
}

/// The transcript of a finished call: the case's own, or a short generated exchange.
pub fn transcript(case: &TestCase, drawn: Drawn) -> Value {
    let messages: Vec<Value> = if case.transcript.is_empty() {
        let mut lines = vec![
            (
                "assistant",
                "Thanks for calling, how can I help you today?".to_owned(),
            ),
            (
                "user",
                format!("Hi, I'm calling about this: {}.", case.title),
            ),
        ];
        match drawn {
            Drawn::Pass => lines.push((
                "assistant",
                "Sure, I can take care of that for you.".to_owned(),
            )),
            Drawn::Fail => lines.push((
                "assistant",
                "Sorry, I'm not able to help with that.".to_owned(),
            )),
            Drawn::Error | Drawn::Hang => lines.truncate(1),
        }
        lines
            .into_iter()
            .map(|(role, content)| json!({ "role": role, "content": content }))
            .collect()
    } else {
        case.transcript
            .iter()
            .map(|m| json!({ "role": m.role, "content": m.content }))
            .collect()
    };
    json!({ "messages": messages })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(category: &str, status: &'static str) -> Verdict {
        Verdict {
            id: format!("id-{category}-{status}"),
            name: "n".into(),
            category: category.into(),
            status,
            reason: None,
        }
    }

    #[test]
    fn scores_are_percentages_by_category() {
        let v = [
            verdict("A", "PASSED"),
            verdict("A", "FAILED"),
            verdict("B", "PASSED"),
        ];
        let refs: Vec<&Verdict> = v.iter().collect();
        let scores = assertion_scores(&refs);
        assert_eq!(scores["overallScore"], json!(66.7));
        assert_eq!(scores["categories"][0]["status"], "failed");
        assert_eq!(scores["categories"][0]["score"], json!(50.0));
        assert_eq!(scores["categories"][1]["status"], "passed");
    }

    #[test]
    fn a_call_lists_its_category_names() {
        let v = [
            verdict("A", "PASSED"),
            verdict("B", "FAILED"),
            verdict("A", "PASSED"),
        ];
        let refs: Vec<&Verdict> = v.iter().collect();
        assert_eq!(
            call_assertions(&refs),
            json!({ "overallScore": 66.7, "categories": ["A", "B"] })
        );
    }

    #[test]
    fn counts_are_whole_numbers_and_interruptions_add_up() {
        let case: TestCase = serde_saphyr::from_str(
            "id: c\ntitle: C\nmetrics: { userInterruptionCount: 2, assistantInterruptionCount: 1, latencyP50: 1 }\n",
        )
        .unwrap();
        let m = metrics(&case, 90.0);
        assert_eq!(m["interruptionCount"], json!(3));
        assert_eq!(m["userInterruptionCount"], json!(2));
        assert!(m["interruptionCount"].is_u64());
        assert_eq!(m["latencyP50"], json!(1.0));
        assert_eq!(m["callDuration"], json!(90.0));
    }

    #[test]
    fn no_assertions_means_zero_and_no_categories() {
        assert_eq!(
            assertion_scores(&[]),
            json!({ "overallScore": 0, "categories": [] })
        );
    }
}
