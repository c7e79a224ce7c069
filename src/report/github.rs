//! GitHub Actions: workflow commands (`::group::`, `::error file=…,line=…::`,
//! `::add-mask::`), step outputs for `$GITHUB_OUTPUT`, and the step summary for
//! `$GITHUB_STEP_SUMMARY`.
//!
//! Everything that produces text is a pure function; the `append_*` functions only add that
//! text to the file an environment variable names.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::files::ReportFiles;
use super::markdown_layout::{Limit, Pointers, STEP_SUMMARY};
use crate::outcome::{CheckStatus, Outcome, SuiteOutcome, ThresholdCheck, Verdict};
use crate::untrusted::{lines, one_line};

/// Whether the process runs under GitHub Actions.
pub fn detected() -> bool {
    std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true")
}

/// Escapes a workflow command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (`file`, `title`, …).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Opens a collapsible group in the log.
pub fn group(title: &str) -> String {
    format!("::group::{}\n", escape_data(title))
}

/// Closes the innermost group.
pub fn endgroup() -> String {
    "::endgroup::\n".to_owned()
}

/// Asks the runner to mask a secret in all later log lines. Empty values are not masked,
/// since masking an empty string would mean nothing.
pub fn add_mask(secret: &str) -> String {
    if secret.trim().is_empty() {
        String::new()
    } else {
        format!("::add-mask::{}\n", escape_data(secret))
    }
}

/// The severity of an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Notice,
}

/// One annotation: a message pinned to a line of the suite file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub level: Level,
    pub file: String,
    /// 1-based; 0 means the file as a whole. An empty `file` pins the annotation to the job.
    pub line: u32,
    /// 1-based column; 0 means none.
    pub col: u32,
    pub title: String,
    pub message: String,
}

impl Annotation {
    /// The workflow command, one line. Title and message are made printable first (they
    /// carry server text; the message may keep line breaks, which the escaping below turns
    /// into `%0A` inside the command), then escaped as the command syntax requires.
    pub fn command(&self) -> String {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        };
        let mut properties = Vec::new();
        if !self.file.is_empty() {
            properties.push(format!("file={}", escape_property(&one_line(&self.file))));
            if self.line > 0 {
                properties.push(format!("line={}", self.line));
                if self.col > 0 {
                    properties.push(format!("col={}", self.col));
                }
            }
        }
        properties.push(format!("title={}", escape_property(&one_line(&self.title))));
        format!(
            "::{level} {}::{}\n",
            properties.join(","),
            escape_data(&lines(&self.message))
        )
    }
}

