//! What a server says is untrusted. These drills run the real binary against a simulator
//! that echoes the caller's key in its errors, sends terminal escapes, bidi overrides,
//! workflow commands, HTML and `javascript:` links in every string, and answers a create
//! with a hostile run id; then they search every output and every file written (reports,
//! state, the GitHub step summary and outputs) for the key, for raw control characters, for
//! lines the Actions runner would execute, and for live HTML or links.
//!
//! Also here: a saved report is judged again when read back, `check` on a report points at
//! `report`, and impossible values in results are not judged.

mod engine;

use engine::*;
use hamming_runner::sim::HOSTILE_LINK;
use serde_json::Value;

const CREATE: &str = "test-runs/test-inbound-agent";

#[tokio::test(flavor = "multi_thread")]
async fn a_key_a_server_echoes_reaches_no_output_and_no_file() {
    let mut drills: Vec<(String, Drill)> = Vec::new();
    for (method, path, fault) in [
        ("POST", CREATE, "echo-auth"),
        ("POST", CREATE, "echo-auth;status=400"),
        ("POST", CREATE, "echo-auth;status=500"),
        ("POST", CREATE, "echo-auth;status=502;body=html;phase=after"),
        ("GET", "test-runs/*/status", "echo-auth"),
        (
            "GET",
            "test-runs/*/status",
            "echo-auth;status=503;body=html",
        ),
        ("GET", "test-runs/*/results", "echo-auth;status=500"),
        ("GET", "test-tags", "echo-auth;status=403"),
    ] {
        drills.push((
            format!("{method} {path} {fault}"),
            Box::pin(async move {
                let sim = start_sim_with_faults(&format!(
                    "  - {{ method: {method}, path: \"{path}\", fault: \"{fault}\" }}\n"
                ))
                .await;
                let run = Runner::new(&sim)
                    .suite(&suite("tags: [smoke]"))
                    .github()
                    .args(&[
                        "-vvv",
                        "--request-timeout",
                        "300ms",
                        "--retry-scale",
                        "0.01",
                        "--report-dir",
                        "reports",
                    ])
                    .run()
                    .await;
                // `expect_report` also searches stdout, stderr and every file for the key.
                let report = expect_report(&run, "reports/report.json", 3, "error")?;
                // The error is still told, with the key cut out of it.
                let reason = report["suites"][0]["reason"].as_str().unwrap_or_default();
                ensure(reason.contains("<redacted>"), || {
                    format!("the echoed text is not in the reason: {reason}")
                })
            }),
        ));
    }
    all(drills).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_allowed_secret_is_masked_in_report_files_too() {
    let sim = start_sim(WORKSPACE).await;
    let secret = "sk-template-9f8e7d6c5b4a3210";
    let file = "version: 1\ndefaults:\n  agent_id: agent-1\n  phone_numbers: [\"+14155550100\"]\n  poll_interval: 100ms\nsuites:\n  s:\n    description: \"token {{ env.HAMMING_API_KEY }}\"\n    tags: [smoke]\n";
    let run = Runner::offline()
        .suite(file)
        .github()
        .shell(&format!(
            "printf '%s' '{KEY}' > key.txt && HAMMING_API_KEY={secret} \"$HR\" run suite.yaml --api-key-file key.txt --api-base {} --allow-env-secret HAMMING_API_KEY --report-dir reports",
            sim.base_url()
        ))
        .await;
    run.assert_code(0);
    run.assert_no_key();
    for file in [
        "reports/report.json",
        "reports/junit.xml",
        "reports/summary.md",
        "gh-summary",
    ] {
        let text = run.text(file);
        assert!(
            !text.contains(&secret[3..]),
            "{file} shows the secret:\n{text}"
        );
    }
    assert!(run.text("reports/report.json").contains("token <redacted>"));
    assert!(
        run.stdout.contains(&format!("::add-mask::{secret}")),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_never_leaves_the_authorization_header() {
    let sim = start_sim(WORKSPACE).await;
    // On the command line, under any name.
    let by_var = Runner::new(&sim)
        .suite(&suite("tags: [smoke]"))
        .args(&["--var", &format!("token={KEY}")])
        .run()
        .await;
    by_var.assert_code(2);
    assert!(
        by_var.stderr.contains("never taken from the command line"),
        "{}",
        by_var.stderr
    );
    by_var.assert_no_key();
    // Through a template reading a copy of the key.
    let facts = "test_cases:\n      - id: case-pass\n        scenario_facts: { token: \"{{ env.KEY_COPY }}\" }";
    let by_copy = Runner::new(&sim)
        .suite(&suite(facts))
        .env("KEY_COPY", KEY)
        .run()
        .await;
    by_copy.assert_code(2);
    assert!(
        by_copy
            .stderr
            .contains("holds the value of `HAMMING_API_KEY`"),
        "{}",
        by_copy.stderr
    );
    by_copy.assert_no_key();
    // With the key in a file, the loader cannot know it; the client refuses to send it.
    let from_file = Runner::offline()
        .suite(&suite(facts))
        .env("KEY_COPY", KEY)
        .shell(&format!(
            "printf '%s' '{KEY}' > key.txt && \"$HR\" run suite.yaml --api-key-file key.txt --api-base {} --report-dir reports",
            sim.base_url()
        ))
        .await;
    from_file.assert_code(2);
    let report = from_file.json("reports/report.json");
    assert!(
        report["suites"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("would carry the API key outside the Authorization header"),
        "{report:#}"
    );
    from_file.assert_no_key();
    assert!(
        posts(&sim.requests()).is_empty(),
        "a create carried the key"
    );
}

/// The lines the GitHub Actions runner would execute as commands: a line that starts with
/// `::` after leading spaces, or that holds `##[` anywhere. Our own are allowed.
fn foreign_commands(output: &str) -> Vec<String> {
    const OURS: &[&str] = &[
        "::add-mask::",
        "::group::",
        "::endgroup::",
        "::error file=suite.yaml,",
        "::warning file=suite.yaml,",
    ];
    output
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            (line.starts_with("::") && !OURS.iter().any(|o| line.starts_with(o)))
                || line.contains("##[")
        })
        .map(str::to_owned)
        .collect()
}

/// Raw characters that steer a terminal or reorder text.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            (c.is_control() && !matches!(c, '\n' | '\t'))
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_server_text_cannot_steer_the_terminal_the_ci_log_or_the_reports() {
    let sim = start_sim_with_faults(&format!(
        "  - {{ method: GET, path: \"test-runs/*/results\", fault: \"hostile-text\" }}\n  - {{ method: POST, path: \"{CREATE}\", fault: \"hostile-text\" }}\n"
    ))
    .await;
    let run = Runner::new(&sim)
        .suite(&suite("tags: [failing]"))
        .github()
        .args(&["-v", "--report-dir", "reports"])
        .run()
        .await;
    // The verdict is the agent's, whatever the text says.
    let report = expect_report(&run, "reports/report.json", 1, "failed").unwrap();
    let output = format!("{}\n{}", run.stdout, run.stderr);
    assert!(
        output.contains("injected"),
        "the hostile text never arrived:\n{output}"
    );
    assert_eq!(foreign_commands(&output), Vec::<String>::new(), "{output}");
    assert_eq!(raw_controls(&output), Vec::<char>::new(), "{output}");
    // Reports: no live HTML, no links but http(s), no raw control characters.
    for file in ["reports/summary.md", "gh-summary"] {
        let md = run.text(file);
        assert!(md.contains("injected"), "{file}");
        assert!(
            !md.contains("<script") && !md.contains("<img"),
            "{file}:\n{md}"
        );
        for (at, _) in md.match_indices("](javascript:") {
            assert!(
                md[..at].ends_with('\\'),
                "{file} has a live javascript: link:\n{md}"
            );
        }
        assert_eq!(raw_controls(&md), Vec::<char>::new(), "{file}");
    }
    let junit = run.text("reports/junit.xml");
    assert_eq!(raw_controls(&junit), Vec::<char>::new(), "junit.xml");
    // The HTML report shows the text as text: no tag or link of the server's survives.
    let page = run.text("reports/report.html");
    let lower = page.to_ascii_lowercase();
    assert!(page.contains("injected"), "report.html");
    for live in ["<script", "<img", "<iframe", "href=\"javascript:"] {
        assert!(!lower.contains(live), "report.html has `{live}`:\n{page}");
    }
    assert_eq!(raw_controls(&page), Vec::<char>::new(), "report.html");
    let unescaped = page.replace("&#x2f;", "/");
    for (at, _) in unescaped.match_indices(" href=\"") {
        let target = &unescaped[at + 7..];
        assert!(
            target.starts_with('#') || target.starts_with("http://127.0.0.1:"),
            "report.html links elsewhere: {}",
            &target[..target.len().min(80)]
        );
    }
    assert_eq!(
        foreign_commands(&run.text("gh-output")),
        Vec::<String>::new()
    );
    // Links the server sent as `javascript:` are gone from the outcome.
    let text = report.to_string();
    assert!(!text.contains(HOSTILE_LINK), "{report:#}");
    // The results link is the runner's own, built from the API's address, not the server's.
    let link = report["suites"][0]["results_url"]
        .as_str()
        .unwrap_or_default();
    assert!(link.starts_with("http://127.0.0.1:"), "{link}");
    validate_junit(&run.path("reports/junit.xml"));
}

fn validate_junit(path: &std::path::Path) {
    let Ok(result) = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/junit-10.xsd"
        ))
        .arg(path)
        .output()
    else {
        eprintln!("note: xmllint is not installed; JUnit XSD validation skipped");
        return;
    };
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_run_id_is_refused_before_it_reaches_a_path_a_log_or_an_output() {
    let sim = start_sim_with_faults(&format!(
        "  - {{ method: POST, path: \"{CREATE}\", fault: \"run-id=c1\\n::error file=x::pwned\\n##[error]legacy\" }}\n"
    ))
    .await;
    let run = Runner::new(&sim)
        .suite(&suite("tags: [smoke]"))
        .github()
        .args(&["--report-dir", "reports"])
        .run()
        .await;
    let report = expect_report(&run, "reports/report.json", 3, "error").unwrap();
    let output = format!("{}\n{}", run.stdout, run.stderr);
    assert_eq!(foreign_commands(&output), Vec::<String>::new(), "{output}");
    assert!(report["suites"][0]["run_id"].is_null(), "{report:#}");
    assert!(
        report["suites"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("is not an id"),
        "{report:#}"
    );
    assert!(!run.text("gh-output").contains("pwned"));
    // Nothing was polled with it.
    assert!(
        sim.requests()
            .iter()
            .all(|r| !r.path.contains("/status") && !r.path.contains("pwned")),
        "{:#?}",
        sim.requests()
    );
    // Given on the command line, it is refused too.
    for args in [vec!["wait", "c1 ::error::x"], vec!["check", "c1/../x"]] {
        let refused = Runner::new(&sim).args_only(&args).run().await;
        refused.assert_code(2);
        assert!(
            refused.stderr.contains("look like a run id"),
            "{}",
            refused.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_report_is_judged_again_and_check_points_at_report() {
    let sim = start_sim(WORKSPACE).await;
    let failing = Runner::new(&sim)
        .suite(&suite("tags: [failing]"))
        .args(&["--report-dir", "reports"])
        .run()
        .await;
    failing.assert_code(1);
    // A step rewrites the report to look green.
    let mut edited: Value = failing.json("reports/report.json");
    edited["exit_code"] = 0.into();
    edited["verdict"] = "passed".into();
    edited["suites"][0]["verdict"] = "passed".into();
    std::fs::write(failing.path("edited.json"), edited.to_string()).unwrap();
    for args in [
        vec!["report", "edited.json", "--summary", "again.md"],
        vec!["merge", "edited.json"],
    ] {
        let again = Runner::new(&sim)
            .in_dir(&failing)
            .args_only(&args)
            .run()
            .await;
        again.assert_code(1);
        assert!(
            again
                .stderr
                .contains("is recorded as passed but its record shows failed"),
            "{args:?}: {}",
            again.stderr
        );
    }
    // --rerun-failed does not take the edited pass at its word: the suite runs again.
    let rerun = Runner::new(&sim)
        .in_dir(&failing)
        .args(&["--rerun-failed", "edited.json"])
        .run()
        .await;
    rerun.assert_code(1);
    assert_eq!(posts(&sim.requests()).len(), 2);
    // `check` on a report says what it is and what to run instead.
    let check = Runner::new(&sim)
        .in_dir(&failing)
        .args_only(&["check", "reports/report.json"])
        .run()
        .await;
    check.assert_code(2);
    assert!(
        check.stderr.contains("is a hamming-runner JSON report")
            && check
                .stderr
                .contains("hamming-runner report reports/report.json"),
        "{}",
        check.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn impossible_values_in_results_are_not_judged() {
    let results = serde_json::json!({
        "summary": { "id": "c1", "status": "COMPLETED",
                     "assertions": { "overallScore": 150, "categories": [] } },
        "results": [ { "id": "r1", "testCaseId": "case-1 ", "status": "PASSED", "durationSeconds": -5 },
                     { "id": "r2", "testCaseId": "case-1", "status": "FAILED", "durationSeconds": 30 } ]
    });
    let run = Runner::offline()
        .file("results.json", &results.to_string())
        .args_only(&[
            "check",
            "results.json",
            "--min-test-pass-rate",
            "0.5",
            "--min-assertion-score",
            "0.9",
            "--report-json",
            "report.json",
        ])
        .run()
        .await;
    // 150 would have read as 1.5 and passed; it is set aside and the check fails, saying why.
    run.assert_code(1);
    let report = run.json("report.json");
    let suite = &report["suites"][0];
    let score = suite["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "min_assertion_score")
        .unwrap();
    assert_eq!(score["status"], "failed", "{score:#}");
    assert!(
        score["reason"]
            .as_str()
            .unwrap()
            .contains("outside 0 to 100"),
        "{score:#}"
    );
    // `case-1 ` and `case-1` are one case (now flaky), and a negative duration is absent.
    assert_eq!(suite["flaky"].as_array().unwrap().len(), 1, "{suite:#}");
    assert!(suite["calls"][0]["duration_seconds"].is_null());
}
