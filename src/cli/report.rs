//! `hamming-runner report FILE.json…`: re-renders the reports of a saved JSON report, with no
//! network. Each suite's verdict and the exit code are recomputed from what the report
//! records (a hand-edited `exit_code: 0` over a failed suite does not pass), and it exits
//! with that code, so a failing run re-rendered in a later CI step still fails; a file that
//! cannot be read or written exits 2.
//!
//! Given several reports (say, the nightly artifacts), `--html` draws their trend: pass rate
//! and latency per suite over the reports. Everything else (the summary printed, `--junit`,
//! `--summary`, `--report-json`) and the exit code are those of the newest report.

use std::io::Write;
use std::path::PathBuf;

use crate::exit;
use crate::outcome::{Outcome, recheck, scrub};
use crate::report::files::{self, ReportFiles};
use crate::report::json::read_outcome;
use crate::report::terminal::{self, TerminalOptions};
use crate::report::{atomic, html};
use crate::untrusted::{LinkPolicy, redact};

/// Arguments of `report`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// JSON reports written by `run --report-json`; with several, `--html` draws their trend
    /// and the other reports are the newest one's.
    #[arg(value_name = "FILE.json", required = true)]
    pub files: Vec<PathBuf>,
    /// Write JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write the Markdown summary to this file.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Write the JSON report again (in this tool's format) to this file.
    #[arg(long = "report-json", value_name = "FILE")]
    pub report_json: Option<PathBuf>,
    /// Write the HTML report to this file; with several reports, their trend (pass rate and
    /// latency per suite over the reports).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// Runs `report`, printing the summary on stdout; returns the exit code.
pub fn run(args: ReportArgs, global: &super::Global) -> u8 {
    run_to(args, global, &mut std::io::stdout().lock())
}

/// Reads, re-judges and scrubs one saved report.
fn read(path: &std::path::Path) -> Result<Outcome, u8> {
    let mut outcome = read_outcome(path).map_err(|err| {
        crate::console::err(&format!("error: {err}"));
        exit::USAGE
    })?;
    // A saved report is not trusted for its conclusions, nor for what it would print.
    for note in recheck(&mut outcome) {
        crate::console::err(&format!("warning: {}: {note}", path.display()));
    }
    scrub(&mut outcome, &redact::current(), &LinkPolicy::SAVED).map_err(|e| {
        crate::console::err(&format!("error: {e}"));
        exit::PLATFORM
    })?;
    Ok(outcome)
}

/// Runs `report`, printing the summary to `out`.
fn run_to(args: ReportArgs, global: &super::Global, out: &mut dyn Write) -> u8 {
    let mut outcomes = Vec::new();
    for path in &args.files {
        match read(path) {
            Ok(outcome) => outcomes.push((path.clone(), outcome)),
            Err(code) => return code,
        }
    }
    // Oldest first; a start time that does not read sorts first, in the order given.
    outcomes.sort_by_key(|(_, o)| humantime::parse_rfc3339_weak(&o.started_at).ok());
    let trend = outcomes.len() > 1;
    if trend {
        note_several(&outcomes);
    }
    let Some((_, newest)) = outcomes.last() else {
        return exit::USAGE;
    };
    let options = TerminalOptions {
        color: global.color_stdout,
        github_groups: false,
    };
    // A closed stdout (e.g. piped into `head`) must not stop the report files being written.
    let _ = terminal::write_terminal_with(newest, out, options);
    let _ = out.flush();
    let targets = ReportFiles {
        json: args.report_json,
        junit: args.junit,
        summary: args.summary,
        html: if trend { None } else { args.html.clone() },
    };
    let mut failures = files::write_all(newest, &targets);
    if let Some(path) = args.html.filter(|_| trend) {
        let reports: Vec<Outcome> = outcomes.iter().map(|(_, o)| o.clone()).collect();
        if let Err(source) = files::create_parent(&path)
            .and_then(|()| atomic::write_atomic(&path, |w| html::write_trend(&reports, w)))
        {
            failures.push(files::WriteError {
                format: "HTML trend",
                path,
                source,
            });
        }
    }
    for failure in &failures {
        crate::console::err(&format!("error: {failure}"));
    }
    if failures.is_empty() {
        newest.exit_code
    } else {
        exit::USAGE
    }
}