/// The annotations of an outcome: one error per failed check (at the line of the test case
/// it concerns, else at the suite's line), one per explicitly listed test case with calls
/// that did not pass (at its entry), one per suite that errored, timed out or was
/// interrupted; a warning per check that warns, per expired quarantine (at its entry) and
/// per flaky case; a notice per suite not compared with the baseline, and a warning about
/// the baseline itself (its age) once.
pub fn annotations(outcome: &Outcome) -> Vec<Annotation> {
    let mut notes = Vec::new();
    for suite in &outcome.suites {
        let at = |case: Option<&str>| {
            case.and_then(|id| suite.source.test_case_lines.get(id).copied())
                .unwrap_or(suite.source.line)
        };
        let mut add = |level, line, title: String, message: String| {
            notes.push(Annotation {
                level,
                file: suite.source.file.clone(),
                line,
                col: 0,
                title,
                message,
            })
        };
        match suite.verdict {
            Verdict::Passed => {}
            Verdict::Failed => {
                for check in suite
                    .checks
                    .iter()
                    .filter(|c| c.status == CheckStatus::Failed)
                {
                    let (title, message) = check_text(suite, check, "failed");
                    add(
                        Level::Error,
                        at(check.test_case_id.as_deref()),
                        title,
                        message,
                    );
                }
                // Each explicitly listed case that failed gets its own annotation on its
                // entry, so the diff view shows which case to look at.
                for (case_id, line) in &suite.source.test_case_lines {
                    if suite.quarantined(case_id).is_some() {
                        continue;
                    }
                    let failing: Vec<_> = suite
                        .calls
                        .iter()
                        .filter(|c| &c.test_case_id == case_id && !c.passed())
                        .collect();
                    let Some(first) = failing.first() else {
                        continue;
                    };
                    let total = suite
                        .calls
                        .iter()
                        .filter(|c| &c.test_case_id == case_id)
                        .count();
                    let title = first.title.as_deref().unwrap_or(case_id);
                    add(
                        Level::Error,
                        *line,
                        format!("suite {}: case {title} did not pass", suite.name),
                        format!(
                            "{} of {total} calls did not pass; {}: {}{}",
                            failing.len(),
                            first.display_name(),
                            first.reason.as_deref().unwrap_or(&first.status),
                            first
                                .link
                                .as_deref()
                                .map(|u| format!(" - {u}"))
                                .unwrap_or_default()
                        ),
                    );
                }
            }
            Verdict::Inconclusive => {
                // An undecided rate blocks the gate unless `on_inconclusive: pass`.
                let level = if suite.exit_code() == crate::exit::SUCCESS {
                    Level::Warning
                } else {
                    Level::Error
                };
                for check in suite
                    .checks
                    .iter()
                    .filter(|c| c.status == CheckStatus::Inconclusive)
                {
                    let (title, message) = check_text(suite, check, "inconclusive");
                    add(level, at(check.test_case_id.as_deref()), title, message);
                }
            }
            Verdict::Error
            | Verdict::Refused
            | Verdict::TimedOut
            | Verdict::Interrupted
            | Verdict::NotRun => add(
                if suite.verdict == Verdict::NotRun {
                    Level::Warning
                } else {
                    Level::Error
                },
                suite.source.line,
                format!("suite {}: {}", suite.name, suite.verdict.label()),
                format!("{}{}", suite.reason, link_suffix(suite)),
            ),
        }
        for (level, line, title, message) in super::github_baseline::suite_notes(suite) {
            add(level, line, title, message);
        }
        for case in &suite.flaky {
            let title = case.title.as_deref().unwrap_or(&case.test_case_id);
            add(
                Level::Warning,
                at(Some(&case.test_case_id)),
                format!("suite {}: flaky case {title}", suite.name),
                format!(
                    "case [{}] passed {} of {} calls ({} failed, {} errored){}",
                    case.test_case_id,
                    case.passed,
                    case.calls,
                    case.failed,
                    case.errored,
                    link_suffix(suite)
                ),
            );
        }
    }
    notes.extend(super::github_baseline::baseline_warnings(outcome));
    notes
}

/// The title and message of an annotation about one check that `what` (failed, …).
pub(super) fn check_text(
    suite: &SuiteOutcome,
    check: &ThresholdCheck,
    what: &str,
) -> (String, String) {
    (
        format!("suite {}: {} {what}", suite.name, check.name),
        format!(
            "{} (measured {}, expected {}){}",
            check.reason,
            check.measured.as_deref().unwrap_or("nothing"),
            check.expected,
            link_suffix(suite)
        ),
    )
}

fn link_suffix(suite: &SuiteOutcome) -> String {
    suite
        .results_url
        .as_deref()
        .map(|u| format!(" - {u}"))
        .unwrap_or_default()
}

/// Writes every annotation as a workflow command.
pub fn write_annotations(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    for note in annotations(outcome) {
        out.write_all(note.command().as_bytes())?;
    }
    Ok(())
}

/// The step outputs, in a fixed order: `verdict`, `passed`, `exit_code`, `test_run_ids`
/// (comma separated), `results_urls` (one per line), per suite `pass_rate_<suite>`,
/// `verdict_<suite>` and `run_id_<suite>`, and the paths of the reports written. Suite names
/// are made safe for output names by turning anything but letters, digits, `_` and `-` into
/// `_`.
pub fn outputs(outcome: &Outcome, paths: &ReportFiles) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("verdict".to_owned(), outcome.verdict.as_str().to_owned()),
        ("passed".to_owned(), outcome.passed().to_string()),
        ("exit_code".to_owned(), outcome.exit_code.to_string()),
        (
            "test_run_ids".to_owned(),
            outcome
                .suites
                .iter()
                .flat_map(SuiteOutcome::run_ids)
                .collect::<Vec<_>>()
                .join(","),
        ),
        (
            "results_urls".to_owned(),
            outcome
                .suites
                .iter()
                .filter_map(|s| s.results_url.as_deref())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    ];
    for suite in &outcome.suites {
        let key = output_key(&suite.name);
        pairs.push((
            format!("pass_rate_{key}"),
            suite.pass_rate.map(|r| r.to_string()).unwrap_or_default(),
        ));
        pairs.push((format!("verdict_{key}"), suite.verdict.as_str().to_owned()));
        pairs.push((
            format!("run_id_{key}"),
            suite.run_id.clone().unwrap_or_default(),
        ));
        if let Some(comparison) = &suite.baseline {
            pairs.push((
                format!("baseline_{key}"),
                comparison.status.as_str().to_owned(),
            ));
        }
    }
    for (name, path) in [
        ("report_json", &paths.json),
        ("report_junit", &paths.junit),
        ("report_summary", &paths.summary),
        ("report_html", &paths.html),
    ] {
        // A report written to stdout (`-`) has no path to hand on.
        if let Some(path) = path.as_deref().filter(|p| !super::files::is_stdout(p)) {
            pairs.push((name.to_owned(), path.display().to_string()));
        }
    }
    pairs
}

