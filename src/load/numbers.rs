//! Whole numbers written with a decimal point (`samples: 2.0`, `version: 1.0`) or read as
//! floats by the parser (YAML's `010`): the JSON Schema counts them as integers, as its
//! specification says, so the model must too. They are turned into integers before the
//! schema check; everything else keeps its value, and the free-form `scenario_facts`
//! (sent to Hamming as written) are left alone.

use serde_json::{Number, Value};

/// The largest whole number an `f64` holds exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// Rewrites every whole-number float in the document as an integer.
pub fn whole_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() <= EXACT
            {
                // Exact: the value is whole and within the range an f64 holds exactly.
                *n = if f < 0.0 {
                    Number::from(f as i64)
                } else {
                    Number::from(f as u64)
                };
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if key != "scenario_facts" {
                    whole_numbers_as_integers(item);
                }
            }
        }
        _ => {}
    }
}

/// The pointer of the first number in the document that a serde error quotes (serde quotes
/// the value it could not take, as in ``invalid type: floating point `1e+20`, expected
/// u32``), so the error can point at it.
pub fn locate_quoted_number(value: &Value, message: &str) -> Option<String> {
    let quoted = message.split('`').nth(1)?;
    let wanted: f64 = quoted.parse().ok()?;
    find(value, wanted, String::new())
}

fn find(value: &Value, wanted: f64, pointer: String) -> Option<String> {
    match value {
        Value::Number(n) if n.as_f64() == Some(wanted) => Some(pointer),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| find(item, wanted, format!("{pointer}/{i}"))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let key = key.replace('~', "~0").replace('/', "~1");
            find(item, wanted, format!("{pointer}/{key}"))
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_floats_become_integers_and_facts_stay_as_written() {
        let mut doc = json!({
            "version": 1.0,
            "suites": { "s": { "samples": 2.0, "max_calls": 10.0,
                "thresholds": { "min_test_pass_rate": 0.8, "min_assertion_score": 1.0 },
                "test_cases": [ { "id": "c", "scenario_facts": { "amount": 10.0 } } ] } }
        });
        whole_numbers_as_integers(&mut doc);
        assert_eq!(doc["version"], json!(1));
        assert!(doc["version"].is_u64());
        assert!(doc["suites"]["s"]["samples"].is_u64());
        assert_eq!(
            doc["suites"]["s"]["thresholds"]["min_test_pass_rate"],
            json!(0.8)
        );
        assert!(doc["suites"]["s"]["test_cases"][0]["scenario_facts"]["amount"].is_f64());
        let mut big = json!(1e300);
        whole_numbers_as_integers(&mut big);
        assert!(big.is_f64());
    }

    #[test]
    fn finds_the_number_a_serde_error_quotes() {
        let doc = json!({ "suites": { "s": { "samples": 2, "max_calls": 1e20 } } });
        assert_eq!(
            locate_quoted_number(&doc, "invalid type: floating point `1e+20`, expected u32")
                .as_deref(),
            Some("/suites/s/max_calls")
        );
        assert_eq!(locate_quoted_number(&doc, "no quote here"), None);
    }
}
