//! `validate`: loads each suite file offline and reports every problem, or a one-line summary.

use std::path::PathBuf;

use crate::exit;
use crate::load::{LoadOptions, load_file};

use super::Global;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Suite files to check (YAML, or TOML with a `.toml` extension).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// A template variable, seen as `{{ vars.KEY }}`. Repeatable.
    #[arg(long = "var", value_name = "KEY=VALUE", value_parser = super::parse_var)]
    pub vars: Vec<(String, String)>,

    /// Let templates read this secret environment variable (withheld by default). Repeatable.
    #[arg(long = "allow-env-secret", value_name = "NAME")]
    pub allow_env_secret: Vec<String>,
}

impl Args {
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            vars: self.vars.iter().cloned().collect(),
            allow_secret_env: self.allow_env_secret.clone(),
        }
    }
}

pub fn run(args: &Args, global: Global) -> u8 {
    let options = args.load_options();
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
                if global.verbose > 0 {
                    for suite in &loaded.suites {
                        println!(
                            "  {} (line {}): {} phone number{}, {} sample{} per case",
                            suite.name,
                            suite.source.line,
                            suite.phone_numbers.len(),
                            plural(suite.phone_numbers.len()),
                            suite.samples,
                            plural(suite.samples as usize)
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
