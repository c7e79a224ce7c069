//! Flags that feed the suite-file loader, shared by every command that reads a suite file.

use indexmap::IndexMap;

use crate::load::LoadOptions;

#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Templates and environment")]
pub struct LoadArgs {
    /// Set a template variable, used in the file as `{{ vars.KEY }}` (repeatable).
    #[arg(long = "var", value_name = "KEY=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,

    /// Let templates read this secret environment variable (e.g. HAMMING_API_KEY), which they
    /// cannot see otherwise (repeatable).
    #[arg(long = "allow-env-secret", value_name = "NAME")]
    pub allow_env_secret: Vec<String>,
}

impl LoadArgs {
    /// The day quarantines are judged on.
    pub fn today(&self) -> crate::suite::Date {
        super::clock::today()
    }

    pub fn options(&self) -> LoadOptions {
        LoadOptions {
            vars: self.vars.iter().cloned().collect::<IndexMap<_, _>>(),
            allow_secret_env: self.allow_env_secret.clone(),
            today: Some(super::clock::today()),
        }
    }
}

/// Parses `key=value` for `--var`.
pub fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!(
            "`{text}` is not `key=value`; write for example `--var region=eu`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vars_need_a_key() {
        assert_eq!(parse_var("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert_eq!(parse_var("a="), Ok(("a".into(), String::new())));
        assert!(parse_var("=b").is_err());
        assert!(parse_var("ab").is_err());
    }
}
