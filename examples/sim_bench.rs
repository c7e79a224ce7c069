//! Throughput check for the simulator: 50 concurrent clients on loopback alternate between
//! `GET /status` and `GET /results` of one run for a few seconds, then the request rate is
//! printed. `cargo run --release --example sim_bench [-- SECONDS CLIENTS]`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hamming_runner::sim::{Seed, SimOptions, Workspace, start};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(5);
    let clients: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(50);
    let _ = rustls::crypto::ring::default_provider().install_default();

    let workspace = Workspace::seeded(&Seed {
        agents: vec!["bench-agent".into()],
        tags: vec![],
        test_cases: (0..10).map(|i| format!("bench-case-{i}")).collect(),
        ..Default::default()
    });
    let sim = start(
        workspace,
        SimOptions {
            speed: Some(10.0),
            ..Default::default()
        },
    )
    .await?;
    let base = sim.base_url();
    let http = reqwest::Client::new();
    let cases: Vec<serde_json::Value> = (0..10)
        .map(|i| serde_json::json!({ "testCaseId": format!("bench-case-{i}") }))
        .collect();
    let created: serde_json::Value = http
        .post(format!("{base}/test-runs/test-inbound-agent"))
        .bearer_auth("sk-bench")
        .json(&serde_json::json!({
            "agentId": "bench-agent",
            "phoneNumbers": ["+14155550100", "+14155550101"],
            "testConfigurations": cases,
        }))
        .send()
        .await?
        .json()
        .await?;
    let id = created["testRunId"].as_str().unwrap_or_default().to_owned();

    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..clients {
        let (done, failed) = (done.clone(), failed.clone());
        let client = reqwest::Client::new();
        let status = format!("{base}/test-runs/{id}/status");
        let results = format!("{base}/test-runs/{id}/results");
        tasks.push(tokio::spawn(async move {
            let mut i = n;
            while Instant::now() < deadline {
                let url = if i % 2 == 0 { &status } else { &results };
                i += 1;
                let ok = match client.get(url).bearer_auth("sk-bench").send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                let counter = if ok { &done } else { &failed };
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ok = done.load(Ordering::Relaxed);
    println!(
        "{clients} clients, {elapsed:.1} s: {ok} requests ({:.0} req/s), {} failed; run of 20 calls",
        ok as f64 / elapsed,
        failed.load(Ordering::Relaxed)
    );
    sim.shutdown().await;
    Ok(())
}
