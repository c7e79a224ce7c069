//! Which links from a server may reach a report: `https:` always; `http:` only when the API
//! itself is on a loopback address (the simulator, a local proxy), where plain HTTP is already
//! allowed. Anything else (`javascript:`, `data:`, `file:`, a link that does not parse, one
//! with spaces or control characters) is dropped, and a link's user name and password are
//! removed from it.

use url::Url;

/// When `http:` links are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpLinks {
    /// Never: the API is remote, so every link it gives should be `https:`.
    Refused,
    /// Only to a loopback host: re-rendering a saved report, whose API is not known.
    LoopbackOnly,
    /// Always: the API is on a loopback address.
    Allowed,
}

/// The rule applied to every link before it enters an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkPolicy {
    pub http: HttpLinks,
}

impl LinkPolicy {
    /// For links a saved report carries: they were vetted when it was written; `http:` is
    /// kept to loopback hosts only.
    pub const SAVED: Self = Self {
        http: HttpLinks::LoopbackOnly,
    };

    /// For the links an API at `base` gives.
    pub fn for_api(base: &Url) -> Self {
        Self {
            http: if base.scheme() == "http" && is_loopback(base) {
                HttpLinks::Allowed
            } else {
                HttpLinks::Refused
            },
        }
    }

    /// For the API named by text (a base URL); one that does not parse gets `https:` only.
    pub fn for_api_text(base: &str) -> Self {
        Url::parse(base.trim())
            .map(|url| Self::for_api(&url))
            .unwrap_or(Self {
                http: HttpLinks::Refused,
            })
    }

    /// The link as it may be shown, or `None` when it must not be.
    pub fn vet(&self, link: &str) -> Option<String> {
        let link = link.trim();
        if link.is_empty() || link.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return None;
        }
        let mut url = Url::parse(link).ok()?;
        let allowed = match url.scheme() {
            "https" => true,
            "http" => match self.http {
                HttpLinks::Allowed => true,
                HttpLinks::LoopbackOnly => is_loopback(&url),
                HttpLinks::Refused => false,
            },
            _ => false,
        };
        if !allowed || url.host().is_none() {
            return None;
        }
        if !url.username().is_empty() || url.password().is_some() {
            url.set_username("").ok()?;
            url.set_password(None).ok()?;
        }
        Some(url.to_string())
    }
}

/// Whether a URL's host is a loopback address (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(http: HttpLinks) -> LinkPolicy {
        LinkPolicy { http }
    }

    #[test]
    fn only_https_and_loopback_http_links_are_kept() {
        let remote = LinkPolicy::for_api_text("https://app.hamming.ai/api/rest");
        assert_eq!(remote.http, HttpLinks::Refused);
        assert_eq!(
            remote.vet("https://app.hamming.ai/test-runs/c1").as_deref(),
            Some("https://app.hamming.ai/test-runs/c1")
        );
        for bad in [
            "http://app.hamming.ai/x",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<b>x</b>",
            "file:///etc/passwd",
            "https://x/a b",
            "https://x/\u{1b}]8;;",
            "not a link",
            "",
        ] {
            assert_eq!(remote.vet(bad), None, "{bad}");
        }
        let local = LinkPolicy::for_api_text("http://127.0.0.1:8787/api/rest");
        assert_eq!(local.http, HttpLinks::Allowed);
        assert!(
            local
                .vet("http://media.hamming-sim.invalid/r.wav")
                .is_some()
        );
        let saved = policy(HttpLinks::LoopbackOnly);
        assert!(saved.vet("http://127.0.0.1:9/x").is_some());
        assert!(saved.vet("http://example.com/x").is_none());
    }

    #[test]
    fn user_names_and_passwords_are_removed_from_kept_links() {
        let p = policy(HttpLinks::Refused);
        assert_eq!(
            p.vet("https://me:secret@host.example/r?x=1").as_deref(),
            Some("https://host.example/r?x=1")
        );
    }
}
