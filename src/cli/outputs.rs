//! Where an outcome goes once judged: the terminal summary, the report files, and under
//! GitHub Actions the annotations, step outputs and step summary. Every file is written
//! atomically, and every one is attempted even when another fails.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::outcome::Outcome;
use crate::report::github::{self, ReportPaths};
use crate::report::{atomic, json, junit, markdown, terminal};

use super::output::{Output, error};

/// The report files a run or a check can write.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReportArgs {
    /// Write every report into this directory (report.json, junit.xml, summary.md), unless
    /// its own flag names another path.
    #[arg(long = "report-dir", value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Write the JSON report (versioned; see schemas/hamming-report.schema.json).
    #[arg(long, value_name = "FILE")]
    pub report_json: Option<PathBuf>,

    /// Write a JUnit XML report (one testcase per call).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Write the Markdown summary (also appended to $GITHUB_STEP_SUMMARY under GitHub Actions).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
}

impl ReportArgs {
    /// Fills the report paths `--report-dir` implies.
    pub fn apply_dir(&mut self) {
        if let Some(dir) = &self.dir {
            self.report_json.get_or_insert_with(|| dir.join("report.json"));
            self.junit.get_or_insert_with(|| dir.join("junit.xml"));
            self.summary.get_or_insert_with(|| dir.join("summary.md"));
        }
    }

    pub fn paths(&self) -> ReportPaths {
        ReportPaths {
            json: self.report_json.clone(),
            junit: self.junit.clone(),
            summary: self.summary.clone(),
        }
    }
}

/// Prints the summary and writes every requested report. Returns the exit code, raised to 3
/// when a report could not be written: CI must not read a missing report as a pass.
pub fn emit(outcome: &Outcome, reports: &ReportArgs, out: &Output) -> u8 {
    let mut code = outcome.exit_code;
    let on_github = github::detected();

    let mut stdout = std::io::stdout().lock();
    let written = terminal::write_terminal_with(
        outcome,
        &mut stdout,
        terminal::TerminalOptions {
            color: out.color_stdout,
        },
    )
    .and_then(|()| {
        if on_github {
            github::write_annotations(outcome, &mut stdout)
        } else {
            Ok(())
        }
    })
    .and_then(|()| stdout.flush());
    drop(stdout);
    if let Err(e) = written {
        // A closed stdout (e.g. piped into `head`) must not stop the report files.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            error(out, &format!("cannot print the summary: {e}"));
        }
    }

    let files: [(&Option<PathBuf>, &str, fn(&Outcome, &mut dyn Write) -> std::io::Result<()>); 3] = [
        (&reports.report_json, "JSON report", json::write_json),
        (&reports.junit, "JUnit report", junit::write_junit),
        (&reports.summary, "Markdown summary", markdown::write_markdown),
    ];
    for (path, what, render) in files {
        if let Some(path) = path {
            if let Err(e) = write_report(path, |w| render(outcome, w)) {
                error(out, &format!("cannot write the {what} to {}: {e}", path.display()));
                code = crate::exit::worst([code, crate::exit::PLATFORM]);
            }
        }
    }

    if on_github {
        if let Err(e) = github::append_outputs(outcome, &reports.paths()) {
            error(out, &format!("cannot append to $GITHUB_OUTPUT: {e}"));
            code = crate::exit::worst([code, crate::exit::PLATFORM]);
        }
        if let Err(e) = github::append_step_summary(outcome) {
            error(out, &format!("cannot append to $GITHUB_STEP_SUMMARY: {e}"));
            code = crate::exit::worst([code, crate::exit::PLATFORM]);
        }
    }
    code
}

/// Writes a report file atomically, creating its directory first.
fn write_report(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    atomic::write_atomic(path, render)
}

/// Writes a JSON value to a file (atomically) or to stdout for `-`.
pub fn write_json_value(path: &Path, value: &serde_json::Value) -> std::io::Result<()> {
    let render = |w: &mut dyn Write| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(std::io::Error::other)?;
        writeln!(w)
    };
    if path.as_os_str() == "-" {
        let mut stdout = std::io::stdout().lock();
        render(&mut stdout)?;
        stdout.flush()
    } else {
        write_report(path, render)
    }
}
