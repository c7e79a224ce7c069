//! A command that stopped before any suite ran: an invalid suite file, a missing key, a bad
//! flag. The log has the full rustc-style errors; under GitHub Actions each problem also gets
//! an annotation (at the suite file's `line` and `col` when it has a place) and the step
//! summary a short account, so the failure shows on the pull request and in the job's
//! summary, not only in the log.
//!
//! Everything here is pure: the caller appends the text where the environment says.

use crate::load::Diagnostic;

use super::github::{Annotation, Level};

/// What stopped the command, as the user was told it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupFailure {
    /// Problems found in the suite file, with their places.
    pub diagnostics: Vec<Diagnostic>,
    /// Everything else that was reported as an error (a missing key, an unknown suite, …).
    pub messages: Vec<String>,
}

impl SetupFailure {
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty() && self.messages.is_empty()
    }
}

/// Title of the annotations that name no suite-file place.
const TITLE: &str = "hamming-runner: nothing was run";

/// One error annotation per problem: suite-file problems at their `file:line:col`, the rest
/// with no place (GitHub shows those on the job).
pub fn annotations(failure: &SetupFailure) -> Vec<Annotation> {
    let located = failure.diagnostics.iter().map(|d| Annotation {
        level: Level::Error,
        file: d.file.display().to_string(),
        line: d.line,
        col: d.column,
        title: match &d.suite {
            Some(suite) => format!("invalid suite file (suite {suite})"),
            None => "invalid suite file".to_owned(),
        },
        message: with_hint(&d.title(), d.hint.as_deref()),
    });
    let unplaced = failure.messages.iter().map(|m| Annotation {
        level: Level::Error,
        file: String::new(),
        line: 0,
        col: 0,
        title: TITLE.to_owned(),
        message: m.clone(),
    });
    located.chain(unplaced).collect()
}

/// The short step summary: what stopped the run, each problem on one line with its place,
/// and how to reproduce it locally.
pub fn summary_markdown(failure: &SetupFailure, exit_code: u8) -> String {
    let mut text = format!("## ❌ hamming-runner: nothing was run (exit {exit_code})\n\n");
    if let Some(first) = failure.diagnostics.first() {
        let file = first.file.display().to_string();
        let count = match failure.diagnostics.len() {
            1 => "1 error".to_owned(),
            n => format!("{n} errors"),
        };
        text.push_str(&format!("`{}` has {count}:\n\n", code(&file)));
        for d in &failure.diagnostics {
            let place = if d.line == 0 {
                d.file.display().to_string()
            } else {
                format!("{}:{}:{}", d.file.display(), d.line, d.column)
            };
            text.push_str(&format!(
                "- `{}`: {}\n",
                code(&place),
                super::markdown::prose(&with_hint(&d.title(), d.hint.as_deref()))
            ));
        }
        text.push_str(&format!(
            "\n`hamming-runner validate {}` shows the same errors with the offending lines.\n",
            code(&file)
        ));
    }
    if !failure.messages.is_empty() {
        if !failure.diagnostics.is_empty() {
            text.push('\n');
        }
        for message in &failure.messages {
            text.push_str(&format!("- {}\n", super::markdown::prose(message)));
        }
    }
    text
}

/// The step outputs of a command that ran nothing, so later steps can tell it from a pass;
/// `summary` is the summary file written, if any.
pub fn outputs(exit_code: u8, summary: Option<&std::path::Path>) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("verdict".to_owned(), "error".to_owned()),
        ("passed".to_owned(), "false".to_owned()),
        ("exit_code".to_owned(), exit_code.to_string()),
        ("test_run_ids".to_owned(), String::new()),
        ("results_urls".to_owned(), String::new()),
    ];
    if let Some(path) = summary {
        pairs.push(("report_summary".to_owned(), path.display().to_string()));
    }
    pairs
}

fn with_hint(message: &str, hint: Option<&str>) -> String {
    match hint {
        Some(hint) => format!("{message} (help: {hint})"),
        None => message.to_owned(),
    }
}

/// Text safe inside a Markdown code span: no backticks, one line.
fn code(text: &str) -> String {
    super::markdown::text(text).replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Source;

    fn failure() -> SetupFailure {
        let source = Source::new("hamming.yaml", "suites:\n  smoke:\n    treshold:\n".into());
        let mut d = Diagnostic::at(&source, 3, 5, 8, "unknown key `treshold`".into());
        d.suite = Some("smoke".into());
        d.hint = Some("did you mean `thresholds`?".into());
        SetupFailure {
            diagnostics: vec![d],
            messages: vec!["no API key: set HAMMING_API_KEY".into()],
        }
    }

    #[test]
    fn each_problem_is_an_annotation_at_its_line_and_column() {
        let commands: Vec<String> = annotations(&failure())
            .iter()
            .map(Annotation::command)
            .collect();
        assert_eq!(
            commands,
            vec![
                "::error file=hamming.yaml,line=3,col=5,title=invalid suite file (suite smoke)::unknown key `treshold` in suite `smoke` (help: did you mean `thresholds`?)\n",
                "::error title=hamming-runner%3A nothing was run::no API key: set HAMMING_API_KEY\n",
            ]
        );
    }

    #[test]
    fn the_summary_lists_every_problem_with_its_place() {
        let text = summary_markdown(&failure(), 2);
        assert!(
            text.starts_with("## ❌ hamming-runner: nothing was run (exit 2)\n"),
            "{text}"
        );
        assert!(text.contains("`hamming.yaml` has 1 error:"), "{text}");
        assert!(
            text.contains("- `hamming.yaml:3:5`: unknown key `treshold` in suite `smoke` (help: did you mean `thresholds`?)\n"),
            "{text}"
        );
        assert!(
            text.contains("`hamming-runner validate hamming.yaml`"),
            "{text}"
        );
        assert!(
            text.contains("- no API key: set HAMMING_API_KEY\n"),
            "{text}"
        );
    }

    #[test]
    fn a_message_cannot_break_the_summary_layout() {
        let failure = SetupFailure {
            diagnostics: Vec::new(),
            messages: vec!["line one\n## not a heading".into()],
        };
        let text = summary_markdown(&failure, 2);
        assert!(text.contains("- line one ## not a heading\n"), "{text}");
    }

    #[test]
    fn messages_keep_their_code_spans_and_nothing_else_is_read_as_markup() {
        use crate::report::markdown::prose;
        assert_eq!(
            prose("unknown key `<img src=x>` in <b>suite</b> `a`"),
            "unknown key `<img src=x>` in &lt;b>suite&lt;/b> `a`"
        );
        // An unbalanced backtick is escaped like any other text.
        assert_eq!(prose("odd ` one <i>"), "odd \\` one &lt;i>");
        // A span that would break out of its code (a pipe in a table) stays escaped.
        assert_eq!(prose("`a|b`"), "`a\\|b`");
    }
}
