//! Loading the suite file for the commands that read one, and picking suites with `--suite`.

use std::path::Path;

use crate::load::{self, Diagnostics, LoadOptions, LoadedFile, suggest};
use crate::suite::ResolvedSuite;

use super::env_config::{self, DotenvArgs};
use super::output::{Output, error};

/// Loads and validates the file exactly as `validate` does; on failure prints every
/// diagnostic (and the `./.env` hint) and returns exit code 2.
pub fn load(
    path: &Path,
    options: &LoadOptions,
    dotenv: &DotenvArgs,
    out: &Output,
) -> Result<LoadedFile, u8> {
    load::load_file(path, options).map_err(|found| {
        super::output::diagnostics(out, &found);
        dotenv_hint(&found, dotenv, out);
        crate::exit::USAGE
    })
}

/// One line when a template reads a variable that is unset here but `./.env` defines: a
/// suite file does not read `./.env` by itself (only the v2 environment does).
pub fn dotenv_hint(found: &Diagnostics, dotenv: &DotenvArgs, out: &Output) {
    let defined = env_config::dotenv_defines(dotenv, &undefined_env_names(found));
    if !defined.is_empty() {
        out.info(&format!(
            "hint: ./.env defines {}, which the suite file reads; a suite file does not read ./.env by itself: pass --env-file .env",
            defined.join(", ")
        ));
    }
}

/// The environment variables the diagnostics report as undefined in a template.
fn undefined_env_names(found: &Diagnostics) -> Vec<String> {
    const MARK: &str = "undefined variable `env.";
    let mut names: Vec<String> = Vec::new();
    for diagnostic in found.iter() {
        if let Some(at) = diagnostic.message.find(MARK) {
            let rest = &diagnostic.message[at + MARK.len()..];
            let name: String = rest.chars().take_while(|c| *c != '`').collect();
            if !name.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// The suites named by `--suite`, in file order; every suite when none is named. An unknown
/// name is a usage error with a did-you-mean.
pub fn select(file: &LoadedFile, names: &[String], out: &Output) -> Result<Vec<ResolvedSuite>, u8> {
    if names.is_empty() {
        return Ok(file.suites.clone());
    }
    let known: Vec<&str> = file.suites.iter().map(|s| s.name.as_str()).collect();
    let mut unknown = false;
    for name in names {
        if !known.contains(&name.as_str()) {
            unknown = true;
            let hint = suggest::did_you_mean(name, known.iter().copied())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, Source, load_source};

    /// The hint reads the loader's own message; this pins the two together.
    #[test]
    fn undefined_environment_variables_are_read_from_the_diagnostics() {
        let text = "version: 1\nsuites:\n  smoke:\n    agent_id: '{{ env.HR_SURELY_UNSET_A }}'\n    phone_numbers: ['{{ env.HR_SURELY_UNSET_B }}']\n    tags: [a]\n";
        let found =
            load_source(&Source::new("s.yaml", text.into()), &LoadOptions::default()).unwrap_err();
        assert_eq!(
            undefined_env_names(&found),
            vec![
                "HR_SURELY_UNSET_A".to_owned(),
                "HR_SURELY_UNSET_B".to_owned()
            ]
        );
    }
}
