//! What a crash prints. The default panic message can carry any value a bug formatted into
//! it, and a backtrace names the environment's paths; the hook below prints one short line
//! instead, with the location and the message scrubbed of anything that looks like a key.

use std::panic::PanicHookInfo;

use crate::api::KEY_ENV;

/// Replaces the default panic hook for the rest of the process.
pub fn install() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "an unknown place".to_owned());
        let key = std::env::var(KEY_ENV).ok();
        // Not `eprintln!`: a panic while printing the panic would abort the process.
        crate::console::err_raw(&format!(
            "{}\n",
            message(&payload, &location, key.as_deref())
        ));
    }));
}

/// The one line a crash prints: what happened and where, never the key.
pub fn message(payload: &str, location: &str, key: Option<&str>) -> String {
    format!(
        "error: internal error at {location}: {}; this is a bug in hamming-runner, please report it with the command line (not the environment). Runs already created are recorded in the state file; re-running the same command re-attaches to them",
        scrub(payload, key)
    )
}

/// The panic text with the key (when known) and every `sk-`-style token removed, cut to a
/// length that fits one log line.
fn scrub(payload: &str, key: Option<&str>) -> String {
    let mut text = payload.to_owned();
    if let Some(key) = key.map(str::trim).filter(|k| k.len() >= 4) {
        text = text.replace(key, "<redacted>");
    }
    let words: Vec<String> = text
        .split(' ')
        .map(|word| match word.find("sk-") {
            Some(at) if word.len() - at >= 12 => format!("{}<redacted>", &word[..at]),
            _ => word.to_owned(),
        })
        .collect();
    let joined = words.join(" ");
    let mut short: String = joined.chars().take(300).collect();
    if short.len() < joined.len() {
        short.push('…');
    }
    short.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_message_never_carries_the_key() {
        let key = "sk-test-5e3c1a9b7d2f4e6a8c0b1d3f";
        let text = message(
            &format!("called unwrap on {key} and Authorization: Bearer {key}"),
            "src/x.rs:1",
            Some(key),
        );
        assert!(!text.contains("5e3c1a9b"), "{text}");
        assert!(text.contains("src/x.rs:1"));
        // A key the environment does not hold (read from a file) is caught by its shape.
        let text = message("token=sk-0123456789abcdef0123 leaked", "l", None);
        assert!(!text.contains("0123456789abcdef"), "{text}");
        assert!(text.contains("token=<redacted> leaked"), "{text}");
        let long = "x".repeat(5000);
        assert!(message(&long, "l", None).len() < 700);
    }
}
