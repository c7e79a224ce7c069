//! Helpers shared by the simulator's integration tests: start a simulator, talk to it over
//! real HTTP with a plain reqwest client.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use hamming_runner::sim::{self, SimHandle, SimOptions, Workspace};
use serde_json::{Value, json};

pub const KEY: &str = "sk-0123456789abcdef";

pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

pub fn workspace(yaml: &str) -> Workspace {
    Workspace::from_yaml(yaml, "<test>").unwrap()
}

pub async fn start(ws: Workspace) -> Api {
    start_with(ws, SimOptions::default()).await
}

pub async fn start_with(ws: Workspace, options: SimOptions) -> Api {
    let handle = sim::start(ws, options).await.unwrap();
    Api {
        base: handle.base_url(),
        client: client(),
        handle,
    }
}

pub struct Api {
    pub base: String,
    pub client: reqwest::Client,
    pub handle: SimHandle,
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

impl Api {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Reply {
            status,
            headers,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(self.url(path)).bearer_auth(KEY))
            .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(self.client.post(self.url(path)).bearer_auth(KEY).json(body))
            .await
    }

    pub async fn create(&self, body: &Value) -> Value {
        let reply = self.post("/test-runs/test-inbound-agent", body).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json()
    }

    pub async fn status(&self, id: &str) -> String {
        let reply = self.get(&format!("/test-runs/{id}/status")).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json()["status"].as_str().unwrap().to_owned()
    }

    pub async fn results(&self, id: &str) -> Value {
        let reply = self.get(&format!("/test-runs/{id}/results")).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json()
    }

    /// Polls until the run leaves QUEUED/RUNNING; panics after `limit`.
    pub async fn wait(&self, id: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let status = self.status(id).await;
            if !matches!(status.as_str(), "QUEUED" | "RUNNING") {
                return status;
            }
            assert!(Instant::now() < deadline, "run {id} still {status}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

pub fn by_tag(agent: &str, tag: &str) -> Value {
    json!({
        "agentId": agent,
        "phoneNumbers": ["+14155550100"],
        "testConfigurations": [{ "tagId": tag }],
    })
}

pub fn by_cases(agent: &str, cases: &[&str]) -> Value {
    let configs: Vec<Value> = cases.iter().map(|c| json!({ "testCaseId": c })).collect();
    json!({
        "agentId": agent,
        "phoneNumbers": ["+14155550100"],
        "testConfigurations": configs,
    })
}

/// A workspace with one agent, a `smoke` tag and cases of every outcome.
pub const MIXED: &str = r#"
seed: 7
speed: 2000
queue_delay_seconds: 20
agents:
  - id: agent-1
    name: Front desk
  - id: agent-2
tags:
  - id: tag-smoke
    name: smoke
    description: Quick checks
  - id: tag-other
    name: other-agent-only
test_cases:
  - id: case-pass
    title: Books an appointment
    tags: [smoke]
    agent_ids: [agent-1]
    duration_seconds: 60
    assertions:
      - name: Verifies identity
        category: Compliance
      - name: Confirms the slot
        category: Booking
  - id: case-fail
    title: Cancels an appointment
    tags: [tag-smoke]
    agent_ids: [agent-1]
    outcome: fail
    duration_seconds: 90
    assertions:
      - name: Verifies identity
        category: Compliance
        failure_reason: The agent never asked for the date of birth.
      - name: Polite
        category: Tone
        fails_on_failure: false
  - id: case-error
    title: Transfers to a human
    tags: [smoke]
    agent_ids: [agent-1]
    outcome: error
    duration_seconds: 30
  - id: case-flaky
    title: Reschedules
    agent_ids: [agent-1]
    outcome: flaky
    fail_probability: 0.5
    duration_seconds: 10
  - id: case-agent2
    title: Belongs to agent 2
    tags: [other-agent-only]
    agent_ids: [agent-2]
"#;
