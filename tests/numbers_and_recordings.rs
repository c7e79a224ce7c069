//! End to end against the simulator: calls tied to the numbers their results name (and to
//! none when the results name none), and the bounded end-of-run re-check of recording links
//! that Hamming fills in after the result.

mod engine;

use engine::*;
use serde_json::Value;

/// The usual workspace with a recording delay (simulated seconds; at speed 1200, 1200 s is
/// one real second) and, optionally, no `phoneNumber` in the results.
fn workspace(delay: f64, omit_numbers: bool) -> String {
    format!("{WORKSPACE}recording_delay_seconds: {delay}\nomit_phone_number: {omit_numbers}\n")
}

const TWO_NUMBERS: &str = "  s:\n    tags: [smoke]\n    phone_numbers: [\"+14155550100\", \"+442071838750\"]\n    samples: 2\n";

fn details_requests(sim: &hamming_runner::sim::SimHandle) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/rest/test-case-runs/") && r.path.ends_with("/details"))
        .count()
}

fn calls(report: &Value) -> Vec<Value> {
    report["suites"][0]["calls"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_carry_their_numbers_and_late_recordings_are_fetched() {
    let sim = start_sim(&workspace(1200.0, false)).await;
    let run = Runner::new(&sim)
        .suite(&suites(TWO_NUMBERS))
        .args(&["--report-json", "r.json", "--junit", "j.xml"])
        .run()
        .await;
    run.assert_code(0);
    let report = run.json("r.json");
    let calls = calls(&report);
    assert_eq!(calls.len(), 4);
    let numbers: Vec<&str> = calls
        .iter()
        .map(|c| c["phone_number"].as_str().unwrap())
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
    let indexes: Vec<u64> = calls.iter().map(|c| c["index"].as_u64().unwrap()).collect();
    assert_eq!(indexes, [1, 1, 2, 2]);
    // The links were missing when the run completed; the re-check found them.
    for call in &calls {
        assert!(
            call["recording_url"].as_str().unwrap().ends_with(".wav"),
            "{call}"
        );
        assert_eq!(call["recording_pending"], false);
    }
    assert!(details_requests(&sim) >= 4);
    let by_number = &report["suites"][0]["by_number"];
    assert_eq!(by_number[1]["phone_number"], "+442071838750");
    assert_eq!(by_number[1]["counts"]["passed"], 2);
    assert!(
        run.stdout
            .contains("by number:\n    +14155550100: 2 calls, 2 passed"),
        "{}",
        run.stdout
    );
    let junit = run.text("j.xml");
    assert!(
        junit.contains("Greets the caller [case-pass] +442071838750 #2"),
        "{junit}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_still_missing_after_the_recheck_is_recording_pending() {
    // A delay of 100 000 real seconds: never out within the re-check.
    let sim = start_sim(&workspace(1.2e8, false)).await;
    let run = Runner::new(&sim)
        .suite(&suite("tags: [failing]"))
        .args(&["--report-json", "r.json", "--junit", "j.xml"])
        .run()
        .await;
    run.assert_code(1);
    let calls = calls(&run.json("r.json"));
    assert_eq!(calls.len(), 2);
    for call in &calls {
        assert!(call["recording_url"].is_null());
        assert_eq!(call["recording_pending"], true);
    }
    assert!(run.stdout.contains("recording pending"), "{}", run.stdout);
    assert!(run.text("j.xml").contains("recording: pending"));
    assert!(
        run.stderr
            .contains("2 of 2 recording links still pending after a 5s re-check"),
        "{}",
        run.stderr
    );
    // Bounded: about one round a second for five seconds, never a request per poll.
    let asked = details_requests(&sim);
    assert!((2..=12).contains(&asked), "{asked} details requests");
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_is_rechecked_when_links_are_there_or_the_run_timed_out() {
    let sim = start_sim(&workspace(0.0, false)).await;
    Runner::new(&sim)
        .suite(&suite("tags: [smoke]"))
        .run()
        .await
        .assert_code(0);
    assert_eq!(details_requests(&sim), 0);

    let slow = start_sim(&workspace(1.2e8, false)).await;
    let timed_out = Runner::new(&slow)
        .suite(&suite("tags: [hang]"))
        .args(&["--timeout", "1s"])
        .run()
        .await;
    timed_out.assert_code(4);
    assert_eq!(details_requests(&slow), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn results_without_numbers_are_never_tied_to_one() {
    let sim = start_sim(&workspace(0.0, true)).await;
    let run = Runner::new(&sim)
        .suite(&suites(TWO_NUMBERS))
        .args(&["--report-json", "r.json", "--junit", "j.xml"])
        .run()
        .await;
    run.assert_code(0);
    let report = run.json("r.json");
    let calls = calls(&report);
    assert!(calls.iter().all(|c| c["phone_number"].is_null()));
    let indexes: Vec<u64> = calls.iter().map(|c| c["index"].as_u64().unwrap()).collect();
    assert_eq!(indexes, [1, 2, 3, 4]);
    assert!(
        run.stdout
            .contains("by number:\n    number unknown: 4 calls, 4 passed"),
        "{}",
        run.stdout
    );
    let junit = run.text("j.xml");
    assert!(
        junit.contains("Greets the caller [case-pass] #4"),
        "{junit}"
    );
    assert!(!junit.contains("+14155550100 #"), "{junit}");
}
