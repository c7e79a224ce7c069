//! What can go wrong talking to Hamming, worded for the person reading the CI log.

use std::time::Duration;

/// An API failure. Messages are lowercase fragments that read well after "failed to …: ".
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error(
        "the API key was rejected (HTTP 401){}; check that HAMMING_API_KEY holds a current key for this workspace",
        detail(.message)
    )]
    Unauthorized { message: Option<String> },

    #[error("not found (HTTP 404) at {path}{}", detail(.message))]
    NotFound {
        path: String,
        message: Option<String>,
    },

    #[error("the request was rejected (HTTP {status}){}", detail(.message))]
    Rejected {
        status: u16,
        message: Option<String>,
    },

    #[error("the server answered HTTP {status} with {}", body_kind(*.html, .excerpt))]
    Server {
        status: u16,
        html: bool,
        excerpt: String,
    },

    #[error("rate limited (HTTP 429){}", retry_after_text(.retry_after))]
    RateLimited { retry_after: Option<Duration> },

    #[error("could not connect to {url}: {reason}")]
    Connect { url: String, reason: String },

    #[error("no answer from {url} within {}", seconds(*.timeout))]
    Timeout { url: String, timeout: Duration },

    #[error("the connection broke while talking to {url}: {reason}")]
    Transport { url: String, reason: String },

    #[error(
        "the response from {path} is not the JSON expected: {reason}; it began with: {excerpt}"
    )]
    Decode {
        path: String,
        reason: String,
        excerpt: String,
    },

    #[error("gave up after {attempts} attempts over {}s; last error: {last}", .elapsed.as_secs())]
    Exhausted {
        attempts: u32,
        elapsed: Duration,
        last: Box<ApiError>,
    },

    #[error(
        "the create request reached Hamming, or may have, but no run could be read from its answer ({cause}): the run may exist and its calls may have been placed. It was not resent, because a second request would place the calls again. Look for a new run of agent {agent_id} in the Hamming app before re-running"
    )]
    CreateUncertain {
        agent_id: String,
        cause: Box<ApiError>,
    },

    #[error("{}", redirect_text(.method, .path, *.status, .location, *.why))]
    Redirected {
        method: String,
        path: String,
        status: u16,
        /// Where the server pointed, without user name, password or query; `None` when the
        /// redirect named no readable place.
        location: Option<String>,
        why: RedirectRefusal,
    },

    #[error("the answer (HTTP {status}) names no run: {problem}")]
    CreateAnswer {
        status: u16,
        problem: super::wire::CreateAnswerProblem,
    },

    #[error(
        "refusing to send the request to {path}: it would carry the API key outside the Authorization header, because a value in the suite file (from a template or --var) holds the key; remove the key from the suite file"
    )]
    KeyInRequest { path: String },

    #[error("cannot encode the request to {path}: {reason}")]
    Encode { path: String, reason: String },

    #[error("interrupted")]
    Interrupted,
}

/// Why a redirect was not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectRefusal {
    /// A create (or any request that is not a GET) is never sent twice.
    NotAGet,
    /// The redirect leaves the API's scheme, host and port.
    OtherOrigin,
    /// More redirects than `MAX_REDIRECTS`, or back to an address already visited.
    Loop,
    /// A redirect status without a usable `Location`.
    NoLocation,
}

/// Redirects followed at most on one read, all within the API's own address.
pub const MAX_REDIRECTS: usize = 5;

fn redirect_text(
    method: &str,
    path: &str,
    status: u16,
    location: &Option<String>,
    why: RedirectRefusal,
) -> String {
    let to = location
        .as_deref()
        .map(|l| format!(" to {l}"))
        .unwrap_or_default();
    match why {
        RedirectRefusal::NotAGet => format!(
            "the server answered the {method} to {path} with a redirect (HTTP {status}){to}; it was not followed, because following it would send the request a second time"
        ),
        RedirectRefusal::OtherOrigin => format!(
            "the server redirected {method} {path} (HTTP {status}){to}, outside the API's own scheme, host and port; redirects are followed only within the API's address, so the answer was not believed; check HAMMING_API_BASE_URL or --api-base"
        ),
        RedirectRefusal::Loop => format!(
            "the server redirected {method} {path} more than {MAX_REDIRECTS} times or in a loop (last HTTP {status}{to}); check HAMMING_API_BASE_URL or --api-base"
        ),
        RedirectRefusal::NoLocation => format!(
            "the server answered {method} {path} with a redirect (HTTP {status}) that names no place to go; check HAMMING_API_BASE_URL or --api-base"
        ),
    }
}

fn detail(message: &Option<String>) -> String {
    message
        .as_deref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default()
}

fn body_kind(html: bool, excerpt: &str) -> String {
    if html {
        format!("an HTML error page (\"{excerpt}\"); the service may be down, try again later")
    } else if excerpt.is_empty() {
        "an empty body".to_owned()
    } else {
        format!("\"{excerpt}\"")
    }
}

