//! The API key never leaks: not through any command at any verbosity, not through the files a
//! run writes (reports, state), not through a crash message; a key on the command line is
//! refused; plain http:// to a non-loopback host is refused; under GitHub Actions the key and
//! every secret a template was allowed to read are masked before anything else prints.

mod engine;

use engine::*;

/// Every command, at `-vvv` (request and response bodies logged), with the key in the
/// environment: the key reaches no output and no file. Commands that need a server get the simulator; the others run offline.
#[tokio::test(flavor = "multi_thread")]
async fn no_command_prints_or_writes_the_key() {
    let sim = start_sim(WORKSPACE).await;
    let passing = Runner::new(&sim)
        .suite(&suite("tags: [smoke]"))
        .args(&["-vvv", "--report-dir", "reports"])
        .run()
        .await;
    passing.assert_code(0);
    passing.assert_no_key();
    // The state file was written, and is among the files searched.
    assert!(passing.path("reports/state.json").exists());
    let commands: Vec<Vec<&str>> = vec![
        vec!["validate", "suite.yaml", "-vvv"],
        vec!["validate", "missing.yaml", "-vvv"],
        vec!["schema", "-vvv"],
        vec!["init", "starter.yaml", "-vvv"],
        vec![
            "report",
            "reports/report.json",
            "--junit",
            "again.xml",
            "--summary",
            "again.md",
            "-vvv",
        ],
        vec!["report", "suite.yaml", "-vvv"],
        vec!["plan", "suite.yaml", "-vvv"],
        vec!["create", "suite.yaml", "-vvv"],
        vec!["wait", "cnotarealrun00000000000000", "-vvv"],
        vec!["check", "cnotarealrun00000000000000", "-vvv"],
        vec!["check", "reports/report.json", "-vvv"],
        vec!["run", "suite.yaml", "--simulate", "-vvv"],
        vec!["--help"],
        vec!["run", "--help"],
        vec!["--version"],
        vec!["no-such-command", "-vvv"],
    ];
    for args in commands {
        let run = Runner::new(&sim)
            .in_dir(&passing)
            .args_only(&args)
            .run()
            .await;
        assert_ne!(run.code, None, "{args:?} was killed");
        assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
        run.assert_no_key();
    }
    // `sim` serves until stopped: run it for a moment.
    let served = Runner::new(&sim)
        .in_dir(&passing)
        .shell("timeout -s INT 1 \"$HR\" sim --port 0 -vv; true")
        .await;
    assert!(served.stdout.contains("listening"), "{}", served.stdout);
    served.assert_no_key();
}

/// A key on the command line is refused before anything runs, without echoing it.
#[tokio::test(flavor = "multi_thread")]
async fn a_key_on_the_command_line_is_refused_with_a_hint() {
    let sim = start_sim(WORKSPACE).await;
    for args in [
        vec!["run", "suite.yaml", "--api-key", KEY],
        vec!["run", "suite.yaml", &format!("--api-key={KEY}")],
        vec!["create", "suite.yaml", "--token", KEY],
        vec!["check", KEY],
    ] {
        let run = Runner::new(&sim)
            .suite(&suite("tags: [smoke]"))
            .args_only(&args)
            .run()
            .await;
        run.assert_code(2);
        assert!(
            run.stderr.contains("never taken from the command line"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("HAMMING_API_KEY"), "{}", run.stderr);
        assert!(run.stderr.contains("--api-key-file"), "{}", run.stderr);
        run.assert_no_key();
    }
    assert!(
        sim.requests().is_empty(),
        "a refused command reached the server"
    );
    // The file flag is the way to pass a key, and is not mistaken for one.
    let from_file = Runner::offline()
        .suite(&suite("tags: [smoke]"))
        .shell(&format!(
            "printf '%s\\n' '{KEY}' > key.txt && \"$HR\" plan suite.yaml --api-key-file key.txt --api-base {}",
            sim.base_url()
        ))
        .await;
    from_file.assert_code(0);
}

/// Plain http:// is refused for any host but loopback, from the flag and from the
/// environment, before a connection is made.
#[tokio::test(flavor = "multi_thread")]
async fn plain_http_to_a_remote_host_is_refused() {
    for base in [
        "http://app.hamming.ai/api/rest",
        "http://10.0.0.5/api/rest",
        "http://localhost.example.com/api/rest",
    ] {
        let by_flag = Runner::offline()
            .suite(&suite("tags: [smoke]"))
            .shell(&format!(
                "HAMMING_API_KEY={KEY} \"$HR\" run suite.yaml --api-base {base} --report-json report.json"
            ))
            .await;
        by_flag.assert_code(2);
        assert!(
            by_flag.stderr.contains("refusing plain http://"),
            "{}",
            by_flag.stderr
        );
        by_flag.assert_no_key();
        let by_env = Runner::offline()
            .suite(&suite("tags: [smoke]"))
            .shell(&format!(
                "HAMMING_API_KEY={KEY} HAMMING_API_BASE_URL={base} \"$HR\" plan suite.yaml"
            ))
            .await;
        by_env.assert_code(2);
        assert!(
            by_env.stderr.contains("refusing plain http://"),
            "{}",
            by_env.stderr
        );
    }
}

/// Under GitHub Actions the key (here read from a file, which GitHub cannot know to mask) is
/// masked before any other line, and so is a secret a template was allowed to read (here a
/// second key in HAMMING_API_KEY, read by the template with --allow-env-secret).
#[tokio::test(flavor = "multi_thread")]
async fn github_actions_masks_the_key_and_allowed_secrets_first() {
    let sim = start_sim(WORKSPACE).await;
    let file = "version: 1\ndefaults:\n  agent_id: agent-1\n  phone_numbers: [\"+14155550100\"]\n  poll_interval: 100ms\nsuites:\n  s:\n    description: \"{{ env.HAMMING_API_KEY[:3] }}\"\n    tags: [smoke]\n";
    let run = Runner::offline()
        .suite(file)
        .github()
        .shell(&format!(
            "printf '%s' '{KEY}' > key.txt && HAMMING_API_KEY=sk-template-9f8e7d6c5b4a \"$HR\" run suite.yaml --api-key-file key.txt --api-base {} --allow-env-secret HAMMING_API_KEY",
            sim.base_url()
        ))
        .await;
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(format!("::add-mask::{KEY}").as_str()),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("::add-mask::sk-template-9f8e7d6c5b4a\n"),
        "{}",
        run.stdout
    );
}
