//! The HTTP client for Hamming's REST API.
//!
//! Every request has a timeout. Reads (status, results, catalog) retry transient failures
//! with backoff; the create POST, which places paid calls and has no idempotency key, is
//! resent only when the request provably never arrived (connection refused, DNS failure) or
//! the server answered 429.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{ApiError, excerpt, looks_like_html};
use super::key::ApiKey;
use super::retry::{RetryPolicy, parse_retry_after};
use super::wire;

/// The public API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://app.hamming.ai/api/rest";
/// The environment variable that overrides it.
pub const BASE_URL_ENV: &str = "HAMMING_API_BASE_URL";
/// The largest response body read; results with transcripts are large, but not this large.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// How the client behaves; the defaults suit the real API.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub reads: RetryPolicy,
    pub create: RetryPolicy,
    /// Log each request (method, path, status, latency; never headers) to stderr.
    pub verbose: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            reads: RetryPolicy::READS,
            create: RetryPolicy::CREATE,
            verbose: false,
        }
    }
}

/// A Hamming API client. Cheap to clone; clones share the connection pool and counters.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    key: ApiKey,
    options: ClientOptions,
    sent: Arc<AtomicU64>,
}

/// Why a base URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("`{0}` is not a URL; expected something like {DEFAULT_BASE_URL}")]
    Invalid(String),
    #[error(
        "refusing plain http:// to {0}: the API key would cross the network unencrypted; use https://, or http:// only to a loopback address such as 127.0.0.1"
    )]
    Insecure(String),
    #[error("`{0}` uses the scheme `{1}`; use https://")]
    Scheme(String, String),
}