/// A duration for a message: whole seconds, or tenths below ten seconds (`0.3s`).
fn seconds(d: Duration) -> String {
    if d >= Duration::from_secs(10) {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

fn retry_after_text(retry_after: &Option<Duration>) -> String {
    retry_after
        .map(|d| format!("; the server asked to wait {}s", d.as_secs()))
        .unwrap_or_default()
}

impl ApiError {
    /// Whether a read may be retried: transient server and network trouble, not a verdict.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Server { .. }
            | Self::RateLimited { .. }
            | Self::Connect { .. }
            | Self::Timeout { .. }
            | Self::Transport { .. }
            | Self::Decode { .. } => true,
            Self::Rejected { status, .. } => *status == 408,
            _ => false,
        }
    }

    /// Whether the request provably never reached the server, so even the create POST may be
    /// sent again: the connection was never made, or the server refused with 429.
    pub fn provably_not_accepted(&self) -> bool {
        matches!(self, Self::Connect { .. } | Self::RateLimited { .. })
    }

    /// Whether the request may have reached the server and taken effect although no usable
    /// answer came back: for a create, the calls may have been placed.
    pub fn may_have_taken_effect(&self) -> bool {
        matches!(
            self,
            Self::Timeout { .. }
                | Self::Transport { .. }
                | Self::Server { .. }
                | Self::Redirected { .. }
                | Self::CreateAnswer { .. }
                | Self::CreateUncertain { .. }
        )
    }

    /// The exit code this error maps to: a rejected key or selection is still a platform
    /// problem, not a gate failure; a suite file that would send the key is a usage error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Interrupted => crate::exit::INTERRUPTED,
            Self::KeyInRequest { .. } => crate::exit::USAGE,
            _ => crate::exit::PLATFORM,
        }
    }
}

/// Shortens a body for an error message: first line-ish, at most `max` characters, with the
/// HTML tags stripped so an error page reads as its title. Secrets are redacted from the
/// whole text before it is cut (so no part of one survives the cut), and the result is
/// printable.
pub fn excerpt(body: &str, max: usize) -> String {
    let flat = flatten(body);
    let text = crate::untrusted::redact(&flat);
    let mut cut: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        cut.push('…');
    }
    crate::untrusted::one_line(cut.trim()).into_owned()
}

/// The text of a body on one line: HTML tags dropped, runs of whitespace made one space.
fn flatten(body: &str) -> String {
    let mut text = String::with_capacity(body.len().min(4096));
    let mut in_tag = false;
    let mut last_space = true;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                if !last_space {
                    text.push(' ');
                    last_space = true;
                }
            }
            _ if in_tag => {}
            c if c.is_whitespace() => {
                if !last_space {
                    text.push(' ');
                    last_space = true;
                }
            }
            c => {
                text.push(c);
                last_space = false;
            }
        }
    }
    text
}

/// Whether a body looks like an HTML page rather than JSON.
pub fn looks_like_html(content_type: Option<&str>, body: &str) -> bool {
    content_type.is_some_and(|t| t.contains("text/html"))
        || body.trim_start().get(..15).is_some_and(|head| {
            let head = head.to_ascii_lowercase();
            head.starts_with("<!doctype") || head.starts_with("<html")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_pages_shrink_to_their_text() {
        let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad gateway</h1></body></html>";
        assert!(looks_like_html(None, page));
        assert_eq!(excerpt(page, 60), "502 Bad Gateway Bad gateway");
        assert_eq!(excerpt("abcdef", 3), "abc…");
    }

    #[test]
    fn an_excerpt_never_shows_part_of_a_key() {
        let key = "sk-excerpt-0123456789abcdef0123";
        crate::untrusted::redact::register(key);
        // The cut would fall inside the key: it is redacted whole first.
        let body = format!("{{\"message\":\"bad token {key} given\"}}");
        let shown = excerpt(&body, 30);
        assert!(!shown.contains("0123456789"), "{shown}");
        let page = format!("<html><body>Authorization: Bearer {key}</body></html>");
        assert_eq!(excerpt(&page, 200), "Authorization: Bearer <redacted>");
    }

    #[test]
    fn only_connect_failures_and_429_prove_non_acceptance() {
        let connect = ApiError::Connect {
            url: "u".into(),
            reason: "refused".into(),
        };
        let timeout = ApiError::Timeout {
            url: "u".into(),
            timeout: Duration::from_secs(1),
        };
        let server = ApiError::Server {
            status: 502,
            html: true,
            excerpt: String::new(),
        };
        assert!(connect.provably_not_accepted());
        assert!(ApiError::RateLimited { retry_after: None }.provably_not_accepted());
        assert!(!timeout.provably_not_accepted());
        assert!(!server.provably_not_accepted());
        assert!(server.is_transient());
        assert!(!ApiError::Unauthorized { message: None }.is_transient());
    }
}