/// A suite name made safe for an output name.
pub fn output_key(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Formats outputs in the multi-line-safe `name<<DELIMITER` syntax. `delimiter` is asked
/// for a fresh delimiter until it gets one that appears in no value.
pub fn format_outputs(pairs: &[(String, String)], mut delimiter: impl FnMut() -> String) -> String {
    let mut text = String::new();
    for (name, value) in pairs {
        let mut delim = delimiter();
        while value.contains(&delim) || delim.is_empty() {
            delim = delimiter();
        }
        text.push_str(&format!("{name}<<{delim}\n{value}\n{delim}\n"));
    }
    text
}

/// A random delimiter for `format_outputs`.
pub fn random_delimiter() -> String {
    format!("ghadelimiter_{:016x}", fastrand::u64(..))
}

/// Everything GitHub Actions gets at the end of a run: the annotations (to `out`, normally
/// stdout), the step outputs and the step summary (appended to the files the environment
/// names, when it names them).
pub fn publish(outcome: &Outcome, files: &ReportFiles, out: &mut dyn Write) -> io::Result<()> {
    write_annotations(outcome, out)?;
    out.flush()?;
    append_files(outcome, files)
}

/// The step outputs and the step summary, appended to the files the environment names.
pub fn append_files(outcome: &Outcome, files: &ReportFiles) -> io::Result<()> {
    append_outputs(outcome, files)?;
    append_step_summary(outcome, &files.pointers())?;
    Ok(())
}

/// Appends the outputs to the file `$GITHUB_OUTPUT` names; `Ok(false)` when it is unset.
pub fn append_outputs(outcome: &Outcome, paths: &ReportFiles) -> io::Result<bool> {
    let text = format_outputs(&outputs(outcome, paths), random_delimiter);
    append_to_env_file("GITHUB_OUTPUT", &text)
}

/// Appends the Markdown summary to the file `$GITHUB_STEP_SUMMARY` names, trimmed so the
/// file stays under GitHub's limit; `Ok(false)` when it is unset.
pub fn append_step_summary(outcome: &Outcome, pointers: &Pointers) -> io::Result<bool> {
    let Some(path) = env_path("GITHUB_STEP_SUMMARY") else {
        return Ok(false);
    };
    let existing = std::fs::metadata(&path)
        .map(|m| m.len() as usize)
        .unwrap_or(0);
    let limit = Limit {
        bytes: STEP_SUMMARY.bytes.saturating_sub(existing),
        ..STEP_SUMMARY
    };
    append(
        &path,
        &super::markdown::render_with(outcome, limit, pointers),
    )?;
    Ok(true)
}

/// The page of this workflow run on GitHub, whose artifacts hold the reports it uploads;
/// `None` outside GitHub Actions or when the environment does not name it.
pub fn run_url() -> Option<String> {
    if !detected() {
        return None;
    }
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let url = format!(
        "{}/{}/actions/runs/{}",
        var("GITHUB_SERVER_URL")?.trim_end_matches('/'),
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_RUN_ID")?
    );
    crate::untrusted::LinkPolicy::SAVED.vet(&url)
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Appends `text` to the file the environment variable `var` names; `Ok(false)` when the
/// variable is unset or empty.
pub fn append_to_env_file(var: &str, text: &str) -> io::Result<bool> {
    match env_path(var) {
        Some(path) => append(&path, text).map(|()| true),
        None => Ok(false),
    }
}

/// Appends in one write, so the text of one call is never interleaved with another's.
fn append(path: &Path, text: &str) -> io::Result<()> {
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(text.as_bytes())?;
    file.flush()
}
