//! Redaction: every secret the process knows, and every token that looks like one, is
//! replaced by `<redacted>` in text the runner did not write.
//!
//! The secrets are registered once, when they are read (the API key from the environment or
//! a file, each secret a template was allowed to read), in a process-wide list, like
//! GitHub's `::add-mask::`: any later text, wherever it is printed or written, is redacted
//! against the whole list.

use std::borrow::Cow;
use std::sync::Mutex;

/// What a secret is replaced with.
pub const REDACTED: &str = "<redacted>";

/// Shorter values are not registered: masking every `test` in a report (a throwaway key for
/// the simulator) would hide more than it protects, and no real key is that short.
pub const MIN_SECRET_LEN: usize = 8;

/// Tokens shaped like Hamming keys (`sk-` and at least this many key characters) are
/// redacted even when they are not a registered secret: a server may echo another key.
const MIN_TOKEN_TAIL: usize = 12;

static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Adds a secret to the process-wide list.
pub fn register(secret: &str) {
    let secret = secret.trim();
    if secret.chars().count() < MIN_SECRET_LEN {
        return;
    }
    let mut secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    if !secrets.iter().any(|s| s == secret) {
        secrets.push(secret.to_owned());
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// A redactor with every secret registered so far.
pub fn current() -> Redactor {
    Redactor::new(SECRETS.lock().unwrap_or_else(|e| e.into_inner()).clone())
}

/// Redacts `text` against every secret registered so far.
pub fn redact(text: &str) -> Cow<'_, str> {
    let secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    redact_with(&secrets, text)
}

/// Redacts every string (and key) of a JSON value in place, against every secret registered
/// so far: for JSON passed on as the server sent it (`wait --output`).
pub fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => {
            if let Cow::Owned(clean) = redact(text) {
                *text = clean;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        serde_json::Value::Object(map) => {
            let renamed: Vec<(String, String)> = map
                .keys()
                .filter_map(|k| match redact(k) {
                    Cow::Owned(clean) => Some((k.clone(), clean)),
                    Cow::Borrowed(_) => None,
                })
                .collect();
            for (old, new) in renamed {
                if let Some(moved) = map.shift_remove(&old) {
                    map.insert(new, moved);
                }
            }
            map.values_mut().for_each(redact_json);
        }
        _ => {}
    }
}

/// A fixed set of secrets to redact; pure, for the code that takes one as a parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    pub fn new(mut secrets: Vec<String>) -> Self {
        secrets.retain(|s| s.chars().count() >= MIN_SECRET_LEN);
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Self { secrets }
    }

    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        redact_with(&self.secrets, text)
    }
}

fn redact_with<'a>(secrets: &[String], text: &'a str) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(text);
    for secret in secrets {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
        }
    }
    if let Some(changed) = key_tokens(&out) {
        out = Cow::Owned(changed);
    }
    if let Some(changed) = bearer_tokens(&out) {
        out = Cow::Owned(changed);
    }
    if let Some(changed) = url_userinfo(&out) {
        out = Cow::Owned(changed);
    }
    out
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// `text` with each of `spans` (byte ranges, in order, not overlapping) replaced by
/// `REDACTED`; `None` when there is none.
fn replace_spans(text: &str, spans: Vec<std::ops::Range<usize>>) -> Option<String> {
    if spans.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for span in spans {
        out.push_str(&text[last..span.start]);
        out.push_str(REDACTED);
        last = span.end;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// `sk-` followed by enough key characters, at the start of a word.
fn key_tokens(text: &str) -> Option<String> {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for (at, _) in text.match_indices("sk-") {
        if spans.last().is_some_and(|s| at < s.end) {
            continue;
        }
        let word_start = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        let tail = text[at + 3..]
            .chars()
            .take_while(|c| is_key_char(*c))
            .count();
        if word_start && tail >= MIN_TOKEN_TAIL {
            spans.push(at..at + 3 + tail);
        }
    }
    replace_spans(text, spans)
}

/// The token after `Bearer ` (any case), as an echoed `Authorization` header shows it.
fn bearer_tokens(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for (at, _) in lower.match_indices("bearer ") {
        let start = at + "bearer ".len();
        let tail = text[start..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ',' | '<'))
            .map(char::len_utf8)
            .sum::<usize>();
        if tail > 0 && &text[start..start + tail] != REDACTED {
            spans.push(start..start + tail);
        }
    }
    replace_spans(text, spans)
}

/// `scheme://user:password@host` → `scheme://<redacted>@host`.
fn url_userinfo(text: &str) -> Option<String> {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for (at, _) in text.match_indices("://") {
        let start = at + 3;
        let authority = text[start..]
            .find(|c: char| c.is_whitespace() || "/?#\"'<>".contains(c))
            .map_or(&text[start..], |end| &text[start..start + end]);
        if let Some(at_sign) = authority.rfind('@') {
            spans.push(start..start + at_sign);
        }
    }
    replace_spans(text, spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-test-5e3c1a9b7d2f4e6a8c0b1d3f";

    #[test]
    fn registered_secrets_are_replaced_wherever_they_appear() {
        let r = Redactor::new(vec![KEY.into(), "hunter2-allowed".into(), "test".into()]);
        assert_eq!(
            r.redact(&format!("bad key {KEY}; x={KEY}")),
            "bad key <redacted>; x=<redacted>"
        );
        assert_eq!(r.redact("pw hunter2-allowed!"), "pw <redacted>!");
        // Too short to be a secret: left alone.
        assert_eq!(r.redact("test-runs"), "test-runs");
        assert!(matches!(r.redact("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn key_shaped_tokens_bearer_tokens_and_userinfo_are_redacted_unregistered() {
        let r = Redactor::default();
        assert_eq!(
            r.redact("token sk-0123456789abcdef0123 leaked"),
            "token <redacted> leaked"
        );
        // Not a key: too short, or inside a word.
        assert_eq!(
            r.redact("sk-short task-0123456789abcdef"),
            "sk-short task-0123456789abcdef"
        );
        assert_eq!(
            r.redact(r#"{"authorization":"Bearer abc.def-123","x":1}"#),
            r#"{"authorization":"Bearer <redacted>","x":1}"#
        );
        assert_eq!(
            r.redact("see https://me:pa55@host.example/x and http://host/y"),
            "see https://<redacted>@host.example/x and http://host/y"
        );
    }

    #[test]
    fn json_is_redacted_in_every_string_and_key() {
        register("sk-json-0123456789abcdef");
        let mut value = serde_json::json!({
            "message": "key sk-json-0123456789abcdef", "sk-json-0123456789abcdef": [1, "x"]
        });
        redact_json(&mut value);
        assert_eq!(
            value,
            serde_json::json!({ "message": "key <redacted>", "<redacted>": [1, "x"] })
        );
    }

    #[test]
    fn the_registry_is_process_wide() {
        register("  sk-registry-0123456789abcdef  ");
        assert_eq!(
            redact("echo sk-registry-0123456789abcdef"),
            "echo <redacted>"
        );
        assert!(
            current()
                .redact("sk-registry-0123456789abcdef")
                .contains(REDACTED)
        );
    }
}
