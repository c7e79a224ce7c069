//! The workspace file: its published JSON Schema, the shipped example, and load errors.

use std::path::Path;

use hamming_runner::sim::{Workspace, WorkspaceError, json_schema};
use serde_json::Value;

const SCHEMA: &str = "schemas/hamming-workspace.schema.json";
const EXAMPLE: &str = "examples/simulator/workspace.yaml";

#[test]
fn published_schema_matches_the_model() {
    let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA);
    if std::env::var_os("HAMMING_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{SCHEMA} is out of date; regenerate it with HAMMING_UPDATE_SCHEMAS=1 cargo test --test sim_workspace"
    );
}

#[test]
fn the_example_validates_and_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(EXAMPLE)).unwrap();
    let instance: Value = serde_saphyr::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&json_schema()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let ws = Workspace::load(&root.join(EXAMPLE)).unwrap();
    assert_eq!(ws.agents.len(), 2);
    assert_eq!(ws.faults.len(), 2);
    assert!(ws.find_tag("regression").is_some());
}

#[test]
fn unknown_keys_and_dangling_references_are_reported_where_they_are() {
    let err = Workspace::from_yaml("agents:\n  - id: a\n    nmae: A\n", "ws.yaml").unwrap_err();
    let WorkspaceError::File(diagnostics) = &err else {
        panic!("{err}");
    };
    let first = &diagnostics.0[0];
    assert_eq!((first.line, first.column), (3, 5));
    assert_eq!(first.hint.as_deref(), Some("did you mean `name`?"));
    assert!(err.to_string().contains("ws.yaml:3:5"), "{err}");

    let yaml = "agents: [{ id: a }]\ntest_cases:\n  - id: c\n    title: C\n    tags: [nope]\n    agent_ids: [b]\n    fail_probability: 2\nfaults:\n  - fault: explode\n";
    let err = Workspace::from_yaml(yaml, "ws.yaml").unwrap_err();
    let text = err.to_string();
    for needle in [
        "names the unknown tag `nope`\n --> ws.yaml:5:12",
        "names the unknown agent `b`\n --> ws.yaml:6:17",
        "`fail_probability` is 2; it must be from 0 to 1\n --> ws.yaml:7:23",
        "unknown fault directive \"explode\"\n --> ws.yaml:9:12",
        "ws.yaml has 4 errors; the simulator was not started",
    ] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
    let err = Workspace::load(Path::new("/no/such/workspace.yaml")).unwrap_err();
    assert!(err.to_string().contains("/no/such/workspace.yaml"));
}

#[test]
fn a_workspace_of_comments_only_is_empty_and_a_built_one_is_checked_too() {
    let ws = Workspace::from_yaml("# nothing configured yet\n", "ws.yaml").unwrap();
    assert!(ws.agents.is_empty() && ws.test_cases.is_empty());
    let ws = Workspace {
        max_runs: Some(0),
        ..Workspace::default()
    };
    assert_eq!(
        ws.problems(),
        [
            "max_runs: `max_runs` must be at least 1 (it is how many runs are kept at once; the default is 1000)"
        ]
    );
}

#[tokio::test]
async fn start_refuses_a_bad_speed_and_a_taken_port() {
    use hamming_runner::sim::{SimOptions, start};
    let err = start(
        Workspace::default(),
        SimOptions {
            speed: Some(0.0),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("speed"));
    let first = start(Workspace::default(), SimOptions::default())
        .await
        .unwrap();
    let err = start(
        Workspace::default(),
        SimOptions {
            port: first.addr().port(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("--port"), "{err}");
    first.shutdown().await;
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    use hamming_runner::sim::{SimOptions, start};
    let handle = start(Workspace::default(), SimOptions::default())
        .await
        .unwrap();
    let addr = handle.addr();
    drop(handle);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "still accepting after drop"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn the_example_workspace_serves_a_smoke_run() {
    use hamming_runner::sim::{SimOptions, start};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ws = Workspace::load(&root.join(EXAMPLE)).unwrap();
    let key = ws.api_keys.as_ref().unwrap()[0].clone();
    let sim = start(
        ws,
        SimOptions {
            speed: Some(20_000.0),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let base = sim.base_url();
    let created: Value = http
        .post(format!("{base}/test-runs/test-inbound-agent"))
        .bearer_auth(&key)
        .json(&serde_json::json!({
            "agentId": "cmagentfrontdesk000000001",
            "phoneNumbers": ["+14155550100"],
            "testConfigurations": [{ "tagId": "cmtagsmoke000000000000001" }],
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["testRunId"].as_str().unwrap();
    assert_eq!(created["testCaseRuns"].as_array().unwrap().len(), 2);
    // The example's first fault rule answers the second status poll with an HTML 503.
    let mut codes = Vec::new();
    let mut status = String::new();
    for _ in 0..200 {
        let response = http
            .get(format!("{base}/test-runs/{id}/status"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        codes.push(response.status().as_u16());
        if response.status() == 200 {
            let body: Value = response.json().await.unwrap();
            status = body["status"].as_str().unwrap().to_owned();
            // On a slow machine the run may already be over at the first poll; keep polling
            // until the faulted second poll has been seen too.
            if status == "COMPLETED" && codes.len() >= 3 {
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(status, "COMPLETED");
    assert_eq!(codes[1], 503);
    assert_eq!(codes.iter().filter(|c| **c == 503).count(), 1);
    let results: Value = http
        .get(format!("{base}/test-runs/{id}/results"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(results["summary"]["stats"]["passed"], 1);
    assert_eq!(results["summary"]["stats"]["failed"], 1);
    sim.shutdown().await;
}
