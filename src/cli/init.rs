//! `init`: writes a commented starter suite file with the schema modeline.

use std::io::Write;
use std::path::PathBuf;

use crate::exit;

use super::{Global, print_error};

/// The starter suite file; a test checks that it validates.
pub const STARTER: &str = include_str!("starter.yaml");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the starter file.
    #[arg(default_value = "hamming.yaml", value_name = "PATH")]
    pub path: PathBuf,

    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &Args, global: Global) -> u8 {
    let path = &args.path;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        // `create_new` refuses an existing file atomically, with no check-then-write race.
        options.create_new(true);
    }
    let result = options
        .open(path)
        .and_then(|mut file| file.write_all(STARTER.as_bytes()));
    match result {
        Ok(()) => {
            println!("wrote {}", path.display());
            println!(
                "next: set HAMMING_AGENT_ID, then run `hamming-runner validate {}`",
                path.display()
            );
            exit::SUCCESS
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            print_error(
                global,
                &format!("`{}` already exists", path.display()),
                Some("pass `--force` to overwrite it, or give another path"),
            );
            exit::USAGE
        }
        Err(err) => {
            print_error(
                global,
                &format!("cannot write `{}`: {err}", path.display()),
                Some("check that the directory exists and is writable"),
            );
            exit::USAGE
        }
    }
}
