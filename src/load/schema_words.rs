//! The wording of schema errors: each JSON Schema failure rewritten as a plain sentence that
//! names the key (as a dotted path within its suite) and says what to write instead.

use serde_json::Value;

use super::Finding;
use super::positions::{Anchor, child, segments};
use super::suggest::{did_you_mean, one_of};

pub fn unknown_key(pointer: &str, key: &str, allowed: &[&str]) -> Finding {
    if pointer == "/suites" {
        // Suite names are free, so the only way a key is unknown here is its spelling.
        return Finding {
            pointer: child(pointer, key),
            anchor: Anchor::Key,
            focus: None,
            message: format!("`{key}` is not a valid suite name"),
            hint: Some(
                "suite names start with a letter or digit and use only letters, digits, `-`, `_` and `.` (at most 64 characters)"
                    .into(),
            ),
        };
    }
    let hint = match did_you_mean(key, allowed.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None if pointer.is_empty() => format!(
            "the top level takes {}; suites go under `suites:`",
            one_of(allowed.iter().copied())
        ),
        None if allowed.is_empty() => "remove the key".to_owned(),
        None => format!("allowed here: {}", one_of(allowed.iter().copied())),
    };
    Finding {
        pointer: child(pointer, key),
        anchor: Anchor::Key,
        focus: None,
        message: format!("unknown key `{key}`{}", place(pointer)),
        hint: Some(hint),
    }
}

pub fn not_one_of(pointer: &str, field: &str, instance: &Value, words: &[&str]) -> Vec<Finding> {
    let text = instance
        .as_str()
        .map_or_else(|| instance.to_string(), str::to_owned);
    let hint = match did_you_mean(&text, words.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("use {}", one_of(words.iter().copied())),
    };
    vec![Finding {
        pointer: pointer.to_owned(),
        anchor: Anchor::Value,
        focus: None,
        message: format!("`{text}` is not a valid value for `{field}`"),
        hint: Some(hint),
    }]
}

pub fn pattern(pointer: &str, field: &str, instance: &Value) -> Vec<Finding> {
    let text = instance.as_str().unwrap_or_default();
    let (message, hint) = if pointer.contains("/phone_numbers/") {
        let example =
            crate::suite::phone::likely_e164(text).unwrap_or_else(|| "+14155550100".to_owned());
        (
            format!("`{text}` is not an E.164 phone number"),
            format!(
                "write it with `+` and the country code and no spaces or dashes, e.g. `\"{example}\"` (quoted)"
            ),
        )
    } else if matches!(last_segment(pointer).as_str(), "timeout" | "poll_interval") {
        let reason = match crate::suite::duration::parse(text) {
            Err(err) => err.to_string(),
            Ok(_) => format!("`{text}` is not a duration"),
        };
        (format!("invalid duration `{text}` for `{field}`"), reason)
    } else if last_segment(pointer) == "until" {
        (
            format!("`{text}` is not a date for `{field}`"),
            "write the first day (UTC) the case gates again as YYYY-MM-DD, e.g. `2026-03-01`"
                .to_owned(),
        )
    } else {
        (
            format!("`{text}` is not a valid value for `{field}`"),
            "check the value's format".to_owned(),
        )
    };
    vec![Finding {
        pointer: pointer.to_owned(),
        anchor: Anchor::Value,
        focus: None,
        message,
        hint: Some(hint),
    }]
}

