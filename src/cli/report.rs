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
use crate::report::files;
use crate::report::json::read_outcome;
use crate::report::terminal::{self, TerminalOptions};
use crate::report::{atomic, html};
use crate::untrusted::{LinkPolicy, redact};

use super::output::{Output, error, warning};
use super::outputs::ReportArgs;

/// Arguments of `report`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// JSON reports written by `run --report-json`; with several, `--html` draws their trend
    /// and the other reports are the newest one's.
    #[arg(value_name = "FILE.json", required = true)]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub reports: ReportArgs,
}

/// Runs `report`, printing the summary on stdout (on stderr when a report goes to stdout);
/// returns the exit code.
pub fn run(mut args: Args, global: &Output) -> u8 {
    if let Err(code) = args.reports.resolve_or_report(global) {
        return code;
    }
    if crate::console::stdout_carries_a_report() {
        let mut summary = Vec::new();
        let code = run_to(args, global, &mut summary, global.color);
        crate::console::err_raw(&String::from_utf8_lossy(&summary));
        return code;
    }
    run_to(
        args,
        global,
        &mut std::io::stdout().lock(),
        global.color_stdout,
    )
}

/// Reads, re-judges and scrubs one saved report.
fn read(path: &std::path::Path, global: &Output) -> Result<Outcome, u8> {
    let mut outcome = read_outcome(path).map_err(|err| {
        error(global, &err.to_string());
        exit::USAGE
    })?;
    // A saved report is not trusted for its conclusions, nor for what it would print.
    for note in recheck(&mut outcome) {
        warning(global, &format!("{}: {note}", path.display()));
    }
    scrub(&mut outcome, &redact::current(), &LinkPolicy::SAVED).map_err(|e| {
        error(global, &e.to_string());
        exit::PLATFORM
    })?;
    Ok(outcome)
}

/// Runs `report`, printing the summary to `out`.
fn run_to(args: Args, global: &Output, out: &mut dyn Write, color: bool) -> u8 {
    let mut outcomes = Vec::new();
    for path in &args.files {
        match read(path, global) {
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
        color,
        github_groups: false,
    };
    // A closed stdout (e.g. piped into `head`) must not stop the report files being written.
    let _ = terminal::write_terminal_with(newest, out, options);
    let _ = out.flush();
    // With several reports the HTML page is their trend, written below.
    let mut targets = args.reports.files();
    let trend_page = if trend { targets.html.take() } else { None };
    let mut failures = files::write_all(newest, &targets);
    if let Some(path) = trend_page {
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
        error(global, &failure.to_string());
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

    fn run_plain(args: Args) -> u8 {
        run_to(args, &Output::default(), &mut Vec::new(), false)
    }

    fn args(file: PathBuf) -> Args {
        Args {
            files: vec![file],
            reports: ReportArgs::default(),
        }
    }

    fn to(json: Option<PathBuf>, junit: Option<PathBuf>, summary: Option<PathBuf>) -> ReportArgs {
        ReportArgs {
            dir: None,
            report_json: json,
            junit,
            summary,
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
        let code = run_plain(Args {
            reports: to(
                Some(again.clone()),
                Some(junit.clone()),
                Some(summary.clone()),
            ),
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
        let code = run_plain(Args {
            reports: to(None, Some(saved.join("junit.xml")), Some(summary.clone())),
            ..args(saved)
        });
        assert_eq!(code, exit::USAGE);
        assert!(summary.exists());
    }
}
