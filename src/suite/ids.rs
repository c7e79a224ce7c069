//! Ids in a suite file are single words. An id with a space, a line break or a control
//! character in it (often from a template, or a stray space in a list) would not name the
//! case the author meant, would pass the duplicate check as a case of its own (`case-1` and
//! `case-1 ` are two strings), and would reach Hamming and the reports as written.

use super::model::SuiteSpec;
use super::resolve::Problem;

/// Whether an id has a character no id has.
fn is_spoilt(id: &str) -> bool {
    id.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'))
}

/// Flags the agent id, test case ids and dataset id of a suite (or of `defaults`) that hold
/// spaces or control characters.
pub fn check_ids(
    spec: &SuiteSpec,
    suite: Option<&str>,
    pointer: &str,
    problems: &mut Vec<Problem>,
) {
    let mut report = |at: String, what: &str, id: &str| {
        problems.push(Problem {
            suite: suite.map(str::to_owned),
            pointer: at,
            message: format!(
                "{what} {} has spaces or control characters; ids are single words such as `cmc220l4i00zsgn0gvqkvpvxh`",
                crate::untrusted::excerpt_of(&format!("{id:?}"), 80)
            ),
            hint: Some(
                "remove the spaces around or inside the id; if it comes from a template, check the variable's value".into(),
            ),
        });
    };
    if let Some(id) = &spec.agent_id
        && !id.trim().is_empty()
        && is_spoilt(id)
    {
        report(format!("{pointer}/agent_id"), "`agent_id`", id);
    }
    if let Some(cases) = &spec.test_cases {
        for (i, case) in cases.iter().enumerate() {
            if is_spoilt(&case.id) {
                report(
                    format!("{pointer}/test_cases/{i}/id"),
                    "test case id",
                    &case.id,
                );
            }
        }
    }
    if let Some(dataset) = &spec.dataset
        && is_spoilt(dataset)
    {
        report(format!("{pointer}/dataset"), "`dataset`", dataset);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_single_word_ids_pass() {
        assert!(!is_spoilt("cmc220l4i00zsgn0gvqkvpvxh"));
        assert!(!is_spoilt("case_1-a"));
        for bad in [
            "case-1 ",
            " case-1",
            "case 1",
            "case-1\n",
            "c\u{202e}1",
            "c\u{200b}1",
        ] {
            assert!(is_spoilt(bad), "{bad:?}");
        }
    }
}
