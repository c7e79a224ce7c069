//! The last pass over an outcome before any report sees it: every string is redacted of the
//! secrets the process knows, and every link that is not allowed (see
//! `untrusted::LinkPolicy`) is dropped.
//!
//! The pass walks the outcome as JSON, so a field added later is covered without a change
//! here: every string is redacted, and every field named `link` or ending in `url` is vetted
//! as a link.

use serde_json::Value;

use super::model::{CallOutcome, Outcome};
use super::transcript::Transcript;
use crate::untrusted::{LinkPolicy, Redactor};

/// Why an outcome could not be scrubbed (it then must not be written).
#[derive(Debug, thiserror::Error)]
#[error(
    "internal error: the outcome could not be checked for secrets ({0}); no report was written, so that none could leak one"
)]
pub struct ScrubError(String);

/// What the pass changed, for a note.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Scrubbed {
    /// Strings that held a secret.
    pub redacted: usize,
    /// Links dropped by the link policy.
    pub links_dropped: usize,
}

/// The values the outcome's enums serialize to: never redacted (a secret that happens to be
/// one of these words could not be told apart from the word anyway), so the walk cannot
/// turn an outcome into one that no longer reads back.
const ENUM_WORDS: &[&str] = &[
    "passed",
    "failed",
    "error",
    "timed_out",
    "interrupted",
    "not_run",
    "finished",
    "platform_error",
    "not_started",
    "skipped",
    "inconclusive",
    "warning",
    "held",
    "regressed",
    "not_compared",
    "new_failure",
    "fixed",
    "still_failing",
    "still_passing",
    "new",
    "gone",
    "warn",
    "fail",
    "boschloo",
    "fisher",
];

/// Redacts every string of `outcome` and drops every link `links` does not allow.
pub fn scrub(
    outcome: &mut Outcome,
    redactor: &Redactor,
    links: &LinkPolicy,
) -> Result<Scrubbed, ScrubError> {
    // Transcripts are not serialized, so the walk below would neither see nor keep them:
    // they are taken out, redacted on their own and put back.
    let mut transcripts: Vec<Option<Transcript>> =
        calls(outcome).map(|call| call.transcript.take()).collect();
    let mut scrubbed = Scrubbed::default();
    for text in transcripts
        .iter_mut()
        .flatten()
        .flat_map(Transcript::strings_mut)
    {
        if let std::borrow::Cow::Owned(clean) = redactor.redact(text) {
            *text = clean;
            scrubbed.redacted += 1;
        }
    }
    let walked = walk_outcome(outcome, redactor, links, &mut scrubbed);
    for (call, transcript) in calls(outcome).zip(transcripts) {
        call.transcript = transcript;
    }
    walked.map(|()| scrubbed)
}

fn calls(outcome: &mut Outcome) -> impl Iterator<Item = &mut CallOutcome> {
    outcome.suites.iter_mut().flat_map(|s| s.calls.iter_mut())
}

/// The walk over the serialized outcome; the outcome is replaced only when it changed.
fn walk_outcome(
    outcome: &mut Outcome,
    redactor: &Redactor,
    links: &LinkPolicy,
    scrubbed: &mut Scrubbed,
) -> Result<(), ScrubError> {
    let before = *scrubbed;
    let mut value = serde_json::to_value(&*outcome).map_err(|e| ScrubError(e.to_string()))?;
    walk(&mut value, None, redactor, links, scrubbed);
    if *scrubbed != before {
        *outcome = serde_json::from_value(value).map_err(|e| ScrubError(e.to_string()))?;
    }
    Ok(())
}

fn is_link_field(key: &str) -> bool {
    key == "link" || key.ends_with("url")
}