pub fn expected_type(types: &Value) -> String {
    let names: Vec<&str> = match types {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    };
    let words: Vec<&str> = names
        .iter()
        .map(|t| match *t {
            "integer" => "a whole number",
            "number" => "a number",
            "string" => "text",
            "array" => "a list",
            "object" => "a mapping",
            "boolean" => "true or false",
            other => other,
        })
        .collect();
    match words.as_slice() {
        [] => "another type".into(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

pub fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "empty".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the text `{}`", truncate(s)),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

pub fn type_hint(pointer: &str, instance: &Value, expected: &str) -> Option<String> {
    if matches!(last_segment(pointer).as_str(), "timeout" | "poll_interval") {
        return Some("durations are text with a unit, e.g. `900s`, `15m` or `1h30m`".into());
    }
    match (instance, expected) {
        (Value::String(s), "a whole number" | "a number") if s.trim().parse::<f64>().is_ok() => {
            Some(format!("remove the quotes: `{}`", s.trim()))
        }
        (Value::Null, _) => Some("the key has no value; give it one or remove the key".into()),
        (_, "a list") => Some("write a list, e.g. `[a, b]` or one `- item` per line".into()),
        (Value::String(s), "a list or a mapping") if last_segment(pointer) == "tags" => {
            Some(format!(
                "write a list, `tags: [{s}]`, or an expression such as `tags: {{ all: [{s}], none: [slow] }}`"
            ))
        }
        (Value::Number(n), "text") if pointer.contains("/phone_numbers/") => Some(format!(
            "write phone numbers as quoted text with `+` and the country code: `\"+{n}\"`"
        )),
        (Value::Number(n), "text") => Some(format!("quote it: `\"{n}\"`")),
        _ => None,
    }
}

pub fn range_hint(pointer: &str, instance: &Value) -> Option<String> {
    let n = instance.as_f64()?;
    if !pointer.contains("/thresholds/") || pointer.contains("/metrics/") {
        None
    } else if (2.0..=100.0).contains(&n) {
        Some(format!(
            "rates and scores are shares from 0 to 1; for {n}% write {}",
            n / 100.0
        ))
    } else {
        Some("rates and scores are shares from 0 (none) to 1 (all)".into())
    }
}

fn truncate(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_owned()
    }
}

pub fn last_segment(pointer: &str) -> String {
    segments(pointer).pop().unwrap_or_default()
}

/// A pointer as a dotted path relative to its suite: `thresholds.categories.Compliance`,
/// `test_cases[0].persona`, or `defaults.samples` outside a suite.
pub fn dotted(pointer: &str) -> String {
    let segments = segments(pointer);
    let rest = match segments.as_slice() {
        [first, _name, rest @ ..] if first == "suites" => rest,
        all => all,
    };
    let mut out = String::new();
    for segment in rest {
        if segment.parse::<usize>().is_ok() && !out.is_empty() {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(segment);
        }
    }
    if out.is_empty() {
        match segments.as_slice() {
            [first, name] if first == "suites" => name.clone(),
            _ => "the file".into(),
        }
    } else {
        out
    }
}

/// Where a key lives, as a phrase appended to a message: "at the top level", "in
/// `defaults`", "in `thresholds`" (the suite itself is named by the diagnostic title).
pub fn place(pointer: &str) -> String {
    let segments = segments(pointer);
    match segments.as_slice() {
        [] => " at the top level".into(),
        [first, _name] if first == "suites" => String::new(),
        _ => format!(" in `{}`", dotted(pointer)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_paths_are_relative_to_the_suite() {
        assert_eq!(
            dotted("/suites/smoke/thresholds/min_test_pass_rate"),
            "thresholds.min_test_pass_rate"
        );
        assert_eq!(
            dotted("/suites/smoke/test_cases/0/persona"),
            "test_cases[0].persona"
        );
        assert_eq!(
            dotted("/defaults/phone_numbers/1"),
            "defaults.phone_numbers[1]"
        );
        assert_eq!(dotted("/suites/smoke"), "smoke");
        assert_eq!(place(""), " at the top level");
        assert_eq!(place("/suites/smoke"), "");
        assert_eq!(place("/defaults/thresholds"), " in `defaults.thresholds`");
    }

    #[test]
    fn describes_types_in_plain_words() {
        assert_eq!(
            expected_type(&serde_json::json!(["integer", "null"])),
            "a whole number"
        );
        assert_eq!(expected_type(&serde_json::json!("object")), "a mapping");
    }
}
