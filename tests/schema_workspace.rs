//! `schema --workspace` against the simulator: the workspace's real names are offered for
//! completion, and values the workspace does not know still validate.

mod engine;

use engine::*;
use serde_json::{Value, json};

fn consts(schema: &Value, pointer: &str) -> Vec<String> {
    schema
        .pointer(pointer)
        .and_then(|node| node["anyOf"].as_array())
        .map(|alternatives| {
            alternatives
                .iter()
                .filter_map(|a| a["const"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_workspace_schema_offers_real_tags_and_cases() {
    let sim = start_sim(WORKSPACE).await;
    let run = Runner::new(&sim)
        .args_only(&["schema", "--workspace", "--output", "workspace.schema.json"])
        .run()
        .await;
    run.assert_code(0);
    run.assert_no_key();
    let schema = run.json("workspace.schema.json");
    let tags = consts(&schema, "/$defs/TagSelector/oneOf/0/items");
    for name in ["smoke", "failing", "flaky", "hang", "slow", "other-agent"] {
        assert!(tags.contains(&name.to_owned()), "{name} not in {tags:?}");
    }
    assert_eq!(
        consts(&schema, "/$defs/TagExpression/properties/none/items"),
        tags
    );
    let cases = consts(&schema, "/$defs/TestCaseSpec/properties/id");
    assert!(cases.contains(&"case-pass".to_owned()), "{cases:?}");
    let titled = schema
        .pointer("/$defs/TestCaseSpec/properties/id/anyOf")
        .and_then(Value::as_array)
        .unwrap()
        .iter()
        .find(|a| a["const"] == "case-pass")
        .unwrap();
    assert!(
        titled["description"]
            .as_str()
            .unwrap()
            .starts_with("Greets the caller"),
        "{titled}"
    );
    assert_eq!(
        consts(&schema, "/$defs/SuiteSpec/properties/agent_id"),
        vec!["agent-1", "agent-2"]
    );

    // A tag the workspace does not know yet is not an error in the editor.
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let document = json!({
        "version": 1,
        "defaults": { "agent_id": "agent-1", "phone_numbers": ["+14155550100"] },
        "suites": { "new": { "tags": ["not-yet-created"] }, "known": { "tags": { "all": ["smoke"] } } }
    });
    assert!(validator.is_valid(&document));

    // Restricted to one agent, only its cases are offered.
    let scoped = Runner::new(&sim)
        .args_only(&["schema", "--workspace", "--agent", "agent-2"])
        .run()
        .await;
    scoped.assert_code(0);
    let schema: Value = serde_json::from_str(&scoped.stdout).unwrap();
    assert_eq!(
        consts(&schema, "/$defs/TestCaseSpec/properties/id"),
        vec!["case-elsewhere"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_workspace_schema_needs_a_key_and_the_plain_one_does_not() {
    let offline = Runner::offline()
        .args_only(&["schema", "--workspace"])
        .run()
        .await;
    offline.assert_code(2);
    assert!(
        offline.stderr.contains("HAMMING_API_KEY"),
        "{}",
        offline.stderr
    );
    let plain = Runner::offline().args_only(&["schema"]).run().await;
    plain.assert_code(0);
    assert_eq!(plain.stdout, hamming_runner::suite::json_schema_text());
}
