//! `validate`: loads each suite file offline and reports every problem, or a one-line summary.

use std::path::PathBuf;

use crate::exit;
use crate::load::load_file;

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
                println!(
                    "ok: {}: {suites} suite{}, {selections} test selection{}",
                    path.display(),
                    plural(suites),
                    plural(selections)
                );
                // Thresholds unlikely to be decided are warnings: the file is valid.
                for warning in super::plan_power::file_warnings(&loaded, path) {
                    eprint!("{}", warning.render_warning(global.color));
                }
                if global.verbose > 0 {
                    for suite in &loaded.suites {
                        println!(
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
                        );
                    }
                }
            }
            Err(diagnostics) => {
                eprint!("{}", diagnostics.render(global.color));
                code = exit::USAGE;
            }
        }
    }
    code
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
