//! Runs `hamming-runner validate` on every file under `tests/invalid/` and snapshots what a
//! user would read: each must exit 2, never panic, and point at the right line and column.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the real binary from the crate root, with a clean, predictable environment.
fn validate(path: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hamming-runner"))
        .current_dir(manifest_dir())
        .args(["--color", "never", "validate"])
        .arg(path)
        .args(extra)
        .env_remove("HAMMING_API_KEY")
        .env_remove("HAMMING_AGENT_ID")
        .env_remove("HAMMING_PHONE_NUMBER")
        .env_remove("HR_CORPUS_UNSET_AGENT_ID")
        // Under GitHub Actions (CI) `validate` would also annotate each error on stdout.
        .env_remove("GITHUB_ACTIONS")
        .env("HAMMING_API_KEY", "sk-corpus-secret-must-not-leak")
        .output()
        .unwrap()
}

#[test]
fn every_invalid_file_is_rejected_with_located_errors() {
    let dir = manifest_dir().join("tests/invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(
        names.len() >= 30,
        "the corpus has only {} files",
        names.len()
    );
    for name in names {
        let output = validate(&Path::new("tests/invalid").join(&name), &[]);
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(output.stdout.is_empty(), "{name} printed to stdout");
        assert!(!stderr.contains("panicked"), "{name} panicked: {stderr}");
        assert!(
            !stderr.contains("sk-corpus-secret"),
            "{name} leaked the key"
        );
        assert!(
            stderr.contains(&format!("tests/invalid/{name}:")) || stderr.contains("--> "),
            "{name}: no location in {stderr}"
        );
        insta::with_settings!({ snapshot_path => "snapshots/invalid", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name.clone(), stderr);
        });
    }
}

#[test]
fn a_ten_megabyte_file_is_refused_by_its_size_before_it_is_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let line = format!("# {}\n", "x".repeat(1022));
    std::fs::write(&path, line.repeat(10 * 1024)).unwrap();
    let output = validate(&path, &[]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is larger than 8 MiB"), "{stderr}");
    // The size alone decides: no parse, so no other problem is reported.
    assert!(stderr.contains("has 1 error"), "{stderr}");
    assert!(!stderr.contains("YAML"), "{stderr}");
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let output = validate(Path::new("tests/invalid/does-not-exist.yaml"), &[]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("cannot open `tests/invalid/does-not-exist.yaml`: no such file"),
        "{stderr}"
    );
}

#[test]
fn the_secret_can_be_allowed_by_name_and_vars_fill_templates() {
    let output = validate(
        Path::new("tests/invalid/api-key-in-template.yaml"),
        &["--allow-env-secret", "HAMMING_API_KEY"],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains("sk-corpus-secret"));

    let output = Command::new(env!("CARGO_BIN_EXE_hamming-runner"))
        .current_dir(manifest_dir())
        .args([
            "validate",
            "tests/invalid/undefined-env-var.yaml",
            "--var",
            "tag=smoke",
        ])
        .env("HR_CORPUS_UNSET_AGENT_ID", "cmc1agent0000000000000001")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

/// A file of one suite whose tag list holds `tags` items, in YAML or TOML: the root, the
/// version key and its value, `suites` and its mapping, the suite's key and mapping, `tags`
/// and the list are nine values before the first tag.
fn one_long_tag_list(format: &str, tags: usize) -> (String, usize) {
    let (head, item) = match format {
        "yaml" => ("version: 1\nsuites:\n  big:\n    tags: [", "t,"),
        _ => ("version = 1\n[suites.big]\ntags = [", "\"t\","),
    };
    let mut text = String::from(head);
    text.push_str(&item.repeat(tags));
    text.push_str("]\n");
    let last_line = head.lines().last().unwrap_or_default().len();
    (text, last_line + 1 + item.len() * (tags - 1))
}

#[test]
fn a_file_over_the_value_cap_is_refused_where_it_crosses_it() {
    let dir = tempfile::tempdir().unwrap();
    let max = hamming_runner::load::MAX_VALUES;
    for (format, line) in [("yaml", 4), ("toml", 3)] {
        // The 9 values before the list and `max - 8` tags: one value over the cap, the last
        // tag.
        let (text, column) = one_long_tag_list(format, max - 8);
        assert!(
            text.len() < 8 * 1024 * 1024,
            "the size cap would refuse it first"
        );
        let path = dir.path().join(format!("huge.{format}"));
        std::fs::write(&path, text).unwrap();
        let output = validate(&path, &[]);
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{format}: {stderr}");
        let wanted = format!(
            "error: invalid {}: the file has more than 1,000,000 values; a suite file needs far fewer",
            format.to_uppercase()
        );
        assert!(stderr.starts_with(&wanted), "{format}: {stderr}");
        assert!(
            stderr.contains(&format!("huge.{format}:{line}:{column}\n")),
            "{format}: wanted {line}:{column} in {stderr}"
        );
        assert!(stderr.contains("split the suites"), "{format}: {stderr}");
    }
}
