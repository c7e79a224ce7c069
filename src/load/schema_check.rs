//! Checks the rendered document against the published JSON Schema and rewrites each error
//! into a plain sentence: what is wrong, in which key, and what to write instead.

use std::sync::OnceLock;

use jsonschema::error::{ValidationError, ValidationErrorKind};
use serde_json::Value;

use super::Finding;
use super::positions::{Anchor, child, segments};
use super::suggest::{did_you_mean, one_of};

/// The schema and its compiled validator, built once per process.
struct Compiled {
    schema: Value,
    validator: Option<jsonschema::Validator>,
}

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let schema = crate::suite::json_schema();
        let validator = jsonschema::draft202012::new(&schema).ok();
        Compiled { schema, validator }
    })
}

/// Every schema violation in the document, in document order.
pub fn check(document: &Value) -> Vec<Finding> {
    let compiled = compiled();
    let Some(validator) = &compiled.validator else {
        return vec![Finding {
            pointer: String::new(),
            anchor: Anchor::Value,
            message: "the built-in JSON Schema does not compile".into(),
            hint: Some("this is a bug in hamming-runner; please report it".into()),
        }];
    };
    let mut findings: Vec<Finding> = Vec::new();
    for error in validator.iter_errors(document) {
        for finding in explain(&compiled.schema, &error) {
            if !findings.contains(&finding) {
                findings.push(finding);
            }
        }
    }
    findings
}

fn explain(schema: &Value, error: &ValidationError<'_>) -> Vec<Finding> {
    let pointer = error.instance_path().as_str().to_owned();
    let instance: &Value = error.instance();
    let field = dotted(&pointer);
    let keyword_parent = keyword_parent(schema, error.evaluation_path().as_str());
    let simple = |message: String, hint: Option<String>| {
        vec![Finding {
            pointer: pointer.clone(),
            anchor: Anchor::Value,
            message,
            hint,
        }]
    };
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed: Vec<&str> = keyword_parent
                .and_then(|node| node.get("properties"))
                .and_then(Value::as_object)
                .map(|props| props.keys().map(String::as_str).collect())
                .unwrap_or_default();
            unexpected
                .iter()
                .map(|key| unknown_key(&pointer, key, &allowed))
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or("?");
            let hint = match name {
                "version" => "add `version: 1` at the top of the file".to_owned(),
                "suites" => "add a `suites:` mapping with at least one named suite".to_owned(),
                "id" => "each test case needs `id: <test case id>`".to_owned(),
                other => format!("add `{other}`"),
            };
            simple(format!("missing required key `{name}`{}", place(&pointer)), Some(hint))
        }
        ValidationErrorKind::Type { .. } if pointer.is_empty() => simple(
            format!(
                "the file must be a mapping with `version` and `suites`, not {}",
                describe_value(instance)
            ),
            Some(if instance.is_null() {
                "the file holds only comments; run `hamming-runner init` for a starter".into()
            } else {
                "start from `version: 1` and a `suites:` mapping; `hamming-runner init` writes a starter".into()
            }),
        ),
        ValidationErrorKind::Type { .. } => {
            let expected = keyword_parent
                .and_then(|node| node.get("type"))
                .map(expected_type)
                .unwrap_or_else(|| "another type".into());
            simple(
                format!("`{field}` must be {expected}, not {}", describe_value(instance)),
                type_hint(&pointer, instance, &expected),
            )
        }
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::Maximum { limit } => {
            let bound = if matches!(error.kind(), ValidationErrorKind::Minimum { .. }) {
                "at least"
            } else {
                "at most"
            };
            let hint = if pointer == "/version" {
                Some("only version 1 exists; write `version: 1`".to_owned())
            } else {
                range_hint(&pointer, instance)
            };
            simple(format!("`{field}` is {instance}; it must be {bound} {limit}"), hint)
        }
        ValidationErrorKind::Pattern { .. } => pattern(&pointer, &field, instance),
        ValidationErrorKind::PropertyNames { error } => {
            let name = error.instance().as_str().unwrap_or_default().to_owned();
            vec![Finding {
                pointer: child(&pointer, &name),
                anchor: Anchor::Key,
                message: format!("`{name}` is not a valid suite name"),
                hint: Some(
                    "suite names start with a letter or digit and use only letters, digits, `-`, `_` and `.` (at most 64 characters)"
                        .into(),
                ),
            }]
        }
        ValidationErrorKind::MinItems { .. } => simple(
            format!("`{field}` is an empty list"),
            Some(match last_segment(&pointer).as_str() {
                "tags" => "name at least one tag, or remove `tags` to inherit the default selection".into(),
                "test_cases" => "list at least one test case, e.g. `- id: <test case id>`".into(),
                "phone_numbers" => "list at least one number in E.164 form, e.g. `\"+14155550100\"`".into(),
                _ => "add at least one item or remove the key".into(),
            }),
        ),
        ValidationErrorKind::MinLength { .. } => simple(
            format!("`{field}` is empty"),
            Some("write a value, or remove the key; if it is templated, check that the variable is set".into()),
        ),
        ValidationErrorKind::MinProperties { .. } => {
            if pointer == "/suites" {
                simple(
                    "`suites` defines no suites".into(),
                    Some("add at least one named suite under `suites:`".into()),
                )
            } else {
                simple(
                    format!("`{field}` sets neither `min` nor `max`"),
                    Some("give the metric a bound, e.g. `{ max: 2.5 }`, or remove it".into()),
                )
            }
        }
        ValidationErrorKind::Enum { options } => {
            let words: Vec<&str> = options
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            not_one_of(&pointer, &field, instance, &words)
        }
        ValidationErrorKind::OneOfNotValid { context }
        | ValidationErrorKind::AnyOf { context } => {
            let words = const_alternatives(keyword_parent);
            if !words.is_empty() {
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                return not_one_of(&pointer, &field, instance, &words);
            }
            alternatives(schema, &pointer, &field, instance, context)
                .unwrap_or_else(|| simple(error.to_string(), None))
        }
        _ => simple(error.to_string(), None),
    }
}

