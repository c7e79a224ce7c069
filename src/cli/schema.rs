//! `schema`: prints the JSON Schema of the suite file (the committed copy under `schemas/`
//! must equal it).

use std::path::PathBuf;

use crate::exit;

use super::{Global, print_error};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the schema to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: &Args, global: Global) -> u8 {
    let text = crate::suite::json_schema_text();
    match &args.output {
        None => {
            print!("{text}");
            exit::SUCCESS
        }
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => exit::SUCCESS,
            Err(err) => {
                print_error(
                    global,
                    &format!("cannot write `{}`: {err}", path.display()),
                    Some("check that the directory exists and is writable"),
                );
                exit::USAGE
            }
        },
    }
}
