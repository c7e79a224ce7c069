//! `validate`: loads each suite file offline and reports every problem, or a one-line summary.

use std::path::PathBuf;

use crate::console;
use crate::exit;
use crate::load::load_file;
use crate::report::github;
use crate::report::setup::{SetupFailure, annotations};

use super::Global;
use super::load_args::LoadArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Suite files to check (YAML, or TOML with a `.toml` extension).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub load: LoadArgs,
}

pub fn run(args: &Args, global: Global) -> u8 {
    let options = args.load.options();
    let mut code = exit::SUCCESS;
    for path in &args.files {
        match load_file(path, &options) {
            Ok(loaded) => {
                let suites = loaded.suites.len();
                let selections = loaded.selection_count();
                let _ = console::out(&format!(
                    "ok: {}: {suites} suite{}, {selections} test selection{}",
                    path.display(),
                    plural(suites),
                    plural(selections)
                ));
                // Thresholds unlikely to be decided, and quarantines that have expired, are
                // warnings: the file is valid.
                let expired = super::quarantine::expired(&loaded, &loaded.suites, options.today());
                for warning in super::plan_power::file_warnings(&loaded, path)
                    .into_iter()
                    .chain(expired)
                {
                    console::err_raw(&warning.render_warning(global.color));
                }
                if global.verbose > 0 {
                    for suite in &loaded.suites {
                        let _ = console::out(&format!(
                            "  {} (line {}): {} phone number{}, {} sample{} per case",
                            suite.name,
                            suite.source.line,
                            suite.phone_numbers.len(),
                            plural(suite.phone_numbers.len()),
                            match suite.adaptive {
                                Some(plan) => format!("{} to {}", plan.min, plan.max),
                                None => suite.samples.to_string(),
                            },
                            plural(suite.adaptive.map_or(suite.samples, |p| p.max) as usize)
                        ));
                    }
                }
            }
            Err(diagnostics) => {
                console::err_raw(&diagnostics.render(global.color));
                if github::detected() {
                    // Each error at its line and column in the pull request's diff.
                    let failure = SetupFailure {
                        diagnostics: diagnostics.into_iter().collect(),
                        messages: Vec::new(),
                    };
                    for note in annotations(&failure) {
                        let _ = console::out_raw(&note.command());
                    }
                }
                code = exit::USAGE;
            }
        }
    }
    code
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