/// Parses and vets a base URL: `https://`, or `http://` to a loopback host only.
pub fn parse_base_url(text: &str) -> Result<Url, BaseUrlError> {
    let trimmed = text.trim().trim_end_matches('/');
    let url = Url::parse(trimmed).map_err(|_| BaseUrlError::Invalid(text.to_owned()))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(BaseUrlError::Insecure(
            url.host_str().unwrap_or_default().to_owned(),
        )),
        other => Err(BaseUrlError::Scheme(text.to_owned(), other.to_owned())),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Installs the TLS crypto provider once per process.
fn install_crypto_provider() {
    // A second install returns an error that only says one is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Client {
    pub fn new(base: Url, key: ApiKey, options: ClientOptions) -> Result<Self, ApiError> {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(options.request_timeout)
            .connect_timeout(options.connect_timeout)
            .user_agent(concat!("hamming-runner/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Connect {
                url: base.to_string(),
                reason: format!("cannot set up the HTTP client: {e}"),
            })?;
        Ok(Self {
            http,
            base,
            key,
            options,
            sent: Arc::new(AtomicU64::new(0)),
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The key, for GitHub's `::add-mask::`; never print it anywhere else.
    pub fn key(&self) -> &ApiKey {
        &self.key
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// How many HTTP requests this client (and its clones) has sent.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.as_str().trim_end_matches('/'))
    }

    // -----------------------------------------------------------------------------------------
    // Test runs.

    /// Creates a test run. Never resent once it may have reached the server.
    pub async fn create_test_run(
        &self,
        body: &wire::CreateTestRun,
    ) -> Result<wire::CreatedTestRun, ApiError> {
        let policy = self.options.create;
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self
                .send::<wire::CreatedTestRun>(
                    Method::POST,
                    wire::path::CREATE_TEST_RUN,
                    &[],
                    Some(body),
                )
                .await
            {
                Ok(created) => return Ok(created),
                Err(err) if err.provably_not_accepted() => {
                    let delay = policy.delay(attempt, retry_after(&err));
                    if attempt >= policy.max_attempts
                        || started.elapsed() + delay > policy.max_elapsed
                    {
                        return Err(ApiError::Exhausted {
                            attempts: attempt,
                            elapsed: started.elapsed(),
                            last: Box::new(err),
                        });
                    }
                    self.note_retry(wire::path::CREATE_TEST_RUN, &err, delay);
                    tokio::time::sleep(delay).await;
                }
                Err(err)
                    if matches!(err, ApiError::Timeout { .. } | ApiError::Transport { .. })
                        || matches!(err, ApiError::Server { .. }) =>
                {
                    return Err(ApiError::CreateUncertain {
                        agent_id: body.agent_id.clone(),
                        cause: Box::new(err),
                    });
                }
                Err(err) => return Err(err),
            }
        }
    }

    pub async fn status(&self, run_id: &str) -> Result<wire::StatusBody, ApiError> {
        self.read(&wire::path::status(run_id), &[]).await
    }

    pub async fn results(&self, run_id: &str) -> Result<wire::ResultsBody, ApiError> {
        self.read(&wire::path::results(run_id), &[]).await
    }

    /// One call's details, for its recording link. A single attempt, never retried: the
    /// caller re-checks links within a short budget of its own and leaves a link it cannot
    /// get as pending.
    pub async fn call_details(&self, call_id: &str) -> Result<wire::CallDetails, ApiError> {
        self.send(
            Method::GET,
            &wire::path::call_details(call_id),
            &[],
            None::<&()>,
        )
        .await
    }

    /// The results body exactly as the server sent it, for `wait --output`.
    pub async fn results_json(&self, run_id: &str) -> Result<serde_json::Value, ApiError> {
        self.read(&wire::path::results(run_id), &[]).await
    }

    // -----------------------------------------------------------------------------------------
    // Catalog.

    pub async fn agents(&self) -> Result<wire::AgentsBody, ApiError> {
        self.read(wire::path::AGENTS, &[]).await
    }

    pub async fn tags(&self, agent_id: Option<&str>) -> Result<wire::TagsBody, ApiError> {
        let mut query = vec![("includeTestCaseCount", "true".to_owned())];
        if let Some(agent) = agent_id {
            query.push(("agentId", agent.to_owned()));
        }
        self.read(wire::path::TEST_TAGS, &query).await
    }

    pub async fn agent_tags(&self, agent_id: &str) -> Result<wire::TagsBody, ApiError> {
        self.read(&wire::path::agent_test_tags(agent_id), &[]).await
    }

    /// Every test case visible for the agent, across pages.
    pub async fn test_cases(
        &self,
        agent_id: Option<&str>,
    ) -> Result<Vec<wire::TestCaseItem>, ApiError> {
        let limit = wire::TEST_CASES_PAGE_LIMIT;
        let mut all = Vec::new();
        let mut offset: u64 = 0;
        // A hard stop, in case a server ignores offset and serves the same page forever.
        for _ in 0..1000 {
            let mut query = vec![("limit", limit.to_string()), ("offset", offset.to_string())];
            if let Some(agent) = agent_id {
                query.push(("agentId", agent.to_owned()));
            }
            let page: wire::TestCasesBody = self.read(wire::path::TEST_CASES, &query).await?;
            let got = page.test_cases.len() as u64;
            all.extend(page.test_cases);
            offset += got;
            let done = got < u64::from(limit) || page.total.is_some_and(|total| offset >= total);
            if done || got == 0 {
                break;
            }
        }
        Ok(all)
    }

    // -----------------------------------------------------------------------------------------
    // Legacy flow.

    /// Starts a legacy run. The same no-resend rule as the create POST applies.
    pub async fn legacy_run(
        &self,
        agent_id: &str,
        body: &wire::LegacyRun,
    ) -> Result<wire::LegacyRunCreated, ApiError> {
        let path = wire::path::legacy_run(agent_id);
        self.send(Method::POST, &path, &[], Some(body))
            .await
            .map_err(|err| match err {
                ApiError::Timeout { .. } | ApiError::Transport { .. } | ApiError::Server { .. } => {
                    ApiError::CreateUncertain {
                        agent_id: agent_id.to_owned(),
                        cause: Box::new(err),
                    }
                }
                other => other,
            })
    }

    pub async fn legacy_experiment(&self, id: &str) -> Result<wire::LegacyExperiment, ApiError> {
        self.read(&wire::path::legacy_experiment(id), &[]).await
    }

    pub async fn legacy_calls(&self, id: &str) -> Result<wire::LegacyCallsBody, ApiError> {
        self.read(&wire::path::legacy_calls(id), &[]).await
    }

    pub async fn datasets(&self) -> Result<wire::DatasetsBody, ApiError> {
        self.read(wire::path::DATASETS, &[]).await
    }

    // -----------------------------------------------------------------------------------------
    // Plumbing.

    /// A GET that retries transient failures with backoff until the read policy runs out.
    async fn read<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        let policy = self.options.reads;
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.send::<T>(Method::GET, path, query, None::<&()>).await {
                Ok(value) => return Ok(value),
                Err(err) if err.is_transient() => {
                    let delay = policy.delay(attempt, retry_after(&err));
                    if attempt >= policy.max_attempts
                        || started.elapsed() + delay > policy.max_elapsed
                    {
                        return Err(ApiError::Exhausted {
                            attempts: attempt,
                            elapsed: started.elapsed(),
                            last: Box::new(err),
                        });
                    }
                    self.note_retry(path, &err, delay);
                    tokio::time::sleep(delay).await;
                }
                Err(err) => return Err(err),
            }
        }
    }

    fn note_retry(&self, path: &str, err: &ApiError, delay: Duration) {
        if self.options.verbose {
            eprintln!("[http] {path}: {err}; retrying in {} ms", delay.as_millis());
        }
    }

    /// One request, one answer: maps every outcome to a value or a typed error.
    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&impl Serialize>,
    ) -> Result<T, ApiError> {
        let url = self.url(path);
        let mut request = self
            .http
            .request(method.clone(), &url)
            .bearer_auth(self.key.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        if !query.is_empty() {
            request = request.query(query);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let started = Instant::now();
        self.sent.fetch_add(1, Ordering::Relaxed);
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(&url, &e, self.options.request_timeout));
        let response = match response {
            Ok(r) => r,
            Err(err) => {
                self.log(&method, path, "error", started);
                return Err(err);
            }
        };
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let retry_after_header = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let bytes = read_body(response, &url, self.options.request_timeout).await;
        self.log(&method, path, status.as_str(), started);
        let bytes = bytes?;
        let text = String::from_utf8_lossy(&bytes);
        if status.is_success() {
            return serde_json::from_str(&text).map_err(|e| ApiError::Decode {
                path: path.to_owned(),
                reason: if looks_like_html(content_type.as_deref(), &text) {
                    "got an HTML page instead".to_owned()
                } else {
                    e.to_string()
                },
                excerpt: excerpt(&text, 120),
            });
        }
        Err(status_error(
            status,
            path,
            content_type.as_deref(),
            &text,
            retry_after_header,
        ))
    }

    fn log(&self, method: &Method, path: &str, status: &str, started: Instant) {
        if self.options.verbose {
            eprintln!(
                "[http] {method} {path} -> {status} ({} ms)",
                started.elapsed().as_millis()
            );
        }
    }
}

fn retry_after(err: &ApiError) -> Option<Duration> {
    match err {
        ApiError::RateLimited { retry_after } => *retry_after,
        _ => None,
    }
}

async fn read_body(
    mut response: reqwest::Response,
    url: &str,
    timeout: Duration,
) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(ApiError::Transport {
                        url: url.to_owned(),
                        reason: format!("the response is larger than {} MiB", MAX_BODY_BYTES >> 20),
                    });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(transport_error(url, &e, timeout)),
        }
    }
}

