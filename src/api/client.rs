//! The HTTP client for Hamming's REST API.
//!
//! Every request has a timeout. Reads (status, results, catalog) retry transient failures
//! with backoff; the create POST, which places paid calls and has no idempotency key, is
//! resent only when the request provably never arrived (connection refused, DNS failure) or
//! the server answered 429.
//!
//! Redirects are handled here, not by the HTTP library: a read follows at most
//! `MAX_REDIRECTS` of them, and only within the API's own scheme, host and port (so neither
//! the key nor the runner's trust leaves the address the user named); a create never follows
//! one, since that would send it twice. The key travels only in the `Authorization` header:
//! a request whose URL or body holds it is refused before it is sent. Every piece of server
//! text an error carries is redacted and made printable where the error is built.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{ApiError, MAX_REDIRECTS, RedirectRefusal, excerpt, looks_like_html};
use super::key::ApiKey;
use super::retry::{RetryPolicy, parse_retry_after};
use super::wire::{self, CreateAnswerProblem};
use crate::untrusted::{excerpt_of, links::is_loopback};

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
    /// What to log to stderr (never headers): 1 each request (method, path, status,
    /// latency); 2 also the request and response sizes and every retry decision; 3 also the
    /// bodies, redacted of every secret.
    pub verbose: u8,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            reads: RetryPolicy::READS,
            create: RetryPolicy::CREATE,
            verbose: 0,
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
    #[error(
        "the API base URL carries a user name or password; remove it: the key goes in HAMMING_API_KEY or --api-key-file, never in a URL"
    )]
    Userinfo,
}