/// Says which report the outputs other than the trend come from, and warns when the reports
/// are of different suite files (their suites are matched by name).
fn note_several(outcomes: &[(PathBuf, Outcome)]) {
    let Some((path, newest)) = outcomes.last() else {
        return;
    };
    crate::console::err(&format!(
        "note: {} reports; the summary, --junit, --summary, --report-json and the exit code are those of the newest, {} (started {})",
        outcomes.len(),
        path.display(),
        newest.started_at
    ));
    let mut files: Vec<&str> = Vec::new();
    for (_, outcome) in outcomes {
        if !files.contains(&outcome.suite_file.as_str()) {
            files.push(&outcome.suite_file);
        }
    }
    if files.len() > 1 {
        crate::console::err(&format!(
            "warning: the reports are of different suite files ({}); the trend matches suites by name",
            files.join(", ")
        ));
    }
    let unread = outcomes
        .iter()
        .filter(|(_, o)| humantime::parse_rfc3339_weak(&o.started_at).is_err())
        .count();
    if unread > 0 {
        crate::console::err(&format!(
            "warning: {unread} report(s) have a start time that is not RFC 3339; they are drawn first"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::fixtures;
    use crate::report::json::write_json;

    fn run_plain(args: ReportArgs) -> u8 {
        let global = crate::cli::Global {
            verbose: 0,
            color: false,
            color_stdout: false,
        };
        run_to(args, &global, &mut Vec::new())
    }

    fn args(file: PathBuf) -> ReportArgs {
        ReportArgs {
            files: vec![file],
            junit: None,
            summary: None,
            report_json: None,
            html: None,
        }
    }

    #[test]
    fn a_saved_failing_report_re_renders_and_still_fails() {
        let dir = tempfile::tempdir().unwrap();
        let saved = dir.path().join("saved.json");
        let mut text = Vec::new();
        write_json(&fixtures::gate_failure(), &mut text).unwrap();
        std::fs::write(&saved, &text).unwrap();
        let junit = dir.path().join("out/junit.xml");
        std::fs::create_dir(dir.path().join("out")).unwrap();
        let summary = dir.path().join("out/summary.md");
        let again = dir.path().join("out/again.json");
        let code = run_plain(ReportArgs {
            junit: Some(junit.clone()),
            summary: Some(summary.clone()),
            report_json: Some(again.clone()),
            ..args(saved)
        });
        assert_eq!(code, exit::GATE_FAILED);
        assert!(std::fs::read_to_string(junit).unwrap().contains("<failure"));
        assert!(
            std::fs::read_to_string(summary)
                .unwrap()
                .contains("gate failed")
        );
        assert_eq!(std::fs::read(again).unwrap(), text);
    }

    #[test]
    fn a_passing_report_exits_zero() {
        let dir = tempfile::tempdir().unwrap();
        let saved = dir.path().join("saved.json");
        let mut text = Vec::new();
        write_json(&fixtures::passing(), &mut text).unwrap();
        std::fs::write(&saved, &text).unwrap();
        assert_eq!(run_plain(args(saved)), exit::SUCCESS);
    }

    #[test]
    fn unreadable_or_foreign_files_exit_2() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            run_plain(args(dir.path().join("missing.json"))),
            exit::USAGE
        );
        let other = dir.path().join("other.json");
        std::fs::write(&other, r#"{"schema_version": 2}"#).unwrap();
        assert_eq!(run_plain(args(other)), exit::USAGE);
    }

    #[test]
    fn an_unwritable_target_exits_2_after_writing_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let saved = dir.path().join("saved.json");
        let mut text = Vec::new();
        write_json(&fixtures::passing(), &mut text).unwrap();
        std::fs::write(&saved, &text).unwrap();
        let summary = dir.path().join("summary.md");
        // A path below a regular file can never be created.
        let code = run_plain(ReportArgs {
            junit: Some(saved.join("junit.xml")),
            summary: Some(summary.clone()),
            ..args(saved)
        });
        assert_eq!(code, exit::USAGE);
        assert!(summary.exists());
    }
}
