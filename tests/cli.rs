//! The `validate`, `schema` and `init` commands as a user runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn hamming(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hamming-runner"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("HAMMING_AGENT_ID")
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("GITHUB_ACTIONS");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn validate_reports_each_good_file() {
    let output = hamming(
        &root(),
        &["validate", "hamming.example.yaml", "examples/suites.toml"],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        text(&output.stdout),
        "ok: hamming.example.yaml: 2 suites, 3 test selections\n\
         ok: examples/suites.toml: 2 suites, 2 test selections\n"
    );
}

#[test]
fn validate_checks_every_file_and_fails_if_any_is_invalid() {
    let output = hamming(
        &root(),
        &[
            "validate",
            "tests/invalid/unknown-key-suite.yaml",
            "hamming.example.yaml",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stdout).contains("ok: hamming.example.yaml"));
    assert!(text(&output.stderr).contains("did you mean `thresholds`?"));
}

#[test]
fn colour_follows_the_flag() {
    let args = ["validate", "tests/invalid/unknown-key-suite.yaml"];
    let always = hamming(&root(), &["--color", "always", args[0], args[1]], &[]);
    assert!(text(&always.stderr).contains("\x1b["));
    // Auto: stderr is a pipe here, so no colour.
    let auto = hamming(&root(), &args, &[]);
    assert!(!text(&auto.stderr).contains("\x1b["));
}

#[test]
fn schema_prints_the_committed_schema() {
    let output = hamming(&root(), &["schema"], &[]);
    assert_eq!(output.status.code(), Some(0));
    let committed =
        std::fs::read_to_string(root().join("schemas/hamming-suites.schema.json")).unwrap();
    assert_eq!(text(&output.stdout), committed);

    let dir = tempfile::tempdir().unwrap();
    let output = hamming(dir.path(), &["schema", "--output", "s.json"], &[]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.json")).unwrap(),
        committed
    );
}

#[test]
fn init_writes_a_starter_that_validates_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let output = hamming(dir.path(), &["init"], &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let starter = std::fs::read_to_string(dir.path().join("hamming.yaml")).unwrap();
    assert!(starter.starts_with("# yaml-language-server: $schema=https://"));

    let ok = hamming(
        dir.path(),
        &["validate", "hamming.yaml"],
        &[("HAMMING_AGENT_ID", "cmc1agent0000000000000001")],
    );
    assert_eq!(ok.status.code(), Some(0), "{ok:?}");
    // Without the variable, the strict template names it.
    let missing = hamming(dir.path(), &["validate", "hamming.yaml"], &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("undefined variable `env.HAMMING_AGENT_ID`"));

    std::fs::write(dir.path().join("hamming.yaml"), "mine").unwrap();
    let refused = hamming(dir.path(), &["init"], &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("pass `--force` to overwrite it"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("hamming.yaml")).unwrap(),
        "mine"
    );

    let forced = hamming(dir.path(), &["init", "--force", "hamming.yaml"], &[]);
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("hamming.yaml")).unwrap(),
        starter
    );
}

#[test]
fn help_lists_the_exit_codes_and_bad_usage_exits_2() {
    let help = hamming(&root(), &["--help"], &[]);
    assert_eq!(help.status.code(), Some(0));
    assert!(
        text(&help.stdout).contains(&hamming_runner::exit::help(hamming_runner::exit::ALL)),
        "{help:?}"
    );
    let sub = hamming(&root(), &["validate", "--help"], &[]);
    assert!(text(&sub.stdout).contains("--allow-env-secret"));
    let bad = hamming(&root(), &["validate"], &[]);
    assert_eq!(bad.status.code(), Some(2));
    let bad_var = hamming(&root(), &["validate", "x.yaml", "--var", "novalue"], &[]);
    assert_eq!(bad_var.status.code(), Some(2));
    assert!(text(&bad_var.stderr).contains("is not `key=value`"));
}

/// Durations on the command line keep the suite file's ranges: `--timeout 0s` would create a
/// run and abandon it at once, `--poll-interval 0s` would poll in a tight loop. Refused by
/// the argument parser, before anything is loaded or sent.
#[test]
fn duration_flags_keep_the_suite_file_ranges() {
    for args in [
        vec!["run", "hamming.example.yaml", "--timeout", "0s"],
        vec!["run", "hamming.example.yaml", "--timeout", "49h"],
        vec!["run", "hamming.example.yaml", "--poll-interval", "0s"],
        vec!["run", "hamming.example.yaml", "--poll-interval", "50ms"],
        vec!["run", "hamming.example.yaml", "--min-poll-interval", "0s"],
        vec!["run", "hamming.example.yaml", "--max-poll-interval", "11m"],
        vec!["wait", "cabc", "--timeout", "0s"],
        vec!["wait", "cabc", "0"],
        vec!["wait", "cabc", "0.2"],
        vec!["wait", "cabc", "--poll-interval", "0s"],
    ] {
        let output = hamming(&root(), &args, &[("HAMMING_API_KEY", "sk-test-0000")]);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("the range a suite file allows")
                || stderr.contains("not a positive number"),
            "{args:?}: {stderr}"
        );
    }
}