/// Parses and vets a base URL: `https://`, or `http://` to a loopback host only.
pub fn parse_base_url(text: &str) -> Result<Url, BaseUrlError> {
    let trimmed = text.trim().trim_end_matches('/');
    let url = Url::parse(trimmed).map_err(|_| BaseUrlError::Invalid(text.to_owned()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(BaseUrlError::Userinfo);
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(BaseUrlError::Insecure(
            url.host_str().unwrap_or_default().to_owned(),
        )),
        other => Err(BaseUrlError::Scheme(text.to_owned(), other.to_owned())),
    }
}

/// Installs the TLS crypto provider once per process.
fn install_crypto_provider() {
    // A second install returns an error that only says one is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Client {
    pub fn new(base: Url, key: ApiKey, options: ClientOptions) -> Result<Self, ApiError> {
        // The HTTP library builds its TLS set-up even for a client that never speaks TLS,
        // and needs the crypto provider for it (installing one touches no file).
        install_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .timeout(options.request_timeout)
            .connect_timeout(options.connect_timeout)
            // Redirects are followed (or refused) by `exchange`, by the rules above.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("hamming-runner/", env!("CARGO_PKG_VERSION")));
        if base.scheme() != "https" {
            // Plain http, which `parse_base_url` allows only to a loopback address (the
            // simulator), and redirects never leave the base's scheme: no certificate is
            // ever checked, so the platform's CA store, hundreds of files, is not loaded.
            builder = builder.tls_certs_only(std::iter::empty());
        }
        let http = builder.build().map_err(|e| ApiError::Connect {
            url: base.to_string(),
            // With its causes: "builder error" alone does not say that, say, no CA
            // certificate was found.
            reason: format!("cannot set up the HTTP client: {}", error_chain(&e)),
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

    /// Creates a test run. Never resent once it may have reached the server; a 2xx answer
    /// that names no run, a redirect, a timeout or a 5xx is `CreateUncertain`: the run may
    /// exist.
    pub async fn create_test_run(
        &self,
        body: &wire::CreateTestRun,
    ) -> Result<wire::CreatedTestRun, ApiError> {
        self.create(
            wire::path::CREATE_TEST_RUN,
            &body.agent_id,
            body,
            wire::read_create_answer,
        )
        .await
    }

    /// The status, noting each failed attempt in `progress` while the read still retries.
    pub async fn status_watched(
        &self,
        run_id: &str,
        progress: &ReadProgress,
    ) -> Result<wire::StatusBody, ApiError> {
        self.read_watched(&wire::path::status(run_id), &[], Some(progress))
            .await
    }

    pub async fn status(&self, run_id: &str) -> Result<wire::StatusBody, ApiError> {
        self.read(&wire::path::status(run_id), &[]).await
    }

    /// A run's results, read in one pass from the body (see `ResultsBody::read`).
    pub async fn results(&self, run_id: &str) -> Result<wire::ResultsBody, ApiError> {
        let path = wire::path::results(run_id);
        self.read_reply(&path, &[], None, |reply| {
            reply.parse_with(&path, wire::ResultsBody::read)
        })
        .await
    }

    /// One call's details, for its recording link. A single attempt, never retried: the
    /// caller re-checks links within a short budget of its own and leaves a link it cannot
    /// get as pending.
    pub async fn call_details(&self, call_id: &str) -> Result<wire::CallDetails, ApiError> {
        let path = wire::path::call_details(call_id);
        self.exchange(Method::GET, &path, &[], None::<&()>)
            .await?
            .parse(&path)
    }

    /// A run's results, and the body's text exactly as the server sent it, for
    /// `wait --output`.
    pub async fn results_and_text(
        &self,
        run_id: &str,
    ) -> Result<(wire::ResultsBody, String), ApiError> {
        let path = wire::path::results(run_id);
        self.read_reply(&path, &[], None, |reply| {
            let body = reply.parse_with(&path, wire::ResultsBody::read)?;
            Ok((body, reply.text))
        })
        .await
    }

    // -----------------------------------------------------------------------------------------
    // Catalog.

    pub async fn agents(&self) -> Result<wire::AgentsBody, ApiError> {
        self.read(wire::path::AGENTS, &[]).await
    }

    /// The workspace's agents; `None` when the answer holds no agent list this client can
    /// read (the endpoint is known only from third-party clients).
    pub async fn agent_list(&self) -> Result<Option<Vec<wire::Agent>>, ApiError> {
        let body: serde_json::Value = self.read(wire::path::AGENTS, &[]).await?;
        Ok(wire::AgentsBody::read(&body))
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
        self.create(&path, agent_id, body, wire::read_legacy_answer)
            .await
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

    /// A create: sent again only when it provably never arrived; an answer that names no
    /// run, a redirect, a timeout or a 5xx means the run may exist (`CreateUncertain`).
    async fn create<B: Serialize, T>(
        &self,
        path: &str,
        agent_id: &str,
        body: &B,
        read_answer: fn(&str, bool) -> Result<T, CreateAnswerProblem>,
    ) -> Result<T, ApiError> {
        let policy = self.options.create;
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let answer = match self.exchange(Method::POST, path, &[], Some(body)).await {
                Ok(reply) if reply.status.is_success() => read_answer(&reply.text, reply.is_html())
                    .map_err(|problem| ApiError::CreateAnswer {
                        status: reply.status.as_u16(),
                        problem,
                    }),
                Ok(reply) => Err(reply.into_error(path)),
                Err(err) => Err(err),
            };
            match answer {
                Ok(created) => return Ok(created),
                Err(err) if err.provably_not_accepted() => {
                    self.back_off(&policy, attempt, started, path, err).await?;
                }
                Err(err) if err.may_have_taken_effect() => {
                    return Err(ApiError::CreateUncertain {
                        agent_id: agent_id.to_owned(),
                        cause: Box::new(err),
                    });
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// A GET that retries transient failures with backoff until the read policy runs out.
    async fn read<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        self.read_watched(path, query, None).await
    }

    async fn read_watched<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        progress: Option<&ReadProgress>,
    ) -> Result<T, ApiError> {
        self.read_reply(path, query, progress, |reply| reply.parse(path))
            .await
    }

    /// A GET that retries transient failures, with each answer read by `read`.
    async fn read_reply<T>(
        &self,
        path: &str,
        query: &[(&str, String)],
        progress: Option<&ReadProgress>,
        read: impl Fn(Reply) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let policy = self.options.reads;
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = match self.exchange(Method::GET, path, query, None::<&()>).await {
                Ok(reply) => read(reply),
                Err(err) => Err(err),
            };
            match result {
                Ok(value) => return Ok(value),
                Err(err) if err.is_transient() => {
                    if let Some(progress) = progress {
                        progress.failed(&err);
                    }
                    self.back_off(&policy, attempt, started, path, err).await?;
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// Waits before attempt `attempt + 1`, or gives up with `Exhausted` once the policy's
    /// attempts or time are spent.
    async fn back_off(
        &self,
        policy: &RetryPolicy,
        attempt: u32,
        started: Instant,
        path: &str,
        err: ApiError,
    ) -> Result<(), ApiError> {
        let delay = policy.delay(attempt, retry_after(&err));
        if attempt >= policy.max_attempts || started.elapsed() + delay > policy.max_elapsed {
            if self.options.verbose >= 2 {
                crate::console::err(&format!(
                    "[http] {path}: {err}; giving up after {attempt} attempt(s) in {} ms (the retry budget is {} attempts or {} s)",
                    started.elapsed().as_millis(),
                    policy.max_attempts,
                    policy.max_elapsed.as_secs_f64()
                ));
            }
            return Err(ApiError::Exhausted {
                attempts: attempt,
                elapsed: started.elapsed(),
                last: Box::new(err),
            });
        }
        if self.options.verbose >= 2 {
            let why = match retry_after(&err) {
                Some(_) => "as Retry-After asks",
                None => "backing off",
            };
            crate::console::err(&format!(
                "[http] {path}: {err}; retrying in {} ms ({why}; attempt {} of at most {})",
                delay.as_millis(),
                attempt + 1,
                policy.max_attempts
            ));
        }
        tokio::time::sleep(delay).await;
        Ok(())
    }

    /// One request and its answer, read whole. Follows a GET's redirects within the API's
    /// own address (at most `MAX_REDIRECTS`), never any other request's; refuses a request
    /// whose URL or body would carry the key.
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&impl Serialize>,
    ) -> Result<Reply, ApiError> {
        let shown = self.url(path);
        let mut url = Url::parse(&shown).map_err(|e| ApiError::Encode {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| ApiError::Encode {
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        self.refuse_key(path, &url, body.as_deref())?;
        let mut visited = vec![url.clone()];
        let sent = body.as_deref();
        loop {
            let started = Instant::now();
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(self.key.expose())
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(body) = &body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            self.sent.fetch_add(1, Ordering::Relaxed);
            let response = match request.send().await {
                Ok(response) => response,
                Err(e) => {
                    self.log(&method, path, "error", started, sent, None);
                    return Err(transport_error(&shown, &e, self.options.request_timeout));
                }
            };
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                self.log(&method, path, status.as_str(), started, sent, None);
                let target = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|location| url.join(location.trim()).ok());
                let refusal = match &target {
                    None => Some(RedirectRefusal::NoLocation),
                    Some(_) if method != Method::GET => Some(RedirectRefusal::NotAGet),
                    Some(next) if !same_origin(next, &self.base) => {
                        Some(RedirectRefusal::OtherOrigin)
                    }
                    Some(next) if visited.len() > MAX_REDIRECTS || visited.contains(next) => {
                        Some(RedirectRefusal::Loop)
                    }
                    Some(_) => None,
                };
                match (refusal, target) {
                    (None, Some(next)) => {
                        visited.push(next.clone());
                        url = next;
                        continue;
                    }
                    (why, target) => {
                        return Err(ApiError::Redirected {
                            method: method.to_string(),
                            path: path.to_owned(),
                            status: status.as_u16(),
                            location: target.as_ref().map(describe_location),
                            why: why.unwrap_or(RedirectRefusal::NoLocation),
                        });
                    }
                }
            }
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            let bytes = read_body(response, &shown, self.options.request_timeout).await;
            let received = bytes.as_deref().ok();
            self.log(&method, path, status.as_str(), started, sent, received);
            return Ok(Reply {
                status,
                content_type,
                retry_after,
                text: into_text(bytes?),
            });
        }
    }

    /// Refuses a request that would carry the key anywhere but the `Authorization` header:
    /// in the path, a query value or the body (a suite value that holds the key).
    fn refuse_key(&self, path: &str, url: &Url, body: Option<&[u8]>) -> Result<(), ApiError> {
        let key = self.key.expose();
        // A throwaway key for the simulator (`test`) would match ordinary paths; real keys
        // are long.
        if key.len() < crate::untrusted::redact::MIN_SECRET_LEN {
            return Ok(());
        }
        let in_url = url.as_str().contains(key) || url.query_pairs().any(|(_, v)| v.contains(key));
        // In a JSON body the key may also appear escaped.
        let escaped = serde_json::to_string(key).unwrap_or_default();
        let escaped = escaped.trim_matches('"');
        let holds = |b: &[u8], needle: &str| {
            !needle.is_empty() && b.windows(needle.len()).any(|w| w == needle.as_bytes())
        };
        let in_body = body.is_some_and(|b| holds(b, key) || holds(b, escaped));
        if in_url || in_body {
            return Err(ApiError::KeyInRequest {
                path: path.to_owned(),
            });
        }
        Ok(())
    }

    /// Logs one exchange at the verbosity asked for: the request line (`-v`), its sizes
    /// (`-vv`), its bodies (`-vvv`). Bodies pass through `console::err`, which redacts every
    /// secret and makes server text printable.
    fn log(
        &self,
        method: &Method,
        path: &str,
        status: &str,
        started: Instant,
        sent: Option<&[u8]>,
        received: Option<&[u8]>,
    ) {
        let level = self.options.verbose;
        if level == 0 {
            return;
        }
        let sizes = if level >= 2 {
            format!(
                "; sent {}, received {}",
                size(sent.map_or(0, <[u8]>::len)),
                received.map_or_else(|| "nothing".to_owned(), |b| size(b.len()))
            )
        } else {
            String::new()
        };
        crate::console::err(&format!(
            "[http] {method} {path} -> {status} ({} ms{sizes})",
            started.elapsed().as_millis()
        ));
        if level >= 3 {
            for (arrow, body) in [("request body", sent), ("response body", received)] {
                if let Some(body) = body.filter(|b| !b.is_empty()) {
                    crate::console::err(&format!("[http]   {arrow}: {}", shown_body(body)));
                }
            }
        }
    }
}

/// The most of a body `-vvv` prints; results with transcripts run to megabytes.
const MAX_LOGGED_BODY: usize = 16 * 1024;

/// A body for the log, cut at `MAX_LOGGED_BODY` bytes with a note of what was left out.
fn shown_body(body: &[u8]) -> String {
    let cut = body.len().min(MAX_LOGGED_BODY);
    let mut text = String::from_utf8_lossy(&body[..cut]).into_owned();
    if body.len() > cut {
        text.push_str(&format!(" … ({} more bytes)", body.len() - cut));
    }
    text
}

/// A byte count for people: `512 B`, `2.0 KiB`, `1.5 MiB`.
fn size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// What one failing read has seen so far, for a caller that gives up on it before the read
/// policy does (a poll cut short by the suite's deadline).
#[derive(Debug, Default)]
pub struct ReadProgress {
    failures: AtomicU64,
    last_error: std::sync::Mutex<Option<String>>,
}

impl ReadProgress {
    fn failed(&self, err: &ApiError) {
        self.failures.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut last) = self.last_error.lock() {
            *last = Some(err.to_string());
        }
    }

    /// How many attempts have failed, and the last error.
    pub fn failures(&self) -> (u64, Option<String>) {
        let last = self.last_error.lock().ok().and_then(|l| l.clone());
        (self.failures.load(Ordering::Relaxed), last)
    }

    /// Forgets the failures, once a read has succeeded.
    pub fn clear(&self) {
        self.failures.store(0, Ordering::Relaxed);
        if let Ok(mut last) = self.last_error.lock() {
            *last = None;
        }
    }
}

/// A response read whole.
struct Reply {
    status: StatusCode,
    content_type: Option<String>,
    retry_after: Option<Duration>,
    text: String,
}

impl Reply {
    fn is_html(&self) -> bool {
        looks_like_html(self.content_type.as_deref(), &self.text)
    }

    /// A 2xx body parsed as `T`.
    fn parse<T: DeserializeOwned>(self, path: &str) -> Result<T, ApiError> {
        self.parse_with(path, |text| serde_json::from_str(text))
    }

    /// A 2xx body read by `read`; the reply is kept, for a caller that wants its text too.
    fn parse_with<T>(
        &self,
        path: &str,
        read: impl FnOnce(&str) -> Result<T, serde_json::Error>,
    ) -> Result<T, ApiError> {
        if !self.status.is_success() {
            return Err(self.error(path));
        }
        read(&self.text).map_err(|e| ApiError::Decode {
            path: path.to_owned(),
            reason: if self.is_html() {
                "got an HTML page instead".to_owned()
            } else {
                e.to_string()
            },
            excerpt: excerpt(&self.text, 120),
        })
    }

    /// The error a non-2xx answer stands for.
    fn into_error(self, path: &str) -> ApiError {
        self.error(path)
    }

    fn error(&self, path: &str) -> ApiError {
        status_error(
            self.status,
            path,
            self.content_type.as_deref(),
            &self.text,
            self.retry_after,
        )
    }
}

/// Whether a redirect target keeps the API's scheme, host and port.
fn same_origin(target: &Url, base: &Url) -> bool {
    target.scheme() == base.scheme()
        && target.host_str() == base.host_str()
        && target.port_or_known_default() == base.port_or_known_default()
}

/// A redirect target for a message: scheme, host, port and path, without user name,
/// password, query or fragment, made printable.
fn describe_location(url: &Url) -> String {
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    excerpt_of(
        &format!(
            "{}://{}{port}{}",
            url.scheme(),
            url.host_str().unwrap_or_default(),
            url.path()
        ),
        120,
    )
}

fn retry_after(err: &ApiError) -> Option<Duration> {
    match err {
        ApiError::RateLimited { retry_after } => *retry_after,
        _ => None,
    }
}

/// Reads a response body whole, up to `MAX_BODY_BYTES`. The buffer is sized from
/// `Content-Length` when the server sends one (within the limit), so a large body is not
/// copied each time a growing buffer doubles; a declared length over the limit is refused
/// before anything is read.
async fn read_body(
    mut response: reqwest::Response,
    url: &str,
    timeout: Duration,
) -> Result<Vec<u8>, ApiError> {
    let too_large = || ApiError::Transport {
        url: url.to_owned(),
        reason: format!("the response is larger than {} MiB", MAX_BODY_BYTES >> 20),
    };
    let declared = response.content_length().unwrap_or(0);
    if declared > MAX_BODY_BYTES as u64 {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(declared as usize);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(transport_error(url, &e, timeout)),
        }
    }
}

/// A body as text, without a copy when it is UTF-8 (as JSON must be); bytes that are not
/// UTF-8 read as U+FFFD, so one bad byte in a transcript does not cost the whole answer.
fn into_text(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    }
}

fn transport_error(url: &str, err: &reqwest::Error, timeout: Duration) -> ApiError {
    // reqwest's own message can include the URL, which never carries the key; the key lives
    // only in a header, which reqwest does not print.
    let reason = excerpt_of(&error_chain(err), 300);
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
            .and_then(|b| b.text().map(|m| excerpt_of(m, 300)))
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
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A one-connection server on a loopback port: returns the first bytes the client sent,
    /// after answering `reply` (raw bytes, written as they are).
    async fn one_exchange(reply: Vec<u8>) -> (u16, tokio::task::JoinHandle<Vec<u8>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let served = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut first = vec![0u8; 4096];
            let n = socket.read(&mut first).await.unwrap_or(0);
            first.truncate(n);
            let _ = socket.write_all(&reply).await;
            let _ = socket.shutdown().await;
            first
        });
        (port, served)
    }

    fn client(base: &str) -> Client {
        let base = parse_base_url(base).unwrap();
        Client::new(base, ApiKey::new("test").unwrap(), ClientOptions::default()).unwrap()
    }

    fn http_reply(headers: &str, body: &[u8]) -> Vec<u8> {
        let mut reply =
            format!("HTTP/1.1 200 OK\r\nconnection: close\r\n{headers}\r\n").into_bytes();
        reply.extend_from_slice(body);
        reply
    }

    #[tokio::test]
    async fn a_plain_http_client_speaks_http_and_reads_the_body_as_text() {
        // Not UTF-8 at one byte: read as U+FFFD, the rest of the answer kept.
        let body = b"{\"recordingUrl\":\"https://x.example/a\xff.wav\"}";
        let (port, served) = one_exchange(http_reply(
            &format!(
                "content-type: application/json\r\ncontent-length: {}\r\n",
                body.len()
            ),
            body,
        ))
        .await;
        let details = client(&format!("http://127.0.0.1:{port}/api/rest"))
            .call_details("c1")
            .await
            .unwrap();
        assert_eq!(details.recording(), Some("https://x.example/a\u{fffd}.wav"));
        let sent = served.await.unwrap();
        assert!(
            sent.starts_with(b"GET /api/rest/test-case-runs/c1/details"),
            "{sent:?}"
        );
    }

    #[tokio::test]
    async fn an_https_client_still_opens_with_a_tls_handshake() {
        let (port, served) = one_exchange(Vec::new()).await;
        let err = client(&format!("https://127.0.0.1:{port}/api/rest"))
            .call_details("c1")
            .await
            .unwrap_err();
        assert!(
            matches!(err, ApiError::Transport { .. } | ApiError::Connect { .. }),
            "{err}"
        );
        let sent = served.await.unwrap();
        // A TLS record of type handshake (a ClientHello), never plain text.
        assert_eq!(sent.first(), Some(&0x16), "{sent:?}");
    }

    #[tokio::test]
    async fn a_body_declared_larger_than_the_limit_is_refused_before_it_is_read() {
        let (port, served) = one_exchange(http_reply(
            &format!("content-length: {}\r\n", MAX_BODY_BYTES + 1),
            b"{}",
        ))
        .await;
        let err = client(&format!("http://127.0.0.1:{port}/api/rest"))
            .call_details("c1")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("larger than 64 MiB"), "{err}");
        served.await.unwrap();
    }

    #[test]
    fn a_utf8_body_becomes_text_without_a_copy() {
        let bytes = b"{\"a\":1}".to_vec();
        let at = bytes.as_ptr();
        let text = into_text(bytes);
        assert_eq!(text, "{\"a\":1}");
        assert_eq!(text.as_ptr(), at);
        assert_eq!(into_text(vec![b'"', 0xff, b'"']), "\"\u{fffd}\"");
    }

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
        assert_eq!(
            parse_base_url("https://me:secret@app.hamming.ai/api/rest"),
            Err(BaseUrlError::Userinfo)
        );
    }

    #[test]
    fn redirects_stay_within_the_api_address() {
        let base = Url::parse("https://app.hamming.ai/api/rest").unwrap();
        let to = |u: &str| same_origin(&Url::parse(u).unwrap(), &base);
        assert!(to("https://app.hamming.ai/api/rest/test-runs/x/status?r=1"));
        assert!(to("https://APP.hamming.ai:443/other"));
        assert!(!to("http://app.hamming.ai/api/rest"));
        assert!(!to("https://app.hamming.ai:8443/api/rest"));
        assert!(!to("https://evil.example/api/rest"));
        let shown = describe_location(&Url::parse("https://u:p@evil.example:8/x?key=sk").unwrap());
        assert_eq!(shown, "https://evil.example:8/x");
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
