//! The two ways the environment names Hamming: `HAMMING_API_BASE_URL`, the REST API itself
//! (Hamming's v2 CI scripts), and `HAMMING_BASE_URL`, the host only, to which `/api/rest` is
//! appended (Hamming's LiveKit plugin). The first wins when both are set.

/// The environment variable with Hamming's host only.
pub const HOST_ENV: &str = "HAMMING_BASE_URL";

/// The path of the REST API under the host.
pub const API_PATH: &str = "/api/rest";

/// Why `HAMMING_BASE_URL` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    #[error(
        "HAMMING_BASE_URL={0:?} already ends in {API_PATH}, but it names the host only ({API_PATH} is appended); drop {API_PATH}, or set HAMMING_API_BASE_URL to the full API base instead"
    )]
    HasApiPath(String),
}

/// The API base the environment names: `api_base` (HAMMING_API_BASE_URL) as given, else
/// `host` (HAMMING_BASE_URL) with `/api/rest` appended; `None` when neither is set. An
/// empty value counts as unset. The result still has to pass `parse_base_url`.
pub fn api_base_from(
    api_base: Option<&str>,
    host: Option<&str>,
) -> Result<Option<String>, HostError> {
    if let Some(api_base) = set(api_base) {
        return Ok(Some(api_base.to_owned()));
    }
    let Some(host) = set(host) else {
        return Ok(None);
    };
    let host = host.trim_end_matches('/');
    if host.ends_with(API_PATH) {
        return Err(HostError::HasApiPath(host.to_owned()));
    }
    Ok(Some(format!("{host}{API_PATH}")))
}

/// A value that is set and not blank, trimmed.
fn set(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// The API base the process environment names (see `api_base_from`).
pub fn api_base_from_env() -> Result<Option<String>, HostError> {
    let read = |name: &str| std::env::var(name).ok();
    api_base_from(
        read(super::BASE_URL_ENV).as_deref(),
        read(HOST_ENV).as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_base_wins_and_the_host_gets_the_api_path() {
        let base = |api: Option<&str>, host: Option<&str>| api_base_from(api, host);
        assert_eq!(
            base(
                Some("https://a.example/api/rest"),
                Some("https://b.example")
            ),
            Ok(Some("https://a.example/api/rest".to_owned()))
        );
        assert_eq!(
            base(None, Some("https://app.hamming.ai/")),
            Ok(Some("https://app.hamming.ai/api/rest".to_owned()))
        );
        assert_eq!(
            base(Some(" "), Some("http://127.0.0.1:8787")),
            Ok(Some("http://127.0.0.1:8787/api/rest".to_owned()))
        );
        assert_eq!(base(None, Some("")), Ok(None));
        assert_eq!(base(None, None), Ok(None));
        let err = base(None, Some("https://app.hamming.ai/api/rest")).unwrap_err();
        assert!(err.to_string().contains("drop /api/rest"), "{err}");
    }
}
