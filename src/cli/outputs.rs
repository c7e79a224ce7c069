//! Where an outcome goes once judged: the terminal summary, the report files, and under
//! GitHub Actions the annotations, step outputs and step summary. Every file is written
//! atomically, and every one is attempted even when another fails.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::outcome::{Outcome, scrub};
use crate::report::files::{self, ReportFiles};
use crate::report::{atomic, github, setup, terminal};
use crate::untrusted::{LinkPolicy, redact};

use super::output::{Output, error};

/// The report files a command can write: one struct for `run`, `check`, `report` and
/// `merge`, so a new format is added to all of them at once. `-` is stdout for any one of
/// them; the terminal summary then goes to stderr.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Reports")]
pub struct ReportArgs {
    /// Write every report into this directory (report.json, junit.xml, summary.md,
    /// report.html), unless its own flag names another path.
    #[arg(long = "report-dir", value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Write the JSON report (versioned; see schemas/hamming-report.schema.json); `-` for
    /// stdout.
    #[arg(long, value_name = "FILE")]
    pub report_json: Option<PathBuf>,

    /// Write a JUnit XML report (one testcase per call); `-` for stdout.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Write the Markdown summary (also appended to $GITHUB_STEP_SUMMARY under GitHub
    /// Actions); `-` for stdout.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,

    /// Write the HTML report: one self-contained page with the case x sample grid and charts.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

impl ReportArgs {
    /// Fills the report paths `--report-dir` implies, and gives stdout to the report that
    /// asks for it (`-`). Two reports cannot share stdout, and a directory cannot be it.
    pub fn resolve(&mut self) -> Result<(), String> {
        if let Some(dir) = &self.dir {
            if files::is_stdout(dir) {
                return Err(
                    "--report-dir - names no directory; give a directory, or `-` to one report flag (`--junit -`)".into(),
                );
            }
            self.report_json
                .get_or_insert_with(|| dir.join("report.json"));
            self.junit.get_or_insert_with(|| dir.join("junit.xml"));
            self.summary.get_or_insert_with(|| dir.join("summary.md"));
            self.html.get_or_insert_with(|| dir.join("report.html"));
        }
        match self.files().to_stdout().as_slice() {
            [] => {}
            [_] => crate::console::give_stdout_to_a_report(),
            flags => {
                return Err(format!(
                    "{} each ask for stdout (`-`); only one report can go to stdout: give the others a file",
                    flags.join(" and ")
                ));
            }
        }
        Ok(())
    }

    /// `resolve`, printing why not and returning exit code 2.
    pub fn resolve_or_report(&mut self, out: &Output) -> Result<(), u8> {
        self.resolve().map_err(|e| {
            error(out, &e);
            crate::exit::USAGE
        })
    }

    pub fn files(&self) -> ReportFiles {
        ReportFiles {
            json: self.report_json.clone(),
            junit: self.junit.clone(),
            summary: self.summary.clone(),
            html: self.html.clone(),
        }
    }
}

/// `emit_with` for an outcome whose links came from no API this process talked to (merged
/// or re-read reports): `https:` links, and `http:` ones to a loopback host only.
pub fn emit(outcome: &Outcome, reports: &ReportArgs, out: &Output) -> u8 {
    emit_with(outcome, reports, out, LinkPolicy::SAVED)
}

/// Prints the summary and writes every requested report. Returns the exit code, raised to 3
/// when a report could not be written: CI must not read a missing report as a pass.
///
/// Before anything is printed or written, the outcome is scrubbed: every secret the process
/// knows is redacted and every link `links` does not allow is dropped. Printing to a closed
/// or full stdout (the summary, the GitHub annotations) changes nothing; the files and the
/// exit code do not depend on it.
pub fn emit_with(outcome: &Outcome, reports: &ReportArgs, out: &Output, links: LinkPolicy) -> u8 {
    let mut outcome = outcome.clone();
    if let Err(e) = scrub(&mut outcome, &redact::current(), &links) {
        error(out, &e.to_string());
        return crate::exit::worst([outcome.exit_code, crate::exit::PLATFORM]);
    }
    let outcome = &outcome;
    let mut code = outcome.exit_code;
    let on_github = github::detected();
    let printed = print_summary(outcome, out, on_github);
    // A closed stdout (e.g. piped into `head`) must not stop the report files.
    if let Err(e) = printed
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        error(out, &format!("cannot print the summary: {e}"));
    }

