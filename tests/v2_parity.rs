//! Parity with Hamming's v2 CI scripts: the three commands driven by the same environment
//! variables, the same shell pipeline, and the same exit statuses for pass and fail.

mod engine;

use engine::*;

/// The v2 README's local usage, with `hamming-runner` in place of the three scripts.
const V2_FLOW: &str = r#"set -o pipefail
TEST_RUN_ID=$("$HR" create) || exit 10
echo "run id: $TEST_RUN_ID" >&2
"$HR" wait "$TEST_RUN_ID" >/dev/null || exit 11
"$HR" wait "$TEST_RUN_ID" --output - | "$HR" check -"#;

fn v2(sim: &hamming_runner::sim::SimHandle, pairs: &[(&str, &str)]) -> Runner {
    let mut runner = Runner::new(sim).env("POLL_INTERVAL_SECONDS", "0.1");
    for (k, v) in pairs {
        runner = runner.env(k, v);
    }
    runner
}

const AGENT: (&str, &str) = ("AGENT_ID", "agent-1");
const PHONES: (&str, &str) = ("PHONE_NUMBERS", "+15551234567,+15559876543");

#[tokio::test(flavor = "multi_thread")]
async fn the_v2_readme_flow_passes_and_fails_as_the_scripts_do() {
    let sim = start_sim(WORKSPACE).await;
    for (selection, expected) in [
        (("TAG_IDS", "smoke"), 0),
        (("TAG_IDS", "failing"), 1),
        (("TEST_CASE_IDS", "case-pass"), 0),
        (("TEST_CASE_IDS", "case-pass,case-fail"), 1),
    ] {
        let run = v2(&sim, &[AGENT, PHONES, selection]).shell(V2_FLOW).await;
        run.assert_code(expected);
        assert!(run.stderr.contains("run id: c"), "{}", run.stderr);
        run.assert_no_key();
    }
    let created = posts(&sim.requests())
        .last()
        .map(|p| p.body.clone())
        .unwrap();
    assert_eq!(created["agentId"], "agent-1");
    assert_eq!(
        created["phoneNumbers"],
        serde_json::json!(["+15551234567", "+15559876543"])
    );
    assert_eq!(
        created["testConfigurations"],
        serde_json::json!([{ "testCaseId": "case-pass" }, { "testCaseId": "case-fail" }])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn run_without_a_file_runs_the_environment() {
    let sim = start_sim(WORKSPACE).await;
    let pass = v2(&sim, &[AGENT, PHONES, ("TAG_IDS", "smoke")])
        .args_only(&["run", "--report-json", "r.json"])
        .run()
        .await;
    pass.assert_code(0);
    assert_eq!(pass.json("r.json")["suites"][0]["name"], "env");
    let fail = v2(&sim, &[AGENT, PHONES, ("TAG_IDS", "failing")])
        .args_only(&["run"])
        .run()
        .await;
    fail.assert_code(1);
    let lenient = v2(
        &sim,
        &[
            AGENT,
            PHONES,
            ("TAG_IDS", "failing"),
            ("MIN_TEST_PASS_RATE", "0.5"),
            ("MIN_ASSERTION_PASS_RATE", "0.4"),
        ],
    )
    .args_only(&["run"])
    .run()
    .await;
    lenient.assert_code(0);
    let offline = Runner::offline()
        .env("AGENT_ID", "agent-1")
        .env("PHONE_NUMBERS", "+15551234567")
        .env("TEST_CASE_IDS", "cmc220l4i00zsgn0gvqkvpvxh")
        .args_only(&["run", "--simulate"])
        .run()
        .await;
    offline.assert_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_suite_file_path_is_unchanged_and_ignores_the_v2_selection() {
    let sim = start_sim(WORKSPACE).await;
    let run = v2(&sim, &[("AGENT_ID", "agent-2"), ("TAG_IDS", "failing")])
        .suite(&suite("tags: [smoke]"))
        .run()
        .await;
    run.assert_code(0);
    assert_eq!(posts(&sim.requests())[0].body["agentId"], "agent-1");
}

/// Thresholds: default (1.0), set by the environment, beaten by the flag, malformed.
#[tokio::test(flavor = "multi_thread")]
async fn check_takes_its_thresholds_from_the_environment_and_flags_win() {
    let sim = start_sim(WORKSPACE).await;
    let waited = v2(&sim, &[AGENT, PHONES, ("TAG_IDS", "failing")])
        .shell(r#"id=$("$HR" create) && "$HR" wait "$id" --output results.json"#)
        .await;
    waited.assert_code(0);
    let check = |env: &[(&'static str, &'static str)], flags: &[&str]| {
        let mut argv = vec!["check", "results.json"];
        argv.extend_from_slice(flags);
        let mut runner = Runner::offline().in_dir(&waited).args_only(&argv);
        for (k, v) in env {
            runner = runner.env(k, v);
        }
        runner.run()
    };
    let lenient_assertions = ("MIN_ASSERTION_PASS_RATE", "0.4");
    // MIN_TEST_PASS_RATE
    check(&[lenient_assertions], &[]).await.assert_code(1);
    check(&[lenient_assertions, ("MIN_TEST_PASS_RATE", "0.5")], &[])
        .await
        .assert_code(0);
    check(
        &[lenient_assertions, ("MIN_TEST_PASS_RATE", "0.5")],
        &["--min-test-pass-rate", "1.0"],
    )
    .await
    .assert_code(1);
    let bad = check(&[("MIN_TEST_PASS_RATE", "high")], &[]).await;
    bad.assert_code(2);
    assert!(
        bad.stderr.contains("MIN_TEST_PASS_RATE=\"high\""),
        "{}",
        bad.stderr
    );
    // MIN_ASSERTION_PASS_RATE
    let lenient_calls = ("MIN_TEST_PASS_RATE", "0.5");
    check(&[lenient_calls], &[]).await.assert_code(1);
    check(&[lenient_calls, lenient_assertions], &[])
        .await
        .assert_code(0);
    check(
        &[lenient_calls, lenient_assertions],
        &["--min-assertion-pass-rate", "1"],
    )
    .await
    .assert_code(1);
    let bad = check(&[("MIN_ASSERTION_PASS_RATE", "75%")], &[]).await;
    bad.assert_code(2);
    assert!(
        bad.stderr.contains("MIN_ASSERTION_PASS_RATE="),
        "{}",
        bad.stderr
    );
}

/// Pacing: default (900 s, 10 s), set by the environment, beaten by the flag or the v2
/// positional timeout, malformed.
#[tokio::test(flavor = "multi_thread")]
async fn wait_takes_timeout_and_poll_interval_from_the_environment_and_flags_win() {
    let sim = start_sim(WORKSPACE).await;
    let created = Runner::new(&sim)
        .env("AGENT_ID", "agent-1")
        .env("PHONE_NUMBERS", "+15551234567")
        .env("TAG_IDS", "smoke")
        .args_only(&["create"])
        .run()
        .await;
    created.assert_code(0);
    let id = created.stdout.trim().to_owned();
    assert_eq!(
        id.len(),
        25,
        "stdout must be the id alone: {}",
        created.stdout
    );
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], &'a str);
    let cases: &[Case] = &[
        (&[], &[], "(timeout 15m, polling every 10s)"),
        (
            &[
                ("TIMEOUT_SECONDS", "1200"),
                ("POLL_INTERVAL_SECONDS", "0.25"),
            ],
            &[],
            "(timeout 20m, polling every 250ms)",
        ),
        (
            &[
                ("TIMEOUT_SECONDS", "1200"),
                ("POLL_INTERVAL_SECONDS", "0.25"),
            ],
            &["--timeout", "5m", "--poll-interval", "100ms"],
            "(timeout 5m, polling every 100ms)",
        ),
        (
            &[
                ("TIMEOUT_SECONDS", "1200"),
                ("POLL_INTERVAL_SECONDS", "0.1"),
            ],
            &["90"],
            "(timeout 1m30s, polling every 100ms)",
        ),
    ];
    for (env, flags, needle) in cases {
        let mut argv = vec!["wait", id.as_str()];
        argv.extend_from_slice(flags);
        let mut runner = Runner::new(&sim).args_only(&argv);
        for (k, v) in *env {
            runner = runner.env(k, v);
        }
        let waited = runner.run().await;
        waited.assert_code(0);
        assert!(
            waited.stderr.contains(needle),
            "{needle}\n{}",
            waited.stderr
        );
    }
    for (name, value) in [("TIMEOUT_SECONDS", "15m"), ("POLL_INTERVAL_SECONDS", "ten")] {
        let bad = Runner::new(&sim)
            .env(name, value)
            .args_only(&["wait", &id])
            .run()
            .await;
        bad.assert_code(2);
        assert!(bad.stderr.contains(&format!("{name}=")), "{}", bad.stderr);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_missing_and_mistyped_variables_are_usage_errors() {
    let sim = start_sim(WORKSPACE).await;
    let base = [AGENT, PHONES, ("TAG_IDS", "smoke")];
    for (name, value, needle) in [
        (
            "PHONE_NUMBERS",
            "4155550100",
            "PHONE_NUMBERS=\"4155550100\"",
        ),
        (
            "TEST_CASE_IDS",
            "case-pass",
            "TAG_IDS and TEST_CASE_IDS are both set",
        ),
        ("TAG_IDS", " , ", "TAG_IDS=\" , \" lists nothing"),
        ("AGENT_ID", "", "AGENT_ID is not set"),
        (
            "MIN_TEST_PASSRATE",
            "0.5",
            "did you mean MIN_TEST_PASS_RATE?",
        ),
        ("TAG_ID", "smoke", "did you mean TAG_IDS?"),
        (
            "HAMMING_API_BASEURL",
            "x",
            "did you mean HAMMING_API_BASE_URL?",
        ),
        (
            "HAMMING_UI_BASE_URL",
            "app.hamming.ai",
            "HAMMING_UI_BASE_URL=",
        ),
        (
            "HAMMING_API_BASE_URL",
            "http://hamming.example/api/rest",
            "HAMMING_API_BASE_URL=",
        ),
    ] {
        for command in [&["create"][..], &["run"][..]] {
            let mut runner = Runner::new(&sim).args_only(command);
            for (k, v) in base.iter().filter(|(k, _)| *k != name) {
                runner = runner.env(k, v);
            }
            let run = runner.env(name, value).run().await;
            run.assert_code(2);
            assert!(
                run.stderr.contains(needle),
                "{name}={value}: {}",
                run.stderr
            );
        }
    }
    assert!(posts(&sim.requests()).is_empty());
    // The key: unset is an error, and --api-key-file beats the environment.
    let no_key = Runner::offline()
        .env("HAMMING_API_BASE_URL", &sim.base_url())
        .env("AGENT_ID", "agent-1")
        .env("PHONE_NUMBERS", "+15551234567")
        .env("TAG_IDS", "smoke")
        .args_only(&["create"])
        .run()
        .await;
    no_key.assert_code(2);
    assert!(
        no_key.stderr.contains("HAMMING_API_KEY"),
        "{}",
        no_key.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn api_and_ui_base_urls_default_and_override() {
    let sim = start_sim(WORKSPACE).await;
    // --api-base beats HAMMING_API_BASE_URL (which points nowhere here).
    let created = Runner::new(&sim)
        .env("HAMMING_API_BASE_URL", "http://127.0.0.1:9/api/rest")
        .env("AGENT_ID", "agent-1")
        .env("PHONE_NUMBERS", "+15551234567")
        .env("TAG_IDS", "smoke")
        .args_only(&["create", "--api-base", &sim.base_url()])
        .run()
        .await;
    created.assert_code(0);
    let id = created.stdout.trim().to_owned();
    let results = format!(
        r#"{{"summary": {{"id": "{id}", "status": "COMPLETED"}}, "results": [{{"id": "r1", "testCaseId": "case-pass", "status": "PASSED"}}]}}"#
    );
    let check = |ui: Option<&'static str>| {
        let mut runner = Runner::offline()
            .file("results.json", &results)
            .args_only(&["check", "results.json"]);
        if let Some(ui) = ui {
            runner = runner.env("HAMMING_UI_BASE_URL", ui);
        }
        runner.run()
    };
    let default = check(None).await;
    default.assert_code(0);
    assert!(
        default
            .stdout
            .contains(&format!("https://app.hamming.ai/test-runs/{id}")),
        "{}",
        default.stdout
    );
    let custom = check(Some("https://ui.example.test")).await;
    custom.assert_code(0);
    assert!(
        custom
            .stdout
            .contains(&format!("https://ui.example.test/test-runs/{id}")),
        "{}",
        custom.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn env_files_supply_the_variables_and_the_real_environment_wins() {
    let sim = start_sim(WORKSPACE).await;
    let dotenv = "# as in the v2 .env.example\nexport AGENT_ID=agent-1\nPHONE_NUMBERS=\"+15551234567\"\nTAG_IDS=failing # overridden below\n";
    // `.env` in the working directory is read, as python-dotenv reads it.
    let implicit = Runner::new(&sim)
        .file(".env", dotenv)
        .env("TAG_IDS", "smoke")
        .env("POLL_INTERVAL_SECONDS", "0.1")
        .args_only(&["run"])
        .run()
        .await;
    implicit.assert_code(0);
    // --env-file names another file, with the key in it too.
    let explicit = Runner::offline()
        .file(
            "ci.env",
            &format!(
                "{dotenv}HAMMING_API_KEY='{KEY}'\nHAMMING_API_BASE_URL={}\nPOLL_INTERVAL_SECONDS=0.1\n",
                sim.base_url()
            ),
        )
        .args_only(&["run", "--env-file", "ci.env"])
        .run()
        .await;
    explicit.assert_code(1);
    // The env file holds the key; no output does.
    assert!(!explicit.stdout.contains(KEY) && !explicit.stderr.contains(KEY));
    let broken = Runner::new(&sim)
        .file(".env", "AGENT_ID=agent-1\nTAG_IDS='smoke\n")
        .args_only(&["create"])
        .run()
        .await;
    broken.assert_code(2);
    // At its file and line, through the same renderer as a suite file's errors, without
    // quoting the line (it may hold a secret).
    assert!(
        broken
            .stderr
            .contains("error: the '-quoted value is never closed"),
        "{}",
        broken.stderr
    );
    assert!(broken.stderr.contains("--> .env:2\n"), "{}", broken.stderr);
    assert!(!broken.stderr.contains("'smoke"), "{}", broken.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn init_from_env_prints_a_suite_file_that_validates() {
    let run = Runner::offline()
        .env("AGENT_ID", "agent-1")
        .env("PHONE_NUMBERS", "+15551234567")
        .env("TEST_CASE_IDS", "case-pass,case-fail")
        .env("MIN_TEST_PASS_RATE", "0.8")
        .shell(r#""$HR" init --from-env > hamming.yaml && "$HR" validate hamming.yaml"#)
        .await;
    run.assert_code(0);
    let text = run.text("hamming.yaml");
    assert!(
        text.starts_with("# yaml-language-server: $schema="),
        "{text}"
    );
    assert!(text.contains("min_test_pass_rate: 0.8"), "{text}");
    let missing = Runner::offline()
        .args_only(&["init", "--from-env"])
        .run()
        .await;
    missing.assert_code(2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_v2_examples_run_against_the_simulator() {
    let root = env!("CARGO_MANIFEST_DIR");
    for script in ["v2-by-tags.sh", "v2-test-cases-with-overrides.sh"] {
        let run = Runner::offline()
            .shell(&format!("bash {root}/examples/{script}"))
            .await;
        run.assert_code(0);
        assert!(
            run.stdout.contains("PASSED"),
            "{script}\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
}

/// AGENT_ID, TAG_IDS, TEST_CASE_IDS and PHONE_NUMBERS: required (no default), beaten by their
/// flags, and a malformed flag is named as the flag.
#[tokio::test(flavor = "multi_thread")]
async fn selection_flags_beat_the_environment() {
    let sim = start_sim(WORKSPACE).await;
    let env = [
        ("AGENT_ID", "agent-2"),
        ("PHONE_NUMBERS", "+15550000000"),
        ("TEST_CASE_IDS", "case-elsewhere"),
    ];
    let run = v2(&sim, &env)
        .args_only(&[
            "run",
            "--agent-id",
            "agent-1",
            "--tag-ids",
            "smoke",
            "--phone-numbers",
            "+15551234567,+15559876543",
        ])
        .run()
        .await;
    run.assert_code(0);
    let body = posts(&sim.requests())[0].body.clone();
    assert_eq!(body["agentId"], "agent-1");
    assert_eq!(
        body["phoneNumbers"],
        serde_json::json!(["+15551234567", "+15559876543"])
    );
    let smoke = tag_id(&sim, "smoke").await;
    assert_eq!(
        body["testConfigurations"],
        serde_json::json!([{ "tagId": smoke }])
    );

    let cases = v2(&sim, &[AGENT, PHONES, ("TAG_IDS", "failing")])
        .args_only(&["create", "--test-case-ids", "case-pass"])
        .run()
        .await;
    cases.assert_code(0);
    assert_eq!(
        posts(&sim.requests())[1].body["testConfigurations"],
        serde_json::json!([{ "testCaseId": "case-pass" }])
    );

    let bad = v2(&sim, &[AGENT, ("TAG_IDS", "smoke")])
        .args_only(&["create", "--phone-numbers", "4155550100"])
        .run()
        .await;
    bad.assert_code(2);
    assert!(
        bad.stderr
            .contains("--phone-numbers \"4155550100\" has `4155550100` without a leading `+`"),
        "{}",
        bad.stderr
    );
    let with_file = v2(&sim, &[])
        .suite(&suite("tags: [smoke]"))
        .args(&["--agent-id", "agent-2"])
        .run()
        .await;
    with_file.assert_code(2);
    assert!(
        with_file
            .stderr
            .contains("--agent-id applies only without a suite file"),
        "{}",
        with_file.stderr
    );
    assert_eq!(posts(&sim.requests()).len(), 2);
}

/// HAMMING_API_KEY: required, beaten by --api-key-file, malformed is refused; HAMMING_UI_BASE_URL
/// is beaten by --ui-base-url.
#[tokio::test(flavor = "multi_thread")]
async fn the_key_and_the_ui_base_have_their_flags_too() {
    let sim = start_sim(WORKSPACE).await;
    let base = [AGENT, PHONES, ("TAG_IDS", "smoke")];
    let by_file = v2(&sim, &base)
        .env("HAMMING_API_KEY", "sk-wrong-but-well-formed")
        .file("key.txt", KEY)
        .args_only(&["create", "--api-key-file", "key.txt"])
        .run()
        .await;
    by_file.assert_code(0);
    let malformed = v2(&sim, &base)
        .env("HAMMING_API_KEY", "sk-has a blank")
        .args_only(&["create"])
        .run()
        .await;
    malformed.assert_code(2);
    assert!(
        malformed.stderr.contains("the API key contains whitespace"),
        "{}",
        malformed.stderr
    );
    assert!(!malformed.stderr.contains("has a blank"));

    let results = r#"{"summary": {"id": "run-1", "status": "COMPLETED"}, "results": [{"id": "r1", "testCaseId": "case-pass", "status": "PASSED"}]}"#;
    let flagged = Runner::offline()
        .env("HAMMING_UI_BASE_URL", "https://env.example.test")
        .file("results.json", results)
        .args_only(&[
            "check",
            "results.json",
            "--ui-base-url",
            "https://flag.example.test",
        ])
        .run()
        .await;
    flagged.assert_code(0);
    assert!(
        flagged
            .stdout
            .contains("https://flag.example.test/test-runs/run-1"),
        "{}",
        flagged.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_env_file_feeds_the_templates_of_a_suite_file() {
    let sim = start_sim(WORKSPACE).await;
    let file =
        suite("tags: [smoke]").replace("agent_id: agent-1", "agent_id: \"{{ env.AGENT_ID }}\"");
    let run = Runner::new(&sim)
        .suite(&file)
        .file("ci.env", "AGENT_ID=agent-1\n")
        .args(&["--env-file", "ci.env"])
        .run()
        .await;
    run.assert_code(0);
    assert_eq!(posts(&sim.requests())[0].body["agentId"], "agent-1");
    // Without --env-file a suite file run never reads ./.env, so an unrelated or broken one
    // cannot break it.
    let ignored = Runner::new(&sim)
        .suite(&suite("tags: [smoke]"))
        .file(".env", "this is not dotenv\n")
        .run()
        .await;
    ignored.assert_code(0);
}

/// HAMMING_BASE_URL, the host alone as Hamming's LiveKit plugin reads it, names the API when
/// HAMMING_API_BASE_URL is unset; with a suite file too.
#[tokio::test(flavor = "multi_thread")]
async fn the_host_alone_names_the_api() {
    let sim = start_sim(WORKSPACE).await;
    let host = sim.base_url().trim_end_matches("/api/rest").to_owned();
    let created = Runner::offline()
        .env("HAMMING_API_KEY", KEY)
        .env("HAMMING_BASE_URL", &host)
        .env("AGENT_ID", "agent-1")
        .env("PHONE_NUMBERS", "+15551234567")
        .env("TAG_IDS", "smoke")
        .args_only(&["create"])
        .run()
        .await;
    created.assert_code(0);
    let ran = Runner::offline()
        .env("HAMMING_API_KEY", KEY)
        .env("HAMMING_BASE_URL", &format!("{host}/"))
        .suite(&suite("tags: [smoke]"))
        .run()
        .await;
    ran.assert_code(0);
    assert_eq!(posts(&sim.requests()).len(), 2);
    let doubled = Runner::offline()
        .env("HAMMING_API_KEY", KEY)
        .env("HAMMING_BASE_URL", &sim.base_url())
        .suite(&suite("tags: [smoke]"))
        .run()
        .await;
    doubled.assert_code(2);
    assert!(
        doubled.stderr.contains("drop /api/rest"),
        "{}",
        doubled.stderr
    );
}