/// Explains an `anyOf`/`oneOf` failure. Optional fields are `anyOf [<type>, null]`: when
/// the value has the wrong type altogether, say which type is expected; otherwise the value
/// is of the right kind and the errors inside the one real alternative are the ones to show.
fn alternatives(
    schema: &Value,
    pointer: &str,
    field: &str,
    instance: &Value,
    context: &[Vec<ValidationError<'static>>],
) -> Option<Vec<Finding>> {
    let type_mismatch = |errors: &Vec<ValidationError<'static>>| {
        errors.iter().all(|e| {
            matches!(e.kind(), ValidationErrorKind::Type { .. })
                && e.instance_path().as_str() == pointer
        })
    };
    let real: Vec<&Vec<ValidationError<'static>>> = context
        .iter()
        .filter(|errors| !type_mismatch(errors))
        .collect();
    match real.as_slice() {
        [only] => Some(only.iter().flat_map(|e| explain(schema, e)).collect()),
        [] => {
            let mut types: Vec<Value> = Vec::new();
            for error in context.iter().flatten() {
                let declared = keyword_parent(schema, error.evaluation_path().as_str())
                    .and_then(|node| node.get("type"));
                match declared {
                    Some(Value::Array(many)) => types.extend(many.iter().cloned()),
                    Some(one) => types.push(one.clone()),
                    None => {}
                }
            }
            let expected = expected_type(&Value::Array(types));
            Some(vec![Finding {
                pointer: pointer.to_owned(),
                anchor: Anchor::Value,
                message: format!(
                    "`{field}` must be {expected}, not {}",
                    describe_value(instance)
                ),
                hint: type_hint(pointer, instance, &expected),
            }])
        }
        _ => None,
    }
}

fn unknown_key(pointer: &str, key: &str, allowed: &[&str]) -> Finding {
    if pointer == "/suites" {
        // Suite names are free, so the only way a key is unknown here is its spelling.
        return Finding {
            pointer: child(pointer, key),
            anchor: Anchor::Key,
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
        message: format!("unknown key `{key}`{}", place(pointer)),
        hint: Some(hint),
    }
}

fn not_one_of(pointer: &str, field: &str, instance: &Value, words: &[&str]) -> Vec<Finding> {
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
        message: format!("`{text}` is not a valid value for `{field}`"),
        hint: Some(hint),
    }]
}

fn pattern(pointer: &str, field: &str, instance: &Value) -> Vec<Finding> {
    let text = instance.as_str().unwrap_or_default();
    let (message, hint) = if pointer.contains("/phone_numbers/") {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let candidate = if digits.len() == 10 {
            format!("+1{digits}")
        } else {
            format!("+{}", digits.trim_start_matches('0'))
        };
        let plausible = (8..=16).contains(&candidate.len());
        let example = if plausible {
            candidate
        } else {
            "+14155550100".to_owned()
        };
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
    } else {
        (
            format!("`{text}` is not a valid value for `{field}`"),
            "check the value's format".to_owned(),
        )
    };
    vec![Finding {
        pointer: pointer.to_owned(),
        anchor: Anchor::Value,
        message,
        hint: Some(hint),
    }]
}

/// The schema node that holds the failing keyword, found by following the evaluation path
/// (which passes through `$ref`s) from the root.
fn keyword_parent<'a>(schema: &'a Value, evaluation_path: &str) -> Option<&'a Value> {
    let segments = segments(evaluation_path);
    let (_, parents) = segments.split_last()?;
    let mut node = schema;
    for segment in parents {
        node = if segment == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            schema.pointer(target)?
        } else {
            match node {
                Value::Object(map) => map.get(segment.as_str())?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            }
        };
    }
    // The keyword's own node may itself be a `$ref` wrapper.
    match node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(target) if node.get("properties").is_none() => schema.pointer(target).or(Some(node)),
        _ => Some(node),
    }
}

/// The `const` values of a `oneOf`/`anyOf` of constants (how schemars writes documented enums).
fn const_alternatives(node: Option<&Value>) -> Vec<String> {
    let Some(node) = node else { return Vec::new() };
    let alternatives = node
        .get("oneOf")
        .or_else(|| node.get("anyOf"))
        .and_then(Value::as_array);
    alternatives
        .map(|alts| {
            alts.iter()
                .filter_map(|alt| alt.get("const").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn expected_type(types: &Value) -> String {
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

fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "empty".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the text `{}`", truncate(s)),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn type_hint(pointer: &str, instance: &Value, expected: &str) -> Option<String> {
    if matches!(last_segment(pointer).as_str(), "timeout" | "poll_interval") {
        return Some("durations are text with a unit, e.g. `900s`, `15m` or `1h30m`".into());
    }
    match (instance, expected) {
        (Value::String(s), "a whole number" | "a number") if s.trim().parse::<f64>().is_ok() => {
            Some(format!("remove the quotes: `{}`", s.trim()))
        }
        (Value::Null, _) => Some("the key has no value; give it one or remove the key".into()),
        (_, "a list") => Some("write a list, e.g. `[a, b]` or one `- item` per line".into()),
        (Value::Number(n), "text") => Some(format!("quote it: `\"{n}\"`")),
        _ => None,
    }
}

fn range_hint(pointer: &str, instance: &Value) -> Option<String> {
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

fn last_segment(pointer: &str) -> String {
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
fn place(pointer: &str) -> String {
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
