//! `validate`: loads each suite file offline and reports every problem, or a one-line summary
//! per file; `--format json` prints the same as one JSON document, for scripts and editors.

use std::path::PathBuf;

use serde::Serialize;

use crate::console;
use crate::exit;
use crate::load::{Diagnostic, LoadedFile, load_file};
use crate::report::github;
use crate::report::setup::{SetupFailure, annotations};

use super::env_config::{self, DotenvArgs};
use super::load_args::LoadArgs;
use super::output::{Format, Output};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Suite files to check (YAML, or TOML with a `.toml` extension).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// How to print the result: lines for people, or JSON for scripts and editors (every
    /// problem with its file, line and column; nothing on stderr).
    #[arg(long, value_enum, default_value_t = Format::Text, help_heading = "Output")]
    pub format: Format,

    #[command(flatten)]
    pub load: LoadArgs,

    #[command(flatten)]
    pub dotenv: DotenvArgs,
}

/// What `validate` found: the model both forms render.
#[derive(Debug, Serialize)]
pub struct Validation {
    pub ok: bool,
    pub files: Vec<ValidatedFile>,
}

#[derive(Debug, Serialize)]
pub struct ValidatedFile {
    pub path: String,
    pub ok: bool,
    /// The suites the file defines, when it is valid.
    pub suites: Vec<ValidatedSuite>,
    /// Every problem, when it is not.
    pub errors: Vec<Problem>,
    /// What will run, but not as meant: rate thresholds unlikely to be decided within the
    /// suite's samples.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Problem>,
}

#[derive(Debug, Serialize)]
pub struct ValidatedSuite {
    pub name: String,
    pub line: u32,
    pub agent_id: String,
    pub phone_numbers: usize,
    /// Samples per case and number; with adaptive samples, the first wave's.
    pub samples: u32,
    /// With adaptive samples: the most samples per case and number the waves may reach.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_samples: Option<u32>,
    /// Tags, test cases or the dataset the suite selects.
    pub selections: usize,
}

#[derive(Debug, Serialize)]
pub struct Problem {
    pub file: String,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: u32,
    /// 1-based, in characters; 0 when unknown.
    pub column: u32,
    pub suite: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

pub fn run(args: Args, out: &Output) -> u8 {
    if let Err(code) = env_config::load_dotenv(&args.dotenv, false, out) {
        return code;
    }
    if args.format == Format::Json {
        // The JSON is all that goes to stdout; annotations go to stderr.
        console::give_stdout_to_a_report();
    }
    let options = args.load.options();
    let mut files = Vec::new();
    for path in &args.files {
        let checked = match load_file(path, &options) {
            Ok(loaded) => {
                // Thresholds unlikely to be decided, and quarantines that have expired, are
                // warnings: the file is valid.
                let expired = super::quarantine::expired(&loaded, &loaded.suites, options.today());
                let warnings: Vec<_> = super::plan_power::file_warnings(&loaded, path)
                    .into_iter()
                    .chain(expired)
                    .collect();
                if args.format == Format::Text {
                    for warning in &warnings {
                        console::err_raw(&warning.render_warning(out.color));
                    }
                }
                let mut file = valid(path, &loaded);
                file.warnings = warnings.iter().map(problem).collect();
                file
            }
            Err(diagnostics) => {
                if args.format == Format::Text {
                    console::err_raw(&diagnostics.render(out.color));
                    super::suites::dotenv_hint(&diagnostics, &args.dotenv, out);
                }
                if github::detected() {
                    // Each error at its line and column in the pull request's diff.
                    let failure = SetupFailure {
                        diagnostics: diagnostics.iter().cloned().collect(),
                        messages: Vec::new(),
                    };
                    for note in annotations(&failure) {
                        let _ = console::workflow_commands(&note.command());
                    }
                }
                invalid(path, diagnostics.iter())
            }
        };
        if args.format == Format::Text && checked.ok {
            print_ok(&checked, out);
        }
        files.push(checked);
    }
    let validation = Validation {
        ok: files.iter().all(|f| f.ok),
        files,
    };
    if args.format == Format::Json {
        let mut text = serde_json::to_string_pretty(&validation).unwrap_or_default();
        text.push('\n');
        let _ = console::out_raw(&text);
    }
    if validation.ok {
        exit::SUCCESS
    } else {
        exit::USAGE
    }
}

fn valid(path: &std::path::Path, loaded: &LoadedFile) -> ValidatedFile {
    ValidatedFile {
        path: path.display().to_string(),
        ok: true,
        suites: loaded
            .suites
            .iter()
            .map(|suite| ValidatedSuite {
                name: suite.name.clone(),
                line: suite.source.line,
                agent_id: suite.agent_id.clone(),
                phone_numbers: suite.phone_numbers.len(),
                samples: suite.samples,
                max_samples: suite.adaptive.map(|plan| plan.max),
                selections: suite.selection.count(),
            })
            .collect(),
        errors: Vec::new(),
        warnings: Vec::new(),
    }
}

fn invalid<'a>(
    path: &std::path::Path,
    diagnostics: impl Iterator<Item = &'a Diagnostic>,
) -> ValidatedFile {
    ValidatedFile {
        path: path.display().to_string(),
        ok: false,
        suites: Vec::new(),
        errors: diagnostics.map(problem).collect(),
        warnings: Vec::new(),
    }
}

fn problem(d: &Diagnostic) -> Problem {
    Problem {
        file: d.file.display().to_string(),
        line: d.line,
        column: d.column,
        suite: d.suite.clone(),
        message: d.title(),
        help: d.hint.clone(),
    }
}

/// `ok: FILE: N suites, M test selections` (unless `-q`), and with `-v` a line per suite.
fn print_ok(file: &ValidatedFile, out: &Output) {
    if out.quiet {
        return;
    }
    let suites = file.suites.len();
    let selections: usize = file.suites.iter().map(|s| s.selections).sum();
    let _ = console::out(&format!(
        "ok: {}: {suites} suite{}, {selections} test selection{}",
        file.path,
        plural(suites),
        plural(selections)
    ));
    if out.verbose > 0 {
        for suite in &file.suites {
            let _ = console::out(&format!(
                "  {} (line {}): {} phone number{}, {} sample{} per case",
                suite.name,
                suite.line,
                suite.phone_numbers,
                plural(suite.phone_numbers),
                match suite.max_samples {
                    Some(max) => format!("{} to {max}", suite.samples),
                    None => suite.samples.to_string(),
                },
                plural(suite.max_samples.unwrap_or(suite.samples) as usize)
            ));
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
