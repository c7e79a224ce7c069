//! One call as Hamming's clients see it: the number it dialled, its details and the delay
//! before its recording link appears, and the headers that may carry the key.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;

#[tokio::test]
async fn each_result_names_its_number_unless_the_workspace_omits_it() {
    let api = start(workspace(MIXED)).await;
    let mut body = by_cases("agent-1", &["case-pass"]);
    body["phoneNumbers"] = json!(["+14155550100", "+442071838750"]);
    body["samplingCount"] = json!(2);
    let id = api.create(&body).await["testRunId"]
        .as_str()
        .unwrap()
        .to_owned();
    api.wait(&id, Duration::from_secs(5)).await;
    let numbers: Vec<String> = api.results(&id).await["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["phoneNumber"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        numbers,
        [
            "+14155550100",
            "+442071838750",
            "+14155550100",
            "+442071838750"
        ]
    );

    let mut ws = workspace(MIXED);
    ws.omit_phone_number = true;
    let terse = start(ws).await;
    let id = terse.create(&body).await["testRunId"]
        .as_str()
        .unwrap()
        .to_owned();
    // Pending and finished entries alike go without it.
    let pending = terse.results(&id).await;
    assert!(pending["results"][0].get("phoneNumber").is_none());
    terse.wait(&id, Duration::from_secs(5)).await;
    let done = terse.results(&id).await;
    assert_eq!(done["results"][0]["status"], "PASSED");
    assert!(done["results"][0].get("phoneNumber").is_none());
}

#[tokio::test]
async fn details_give_the_recording_link_once_the_delay_has_passed() {
    // 60 s calls at speed 2000 end after 40 ms (plus the 10 ms queue); the recording
    // follows 600 simulated seconds (300 ms) later.
    let mut ws = workspace(MIXED);
    ws.recording_delay_seconds = Some(600.0);
    let api = start(ws).await;
    let created = api.create(&by_cases("agent-1", &["case-pass"])).await;
    let run_id = created["testRunId"].as_str().unwrap().to_owned();
    let call_id = created["testCaseRuns"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/test-case-runs/{call_id}/details");

    // Before the call ends, and after it ends but within the delay: no link yet.
    let early = api.get(&path).await;
    assert_eq!(early.status, 200, "{}", early.text);
    assert_eq!(early.json(), json!({ "id": call_id, "recordingUrl": "" }));
    assert_eq!(api.wait(&run_id, Duration::from_secs(5)).await, "COMPLETED");
    let results = api.results(&run_id).await;
    let entry = &results["results"][0];
    if entry["recordingUrl"].is_null() {
        assert_eq!(entry["status"], "PASSED");
        assert_eq!(api.get(&path).await.json()["recordingUrl"], "");
    }

    // Once the delay has passed both carry it.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let link = loop {
        let body = api.get(&path).await.json();
        let link = body["recordingUrl"].as_str().unwrap().to_owned();
        if !link.is_empty() {
            break link;
        }
        assert!(std::time::Instant::now() < deadline, "no recording link");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(link.ends_with(&format!("{call_id}.wav")), "{link}");
    assert_eq!(
        api.results(&run_id).await["results"][0]["recordingUrl"],
        json!(link)
    );

    let unknown = api
        .get("/test-case-runs/cnosuchcall00000000000000/details")
        .await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.text.contains("Test case run not found"),
        "{}",
        unknown.text
    );
}

#[tokio::test]
async fn without_a_delay_the_link_comes_with_the_result() {
    let api = start(workspace(MIXED)).await;
    let created = api.create(&by_cases("agent-1", &["case-pass"])).await;
    let run_id = created["testRunId"].as_str().unwrap();
    api.wait(run_id, Duration::from_secs(5)).await;
    let results = api.results(run_id).await;
    let entry = &results["results"][0];
    assert!(
        entry["recordingUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let details = api
        .get(&format!(
            "/test-case-runs/{}/details",
            entry["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(details["recordingUrl"], entry["recordingUrl"]);
}

#[tokio::test]
async fn the_key_is_accepted_in_any_of_the_three_headers() {
    let mut ws = workspace(MIXED);
    ws.api_keys = Some(vec![KEY.to_owned()]);
    let api = start(ws).await;
    let url = api.url("/agents");
    assert_eq!(
        api.send(api.client.get(&url).bearer_auth(KEY)).await.status,
        200
    );
    assert_eq!(
        api.send(api.client.get(&url).header("X-API-Key", KEY))
            .await
            .status,
        200
    );
    assert_eq!(
        api.send(api.client.get(&url).header("X-Workspace-Key", KEY))
            .await
            .status,
        200
    );
    // All three, as Hamming's LiveKit plugin sends them.
    let all = api
        .client
        .get(&url)
        .bearer_auth(KEY)
        .header("X-API-Key", KEY)
        .header("X-Workspace-Key", KEY);
    assert_eq!(api.send(all).await.status, 200);
    // A wrong key in any header is refused, even beside a right one.
    let mixed = api
        .client
        .get(&url)
        .bearer_auth(KEY)
        .header("X-API-Key", "sk-wrong");
    assert_eq!(api.send(mixed).await.status, 401);
    assert_eq!(
        api.send(api.client.get(&url).header("X-Workspace-Key", "sk-wrong"))
            .await
            .status,
        401
    );
    assert_eq!(
        api.send(api.client.get(&url).header("X-API-Key", ""))
            .await
            .status,
        401
    );
}