fn transport_error(url: &str, err: &reqwest::Error, timeout: Duration) -> ApiError {
    // reqwest's own message can include the URL, which never carries the key; the key lives
    // only in a header, which reqwest does not print.
    let reason = error_chain(err);
    if err.is_timeout() {
        ApiError::Timeout {
            url: url.to_owned(),
            timeout,
        }
    } else if err.is_connect() {
        ApiError::Connect {
            url: url.to_owned(),
            reason,
        }
    } else {
        ApiError::Transport {
            url: url.to_owned(),
            reason,
        }
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

fn status_error(
    status: StatusCode,
    path: &str,
    content_type: Option<&str>,
    text: &str,
    retry_after: Option<Duration>,
) -> ApiError {
    let html = looks_like_html(content_type, text);
    let message = if html {
        None
    } else {
        serde_json::from_str::<wire::ErrorBody>(text)
            .ok()
            .and_then(|b| b.text().map(str::to_owned))
            .or_else(|| (!text.trim().is_empty()).then(|| excerpt(text, 200)))
    };
    match status.as_u16() {
        401 | 403 => ApiError::Unauthorized { message },
        404 => ApiError::NotFound {
            path: path.to_owned(),
            message,
        },
        429 => ApiError::RateLimited { retry_after },
        s if s >= 500 => ApiError::Server {
            status: s,
            html,
            excerpt: excerpt(text, 120),
        },
        s => ApiError::Rejected { status: s, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_must_be_https_unless_loopback() {
        assert!(parse_base_url("https://app.hamming.ai/api/rest/").is_ok());
        assert!(parse_base_url("http://127.0.0.1:8787/api/rest").is_ok());
        assert!(parse_base_url("http://localhost:8787/api/rest").is_ok());
        assert!(parse_base_url("http://[::1]:8787/api/rest").is_ok());
        assert!(matches!(
            parse_base_url("http://app.hamming.ai/api/rest"),
            Err(BaseUrlError::Insecure(_))
        ));
        assert!(matches!(
            parse_base_url("http://10.0.0.5/api/rest"),
            Err(BaseUrlError::Insecure(_))
        ));
        assert!(matches!(
            parse_base_url("ftp://x/y"),
            Err(BaseUrlError::Scheme(..))
        ));
        assert!(matches!(
            parse_base_url("not a url"),
            Err(BaseUrlError::Invalid(_))
        ));
    }

    #[test]
    fn status_errors_read_the_message_or_name_the_html_page() {
        let e = status_error(
            StatusCode::BAD_REQUEST,
            "/x",
            Some("application/json"),
            r#"{"message":"Requested run selection resolved to no runnable test cases"}"#,
            None,
        );
        assert!(e.to_string().contains("resolved to no runnable test cases"));
        let e = status_error(
            StatusCode::BAD_GATEWAY,
            "/x",
            Some("text/html"),
            "<html><title>502 Bad Gateway</title></html>",
            None,
        );
        assert!(e.to_string().contains("HTML error page"), "{e}");
        assert!(e.is_transient());
    }
}