    let files = reports.files();
    for failure in files::write_all(outcome, &files) {
        error(out, &failure.to_string());
        code = crate::exit::worst([code, crate::exit::PLATFORM]);
    }
    if on_github {
        // Annotations are log lines: one that cannot be printed is lost, like any log line.
        // The outputs and the step summary are files the workflow reads: those count.
        let mut annotations = Vec::new();
        let _ = github::write_annotations(outcome, &mut annotations);
        let _ = crate::console::workflow_commands(&String::from_utf8_lossy(&annotations));
        if let Err(e) = github::append_files(outcome, &files) {
            error(out, &format!("cannot publish to GitHub Actions: {e}"));
            code = crate::exit::worst([code, crate::exit::PLATFORM]);
        }
    }
    code
}

/// Prints the terminal summary: on stdout, or on stderr when stdout carries a report.
fn print_summary(outcome: &Outcome, out: &Output, on_github: bool) -> std::io::Result<()> {
    let to_stderr = crate::console::stdout_carries_a_report();
    let options = terminal::TerminalOptions {
        color: if to_stderr {
            out.color
        } else {
            out.color_stdout
        },
        github_groups: on_github,
    };
    if to_stderr {
        let mut text = Vec::new();
        terminal::write_terminal_with(outcome, &mut text, options)?;
        crate::console::err_raw(&String::from_utf8_lossy(&text));
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    terminal::write_terminal_with(outcome, &mut stdout, options).and_then(|()| stdout.flush())
}

/// Checks, before any call is placed, that every report file `run` was asked for can be
/// written: its directory exists (or is created) and accepts a new file, and the path is not
/// a directory. A run whose reports would be lost is refused with exit 2 instead.
pub fn preflight(reports: &ReportArgs) -> Result<(), String> {
    let files = reports.files();
    for (what, path) in [
        ("JSON report", &files.json),
        ("JUnit report", &files.junit),
        ("Markdown summary", &files.summary),
        ("HTML report", &files.html),
    ] {
        let Some(path) = path.as_deref().filter(|p| !files::is_stdout(p)) else {
            continue;
        };
        let fail = |e: &dyn std::fmt::Display| {
            format!(
                "cannot write the {what} to {}: {e}; fix the path or its permissions (nothing was run)",
                path.display()
            )
        };
        if path.is_dir() {
            return Err(fail(&"it is a directory"));
        }
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(|e| fail(&e))?;
        atomic::probe_dir(&dir).map_err(|e| fail(&e))?;
    }
    Ok(())
}

/// For a command that stopped before any suite ran: writes the short account of why to the
/// summary file, when one was asked for (a pull-request comment reads it), and under GitHub
/// Actions adds an annotation per problem, the step outputs and the step summary. The errors
/// were already printed in full. Returns the exit code, raised to 3 when the summary file
/// could not be written.
pub fn emit_setup_failure(
    failure: &setup::SetupFailure,
    code: u8,
    summary: Option<&Path>,
    out: &Output,
) -> u8 {
    let on_github = github::detected();
    if failure.is_empty() || (summary.is_none() && !on_github) {
        return code;
    }
    let text = setup::summary_markdown(failure, code);
    let mut result = code;
    let mut written_to = None;
    if let Some(path) = summary {
        let written = if files::is_stdout(path) {
            crate::console::out_raw(&text)
        } else {
            files::create_parent(path)
                .and_then(|()| atomic::write_atomic(path, |w| w.write_all(text.as_bytes())))
        };
        if written.is_ok() && !files::is_stdout(path) {
            written_to = Some(path);
        }
        if let Err(e) = written {
            error(
                out,
                &format!("cannot write the summary to {}: {e}", path.display()),
            );
            result = crate::exit::worst([result, crate::exit::PLATFORM]);
        }
    }
    if on_github {
        let annotations: String = setup::annotations(failure)
            .iter()
            .map(github::Annotation::command)
            .collect();
        let published = crate::console::workflow_commands(&annotations)
            .and_then(|()| {
                let outputs = github::format_outputs(
                    &setup::outputs(code, written_to),
                    github::random_delimiter,
                );
                github::append_to_env_file("GITHUB_OUTPUT", &outputs)
            })
            .and_then(|_| github::append_to_env_file("GITHUB_STEP_SUMMARY", &text));
        if let Err(e) = published {
            error(out, &format!("cannot publish to GitHub Actions: {e}"));
        }
    }
    result
}
