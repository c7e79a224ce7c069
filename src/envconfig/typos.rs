//! Mistyped variable names. The v2 scripts read `os.environ.get(NAME, default)`, so a
//! misspelt `MIN_TEST_PASSRATE=0.5` silently leaves the gate at 1.0; here it is an error.
//!
//! Only names that share a word with a known variable are compared (`MIN`, `TEST`, `TAG`,
//! `HAMMING`, …), so unrelated variables such as `PATH` or `RUNNER_TEMP` are never flagged.

use super::{EnvError, VARIABLES, Vars};
use crate::load::suggest::did_you_mean;

/// Every name in `vars` that looks like a misspelling of a v2 variable, with that variable.
pub fn mistyped(vars: &Vars) -> Vec<EnvError> {
    let known: Vec<&'static str> = VARIABLES.iter().map(|(name, _)| *name).collect();
    vars.0
        .keys()
        .filter(|name| !known.contains(&name.as_str()))
        .filter_map(|name| {
            closest(name, &known).map(|k| EnvError::Mistyped {
                found: name.clone(),
                known: k,
            })
        })
        .collect()
}

/// The known name `name` is most likely a misspelling of, if any. Names written without
/// their underscores (`TAGIDS`) count as sharing a word.
///
/// The runner's one suggester (`load::suggest`) picks the likeliest name; since every
/// variable of the environment is scanned unasked, a name is flagged only when it also
/// shares a word with that name and is within a few edits of it, so that `TIMEOUT` or
/// `TEST_RUN_ID` never are.
pub fn closest(name: &str, known: &[&'static str]) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper.split('_').filter(|w| !w.is_empty()).collect();
    let squashed = upper.replace('_', "");
    let related = known.iter().copied().filter(|k| {
        k.split('_')
            .any(|w| words.iter().any(|x| similar_word(x, w)))
            || strsim::levenshtein(&squashed, &k.replace('_', "")) <= 1
    });
    let best = did_you_mean(&upper, related)?;
    (strsim::levenshtein(&upper, best) <= allowed(best)).then_some(best)
}

/// How many edits a misspelling of `known` may differ by: one for short names, up to three
/// for long ones, and never so many that another real name would match.
fn allowed(known: &str) -> usize {
    (known.len() / 6).clamp(1, 3)
}

/// Words match when equal or one edit apart (`NUMBER`/`NUMBERS`, `INTERVAL`/`INTERVALL`).
fn similar_word(a: &str, b: &str) -> bool {
    a == b || (a.len() >= 3 && b.len() >= 3 && strsim::levenshtein(a, b) <= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flagged(name: &str) -> Option<&'static str> {
        let known: Vec<&'static str> = VARIABLES.iter().map(|(n, _)| *n).collect();
        closest(name, &known)
    }

    #[test]
    fn misspellings_of_known_names_are_caught() {
        for (typo, meant) in [
            ("MIN_TEST_PASSRATE", "MIN_TEST_PASS_RATE"),
            ("MIN_TESTS_PASS_RATE", "MIN_TEST_PASS_RATE"),
            ("TAG_ID", "TAG_IDS"),
            ("TAGIDS", "TAG_IDS"),
            ("HAMMING_API_BASEURL", "HAMMING_API_BASE_URL"),
            ("HAMMING_APIKEY", "HAMMING_API_KEY"),
            ("HAMMING_UI_BASEURL", "HAMMING_UI_BASE_URL"),
            ("TEST_CASE_ID", "TEST_CASE_IDS"),
            ("PHONE_NUMBER", "PHONE_NUMBERS"),
            ("POLL_INTERVAL_SECOND", "POLL_INTERVAL_SECONDS"),
            ("TIMEOUT_SECOND", "TIMEOUT_SECONDS"),
            ("MIN_ASSERTIONS_PASS_RATE", "MIN_ASSERTION_PASS_RATE"),
            ("AGENT_IDS", "AGENT_ID"),
            ("agent_id", "AGENT_ID"),
        ] {
            assert_eq!(flagged(typo), Some(meant), "{typo}");
        }
    }

    #[test]
    fn unrelated_names_are_left_alone() {
        for name in [
            "PATH",
            "HOME",
            "RUNNER_TEMP",
            "HAMMING_AGENT_ID",
            "RUST_TEST_THREADS",
            "GITHUB_RUN_ID",
            "TIMEOUT",
            "CARGO_PKG_NAME",
            "SMOKE_TEST_TAGS",
            "TEST",
            "TAG",
            "AGENT",
            "NEXTEST_TEST_THREADS",
            "MIN_COVERAGE",
            "TEST_RUN_ID",
            "HAMMING_TEST_RUN_ID",
            "INPUT_TAG_IDS",
        ] {
            assert_eq!(flagged(name), None, "{name}");
        }
    }

    #[test]
    fn the_environment_is_scanned_and_known_names_pass() {
        let vars = Vars::from_pairs([
            ("TAG_IDS", "a"),
            ("TAG_ID", "b"),
            ("PATH", "/bin"),
            ("MIN_TEST_PASS_RATE", "1"),
        ]);
        assert_eq!(
            mistyped(&vars),
            vec![EnvError::Mistyped {
                found: "TAG_ID".into(),
                known: "TAG_IDS"
            }]
        );
    }
}
