//! Checks the rendered document against the published JSON Schema and turns each error into
//! a finding at its JSON pointer, worded by `schema_words`.

use std::collections::HashSet;
use std::sync::OnceLock;

use jsonschema::error::{ValidationError, ValidationErrorKind};
use serde_json::Value;

use super::Finding;
use super::positions::{Anchor, child, segments};
use super::schema_words::{
    describe_value, dotted, expected_type, last_segment, not_one_of, pattern, place, range_hint,
    type_hint, unknown_key,
};

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
            focus: None,
            message: "the built-in JSON Schema does not compile".into(),
            hint: Some("this is a bug in hamming-runner; please report it".into()),
        }];
    };
    let mut findings: Vec<Finding> = Vec::new();
    let mut seen: HashSet<Finding> = HashSet::new();
    for error in validator.iter_errors(document) {
        for finding in explain(&compiled.schema, &error) {
            if seen.insert(finding.clone()) {
                findings.push(finding);
            }
        }
    }
    findings
}

/// How to write a tag expression, for every message about one.
const TAG_EXPRESSION_HINT: &str = "give at least one of `all: [..]`, `any: [..]` or `none: [..]` a tag, or write a plain list `[tag, ...]`";

/// One schema error as findings, worded for a person.
pub(crate) fn explain(schema: &Value, error: &ValidationError<'_>) -> Vec<Finding> {
    let pointer = error.instance_path().as_str().to_owned();
    let instance: &Value = error.instance();
    let field = dotted(&pointer);
    let keyword_parent = keyword_parent(schema, error.evaluation_path().as_str());
    let simple = |message: String, hint: Option<String>| {
        vec![Finding {
            pointer: pointer.clone(),
            anchor: Anchor::Value,
            focus: None,
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
            let range = keyword_parent.and_then(|node| {
                Some((node.get("minimum")?.clone(), node.get("maximum")?.clone()))
            });
            let hint = if pointer == "/version" {
                Some("only version 1 exists; write `version: 1`".to_owned())
            } else if let Some(hint) = range_hint(&pointer, instance) {
                Some(hint)
            } else {
                range.map(|(min, max)| format!("use a value from {min} to {max}"))
            };
            simple(format!("`{field}` is {instance}; it must be {bound} {limit}"), hint)
        }
        ValidationErrorKind::ExclusiveMinimum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => {
            let bound = if matches!(error.kind(), ValidationErrorKind::ExclusiveMinimum { .. }) {
                "more than"
            } else {
                "less than"
            };
            let hint = match last_segment(&pointer).as_str() {
                "confidence" => "a confidence is a level above 0.5 and below 1, such as 0.9, 0.95 or 0.99",
                "margin" => "the margin is the smallest drop worth catching, above 0 and below 1, such as 0.05 or 0.1",
                _ => "choose a value inside the range",
            };
            simple(
                format!("`{field}` is {instance}; it must be {bound} {limit}"),
                Some(hint.to_owned()),
            )
        }
        ValidationErrorKind::Pattern { .. } => pattern(&pointer, &field, instance),
        ValidationErrorKind::PropertyNames { error } => {
            let name = error.instance().as_str().unwrap_or_default().to_owned();
            vec![Finding {
                pointer: child(&pointer, &name),
                anchor: Anchor::Key,
                focus: None,
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
                "all" | "any" | "none" if pointer.contains("/tags/") => "name at least one tag, or remove the key".into(),
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
            } else if last_segment(&pointer) == "tags" {
                simple(
                    "`tags` is an empty tag expression".into(),
                    Some(TAG_EXPRESSION_HINT.into()),
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
            // Quoted digits were meant as the number: name only the numeric alternative,
            // so the hint can say to remove the quotes.
            let numeric: Vec<Value> = types
                .iter()
                .filter(|t| matches!(t.as_str(), Some("integer" | "number")))
                .cloned()
                .collect();
            let quoted_number = instance
                .as_str()
                .is_some_and(|s| s.trim().parse::<f64>().is_ok());
            if quoted_number && !numeric.is_empty() {
                types = numeric;
            }
            let expected = expected_type(&Value::Array(types));
            Some(vec![Finding {
                pointer: pointer.to_owned(),
                anchor: Anchor::Value,
                focus: None,
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
