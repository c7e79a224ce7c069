//! Flags that feed the suite-file loader, shared by every command that reads a suite file.

use indexmap::IndexMap;

use crate::load::LoadOptions;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct LoadArgs {
    /// Set a template variable, used in the file as `{{ vars.KEY }}` (repeatable).
    #[arg(long = "var", value_name = "KEY=VALUE", value_parser = super::parse_var)]
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
