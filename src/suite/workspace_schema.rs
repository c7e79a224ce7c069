//! The suite schema with a workspace's real names in it (`schema --workspace`): tag names,
//! test case ids (for selection and quarantine), agent ids and dataset ids offered as
//! completions on the fields that take them, so an editor completes them and shows each
//! one's title on hover.
//!
//! Every known value is an `anyOf` alternative (`const` with a description) next to the
//! field's general schema, so a tag or case added to the workspace after the schema was
//! written is never flagged as an error.

use serde_json::{Value, json};

/// One value the workspace knows, with what an editor shows next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub value: String,
    pub label: String,
}

/// What a workspace offers for completion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceNames {
    /// Where the names came from, for the schema's description.
    pub source: String,
    pub agents: Vec<Known>,
    /// Tag names and tag ids.
    pub tags: Vec<Known>,
    pub test_cases: Vec<Known>,
    pub datasets: Vec<Known>,
}

/// The schema with the workspace's names offered on the fields that take them. Without
/// `$id`: this schema describes one workspace, not the published file format.
pub fn with_workspace(mut schema: Value, names: &WorkspaceNames) -> Value {
    let targets: [(&str, &[Known]); 8] = [
        ("/$defs/SuiteSpec/properties/agent_id", &names.agents),
        ("/$defs/SuiteSpec/properties/dataset", &names.datasets),
        ("/$defs/TagSelector/oneOf/0/items", &names.tags),
        ("/$defs/TagExpression/properties/all/items", &names.tags),
        ("/$defs/TagExpression/properties/any/items", &names.tags),
        ("/$defs/TagExpression/properties/none/items", &names.tags),
        ("/$defs/TestCaseSpec/properties/id", &names.test_cases),
        (
            "/$defs/QuarantineSpec/properties/test_case",
            &names.test_cases,
        ),
    ];
    for (pointer, known) in targets {
        if let Some(node) = schema.pointer_mut(pointer) {
            offer(node, known);
        }
    }
    if let Some(object) = schema.as_object_mut() {
        object.remove("$id");
        object.insert(
            "description".into(),
            Value::String(format!(
                "hamming-runner suite file, with the names of {} offered for completion ({} agents, {} tags, {} test cases, {} datasets). Regenerate it with `hamming-runner schema --workspace` when the workspace changes; any other value is still accepted.",
                names.source,
                names.agents.len(),
                names.tags.len(),
                names.test_cases.len(),
                names.datasets.len()
            )),
        );
    }
    schema
}

/// Adds the known values to one field's schema: as `examples` (which editors complete) and
/// as `anyOf` alternatives with descriptions, the last of which accepts anything the field
/// already allows.
fn offer(node: &mut Value, known: &[Known]) {
    if known.is_empty() {
        return;
    }
    let Some(object) = node.as_object_mut() else {
        return;
    };
    let mut alternatives: Vec<Value> = known
        .iter()
        .map(|k| json!({ "const": k.value, "description": k.label }))
        .collect();
    alternatives.push(json!({ "description": "any other value" }));
    object.insert("anyOf".into(), Value::Array(alternatives));
    object.insert(
        "examples".into(),
        Value::Array(
            known
                .iter()
                .map(|k| Value::String(k.value.clone()))
                .collect(),
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(value: &str, label: &str) -> Known {
        Known {
            value: value.into(),
            label: label.into(),
        }
    }

    #[test]
    fn known_names_are_offered_and_others_still_pass() {
        let names = WorkspaceNames {
            source: "a test workspace".into(),
            agents: vec![known("agent-1", "Front desk")],
            tags: vec![known("smoke", "tag smoke (2 test cases)")],
            test_cases: vec![known("case-1", "Greets the caller")],
            datasets: Vec::new(),
        };
        let schema = with_workspace(super::super::json_schema(), &names);
        assert!(schema.get("$id").is_none());
        let items = schema.pointer("/$defs/TagSelector/oneOf/0/items").unwrap();
        assert_eq!(items["anyOf"][0]["const"], "smoke");
        assert_eq!(items["examples"], json!(["smoke"]));
        let id = schema.pointer("/$defs/TestCaseSpec/properties/id").unwrap();
        assert_eq!(id["anyOf"][0]["description"], "Greets the caller");
        let quarantined = schema
            .pointer("/$defs/QuarantineSpec/properties/test_case")
            .unwrap();
        assert_eq!(quarantined["examples"], json!(["case-1"]));
        // No dataset is known, so the field is left as it was.
        let dataset = schema
            .pointer("/$defs/SuiteSpec/properties/dataset")
            .unwrap();
        assert!(dataset.get("anyOf").is_none());

        let validator = jsonschema::draft202012::new(&schema).unwrap();
        let document = json!({
            "version": 1,
            "suites": {
                "known": { "agent_id": "agent-1", "phone_numbers": ["+14155550100"], "tags": ["smoke"] },
                "new": { "agent_id": "agent-9", "phone_numbers": ["+14155550100"],
                         "tags": { "all": ["brand-new"] }, },
                "cases": { "agent_id": "agent-1", "phone_numbers": ["+14155550100"],
                           "test_cases": [{ "id": "case-2" }] }
            }
        });
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        // The general rules still hold.
        let bad = json!({ "version": 1, "suites": { "s": { "tags": [""] } } });
        assert!(!validator.is_valid(&bad));
    }
}