fn walk(
    value: &mut Value,
    key: Option<&str>,
    redactor: &Redactor,
    links: &LinkPolicy,
    scrubbed: &mut Scrubbed,
) {
    match value {
        Value::String(text) => {
            if key.is_some_and(is_link_field) {
                match links.vet(text) {
                    Some(kept) => *text = kept,
                    None => {
                        *value = Value::Null;
                        scrubbed.links_dropped += 1;
                        return;
                    }
                }
            }
            if ENUM_WORDS.contains(&text.as_str()) {
                return;
            }
            if let std::borrow::Cow::Owned(clean) = redactor.redact(text) {
                *text = clean;
                scrubbed.redacted += 1;
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, key, redactor, links, scrubbed);
            }
        }
        Value::Object(map) => {
            // Keys are names the runner chose, or metric names and case ids from the server;
            // a key that holds a secret is renamed.
            let keys: Vec<String> = map.keys().cloned().collect();
            for name in keys {
                if let std::borrow::Cow::Owned(clean) = redactor.redact(&name)
                    && let Some(moved) = map.shift_remove(&name)
                {
                    map.insert(clean, moved);
                    scrubbed.redacted += 1;
                }
            }
            for (name, item) in map.iter_mut() {
                walk(item, Some(name), redactor, links, scrubbed);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::fixtures;
    use crate::untrusted::HttpLinks;

    const KEY: &str = "sk-test-5e3c1a9b7d2f4e6a8c0b1d3f";

    /// Puts `text` into every string of the outcome, as a hostile server could.
    fn poison(outcome: &Outcome, text: &str) -> Outcome {
        fn each(value: &mut Value, text: &str) {
            match value {
                Value::String(s) if !ENUM_WORDS.contains(&s.as_str()) => {
                    s.push(' ');
                    s.push_str(text);
                }
                Value::Array(items) => items.iter_mut().for_each(|v| each(v, text)),
                Value::Object(map) => map.values_mut().for_each(|v| each(v, text)),
                _ => {}
            }
        }
        let mut value = serde_json::to_value(outcome).unwrap();
        each(&mut value, text);
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn no_string_of_a_scrubbed_outcome_holds_the_key() {
        let redactor = Redactor::new(vec![KEY.into()]);
        let links = LinkPolicy {
            http: HttpLinks::Allowed,
        };
        for fixture in [
            fixtures::gate_failure(),
            fixtures::flaky(),
            fixtures::timeout(),
        ] {
            let mut outcome = poison(&fixture, &format!("echo Bearer {KEY}"));
            let done = scrub(&mut outcome, &redactor, &links).unwrap();
            assert!(done.redacted > 10, "{done:?}");
            let text = serde_json::to_string(&outcome).unwrap();
            assert!(!text.contains(&KEY[8..]), "{text}");
            // A link with the key appended no longer parses as a link, so it is gone.
            assert!(outcome.suites.iter().all(|s| s.results_url.is_none()));
        }
    }

    #[test]
    fn links_outside_the_policy_are_dropped_and_others_kept() {
        let mut outcome = fixtures::gate_failure();
        let call = &mut outcome.suites[0].calls[0];
        call.recording_url = Some("javascript:alert(1)".into());
        call.transcript_url = Some("https://app.hamming.ai/t/1".into());
        let links = LinkPolicy {
            http: HttpLinks::Refused,
        };
        let done = scrub(&mut outcome, &Redactor::default(), &links).unwrap();
        assert!(done.links_dropped >= 1);
        let call = &outcome.suites[0].calls[0];
        assert_eq!(call.recording_url, None);
        assert_eq!(
            call.transcript_url.as_deref(),
            Some("https://app.hamming.ai/t/1")
        );
        assert_eq!(outcome.verdict, fixtures::gate_failure().verdict);
    }

    #[test]
    fn transcripts_are_redacted_and_survive_the_walk() {
        let redactor = Redactor::new(vec![KEY.into()]);
        let mut outcome = fixtures::gate_failure();
        // Something else to redact too, so the walk replaces the outcome.
        outcome.suites[0].reason.push_str(&format!(" {KEY}"));
        outcome.suites[0].calls[1].transcript = Transcript::bounded([
            (Some(format!("user {KEY}")), format!("my key is {KEY}")),
            (None, "fine".to_owned()),
        ]);
        let done = scrub(&mut outcome, &redactor, &LinkPolicy::SAVED).unwrap();
        assert!(done.redacted >= 3, "{done:?}");
        let transcript = outcome.suites[0].calls[1].transcript.as_ref().unwrap();
        assert_eq!(transcript.messages.len(), 2);
        assert!(!transcript.messages[0].text.contains(&KEY[8..]));
        assert!(
            !transcript.messages[0]
                .role
                .as_deref()
                .unwrap()
                .contains(&KEY[8..])
        );
        assert_eq!(transcript.messages[1].text, "fine");
        assert!(!outcome.suites[0].reason.contains(&KEY[8..]));
    }
}
