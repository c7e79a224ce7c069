//! Writing the report files a command was asked for, each atomically. Every file is
//! attempted even when an earlier one fails, so one bad path does not cost the others.

use std::io;
use std::path::{Path, PathBuf};

use super::markdown_layout::Pointers;
use super::{atomic, github, html, json, junit, markdown};
use crate::outcome::Outcome;

/// The report files to write; `None` skips a format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFiles {
    /// The JSON report (`--report-json`).
    pub json: Option<PathBuf>,
    /// JUnit XML (`--junit`).
    pub junit: Option<PathBuf>,
    /// The Markdown summary (`--summary`).
    pub summary: Option<PathBuf>,
    /// The HTML report (`--html`).
    pub html: Option<PathBuf>,
}

impl ReportFiles {
    /// Where the Markdown summary sends its readers: the HTML report written beside it, and
    /// under GitHub Actions the run whose artifacts hold it.
    pub fn pointers(&self) -> Pointers {
        Pointers {
            html: self
                .html
                .as_deref()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned()),
            artifacts: github::run_url(),
        }
    }
}

/// A report file that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the {format} report to {}: {source}", path.display())]
pub struct WriteError {
    pub format: &'static str,
    pub path: PathBuf,
    pub source: io::Error,
}

/// Whether a report path means stdout: `-`, as everywhere on the command line.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

impl ReportFiles {
    /// The report that goes to stdout (`-`), if any: `(format, path)`.
    pub fn to_stdout(&self) -> Vec<&'static str> {
        [
            ("--report-json", &self.json),
            ("--junit", &self.junit),
            ("--summary", &self.summary),
        ]
        .into_iter()
        .filter(|(_, path)| path.as_deref().is_some_and(is_stdout))
        .map(|(flag, _)| flag)
        .collect()
    }
}

/// Writes every requested report file (`-` to stdout); returns the failures (empty when all
/// were written).
pub fn write_all(outcome: &Outcome, files: &ReportFiles) -> Vec<WriteError> {
    let pointers = files.pointers();
    let summary = |outcome: &Outcome, out: &mut dyn io::Write| {
        markdown::write_markdown_with(outcome, &pointers, out)
    };
    type Render<'a> = &'a dyn Fn(&Outcome, &mut dyn io::Write) -> io::Result<()>;
    let targets: [(&'static str, &Option<PathBuf>, Render); 4] = [
        ("JSON", &files.json, &json::write_json),
        ("JUnit", &files.junit, &junit::write_junit),
        ("Markdown summary", &files.summary, &summary),
        ("HTML", &files.html, &html::write_html),
    ];
    targets
        .into_iter()
        .filter_map(|(format, path, render)| {
            let path = path.as_ref()?;
            let written = if is_stdout(path) {
                let mut stdout = io::stdout().lock();
                render(outcome, &mut stdout).and_then(|()| io::Write::flush(&mut stdout))
            } else {
                create_parent(path)
                    .and_then(|()| atomic::write_atomic(path, |out| render(outcome, out)))
            };
            written.err().map(|source| WriteError {
                format,
                path: path.clone(),
                source,
            })
        })
        .collect()
}

/// Creates the directory a report goes into, so `--junit reports/junit.xml` works in a fresh
/// checkout.
pub fn create_parent(path: &std::path::Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}
