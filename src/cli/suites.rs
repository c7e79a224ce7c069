//! Loading the suite file for the commands that run it, and picking suites with `--suite`.

use std::path::Path;

use crate::load::{self, LoadOptions, LoadedFile};
use crate::suite::ResolvedSuite;

use super::output::{Output, error};

/// Loads and validates the file exactly as `validate` does; on failure prints every
/// diagnostic and returns exit code 2.
pub fn load(path: &Path, options: &LoadOptions, out: &Output) -> Result<LoadedFile, u8> {
    load::load_file(path, options).map_err(|found| {
        super::output::diagnostics(out, &found);
        crate::exit::USAGE
    })
}

/// The suites named by `--suite`, in file order; every suite when none is named. An unknown
/// name is a usage error with a did-you-mean.
pub fn select(file: &LoadedFile, names: &[String], out: &Output) -> Result<Vec<ResolvedSuite>, u8> {
    if names.is_empty() {
        return Ok(file.suites.clone());
    }
    let known: Vec<String> = file.suites.iter().map(|s| s.name.clone()).collect();
    let mut unknown = false;
    for name in names {
        if !known.contains(name) {
            unknown = true;
            let hint = crate::runner::suggest(name, &known)
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            error(
                out,
                &format!(
                    "no suite named `{name}` in {}; {hint}the file defines: {}",
                    file.path.display(),
                    known.join(", ")
                ),
            );
        }
    }
    if unknown {
        return Err(crate::exit::USAGE);
    }
    Ok(file
        .suites
        .iter()
        .filter(|s| names.contains(&s.name))
        .cloned()
        .collect())
}
