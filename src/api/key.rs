//! The API key: where it comes from, and a wrapper that never prints it.

use std::fmt;
use std::path::Path;

/// The environment variable the key is read from.
pub const KEY_ENV: &str = "HAMMING_API_KEY";

/// A secret that redacts itself in `Debug` and `Display`, so a stray `{:?}` in a log or a
/// panic message cannot leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, trimming the whitespace a file or a `.env` line tends to carry.
    pub fn new(key: impl Into<String>) -> Result<Self, KeyError> {
        let key = key.into().trim().to_owned();
        if key.is_empty() {
            return Err(KeyError::Empty);
        }
        if key.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(KeyError::BadCharacters);
        }
        Ok(Self(key))
    }

    /// The key itself, for the `Authorization` header and for masking. Keep calls rare.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Reads the key from `--api-key-file` when given, else from `HAMMING_API_KEY`.
    pub fn from_env_or_file(file: Option<&Path>) -> Result<Self, KeyError> {
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|e| KeyError::File {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
            return Self::new(text);
        }
        match std::env::var(KEY_ENV) {
            Ok(value) => Self::new(value),
            Err(std::env::VarError::NotPresent) => Err(KeyError::Missing),
            Err(std::env::VarError::NotUnicode(_)) => Err(KeyError::BadCharacters),
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Why no usable key was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no API key: set HAMMING_API_KEY (in GitHub Actions, from a secret) or pass --api-key-file FILE"
    )]
    Missing,
    #[error(
        "the API key is empty: HAMMING_API_KEY is set but blank, or the key file is empty; in GitHub Actions a secret that does not exist reads as empty, so add the HAMMING_API_KEY secret and pass it to the job (a reusable workflow under `secrets:`)"
    )]
    Empty,
    #[error("the API key contains whitespace or control characters; check how it was pasted")]
    BadCharacters,
    #[error("cannot read the API key file {path}: {reason}")]
    File { path: String, reason: String },
}

/// Refuses an API key given on the command line, where it would land in shell history and in
/// process listings: a key flag, a key-shaped argument, or one that holds a key after an `=`
/// (`--var token=sk-…`, `--var=token=sk-…`), or the value of `env_key` (the key in the
/// environment) in any of those places. Returns the offending argument's position.
pub fn find_key_on_argv(args: &[String], env_key: Option<&str>) -> Option<usize> {
    let env_key = env_key.map(str::trim).filter(|k| k.len() >= 8);
    args.iter().position(|arg| {
        let flag = arg.split('=').next().unwrap_or_default();
        matches!(flag, "--api-key" | "--key" | "--token")
            || arg.split('=').any(|part| {
                (part.starts_with("sk-") && part.len() >= 20)
                    || env_key.is_some_and(|key| part.contains(key))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_never_prints_itself() {
        let key = ApiKey::new(" sk-0123456789abcdef \n").unwrap();
        assert_eq!(key.expose(), "sk-0123456789abcdef");
        assert!(!format!("{key:?} {key}").contains("0123456789"));
    }

    #[test]
    fn rejects_empty_and_spaced_keys() {
        assert_eq!(ApiKey::new("  "), Err(KeyError::Empty));
        assert_eq!(ApiKey::new("sk-a b"), Err(KeyError::BadCharacters));
    }

    #[test]
    fn spots_keys_on_the_command_line() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let find = |v: &[&str]| find_key_on_argv(&args(v), Some("my-secret-key-value"));
        assert_eq!(find(&["run", "--api-key=abc"]), Some(1));
        assert_eq!(find(&["run", "sk-0123456789abcdef0123"]), Some(1));
        assert_eq!(
            find(&["run", "--var", "token=sk-0123456789abcdef0123"]),
            Some(2)
        );
        assert_eq!(
            find(&["run", "--var=token=sk-0123456789abcdef0123"]),
            Some(1)
        );
        assert_eq!(find(&["run", "--var", "t=my-secret-key-value"]), Some(2));
        assert_eq!(find(&["run", "hamming.yaml", "--var", "region=eu"]), None);
        assert_eq!(
            find_key_on_argv(&args(&["run", "x=my-secret-key-value"]), None),
            None
        );
    }
}
